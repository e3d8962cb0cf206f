// undo-stack.ts: per-user undo and redo of local ops in a shared document.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { compose, cpLength, isNoop, normalize, transform, type TextOp } from './text-op';

/* Undo here undoes *your* edits only, never someone else's (the model of
 * Google Docs and of Sun & Ellis, "Undo as concurrent inverse in group
 * editors", TOCHI 2002). Each entry holds the inverse of a local edit, with
 * deleted text spelled out ({d: "text"}) so that it can be inverted again.
 *
 * The top entry of each stack applies to the current text; the entry below it
 * applies to the text the top entry produces, and so on. A remote op R is
 * therefore transformed down the stack, each entry I against R and R against
 * I before going one level deeper:
 *
 *     text ──R──▶ text'         I' = transform(I, R, 'left')
 *      │I          │I'          R' = transform(R, I, 'right')  (next level)
 *      ▼           ▼
 *     older ─R'─▶ older'
 *
 * The stack does not know about Monaco: positions are code points, like every
 * op in the protocol. */

const GROUP_MS = 800;
const MAX_ENTRIES = 500;

interface Entry {
  op: TextOp;       /* applies to the text at this depth of the stack */
  time: number;     /* last local edit merged into this entry (ms) */
  kind: EditKind;
}

type EditKind = 'insert' | 'delete' | 'other';

export class UndoStack {
  private undoEntries: Entry[] = [];
  private redoEntries: Entry[] = [];
  private groupOpen = false;

  get canUndo(): boolean {
    return this.undoEntries.length > 0;
  }

  get canRedo(): boolean {
    return this.redoEntries.length > 0;
  }

  /* The user changed `before` with `op`. Quick runs of typing or of deleting
   * merge into one entry, the way editors group keystrokes. */
  recordLocal(op: TextOp, before: string, now: number): void {
    if (isNoop(op))
      return;
    const inverse = invertAgainst(op, before);
    const kind = editKind(op);
    const top = this.undoEntries[this.undoEntries.length - 1];
    this.redoEntries = [];
    if (top !== undefined && this.groupOpen && kind !== 'other' && kind === top.kind
        && now - top.time < GROUP_MS && !startsLine(op)) {
      top.op = compose(inverse, top.op);
      top.time = now;
      return;
    }
    this.undoEntries.push({ op: inverse, time: now, kind });
    if (this.undoEntries.length > MAX_ENTRIES)
      this.undoEntries.shift();
    this.groupOpen = true;
  }

  /* Someone else's op, already applied to the current text. */
  transformRemote(op: TextOp): void {
    if (isNoop(op))
      return;
    this.undoEntries = transformStack(this.undoEntries, op);
    this.redoEntries = transformStack(this.redoEntries, op);
  }

  /* The next typing starts a new entry (the caret moved, an undo happened…). */
  breakGroup(): void {
    this.groupOpen = false;
  }

  /* Pops the op that undoes the last local edit, to apply to `text` (the
   * current text) as a new local op; null when there is nothing to undo. */
  takeUndo(text: string): TextOp | null {
    return this.take(this.undoEntries, this.redoEntries, text);
  }

  takeRedo(text: string): TextOp | null {
    return this.take(this.redoEntries, this.undoEntries, text);
  }

  clear(): void {
    this.undoEntries = [];
    this.redoEntries = [];
    this.groupOpen = false;
  }

  private take(from: Entry[], to: Entry[], text: string): TextOp | null {
    this.groupOpen = false;
    for (;;) {
      const entry = from.pop();
      if (entry === undefined)
        return null;
      /* Others may have deleted everything this entry would touch. */
      if (isNoop(entry.op))
        continue;
      to.push({ op: invertAgainst(entry.op, text), time: 0, kind: 'other' });
      return entry.op;
    }
  }
}

function transformStack(entries: Entry[], remote: TextOp): Entry[] {
  const out: Entry[] = new Array<Entry>(entries.length);
  let r = remote;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as Entry;
    const moved = transform(entry.op, r, 'left');
    r = transform(r, entry.op, 'right');
    out[i] = { ...entry, op: moved };
  }
  return out.filter((e) => !isNoop(e.op));
}

function editKind(op: TextOp): EditKind {
  let inserts = 0;
  let deletes = 0;
  for (const c of op) {
    if (typeof c === 'string')
      inserts++;
    else if (typeof c === 'object')
      deletes++;
  }
  if (inserts === 1 && deletes === 0)
    return 'insert';
  if (deletes === 1 && inserts === 0)
    return 'delete';
  return 'other';
}

/* A new line starts a new undo step, as in most editors. */
function startsLine(op: TextOp): boolean {
  return op.some((c) => typeof c === 'string' && c.includes('\n'));
}

/* The op that takes apply(doc, op) back to doc, with deleted text written
 * out so that the result can itself be inverted. Counts are code points. */
export function invertAgainst(op: TextOp, doc: string): TextOp {
  const out: TextOp = [];
  let i = 0; /* UTF-16 index into doc */
  const advance = (n: number): string => {
    const start = i;
    for (let k = 0; k < n; k++) {
      if (i >= doc.length)
        throw new Error('op is longer than the document');
      const c = doc.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < doc.length ? 2 : 1;
    }
    return doc.slice(start, i);
  };
  for (const c of op) {
    if (typeof c === 'number') {
      advance(c);
      out.push(c);
    } else if (typeof c === 'string') {
      out.push({ d: c });
    } else {
      const n = typeof c.d === 'number' ? c.d : cpLength(c.d);
      out.push(advance(n));
    }
  }
  return normalize(out);
}

/* Where to put the caret after applying `op`: just after its last change,
 * in code points of the new text. */
export function caretAfter(op: TextOp): number | null {
  let pos = 0;
  let last: number | null = null;
  for (const c of op) {
    if (typeof c === 'number') {
      pos += c;
    } else if (typeof c === 'string') {
      pos += cpLength(c);
      last = pos;
    } else {
      last = pos;
    }
  }
  return last;
}
