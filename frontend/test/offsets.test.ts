import { describe, expect, it } from 'vitest';
import {
  CodePointIndex,
  type ContentChange,
  contentChangesToOp,
  cpToUtf16,
  opToContentChanges,
  utf16ToCp,
} from '../src/offsets';
import { type TextOp, apply, cpLength, isValidText } from '../src/text-op';
import { mulberry32 } from './prng';


const CHARS = ['a', 'b', 'x', ' ', '\n', '\t', 'é', '中', '🙂', '😀', '𝄞', '👍🏽', '\u200d', '\r\n'];
const LONE = ['\ud800', '\udfff', '\ud83d', '\ude42'];

function randomText(rnd: () => number, n: number, lone = false): string {
  let s = '';
  const pool = lone ? [...CHARS, ...LONE] : CHARS;
  for (let i = 0; i < n; i++) s += pool[Math.floor(rnd() * pool.length)];
  return s;
}

/* Reference: code points as the string iterator sees them (a lone surrogate is one). */
function cpOffsets(text: string): number[] {
  // utf16 offset of every code point boundary, in order
  const out = [0];
  let u = 0;
  for (const ch of text) {
    u += ch.length;
    out.push(u);
  }
  return out;
}

function applyChanges(text: string, changes: readonly ContentChange[]): string {
  for (const c of changes) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
  return text;
}

/* Applies an op whose text may hold lone surrogates (which apply() refuses). */
function applyLoose(text: string, op: TextOp): string {
  const cps = [...text];
  const out: string[] = [];
  let i = 0;
  for (const c of op) {
    if (typeof c === 'number') {
      out.push(...cps.slice(i, i + c));
      i += c;
    } else if (typeof c === 'string') {
      out.push(c);
    } else {
      i += typeof c.d === 'number' ? c.d : [...c.d].length;
    }
  }
  if (i > cps.length) throw new Error('op too long');
  return out.join('') + cps.slice(i).join('');
}

describe('whole-string conversion', () => {
  it('handles surrogate pairs and astral characters', () => {
    const s = 'a🙂b𝄞c';
    expect(utf16ToCp(s, 0)).toBe(0);
    expect(utf16ToCp(s, 1)).toBe(1);
    expect(utf16ToCp(s, 2)).toBe(1); // inside 🙂: its start
    expect(utf16ToCp(s, 3)).toBe(2);
    expect(utf16ToCp(s, 4)).toBe(3);
    expect(utf16ToCp(s, 6)).toBe(4);
    expect(utf16ToCp(s, 7)).toBe(5);
    expect(utf16ToCp(s, 99)).toBe(5);
    expect(cpToUtf16(s, 1)).toBe(1);
    expect(cpToUtf16(s, 2)).toBe(3);
    expect(cpToUtf16(s, 4)).toBe(6);
    expect(cpToUtf16(s, 5)).toBe(7);
    expect(cpToUtf16(s, 9)).toBe(7);
    expect(cpLength(s)).toBe(5);
  });

  it('counts a lone surrogate as one code point', () => {
    const s = 'a\ud800b\udc00\ud83d\ude42\ude42';
    expect(cpLength(s)).toBe([...s].length);
    for (let u = 0; u <= s.length; u++) expect(cpToUtf16(s, utf16ToCp(s, u)) <= u).toBe(true);
    expect(utf16ToCp(s, s.length)).toBe(6);
    expect(cpToUtf16(s, 6)).toBe(s.length);
  });

  it('round-trips random strings (utf16 → cp → utf16), seeded', () => {
    const rnd = mulberry32(42);
    for (let round = 0; round < 400; round++) {
      const s = randomText(rnd, Math.floor(rnd() * 40), round % 3 === 0);
      const bounds = cpOffsets(s);
      const index = new CodePointIndex(s);
      expect(cpLength(s)).toBe(bounds.length - 1);
      expect(index.cpLength).toBe(bounds.length - 1);
      expect(index.utf16Length).toBe(s.length);
      bounds.forEach((u, cp) => {
        expect(utf16ToCp(s, u)).toBe(cp);
        expect(cpToUtf16(s, cp)).toBe(u);
        expect(index.toCp(u)).toBe(cp);
        expect(index.toUtf16(cp)).toBe(u);
      });
      for (let u = 0; u <= s.length; u++) {
        // Any offset, inside a pair included, maps to a boundary at or before it.
        const cp = utf16ToCp(s, u);
        expect(index.toCp(u)).toBe(cp);
        expect(bounds[cp]! <= u && u < (bounds[cp + 1] ?? Infinity)).toBe(true);
        expect(index.splitsPair(u)).toBe(!bounds.includes(u));
      }
    }
  });
});

describe('content changes to one op', () => {
  it('converts a single typed character after an emoji', () => {
    const before = 'a🙂b';
    const op = contentChangesToOp(before, [{ rangeOffset: 3, rangeLength: 0, text: 'x' }]);
    expect(op).toEqual([2, 'x']);
    expect(apply(before, op)).toBe('a🙂xb');
  });

  it('converts a deletion across an emoji', () => {
    const before = 'ab🙂cd';
    const changes = [{ rangeOffset: 1, rangeLength: 4, text: '' }]; // b🙂c
    const op = contentChangesToOp(before, changes);
    expect(op).toEqual([1, { d: 3 }]);
    expect(apply(before, op)).toBe('ad');
  });

  it('converts a paste replacing a selection', () => {
    const before = 'x😀😀y';
    const op = contentChangesToOp(before, [{ rangeOffset: 1, rangeLength: 4, text: '𝄞\n𝄞' }]);
    expect(op).toEqual([1, { d: 2 }, '𝄞\n𝄞']);
    expect(apply(before, op)).toBe('x𝄞\n𝄞y');
  });

  it('converts a multi-cursor edit in Monaco order (descending offsets)', () => {
    // Three carets, one before each emoji; Monaco lists the changes bottom-up.
    const before = '🙂a\n🙂b\n🙂c';
    const changes: ContentChange[] = [
      { rangeOffset: 8, rangeLength: 0, text: '!' },
      { rangeOffset: 4, rangeLength: 0, text: '!' },
      { rangeOffset: 0, rangeLength: 0, text: '!' },
    ];
    const op = contentChangesToOp(before, changes);
    expect(op).toEqual(['!', 3, '!', 3, '!']);
    expect(apply(before, op)).toBe(applyChanges(before, changes));
  });

  it('converts a multi-cursor delete of emoji (backspace at three carets)', () => {
    const before = 'x🙂\ny🙂\nz🙂';
    const changes: ContentChange[] = [
      { rangeOffset: 9, rangeLength: 2, text: '' },
      { rangeOffset: 5, rangeLength: 2, text: '' },
      { rangeOffset: 1, rangeLength: 2, text: '' },
    ];
    const op = contentChangesToOp(before, changes);
    expect(op).toEqual([1, { d: 1 }, 2, { d: 1 }, 2, { d: 1 }]);
    expect(apply(before, op)).toBe('x\ny\nz');
  });

  it('represents a change that splits a pair exactly', () => {
    const before = 'a🙂b';
    // Delete only the low half of 🙂.
    const op = contentChangesToOp(before, [{ rangeOffset: 2, rangeLength: 1, text: '' }]);
    expect(op).toEqual([1, { d: 1 }, '\ud83d']);
    expect(isValidText(op[2] as string)).toBe(false);
    // Insert between the halves.
    const op2 = contentChangesToOp(before, [{ rangeOffset: 2, rangeLength: 0, text: 'x' }]);
    expect(op2).toEqual([1, { d: 1 }, '\ud83dx\ude42']);
    // Two halves inserted one after the other make a pair again.
    const op3 = contentChangesToOp('ab', [
      { rangeOffset: 1, rangeLength: 0, text: '\ude42' },
      { rangeOffset: 1, rangeLength: 0, text: '\ud83d' },
    ]);
    expect(op3).toEqual([1, '🙂']);
  });

  it('rejects a change that does not fit', () => {
    expect(() => contentChangesToOp('abc', [{ rangeOffset: 2, rangeLength: 2, text: '' }])).toThrow(RangeError);
  });

  it('matches applying the changes, for random change lists (seeded)', () => {
    const rnd = mulberry32(7);
    for (let round = 0; round < 3000; round++) {
      const lone = round % 5 === 0;
      const before = randomText(rnd, Math.floor(rnd() * 30), lone);
      const n = 1 + Math.floor(rnd() * 4);
      const changes: ContentChange[] = [];
      let text = before;
      const monacoOrder = rnd() < 0.5;
      if (monacoOrder) {
        // Non-overlapping ranges at code point boundaries, listed descending.
        const bounds = cpOffsets(before);
        const picks = [...new Set(Array.from({ length: 2 * n }, () => bounds[Math.floor(rnd() * bounds.length)]!))].sort((a, b) => a - b);
        const ranges: [number, number][] = [];
        for (let i = 0; i + 1 < picks.length; i += 2) ranges.push([picks[i]!, picks[i + 1]!]);
        if (ranges.length === 0) ranges.push([picks[0] ?? 0, picks[0] ?? 0]);
        for (const [s, e] of ranges.reverse()) {
          const len = rnd() < 0.3 ? 0 : e - s;
          changes.push({ rangeOffset: s, rangeLength: len, text: rnd() < 0.6 ? randomText(rnd, Math.floor(rnd() * 4), lone) : '' });
        }
        text = applyChanges(text, changes);
      } else {
        // Arbitrary sequential changes, even inside pairs.
        for (let i = 0; i < n; i++) {
          const off = Math.floor(rnd() * (text.length + 1));
          const len = Math.floor(rnd() * (text.length - off + 1) * (rnd() < 0.5 ? 0.3 : 1));
          const c = { rangeOffset: off, rangeLength: len, text: rnd() < 0.7 ? randomText(rnd, Math.floor(rnd() * 4), lone) : '' };
          changes.push(c);
          text = applyChanges(text, [c]);
        }
      }
      const index = new CodePointIndex(before);
      const op = index.applyChanges(changes);
      expect(applyLoose(before, op), JSON.stringify({ before, changes, op })).toBe(text);
      if (isValidText(before) && isValidText(text)) {
        // Valid text in and out: the op is valid too, and exactly right.
        expect(apply(before, op)).toBe(text);
      }
      // The index now describes the new text.
      expect(index.utf16Length).toBe(text.length);
      expect(index.cpLength).toBe(cpLength(text));
      const fresh = new CodePointIndex(text);
      for (let u = 0; u <= text.length; u++) expect(index.toCp(u)).toBe(fresh.toCp(u));
      // And back: the op as Monaco edits reproduces the text.
      if (isValidText(before) && isValidText(text)) {
        const edits = opToContentChanges(before, op);
        expect(applyChanges(before, [...edits].reverse())).toBe(text);
      }
    }
  });
});

describe('ops to Monaco edits', () => {
  it('gives ascending edits relative to the text before', () => {
    const before = '🙂ab🙂cd';
    const index = new CodePointIndex(before);
    const edits = index.applyOp([1, 'X', 2, { d: 1 }, 'Y', 1, { d: 1 }]);
    expect(edits).toEqual([
      { rangeOffset: 2, rangeLength: 0, text: 'X' },
      { rangeOffset: 4, rangeLength: 2, text: 'Y' },
      { rangeOffset: 7, rangeLength: 1, text: '' },
    ]);
    const after = applyChanges(before, [...edits].reverse());
    expect(after).toBe(apply(before, [1, 'X', 2, { d: 1 }, 'Y', 1, { d: 1 }]));
    expect(index.utf16Length).toBe(after.length);
    expect(index.toUtf16(4)).toBe(5);
  });

  it('follows random ops', () => {
    const rnd = mulberry32(99);
    let text = '';
    const index = new CodePointIndex(text);
    for (let i = 0; i < 2000; i++) {
      const len = cpLength(text);
      const pos = Math.floor(rnd() * (len + 1));
      const op: TextOp = [];
      if (pos > 0) op.push(pos);
      if (rnd() < 0.4 && pos < len) op.push({ d: 1 + Math.floor(rnd() * Math.min(3, len - pos)) });
      if (rnd() < 0.8 || op.length === 0 || (op.length === 1 && typeof op[0] === 'number')) op.push(randomText(rnd, 1 + Math.floor(rnd() * 3)));
      const edits = index.applyOp(op);
      const next = apply(text, op);
      expect(applyChanges(text, [...edits].reverse())).toBe(next);
      text = next;
      expect(index.utf16Length).toBe(text.length);
      expect(index.cpLength).toBe(cpLength(text));
    }
    expect(() => index.applyOp([index.cpLength + 1])).toThrow(RangeError);
  });
});
