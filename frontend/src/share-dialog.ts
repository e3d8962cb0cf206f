// share-dialog.ts: the owner's dialog: who may enter with the room link,
// the editors' and viewers' share links, the lock, and deleting the room.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { copyText, h, icon } from './dom';
import type { GeneralAccess } from './protocol';
import { type AccessSettings, type LinkKind, type RoomOwner, roomUrl } from './room-access';

const ACCESS_CHOICES: [GeneralAccess, string][] = [
  ['edit', 'Anyone with the room link can edit'],
  ['view', 'Anyone with the room link can view'],
  ['restricted', 'Only people with a share link'],
];

const LINK_LABELS: Record<LinkKind, [string, string]> = {
  edit: ['Editors’ link', 'Whoever opens it can edit.'],
  view: ['Viewers’ link', 'Whoever opens it can watch, but not edit.'],
};

export interface ShareDialogOptions {
  room: string;
  owner: RoomOwner;
  /** The room was deleted: the page leaves it. */
  onDeleted: () => void;
}

/** Builds the dialog (closed) and returns it with a function that opens it. */
export function createShareDialog(opts: ShareDialogOptions): { dialog: HTMLDialogElement; open: () => void } {
  const accessSelect = h('select', { id: 'share-access' },
    ...ACCESS_CHOICES.map(([value, label]) => h('option', { value }, label)));
  const lockInput = h('input', { id: 'share-lock', type: 'checkbox' });
  const linkRows = h('div', { className: 'stack share-links' });
  const message = h('p', { className: 'form-error', attrs: { role: 'alert' } });
  const confirmText = h('p', null, 'Delete this room and its whole history, for everyone? This cannot be undone.');
  const confirmDelete = h('button', { type: 'button', className: 'button danger' }, 'Delete room');
  const cancelDelete = h('button', { type: 'button', className: 'button secondary' }, 'Cancel');
  const confirmRow = h('div', { className: 'confirm', hidden: true }, confirmText,
                       h('div', { className: 'row end' }, cancelDelete, confirmDelete));
  const deleteButton = h('button', { type: 'button', className: 'button danger-outline' }, 'Delete room…');
  const closeButton = h('button', { type: 'button', className: 'icon-button', attrs: { 'aria-label': 'Close' } },
                        icon('close'));

  const dialog = h('dialog', { className: 'share-dialog', attrs: { 'aria-labelledby': 'share-heading' } },
    h('div', { className: 'dialog-head' }, h('h2', { id: 'share-heading' }, 'Share this room'), closeButton),
    h('div', { className: 'field' }, h('label', { htmlFor: 'share-access' }, 'General access'), accessSelect),
    linkRows,
    h('label', { className: 'switch-row', htmlFor: 'share-lock' }, lockInput,
      h('span', null, h('strong', null, 'Lock the room'),
        h('span', { className: 'muted small block' }, 'Nobody can edit while it is locked, you included.'))),
    message,
    h('div', { className: 'danger-zone' }, deleteButton, confirmRow));

  let settings: AccessSettings | null = null;
  let busy = false;

  /* Runs one owner call; the dialog shows its result or its error. */
  const run = (call: () => Promise<AccessSettings | void>): void => {
    if (busy)
      return;
    busy = true;
    dialog.setAttribute('aria-busy', 'true');
    message.textContent = '';
    call().then((next) => {
      if (next !== undefined)
        render(next);
    }, (err: unknown) => {
      message.textContent = err instanceof Error ? err.message : String(err);
      if (settings !== null)
        render(settings);
    }).finally(() => {
      busy = false;
      dialog.removeAttribute('aria-busy');
    });
  };

  function linkRow(kind: LinkKind, token: string | null): HTMLElement {
    const [label, help] = LINK_LABELS[kind];
    const head = h('div', { className: 'link-head' }, h('strong', null, label),
                   h('span', { className: 'muted small' }, token !== null ? help : 'Off'));
    if (token === null) {
      const create = h('button', { type: 'button', className: 'button secondary' }, 'Create link');
      create.addEventListener('click', () => run(() => opts.owner.newLink(kind)));
      return h('div', { className: 'link-row', dataset: { kind } }, head, h('div', { className: 'row' }, create));
    }
    const url = roomUrl(window.location.origin, opts.room, token);
    const field = h('input', { type: 'text', readOnly: true, value: url, className: 'link-url',
                               attrs: { 'aria-label': label } });
    const copyLabel = h('span', null, 'Copy');
    const copy = h('button', { type: 'button', className: 'button secondary' }, icon('copy'), copyLabel);
    copy.addEventListener('click', () => {
      void copyText(url).then((ok) => {
        copyLabel.textContent = ok ? 'Copied' : 'Copy failed';
        window.setTimeout(() => {
          copyLabel.textContent = 'Copy';
        }, 1600);
      });
    });
    field.addEventListener('focus', () => field.select());
    const renew = h('button', { type: 'button', className: 'button link',
                                title: 'Make a new link: people who joined with this one are let out at once' },
                    'New link');
    renew.addEventListener('click', () => run(() => opts.owner.newLink(kind)));
    const off = h('button', { type: 'button', className: 'button link',
                              title: 'Turn the link off: people who joined with it are let out at once' },
                  'Turn off');
    off.addEventListener('click', () => run(() => opts.owner.turnOffLink(kind)));
    return h('div', { className: 'link-row', dataset: { kind } }, head,
             h('div', { className: 'row' }, field, copy), h('div', { className: 'row' }, renew, off));
  }

  function render(next: AccessSettings): void {
    settings = next;
    accessSelect.value = next.access;
    lockInput.checked = next.locked;
    linkRows.replaceChildren(linkRow('edit', next.links.edit), linkRow('view', next.links.view));
  }

  accessSelect.addEventListener('change', () => {
    const access = accessSelect.value as GeneralAccess;
    run(() => opts.owner.set({ access }));
  });
  lockInput.addEventListener('change', () => {
    const locked = lockInput.checked;
    run(() => opts.owner.set({ locked }));
  });
  deleteButton.addEventListener('click', () => {
    confirmRow.hidden = false;
    deleteButton.hidden = true;
    cancelDelete.focus();
  });
  cancelDelete.addEventListener('click', () => {
    confirmRow.hidden = true;
    deleteButton.hidden = false;
  });
  confirmDelete.addEventListener('click', () => run(async () => {
    await opts.owner.deleteRoom();
    dialog.close();
    opts.onDeleted();
  }));
  closeButton.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog)
      dialog.close();   /* a click on the backdrop */
  });

  const open = (): void => {
    confirmRow.hidden = true;
    deleteButton.hidden = false;
    message.textContent = '';
    dialog.showModal();
    run(() => opts.owner.get());
  };

  return { dialog, open };
}
