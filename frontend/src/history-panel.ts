// history-panel.ts: the room's history beside the editor: a version slider, blame, restore, download.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { blameOf, type Author, type Blame } from './blame';
import type { ClientSession } from './client-session';
import { h, icon } from './dom';
import { type Checkpoint, HistoryError, type PastVersion, RoomHistory } from './history-api';
import { HistoryView } from './history-view';
import type { Disposable } from './monaco-binding';
import { ColorRules, rgb } from './person-colors';
import { VersionLoader } from './version-loader';

/* Owns the panel's DOM, its Monaco views (history-view.ts, made on first
 * open) and the tint rules of the authors shown. Past versions come over
 * REST (history-api.ts) through a VersionLoader, so that dragging the
 * slider over thousands of versions asks for only a few of them. The live
 * session is only read: its version bounds the slider, its text is "now"
 * in the diff. A restore is a new op from the daemon, which reaches the
 * editor like anyone's edit; nothing here touches the editor's text. */

/* The diff's "now" follows the room, at most this often. */
const NOW_REFRESH_MS = 250;
const DOWNLOAD_URL_LIFETIME_MS = 10000;

export interface HistoryPanelOptions {
  room: string;
  /* The token the page presents in hello (owner key or share link), if any. */
  token: string | null;
  session: ClientSession;
  language: () => string;
  /* The panel opened or closed (for the header's button). */
  onToggle: (open: boolean) => void;
}

export class HistoryPanel implements Disposable {
  readonly element: HTMLElement;
  private readonly opts: HistoryPanelOptions;
  private readonly session: ClientSession;
  private readonly api: RoomHistory;
  private readonly loader: VersionLoader<PastVersion>;
  private readonly tintRules = new ColorRules('history');
  private readonly disposables: (() => void)[] = [];
  private view: HistoryView | null = null;
  private checkpointList: Checkpoint[] = [];
  private shown: PastVersion | null = null;
  private diffing = false;
  private nowTimer: number | undefined;
  private busy = false;

  private readonly slider: HTMLInputElement;
  private readonly ticks: HTMLElement;
  private readonly versionLabel: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly checkpointsEl: HTMLElement;
  private readonly viewHost: HTMLElement;
  private readonly diffButton: HTMLButtonElement;
  private readonly restoreButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private readonly checkpointButton: HTMLButtonElement;
  private readonly confirmRow: HTMLElement;
  private readonly confirmText: HTMLElement;
  private readonly nameForm: HTMLFormElement;
  private readonly nameInput: HTMLInputElement;
  private readonly message: HTMLElement;

  constructor(opts: HistoryPanelOptions) {
    this.opts = opts;
    this.session = opts.session;
    this.api = new RoomHistory(opts.room, opts.token);
    this.loader = new VersionLoader<PastVersion>({
      load: (v) => this.api.version(v),
      onLoaded: (_v, past) => this.showVersion(past),
      onError: (_v, err) => this.fail(err),
    });

    this.slider = h('input', { type: 'range', id: 'history-version', min: '0', max: '0', step: '1', value: '0' });
    this.ticks = h('div', { className: 'history-ticks', attrs: { 'aria-hidden': 'true' } });
    this.versionLabel = h('output', { className: 'history-version', attrs: { for: 'history-version' } });
    this.legend = h('ul', { className: 'history-legend', attrs: { 'aria-label': 'Who wrote this version' } });
    this.checkpointsEl = h('ul', { className: 'history-checkpoints', attrs: { 'aria-label': 'Checkpoints' } });
    this.viewHost = h('div', { className: 'history-views' });
    this.diffButton = h('button', { type: 'button', className: 'button secondary history-diff',
                                    attrs: { 'aria-pressed': 'false' } }, 'Diff against now');
    this.restoreButton = h('button', { type: 'button', className: 'button primary history-restore' },
                           'Restore this version');
    this.downloadButton = h('button', { type: 'button', className: 'button secondary history-download' },
                            'Download');
    this.checkpointButton = h('button', { type: 'button', className: 'button secondary history-save' },
                              'Save checkpoint');
    this.confirmText = h('p');
    const confirmRestore = h('button', { type: 'button', className: 'button primary history-confirm' }, 'Restore');
    const cancelRestore = h('button', { type: 'button', className: 'button secondary' }, 'Cancel');
    this.confirmRow = h('div', { className: 'history-confirm-row', hidden: true, attrs: { role: 'alertdialog' } },
                        this.confirmText, h('div', { className: 'row end' }, cancelRestore, confirmRestore));
    this.nameInput = h('input', { type: 'text', id: 'checkpoint-name', maxLength: 100, required: true,
                                  autocomplete: 'off', placeholder: 'Before the refactoring' });
    const cancelName = h('button', { type: 'button', className: 'button secondary' }, 'Cancel');
    this.nameForm = h('form', { className: 'history-name-form', hidden: true },
      h('label', { htmlFor: 'checkpoint-name' }, 'Name the room’s current version'),
      h('div', { className: 'row' }, this.nameInput, cancelName,
        h('button', { type: 'submit', className: 'button primary' }, 'Save')));
    this.message = h('p', { className: 'history-message', attrs: { role: 'status' } });
    const closeButton = h('button', { type: 'button', className: 'icon-button',
                                      attrs: { 'aria-label': 'Close history' } }, icon('close'));

    this.element = h('aside', { className: 'history-panel', hidden: true, attrs: { 'aria-label': 'History' } },
      h('div', { className: 'history-head' }, h('h2', null, 'History'), this.versionLabel, closeButton),
      h('div', { className: 'history-slider' },
        h('label', { htmlFor: 'history-version', className: 'visually-hidden' }, 'Version'),
        this.slider, this.ticks),
      this.checkpointsEl,
      h('div', { className: 'history-actions' },
        this.diffButton, this.restoreButton, this.downloadButton, this.checkpointButton),
      this.confirmRow,
      this.nameForm,
      this.message,
      this.legend,
      this.viewHost);

    this.slider.addEventListener('input', () => this.select(Number(this.slider.value)));
    closeButton.addEventListener('click', () => this.close());
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.confirmRow.hidden && this.nameForm.hidden)
        this.close();
    });
    this.diffButton.addEventListener('click', () => this.setDiff(!this.diffing));
    this.restoreButton.addEventListener('click', () => {
      this.nameForm.hidden = true;
      this.confirmText.textContent = `Make the text what it was at version ${this.selected} again? `
        + 'Everyone sees the change at once, as a new version: nothing of the history is lost.';
      this.confirmRow.hidden = false;
      confirmRestore.focus();
    });
    cancelRestore.addEventListener('click', () => {
      this.confirmRow.hidden = true;
    });
    confirmRestore.addEventListener('click', () => {
      this.confirmRow.hidden = true;
      const v = this.selected;
      this.run(async () => {
        const now = await this.api.restore(v);
        this.say(`Restored version ${v}: the room is now at version ${now}.`);
      });
    });
    this.downloadButton.addEventListener('click', () => {
      const v = this.selected;
      this.run(() => this.download(v));
    });
    this.checkpointButton.addEventListener('click', () => {
      this.confirmRow.hidden = true;
      this.nameForm.hidden = false;
      this.nameInput.value = '';
      this.nameInput.focus();
    });
    cancelName.addEventListener('click', () => {
      this.nameForm.hidden = true;
    });
    this.nameForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = this.nameInput.value.replace(/\s+/g, ' ').trim();
      if (name === '')
        return;
      this.nameForm.hidden = true;
      this.run(async () => {
        await this.api.saveCheckpoint(name);
        await this.loadCheckpoints();
        this.say(`Saved “${name}”.`);
      });
    });

    const grow = (): void => this.onRoomChanged();
    for (const event of ['acked', 'remote-op', 'joined', 'reset', 'unsent'] as const)
      this.disposables.push(this.session.on(event, grow));
    this.disposables.push(this.session.on('access', () => this.renderButtons()));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0))
      d();
    window.clearTimeout(this.nowTimer);
    this.loader.dispose();
    this.view?.dispose();
    this.view = null;
    this.tintRules.dispose();
    this.element.remove();
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** Opens at the room's current version. */
  open(): void {
    if (this.isOpen)
      return;
    this.element.hidden = false;
    this.view ??= new HistoryView(this.viewHost, this.opts.language());
    this.say('');
    this.updateRange();
    this.select(this.session.version);
    this.run(() => this.loadCheckpoints());
    this.opts.onToggle(true);
    this.slider.focus();
  }

  close(): void {
    if (!this.isOpen)
      return;
    this.element.hidden = true;
    this.confirmRow.hidden = true;
    this.nameForm.hidden = true;
    this.opts.onToggle(false);
  }

  /** The version shown (loaded), or null before the first one arrives. */
  get version(): number | null {
    return this.isOpen ? this.shown?.v ?? null : null;
  }

  /** The text shown, as the view holds it. */
  get text(): string {
    return this.view?.getText() ?? '';
  }

  setLanguage(language: string): void {
    this.view?.setLanguage(language);
  }

  /* --- Internals -------------------------------------------------------- */

  private get selected(): number {
    return Number(this.slider.value);
  }

  /** Moves the slider to `v` (a checkpoint, say) and asks for that version. */
  private select(v: number): void {
    this.slider.value = String(v);
    this.renderLabel();
    this.renderButtons();
    this.element.setAttribute('aria-busy', 'true');
    this.loader.request(this.selected);
  }

  private showVersion(past: PastVersion): void {
    if (past.v !== this.selected || this.view === null)
      return;
    this.shown = past;
    this.element.removeAttribute('aria-busy');
    const blame = blameOf(past.spans, [...past.text].length);
    this.renderTints(blame.authors);
    this.view.show(past.text, blame.tints);
    this.renderLegend(blame);
    this.renderLabel();
  }

  private fail(err: unknown): void {
    this.element.removeAttribute('aria-busy');
    this.say(err instanceof HistoryError ? err.message : 'That version could not be loaded.', true);
  }

  /* One rule per color; the class names come from blame.ts. */
  private renderTints(authors: readonly Author[]): void {
    const rules: string[] = [];
    for (const a of authors) {
      if (a.tintClass === '')
        continue;
      const [r, g, b] = rgb(a.color);
      rules.push(`.${a.tintClass} { background-color: rgba(${r}, ${g}, ${b}, 0.22);`
                 + ` box-shadow: inset 0 -2px 0 rgba(${r}, ${g}, ${b}, 0.7); }`);
    }
    this.tintRules.set(rules);
  }

  private renderLegend(blame: Blame): void {
    const total = blame.authors.reduce((n, a) => n + a.length, 0);
    this.legend.replaceChildren(...blame.authors.map((a) => {
      const share = total > 0 ? Math.round((a.length / total) * 100) : 0;
      const item = h('li', { className: a.tintClass === '' ? 'initial' : '' },
        h('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
        h('span', { className: 'person-name' }, a.name),
        h('span', { className: 'muted' }, ` ${share < 1 && a.length > 0 ? '<1' : share}%`));
      item.style.setProperty('--person-color', a.color);
      return item;
    }));
    this.legend.hidden = blame.authors.length === 0;
  }

  private renderLabel(): void {
    const v = this.selected;
    const max = Number(this.slider.max);
    const names = this.checkpointList.filter((c) => c.v === v).map((c) => c.name);
    const what = v === max ? 'now' : `of ${max}`;
    this.versionLabel.textContent = `Version ${v} ${what}${names.length > 0 ? ` · ${names.join(', ')}` : ''}`;
    this.slider.setAttribute('aria-valuetext', this.versionLabel.textContent);
    for (const item of this.checkpointsEl.querySelectorAll('button'))
      item.setAttribute('aria-current', String(Number(item.dataset['v']) === v));
  }

  private renderButtons(): void {
    const current = this.selected === this.session.version;
    this.restoreButton.disabled = this.busy || !this.session.canEdit || current;
    this.restoreButton.title = !this.session.canEdit
      ? (this.session.locked ? 'The room is locked' : 'Viewers cannot restore')
      : current ? 'This is the current version' : 'Make the text what it was then, as a new version';
    this.checkpointButton.disabled = this.busy || this.session.role === 'viewer';
    this.checkpointButton.title = this.session.role === 'viewer'
      ? 'Viewers cannot save checkpoints' : 'Name the room’s current version, to find it again';
    this.downloadButton.disabled = this.busy;
  }

  /* The slider reaches the room's version, and the checkpoints' marks
   * sit where their versions are on it. */
  private updateRange(): void {
    const max = Math.max(this.session.version, 0);
    this.slider.max = String(max);
    this.ticks.replaceChildren(...this.checkpointList.filter((c) => c.v <= max).map((c) => {
      const tick = h('span', { className: 'history-tick', title: `${c.name} (version ${c.v})` });
      tick.style.setProperty('--at', String(max > 0 ? c.v / max : 0));
      return tick;
    }));
    this.renderLabel();
    this.renderButtons();
  }

  private onRoomChanged(): void {
    if (!this.isOpen)
      return;
    if (Number(this.slider.max) !== this.session.version)
      this.updateRange();
    if (this.diffing && this.nowTimer === undefined) {
      this.nowTimer = window.setTimeout(() => {
        this.nowTimer = undefined;
        if (this.diffing)
          this.view?.setNow(this.session.text);
      }, NOW_REFRESH_MS);
    }
  }

  private setDiff(on: boolean): void {
    this.diffing = on;
    this.diffButton.setAttribute('aria-pressed', String(on));
    this.view?.showDiff(on ? this.session.text : null);
  }

  private async loadCheckpoints(): Promise<void> {
    this.checkpointList = await this.api.checkpoints();
    this.checkpointsEl.replaceChildren(...[...this.checkpointList].reverse().map((c) => {
      const button = h('button', { type: 'button', className: 'history-checkpoint', dataset: { v: String(c.v) },
                                   title: c.createdAt !== '' ? `Saved ${new Date(c.createdAt).toLocaleString()}` : '' },
        h('span', { className: 'checkpoint-name' }, c.name),
        h('span', { className: 'muted' }, ` v${c.v}`));
      button.addEventListener('click', () => this.select(c.v));
      return h('li', null, button);
    }));
    this.checkpointsEl.hidden = this.checkpointList.length === 0;
    this.updateRange();
  }

  private async download(v: number): Promise<void> {
    const { blob, filename } = await this.api.download(v);
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    /* The browser reads the Blob after the click returns. */
    window.setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
  }

  /* One REST call at a time from the buttons; its error is shown. */
  private run(call: () => Promise<void>): void {
    if (this.busy)
      return;
    this.busy = true;
    this.renderButtons();
    call().catch((err: unknown) => {
      this.say(err instanceof Error ? err.message : String(err), true);
    }).finally(() => {
      this.busy = false;
      this.renderButtons();
    });
  }

  private say(text: string, error = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('form-error', error);
  }
}
