// completion-source.ts: one completion request per keystroke, shared by the suggestion list and the ghost text.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import type { CompletionItem, Completions } from './protocol';

/** Asks for the completions at code point `position` of the room's text at version `v`. */
export type CompletionSource = (position: number, v: number) => Promise<Completions>;

/**
 * Wraps `source` so that asking again for the same (position, v) gets the
 * same promise instead of a second request: the suggestion list and the
 * ghost text both ask about each keystroke. (position, v) names the question
 * fully, because it is only asked while every local edit is acknowledged,
 * when the text is exactly the room's text at v. Only the latest question is
 * remembered; a failed answer counts as the answer for its keystroke.
 */
export function shareLatest(source: CompletionSource): CompletionSource {
  let latest: { position: number; v: number; answer: Promise<Completions> } | null = null;
  return (position, v) => {
    if (latest === null || latest.position !== position || latest.v !== v) {
      let answer: Promise<Completions>;
      try {
        answer = source(position, v);
      } catch (err) {
        answer = Promise.reject(err);
      }
      latest = { position, v, answer };
    }
    return latest.answer;
  };
}

export interface SplitCompletions {
  /** The language model's text, shown as ghost text; undefined when it offered nothing. */
  ghost: CompletionItem | undefined;
  /** The built-in words, keywords and snippets, for the suggestion list. */
  list: CompletionItem[];
}

/** Sorts an answer: the first model item becomes the ghost text, the built-in items the list. */
export function splitCompletions(offered: Completions): SplitCompletions {
  const ghost = offered.items.find((item) => item.kind === 'model' && item.insert !== '');
  const list = offered.items.filter((item) => item.kind !== 'model');
  return { ghost, list };
}
