// room-page.ts: the page at `/r/{id}`: header, editor, people, connection state.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { fetchAuth } from './account';
import { ClientSession } from './client-session';
import { copyText, h, icon } from './dom';
import { HistoryPanel } from './history-panel';
import { cleanName, COLORS, loadIdentity, saveIdentity, type Identity } from './identity';
import { DEFAULT_LANGUAGE, fillLanguageSelect, setLanguageSelectValue } from './languages';
import { MonacoBinding } from './monaco-binding';
import { renderNoAccess, renderNotFound } from './not-found';
import { Presence } from './presence';
import { isValidColor, LIMITS, newClientId, type UserInfo } from './protocol';
import { forgetRoom, rememberRoom } from './recent-rooms';
import { forgetOwnerKey, linkToken, loadOwnerKey, RoomOwner, roomUrl } from './room-access';
import { createShareDialog } from './share-dialog';
import { RoomSocket, type SocketStatus } from './socket';
import { TextOpError } from './text-op';

/* Wiring for one room: builds the header around the editor, creates the
 * session (or restores it from a snapshot with unsent edits), and connects.
 * It holds no collaboration logic itself: text goes through the binding,
 * marks through presence.ts, frames through socket.ts. */

const SNAPSHOT_SAVE_MS = 300;
const SNAPSHOT_HEARTBEAT_MS = 3000;
/* A snapshot whose tab has not refreshed it for this long is up for grabs. */
const SNAPSHOT_STALE_MS = 10000;

interface StoredSnapshot {
  owner: string | null;     /* the tab keeping it up to date, null once it let go */
  savedAt: number;
  snapshot: unknown;
}

/* Test hooks for end-to-end tests (playwright), as `window.pairpad`:
 *   editor, session, binding, presence    the live objects
 *   getText()                             the editor's text
 *   getCaretCodePoint()                   the caret, in code points
 *   setCaretCodePoint(cp)                 moves the caret
 *   getRemoteCarets()                     {name, caret} of everyone else, code points
 *   getStatus()                           the connection state in words, as shown
 *   undo(), redo()                        the per-user undo
 *   follow(userId | null)                 follow someone, or stop
 *   getAccessNote()                       the read-only note as shown, '' when editable
 *   openHistory(), closeHistory()         the history panel
 *   historyVersion()                      the version the panel shows, null when closed or loading
 *   historyText()                         the text the panel shows */
export interface PairpadHooks {
  editor: MonacoBinding['editor'];
  session: ClientSession;
  binding: MonacoBinding;
  presence: Presence;
  getText(): string;
  getCaretCodePoint(): number;
  setCaretCodePoint(cp: number): void;
  getRemoteCarets(): { user: string; name: string; caret: number | null }[];
  getStatus(): string;
  undo(): void;
  redo(): void;
  follow(user: string | null): void;
  getAccessNote(): string;
  openHistory(): void;
  closeHistory(): void;
  historyVersion(): number | null;
  historyText(): string;
}

declare global {
  interface Window {
    pairpad?: PairpadHooks;
  }
}

function snapshotKey(room: string): string {
  return `pairpad.snapshot.${room}`;
}

/* A session with the unsent edits of an earlier visit, if another live tab
 * is not using it: two tabs must never share a client id. */
function takeSnapshot(room: string): ClientSession | null {
  let stored: StoredSnapshot;
  try {
    const raw = localStorage.getItem(snapshotKey(room));
    if (raw === null)
      return null;
    stored = JSON.parse(raw) as StoredSnapshot;
  } catch {
    return null;
  }
  if (typeof stored !== 'object' || stored === null)
    return null;
  if (typeof stored.owner === 'string' && Date.now() - Number(stored.savedAt) < SNAPSHOT_STALE_MS)
    return null;
  try {
    const session = ClientSession.restore(stored.snapshot);
    localStorage.removeItem(snapshotKey(room));
    return session.unsent > 0 && session.joined ? session : null;
  } catch (err) {
    console.warn('Pairpad: ignoring a saved session that cannot be restored', err);
    localStorage.removeItem(snapshotKey(room));
    return null;
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/* Plain words for the error frames and session errors a person can act on. */
function describeError(code: string, message: string): string | null {
  switch (code) {
    case 'too_large':
      return 'That change is too large for this room, so it was not shared. Try a smaller paste.';
    case 'rate_limited':
      return 'You are typing faster than the room accepts; your edits will catch up in a moment.';
    case 'forbidden':
      return message !== '' ? message : 'The room refused that.';
    case 'resync':
      /* From the session: edits it had to drop when rejoining from the full
       * text. From the daemon: only that it rejoins, which is routine. */
      return /discarded/.test(message)
        ? `${message.charAt(0).toUpperCase()}${message.slice(1)}. The editor shows the room's text again.`
        : null;
    case 'internal':
      return 'The Pairpad server had a problem saving the room. Your edits will be resent.';
    case 'bad_op':
    case 'bad_message':
    case 'bad_version':
      return `The room refused an update (${message}). The page is catching up with the room.`;
    case 'not_found':
      return null;
    default:
      return message !== '' ? message : null;
  }
}

export function renderRoomPage(root: HTMLElement, roomId: string): void {
  const tabId = newClientId();
  let identity: Identity = loadIdentity();
  /* Signed in: the daemon shows the account's name, not the chosen one. */
  let accountName: string | null = null;
  const restored = takeSnapshot(roomId);
  const session = restored ?? new ClientSession({ client: newClientId(), name: identity.name, color: identity.color });
  if (restored !== null) {
    /* The name and color may have changed since; the next hello carries them. */
    session.setName(identity.name);
    session.setColor(identity.color);
  }
  /* The owner key wins over a link: the owner may also hold links. */
  const ownerKey = loadOwnerKey(roomId);
  const shareToken = linkToken(window.location.hash);
  const token = ownerKey ?? shareToken;
  session.setToken(token);
  rememberRoom({ id: roomId });

  /* --- Header --------------------------------------------------------- */
  const titleInput = h('input', {
    type: 'text', className: 'title-input', maxLength: LIMITS.maxTitleChars, placeholder: 'Untitled room',
    autocomplete: 'off', spellcheck: false, attrs: { 'aria-label': 'Room title' },
  });
  const languageSelect = h('select', { id: 'room-language', className: 'language-select' });
  fillLanguageSelect(languageSelect, session.language ?? DEFAULT_LANGUAGE);
  const statusDot = h('span', { className: 'status-dot', attrs: { 'aria-hidden': 'true' } });
  const statusText = h('span', null, 'Connecting…');
  const status = h('div', { className: 'status', dataset: { kind: 'connecting' }, attrs: { role: 'status' } },
                   statusDot, statusText);
  const people = h('ul', { className: 'people', attrs: { 'aria-label': 'People in this room' } });
  const meButton = h('button', { type: 'button', className: 'person me',
                                 attrs: { 'aria-haspopup': 'dialog', 'aria-expanded': 'false' } });
  const copyLabel = h('span', { className: 'copy-label' }, 'Copy link');
  const copyButton = h('button', { type: 'button', className: 'button secondary copy-link',
                                   title: 'Copy the link to this room' }, icon('copy'), copyLabel);
  const shareButton = h('button', { type: 'button', className: 'button primary share-button', hidden: true,
                                    title: 'Who may open and edit this room' }, icon('share'), 'Share');
  const historyButton = h('button', { type: 'button', className: 'button secondary history-button',
                                      title: 'Earlier versions: who wrote what, diff, restore, download',
                                      attrs: { 'aria-expanded': 'false' } },
                          icon('history'), h('span', { className: 'history-label' }, 'History'));
  const share = ownerKey !== null
    ? createShareDialog({ room: roomId, owner: new RoomOwner(roomId, ownerKey), onDeleted: () => leaveDeleted() })
    : null;

  const nameInput = h('input', { id: 'my-name', type: 'text', maxLength: LIMITS.maxNameChars, autocomplete: 'off' });
  const nameNote = h('p', { className: 'muted small' }, 'Others see the change when you reconnect, which happens right away.');
  const swatches = h('div', { className: 'swatches', attrs: { role: 'radiogroup', 'aria-label': 'Your color' } });
  const mePanel = h('form', { className: 'me-panel', hidden: true, attrs: { role: 'dialog', 'aria-label': 'You in this room' } },
    h('div', { className: 'field' }, h('label', { htmlFor: 'my-name' }, 'Your name'), nameInput),
    h('div', { className: 'field' }, h('span', { className: 'label' }, 'Your color'), swatches),
    nameNote,
    h('div', { className: 'row end' }, h('button', { type: 'submit', className: 'button primary' }, 'Done')));

  const followText = h('span');
  const stopFollow = h('button', { type: 'button', className: 'button link' }, 'Stop following');
  const followBar = h('div', { className: 'follow-bar', hidden: true, attrs: { role: 'status' } }, icon('eye'), followText, stopFollow);
  const noticeText = h('span');
  const noticeClose = h('button', { type: 'button', className: 'icon-button', attrs: { 'aria-label': 'Dismiss' } }, icon('close'));
  const notice = h('div', { className: 'notice', hidden: true, attrs: { role: 'alert' } }, noticeText, noticeClose);
  const accessText = h('span');
  const accessBar = h('div', { className: 'access-bar', hidden: true, attrs: { role: 'status' } }, icon('lock'), accessText);
  const editorHost = h('div', { className: 'editor-host' });
  const history = new HistoryPanel({
    room: roomId,
    token,
    session,
    language: () => session.language ?? DEFAULT_LANGUAGE,
    onToggle: (open) => historyButton.setAttribute('aria-expanded', String(open)),
  });

  const header = h('header', { className: 'room-header' },
    h('a', { href: '/', className: 'home-link', title: 'Pairpad start page', attrs: { 'aria-label': 'Pairpad start page' } },
      h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 })),
    h('div', { className: 'title-wrap' }, titleInput),
    h('label', { htmlFor: 'room-language', className: 'visually-hidden' }, 'Language'),
    languageSelect,
    h('div', { className: 'spacer' }),
    status,
    people,
    h('div', { className: 'me-wrap' }, meButton, mePanel),
    historyButton,
    copyButton,
    shareButton);

  root.replaceChildren(h('div', { className: 'room-page' }, header, accessBar, followBar, notice,
                         h('div', { className: 'room-body' }, editorHost, history.element),
                         share?.dialog ?? null));

  /* --- Editor, presence, socket --------------------------------------- */
  const binding = new MonacoBinding(editorHost, session, {
    language: session.language ?? DEFAULT_LANGUAGE,
    editable: session.joined,
  });
  const presence = new Presence(session, binding, () => renderPeople());
  /* Suggestions and a model's ghost text as you type, asked over the room's
   * WebSocket: the binding asks only at the session's own version. */
  binding.setCompletionSource((position, v) =>
    v === session.version ? session.complete(position) : Promise.reject(new Error('stale')));
  const wsUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}`
    + `/api/v1/rooms/${encodeURIComponent(roomId)}/ws`;
  let lastStatus: SocketStatus = { kind: 'connecting' };
  let statusWords = 'Connecting…';
  let countdown: number | undefined;
  let closed = false;
  const makeSocket = (): RoomSocket => new RoomSocket(session, wsUrl, {
    onStatus: (s) => {
      lastStatus = s;
      renderStatus();
    },
  });
  let socket = makeSocket();

  /* --- Title and language (meta) -------------------------------------- */
  const showMeta = (): void => {
    const title = session.title ?? '';
    if (document.activeElement !== titleInput)
      titleInput.value = title;
    document.title = `${title !== '' ? title : 'Untitled room'} — Pairpad`;
    const language = session.language ?? DEFAULT_LANGUAGE;
    if (document.activeElement !== languageSelect)
      setLanguageSelectValue(languageSelect, language);
    binding.setLanguage(language);
    history.setLanguage(language);
  };
  showMeta();
  session.on('meta', (language, title) => {
    showMeta();
    rememberRoom({ id: roomId, title, language }, false);
  });
  session.on('joined', () => {
    showMeta();
    rememberRoom({ id: roomId, title: session.title ?? '', language: session.language ?? '' }, false);
    renderPeople();
  });

  titleInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      titleInput.blur();
    } else if (e.key === 'Escape') {
      titleInput.value = session.title ?? '';
      titleInput.blur();
    }
  });
  titleInput.addEventListener('change', () => {
    const title = titleInput.value.replace(/\s+/g, ' ').trim();
    titleInput.value = title;
    if (title !== (session.title ?? ''))
      session.setMeta({ title });
  });
  languageSelect.addEventListener('change', () => {
    const language = languageSelect.value;
    binding.setLanguage(language);
    session.setMeta({ language });
  });

  /* --- Access: read-only, the owner's controls ----------------------------- */
  let accessNote = '';
  function applyAccess(): void {
    const owner = session.role === 'owner';
    if (session.locked)
      accessNote = owner ? 'You locked this room: nobody can edit until you unlock it in Share.'
                         : 'The owner locked this room: nobody can edit right now.';
    else if (session.role === 'viewer')
      accessNote = 'View only: you can watch and follow others, but not edit.';
    else
      accessNote = '';
    accessText.textContent = accessNote;
    accessBar.hidden = accessNote === '';
    binding.setReadOnly(accessNote !== '' ? accessNote : null);
    titleInput.disabled = !session.canEdit;
    languageSelect.disabled = !session.canEdit;
    shareButton.hidden = !owner || share === null;
    renderPeople();
  }
  session.on('access', applyAccess);
  session.on('joined', applyAccess);
  shareButton.addEventListener('click', () => share?.open());
  historyButton.addEventListener('click', () => {
    if (history.isOpen)
      history.close();
    else
      history.open();
  });

  /* --- People ----------------------------------------------------------- */
  function personChip(u: UserInfo): HTMLElement {
    const following = presence.followingId === u.user;
    const button = h('button', {
      type: 'button', className: 'person',
      title: following ? `Stop following ${u.name}` : `Follow ${u.name}: your view moves with theirs`,
      attrs: { 'aria-pressed': String(following) },
    }, h('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
      h('span', { className: 'person-name' }, u.name),
      u.verified === true ? h('span', { className: 'verified', title: `Signed in as ${u.name}` }, icon('check')) : null,
      following ? icon('eye') : null,
      roleLabel(u.role),
      followsLabel(u));
    button.style.setProperty('--person-color', isValidColor(u.color) ? u.color : '#808080');
    button.addEventListener('click', () => presence.follow(following ? null : u.user));
    return h('li', null, button);
  }

  /* Who only watches, and who owns the room. */
  function roleLabel(role: UserInfo['role']): HTMLElement | null {
    if (role === 'viewer')
      return h('span', { className: 'muted role' }, ' watching');
    if (role === 'owner')
      return h('span', { className: 'muted role' }, ' owner');
    return null;
  }

  /* "follows you" / "follows Ada": who navigates behind whom. */
  function followsLabel(u: UserInfo): HTMLElement | null {
    if (u.follow === undefined)
      return null;
    const leader = u.follow === session.user ? 'you' : session.users.get(u.follow)?.name;
    return leader === undefined ? null : h('span', { className: 'muted follows' }, ` follows ${leader}`);
  }

  function renderPeople(): void {
    const others = presence.others();
    people.replaceChildren(...others.map(personChip));
    people.hidden = others.length === 0;
    meButton.replaceChildren(
      h('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
      h('span', { className: 'person-name' }, accountName ?? identity.name),
      ...(accountName !== null ? [h('span', { className: 'verified', title: 'Signed in' }, icon('check'))] : []),
      h('span', { className: 'muted you' }, ' (you)'));
    meButton.style.setProperty('--person-color', identity.color);
    meButton.title = 'Change your name or color';
    const followed = presence.followingId !== null ? session.users.get(presence.followingId) : undefined;
    followBar.hidden = followed === undefined;
    if (followed !== undefined) {
      followText.textContent = `You are following ${followed.name}. Click, type or scroll in the editor to stop.`;
      followBar.style.setProperty('--person-color', followed.color);
    }
  }
  renderPeople();
  void fetchAuth().then((auth) => {
    accountName = auth.user;
    nameInput.disabled = accountName !== null;
    nameNote.textContent = accountName !== null
      ? 'Others see your account’s name, marked as signed in.'
      : 'Others see the change when you reconnect, which happens right away.';
    renderPeople();
  });
  stopFollow.addEventListener('click', () => presence.follow(null));

  /* --- You: name and color ---------------------------------------------- */
  const colorButtons = COLORS.map((color, i) => {
    const b = h('button', { type: 'button', className: 'swatch',
                            attrs: { role: 'radio', 'aria-label': `Color ${i + 1}`, 'aria-checked': 'false' } });
    b.style.setProperty('--person-color', color);
    b.addEventListener('click', () => {
      pickColor(color);
    });
    return b;
  });
  swatches.append(...colorButtons);
  let pendingIdentity = false;

  const markColor = (): void => {
    colorButtons.forEach((b, i) => b.setAttribute('aria-checked', String(COLORS[i] === identity.color)));
  };
  const pickColor = (color: string): void => {
    identity = { ...identity, color };
    saveIdentity(identity);
    session.setColor(color);
    pendingIdentity = true;
    markColor();
    renderPeople();
  };
  const openMe = (open: boolean): void => {
    mePanel.hidden = !open;
    meButton.setAttribute('aria-expanded', String(open));
    if (open) {
      nameInput.value = identity.name;
      markColor();
      nameInput.focus();
      nameInput.select();
    } else if (pendingIdentity) {
      /* The protocol carries the name and color in hello only: reconnect. */
      pendingIdentity = false;
      socket.stop();
      socket = makeSocket();
      socket.start();
    }
  };
  const commitName = (): void => {
    const name = cleanName(nameInput.value);
    if (name === null || name === identity.name)
      return;
    identity = { ...identity, name };
    saveIdentity(identity);
    session.setName(name);
    pendingIdentity = true;
    renderPeople();
  };
  meButton.addEventListener('click', () => openMe(mePanel.hidden));
  nameInput.addEventListener('change', commitName);
  mePanel.addEventListener('submit', (e) => {
    e.preventDefault();
    commitName();
    openMe(false);
    meButton.focus();
  });
  mePanel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      openMe(false);
      meButton.focus();
    }
  });
  document.addEventListener('mousedown', (e) => {
    if (!mePanel.hidden && e.target instanceof Node && !mePanel.contains(e.target) && !meButton.contains(e.target)) {
      commitName();
      openMe(false);
    }
  });

  /* --- Copy link -------------------------------------------------------- */
  /* A share link's holder passes on the link they were given: in a private
   * room, the bare room link would let nobody in. */
  let copyTimer: number | undefined;
  copyButton.addEventListener('click', () => {
    const url = roomUrl(window.location.origin, roomId, ownerKey === null ? shareToken : null);
    void copyText(url).then((ok) => {
      copyLabel.textContent = ok ? 'Copied' : 'Copy failed';
      copyButton.replaceChild(icon(ok ? 'check' : 'copy'), copyButton.firstChild as Node);
      copyButton.classList.toggle('copied', ok);
      window.clearTimeout(copyTimer);
      copyTimer = window.setTimeout(() => {
        copyLabel.textContent = 'Copy link';
        copyButton.replaceChild(icon('copy'), copyButton.firstChild as Node);
        copyButton.classList.remove('copied');
      }, 1600);
    });
  });

  /* --- Connection state --------------------------------------------------- */
  function renderStatus(): void {
    window.clearInterval(countdown);
    countdown = undefined;
    const s = lastStatus;
    if (s.kind === 'not-found') {
      notFound();
      return;
    }
    const unsent = session.unsent;
    const pending = unsent > 0 ? ` — ${plural(unsent, 'edit', 'edits')} not sent yet` : '';
    let words: string;
    switch (s.kind) {
      case 'connecting':
        // A retry in progress: unsent edits are still worth saying.
        words = `Connecting…${pending}`;
        break;
      case 'connected':
        words = session.joined ? 'Connected' : 'Joining…';
        break;
      case 'reconnecting': {
        const deadline = performance.now() + (s.retryInMs ?? 0);
        const tick = (): void => {
          const seconds = Math.ceil((deadline - performance.now()) / 1000);
          statusWords = seconds > 0 ? `Reconnecting in ${seconds} s…${pending}` : `Reconnecting…${pending}`;
          if (statusText.textContent !== statusWords) {
            statusText.textContent = statusWords;
            status.title = statusWords;
          }
        };
        tick();
        countdown = window.setInterval(tick, 250);
        status.dataset['kind'] = s.kind;
        return;
      }
      case 'offline':
        words = `Offline${pending !== '' ? pending : ''}`;
        break;
      default:
        words = String(s.kind);
    }
    statusWords = words;
    statusText.textContent = words;
    status.title = words;
    status.dataset['kind'] = s.kind;
  }
  session.on('unsent', () => {
    renderStatus();
    queueSave();
  });
  session.on('state', () => renderStatus());
  session.on('joined', () => renderStatus());

  /* --- Errors --------------------------------------------------------------- */
  let noticeTimer: number | undefined;
  const showNotice = (text: string): void => {
    noticeText.textContent = text;
    notice.hidden = false;
    window.clearTimeout(noticeTimer);
    noticeTimer = window.setTimeout(() => {
      notice.hidden = true;
    }, 10000);
  };
  noticeClose.addEventListener('click', () => {
    notice.hidden = true;
  });
  binding.onLocalRefused((err) => {
    showNotice(err instanceof TextOpError && err.kind === 'too-large'
      ? 'That change would make the document larger than a room can hold, so it was taken back.'
      : 'That change cannot be shared (it contains characters the room does not accept), so it was taken back.');
  });
  session.on('error', (code, message) => {
    if (code === 'not_found') {
      notFound();
      return;
    }
    /* Refused at hello: a private room, a link turned off, a full room. */
    if (code === 'forbidden' && session.state === 'joining') {
      leave(() => renderNoAccess(root, message));
      return;
    }
    const text = describeError(code, message);
    if (text !== null)
      showNotice(text);
  });

  /* --- Unsent edits survive a reload ---------------------------------------- */
  let saveTimer: number | undefined;
  const saveNow = (owner: string | null): void => {
    window.clearTimeout(saveTimer);
    saveTimer = undefined;
    if (closed)
      return;
    try {
      if (session.unsent === 0 || !session.joined) {
        localStorage.removeItem(snapshotKey(roomId));
        return;
      }
      const stored: StoredSnapshot = { owner, savedAt: Date.now(), snapshot: session.snapshot() };
      localStorage.setItem(snapshotKey(roomId), JSON.stringify(stored));
    } catch (err) {
      console.warn('Pairpad: could not keep unsent edits in local storage', err);
    }
  };
  function queueSave(): void {
    if (saveTimer === undefined)
      saveTimer = window.setTimeout(() => saveNow(tabId), SNAPSHOT_SAVE_MS);
  }
  binding.onLocalEdit(queueSave);
  session.on('acked', queueSave);
  /* Just before an op leaves under a new seq: a snapshot older than that
   * could send the same edit again, under another seq, after a reload. */
  session.on('persist', () => saveNow(tabId));
  const heartbeat = window.setInterval(() => {
    if (session.unsent > 0)
      saveNow(tabId);
  }, SNAPSHOT_HEARTBEAT_MS);
  window.addEventListener('pagehide', () => saveNow(null));
  window.addEventListener('pageshow', (e) => {
    if (e.persisted)
      saveNow(tabId);
  });

  /* --- Leaving: not found, no access, deleted --------------------------------- */
  function notFound(): void {
    leave(() => {
      forgetRoom(roomId);
      forgetOwnerKey(roomId);
      renderNotFound(root);
    });
  }

  /* Our own deletion: the daemon's not_found may have closed the page first. */
  function leaveDeleted(): void {
    leave(() => undefined);
    forgetRoom(roomId);
    forgetOwnerKey(roomId);
    window.location.assign('/');
  }

  function leave(then: () => void): void {
    if (closed)
      return;
    closed = true;
    window.clearInterval(heartbeat);
    window.clearInterval(countdown);
    socket.stop();
    presence.dispose();
    history.dispose();
    binding.dispose();
    try {
      localStorage.removeItem(snapshotKey(roomId));
    } catch {
      /* Nothing to clean up then. */
    }
    share?.dialog.close();
    delete window.pairpad;
    then();
  }

  window.pairpad = {
    editor: binding.editor,
    session,
    binding,
    presence,
    getText: () => binding.getText(),
    getCaretCodePoint: () => binding.getCaret(),
    setCaretCodePoint: (cp) => binding.setCaret(cp),
    getRemoteCarets: () => presence.others().map((u) => ({ user: u.user, name: u.name, caret: u.sel[0]?.[1] ?? null })),
    getStatus: () => statusWords,
    undo: () => binding.undo(),
    redo: () => binding.redo(),
    follow: (user) => presence.follow(user),
    getAccessNote: () => accessNote,
    openHistory: () => history.open(),
    closeHistory: () => history.close(),
    historyVersion: () => history.version,
    historyText: () => history.text,
  };

  socket.start();
  renderStatus();
  if (session.joined)
    binding.focus();
  else
    session.on('joined', () => {
      if (document.activeElement === document.body)
        binding.focus();
    });
}
