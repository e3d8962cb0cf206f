import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  type TextOp,
  TextOpError,
  apply,
  baseLength,
  checkOp,
  compose,
  cpLength,
  deleteOp,
  insertOp,
  isNoop,
  isValidText,
  lengthDelta,
  normalize,
  sanitizeText,
  transform,
  transformPosition,
  transformRanges,
} from '../src/text-op';

const GENERATOR = new URL('../../tests/vectors/gen-ot-vectors.mjs', import.meta.url);
const HAVE_GENERATOR =
  existsSync(GENERATOR) && existsSync(new URL('../../tests/node_modules/ot-text-unicode/package.json', import.meta.url));

interface Vector {
  doc: string;
  a: TextOp;
  b: TextOp;
  apply_a: string;
  apply_b: string;
  transform_left: TextOp;
  transform_right: TextOp;
  apply_b_transform_left: string;
  apply_b_transform_right: string;
  c: TextOp;
  compose: TextOp;
  apply_compose: string;
  apply_a_c: string;
  positions: [number, number][];
}

/* The reference vectors the C tests use, drawn by the shared generator from
 * the npm package itself (same script and seed, fewer cases). */
function loadVectors(): Vector[] {
  const dir = mkdtempSync(`${tmpdir()}/pairpad-vectors-`);
  try {
    const out = `${dir}/ot-vectors.json`;
    execFileSync('node', [GENERATOR.pathname, '--seed', '20261126', '--count', '6000', '--output', out]);
    return (JSON.parse(readFileSync(out, 'utf8')) as { cases: Vector[] }).cases;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('text-op against the ot-text-unicode vectors', () => {
  it.skipIf(!HAVE_GENERATOR)('matches apply, transform, compose and transformPosition', () => {
    const cases = loadVectors();
    expect(cases.length).toBe(6000);
    for (const v of cases) {
      const snapshot = JSON.stringify([v.a, v.b, v.c]);
      expect(apply(v.doc, v.a)).toBe(v.apply_a);
      expect(apply(v.doc, v.b)).toBe(v.apply_b);
      expect(transform(v.a, v.b, 'left')).toEqual(v.transform_left);
      expect(transform(v.a, v.b, 'right')).toEqual(v.transform_right);
      expect(apply(v.apply_b, v.transform_left)).toBe(v.apply_b_transform_left);
      expect(apply(v.apply_b, v.transform_right)).toBe(v.apply_b_transform_right);
      expect(compose(v.a, v.c)).toEqual(v.compose);
      expect(apply(v.doc, v.compose)).toBe(v.apply_compose);
      expect(apply(v.apply_a, v.c)).toBe(v.apply_a_c);
      for (const [p, expected] of v.positions) expect(transformPosition(p, v.a, false)).toBe(expected);
      // TP1 through the wrapper.
      const bRight = transform(v.b, v.a, 'right');
      expect(apply(v.apply_a, bRight)).toBe(v.apply_b_transform_left);
      // Nothing the wrapper did changed its inputs.
      expect(JSON.stringify([v.a, v.b, v.c])).toBe(snapshot);
      expect(lengthDelta(v.a)).toBe(cpLength(v.apply_a) - cpLength(v.doc));
    }
  });
});

describe('strict apply', () => {
  const expectError = (f: () => unknown, kind: string): void => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(TextOpError);
      expect((e as TextOpError).kind).toBe(kind);
      return;
    }
    throw new Error('no error');
  };

  it('refuses what the daemon refuses', () => {
    expectError(() => apply('abc', [4]), 'out-of-range');
    expectError(() => apply('abc', [100]), 'out-of-range');
    expectError(() => apply('abc', [2, { d: 2 }]), 'out-of-range');
    expectError(() => apply('abc', [1, { d: 'x' }]), 'mismatch');
    expectError(() => apply('a🙂c', [1, { d: 'xy' }]), 'mismatch');
    expectError(() => apply('abc', [1, { d: 'bcd' }]), 'out-of-range');
    expectError(() => apply('abc', [0, 'x']), 'invalid');
    expectError(() => apply('abc', [-1]), 'invalid');
    expectError(() => apply('abc', [1.5, 'x']), 'invalid');
    expectError(() => apply('abc', ['']), 'invalid');
    expectError(() => apply('abc', ['\ud800']), 'invalid');
    expectError(() => apply('abc', ['a\u0000b']), 'invalid');
    expectError(() => apply('abc', [{ d: '\udc00' }]), 'invalid');
    expectError(() => apply('abc', [{ d: 0 }]), 'invalid');
    expectError(() => apply('abc', [{ d: 1, x: 2 } as unknown as { d: number }]), 'invalid');
    expectError(() => apply('abc', [null as unknown as number]), 'invalid');
    expectError(() => apply('abc', [2 ** 31]), 'invalid');
    expectError(() => checkOp('abc'), 'invalid');
  });

  it('accepts unnormalized ops and code points', () => {
    expect(apply('abc', [1, 2])).toBe('abc');
    expect(apply('abc', [3])).toBe('abc');
    expect(apply('a🙂cd', [1, 1, 'x', 'y', { d: 1 }, { d: 'd' }])).toBe('a🙂xy');
    expect(apply('🙂🙂', [1, { d: '🙂' }, '😀'])).toBe('🙂😀');
    expect(apply('', ['𝄞'])).toBe('𝄞');
  });

  it('normalizes without touching its input', () => {
    const op: TextOp = [1, 2, 'a', 'b', { d: 1 }, { d: 2 }, 3];
    const copy = JSON.parse(JSON.stringify(op)) as TextOp;
    expect(normalize(op)).toEqual([3, 'ab', { d: 3 }]);
    expect(op).toEqual(copy);
    const dels: TextOp = [{ d: 'ab' }, { d: 'c' }];
    expect(normalize(dels)).toEqual([{ d: 'abc' }]);
    expect(dels).toEqual([{ d: 'ab' }, { d: 'c' }]);
  });
});

describe('positions', () => {
  it('own=false is the package, own=true moves past own inserts', () => {
    const op: TextOp = [2, 'xy'];
    expect(transformPosition(2, op, false)).toBe(2);
    expect(transformPosition(2, op, true)).toBe(4);
    expect(transformPosition(1, op, true)).toBe(1);
    expect(transformPosition(3, op, true)).toBe(5);
    expect(transformPosition(0, ['🙂'], true)).toBe(1);
    expect(transformPosition(0, ['🙂'], false)).toBe(0);
    // A delete at the caret, then an insert there: the caret ends after it.
    expect(transformPosition(2, [2, { d: 1 }, 'ab'], true)).toBe(4);
    expect(transformPosition(2, [2, { d: 1 }, 'ab'], false)).toBe(2);
    // Inside a deleted span: its start.
    expect(transformPosition(4, [2, { d: 5 }], true)).toBe(2);
    expect(transformPosition(4, [2, { d: '🙂🙂🙂' }], false)).toBe(2);
    expect(transformRanges([[1, 3], [2, 2]], [2, 'z'], true)).toEqual([[1, 4], [3, 3]]);
    expect(transformRanges([[1, 3], [2, 2]], [2, 'z'], false)).toEqual([[1, 4], [2, 2]]);
  });

  it('own=true equals own=false except at an insert', () => {
    // Random check against a brute-force definition.
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rnd() * 8);
      const pos = Math.floor(rnd() * (len + 1));
      const at = Math.floor(rnd() * (len + 1));
      const op = insertOp(at, rnd() < 0.5 ? 'ab' : '🙂');
      const expected = at < pos || (at === pos) ? pos + cpLength(op[op.length - 1] as string) : pos;
      expect(transformPosition(pos, op, true)).toBe(expected);
      expect(transformPosition(pos, op, false)).toBe(at < pos ? expected : pos);
    }
  });
});

describe('helpers', () => {
  it('builds and measures ops', () => {
    expect(insertOp(0, 'a')).toEqual(['a']);
    expect(insertOp(3, 'a')).toEqual([3, 'a']);
    expect(insertOp(3, '')).toEqual([]);
    expect(deleteOp(0, 2)).toEqual([{ d: 2 }]);
    expect(deleteOp(1, '🙂')).toEqual([1, { d: '🙂' }]);
    expect(deleteOp(1, 0)).toEqual([]);
    expect(lengthDelta([1, '🙂x', { d: 2 }])).toBe(0);
    expect(lengthDelta([{ d: 'ab🙂' }])).toBe(-3);
    expect(baseLength([1, '🙂x', { d: 2 }, 3])).toBe(6);
    expect(isNoop([])).toBe(true);
    expect(isNoop([5])).toBe(true);
    expect(isNoop([5, 'a'])).toBe(false);
    expect(cpLength('a🙂b')).toBe(3);
    expect(cpLength('\ud800')).toBe(1);
    expect(cpLength('\udc00\ud800')).toBe(2);
    expect(cpLength('\ud83d\ude42\ude42')).toBe(2);
    expect(isValidText('a🙂')).toBe(true);
    expect(isValidText('a\ud83d')).toBe(false);
    expect(isValidText('\u0000')).toBe(false);
    expect(sanitizeText('a\ud83db\u0000🙂')).toBe('a\ufffdb\ufffd🙂');
  });
});
