// account.ts: who the daemon says we are (accounts or a reverse proxy's
// sign-in), and signing up, in and out.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { h } from './dom';

/* The session lives in an HttpOnly cookie that script never sees: this
 * module only asks the daemon what it makes of it. */

export interface AuthState {
  mode: 'none' | 'accounts' | 'proxy-header';
  roomCreation: 'anyone' | 'accounts';
  /** The signed-in account's name, or null. */
  user: string | null;
}

const NO_AUTH: AuthState = { mode: 'none', roomCreation: 'anyone', user: null };

/** What the daemon makes of this browser; a daemon without accounts answers 'none'. */
export async function fetchAuth(): Promise<AuthState> {
  try {
    const response = await fetch('/api/v1/auth', { credentials: 'same-origin' });
    if (!response.ok)
      return NO_AUTH;
    const body = (await response.json()) as { mode?: unknown; room_creation?: unknown; user?: { name?: unknown } | null };
    const mode = body.mode === 'accounts' || body.mode === 'proxy-header' ? body.mode : 'none';
    return {
      mode,
      roomCreation: body.room_creation === 'accounts' ? 'accounts' : 'anyone',
      user: typeof body.user?.name === 'string' ? body.user.name : null,
    };
  } catch {
    return NO_AUTH;
  }
}

async function post(path: string, body?: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : null,
    });
  } catch {
    throw new Error('Could not reach the Pairpad server. Check your connection and try again.');
  }
  if (response.ok)
    return;
  const answer = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = answer?.error?.message;
  throw new Error(typeof message === 'string' ? message : `The server refused (HTTP ${response.status}).`);
}

export const signIn = (name: string, password: string): Promise<void> =>
  post('/api/v1/auth/signin', { name, password });
export const signUp = (name: string, password: string): Promise<void> =>
  post('/api/v1/auth/signup', { name, password });
export const signOut = (): Promise<void> => post('/api/v1/auth/signout');

/**
 * The account corner of the start page: who is signed in and a way out, or
 * a form to sign in or create an account. Calls `changed` after either.
 */
export function renderAccountBox(state: AuthState, changed: () => void): HTMLElement {
  if (state.mode === 'none')
    return h('div', { className: 'account-box', hidden: true });

  if (state.user !== null) {
    const out = h('button', { type: 'button', className: 'button link' }, 'Sign out');
    out.addEventListener('click', () => {
      void signOut().then(changed, changed);
    });
    return h('div', { className: 'account-box' },
      h('span', null, 'Signed in as ', h('strong', { className: 'account-name' }, state.user)),
      state.mode === 'accounts' ? out : null);
  }

  if (state.mode === 'proxy-header')
    return h('div', { className: 'account-box muted' }, 'Not signed in');

  const name = h('input', { id: 'account-name', type: 'text', autocomplete: 'username', required: true,
                            maxLength: 32, spellcheck: false });
  const password = h('input', { id: 'account-password', type: 'password', autocomplete: 'current-password',
                                required: true, minLength: 8 });
  const error = h('p', { className: 'form-error', attrs: { role: 'alert' } });
  const signInButton = h('button', { type: 'submit', className: 'button primary' }, 'Sign in');
  const signUpButton = h('button', { type: 'button', className: 'button secondary' }, 'Create account');
  const form = h('form', { className: 'account-form', noValidate: true },
    h('div', { className: 'field' }, h('label', { htmlFor: 'account-name' }, 'Name'), name),
    h('div', { className: 'field' }, h('label', { htmlFor: 'account-password' }, 'Password'), password),
    error,
    h('div', { className: 'row' }, signInButton, signUpButton));

  const submit = (action: (n: string, p: string) => Promise<void>): void => {
    error.textContent = '';
    if (name.value.trim() === '' || password.value === '') {
      error.textContent = 'Enter your name and a password.';
      return;
    }
    signInButton.disabled = signUpButton.disabled = true;
    action(name.value.trim(), password.value).then(changed, (err: unknown) => {
      error.textContent = err instanceof Error ? err.message : String(err);
      signInButton.disabled = signUpButton.disabled = false;
      password.select();
    });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit(signIn);
  });
  signUpButton.addEventListener('click', () => {
    password.autocomplete = 'new-password';
    submit(signUp);
  });
  return h('div', { className: 'account-box' }, form);
}
