// room-rest.ts: a room's REST calls, with the page's token and the daemon's
// error messages, shared by the owner's calls and the history.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/** A refused or failed call; `message` is for a person. */
export class RoomRestError extends Error {
  override readonly name: string = 'RoomRestError';
}

/** `resource` of `room` ("" for the room itself), presenting `token` when given. */
export async function roomFetch(room: string, token: string | null, method: string, resource: string,
                                body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== null)
    headers['Authorization'] = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(`/api/v1/rooms/${encodeURIComponent(room)}${resource !== '' ? `/${resource}` : ''}`, init);
  } catch {
    throw new RoomRestError('Could not reach the Pairpad server. Check your connection and try again.');
  }
}

/** The daemon's own words for a refused call. */
export async function refusal(response: Response): Promise<RoomRestError> {
  const answer: unknown = await response.json().catch(() => null);
  const message = (answer as { error?: { message?: unknown } } | null)?.error?.message;
  return new RoomRestError(typeof message === 'string' ? message : `The server refused (HTTP ${response.status}).`);
}

/** The JSON answer of a call (null when there is none); refusals throw RoomRestError. */
export async function roomJson(room: string, token: string | null, method: string, resource: string,
                               body?: unknown): Promise<unknown> {
  const response = await roomFetch(room, token, method, resource, body);
  if (!response.ok)
    throw await refusal(response);
  return response.json().catch(() => null);
}
