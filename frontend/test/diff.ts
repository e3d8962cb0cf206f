import { cpLength, type TextOp } from '../src/text-op';
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

