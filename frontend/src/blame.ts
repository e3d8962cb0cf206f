// blame.ts: who wrote which part of a past text, as tints and a legend.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { safeColor } from './person-colors';

/* The daemon's blame answer (docs/protocol.md, REST): spans from the start
 * of the text, lengths in code points. This file stays in code points;
 * history-view.ts converts to Monaco's UTF-16 through offsets.ts. */

export interface BlameSpan {
  length: number;
  client: string | null;      /* null: the room's initial text */
  name: string | null;
  color: string | null;
}

export interface Author {
  client: string | null;
  name: string;
  color: string;              /* #rrggbb, lowercase */
  tintClass: string;          /* '' for the initial text, which is not tinted */
  length: number;             /* code points of the text that are theirs */
}

/** A run of one author's text, [start, end) in code points. */
export interface Tint {
  start: number;
  end: number;
  author: Author;
}

export interface Blame {
  tints: Tint[];
  authors: Author[];          /* most text first, the initial text last */
}

/** The CSS class tinting text of `color`: one class per color, made at runtime. */
export function tintClass(color: string): string {
  return `pp-tint-${safeColor(color).slice(1)}`;
}

/** Checks an answer of `GET …/blame` and returns its spans. */
export function decodeBlame(value: unknown): BlameSpan[] {
  const spans = (value as { spans?: unknown } | null)?.spans;
  if (!Array.isArray(spans))
    throw new Error('not a blame answer');
  return spans.map((raw: unknown) => {
    const s = raw as Partial<Record<keyof BlameSpan, unknown>> | null;
    if (typeof s !== 'object' || s === null || typeof s.length !== 'number' || !Number.isInteger(s.length) ||
        s.length < 0)
      throw new Error('not a blame span');
    const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);
    return { length: s.length, client: str(s.client), name: str(s.name), color: str(s.color) };
  });
}

/* Spans past `textLength` are cut off: the tints must never reach outside
 * the text they are drawn on, whatever the answer said. */
export function blameOf(spans: readonly BlameSpan[], textLength: number): Blame {
  const byClient = new Map<string | null, Author>();
  const tints: Tint[] = [];
  let at = 0;
  for (const span of spans) {
    const end = Math.min(at + span.length, textLength);
    if (end <= at)
      continue;
    let author = byClient.get(span.client);
    if (author === undefined) {
      const initial = span.client === null;
      const color = initial ? safeColor(null) : safeColor(span.color);
      author = {
        client: span.client,
        name: initial ? 'Initial text' : span.name ?? 'Someone',
        color,
        tintClass: initial ? '' : tintClass(color),
        length: 0,
      };
      byClient.set(span.client, author);
    }
    author.length += end - at;
    const last = tints[tints.length - 1];
    if (last !== undefined && last.author === author && last.end === at)
      last.end = end;
    else
      tints.push({ start: at, end, author });
    at = end;
  }
  /* People first, most text first; the initial text last. */
  const authors = [...byClient.values()].sort((a, b) => Number(a.client === null) - Number(b.client === null)
                                                        || b.length - a.length);
  return { tints, authors };
}
