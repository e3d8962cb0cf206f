// main.ts: entry point: picks the page for the address and loads it.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import './style.css';

/* The daemon serves index.html at `/` and `/r/{id}`. The room page, and
 * Monaco with it (~4 MB), loads only when a room is opened. */

async function route(root: HTMLElement): Promise<void> {
  const path = window.location.pathname;
  const room = /^\/r\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path);
  if (room?.[1] !== undefined) {
    const { renderRoomPage } = await import('./room-page');
    renderRoomPage(root, room[1]);
    return;
  }
  if (path === '/' || path === '/index.html') {
    const { renderStartPage } = await import('./start-page');
    renderStartPage(root);
    return;
  }
  const { renderNotFound } = await import('./not-found');
  renderNotFound(root, path.startsWith('/r/') ? 'room' : 'page');
}

const root = document.getElementById('app');
if (root !== null) {
  route(root).catch((err: unknown) => {
    console.error(err);
    root.textContent = 'Pairpad could not start. Reload the page to try again.';
    root.classList.add('fatal');
  });
}
