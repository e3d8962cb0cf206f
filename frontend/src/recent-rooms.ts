// recent-rooms.ts: the rooms this browser visited, newest first, in localStorage.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

export interface RecentRoom {
  id: string;
  title: string;
  language: string;
  visitedAt: number; /* ms since the epoch */
}

const STORAGE_KEY = 'pairpad.recent-rooms';
const MAX_ROOMS = 20;

export function isValidRoomId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

export function loadRecentRooms(): RecentRoom[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw))
    return [];
  const rooms: RecentRoom[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null)
      continue;
    const { id, title, language, visitedAt } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !isValidRoomId(id) || typeof visitedAt !== 'number')
      continue;
    rooms.push({
      id,
      title: typeof title === 'string' ? title : '',
      language: typeof language === 'string' ? language : '',
      visitedAt,
    });
  }
  return rooms.sort((a, b) => b.visitedAt - a.visitedAt);
}

function save(rooms: RecentRoom[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(rooms.slice(0, MAX_ROOMS)));
  } catch {
    /* Storage full or disabled: the list is a convenience only. */
  }
}

/* Records a visit, or refreshes the title and language of a known room. */
export function rememberRoom(room: { id: string; title?: string; language?: string },
                             visit = true): void {
  const rooms = loadRecentRooms();
  const old = rooms.find((r) => r.id === room.id);
  const entry: RecentRoom = {
    id: room.id,
    title: room.title ?? old?.title ?? '',
    language: room.language ?? old?.language ?? '',
    visitedAt: visit || old === undefined ? Date.now() : old.visitedAt,
  };
  save([entry, ...rooms.filter((r) => r.id !== room.id)].sort((a, b) => b.visitedAt - a.visitedAt));
}

export function forgetRoom(id: string): void {
  save(loadRecentRooms().filter((r) => r.id !== id));
}

/* "just now", "5 minutes ago", "yesterday", in the browser's language. */
export function formatVisited(visitedAt: number, now = Date.now()): string {
  const seconds = Math.round((visitedAt - now) / 1000);
  if (Math.abs(seconds) < 45)
    return 'just now';
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86400], ['month', 30 * 86400], ['week', 7 * 86400],
    ['day', 86400], ['hour', 3600], ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size)
      return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60), 'minute');
}

/* Accepts a room link (any host, /r/{id}) or a bare id; null if neither. */
export function parseRoomInput(input: string): string | null {
  const text = input.trim();
  if (text === '')
    return null;
  if (isValidRoomId(text))
    return text;
  let path = text;
  try {
    path = new URL(text, window.location.origin).pathname;
  } catch {
    /* Not a URL; try it as a path below. */
  }
  const match = /\/r\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  return match?.[1] ?? null;
}
