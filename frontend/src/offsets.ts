// offsets.ts: exact conversion between UTF-16 code-unit offsets (Monaco) and
// code-point offsets (the protocol), and between Monaco content changes and
// ops. Independent of Monaco's types.
//
// A code point is a surrogate pair (a high surrogate directly followed by a
// low one) or any other single code unit; a lone surrogate counts as one code
// point. A UTF-16 offset inside a pair converts to the pair's start.

import { type Component, type TextOp, cpLength, deleteLength } from './text-op';

/** One entry of Monaco's IModelContentChangedEvent.changes; all UTF-16. */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const isSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdfff;

/** The code-point offset of UTF-16 offset `offset` in `text` (clamped to the text). */
export function utf16ToCp(text: string, offset: number): number {
  const end = Math.max(0, Math.min(offset, text.length));
  let n = end;
  for (let i = 0; i < end - 1; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
      n--;
      i++;
    }
  }
  // Between the halves of a pair (whose high half the walk left alone): the pair's start.
  if (end > 0 && end < text.length && isHigh(text.charCodeAt(end - 1)) && isLow(text.charCodeAt(end))) n--;
  return n;
}

/** The UTF-16 offset of code-point offset `cp` in `text` (clamped to the text). */
export function cpToUtf16(text: string, cp: number): number {
  let i = 0;
  const len = text.length;
  for (let n = Math.max(0, cp); n > 0 && i < len; n--) {
    i += isHigh(text.charCodeAt(i)) && i + 1 < len && isLow(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

/* First index in sorted `a` with a[i] >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Piece = { orig: true; start: number; end: number } | { orig: false; text: string };

/**
 * An index of a text's surrogates that converts offsets in O(log n) and
 * follows edits in time proportional to the edit plus the number of
 * surrogates (usually none), without keeping the text itself.
 *
 * Keep one per Monaco model: `applyChanges()` with every content-change
 * event (it returns the op), `applyOp()` for every remote op (it returns the
 * Monaco edits), `reset()` on a reset.
 */
export class CodePointIndex {
  private length16 = 0;
  /** UTF-16 offsets of every surrogate code unit, ascending. */
  private units: number[] = [];
  /** The code unit at each of `units`. */
  private values: number[] = [];
  /** UTF-16 offsets of the high half of each surrogate pair; derived. */
  private pairStarts: number[] | null = [];

  constructor(text = '') {
    this.reset(text);
  }

  /** Forgets everything and indexes `text`. */
  reset(text: string): void {
    this.length16 = text.length;
    this.units = [];
    this.values = [];
    this.collect(text, 0, this.units, this.values);
    this.pairStarts = null;
  }

  /** The text's length in UTF-16 code units. */
  get utf16Length(): number {
    return this.length16;
  }

  /** The text's length in code points. */
  get cpLength(): number {
    return this.length16 - this.pairs().length;
  }

  /** The code-point offset of a UTF-16 offset (inside a pair: the pair's start). */
  toCp(utf16: number): number {
    const o = Math.max(0, Math.min(utf16, this.length16));
    // Pairs starting before o; one starting at o-1 rounds o down to it.
    return o - lowerBound(this.pairs(), o);
  }

  /** The UTF-16 offset of a code-point offset. */
  toUtf16(cp: number): number {
    const pairs = this.pairs();
    const c = Math.max(0, Math.min(cp, this.length16 - pairs.length));
    if (pairs.length === 0) return c;
    // Count pairs whose code-point start (pairs[k] - k) is before c.
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((pairs[mid] as number) - mid < c) lo = mid + 1;
      else hi = mid;
    }
    return c + lo;
  }

  /** Whether UTF-16 offset `utf16` falls between the halves of a surrogate pair. */
  splitsPair(utf16: number): boolean {
    const pairs = this.pairs();
    const k = lowerBound(pairs, utf16 - 1);
    return pairs[k] === utf16 - 1;
  }

  /**
   * Follows Monaco content changes, applied one after another in the order
   * given (Monaco's order: later changes are at lower offsets, so each offset
   * is valid both before the event and when it is applied), and returns them
   * as ONE op in code points against the text before the changes.
   *
   * A change that splits a surrogate pair is represented exactly: the pair is
   * deleted and what remains of it is re-inserted (a lone surrogate, which an
   * op may not carry: ClientSession.localOp() refuses it).
   *
   * @throws RangeError if a change does not fit the text
   */
  applyChanges(changes: readonly ContentChange[]): TextOp {
    if (changes.length === 0) return [];
    const before = this.snapshotPairs();
    const n16 = this.length16;
    let pieces: Piece[] = n16 > 0 ? [{ orig: true, start: 0, end: n16 }] : [];
    let length = n16;

    for (const change of changes) {
      const { rangeOffset: off, rangeLength: len, text } = change;
      if (!Number.isInteger(off) || !Number.isInteger(len) || off < 0 || len < 0 || off + len > length) {
        throw new RangeError(`content change [${off}, +${len}) does not fit a text of ${length} UTF-16 units`);
      }
      pieces = splice(pieces, off, len, text);
      length += text.length - len;
      this.spliceUnits(off, len, text);
    }
    this.length16 = length;
    this.pairStarts = null;

    return piecesToOp(pieces, n16, before);
  }

  /**
   * Follows an op (code points, against the current text) and returns it as
   * Monaco edits in UTF-16: ascending, non-overlapping, every offset relative
   * to the text BEFORE the op. Apply them as one batch (model.applyEdits or
   * pushEditOperations), or one at a time from the last to the first.
   *
   * @throws RangeError if the op reaches past the end of the text
   */
  applyOp(op: readonly Component[]): ContentChange[] {
    const edits: ContentChange[] = [];
    let cp = 0;
    let u = 0;
    let pending: ContentChange | null = null;
    const total = this.cpLength;
    const flush = (): void => {
      if (pending !== null && (pending.rangeLength > 0 || pending.text.length > 0)) edits.push(pending);
      pending = null;
    };

    for (const c of op) {
      if (typeof c === 'number') {
        if (cp + c > total) throw new RangeError(`op skips past the end of the text (${total} code points)`);
        flush();
        cp += c;
        u = this.toUtf16(cp);
      } else if (typeof c === 'string') {
        pending ??= { rangeOffset: u, rangeLength: 0, text: '' };
        pending.text += c;
      } else {
        const n = deleteLength(c.d);
        if (cp + n > total) throw new RangeError(`op deletes past the end of the text (${total} code points)`);
        const end = this.toUtf16(cp + n);
        pending ??= { rangeOffset: u, rangeLength: 0, text: '' };
        pending.rangeLength += end - u;
        cp += n;
        u = end;
      }
    }
    flush();

    // Follow the edits, from the last to the first so offsets stay valid.
    for (let i = edits.length - 1; i >= 0; i--) {
      const e = edits[i] as ContentChange;
      this.spliceUnits(e.rangeOffset, e.rangeLength, e.text);
      this.length16 += e.text.length - e.rangeLength;
    }
    this.pairStarts = null;
    return edits;
  }

  private collect(text: string, base: number, units: number[], values: number[]): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isSurrogate(c)) {
        units.push(base + i);
        values.push(c);
      }
    }
  }

  private spliceUnits(off: number, len: number, text: string): void {
    const { units, values } = this;
    const i0 = lowerBound(units, off);
    const i1 = lowerBound(units, off + len);
    const delta = text.length - len;
    const newUnits: number[] = [];
    const newValues: number[] = [];
    this.collect(text, off, newUnits, newValues);
    this.pairStarts = null;
    if (i0 === i1 && newUnits.length === 0) {
      if (delta !== 0) for (let i = i1; i < units.length; i++) units[i] = (units[i] as number) + delta;
      return;
    }
    // No spread into splice(): a paste may hold millions of surrogates.
    const tail = units.slice(i1);
    for (let i = 0; i < tail.length; i++) tail[i] = (tail[i] as number) + delta;
    this.units = units.slice(0, i0).concat(newUnits, tail);
    this.values = values.slice(0, i0).concat(newValues, values.slice(i1));
  }

  private pairs(): number[] {
    if (this.pairStarts === null) {
      const p: number[] = [];
      const { units, values } = this;
      for (let i = 0; i + 1 < units.length; i++) {
        if (isHigh(values[i] as number) && isLow(values[i + 1] as number) && units[i + 1] === (units[i] as number) + 1) {
          p.push(units[i] as number);
          i++;
        }
      }
      this.pairStarts = p;
    }
    return this.pairStarts;
  }

  private snapshotPairs(): PairInfo {
    return { pairs: this.pairs().slice(), units: this.units.slice(), values: this.values.slice() };
  }
}

interface PairInfo {
  pairs: number[];
  units: number[];
  values: number[];
}

function unitAt(info: PairInfo, offset: number): string {
  const k = lowerBound(info.units, offset);
  return String.fromCharCode(info.values[k] as number);
}

/* Replaces [off, off+len) of the text the pieces spell with `text`. */
function splice(pieces: Piece[], off: number, len: number, text: string): Piece[] {
  const out: Piece[] = [];
  const end = off + len;
  let pos = 0;
  let inserted = false;
  const insert = (): void => {
    if (!inserted && text.length > 0) out.push({ orig: false, text });
    inserted = true;
  };

  for (const p of pieces) {
    const size = p.orig ? p.end - p.start : p.text.length;
    const pStart = pos;
    const pEnd = pos + size;
    pos = pEnd;
    if (pEnd <= off) {
      out.push(p); // entirely before
    } else if (pStart >= end) {
      insert(); // entirely after
      out.push(p);
    } else {
      if (pStart < off) out.push(slicePiece(p, 0, off - pStart));
      insert();
      if (pEnd > end) out.push(slicePiece(p, end - pStart, size));
    }
  }
  insert();
  return out;
}

function slicePiece(p: Piece, from: number, to: number): Piece {
  return p.orig ? { orig: true, start: p.start + from, end: p.start + to } : { orig: false, text: p.text.slice(from, to) };
}

/* The op that turns the original text (n16 units, surrogates in `info`)
 * into the text the pieces spell. */
function piecesToOp(pieces: Piece[], n16: number, info: PairInfo): TextOp {
  const splits = (o: number): boolean => {
    const k = lowerBound(info.pairs, o - 1);
    return info.pairs[k] === o - 1;
  };
  const toCp = (o: number): number => o - lowerBound(info.pairs, o);

  // Make original pieces cover whole code points: a half pair left at a
  // piece's edge is cut off and re-inserted as text.
  const fixed: Piece[] = [];
  for (const p of pieces) {
    if (!p.orig) {
      fixed.push(p);
      continue;
    }
    let { start, end } = p;
    let head = '';
    let tail = '';
    if (start < end && splits(start)) {
      head = unitAt(info, start);
      start++;
    }
    if (start < end && splits(end)) {
      tail = unitAt(info, end - 1);
      end--;
    }
    if (head) fixed.push({ orig: false, text: head });
    if (start < end) fixed.push({ orig: true, start, end });
    if (tail) fixed.push({ orig: false, text: tail });
  }

  const op: TextOp = [];
  const push = (c: Component): void => {
    const last = op[op.length - 1];
    if (typeof c === 'number' && typeof last === 'number') op[op.length - 1] = last + c;
    else if (typeof c === 'string' && typeof last === 'string') op[op.length - 1] = last + c;
    else if (typeof c === 'object' && typeof last === 'object') op[op.length - 1] = { d: deleteLength(last.d) + deleteLength(c.d) };
    else op.push(c);
  };

  let cursor = 0; // UTF-16, original text
  let pendingText = '';
  for (const p of fixed) {
    if (!p.orig) {
      pendingText += p.text;
      continue;
    }
    if (p.start > cursor) push({ d: toCp(p.start) - toCp(cursor) });
    if (pendingText) push(pendingText);
    pendingText = '';
    push(toCp(p.end) - toCp(p.start));
    cursor = p.end;
  }
  if (n16 > cursor) push({ d: toCp(n16) - toCp(cursor) });
  if (pendingText) push(pendingText);
  if (typeof op[op.length - 1] === 'number') op.pop();
  return op;
}

/**
 * Monaco content changes (UTF-16, applied in the order given) as ONE op in
 * code points against `before`, the text before the changes.
 */
export function contentChangesToOp(before: string, changes: readonly ContentChange[]): TextOp {
  return new CodePointIndex(before).applyChanges(changes);
}

/**
 * An op (code points, against `before`) as Monaco edits in UTF-16: ascending,
 * non-overlapping, offsets relative to `before`.
 */
export function opToContentChanges(before: string, op: readonly Component[]): ContentChange[] {
  return new CodePointIndex(before).applyOp(op);
}

export { cpLength };

/* The smallest single replacement turning `a` into `b`, as an op. */
export function diffOp(a: string, b: string): TextOp {
  let start = 0;
  const min = Math.min(a.length, b.length);
  while (start < min && a.charCodeAt(start) === b.charCodeAt(start))
    start++;
  if (start > 0 && isHighSurrogate(a.charCodeAt(start - 1)))
    start--;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  if (endA < a.length && isLowSurrogate(a.charCodeAt(endA))) {
    endA++;
    endB++;
  }
  const op: TextOp = [];
  const skip = cpLength(a.slice(0, start));
  if (skip > 0)
    op.push(skip);
  if (endA > start)
    op.push({ d: a.slice(start, endA) });
  if (endB > start)
    op.push(b.slice(start, endB));
  return op;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
