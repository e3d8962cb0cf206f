// person-colors.ts: per-person colors as CSS rules made at runtime, for presence and history.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { isValidColor } from './protocol';

/* Colors and names come from other people, so rules are built only from a
 * validated #rrggbb and escaped strings, and go in through CSSOM
 * (insertRule), never as markup. Each ColorRules owns one <style> element. */

export const FALLBACK_COLOR = '#808080';

/** A color fit for a rule: `color` lowercased if it is #rrggbb, else gray. */
export function safeColor(color: string | null | undefined): string {
  return typeof color === 'string' && isValidColor(color) ? color.toLowerCase() : FALLBACK_COLOR;
}

export function rgb(color: string): [number, number, number] {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/* Black or white, whichever reads better on the color (WCAG luminance). */
export function textOn(r: number, g: number, b: number): string {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return l > 0.45 ? '#111' : '#fff';
}

/* Any text as a CSS string literal: everything but letters, digits and
 * spaces becomes a hex escape, so a name can never end the rule. */
export function cssString(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (/[A-Za-z0-9 ]/.test(ch))
      out += ch;
    else
      out += `\\${(ch.codePointAt(0) ?? 0x3f).toString(16)} `;
  }
  return `${out}"`;
}

/** One <style> element in the document head whose rules are replaced as a whole. */
export class ColorRules {
  readonly element: HTMLStyleElement;

  /* `owner` only labels the element (data-pairpad-colors), for debugging. */
  constructor(owner: string) {
    this.element = document.createElement('style');
    this.element.dataset['pairpadColors'] = owner;
    document.head.append(this.element);
  }

  set(rules: readonly string[]): void {
    const sheet = this.element.sheet;
    if (sheet === null)
      return;
    while (sheet.cssRules.length > 0)
      sheet.deleteRule(0);
    for (const rule of rules)
      sheet.insertRule(rule, sheet.cssRules.length);
  }

  dispose(): void {
    this.element.remove();
  }
}
