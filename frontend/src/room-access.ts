// room-access.ts: the credentials a page holds for a room (the owner key,
// a share link's token) and the owner's REST calls.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import type { GeneralAccess } from './protocol';
import { RoomRestError, roomJson } from './room-rest';

/* The owner key is shown once, when the room is created: this browser keeps
 * it (local storage, like the unsent edits) and presents it in hello. A
 * share link carries its token in the fragment (`/r/{id}#token=…`), which
 * browsers never send to a server, so it stays out of logs and Referer. */

export type LinkKind = 'edit' | 'view';

/** What the owner sees of the room's access, as the daemon answers it. */
export interface AccessSettings {
  access: GeneralAccess;
  locked: boolean;
  links: Record<LinkKind, string | null>;
}

function ownerKeyKey(room: string): string {
  return `pairpad.owner.${room}`;
}

export function saveOwnerKey(room: string, key: string): void {
  try {
    localStorage.setItem(ownerKeyKey(room), key);
  } catch (err) {
    console.warn('Pairpad: could not keep the owner key of this room', err);
  }
}

export function loadOwnerKey(room: string): string | null {
  try {
    return localStorage.getItem(ownerKeyKey(room));
  } catch {
    return null;
  }
}

export function forgetOwnerKey(room: string): void {
  try {
    localStorage.removeItem(ownerKeyKey(room));
  } catch {
    /* Nothing kept then. */
  }
}

/** The token of a share link's fragment (`#token=…`), or null. */
export function linkToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token !== null && /^[A-Za-z0-9_-]{16,128}$/.test(token) ? token : null;
}

/** The address to hand out: the room link, with a share link's token if given. */
export function roomUrl(origin: string, room: string, token: string | null = null): string {
  const url = `${origin}/r/${encodeURIComponent(room)}`;
  return token !== null ? `${url}#token=${token}` : url;
}


function checkSettings(value: unknown): AccessSettings {
  const v = value as Partial<AccessSettings> | null;
  if (typeof v !== 'object' || v === null || typeof v.access !== 'string' || typeof v.locked !== 'boolean' ||
      typeof v.links !== 'object' || v.links === null)
    throw new RoomRestError('The server answered with something that is not the room\'s settings.');
  return v as AccessSettings;
}

/** The owner's calls, all authenticated by the owner key. */
export class RoomOwner {
  constructor(private readonly room: string, private readonly key: string) {}

  get(): Promise<AccessSettings> {
    return this.call('GET', 'access').then(checkSettings);
  }

  /** Changes what the room link grants, or the lock. */
  set(change: { access?: GeneralAccess; locked?: boolean }): Promise<AccessSettings> {
    return this.call('PATCH', 'access', change).then(checkSettings);
  }

  /** A new share link of `kind`: the old one stops working at once. */
  newLink(kind: LinkKind): Promise<AccessSettings> {
    return this.call('POST', `links/${kind}`).then(checkSettings);
  }

  turnOffLink(kind: LinkKind): Promise<AccessSettings> {
    return this.call('DELETE', `links/${kind}`).then(checkSettings);
  }

  async deleteRoom(): Promise<void> {
    await this.call('DELETE', '');
  }

  private call(method: string, resource: string, body?: unknown): Promise<unknown> {
    return roomJson(this.room, this.key, method, resource, body);
  }
}
