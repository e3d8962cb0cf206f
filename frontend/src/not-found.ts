// not-found.ts: the page for an unknown room or address, with a way back.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { h, icon } from './dom';

export function renderNotFound(root: HTMLElement, what: 'room' | 'page' = 'room'): void {
  document.title = `${what === 'room' ? 'Room' : 'Page'} not found — Pairpad`;
  root.replaceChildren(
    h('main', { className: 'not-found' },
      h('img', { src: '/favicon.svg', alt: '', width: 56, height: 56 }),
      h('h1', null, what === 'room' ? 'This room does not exist' : 'Page not found'),
      h('p', { className: 'muted' }, what === 'room'
        ? 'The link may be mistyped, or the room was removed. Check the link with whoever shared it.'
        : 'There is nothing at this address.'),
      h('a', { href: '/', className: 'button primary' }, icon('home'), 'Go to the start page')));
  const heading = root.querySelector('h1');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}
