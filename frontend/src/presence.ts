// presence.ts: other people's carets and selections, your own presence, and follow mode.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import type { ClientSession } from './client-session';
import type { Disposable, MonacoBinding, RemoteCursor } from './monaco-binding';
import { ColorRules, cssString, rgb, safeColor, textOn } from './person-colors';
import type { UserInfo } from './protocol';

/* Decides what to draw for each remote person and hands it to the binding,
 * which owns Monaco. Positions come from `session.users`, which the session
 * keeps transformed through every op, so they are always in the current
 * text's code points; this class never transforms anything itself.
 *
 * Each person gets a short CSS class key ("u3") and rules of their own
 * (person-colors.ts), so that names and colors never pass through markup. Following is local only: the protocol has no
 * field for it, and the daemon relays only the fields it knows. */

const SEND_INTERVAL_MS = 50;
const LABEL_VISIBLE_MS = 4000;

interface PersonStyle {
  key: string;
  name: string;
  color: string;
  rules: ColorRules;
}

export class Presence implements Disposable {
  private readonly session: ClientSession;
  private readonly binding: MonacoBinding;
  private readonly onChange: () => void;
  private readonly styles = new Map<string, PersonStyle>();
  private readonly movedAt = new Map<string, number>();
  private readonly disposables: (Disposable | (() => void))[] = [];
  private nextKey = 1;
  private following: string | null = null;
  private readonly follows = new Map<string, string | undefined>();
  private renderQueued = false;
  private labelTimer: number | undefined;
  private sendTimer: number | undefined;
  private lastSendAt = 0;
  private lastSent = '';

  /* onChange: the people or whom you follow changed (for the header). */
  constructor(session: ClientSession, binding: MonacoBinding, onChange: () => void) {
    this.session = session;
    this.binding = binding;
    this.onChange = onChange;

    const on = session.on.bind(session);
    this.disposables.push(on('presence', (u) => {
      this.movedAt.set(u.user, performance.now());
      this.queueRender();
      if (u.user === this.following)
        this.revealFollowed();
      if (this.follows.get(u.user) !== u.follow) {
        this.follows.set(u.user, u.follow);
        this.onChange();
      }
    }));
    this.disposables.push(on('user-joined', (u) => {
      this.movedAt.set(u.user, performance.now());
      this.queueRender();
      this.onChange();
    }));
    this.disposables.push(on('user-left', (user) => {
      this.styles.get(user)?.rules.dispose();
      this.styles.delete(user);
      this.movedAt.delete(user);
      /* A welcome replaces everyone (user-left, then user-joined for each):
       * keep following whoever is still there once it is done. */
      if (user === this.following) {
        queueMicrotask(() => {
          if (this.following === user && !this.session.users.has(user))
            this.follow(null);
        });
      }
      this.queueRender();
      this.onChange();
    }));
    this.disposables.push(on('joined', () => {
      this.lastSent = '';
      this.sendNow();
      this.queueRender();
      this.onChange();
    }));
    this.disposables.push(on('remote-op', () => {
      this.queueRender();
      if (this.following !== null)
        this.revealFollowed();
    }));
    this.disposables.push(on('reset', () => this.queueRender()));

    this.disposables.push(
      binding.onLocalPresence(() => this.queueSend()),
      binding.onLocalEdit(() => {
        this.queueRender();
        this.follow(null);
      }),
      binding.onUserInteraction(() => this.follow(null)),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      if (typeof d === 'function')
        d();
      else
        d.dispose();
    }
    window.clearTimeout(this.labelTimer);
    window.clearTimeout(this.sendTimer);
    for (const s of this.styles.values())
      s.rules.dispose();
    this.styles.clear();
  }

  /* Everyone else in the room, in the order they joined. */
  others(): UserInfo[] {
    return [...this.session.users.values()].filter((u) => u.user !== this.session.user);
  }

  get followingId(): string | null {
    return this.following;
  }

  /* Follow a person's view until you click, type or scroll; null stops. */
  follow(user: string | null): void {
    if (user === this.following)
      return;
    this.following = user !== null && this.session.users.has(user) ? user : null;
    /* Everyone sees who follows whom (the protocol's follow extension). */
    this.session.setFollowing(this.following);
    if (this.following !== null)
      this.revealFollowed();
    this.onChange();
  }

  /* Re-reads a person's name and color (after a rename, say). */
  refresh(): void {
    this.queueRender();
  }

  private revealFollowed(): void {
    const u = this.following === null ? undefined : this.session.users.get(this.following);
    if (u === undefined)
      return;
    this.binding.revealRemote(u.view, u.sel[0]?.[1]);
  }

  /* Coalesces the bursts of events one op causes into one redraw. */
  private queueRender(): void {
    if (this.renderQueued)
      return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const now = performance.now();
    const cursors: RemoteCursor[] = [];
    let nextExpiry = Infinity;
    for (const u of this.others()) {
      const style = this.styleFor(u);
      const moved = this.movedAt.get(u.user) ?? -Infinity;
      const active = now - moved < LABEL_VISIBLE_MS;
      if (active)
        nextExpiry = Math.min(nextExpiry, moved + LABEL_VISIBLE_MS);
      cursors.push({ key: style.key, name: u.name, color: style.color, sel: u.sel, active });
    }
    this.binding.setRemoteCursors(cursors);

    /* Hide name labels a while after people stop moving. */
    window.clearTimeout(this.labelTimer);
    if (nextExpiry !== Infinity)
      this.labelTimer = window.setTimeout(() => this.queueRender(), nextExpiry - now + 20);
  }

  /* The CSS classes of one person, made or updated on demand. */
  private styleFor(u: UserInfo): PersonStyle {
    const color = safeColor(u.color);
    let style = this.styles.get(u.user);
    if (style !== undefined && style.name === u.name && style.color === color)
      return style;
    if (style === undefined) {
      style = { key: `u${this.nextKey++}`, name: u.name, color, rules: new ColorRules(u.user) };
      this.styles.set(u.user, style);
    }
    style.name = u.name;
    style.color = color;
    const k = style.key;
    const [r, g, b] = rgb(color);
    style.rules.set([
      `.pp-sel-${k} { background-color: rgba(${r}, ${g}, ${b}, 0.25); }`,
      `.pp-caret-${k} { border-left-color: ${color}; }`,
      `.pp-caret-${k}.pp-caret-primary::after { content: ${cssString(u.name)};`
        + ` background-color: ${color}; color: ${textOn(r, g, b)}; }`,
    ]);
    return style;
  }

  /* Own presence, at most every SEND_INTERVAL_MS, the last state always sent. */
  private queueSend(): void {
    if (this.sendTimer !== undefined)
      return;
    const wait = Math.max(0, this.lastSendAt + SEND_INTERVAL_MS - performance.now());
    this.sendTimer = window.setTimeout(() => {
      this.sendTimer = undefined;
      this.sendNow();
    }, wait);
  }

  private sendNow(): void {
    const { sel, view } = this.binding.getLocalPresence();
    const key = JSON.stringify([sel, view]);
    if (key === this.lastSent)
      return;
    this.lastSent = key;
    this.lastSendAt = performance.now();
    this.session.setSelection(sel, view);
  }
}
