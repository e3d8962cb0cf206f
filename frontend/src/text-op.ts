// text-op.ts: a typed wrapper over ot-text-unicode 4.x, the op semantics of
// PROTOCOL.md. transform and compose are the package's own; this module adds
// the daemon's strictness (validation, apply checked against the document),
// normalization that never mutates its input, and position helpers.
//
// Every position and length counts Unicode code points.

import { type as textUnicode } from 'ot-text-unicode';

/** A skip (positive integer), an insert (non-empty string) or a delete. */
export type Component = number | string | { d: number | string };
export type TextOp = Component[];
export type Side = 'left' | 'right';
/** `[anchor, head]`, or `[first, last]` for a view; code points. */
export type Range = [number, number];

/** The largest count the daemon accepts in a component (2³¹−1). */
export const MAX_COUNT = 0x7fffffff;

export type TextOpErrorKind = 'invalid' | 'out-of-range' | 'mismatch' | 'too-large';

/** An op that is malformed, or does not fit the document it is applied to. */
export class TextOpError extends Error {
  override readonly name = 'TextOpError';
  readonly kind: TextOpErrorKind;

  constructor(kind: TextOpErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/* Matches a lone surrogate (the u flag makes a valid pair one code point,
 * outside the class) or U+0000, which the daemon refuses. */
const INVALID_TEXT = /[\u0000\uD800-\uDFFF]/u;

/**
 * The length of `text` in code points. A surrogate pair counts once; a lone
 * surrogate counts as one code point too (it never crashes).
 */
export function cpLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Whether `text` is valid Unicode without U+0000: what an op may carry. */
export function isValidText(text: string): boolean {
  return !INVALID_TEXT.test(text);
}

/**
 * `text` made fit for an op: every lone surrogate and U+0000 becomes U+FFFD.
 * Code point lengths are unchanged.
 */
export function sanitizeText(text: string): string {
  return isValidText(text) ? text : text.replace(/[\u0000\uD800-\uDFFF]/gu, '\uFFFD');
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= MAX_COUNT;
}

function checkString(s: string, index: number): void {
  if (s.length === 0) throw new TextOpError('invalid', `component ${index}: strings must not be empty`);
  if (!isValidText(s)) {
    throw new TextOpError(
      'invalid',
      `component ${index}: a string holds a lone surrogate or U+0000, which is not valid`,
    );
  }
}

/**
 * Checks that `op` is well formed as the daemon wants it: an array of positive
 * integer counts (at most 2³¹−1), non-empty valid strings, and `{d: …}`
 * objects with exactly that member. It need not be normalized.
 *
 * @throws TextOpError (kind 'invalid')
 */
export function checkOp(op: unknown): asserts op is TextOp {
  if (!Array.isArray(op)) throw new TextOpError('invalid', 'an op must be an array');
  for (let i = 0; i < op.length; i++) {
    const c: unknown = op[i];
    if (typeof c === 'number') {
      if (!isCount(c)) throw new TextOpError('invalid', `component ${i}: counts must be positive integers up to ${MAX_COUNT}`);
    } else if (typeof c === 'string') {
      checkString(c, i);
    } else if (typeof c === 'object' && c !== null && !Array.isArray(c)) {
      const keys = Object.keys(c);
      const d: unknown = (c as { d?: unknown }).d;
      if (keys.length !== 1 || keys[0] !== 'd') {
        throw new TextOpError('invalid', `component ${i}: a delete must have exactly one member, "d"`);
      }
      if (typeof d === 'number') {
        if (!isCount(d)) throw new TextOpError('invalid', `component ${i}: counts must be positive integers up to ${MAX_COUNT}`);
      } else if (typeof d === 'string') {
        checkString(d, i);
      } else {
        throw new TextOpError('invalid', `component ${i}: "d" must be a positive integer or a non-empty string`);
      }
    } else {
      throw new TextOpError('invalid', `component ${i}: expected a number, a string or {"d": ...}`);
    }
  }
}

/** A copy of `op` that shares no objects with it (the package mutates deletes it merges). */
function copyOp(op: readonly Component[]): TextOp {
  return op.map((c) => (typeof c === 'object' ? { d: c.d } : c));
}

/**
 * The normalized form: no empty components, neighbours of one kind merged,
 * no trailing skip. Never mutates `op`.
 */
export function normalize(op: readonly Component[]): TextOp {
  return textUnicode.normalize(copyOp(op)) as TextOp;
}

/** Whether `op` changes nothing (only skips). */
export function isNoop(op: readonly Component[]): boolean {
  return op.every((c) => typeof c === 'number');
}

/** The length in code points of a delete's `d`. */
export function deleteLength(d: number | string): number {
  return typeof d === 'number' ? d : cpLength(d);
}

/** How many code points the document must have for `op` to apply (skips and deletes). */
export function baseLength(op: readonly Component[]): number {
  let n = 0;
  for (const c of op) {
    if (typeof c === 'number') n += c;
    else if (typeof c === 'object') n += deleteLength(c.d);
  }
  return n;
}

/** Code points inserted minus code points deleted. */
export function lengthDelta(op: readonly Component[]): number {
  let n = 0;
  for (const c of op) {
    if (typeof c === 'string') n += cpLength(c);
    else if (typeof c === 'object') n -= deleteLength(c.d);
  }
  return n;
}

/* Advances `units` UTF-16 index `i` of `doc` by `n` code points; -1 if the
 * document ends first. */
function advance(doc: string, i: number, n: number): number {
  const len = doc.length;
  while (n > 0) {
    if (i >= len) return -1;
    const c = doc.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = doc.charCodeAt(i + 1);
      i += d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else {
      i++;
    }
    n--;
  }
  return i;
}

/**
 * Checks, without applying it, that `op` is well formed and fits `doc`: skips
 * and deletes stay inside it, and each `{d: "S"}` matches the text there.
 *
 * @throws TextOpError
 */
export function checkApply(doc: string, op: unknown): asserts op is TextOp {
  checkOp(op);
  let i = 0;
  let pos = 0;
  for (let k = 0; k < op.length; k++) {
    const c = op[k] as Component;
    if (typeof c === 'string') continue;
    const n = typeof c === 'number' ? c : deleteLength(c.d);
    if (typeof c === 'object' && typeof c.d === 'string') {
      if (doc.startsWith(c.d, i)) {
        i += c.d.length;
        pos += n;
        continue;
      }
      if (advance(doc, i, n) < 0) {
        throw new TextOpError('out-of-range', `component ${k}: a delete of ${n} at ${pos} passes the end of the document`);
      }
      throw new TextOpError('mismatch', `component ${k} deletes text that is not in the document`);
    }
    const next = advance(doc, i, n);
    if (next < 0) {
      throw new TextOpError(
        'out-of-range',
        `component ${k}: a ${typeof c === 'number' ? 'skip' : 'delete'} of ${n} at ${pos} passes the end of the document`,
      );
    }
    i = next;
    pos += n;
  }
}

/**
 * Applies `op` to `doc`, strictly: a malformed op, a skip or delete past the
 * end, or a `{d: "S"}` that does not match throws and nothing happens.
 *
 * @throws TextOpError
 */
export function apply(doc: string, op: readonly Component[]): string {
  checkApply(doc, op);
  const n = normalize(op);
  return n.length === 0 ? doc : textUnicode.apply(doc, n);
}

/**
 * ot-text-unicode's transform: `op` rewritten to apply after `other`, both made
 * on the same document. `side` decides which insert goes first when both
 * insert at one position ('left': op's).
 */
export function transform(op: readonly Component[], other: readonly Component[], side: Side): TextOp {
  return textUnicode.transform(normalize(op), normalize(other), side) as TextOp;
}

/** ot-text-unicode's compose: one op with the effect of `a` then `b`. */
export function compose(a: readonly Component[], b: readonly Component[]): TextOp {
  return textUnicode.compose(normalize(a), normalize(b)) as TextOp;
}

/**
 * Moves a position through `op`. With `own` false this is exactly
 * ot-text-unicode's transformPosition: an insert at `pos` leaves it before the
 * insert, and a position inside a deleted span moves to the span's start.
 * With `own` true (the op was made by the owner of the caret) an insert
 * exactly at `pos` moves it after the insert, as libpairpad's
 * pp_text_op_transform_position().
 */
export function transformPosition(pos: number, op: readonly Component[], own: boolean): number {
  if (!own) return textUnicode.transformPosition(pos, op as TextOp);
  let at = 0;
  for (let i = 0; i < op.length && pos >= at; i++) {
    const c = op[i] as Component;
    if (typeof c === 'number') {
      at += c;
    } else if (typeof c === 'string') {
      const n = cpLength(c);
      at += n;
      pos += n;
    } else {
      pos -= Math.min(deleteLength(c.d), pos - at);
    }
  }
  return pos;
}

/** Each range moved with transformPosition(); returns new ranges. */
export function transformRanges(ranges: readonly (readonly [number, number])[], op: readonly Component[], own: boolean): Range[] {
  return ranges.map(([a, b]) => [transformPosition(a, op, own), transformPosition(b, op, own)]);
}

/** An op inserting `text` at `pos` (`[]` for empty text). */
export function insertOp(pos: number, text: string): TextOp {
  if (text.length === 0) return [];
  return pos === 0 ? [text] : [pos, text];
}

/** An op deleting `count` code points (or exactly the text given) at `pos`. */
export function deleteOp(pos: number, count: number | string): TextOp {
  if (deleteLength(count) === 0) return [];
  return pos === 0 ? [{ d: count }] : [pos, { d: count }];
}

/** Two ops are equal when their normalized forms are. */
export function opsEqual(a: readonly Component[], b: readonly Component[]): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}
