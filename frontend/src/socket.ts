// socket.ts: connects a ClientSession to the daemon over a WebSocket, and
// keeps it connected: reconnects with exponential backoff and jitter, at once
// when the browser comes back online or the page becomes visible again, and
// acts on the daemon's close codes. The session resends the outstanding op
// after every welcome.

import { ClientSession } from './client-session';
import { ProtocolError, SUBPROTOCOL } from './protocol';

export type SocketStatusKind = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'not-found';

export interface SocketStatus {
  kind: SocketStatusKind;
  /** 'reconnecting': the next attempt starts in this many ms. */
  retryInMs?: number;
  /** The close code that led here, if any. */
  closeCode?: number;
  /** Why, for a person (close reason or error message), if known. */
  reason?: string;
}

/** What RoomSocket needs of a WebSocket; the browser's qualifies. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface RoomSocketOptions {
  onStatus?: (status: SocketStatus) => void;
  /** Defaults to the global WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Defaults to ['pairpad.v1']. */
  protocols?: string[];
  /** First retry delay (before jitter), ms. Default 500. */
  initialDelayMs?: number;
  /** Largest retry delay, ms. Default 30000. */
  maxDelayMs?: number;
  /** Give up on a connection that is not open after this long, ms. Default 15000. */
  connectTimeoutMs?: number;
  /** In [0, 1); defaults to Math.random. */
  random?: () => number;
  /** Fires 'online' and 'offline'; defaults to window, null for none. */
  window?: EventSource | null;
  /** Fires 'visibilitychange'; defaults to document, null for none. */
  document?: (EventSource & { readonly visibilityState: string }) | null;
  /** Tells whether the browser is online; defaults to navigator. */
  navigator?: { readonly onLine: boolean } | null;
}

const OPEN = 1;

/* Close codes of PROTOCOL.md. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  badHello: 4400,
  forbidden: 4403,
  notFound: 4404,
  badVersion: 4409,
  tooLarge: 4413,
  rateLimited: 4429,
  /** Ours: the client dropped a connection whose frames it could not follow. */
  clientProtocolError: 4000,
} as const;

/** Delays at least this long after 4403 and 4429, ms. */
const SLOW_RETRY_MS = 5000;

/**
 * Keeps `session` connected to `url` (`ws[s]://HOST/api/v1/rooms/{room}/ws`).
 * Call start() once; stop() to leave the room for good.
 */
export class RoomSocket {
  private readonly session: ClientSession;
  private readonly url: string;
  private readonly opts: RoomSocketOptions;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly win: EventSource | null;
  private readonly doc: (EventSource & { readonly visibilityState: string }) | null;
  private readonly nav: { readonly onLine: boolean } | null;

  private ws: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private started = false;
  /* stop() was called. */
  private stopped = false;
  /* The room does not exist: no more attempts (stop() still cleans up). */
  private halted = false;
  private waitingForNetwork = false;
  private current: SocketStatus = { kind: 'offline' };
  private unsubscribe: (() => void)[] = [];
  private detachSend: (() => void) | null = null;

  private readonly onOnline = (): void => this.wake();
  private readonly onOffline = (): void => {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.waitingForNetwork = true;
      this.setStatus({ kind: 'offline' });
    }
  };
  private readonly onVisibility = (): void => {
    if (this.doc?.visibilityState === 'visible') this.wake();
  };

  constructor(session: ClientSession, url: string, opts: RoomSocketOptions = {}) {
    this.session = session;
    this.url = url;
    this.opts = opts;
    const impl = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (impl === undefined) throw new Error('no WebSocket implementation');
    this.WebSocketImpl = impl;
    const g = globalThis as { window?: EventSource; document?: EventSource & { visibilityState: string }; navigator?: { onLine: boolean } };
    this.win = opts.window !== undefined ? opts.window : (g.window ?? null);
    this.doc = opts.document !== undefined ? opts.document : (g.document ?? null);
    this.nav = opts.navigator !== undefined ? opts.navigator : (g.navigator ?? null);
  }

  /** The last status reported. */
  get status(): SocketStatus {
    return { ...this.current };
  }

  /** Connects, and keeps reconnecting until stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.win?.addEventListener('online', this.onOnline);
    this.win?.addEventListener('offline', this.onOffline);
    this.doc?.addEventListener('visibilitychange', this.onVisibility);
    this.unsubscribe.push(
      this.session.on('joined', () => {
        this.attempt = 0;
        this.setStatus({ kind: 'connected' });
      }),
      this.session.on('error', () => {
        // A refused op or version: the session needs the full text, which only
        // a new connection brings.
        if (this.session.needsFullText && this.ws !== null) {
          const ws = this.ws;
          setTimeout(() => {
            if (this.ws === ws) this.drop(CloseCode.clientProtocolError, 'resync', 0);
          }, 0);
        }
      }),
    );
    this.connect();
  }

  /** Closes the connection for good (code 1000); the session goes offline. Status 'offline' (unless 'not-found'). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    this.win?.removeEventListener('online', this.onOnline);
    this.win?.removeEventListener('offline', this.onOffline);
    this.doc?.removeEventListener('visibilitychange', this.onVisibility);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    const ws = this.ws;
    this.detach();
    if (ws !== null) {
      try {
        ws.close(CloseCode.normal, 'leaving');
      } catch {
        // already closed
      }
    }
    if (this.session.state !== 'offline') this.session.disconnected();
    if (!this.halted) this.setStatus({ kind: 'offline' });
  }

  /** Skips the wait: reconnects now if not connected or connecting. */
  reconnectNow(): void {
    this.wake();
  }

  private wake(): void {
    if (!this.started || this.stopped || this.halted || this.ws !== null) return;
    if (this.retryTimer !== null || this.waitingForNetwork) this.connect();
  }

  private setStatus(status: SocketStatus): void {
    const c = this.current;
    if (c.kind === status.kind && c.retryInMs === status.retryInMs && c.closeCode === status.closeCode && c.reason === status.reason) return;
    this.current = status;
    this.opts.onStatus?.({ ...status });
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.retryTimer = null;
    this.connectTimer = null;
  }

  private connect(): void {
    this.clearTimers();
    this.waitingForNetwork = false;
    this.setStatus({ kind: 'connecting' });
    let ws: WebSocketLike;
    try {
      ws = new this.WebSocketImpl(this.url, this.opts.protocols ?? [SUBPROTOCOL]);
    } catch (e) {
      // A malformed URL: retrying will not help, but say so gently.
      this.scheduleRetry({ reason: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.ws = ws;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (this.ws === ws && ws.readyState !== OPEN) this.drop(CloseCode.normal, 'connect timeout');
    }, this.opts.connectTimeoutMs ?? 15000);

    ws.onopen = () => {
      if (this.ws !== ws) return;
      if (this.connectTimer !== null) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.detachSend = this.session.on('send', (frame) => {
        if (this.ws === ws && ws.readyState === OPEN) ws.send(frame);
      });
      if (this.session.state !== 'offline') this.session.disconnected();
      this.session.connected();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return;
      try {
        this.session.receive(ev.data);
      } catch (e) {
        // A frame we cannot follow: start over on a new connection (after a
        // 'resync' the session rejoins from the full text).
        const resync = e instanceof ProtocolError && e.code === 'resync';
        this.drop(CloseCode.clientProtocolError, e instanceof Error ? e.message : String(e), resync ? 0 : undefined);
      }
    };
    ws.onerror = () => {
      // A close event follows.
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.detach();
      this.session.disconnected();
      this.afterClose(ev.code, ev.reason);
    };
  }

  /* Stops listening to the current socket. */
  private detach(): void {
    const ws = this.ws;
    if (ws !== null) {
      ws.onopen = null;
      ws.onmessage = null;
      ws.onclose = null;
      ws.onerror = null;
    }
    this.ws = null;
    this.detachSend?.();
    this.detachSend = null;
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /* Closes the current socket ourselves and reconnects; `reason` is for the
   * status (the close frame gets a short ASCII one). */
  private drop(code: number, reason: string, delayMs?: number): void {
    const ws = this.ws;
    this.detach();
    if (ws !== null) {
      try {
        ws.close(code, code === CloseCode.normal ? 'timeout' : 'protocol error');
      } catch {
        // already closing
      }
    }
    if (this.session.state !== 'offline') this.session.disconnected();
    this.scheduleRetry({ reason }, delayMs);
  }

  private afterClose(code: number, reason: string): void {
    if (this.stopped || this.halted) return;
    const info = { closeCode: code, reason };
    switch (code) {
      case CloseCode.notFound:
        this.halted = true;
        this.clearTimers();
        this.setStatus({ kind: 'not-found', ...info });
        return;
      case CloseCode.badVersion:
        // Our hello.v was too old or too new: rejoin from the full text, now.
        this.session.requireFullText();
        this.scheduleRetry(info, 0);
        return;
      case CloseCode.forbidden:
      case CloseCode.rateLimited:
        this.scheduleRetry(info, undefined, SLOW_RETRY_MS);
        return;
      case CloseCode.badHello:
        // Our hello was refused: retrying soon will not change that.
        this.attempt = Math.max(this.attempt, 16);
        this.scheduleRetry(info);
        return;
      default:
        // 1001 (the daemon restarts), 4413, 1006 (network), and the rest.
        this.scheduleRetry(info);
    }
  }

  /** The delay before retry number `attempt` (0-based), before jitter. */
  private backoff(attempt: number): number {
    const initial = this.opts.initialDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 30000;
    return Math.min(max, initial * 2 ** Math.min(attempt, 30));
  }

  private scheduleRetry(info: { closeCode?: number; reason?: string }, delayMs?: number, minMs = 0): void {
    if (this.stopped || this.halted) return;
    this.clearTimers();
    if (this.nav !== null && this.nav.onLine === false) {
      // Nothing to try until the browser says 'online'.
      this.waitingForNetwork = true;
      this.setStatus({ kind: 'offline', ...info });
      return;
    }
    let delay = delayMs;
    if (delay === undefined) {
      const d = this.backoff(this.attempt++);
      const random = this.opts.random ?? Math.random;
      delay = Math.max(minMs, Math.round(d / 2 + random() * (d / 2)));
    }
    const status: SocketStatus = { kind: 'reconnecting', retryInMs: delay };
    if (info.closeCode !== undefined) status.closeCode = info.closeCode;
    if (info.reason !== undefined && info.reason !== '') status.reason = info.reason;
    this.setStatus(status);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }
}
