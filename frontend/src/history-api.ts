// history-api.ts: a room's REST calls beside the WebSocket: its history (past
// texts, blame, checkpoints, restore, download).
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { decodeBlame, type BlameSpan } from './blame';
import { refusal, roomFetch, RoomRestError, roomJson } from './room-rest';

/* Every call presents the page's token (the owner key or a share link's
 * token, as in hello), which private rooms need even for reading. */

export interface Checkpoint {
  v: number;
  name: string;
  createdAt: string;
}

export interface PastVersion {
  v: number;
  text: string;
  spans: BlameSpan[];
}

/** A refused or failed call; `message` is for a person. */
export { RoomRestError as HistoryError } from './room-rest';

export class RoomHistory {
  constructor(private readonly room: string, private readonly token: string | null) {}

  /** The text at `v` and who wrote it, fetched side by side. */
  async version(v: number): Promise<PastVersion> {
    const [text, blame] = await Promise.all([this.json('GET', `text?v=${v}`), this.json('GET', `blame?v=${v}`)]);
    const t = (text as { text?: unknown } | null)?.text;
    if (typeof t !== 'string')
      throw new RoomRestError('The server answered with something that is not a text.');
    return { v, text: t, spans: decodeBlame(blame) };
  }

  async checkpoints(): Promise<Checkpoint[]> {
    const answer = await this.json('GET', 'checkpoints');
    const list = (answer as { checkpoints?: unknown } | null)?.checkpoints;
    if (!Array.isArray(list))
      throw new RoomRestError('The server answered with something that is not a list of checkpoints.');
    return list.flatMap((raw: unknown) => {
      const c = raw as { v?: unknown; name?: unknown; created_at?: unknown } | null;
      if (typeof c?.v !== 'number' || typeof c.name !== 'string')
        return [];
      return [{ v: c.v, name: c.name, createdAt: typeof c.created_at === 'string' ? c.created_at : '' }];
    });
  }

  /** Names the room's current version. */
  async saveCheckpoint(name: string): Promise<void> {
    await this.json('POST', 'checkpoints', { name });
  }

  /** Makes the text what it was at `v` again, as a new version; returns that version. */
  async restore(v: number): Promise<number> {
    const answer = await this.json('POST', 'restore', { v });
    const nv = (answer as { v?: unknown } | null)?.v;
    return typeof nv === 'number' ? nv : -1;
  }

  /* A plain link cannot carry the Authorization header, so the file is
   * fetched here and handed to the browser as a Blob. */
  async download(v: number): Promise<{ blob: Blob; filename: string }> {
    const response = await roomFetch(this.room, this.token, 'GET', `download?v=${v}`);
    if (!response.ok)
      throw await refusal(response);
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const match = /filename="([^"]*)"/.exec(disposition);
    return { blob: await response.blob(), filename: match?.[1] ?? `pairpad-v${v}.txt` };
  }

  private json(method: string, resource: string, body?: unknown): Promise<unknown> {
    return roomJson(this.room, this.token, method, resource, body);
  }
}
