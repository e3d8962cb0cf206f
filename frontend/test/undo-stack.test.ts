import { describe, expect, it } from 'vitest';
import { UndoStack, invertAgainst, caretAfter } from '../src/undo-stack';
import { apply, transform } from '../src/text-op';
import { diffOp } from '../src/offsets';

describe('UndoStack', () => {
  it('undoes own insert after a remote insert inside it', () => {
    const u = new UndoStack();
    let text = 'abc';
    const mine = [1, 'hello'];
    u.recordLocal(mine, text, 0); text = apply(text, mine);         // ahellobc
    const remote = [3, 'Z'];                                          // aheZllobc
    text = apply(text, remote); u.transformRemote(remote);
    const undo = u.takeUndo(text)!;
    text = apply(text, undo);
    expect(text).toBe('aZbc');
    const redo = u.takeRedo(text)!;
    text = apply(text, redo);
    expect(text).toBe('aheZllobc');
  });
  it('undoes a delete with astral text after remote edits before it', () => {
    const u = new UndoStack();
    let text = 'x😀y😀z';
    const mine = [1, { d: 3 }];                                       // delete "😀y😀"
    u.recordLocal(mine, text, 0); text = apply(text, mine);           // xz
    const remote = ['Q'];
    text = apply(text, remote); u.transformRemote(remote);            // Qxz
    text = apply(text, u.takeUndo(text)!);
    expect(text).toBe('Qx😀y😀z');
    expect(caretAfter([2, '😀y😀'])).toBe(5);
  });
  it('groups quick typing and splits on newline and time', () => {
    const u = new UndoStack();
    let text = '';
    for (const [i, ch] of ['a', 'b', '\n', 'c'].entries()) {
      const op = [text.length, ch].filter((c) => c !== 0);
      u.recordLocal(op as never, text, i * 100); text = apply(text, op as never);
    }
    text = apply(text, u.takeUndo(text)!);
    expect(text).toBe('ab');
    text = apply(text, u.takeUndo(text)!);
    expect(text).toBe('');
  });
  it('drops entries whose text others deleted', () => {
    const u = new UndoStack();
    let text = 'abc';
    u.recordLocal([3, 'XY'], text, 0); text = apply(text, [3, 'XY']);
    const remote = [{ d: 5 }];
    text = apply(text, remote); u.transformRemote(remote);
    expect(u.takeUndo(text)).toBeNull();
  });
  it('invertAgainst round-trips', () => {
    const doc = 'h😀llo wörld';
    const op = [1, { d: 1 }, 'E', 3, { d: 2 }, '👍'];
    const after = apply(doc, op);
    expect(apply(after, invertAgainst(op, doc))).toBe(doc);
  });
  it('random: undo after concurrent remote ops restores the others’ text', () => {
    for (let seed = 1; seed < 300; seed++) {
      let s = seed;
      const rnd = (n: number) => { s = (s * 1103515245 + 12345) % 2147483648; return s % n; };
      const u = new UndoStack();
      let text = 'the quick brown fox';
      const pos = rnd(text.length + 1);
      const mine = pos > 0 ? [pos, 'MINE'] : ['MINE'];
      u.recordLocal(mine, text, 0); text = apply(text, mine);
      let expected = apply('the quick brown fox', []);
      // remote ops that avoid MINE: insert somewhere outside
      const at = rnd(text.length + 1);
      const inside = at > pos && at < pos + 4;
      const remote = at > 0 ? [at, 'r'] : ['r'];
      text = apply(text, remote); u.transformRemote(remote);
      text = apply(text, u.takeUndo(text)!);
      expect(text.includes('MINE')).toBe(false);
      expect(text.length).toBe(expected.length + 1);
      void inside;
    }
  });
});
describe('diffOp', () => {
  it('turns a into b', () => {
    for (const [a, b] of [['abc', 'abXc'], ['a\r\nb', 'a\nb'], ['😀😁', '😀😂'], ['', 'x'], ['x', '']]) {
      expect(apply(a!, diffOp(a!, b!))).toBe(b);
    }
    void transform;
  });
});
