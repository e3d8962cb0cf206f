// start-page.ts: the page at `/`: create a room, join one, reopen a recent one.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { fetchAuth, renderAccountBox } from './account';
import { h, icon } from './dom';
import { loadIdentity } from './identity';
import { DEFAULT_LANGUAGE, fillLanguageSelect, languageForFilename, languageLabel } from './languages';
import { LIMITS } from './protocol';
import { forgetRoom, formatVisited, loadRecentRooms, parseRoomInput, rememberRoom } from './recent-rooms';
import { linkToken, roomUrl, saveOwnerKey } from './room-access';

/* Plain words for what the REST API can answer when creating a room. */
async function describeFailure(response: Response): Promise<string> {
  let message = '';
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string')
      message = body.error.message;
  } catch {
    /* Not JSON: a proxy's error page, say. */
  }
  if (response.status === 413)
    return 'That code is too large for one room.';
  if (response.status >= 500)
    return 'The Pairpad server had a problem creating the room. Try again in a moment.';
  return message !== '' ? `The room could not be created: ${message}` : `The room could not be created (HTTP ${response.status}).`;
}

export function renderStartPage(root: HTMLElement): void {
  document.title = 'Pairpad';
  const identity = loadIdentity();

  /* --- New room ------------------------------------------------------- */
  const title = h('input', { id: 'new-title', type: 'text', maxLength: LIMITS.maxTitleChars,
                             placeholder: 'Untitled room', autocomplete: 'off' });
  const language = h('select', { id: 'new-language' });
  fillLanguageSelect(language, DEFAULT_LANGUAGE);
  const code = h('textarea', { id: 'new-code', rows: 9, spellcheck: false,
                               placeholder: 'Paste code here, or upload a file below.' });
  const file = h('input', { id: 'new-file', type: 'file', className: 'visually-hidden' });
  const fileName = h('span', { className: 'muted file-name' });
  const createError = h('p', { className: 'form-error', attrs: { role: 'alert' } });
  const createButton = h('button', { type: 'submit', className: 'button primary' }, 'Create room');

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen === undefined)
      return;
    createError.textContent = '';
    if (chosen.size > LIMITS.maxDocumentChars * 4) {
      createError.textContent = `“${chosen.name}” is too large to share (${Math.round(chosen.size / 1048576)} MB).`;
      file.value = '';
      return;
    }
    chosen.text().then((text) => {
      if (text.includes('\u0000')) {
        createError.textContent = `“${chosen.name}” looks like a binary file; only text can be shared.`;
        return;
      }
      code.value = text;
      fileName.textContent = chosen.name;
      const guessed = languageForFilename(chosen.name);
      if (guessed !== undefined)
        language.value = guessed;
      if (title.value.trim() === '')
        title.value = chosen.name;
    }, () => {
      createError.textContent = `“${chosen.name}” could not be read.`;
    });
  });

  const createForm = h('form', { className: 'stack', noValidate: true },
    h('div', { className: 'field' },
      h('label', { htmlFor: 'new-title' }, 'Title ', h('span', { className: 'muted' }, '(optional)')),
      title),
    h('div', { className: 'field' }, h('label', { htmlFor: 'new-language' }, 'Language'), language),
    h('div', { className: 'field' },
      h('label', { htmlFor: 'new-code' }, 'Starting code ', h('span', { className: 'muted' }, '(optional)')),
      code,
      h('div', { className: 'row' },
        h('label', { htmlFor: 'new-file', className: 'button secondary file-button' }, icon('upload'), 'Upload a file'),
        file,
        fileName)),
    createError,
    h('div', { className: 'row' }, createButton));

  /* The label is the visible control; keyboard users reach the input itself. */
  file.addEventListener('focus', () => file.previousElementSibling?.classList.add('focus-ring'));
  file.addEventListener('blur', () => file.previousElementSibling?.classList.remove('focus-ring'));

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    createError.textContent = '';
    createButton.disabled = true;
    createButton.textContent = 'Creating…';
    const body = {
      language: language.value,
      title: title.value.trim(),
      text: code.value,
    };
    fetch('/api/v1/rooms', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (response) => {
      if (!response.ok)
        throw new Error(await describeFailure(response));
      const room = (await response.json()) as { id?: unknown; owner_key?: unknown };
      if (typeof room.id !== 'string')
        throw new Error('The server answered, but without a room id.');
      if (typeof room.owner_key === 'string')
        saveOwnerKey(room.id, room.owner_key);
      rememberRoom({ id: room.id, title: body.title, language: body.language });
      window.location.assign(`/r/${encodeURIComponent(room.id)}`);
    }).catch((err: unknown) => {
      createError.textContent = err instanceof TypeError
        ? 'Could not reach the Pairpad server. Check your connection and try again.'
        : err instanceof Error ? err.message : String(err);
      createButton.disabled = false;
      createButton.textContent = 'Create room';
    });
  });

  /* --- Join ----------------------------------------------------------- */
  const joinInput = h('input', { id: 'join-room', type: 'text', autocomplete: 'off',
                                 placeholder: 'https://…/r/… or the room id', spellcheck: false });
  const joinError = h('p', { className: 'form-error', attrs: { role: 'alert' } });
  const joinForm = h('form', { className: 'stack', noValidate: true },
    h('div', { className: 'field' },
      h('label', { htmlFor: 'join-room' }, 'Room link or id'),
      h('div', { className: 'row join-row' }, joinInput,
        h('button', { type: 'submit', className: 'button secondary' }, 'Join'))),
    joinError);
  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = parseRoomInput(joinInput.value);
    if (id === null) {
      joinError.textContent = joinInput.value.trim() === ''
        ? 'Paste a room link or id first.'
        : 'That does not look like a room link. It should end in /r/ and the room id.';
      joinInput.focus();
      return;
    }
    /* A share link's token rides along in the fragment. */
    const token = linkToken(joinInput.value.trim().replace(/^[^#]*/, ''));
    window.location.assign(roomUrl('', id, token));
  });

  /* --- Recent --------------------------------------------------------- */
  const recentList = h('ul', { className: 'recent-list' });
  const renderRecent = (): void => {
    const rooms = loadRecentRooms();
    recentList.replaceChildren();
    if (rooms.length === 0) {
      recentList.append(h('li', { className: 'muted empty' }, 'Rooms you open will be listed here.'));
      return;
    }
    const now = Date.now();
    for (const room of rooms) {
      const name = room.title !== '' ? room.title : 'Untitled room';
      const details = [room.language !== '' ? languageLabel(room.language) : null,
                       `visited ${formatVisited(room.visitedAt, now)}`].filter((x) => x !== null).join(' · ');
      const forget = h('button', { type: 'button', className: 'icon-button', title: 'Remove from this list',
                                   attrs: { 'aria-label': `Remove “${name}” from recent rooms` } }, icon('close'));
      forget.addEventListener('click', () => {
        forgetRoom(room.id);
        renderRecent();
      });
      recentList.append(h('li', null,
        h('a', { href: `/r/${encodeURIComponent(room.id)}`, className: 'recent-link' },
          h('span', { className: 'recent-title' }, name),
          h('span', { className: 'recent-meta muted' }, details)),
        forget));
    }
  };
  renderRecent();
  /* Another tab may have visited a room meanwhile. */
  window.addEventListener('storage', renderRecent);
  window.addEventListener('focus', renderRecent);

  /* --- Account (when the daemon has accounts) -------------------------- */
  const accountCard = h('section', { className: 'card', hidden: true, attrs: { 'aria-labelledby': 'account-heading' } });
  const footer = h('footer', { className: 'start-footer muted' },
    'You appear to others as ', h('strong', null, identity.name), '. Change it inside any room.');
  const refreshAccount = (): void => {
    void fetchAuth().then((auth) => {
      accountCard.hidden = auth.mode === 'none';
      accountCard.replaceChildren(h('h2', { id: 'account-heading' }, 'Your account'),
                                  renderAccountBox(auth, refreshAccount));
      if (auth.user !== null)
        footer.replaceChildren('You appear to others as ', h('strong', null, auth.user),
                               ', your account’s name, marked as signed in.');
      else
        footer.replaceChildren('You appear to others as ', h('strong', null, identity.name),
                               '. Change it inside any room.');
      const mayCreate = auth.roomCreation === 'anyone' || auth.user !== null;
      createButton.disabled = !mayCreate;
      createError.textContent = mayCreate ? '' : 'Sign in to create a room: this server lets only people with an account do that.';
    });
  };
  refreshAccount();

  root.replaceChildren(
    h('div', { className: 'start-page' },
      h('header', { className: 'start-header' },
        h('h1', { className: 'brand' }, h('img', { src: '/favicon.svg', alt: '', width: 36, height: 36 }), 'Pairpad'),
        h('p', { className: 'tagline muted' },
          'Write code together in real time. Share the link, and you are pairing.')),
      h('main', { className: 'start-grid' },
        h('section', { className: 'card', attrs: { 'aria-labelledby': 'new-room-heading' } },
          h('h2', { id: 'new-room-heading' }, 'New room'),
          createForm),
        h('div', { className: 'stack' },
          accountCard,
          h('section', { className: 'card', attrs: { 'aria-labelledby': 'join-heading' } },
            h('h2', { id: 'join-heading' }, 'Join a room'),
            joinForm),
          h('section', { className: 'card', attrs: { 'aria-labelledby': 'recent-heading' } },
            h('h2', { id: 'recent-heading' }, 'Recent rooms'),
            recentList))),
      footer));
  title.focus();
}

