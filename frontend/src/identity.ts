// identity.ts: who you are in a room: a friendly generated name and a color, remembered.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { isValidColor } from './protocol';

/* The name and color live in localStorage and are shared by every room and
 * tab. The protocol's `client` id is deliberately not kept here: the daemon
 * counts seqs per client, so two tabs must never share one; each page load
 * takes a new one (protocol.ts newClientId) unless it restores a snapshot. */

export interface Identity {
  name: string;
  color: string;
}

const STORAGE_KEY = 'pairpad.identity';

/* Colors readable as carets and labels on both the light and dark theme. */
export const COLORS: readonly string[] = [
  '#e5484d', '#f76b15', '#d6a100', '#30a46c', '#12a594',
  '#0090ff', '#3e63dd', '#8e4ec6', '#d6409f', '#8d7a5e',
];

const ADJECTIVES = [
  'Amber', 'Brave', 'Bright', 'Calm', 'Clever', 'Cosy', 'Curious', 'Eager', 'Gentle', 'Happy',
  'Jolly', 'Kind', 'Lively', 'Lucky', 'Merry', 'Nimble', 'Patient', 'Quick', 'Quiet', 'Sunny',
  'Swift', 'Tidy', 'Witty', 'Zesty',
];

const ANIMALS = [
  'Badger', 'Beaver', 'Crane', 'Dolphin', 'Falcon', 'Fox', 'Gecko', 'Heron', 'Koala', 'Lynx',
  'Marten', 'Otter', 'Owl', 'Panda', 'Puffin', 'Quokka', 'Raven', 'Robin', 'Seal', 'Sparrow',
  'Tapir', 'Turtle', 'Walrus', 'Wombat',
];

function pick<T>(list: readonly T[]): T {
  const value = list[Math.floor(Math.random() * list.length)];
  if (value === undefined)
    throw new Error('pick from an empty list');
  return value;
}

export function generateName(): string {
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/* The protocol allows 1–64 code points; whitespace alone is not a name. */
export function cleanName(name: string): string | null {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (trimmed === '')
    return null;
  return Array.from(trimmed).slice(0, 64).join('');
}

export function loadIdentity(): Identity {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof raw === 'object' && raw !== null) {
      const { name, color } = raw as Record<string, unknown>;
      const clean = typeof name === 'string' ? cleanName(name) : null;
      if (clean !== null && typeof color === 'string' && isValidColor(color))
        return { name: clean, color };
    }
  } catch {
    /* Corrupt or unavailable storage: make a new identity. */
  }
  const identity = { name: generateName(), color: pick(COLORS) };
  saveIdentity(identity);
  return identity;
}

export function saveIdentity(identity: Identity): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(identity));
  } catch {
    /* Private mode or a full quota: the name still works for this page. */
  }
}
