import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientSession } from '../src/client-session';
import { RoomSocket, type SocketStatus, type WebSocketConstructor } from '../src/socket';

class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => unknown) | null = null;
  onmessage: ((ev: { data: unknown }) => unknown) | null = null;
  onclose: ((ev: { code: number; reason: string }) => unknown) | null = null;
  onerror: ((ev: unknown) => unknown) | null = null;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.closedWith = { code, reason };
  }

  // The server side, for tests.
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  message(data: unknown): void {
    this.onmessage?.({ data });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  frames(): Record<string, unknown>[] {
    return this.sent.map((s) => JSON.parse(s) as Record<string, unknown>);
  }
}

// The browser's WebSocket is what RoomSocket takes (checked by the compiler).
const browserWebSocketFits: typeof WebSocket extends WebSocketConstructor ? true : never = true;
void browserWebSocketFits;

const last = (): FakeWebSocket => FakeWebSocket.instances[FakeWebSocket.instances.length - 1]!;
const welcome = (v: number, text = 'abc'): string =>
  JSON.stringify({ type: 'welcome', user: 'u1', v, language: 'c', title: '', users: [], text });

function setup(opts: { random?: () => number; online?: boolean } = {}) {
  const session = new ClientSession({ client: 'client-aaaa', name: 'Ann' });
  const statuses: SocketStatus[] = [];
  const win = new EventTarget();
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
  const nav = { onLine: opts.online ?? true };
  const socket = new RoomSocket(session, 'ws://host/api/v1/rooms/r1/ws', {
    WebSocket: FakeWebSocket as unknown as WebSocketConstructor,
    onStatus: (s) => statuses.push(s),
    random: opts.random ?? (() => 1),
    window: win,
    document: doc,
    navigator: nav,
  });
  return { session, socket, statuses, win, doc, nav };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('RoomSocket', () => {
  it('connects with the pairpad.v1 subprotocol and forwards frames both ways', () => {
    const { session, socket, statuses } = setup();
    socket.start();
    const ws = last();
    expect(ws.url).toBe('ws://host/api/v1/rooms/r1/ws');
    expect(ws.protocols).toEqual(['pairpad.v1']);
    expect(statuses).toEqual([{ kind: 'connecting' }]);
    ws.open();
    expect(ws.frames()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann' }]);
    ws.message(welcome(3));
    expect(session.state).toBe('synced');
    expect(statuses.at(-1)).toEqual({ kind: 'connected' });
    session.localOp([3, 'd']);
    expect(ws.frames().at(-1)).toEqual({ type: 'op', v: 3, seq: 1, op: [3, 'd'] });
    ws.message(new ArrayBuffer(2)); // binary: ignored
    ws.message(JSON.stringify({ type: 'ack', seq: 1, v: 4 }));
    expect(session.unsent).toBe(0);
  });

  it('backs off exponentially with jitter up to 30 s, and starts over after a join', () => {
    const { socket, statuses } = setup({ random: () => 1 });
    socket.start();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      last().serverClose(1006);
      const s = statuses.at(-1)!;
      expect(s.kind).toBe('reconnecting');
      delays.push(s.retryInMs!);
      const n = FakeWebSocket.instances.length;
      vi.advanceTimersByTime(s.retryInMs! - 1);
      expect(FakeWebSocket.instances.length).toBe(n);
      vi.advanceTimersByTime(1);
      expect(FakeWebSocket.instances.length).toBe(n + 1);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    last().open();
    last().message(welcome(0));
    last().serverClose(1001);
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', retryInMs: 500, closeCode: 1001 });
  });

  it('jitters between half and all of the delay', () => {
    const { socket, statuses } = setup({ random: () => 0 });
    socket.start();
    last().serverClose(1006);
    expect(statuses.at(-1)!.retryInMs).toBe(250);
    vi.advanceTimersByTime(250);
    last().serverClose(1006);
    expect(statuses.at(-1)!.retryInMs).toBe(500);
  });

  it('stops on 4404 and reports not-found', () => {
    const { socket, statuses, session } = setup();
    socket.start();
    last().open();
    last().message(JSON.stringify({ type: 'error', code: 'not_found', message: 'no such room' }));
    last().serverClose(4404, 'not found');
    expect(statuses.at(-1)).toEqual({ kind: 'not-found', closeCode: 4404, reason: 'not found' });
    expect(session.state).toBe('offline');
    vi.advanceTimersByTime(120_000);
    expect(FakeWebSocket.instances.length).toBe(1);
    socket.reconnectNow();
    expect(FakeWebSocket.instances.length).toBe(1);
    socket.stop();
    expect(statuses.at(-1)).toMatchObject({ kind: 'not-found' });
  });

  it('rejoins without v at once after 4409', () => {
    const { socket, statuses, session } = setup();
    socket.start();
    last().open();
    last().message(welcome(5));
    last().serverClose(1006);
    vi.advanceTimersByTime(500);
    last().open();
    expect(last().frames()[0]).toMatchObject({ type: 'hello', v: 5 });
    last().message(JSON.stringify({ type: 'error', code: 'resync', message: 'too old' }));
    last().serverClose(4409);
    expect(session.needsFullText).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', retryInMs: 0 });
    vi.advanceTimersByTime(0);
    last().open();
    expect(last().frames()[0]).toEqual({ type: 'hello', client: 'client-aaaa', name: 'Ann' });
  });

  it('waits at least 5 s after 4429 and 4403', () => {
    const { socket, statuses } = setup();
    socket.start();
    last().serverClose(4429);
    expect(statuses.at(-1)!.retryInMs).toBe(5000);
    vi.advanceTimersByTime(5000);
    last().serverClose(4403);
    expect(statuses.at(-1)!.retryInMs).toBe(5000);
  });

  it('waits for the network when the browser is offline, then reconnects at once', () => {
    const { socket, statuses, win, nav } = setup();
    socket.start();
    nav.onLine = false;
    last().serverClose(1006);
    expect(statuses.at(-1)).toMatchObject({ kind: 'offline' });
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances.length).toBe(1);
    nav.onLine = true;
    win.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.instances.length).toBe(2);
    expect(statuses.at(-1)).toEqual({ kind: 'connecting' });
  });

  it('reconnects at once when the page becomes visible or the browser goes online', () => {
    const { socket, doc, win } = setup();
    socket.start();
    for (let i = 0; i < 5; i++) {
      last().serverClose(1006);
      vi.advanceTimersByTime(100_000);
    }
    last().serverClose(1006); // now waiting 30 s
    const n = FakeWebSocket.instances.length;
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.instances.length).toBe(n);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(FakeWebSocket.instances.length).toBe(n + 1);
    // Connecting already: no second socket.
    win.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.instances.length).toBe(n + 1);
    last().serverClose(1006);
    win.dispatchEvent(new Event('online'));
    expect(FakeWebSocket.instances.length).toBe(n + 2);
  });

  it('drops a connection whose frames it cannot follow, and reconnects', () => {
    const { socket, statuses } = setup();
    socket.start();
    const ws = last();
    ws.open();
    ws.message('{"type":"ack","seq":1,"v":1}'); // before welcome
    expect(ws.closedWith?.code).toBe(4000);
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting', retryInMs: 500 });
    vi.advanceTimersByTime(500);
    expect(FakeWebSocket.instances.length).toBe(2);
  });

  it('resends the in-flight op with the same seq after reconnecting', () => {
    const { socket, session } = setup();
    socket.start();
    last().open();
    last().message(welcome(2));
    session.localOp([3, 'X']);
    last().serverClose(1006);
    session.localOp([4, 'Y']); // offline
    vi.advanceTimersByTime(500);
    last().open();
    expect(last().frames()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann', v: 2 }]);
    last().message(JSON.stringify({ type: 'welcome', user: 'u5', v: 2, language: 'c', title: '', users: [], ops: [] }));
    expect(last().frames().at(-1)).toEqual({ type: 'op', v: 2, seq: 1, op: [3, 'X'] });
    last().message(JSON.stringify({ type: 'ack', seq: 1, v: 3 }));
    expect(last().frames().at(-1)).toEqual({ type: 'op', v: 3, seq: 2, op: [4, 'Y'] });
  });

  it('reconnects for the full text when the daemon refuses our op', () => {
    const { socket, session } = setup();
    socket.start();
    last().open();
    last().message(welcome(2));
    session.localOp(['Q']);
    const ws = last();
    ws.message(JSON.stringify({ type: 'error', code: 'bad_op', message: 'no', seq: 1 }));
    vi.advanceTimersByTime(0);
    expect(ws.closedWith?.code).toBe(4000);
    vi.advanceTimersByTime(0);
    last().open();
    expect(last().frames()[0]).toEqual({ type: 'hello', client: 'client-aaaa', name: 'Ann' });
  });

  it('gives up on a connection that does not open in time', () => {
    const { socket, statuses } = setup();
    socket.start();
    const ws = last();
    vi.advanceTimersByTime(15_000);
    expect(ws.closedWith).not.toBeNull();
    expect(statuses.at(-1)).toMatchObject({ kind: 'reconnecting' });
  });

  it('stop() closes with 1000 and never reconnects', () => {
    const { socket, statuses, session, win } = setup();
    socket.start();
    last().open();
    last().message(welcome(0));
    socket.stop();
    expect(last().closedWith?.code).toBe(1000);
    expect(session.state).toBe('offline');
    expect(statuses.at(-1)).toEqual({ kind: 'offline' });
    win.dispatchEvent(new Event('online'));
    vi.advanceTimersByTime(100_000);
    expect(FakeWebSocket.instances.length).toBe(1);
  });
});
