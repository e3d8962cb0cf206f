// not-found.ts: the pages for an unknown room or address, and for a room
// this browser may not open, each with a way back.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { type Child, h, icon } from './dom';

function renderDeadEnd(root: HTMLElement, title: string, heading: string, ...body: Child[]): void {
  document.title = `${title} — Pairpad`;
  root.replaceChildren(
    h('main', { className: 'not-found' },
      h('img', { src: '/favicon.svg', alt: '', width: 56, height: 56 }),
      h('h1', null, heading),
      ...body));
  const h1 = root.querySelector('h1');
  h1?.setAttribute('tabindex', '-1');
  h1?.focus();
}

const home = (): HTMLElement => h('a', { href: '/', className: 'button primary' }, icon('home'), 'Go to the start page');

export function renderNotFound(root: HTMLElement, what: 'room' | 'page' = 'room'): void {
  renderDeadEnd(root, `${what === 'room' ? 'Room' : 'Page'} not found`,
    what === 'room' ? 'This room does not exist' : 'Page not found',
    h('p', { className: 'muted' }, what === 'room'
      ? 'The link may be mistyped, or the room was removed. Check the link with whoever shared it.'
      : 'There is nothing at this address.'),
    home());
}

/** The daemon let us out or in no longer: `reason` is its own words. */
export function renderNoAccess(root: HTMLElement, reason: string): void {
  const retry = h('button', { type: 'button', className: 'button secondary' }, 'Try again');
  retry.addEventListener('click', () => window.location.reload());
  renderDeadEnd(root, 'No access', 'You cannot open this room',
    h('p', { className: 'muted', attrs: { 'data-reason': '' } }, /[.!?]$/.test(reason) ? reason : `${reason}.`),
    h('div', { className: 'row' }, retry, home()));
}
