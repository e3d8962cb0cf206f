// protocol.ts: the messages of PROTOCOL.md version 1 as discriminated unions
// on `type`, their encoding, and the decoding of server frames with the
// validation libpairpad's pp_message_parse() applies (default limits).
// `any` appears only here, at the decode boundary, before validation.

import { type Range, type TextOp, TextOpError, checkOp, cpLength, normalize } from './text-op';

export type { Range, TextOp };

/** The WebSocket subprotocol to offer. */
export const SUBPROTOCOL = 'pairpad.v1';

/** The defaults of PROTOCOL.md, which the daemon documents in docs/protocol.md. */
export const LIMITS = {
  maxFrameBytes: 1024 * 1024,
  maxDocumentChars: 16 * 1024 * 1024,
  maxJsonDepth: 64,
  maxNameChars: 64,
  maxLanguageChars: 64,
  maxTitleChars: 256,
  maxRanges: 32,
} as const;

/** Error codes of PROTOCOL.md; a newer daemon may send others. */
export type ErrorCode =
  | 'bad_message'
  | 'bad_op'
  | 'bad_version'
  | 'resync'
  | 'too_large'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'internal';

export const ERROR_CODES: readonly ErrorCode[] = [
  'bad_message',
  'bad_op',
  'bad_version',
  'resync',
  'too_large',
  'forbidden',
  'not_found',
  'rate_limited',
  'internal',
];

/** A frame that cannot be decoded, or that does not follow from what came before. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** 'bad_message' or 'bad_op' from decoding; 'resync' and others from ClientSession. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** What a session may do: viewers only watch; the owner also shares, locks and deletes. */
export type Role = 'viewer' | 'editor' | 'owner';
/** What the room link alone grants. */
export type GeneralAccess = 'edit' | 'view' | 'restricted';

const ROLES: readonly Role[] = ['viewer', 'editor', 'owner'];
const GENERAL_ACCESSES: readonly GeneralAccess[] = ['edit', 'view', 'restricted'];

/** Another session in the room; positions in code points at version `v`. */
export interface UserInfo {
  user: string;
  client: string;
  name: string;
  color: string;
  v: number;
  sel: Range[];
  view?: Range;
  /** Extension: the session this one follows (driver/navigator). */
  follow?: string;
  /** Absent from daemons without roles: an editor. */
  role?: Role;
  /** The name is a signed-in account's. */
  verified?: boolean;
}

/** One log entry: an `op` frame, an element of `welcome.ops`. */
export interface LogEntry {
  v: number;
  op: TextOp;
  user: string;
  client: string;
  seq: number;
  name?: string;
}

// Client → server

export interface HelloMessage {
  type: 'hello';
  client: string;
  name: string;
  color?: string;
  v?: number;
  token?: string;
}

export interface ClientOpMessage {
  type: 'op';
  v: number;
  seq: number;
  op: TextOp;
}

export interface ClientPresenceMessage {
  type: 'presence';
  v: number;
  sel: Range[];
  view?: Range;
  /** Extension: the session this one follows (driver/navigator). */
  follow?: string;
}

export interface ClientMetaMessage {
  type: 'meta';
  language?: string;
  title?: string;
}

/** Extension: completions at `position` (code points) of the text at `v`; answered with `id`. */
export interface ClientCompleteMessage {
  type: 'complete';
  id: number;
  v: number;
  position: number;
  max?: number;
}

export type ClientMessage =
  HelloMessage | ClientOpMessage | ClientPresenceMessage | ClientMetaMessage | ClientCompleteMessage;

// Server → client

interface WelcomeCommon {
  type: 'welcome';
  user: string;
  v: number;
  language: string;
  title: string;
  users: UserInfo[];
  /** Our role, the room's general access and lock; absent from daemons without roles. */
  role?: Role;
  access?: GeneralAccess;
  locked?: boolean;
}

/** Either `text` (the document at `v`) or `ops` (catch-up after hello.v). */
export type WelcomeMessage =
  | (WelcomeCommon & { text: string; ops?: undefined })
  | (WelcomeCommon & { ops: LogEntry[]; text?: undefined });

export interface AckMessage {
  type: 'ack';
  seq: number;
  v: number;
}

export interface ServerOpMessage extends LogEntry {
  type: 'op';
}

export interface ServerPresenceMessage {
  type: 'presence';
  user: string;
  v: number;
  sel: Range[];
  view?: Range;
  /** Extension: the session this one follows (driver/navigator). */
  follow?: string;
}

export interface JoinMessage {
  type: 'join';
  user: UserInfo;
}

export interface LeaveMessage {
  type: 'leave';
  user: string;
}

export interface ServerMetaMessage {
  type: 'meta';
  user: string;
  language: string;
  title: string;
}

export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
  seq?: number;
  /** The `complete` it is about. */
  id?: number;
}

/**
 * One offer: `insert` replaces the `prefix_length` code points before the
 * cursor, or `replace` of them when given (a model's text: 0, inserted at
 * the cursor). `kind`: word, keyword, snippet or model.
 */
export interface CompletionItem {
  label: string;
  insert: string;
  kind: string;
  replace?: number;
}

/** Completions as a client uses them: for the text at `v`. */
export interface Completions {
  v: number;
  prefixLength: number;
  items: CompletionItem[];
}

/** Extension: the answer to the `complete` with this `id`. */
export interface CompletionsMessage {
  type: 'completions';
  id: number;
  v: number;
  prefix_length: number;
  provider: string;
  fallback?: string;
  items: CompletionItem[];
}

/** The room's access settings changed: our role, and every session's. */
export interface AccessMessage {
  type: 'access';
  role: Role;
  access: GeneralAccess;
  locked: boolean;
  roles: Record<string, Role>;
}

/** A type this client does not know (a newer daemon): to be ignored. */
export interface UnknownServerMessage {
  type: 'unknown';
  /** The frame's own `type`. */
  unknownType: string;
}

export type KnownServerMessage =
  | WelcomeMessage
  | AckMessage
  | ServerOpMessage
  | ServerPresenceMessage
  | JoinMessage
  | LeaveMessage
  | ServerMetaMessage
  | ErrorMessage
  | AccessMessage
  | CompletionsMessage;

export type ServerMessage = KnownServerMessage | UnknownServerMessage;

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const COLOR = /^#[0-9A-Fa-f]{6}$/;
const INVALID_STRING = /[\u0000\uD800-\uDFFF]/u;
const INT64_LIMIT = 2 ** 63;

/** Whether `client` is 8 to 64 of `[A-Za-z0-9_-]`. */
export function isValidClientId(client: string): boolean {
  return CLIENT_ID.test(client);
}

/** Whether `color` is `#rrggbb` (hex digits of either case). */
export function isValidColor(color: string): boolean {
  return COLOR.test(color);
}

/** A fresh random client id (22 characters of `[A-Za-z0-9_-]`). */
export function newClientId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let id = '';
  for (let i = 0; i < 22; i++) {
    const bit = i * 6;
    const byte = bit >> 3;
    const word = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
    id += alphabet[(word >> (10 - (bit & 7))) & 63];
  }
  return id;
}

/**
 * One frame, compact, members in the order the daemon's own encoder uses.
 * Optional members that are undefined are left out.
 */
export function encode(msg: ClientMessage): string {
  switch (msg.type) {
    case 'hello':
      return JSON.stringify({
        type: 'hello',
        client: msg.client,
        name: msg.name,
        color: msg.color,
        v: msg.v,
        token: msg.token,
      });
    case 'op':
      return JSON.stringify({ type: 'op', v: msg.v, seq: msg.seq, op: msg.op });
    case 'presence':
      return JSON.stringify({ type: 'presence', v: msg.v, sel: msg.sel, view: msg.view, follow: msg.follow });
    case 'meta':
      return JSON.stringify({ type: 'meta', language: msg.language, title: msg.title });
    case 'complete':
      return JSON.stringify({ type: 'complete', id: msg.id, v: msg.v, position: msg.position, max: msg.max });
  }
}

// Decoding. Every failure is a ProtocolError, 'bad_message' unless it is
// about an op ('bad_op'). `ctx` names the object in messages.

type Obj = Record<string, unknown>;

function fail(ctx: string, member: string, problem: string): never {
  throw new ProtocolError('bad_message', `${ctx}: "${member}" ${problem}`);
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(o: Obj, member: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, member);
}

function getString(o: Obj, ctx: string, member: string, required: true): string;
function getString(o: Obj, ctx: string, member: string, required: boolean): string | undefined;
function getString(o: Obj, ctx: string, member: string, required: boolean): string | undefined {
  if (!has(o, member)) {
    if (required) fail(ctx, member, 'is missing');
    return undefined;
  }
  const value = o[member];
  if (typeof value !== 'string') fail(ctx, member, 'must be a string');
  return value;
}

function getText(o: Obj, ctx: string, member: string, required: true, min: number, max: number): string;
function getText(o: Obj, ctx: string, member: string, required: boolean, min: number, max: number): string | undefined;
function getText(o: Obj, ctx: string, member: string, required: boolean, min: number, max: number): string | undefined {
  const value = getString(o, ctx, member, required);
  if (value !== undefined) {
    const n = cpLength(value);
    if (n < min || n > max) {
      throw new ProtocolError('bad_message', `${ctx}: "${member}" must be ${min} to ${max} characters long`);
    }
  }
  return value;
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function getInt(o: Obj, ctx: string, member: string, required: true, min: number): number;
function getInt(o: Obj, ctx: string, member: string, required: boolean, min: number): number | undefined;
function getInt(o: Obj, ctx: string, member: string, required: boolean, min: number): number | undefined {
  if (!has(o, member)) {
    if (required) fail(ctx, member, 'is missing');
    return undefined;
  }
  const value = o[member];
  if (!isInt(value)) fail(ctx, member, 'must be an integer');
  if (value < min) throw new ProtocolError('bad_message', `${ctx}: "${member}" must be at least ${min}`);
  return value;
}

function getPair(value: unknown): Range | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [a, b] = value as unknown[];
  if (!isInt(a) || !isInt(b) || a < 0 || b < 0) return null;
  return [a, b];
}

function getRanges(o: Obj, ctx: string, member: string): Range[] {
  if (!has(o, member)) fail(ctx, member, 'is missing');
  const value = o[member];
  if (!Array.isArray(value)) fail(ctx, member, 'must be a list of [anchor, head] pairs');
  if (value.length > LIMITS.maxRanges) {
    throw new ProtocolError(
      'bad_message',
      `${ctx}: "${member}" has ${value.length} ranges, at most ${LIMITS.maxRanges} are allowed`,
    );
  }
  return value.map((element: unknown) => {
    const pair = getPair(element);
    if (pair === null) fail(ctx, member, 'must be a list of [anchor, head] pairs of non-negative integers');
    return pair;
  });
}

function getView(o: Obj, ctx: string): Range | undefined {
  if (!has(o, 'view')) return undefined;
  const view = getPair(o.view);
  if (view === null) fail(ctx, 'view', 'must be [first, last], non-negative integers');
  if (view[0] > view[1]) fail(ctx, 'view', 'must have first <= last');
  return view;
}

// The follow extension: a session id, 1–64 of [A-Za-z0-9_-].
function getFollow(o: Obj, ctx: string): string | undefined {
  if (!has(o, 'follow')) return undefined;
  const follow = o.follow;
  if (typeof follow !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(follow)) fail(ctx, 'follow', 'must be a session id');
  return follow;
}

/** Decodes an op as the daemon does; the result is normalized. */
export function decodeOp(value: unknown, ctx = 'op'): TextOp {
  if (!Array.isArray(value)) throw new ProtocolError('bad_op', `${ctx}: "op" must be an array`);
  try {
    checkOp(value);
  } catch (e) {
    if (e instanceof TextOpError) throw new ProtocolError('bad_op', `${ctx}: ${e.message}`);
    throw e;
  }
  return normalize(value);
}

function getClientId(o: Obj, ctx: string): string {
  const client = getString(o, ctx, 'client', true);
  if (!isValidClientId(client)) fail(ctx, 'client', 'must be 8 to 64 of A-Z, a-z, 0-9, _ and -');
  return client;
}

function getUserId(o: Obj, ctx: string): string {
  const user = getString(o, ctx, 'user', true);
  if (user === '') fail(ctx, 'user', 'must not be empty');
  return user;
}

function getColor(o: Obj, ctx: string): string {
  const color = getString(o, ctx, 'color', true);
  if (!isValidColor(color)) fail(ctx, 'color', 'must be #rrggbb');
  return color;
}

function getEnum<T extends string>(o: Obj, ctx: string, member: string, values: readonly T[]): T | undefined {
  const value = getString(o, ctx, member, false);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) fail(ctx, member, `must be one of ${values.join(', ')}`);
  return value as T;
}

function getBoolean(o: Obj, ctx: string, member: string): boolean | undefined {
  if (!has(o, member)) return undefined;
  const value = o[member];
  if (typeof value !== 'boolean') fail(ctx, member, 'must be true or false');
  return value;
}

function decodeLogEntry(o: Obj, ctx: string): LogEntry {
  // The same order as libpairpad: v, then the op (bad_op says more than a
  // missing field), then the rest.
  const v = getInt(o, ctx, 'v', true, 1);
  if (!has(o, 'op')) fail(ctx, 'op', 'is missing');
  const op = decodeOp(o.op, ctx);
  const user = getUserId(o, ctx);
  const client = getClientId(o, ctx);
  const seq = getInt(o, ctx, 'seq', true, 1);
  const name = getText(o, ctx, 'name', false, 1, LIMITS.maxNameChars);
  const entry: LogEntry = { v, op, user, client, seq };
  if (name !== undefined) entry.name = name;
  return entry;
}

function decodeUser(value: unknown, ctx: string): UserInfo {
  if (!isObject(value)) throw new ProtocolError('bad_message', `${ctx}: a user must be an object`);
  const user = getUserId(value, ctx);
  const client = getClientId(value, ctx);
  const name = getText(value, ctx, 'name', true, 1, LIMITS.maxNameChars);
  const color = getColor(value, ctx);
  const v = getInt(value, ctx, 'v', true, 0);
  const sel = getRanges(value, ctx, 'sel');
  const view = getView(value, ctx);
  const follow = getFollow(value, ctx);
  const role = getEnum(value, ctx, 'role', ROLES);
  const verified = getBoolean(value, ctx, 'verified');
  const info: UserInfo = { user, client, name, color, v, sel };
  if (view !== undefined) info.view = view;
  if (follow !== undefined) info.follow = follow;
  if (role !== undefined) info.role = role;
  if (verified !== undefined) info.verified = verified;
  return info;
}

function getArray(o: Obj, ctx: string, member: string): unknown[] {
  if (!has(o, member)) fail(ctx, member, 'is missing');
  const value = o[member];
  if (!Array.isArray(value)) fail(ctx, member, 'must be an array');
  return value;
}

function decodeWelcome(o: Obj): WelcomeMessage {
  const user = getUserId(o, 'welcome');
  const v = getInt(o, 'welcome', 'v', true, 0);
  const language = getText(o, 'welcome', 'language', true, 1, LIMITS.maxLanguageChars);
  const title = getText(o, 'welcome', 'title', true, 0, LIMITS.maxTitleChars);
  const users = getArray(o, 'welcome', 'users').map((u, i) => decodeUser(u, `welcome.users[${i}]`));
  if (has(o, 'text') === has(o, 'ops')) {
    throw new ProtocolError('bad_message', 'welcome: exactly one of "text" and "ops" must be present');
  }
  const common: WelcomeCommon = { type: 'welcome', user, v, language, title, users };
  const role = getEnum(o, 'welcome', 'role', ROLES);
  const access = getEnum(o, 'welcome', 'access', GENERAL_ACCESSES);
  const locked = getBoolean(o, 'welcome', 'locked');
  if (role !== undefined) common.role = role;
  if (access !== undefined) common.access = access;
  if (locked !== undefined) common.locked = locked;
  if (has(o, 'text')) return { ...common, text: getString(o, 'welcome', 'text', true) };
  const ops = getArray(o, 'welcome', 'ops').map((entry, i) => {
    const ctx = `welcome.ops[${i}]`;
    if (!isObject(entry)) throw new ProtocolError('bad_message', `${ctx}: a log entry must be an object`);
    return decodeLogEntry(entry, ctx);
  });
  return { ...common, ops };
}

/* What libpairpad's JSON scanner refuses in any frame: nesting deeper than
 * the limit, and (as "soft" errors, bad_op inside the op of an op frame)
 * strings with a lone surrogate or U+0000 and integers outside int64. */
function scan(root: unknown, frameIsOp: boolean): void {
  let soft: { inOp: boolean; what: string } | null = null;
  const note = (inOp: boolean, what: string): void => {
    soft ??= { inOp, what };
  };
  const walk = (value: unknown, depth: number, inOp: boolean): void => {
    if (typeof value === 'string') {
      if (INVALID_STRING.test(value)) note(inOp, 'a string holds a lone surrogate or U+0000, which is not valid');
    } else if (typeof value === 'number') {
      if (Number.isInteger(value) && Math.abs(value) >= INT64_LIMIT) note(inOp, 'an integer is out of range');
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= LIMITS.maxJsonDepth) {
        throw new ProtocolError('bad_message', `JSON nested deeper than ${LIMITS.maxJsonDepth} levels`);
      }
      if (Array.isArray(value)) {
        for (const v of value) walk(v, depth + 1, inOp);
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (INVALID_STRING.test(k)) note(inOp, 'a member name holds a lone surrogate or U+0000');
          walk(v, depth + 1, inOp || (depth === 0 && frameIsOp && k === 'op'));
        }
      }
    }
  };
  walk(root, 0, false);
  const found = soft as { inOp: boolean; what: string } | null;
  if (found !== null) throw new ProtocolError(found.inOp ? 'bad_op' : 'bad_message', found.inOp ? `op: ${found.what}` : found.what);
}

const SERVER_TYPES = new Set(['welcome', 'ack', 'op', 'presence', 'join', 'leave', 'meta', 'error', 'access',
                              'completions']);
const CLIENT_ONLY_TYPES = new Set(['hello']);

function decodeCompletions(o: Obj): CompletionsMessage {
  const msg: CompletionsMessage = {
    type: 'completions',
    id: getInt(o, 'completions', 'id', true, 1),
    v: getInt(o, 'completions', 'v', true, 0),
    prefix_length: getInt(o, 'completions', 'prefix_length', true, 0),
    provider: getString(o, 'completions', 'provider', true),
    items: [],
  };
  const fallback = getString(o, 'completions', 'fallback', false);
  if (fallback !== undefined) msg.fallback = fallback;
  if (!Array.isArray(o.items)) fail('completions', 'items', 'must be a list');
  for (const raw of o.items as unknown[]) {
    if (!isObject(raw)) fail('completions', 'items', 'must hold objects');
    const item: CompletionItem = {
      label: getString(raw, 'completions item', 'label', true),
      insert: getString(raw, 'completions item', 'insert', true),
      kind: getString(raw, 'completions item', 'kind', true),
    };
    const replace = getInt(raw, 'completions item', 'replace', false, 0);
    if (replace !== undefined) item.replace = replace;
    msg.items.push(item);
  }
  return msg;
}

/**
 * Decodes and validates one frame from the daemon. Unknown fields are
 * ignored; an unknown `type` gives an UnknownServerMessage.
 *
 * @throws ProtocolError ('bad_message', or 'bad_op' for an invalid op)
 */
export function decodeServerFrame(text: string): ServerMessage {
  let root: any; // the decode boundary: nothing is trusted before the checks below
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError('bad_message', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(root)) throw new ProtocolError('bad_message', 'a frame must be a JSON object');
  if (!has(root, 'type')) throw new ProtocolError('bad_message', 'the frame has no "type"');
  const type: unknown = root.type;
  if (typeof type !== 'string') throw new ProtocolError('bad_message', '"type" must be a string');

  scan(root, type === 'op');

  if (!SERVER_TYPES.has(type)) {
    if (CLIENT_ONLY_TYPES.has(type)) {
      throw new ProtocolError('bad_message', `unknown message type "${type}" for a server`);
    }
    return { type: 'unknown', unknownType: type };
  }

  const o: Obj = root;
  switch (type) {
    case 'welcome':
      return decodeWelcome(o);
    case 'ack':
      return { type: 'ack', seq: getInt(o, 'ack', 'seq', true, 1), v: getInt(o, 'ack', 'v', true, 1) };
    case 'op':
      return { type: 'op', ...decodeLogEntry(o, 'op') };
    case 'presence': {
      const user = getUserId(o, 'presence');
      const v = getInt(o, 'presence', 'v', true, 0);
      const sel = getRanges(o, 'presence', 'sel');
      const view = getView(o, 'presence');
      const follow = getFollow(o, 'presence');
      const msg: ServerPresenceMessage = { type: 'presence', user, v, sel };
      if (view !== undefined) msg.view = view;
      if (follow !== undefined) msg.follow = follow;
      return msg;
    }
    case 'join':
      if (!has(o, 'user')) fail('join', 'user', 'is missing');
      return { type: 'join', user: decodeUser(o.user, 'join.user') };
    case 'leave':
      return { type: 'leave', user: getUserId(o, 'leave') };
    case 'meta': {
      const user = getUserId(o, 'meta');
      const language = getText(o, 'meta', 'language', true, 1, LIMITS.maxLanguageChars);
      const title = getText(o, 'meta', 'title', true, 0, LIMITS.maxTitleChars);
      return { type: 'meta', user, language, title };
    }
    case 'error': {
      const code = getString(o, 'error', 'code', true);
      const message = getString(o, 'error', 'message', true);
      const seq = getInt(o, 'error', 'seq', false, 0);
      const id = getInt(o, 'error', 'id', false, 0);
      const msg: ErrorMessage = { type: 'error', code, message };
      if (seq !== undefined) msg.seq = seq;
      if (id !== undefined) msg.id = id;
      return msg;
    }
    case 'completions':
      return decodeCompletions(o);
    case 'access': {
      const role = getEnum(o, 'access', 'role', ROLES) ?? 'editor';
      const access = getEnum(o, 'access', 'access', GENERAL_ACCESSES) ?? 'edit';
      const locked = getBoolean(o, 'access', 'locked') ?? false;
      const roles: Record<string, Role> = {};
      if (has(o, 'roles')) {
        if (!isObject(o.roles)) fail('access', 'roles', 'must be an object');
        for (const [user, r] of Object.entries(o.roles)) {
          if (typeof r !== 'string' || !(ROLES as readonly string[]).includes(r)) {
            fail('access', 'roles', 'must map session ids to roles');
          }
          roles[user] = r as Role;
        }
      }
      return { type: 'access', role, access, locked, roles };
    }
    default:
      return { type: 'unknown', unknownType: type };
  }
}
