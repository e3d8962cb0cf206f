#!/usr/bin/env node
// gen-ot-vectors.mjs: reference results of ot-text-unicode for the C text ops.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Usage: node gen-ot-vectors.mjs --seed S --count N --output FILE
//
// Every expected value comes from the npm package itself; this script only
// draws random documents and ops that are valid for them. The same seed gives
// the same file. tests/core/test-text-op-vectors.c reads the result.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { type } = require('ot-text-unicode');
const { version } = require('ot-text-unicode/package.json');

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '24000' },
    output: { type: 'string' },
  },
});

const seed = Number.parseInt(args.seed, 10) >>> 0;
const count = Number.parseInt(args.count, 10);
if (!Number.isInteger(count) || count < 0 || !args.output) {
  console.error('usage: gen-ot-vectors.mjs --seed S --count N --output FILE');
  process.exit(2);
}

// mulberry32: small, fast and good enough to draw test data.
function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(seed);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1)); // inclusive
const chance = (p) => random() < p;
const pick = (list) => list[int(0, list.length - 1)];

// One code point each. ASCII (with JSON escapes), multi-byte, astral,
// combining marks, ZWJ, newlines.
const CHARS = [
  ...'abcdefghijxyz  ', ' ', '\n', '\n', '\t', '"', '\\', '/', '{', '}',
  'é', 'ß', 'ж', 'ñ', '中', '文', '€', '한',
  '🙂', '😀', '𝄞', '🚀', '👍', '\u{1F3FD}',
  '\u0301', '\u0308', '\u200d', '\u00a0', '\u0001', '\u007f', '\ufeff',
];

const randomChars = (n) => Array.from({ length: n }, () => pick(CHARS));
const randomText = (n) => randomChars(n).join('');

function randomDocLength() {
  const r = random();
  if (r < 0.08) return 0;
  if (r < 0.7) return int(1, 16);
  if (r < 0.95) return int(16, 64);
  return int(64, 300);
}

// A normalized op valid on the document given as an array of code points.
function randomOp(cps) {
  const len = cps.length;
  const op = [];
  let pos = 0;

  const del = (k) => {
    op.push(chance(0.5) ? { d: k } : { d: cps.slice(pos, pos + k).join('') });
    pos += k;
  };

  if (chance(0.3)) {
    // A typical editing op: one insert, delete or replacement.
    pos = int(0, len);
    if (pos > 0) op.push(pos);
    const left = len - pos;
    const r = random();
    if (r < 0.45 || left === 0) {
      op.push(randomText(int(1, 4)));
    } else if (r < 0.75) {
      del(int(1, Math.min(left, 5)));
    } else if (r < 0.9) {
      del(int(1, Math.min(left, 5)));
      op.push(randomText(int(1, 4)));
    } else {
      op.push(randomText(int(1, 4)));
      del(int(1, Math.min(left, 5)));
    }
  } else {
    const n = int(0, 7);
    for (let i = 0; i < n; i++) {
      const left = len - pos;
      const r = random();
      if (r < 0.3 && left > 0) {
        const k = int(1, Math.min(left, chance(0.8) ? 4 : left));
        op.push(k);
        pos += k;
      } else if (r < 0.6 || left === 0) {
        op.push(randomText(int(1, chance(0.9) ? 4 : 12)));
      } else {
        del(int(1, Math.min(left, chance(0.8) ? 4 : left)));
      }
    }
  }

  // normalize() may alias and mutate its input's objects: hand it a copy.
  return type.normalize(clone(op));
}

const clone = (v) => JSON.parse(JSON.stringify(v));
const cpLength = (s) => Array.from(s).length;

function makeCase(doc, a, b, c, positions) {
  // Every call gets its own copies, so no result can alias another one.
  const applyA = type.apply(doc, clone(a));
  const applyB = type.apply(doc, clone(b));
  const transformLeft = type.transform(clone(a), clone(b), 'left');
  const transformRight = type.transform(clone(a), clone(b), 'right');
  const bRight = type.transform(clone(b), clone(a), 'right');
  const bLeft = type.transform(clone(b), clone(a), 'left');
  const applyBA = type.apply(applyB, clone(transformLeft));
  // Sanity check of the generator itself: TP1 holds in the package.
  if (type.apply(applyA, clone(bRight)) !== applyBA ||
      type.apply(applyA, clone(bLeft)) !== type.apply(applyB, clone(transformRight))) {
    throw new Error(`TP1 fails for ${JSON.stringify({ doc, a, b })}`);
  }
  if (c === null) c = randomOp(Array.from(applyA));
  const composed = type.compose(clone(a), clone(c));
  const invertible = type.makeInvertible(clone(a), doc);
  const inverse = type.invert(clone(invertible));

  return {
    doc,
    a,
    b,
    apply_a: applyA,
    apply_b: applyB,
    transform_left: transformLeft,
    transform_right: transformRight,
    apply_b_transform_left: applyBA,
    apply_b_transform_right: type.apply(applyB, clone(transformRight)),
    c,
    compose: composed,
    apply_compose: type.apply(doc, clone(composed)),
    apply_a_c: type.apply(applyA, clone(c)),
    invertible,
    inverse,
    positions: positions.map((p) => [p, type.transformPosition(p, clone(a))]),
  };
}

// The fixed cases of TOOLCHAIN.md §9 come first: [doc, a, b, c], where c
// (composed after a) is drawn at random when missing.
const FIXED = [
  ['abc', [1, 'X'], [1, 'Y']],
  ['abcdef', [1, { d: 2 }], [2, 'Z']],
  ['abcdef', [1, { d: 3 }], [2, { d: 3 }]],
  ['a😀bc', [2, 'X'], [1, { d: '😀' }]],
  ['hello world', [5, ' big'], [{ d: 5 }, 'HELLO']],
  ['abcdef', [2, { d: 'cd' }], [2, { d: 'cd' }]],
  ['abcd', [{ d: 1 }, 'A'], ['B']],
  ['abcd', ['A', { d: 1 }], ['B']],
  ['abcd', [1, 'X'], [{ d: 2 }], [{ d: 2 }]],
  ['abcd', [1, { d: 'b' }], [2, { d: 'c' }], [1, { d: 'c' }]],
  ['abcd', [{ d: 2 }], ['Q'], ['Q']],
  ['abcd', [1, { d: 2 }, 'Q'], [1, 'XY'], [1, 'XY']],
];

const cases = [];
for (const [doc, a, b, c] of FIXED) {
  if (cases.length >= count) break;
  const n = cpLength(doc);
  cases.push(makeCase(doc, a, b, c ?? null, [0, 1, 2, n, n + 1]));
}

while (cases.length < count) {
  const cps = randomChars(randomDocLength());
  const doc = cps.join('');
  const a = randomOp(cps);
  const r = random();
  // Sometimes both users make the same edit, or overlapping ones.
  const b = r < 0.05 ? clone(a) : randomOp(cps);
  const positions = [int(0, cps.length), int(0, cps.length), int(0, cps.length + 2)];
  cases.push(makeCase(doc, a, b, null, positions));
}

const output = {
  package: 'ot-text-unicode',
  version,
  seed,
  count: cases.length,
  cases,
};

writeFileSync(args.output, JSON.stringify(output) + '\n');
