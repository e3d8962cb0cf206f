// op-chars.mjs: characters that say who typed them, to match every op a
// client receives with the moment its sender sent it.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/*
 * The room's typists share a pool of characters: typist s types pool
 * character s * cycle + (seq % cycle) for its op seq. That is the shared
 * format's trick: ops from one sender reach each receiver in order, so the
 * n-th op seen from sender s is s's n-th op. The residue makes the order
 * checkable, and it survives OT clients that compose queued ops into one
 * (a ShareDB client does while an op is in flight): one remote op then holds
 * several characters of one sender in document order, not in send order.
 *
 * The pool is printable Latin-1: one UTF-16 unit and one code point each, so
 * string lengths are positions in every system, and V8 keeps a document of
 * them in its one-byte string form; a single wider character would double
 * every copy of the 10 MiB document a JavaScript OT client makes.
 */
const POOL = [];
for (let c = 0x21; c <= 0xff; c++) {
  if (c <= 0x7e || (c >= 0xa1 && c !== 0xad))
    POOL.push(String.fromCharCode(c));
}
const INDEX = new Map(POOL.map((ch, i) => [ch, i]));

export class OpChars {
  constructor (nSenders) {
    this.nSenders = nSenders;
    this.cycle = Math.floor(POOL.length / Math.max(1, nSenders));
  }

  char (sender, seq) {
    return POOL[sender * this.cycle + (seq % this.cycle)];
  }
}

/* One receiver's view of the senders of its room. */
export class ReceivedOps {
  constructor (chars) {
    this.chars = chars;
    this.count = new Array(chars.nSenders).fill(0);
    this.orderErrors = 0;
  }

  /*
   * Decodes the characters of one remote op and calls onOp (sender, seq) for
   * each. A character that is no op of a known sender counts as an error.
   */
  decode (text, onOp) {
    const { cycle } = this.chars;
    const residues = new Map();
    for (const ch of text) {
      const i = INDEX.get(ch);
      const sender = Math.floor(i / cycle);
      if (i === undefined || sender >= this.count.length) {
        this.orderErrors++;
        continue;
      }
      if (!residues.has(sender))
        residues.set(sender, []);
      residues.get(sender).push(i % cycle);
    }
    for (const [sender, list] of residues) {
      // The batch must be exactly the next list.length ops of this sender.
      const next = this.count[sender];
      const seqs = list.map((r) => next + ((r - next % cycle + cycle) % cycle));
      if (list.length > cycle || new Set(seqs).size !== list.length ||
          Math.max(...seqs) !== next + list.length - 1)
        this.orderErrors++;
      this.count[sender] += list.length;
      for (const seq of seqs)
        onOp(sender, seq);
    }
  }
}
