// client-session.ts: the client side of a room, independent of any transport
// or editor; the same state machine as libpairpad's PpClientSession
// (src/libpairpad/pp-client-session.c), which is tested against the daemon.
//
// At most one op in flight; later local edits are composed into a buffer
// until the ack (Jupiter / ot.js's Client: synced, awaiting ack, awaiting with
// buffer), plus joining, catching up, presence, and snapshots that keep
// unacknowledged edits across a page reload.
//
// Transforms follow the concurrency rule of PROTOCOL.md: our unacknowledged
// ops were not in the log when a log entry L arrives, so
//   L' = transform(L, inflight, 'right'), inflight' = transform(inflight, L, 'left')
// and the same again between L' and the buffer. The local text gets L''.

import {
  type AccessMessage,
  type Completions,
  type CompletionsMessage,
  type ErrorMessage,
  type GeneralAccess,
  type LogEntry,
  type Role,
  LIMITS,
  ProtocolError,
  type ServerPresenceMessage,
  type UserInfo,
  type WelcomeMessage,
  decodeServerFrame,
  encode,
  isValidClientId,
  isValidColor,
  type ClientMessage,
} from './protocol';
import {
  type Range,
  type TextOp,
  TextOpError,
  apply,
  checkOp,
  compose,
  cpLength,
  deleteLength,
  isNoop,
  lengthDelta,
  normalize,
  transform,
  transformRanges,
} from './text-op';

export type SessionState = 'offline' | 'joining' | 'synced' | 'awaiting-ack' | 'awaiting-with-buffer';

export interface ClientSessionEvents {
  /** The transport must send this frame, in the order emitted. */
  send: (frame: string) => void;
  /** Someone else's edit in local coordinates, already applied to `text`; the editor applies it. */
  'remote-op': (op: TextOp) => void;
  /** A welcome brought the full text: the editor replaces its content. */
  reset: (text: string) => void;
  /** The server stored our op `seq` as version `v`. */
  acked: (seq: number, v: number) => void;
  /** A welcome was handled: text, users, language and title are current. */
  joined: () => void;
  /** Another session is in the room (from welcome or join); selection in local coordinates. */
  'user-joined': (u: UserInfo) => void;
  /** A session left, or the users were replaced by a new welcome. */
  'user-left': (user: string) => void;
  /** A user's selection or view changed; in local coordinates. */
  presence: (u: UserInfo) => void;
  /** The room's language or title changed (as the server announced it). */
  meta: (language: string, title: string) => void;
  /** Our role, the room's general access or lock, or others' roles changed. */
  access: () => void;
  /** An error frame, local edits discarded ('resync'), or an ack that was ignored. */
  error: (code: string, message: string) => void;
  state: (state: SessionState) => void;
  /** The number of local edits not acknowledged yet changed. */
  unsent: (n: number) => void;
  /**
   * Emitted synchronously right before an op goes out under a seq it has not
   * been sent with before. A UI that keeps snapshots across reloads must save
   * snapshot() here (synchronously, e.g. localStorage), so that a restored
   * session never holds as unsent an edit the daemon may already have.
   */
  persist: () => void;
}

export type ClientSessionEvent = keyof ClientSessionEvents;

export interface ClientSessionOptions {
  /** A stable client id, 8 to 64 of `[A-Za-z0-9_-]`; it names the seq counter on the daemon. */
  client: string;
  /** The display name, 1 to 64 characters. */
  name: string;
  /** `#rrggbb`, or undefined to let the daemon pick. */
  color?: string;
  /** Presented in hello: the room's owner key or a share link's token. */
  token?: string;
  /** Ops whose frame would be larger are sent in pieces (default: the daemon's 1 MiB). */
  maxFrameBytes?: number;
}

/**
 * Everything needed to keep unacknowledged edits across a page reload; plain
 * JSON. Restore it with ClientSession.restore(), show `session.text` in the
 * editor, and connect: hello carries `version`, the catch-up acknowledges
 * the in-flight op if the daemon has it, and otherwise it is resent with the
 * SAME seq, so nothing is lost or doubled.
 */
export interface SessionSnapshot {
  format: 'pairpad-session/1';
  client: string;
  name: string;
  color: string | null;
  /** A welcome arrived at least once: `version` and `text` are meaningful. */
  joined: boolean;
  /** The next hello goes without v (the session must rejoin from the full text). */
  needsText: boolean;
  /** The last server version applied. */
  version: number;
  /** The local text: the server text at `version` with `inflight` and `buffer` applied. */
  text: string;
  /** Sent, not acknowledged; based on `version`. */
  inflight: TextOp | null;
  inflightSeq: number;
  /** Local edits after `inflight`, not sent. */
  buffer: TextOp | null;
  nextSeq: number;
  /** How many local edits `inflight` and `buffer` hold. */
  inflightEdits: number;
  bufferEdits: number;
  language: string | null;
  title: string | null;
  pendingMeta: { language?: string; title?: string } | null;
  selection: Range[] | null;
  view: Range | null;
}

const SNAPSHOT_FORMAT = 'pairpad-session/1';

/* The JSON of an op frame around its op, with the longest v and seq. */
const OP_FRAME_OVERHEAD = 80;

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Splits `op` into `first` and `rest` with compose(first, rest) = op, where
 * `first` as JSON takes at most `budget` bytes (counting 6 per UTF-16 unit of
 * text, the worst case of JSON escaping and UTF-8). `rest` is null when the
 * whole op fits.
 */
export function splitOp(op: readonly (number | string | { d: number | string })[], budget: number): [TextOp, TextOp | null] {
  const comps: TextOp = op.map((c) => (typeof c === 'object' ? { d: deleteLength(c.d) } : c));
  const first: TextOp = [];
  let cost = 2;
  let at = 0; // where `rest` starts, in the text after `first`
  for (let i = 0; i < comps.length; i++) {
    const c = comps[i] as number | string | { d: number };
    if (typeof c === 'string') {
      const full = 3 + 6 * c.length;
      if (cost + full <= budget) {
        first.push(c);
        cost += full;
        at += cpLength(c);
        continue;
      }
      let units = Math.max(0, Math.floor((budget - cost - 3) / 6));
      if (units > 0) {
        const last = c.charCodeAt(units - 1);
        if (last >= 0xd800 && last <= 0xdbff) units--; // keep a pair whole
      }
      if (units > 0 || first.length > 0 || i > 0) {
        const head = c.slice(0, units);
        if (head) {
          first.push(head);
          at += cpLength(head);
        }
        const rest = normalize([at, c.slice(units), ...comps.slice(i + 1)].filter((x) => x !== ''));
        return [normalize(first), rest.length > 0 ? rest : null];
      }
      // A budget too small for even one character: send it anyway.
      first.push(c);
      cost += full;
      at += cpLength(c);
      continue;
    }
    const size = typeof c === 'number' ? 17 : 24;
    if (cost + size > budget && first.length > 0) {
      const rest = normalize([at, ...comps.slice(i)]);
      return [normalize(first), rest.length > 0 ? rest : null];
    }
    first.push(c);
    cost += size;
    if (typeof c === 'number') at += c;
  }
  return [normalize(first), null];
}

function clamp(n: number, max: number): number {
  return n < 0 ? 0 : n > max ? max : n;
}

function checkPosition(n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`a position must be a finite number, not ${String(n)}`);
  return Math.trunc(n);
}

function copyUser(u: UserInfo): UserInfo {
  const copy: UserInfo = { ...u, sel: u.sel.map(([a, b]) => [a, b]) };
  if (u.view !== undefined) copy.view = [u.view[0], u.view[1]];
  return copy;
}

function checkName(name: string): void {
  const n = cpLength(name);
  if (n < 1 || n > LIMITS.maxNameChars) throw new RangeError(`a name must be 1 to ${LIMITS.maxNameChars} characters long`);
}

/**
 * The client state machine of PROTOCOL.md. It owns the local text (the server
 * text at `version` with the in-flight op and the buffer applied), the other
 * users with selections in local coordinates, and the room's language and
 * title. It owns neither a transport nor an editor:
 *
 * - the transport calls connected(), receive() and disconnected() and sends
 *   every 'send' frame; when receive() throws, it drops the connection and
 *   reconnects (after a 'resync' ProtocolError the session rejoins from the
 *   full text), and it also reconnects when `needsFullText` turns true;
 * - the editor calls localOp() and setSelection() and applies 'remote-op'
 *   and 'reset'.
 */
export class ClientSession {
  private readonly clientId: string;
  private displayName: string;
  private colorValue: string | null;
  private token: string | null;
  private roleValue: Role = 'editor';
  private accessValue: GeneralAccess = 'edit';
  private lockedValue = false;
  private readonly maxFrameBytes: number;
  private handlers: { [K in ClientSessionEvent]?: Set<ClientSessionEvents[K]> } = {};

  private userId: string | null = null;
  private languageValue: string | null = null;
  private titleValue: string | null = null;
  private doc = '';
  private docLength = 0;
  private inflight: TextOp | null = null;
  private buffer: TextOp | null = null;
  private userMap = new Map<string, UserInfo>();
  private selection: Range[] | null = null;
  private view: Range | null = null;
  private following: string | null = null;
  private pendingLanguage: string | null = null;
  private pendingTitle: string | null = null;

  private serverVersion = 0;
  private seq = 1;
  private inflightSeq = 0;
  /* The in-flight op has a seq it was never sent with: emit 'persist' first. */
  private persistPending = false;
  private inflightEdits = 0;
  private bufferEdits = 0;
  private unsentNotified = 0;
  private current: SessionState = 'offline';
  private nextCompletionId = 1;
  private completionRequests = new Map<number, {
    resolve: (answer: Completions) => void;
    reject: (error: Error) => void;
  }>();

  private joinedOnce = false;
  private needsText = false;
  private selectionDirty = false;
  private metaDirty = false;

  constructor(opts: ClientSessionOptions) {
    if (!isValidClientId(opts.client)) throw new RangeError('a client id must be 8 to 64 of A-Z, a-z, 0-9, _ and -');
    checkName(opts.name);
    if (opts.color !== undefined && !isValidColor(opts.color)) throw new RangeError('a color must be #rrggbb');
    this.clientId = opts.client;
    this.displayName = opts.name;
    this.colorValue = opts.color ?? null;
    this.token = opts.token ?? null;
    this.maxFrameBytes = opts.maxFrameBytes ?? LIMITS.maxFrameBytes;
  }

  // Events

  /** Adds a handler; returns a function that removes it. */
  on<K extends ClientSessionEvent>(event: K, handler: ClientSessionEvents[K]): () => void {
    let set = this.handlers[event] as Set<ClientSessionEvents[K]> | undefined;
    if (set === undefined) {
      set = new Set();
      (this.handlers as Record<string, Set<ClientSessionEvents[K]>>)[event] = set;
    }
    set.add(handler);
    return () => this.off(event, handler);
  }

  off<K extends ClientSessionEvent>(event: K, handler: ClientSessionEvents[K]): void {
    (this.handlers[event] as Set<ClientSessionEvents[K]> | undefined)?.delete(handler);
  }

  /* Handlers run after the session's state is updated; one that throws does
   * not break the session (its error is rethrown asynchronously). */
  private emit<K extends ClientSessionEvent>(event: K, ...args: Parameters<ClientSessionEvents[K]>): void {
    const set = this.handlers[event] as Set<(...a: Parameters<ClientSessionEvents[K]>) => void> | undefined;
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        handler(...args);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  // Getters

  get client(): string {
    return this.clientId;
  }

  get name(): string {
    return this.displayName;
  }

  get color(): string | null {
    return this.colorValue;
  }

  /** Our session id from the last welcome. */
  get user(): string | null {
    return this.userId;
  }

  get state(): SessionState {
    return this.current;
  }

  /** The last server version applied (the local text may hold unacknowledged edits on top). */
  get version(): number {
    return this.serverVersion;
  }

  /** The local text: what the editor should show. */
  get text(): string {
    return this.doc;
  }

  /** The local text's length in code points. */
  get length(): number {
    return this.docLength;
  }

  /** The other sessions, selections in local coordinates. Values are replaced, never changed. */
  get users(): ReadonlyMap<string, UserInfo> {
    return this.userMap;
  }

  /** Local edits not acknowledged yet (in flight or buffered); 0 means all is stored. */
  get unsent(): number {
    return this.inflightEdits + this.bufferEdits;
  }

  /** The room's language as the server announced it; null before the first welcome. */
  get language(): string | null {
    return this.languageValue;
  }

  get title(): string | null {
    return this.titleValue;
  }

  /** Our role in the room, as the last welcome or access frame said. */
  get role(): Role {
    return this.roleValue;
  }

  /** What the room link alone grants. */
  get generalAccess(): GeneralAccess {
    return this.accessValue;
  }

  /** The owner locked the room: nobody edits. */
  get locked(): boolean {
    return this.lockedValue;
  }

  /** Whether the daemon takes our edits and meta changes. */
  get canEdit(): boolean {
    return this.roleValue !== 'viewer' && !this.lockedValue;
  }

  /** The seq the next new op will be sent with. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Whether a welcome arrived at least once (local edits are possible). */
  get joined(): boolean {
    return this.joinedOnce;
  }

  /**
   * The next hello goes without v: the server could not catch us up, or
   * refused our op. A transport that is connected should reconnect.
   */
  get needsFullText(): boolean {
    return this.needsText;
  }

  /** Our selection and view, in local coordinates, as last set (moved with edits). */
  get localSelection(): { sel: Range[]; view?: Range } | null {
    if (this.selection === null) return null;
    const sel = this.selection.map(([a, b]): Range => [a, b]);
    return this.view !== null ? { sel, view: [this.view[0], this.view[1]] } : { sel };
  }

  // Transport side

  /** The transport is open: sends hello (with v once joined, unless the full text is needed). */
  connected(): void {
    if (this.current !== 'offline') throw new Error(`connected() in state ${this.current}`);
    const hello: ClientMessage = { type: 'hello', client: this.clientId, name: this.displayName };
    if (this.colorValue !== null) hello.color = this.colorValue;
    if (this.joinedOnce && !this.needsText) hello.v = this.serverVersion;
    if (this.token !== null) hello.token = this.token;
    this.setState('joining');
    this.send(hello);
  }

  /**
   * The transport is gone. Nothing is lost: the in-flight op is resent with the
   * same seq after the next welcome, and local edits accumulate in the buffer.
   */
  disconnected(): void {
    this.setState('offline');
    this.dropCompletionRequests('the connection closed');
  }

  /** The next hello goes without v (e.g. after close code 4409). */
  requireFullText(): void {
    this.needsText = true;
  }

  /**
   * Handles one frame. Error frames are emitted as 'error'; unknown message
   * types are ignored.
   *
   * @throws ProtocolError if the frame is invalid or does not follow from what
   *   came before: drop the connection and reconnect (with code 'resync' the
   *   session rejoins from the full text)
   */
  receive(frame: string): void {
    if (this.current === 'offline') throw new ProtocolError('not_connected', 'received a frame while disconnected');
    const msg = decodeServerFrame(frame);
    if (msg.type === 'unknown') return;

    if (this.current === 'joining' && msg.type !== 'welcome' && msg.type !== 'error') {
      throw new ProtocolError('bad_message', `received ${msg.type} before welcome`);
    }

    switch (msg.type) {
      case 'welcome':
        if (this.current !== 'joining') throw new ProtocolError('bad_message', 'received a second welcome');
        this.handleWelcome(msg);
        return;
      case 'ack':
        this.handleAck(msg.seq, msg.v);
        return;
      case 'op':
        this.handleEntry(msg);
        return;
      case 'presence':
        this.handlePresence(msg);
        return;
      case 'join':
        this.handleJoin(msg.user);
        return;
      case 'leave':
        if (this.userMap.delete(msg.user)) this.emit('user-left', msg.user);
        return;
      case 'meta':
        if (this.setMetaFields(msg.language, msg.title)) this.emitMeta();
        return;
      case 'error':
        if (msg.id !== undefined) this.settleCompletions(msg.id, msg);
        else this.handleError(msg);
        return;
      case 'access':
        this.handleAccess(msg);
        return;
      case 'completions':
        this.settleCompletions(msg.id, msg);
        return;
    }
  }

  // Completions (an extension of the protocol)

  /**
   * Asks the daemon for completions at code point `position` of the text.
   * Only while every local edit is acknowledged, so that the position is
   * exact in the room's text at `version`; otherwise, and when the
   * connection closes first, the promise rejects.
   */
  complete(position: number, max?: number): Promise<Completions> {
    if (this.current !== 'synced') {
      return Promise.reject(new Error('completions wait until every edit is acknowledged'));
    }
    const id = this.nextCompletionId++;
    const answer = new Promise<Completions>((resolve, reject) => {
      this.completionRequests.set(id, { resolve, reject });
    });
    this.send({ type: 'complete', id, v: this.serverVersion, position, max });
    return answer;
  }

  private settleCompletions(id: number, msg: CompletionsMessage | ErrorMessage): void {
    const request = this.completionRequests.get(id);
    if (request === undefined) return;
    this.completionRequests.delete(id);
    if (msg.type === 'error') request.reject(new ProtocolError(msg.code, msg.message));
    else request.resolve({ v: msg.v, prefixLength: msg.prefix_length, items: msg.items });
  }

  private dropCompletionRequests(why: string): void {
    const requests = [...this.completionRequests.values()];
    this.completionRequests.clear();
    for (const request of requests) request.reject(new Error(why));
  }

  // Editor side

  /**
   * Applies an edit of the local text, as the editor made it, and sends it (or
   * buffers it while an op is in flight or the session is offline).
   *
   * @throws TextOpError if `op` is malformed or does not fit the local text
   *   (nothing changes then), Error before the first welcome
   */
  localOp(op: TextOp): void {
    if (!this.joinedOnce) throw new Error('the session has not joined its room yet');
    if (!this.canEdit) throw new Error('the room is read-only for you');
    const text = apply(this.doc, op);
    const delta = lengthDelta(op);
    const length = this.docLength + delta;
    if (delta > 0 && length > LIMITS.maxDocumentChars) {
      throw new TextOpError('too-large', `the document would pass ${LIMITS.maxDocumentChars} characters`);
    }
    const n = normalize(op);
    this.doc = text;
    this.docLength = length;
    if (n.length === 0) return;

    this.transformUsers(n, null);

    if (this.current === 'synced') {
      this.setInflight(n, 1);
      this.setState(this.onlineState());
      this.sendInflight();
    } else {
      this.buffer = this.buffer !== null ? compose(this.buffer, n) : n;
      this.bufferEdits++;
      if (this.current === 'awaiting-ack') this.setState('awaiting-with-buffer');
    }
    this.notifyUnsent();
  }

  /**
   * Announces our selection (`[anchor, head]` ranges, at most 32 are kept) and
   * optionally the range of text on screen, in local coordinates; clamped to
   * the text. Sent only while nothing is in flight or buffered, so it may wait
   * until then (the latest wins, moved with edits meanwhile), and again after
   * every reconnect.
   */
  /**
   * Tells the room whom we follow (a session id), or nobody; it travels with
   * the next presence (the `follow` extension of the protocol).
   */
  setFollowing(user: string | null): void {
    if (this.following === user) return;
    this.following = user;
    this.selection ??= [];
    this.selectionDirty = true;
    this.maybeSendPresence();
  }

  setSelection(sel: readonly (readonly [number, number])[], view?: readonly [number, number]): void {
    const max = this.docLength;
    this.selection = sel
      .slice(0, LIMITS.maxRanges)
      .map(([a, b]): Range => [clamp(checkPosition(a), max), clamp(checkPosition(b), max)]);
    if (view !== undefined) {
      const a = clamp(checkPosition(view[0]), max);
      const b = clamp(checkPosition(view[1]), max);
      this.view = a <= b ? [a, b] : [b, a];
    } else {
      this.view = null;
    }
    this.selectionDirty = true;
    this.maybeSendPresence();
  }

  /**
   * Asks the room to change its settings: now if joined, else after the next
   * welcome. `language` and `title` change only when the server's meta frame
   * comes back, so concurrent changes settle the same everywhere.
   */
  setMeta(meta: { language?: string; title?: string }): void {
    if (meta.language === undefined && meta.title === undefined) return;
    // The daemon would refuse it, and close the session.
    if (!this.canEdit) return;
    if (meta.language !== undefined) {
      const n = cpLength(meta.language);
      if (n < 1 || n > LIMITS.maxLanguageChars) {
        throw new RangeError(`a language must be 1 to ${LIMITS.maxLanguageChars} characters long`);
      }
      this.pendingLanguage = meta.language;
    }
    if (meta.title !== undefined) this.pendingTitle = [...meta.title].slice(0, LIMITS.maxTitleChars).join('');
    this.metaDirty = true;
    this.maybeSendMeta();
  }

  /** What the next hello presents: the room's owner key, a share link's token, or null. */
  setToken(token: string | null): void {
    this.token = token;
  }

  /** The display name for the next hello. */
  setName(name: string): void {
    checkName(name);
    this.displayName = name;
  }

  /** The color for the next hello, `#rrggbb`, or null to let the daemon pick. */
  setColor(color: string | null): void {
    if (color !== null && !isValidColor(color)) throw new RangeError('a color must be #rrggbb');
    this.colorValue = color;
  }

  // Persistence

  /** A JSON-serializable copy of everything needed to go on after a page reload. */
  snapshot(): SessionSnapshot {
    const copyOp = (op: TextOp | null): TextOp | null => (op === null ? null : normalize(op));
    const pendingMeta: { language?: string; title?: string } = {};
    if (this.pendingLanguage !== null) pendingMeta.language = this.pendingLanguage;
    if (this.pendingTitle !== null) pendingMeta.title = this.pendingTitle;
    return {
      format: SNAPSHOT_FORMAT,
      client: this.clientId,
      name: this.displayName,
      color: this.colorValue,
      joined: this.joinedOnce,
      needsText: this.needsText,
      version: this.serverVersion,
      text: this.doc,
      inflight: copyOp(this.inflight),
      inflightSeq: this.inflight !== null ? this.inflightSeq : 0,
      buffer: copyOp(this.buffer),
      nextSeq: this.seq,
      inflightEdits: this.inflightEdits,
      bufferEdits: this.bufferEdits,
      language: this.languageValue,
      title: this.titleValue,
      pendingMeta: this.metaDirty ? pendingMeta : null,
      selection: this.selection?.map(([a, b]): Range => [a, b]) ?? null,
      view: this.view !== null ? [this.view[0], this.view[1]] : null,
    };
  }

  /**
   * An offline session as `snapshot()` left it (parsed JSON is fine). Connect
   * it as usual.
   *
   * @throws TypeError if `snapshot` is not a valid snapshot
   */
  static restore(snapshot: unknown, opts: { maxFrameBytes?: number } = {}): ClientSession {
    const s = checkSnapshot(snapshot);
    const options: ClientSessionOptions = { client: s.client, name: s.name };
    if (s.color !== null) options.color = s.color;
    if (opts.maxFrameBytes !== undefined) options.maxFrameBytes = opts.maxFrameBytes;
    const session = new ClientSession(options);
    session.joinedOnce = s.joined;
    session.needsText = s.needsText;
    session.serverVersion = s.version;
    session.doc = s.text;
    session.docLength = cpLength(s.text);
    session.inflight = s.inflight !== null && s.inflight.length > 0 ? normalize(s.inflight) : null;
    session.inflightSeq = session.inflight !== null ? s.inflightSeq : 0;
    session.buffer = s.buffer !== null && s.buffer.length > 0 ? normalize(s.buffer) : null;
    session.seq = s.nextSeq;
    session.inflightEdits = session.inflight !== null ? s.inflightEdits : 0;
    session.bufferEdits = session.buffer !== null ? s.bufferEdits : 0;
    session.unsentNotified = session.inflightEdits + session.bufferEdits;
    session.languageValue = s.language;
    session.titleValue = s.title;
    if (s.pendingMeta !== null) {
      session.pendingLanguage = s.pendingMeta.language ?? null;
      session.pendingTitle = s.pendingMeta.title ?? null;
      session.metaDirty = session.pendingLanguage !== null || session.pendingTitle !== null;
    }
    if (s.selection !== null) {
      session.selection = s.selection.map(([a, b]): Range => [clamp(a, session.docLength), clamp(b, session.docLength)]);
      session.view = s.view !== null ? [clamp(s.view[0], session.docLength), clamp(s.view[1], session.docLength)] : null;
    }
    return session;
  }

  // Internals

  private setState(state: SessionState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }

  private notifyUnsent(): void {
    const n = this.inflightEdits + this.bufferEdits;
    if (n === this.unsentNotified) return;
    this.unsentNotified = n;
    this.emit('unsent', n);
  }

  /* The state a joined, connected session is in. */
  private onlineState(): SessionState {
    if (this.inflight === null) return 'synced';
    return this.buffer === null ? 'awaiting-ack' : 'awaiting-with-buffer';
  }

  private isOnline(): boolean {
    return this.current !== 'offline' && this.current !== 'joining';
  }

  private send(msg: ClientMessage): void {
    this.emit('send', encode(msg));
  }

  private sendInflight(): void {
    if (this.inflight === null) return;
    if (this.persistPending) {
      this.persistPending = false;
      this.emit('persist');
    }
    this.send({ type: 'op', v: this.serverVersion, seq: this.inflightSeq, op: this.inflight });
  }

  /* Puts `op` in flight with a new seq; an op too large for one frame is
   * split, and what does not fit goes (first) into the buffer, which then
   * holds the edits. The caller sends once the state is updated (a handler
   * of 'send' may answer synchronously). */
  private setInflight(op: TextOp, edits: number): void {
    let first = op;
    let rest: TextOp | null = null;
    const budget = this.maxFrameBytes - OP_FRAME_OVERHEAD;
    // Cheap bound first: 6 bytes per UTF-16 unit of text, 24 per component.
    let bound = 2;
    for (const c of op) bound += typeof c === 'string' ? 3 + 6 * c.length : typeof c === 'number' ? 17 : 24 + (typeof c.d === 'string' ? 6 * c.d.length : 0);
    if (bound > budget && utf8Length(JSON.stringify(op)) > budget) [first, rest] = splitOp(op, budget);
    this.inflight = first;
    this.inflightSeq = this.seq++;
    this.persistPending = true;
    if (rest !== null) {
      this.buffer = this.buffer !== null ? compose(rest, this.buffer) : rest;
      this.inflightEdits = 0;
      this.bufferEdits += edits;
    } else {
      this.inflightEdits = edits;
    }
  }

  /* Moves the buffer into flight with a new seq. */
  private promoteBuffer(): void {
    const op = this.buffer as TextOp;
    const edits = this.bufferEdits;
    this.buffer = null;
    this.bufferEdits = 0;
    this.setInflight(op, edits);
  }

  private maybeSendPresence(): void {
    // PROTOCOL.md: presence only with nothing in flight and nothing buffered,
    // so that local positions are positions at the server version.
    if (this.current !== 'synced' || !this.selectionDirty || this.selection === null) return;
    const msg: ClientMessage = { type: 'presence', v: this.serverVersion, sel: this.selection.map(([a, b]): Range => [a, b]) };
    if (this.view !== null) msg.view = [this.view[0], this.view[1]];
    if (this.following !== null) msg.follow = this.following;
    this.selectionDirty = false;
    this.send(msg);
  }

  private maybeSendMeta(): void {
    if (!this.isOnline() || !this.metaDirty) return;
    const msg: ClientMessage = { type: 'meta' };
    if (this.pendingLanguage !== null) msg.language = this.pendingLanguage;
    if (this.pendingTitle !== null) msg.title = this.pendingTitle;
    this.metaDirty = false;
    this.pendingLanguage = null;
    this.pendingTitle = null;
    this.send(msg);
  }

  /* Users handed out are immutable: a moved selection replaces the object.
   * `author` is the session id of the op's author, null for our own edits. */
  private transformUsers(op: TextOp, author: string | null): void {
    for (const [id, info] of this.userMap) {
      if (info.sel.length === 0 && info.view === undefined) continue;
      const copy: UserInfo = { ...info, sel: transformRanges(info.sel, op, author !== null && author === info.user), v: this.serverVersion };
      if (info.view !== undefined) copy.view = transformRanges([info.view], op, false)[0] as Range;
      this.userMap.set(id, copy);
    }
    if (this.selection !== null) this.selection = transformRanges(this.selection, op, author === null);
    if (this.view !== null) this.view = transformRanges([this.view], op, false)[0] as Range;
  }

  /* A copy of `info` with its selection moved from the server version into
   * local coordinates, through our unacknowledged edits. A selection at
   * another version cannot be placed exactly (we keep no history) and is only
   * clamped; the next presence corrects it. */
  private userInfoToLocal(info: UserInfo): UserInfo {
    const copy = copyUser(info);
    if (info.v === this.serverVersion) {
      for (const op of [this.inflight, this.buffer]) {
        if (op === null) continue;
        copy.sel = transformRanges(copy.sel, op, false);
        if (copy.view !== undefined) copy.view = transformRanges([copy.view], op, false)[0] as Range;
      }
    }
    const max = this.docLength;
    copy.sel = copy.sel.map(([a, b]): Range => [clamp(a, max), clamp(b, max)]);
    if (copy.view !== undefined) copy.view = [clamp(copy.view[0], max), clamp(copy.view[1], max)];
    copy.v = this.serverVersion;
    return copy;
  }

  /* The server's view and ours have diverged: rejoin from the full text. */
  private failResync(message: string): never {
    this.needsText = true;
    throw new ProtocolError('resync', message);
  }

  private ackInflight(v: number): void {
    const seq = this.inflightSeq;
    let sendNext = false;
    this.serverVersion = v;
    this.inflight = null;
    this.inflightEdits = 0;

    // While catching up, the buffer waits for the end of the welcome.
    if (this.isOnline()) {
      if (this.buffer !== null) {
        this.promoteBuffer();
        sendNext = true;
      }
      this.setState(this.onlineState());
    }
    this.notifyUnsent();
    this.emit('acked', seq, v);
    if (sendNext && this.isOnline()) this.sendInflight();
    this.maybeSendPresence();
  }

  /* One log entry, from an op frame or from welcome.ops. */
  private handleEntry(entry: LogEntry): void {
    const ours = entry.client === this.clientId;

    if (entry.v <= this.serverVersion) {
      // Our own op, already taken as acked: the daemon may both ack a resent
      // op and relay its entry to our new session.
      if (ours && entry.seq < this.seq) return;
      this.failResync(`received version ${entry.v} again`);
    }
    if (entry.v !== this.serverVersion + 1) {
      this.failResync(`received version ${entry.v} after ${this.serverVersion}`);
    }
    if (ours && this.inflight !== null && entry.seq === this.inflightSeq) {
      this.ackInflight(entry.v);
      return;
    }

    // Into local coordinates; nothing changes until the op fits the text.
    let op = entry.op;
    let inflight: TextOp | null = null;
    let buffer: TextOp | null = null;
    let text: string;
    try {
      if (this.inflight !== null) {
        inflight = transform(this.inflight, op, 'left');
        op = transform(op, this.inflight, 'right');
      }
      if (this.buffer !== null) {
        buffer = transform(this.buffer, op, 'left');
        op = transform(op, this.buffer, 'right');
      }
      text = apply(this.doc, op);
    } catch (e) {
      if (e instanceof ProtocolError) throw e;
      this.failResync(`version ${entry.v} does not fit the document: ${e instanceof Error ? e.message : String(e)}`);
    }

    if (inflight !== null) this.inflight = inflight;
    if (buffer !== null) this.buffer = buffer;
    this.doc = text;
    this.docLength += lengthDelta(op);
    this.serverVersion = entry.v;
    this.transformUsers(op, entry.user);

    if (!isNoop(op)) this.emit('remote-op', op);
  }

  private replaceUsers(users: readonly UserInfo[]): void {
    const old = [...this.userMap.keys()];
    this.userMap = new Map();
    for (const user of old) this.emit('user-left', user);
    for (const info of users) {
      if (info.user === this.userId || this.userMap.has(info.user)) continue;
      const local = this.userInfoToLocal(info);
      this.userMap.set(local.user, local);
      this.emit('user-joined', local);
    }
  }

  private setMetaFields(language: string | null, title: string | null): boolean {
    let changed = false;
    if (language !== null && language !== this.languageValue) {
      this.languageValue = language;
      changed = true;
    }
    if (title !== null && title !== this.titleValue) {
      this.titleValue = title;
      changed = true;
    }
    return changed;
  }

  private emitMeta(): void {
    this.emit('meta', this.languageValue ?? '', this.titleValue ?? '');
  }

  /* Takes the access settings of a welcome or access frame; true when they changed. */
  private setAccess(role: Role, access: GeneralAccess, locked: boolean): boolean {
    const changed = role !== this.roleValue || access !== this.accessValue || locked !== this.lockedValue;
    this.roleValue = role;
    this.accessValue = access;
    this.lockedValue = locked;
    return changed;
  }

  private handleAccess(msg: AccessMessage): void {
    this.setAccess(msg.role, msg.access, msg.locked);
    for (const [id, info] of this.userMap) {
      const role = msg.roles[id];
      if (role !== undefined && role !== info.role) this.userMap.set(id, { ...info, role });
    }
    this.emit('access');
  }

  private handleWelcome(msg: WelcomeMessage): void {
    const accessChanged = this.setAccess(msg.role ?? 'editor', msg.access ?? 'edit', msg.locked ?? false);
    // Edits the room will refuse (it became read-only for us while they were
    // unsent) cannot be merged: only the full text repairs the document.
    if (msg.ops !== undefined && !this.canEdit && (this.inflight !== null || this.buffer !== null)) {
      this.failResync('the room is read-only for you now');
    }
    if (msg.ops !== undefined) {
      const lastEntry = msg.ops[msg.ops.length - 1];
      const last = lastEntry !== undefined ? lastEntry.v : this.serverVersion;
      if (!this.joinedOnce || this.needsText) this.failResync('welcome carries ops but hello had no version');
      if (msg.v !== last) this.failResync(`welcome is at version ${msg.v} but its ops end at ${last}`);
      this.userId = msg.user;
      for (const entry of msg.ops) this.handleEntry(entry);
    } else {
      const lost = this.inflightEdits + this.bufferEdits;
      // The in-flight op may or may not be in the log. Its seq is reused by
      // the next op: if the daemon did log it, it answers that op with the old
      // entry's version, and handleAck() resends it with a new seq.
      if (this.inflight !== null) this.seq = this.inflightSeq;
      this.inflight = null;
      this.buffer = null;
      this.inflightEdits = 0;
      this.bufferEdits = 0;
      this.doc = msg.text;
      this.docLength = cpLength(msg.text);
      this.serverVersion = msg.v;
      this.userId = msg.user;
      if (this.selection !== null) {
        const max = this.docLength;
        this.selection = this.selection.map(([a, b]): Range => [clamp(a, max), clamp(b, max)]);
        if (this.view !== null) this.view = [clamp(this.view[0], max), clamp(this.view[1], max)];
      }
      this.notifyUnsent();
      this.emit('reset', msg.text);
      if (lost > 0 && !this.canEdit) {
        this.emit(
          'error',
          'forbidden',
          `${lost} local edit${lost === 1 ? '' : 's'} ${lost === 1 ? 'was' : 'were'} not saved: the room is read-only for you`,
        );
      } else if (lost > 0) {
        this.emit(
          'error',
          'resync',
          `${lost} local edit${lost === 1 ? '' : 's'} could not be merged after reconnecting and ${lost === 1 ? 'was' : 'were'} discarded`,
        );
      }
    }

    this.joinedOnce = true;
    this.needsText = false;
    const metaChanged = this.setMetaFields(msg.language, msg.title);
    this.replaceUsers(msg.users);
    if (this.inflight === null && this.buffer !== null) this.promoteBuffer();
    this.setState(this.onlineState());
    this.notifyUnsent();

    // Catch-up has transformed the in-flight op past every entry it missed, so
    // it is based on the current version: resend it with that v and the SAME
    // seq. If the daemon logged it after building this welcome, it answers
    // with the entry's version; handleEntry() and handleAck() cope with either.
    this.sendInflight();
    if (this.selection !== null) this.selectionDirty = true;
    if (metaChanged) this.emitMeta();
    if (accessChanged) this.emit('access');
    this.emit('joined');
    this.maybeSendPresence();
    this.maybeSendMeta();
  }

  private handleAck(seq: number, v: number): void {
    if (this.inflight !== null && seq === this.inflightSeq) {
      if (v === this.serverVersion + 1) {
        this.ackInflight(v);
        return;
      }
      if (v <= this.serverVersion) {
        // The daemon already had an op with this seq (see handleWelcome()):
        // ours was not applied. Send it again under a fresh seq.
        this.inflightSeq = this.seq++;
        this.persistPending = true;
        this.sendInflight();
        return;
      }
      this.failResync(`ack for version ${v} after ${this.serverVersion}`);
    }
    // A second ack for an op already taken as acked from a log entry.
    if (seq < (this.inflight !== null ? this.inflightSeq : this.seq)) return;
    this.emit('error', 'bad_message', `ignored an ack for seq ${seq}, which was never sent`);
  }

  private handlePresence(msg: ServerPresenceMessage): void {
    const old = this.userMap.get(msg.user);
    if (msg.user === this.userId || old === undefined) return;
    // The daemon relays presence at its current version, which (frames being
    // in order) is ours; anything else cannot be placed, and the next will do.
    if (msg.v !== this.serverVersion) return;
    const info: UserInfo = { user: old.user, client: old.client, name: old.name, color: old.color, v: msg.v, sel: msg.sel };
    if (old.role !== undefined) info.role = old.role;
    if (old.verified !== undefined) info.verified = old.verified;
    if (msg.view !== undefined) info.view = msg.view;
    if (msg.follow !== undefined) info.follow = msg.follow;
    const local = this.userInfoToLocal(info);
    this.userMap.set(local.user, local);
    this.emit('presence', local);
  }

  private handleJoin(user: UserInfo): void {
    if (user.user === this.userId) return;
    const local = this.userInfoToLocal(user);
    this.userMap.delete(local.user); // a rejoin goes to the end
    this.userMap.set(local.user, local);
    this.emit('user-joined', local);
  }

  private handleError(msg: ErrorMessage): void {
    // bad_version and resync refuse our hello.v: rejoin without it. A refused
    // in-flight op means the local text holds an edit the room will never
    // have: only the full text can repair that.
    if (
      msg.code === 'resync' ||
      msg.code === 'bad_version' ||
      (msg.seq !== undefined && this.inflight !== null && msg.seq === this.inflightSeq)
    ) {
      this.needsText = true;
    }
    this.emit('error', msg.code, msg.message);
  }
}

/* Validates a snapshot from storage: the decode boundary of persistence. */
function checkSnapshot(value: unknown): SessionSnapshot {
  const bad = (what: string): never => {
    throw new TypeError(`not a session snapshot: ${what}`);
  };
  if (typeof value !== 'object' || value === null) bad('not an object');
  const s = value as Record<string, unknown>;
  const int = (k: string, min: number): number => {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(`"${k}"`);
    return v as number;
  };
  const str = (k: string): string => {
    if (typeof s[k] !== 'string') bad(`"${k}"`);
    return s[k] as string;
  };
  const strOrNull = (k: string): string | null => (s[k] === null || s[k] === undefined ? null : str(k));
  const bool = (k: string): boolean => {
    if (typeof s[k] !== 'boolean') bad(`"${k}"`);
    return s[k] as boolean;
  };
  const op = (k: string): TextOp | null => {
    if (s[k] === null || s[k] === undefined) return null;
    try {
      checkOp(s[k]);
    } catch {
      bad(`"${k}"`);
    }
    return s[k] as TextOp;
  };
  const range = (v: unknown): Range => {
    if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) bad('a range');
    return [(v as number[])[0] as number, (v as number[])[1] as number];
  };

  if (s.format !== SNAPSHOT_FORMAT) bad('unknown format');
  const client = str('client');
  if (!isValidClientId(client)) bad('"client"');
  const name = str('name');
  const color = strOrNull('color');
  const inflight = op('inflight');
  const inflightSeq = inflight !== null ? int('inflightSeq', 1) : 0;
  const nextSeq = int('nextSeq', 1);
  if (inflight !== null && inflightSeq >= nextSeq) bad('"inflightSeq" must be below "nextSeq"');
  let pendingMeta: SessionSnapshot['pendingMeta'] = null;
  if (s.pendingMeta !== null && s.pendingMeta !== undefined) {
    if (typeof s.pendingMeta !== 'object') bad('"pendingMeta"');
    const pm = s.pendingMeta as Record<string, unknown>;
    pendingMeta = {};
    if (typeof pm.language === 'string') pendingMeta.language = pm.language;
    if (typeof pm.title === 'string') pendingMeta.title = pm.title;
  }
  let selection: Range[] | null = null;
  if (s.selection !== null && s.selection !== undefined) {
    if (!Array.isArray(s.selection)) bad('"selection"');
    selection = (s.selection as unknown[]).slice(0, LIMITS.maxRanges).map(range);
  }
  return {
    format: SNAPSHOT_FORMAT,
    client,
    name,
    color,
    joined: bool('joined'),
    needsText: bool('needsText'),
    version: int('version', 0),
    text: str('text'),
    inflight,
    inflightSeq,
    buffer: op('buffer'),
    nextSeq,
    inflightEdits: int('inflightEdits', 0),
    bufferEdits: int('bufferEdits', 0),
    language: strOrNull('language'),
    title: strOrNull('title'),
    pendingMeta,
    selection,
    view: s.view === null || s.view === undefined ? null : range(s.view),
  };
}
