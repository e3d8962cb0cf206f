import { describe, expect, it } from 'vitest';
import { ClientSession, type SessionSnapshot, type SessionState, splitOp } from '../src/client-session';
import { ProtocolError, type UserInfo } from '../src/protocol';
import { type TextOp, apply, compose, cpLength, normalize } from '../src/text-op';
import { type Down, type SimConnection, SimServer } from './sim-server';
import { mulberry32 } from './prng';


type Json = Record<string, unknown>;

/** A session with its frames and events recorded, driven by hand. */
function recorder(client = 'client-aaaa', name = 'Ann'): {
  s: ClientSession;
  sent: Json[];
  events: [string, ...unknown[]][];
  take: () => Json[];
} {
  const s = new ClientSession({ client, name });
  const sent: Json[] = [];
  const events: [string, ...unknown[]][] = [];
  s.on('send', (f) => sent.push(JSON.parse(f) as Json));
  for (const e of ['remote-op', 'reset', 'acked', 'joined', 'user-joined', 'user-left', 'presence', 'meta', 'access', 'error', 'state', 'unsent', 'persist'] as const) {
    s.on(e, (...args: unknown[]) => events.push([e, ...args]));
  }
  return { s, sent, events, take: () => sent.splice(0) };
}

const welcomeText = (v: number, text: string, users: UserInfo[] = [], user = 'u1'): string =>
  JSON.stringify({ type: 'welcome', user, v, language: 'python', title: 'T', users, text });
const welcomeOps = (v: number, ops: Json[], users: UserInfo[] = [], user = 'u9'): string =>
  JSON.stringify({ type: 'welcome', user, v, language: 'python', title: 'T', users, ops });
const opFrame = (v: number, op: TextOp, user = 'u2', client = 'client-bbbb', seq = 1): string =>
  JSON.stringify({ type: 'op', v, op, user, client, seq });
const ack = (seq: number, v: number): string => JSON.stringify({ type: 'ack', seq, v });

describe('ClientSession, frame by frame', () => {
  it('joins, sends one op at a time, buffers and composes the rest', () => {
    const { s, take, events } = recorder();
    expect(s.state).toBe('offline');
    expect(() => s.localOp(['x'])).toThrow(/not joined/);
    s.connected();
    expect(take()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann' }]);
    expect(s.state).toBe('joining');
    const bob: UserInfo = { user: 'u2', client: 'client-bbbb', name: 'Bob', color: '#112233', v: 5, sel: [[1, 1]] };
    s.receive(welcomeText(5, 'a🙂c', [bob]));
    expect(s.state).toBe('synced');
    expect(s.text).toBe('a🙂c');
    expect(s.length).toBe(3);
    expect(s.version).toBe(5);
    expect(s.user).toBe('u1');
    expect(s.language).toBe('python');
    expect(s.users.get('u2')?.sel).toEqual([[1, 1]]);
    expect(events.map((e) => e[0])).toEqual(['state', 'reset', 'user-joined', 'state', 'meta', 'joined']);

    s.localOp([3, 'd']);
    expect(take()).toEqual([{ type: 'op', v: 5, seq: 1, op: [3, 'd'] }]);
    expect(s.state).toBe('awaiting-ack');
    s.localOp([4, 'e']);
    s.localOp([{ d: 1 }]);
    expect(take()).toEqual([]);
    expect(s.state).toBe('awaiting-with-buffer');
    expect(s.unsent).toBe(3);
    expect(s.text).toBe('🙂cde');
    // Bob's caret moved with our edits (not his: stays before the insert).
    expect(s.users.get('u2')?.sel).toEqual([[0, 0]]);

    s.receive(ack(1, 6));
    expect(take()).toEqual([{ type: 'op', v: 6, seq: 2, op: [{ d: 1 }, 3, 'e'] }]);
    expect(s.unsent).toBe(2);
    expect(s.state).toBe('awaiting-ack');
    s.receive(ack(2, 7));
    expect(s.state).toBe('synced');
    expect(s.unsent).toBe(0);
    expect(s.nextSeq).toBe(3);
    expect(events.filter((e) => e[0] === 'acked')).toEqual([
      ['acked', 1, 6],
      ['acked', 2, 7],
    ]);
  });

  it('transforms remote ops past the in-flight op and the buffer', () => {
    const { s, take, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'abc'));
    take();
    s.localOp([1, 'X']); // in flight: aXbc
    s.localOp([4, 'Y']); // buffer: aXbcY
    events.length = 0;
    // Bob, concurrently: inserts at 1 and deletes c.
    s.receive(opFrame(1, [1, 'B', 1, { d: 1 }]));
    expect(s.version).toBe(1);
    expect(s.text).toBe('aXBbY');
    expect(events).toContainEqual(['remote-op', [2, 'B', 1, { d: 1 }]]);
    s.receive(ack(1, 2));
    // The buffer went out transformed past Bob's op, at v 2.
    expect(take().at(-1)).toEqual({ type: 'op', v: 2, seq: 2, op: [4, 'Y'] });
    s.receive(ack(2, 3));
    expect(s.state).toBe('synced');
  });

  it('sends presence only when nothing is in flight or buffered, latest wins', () => {
    const { s, take } = recorder();
    s.connected();
    s.receive(welcomeText(3, 'hello'));
    take();
    s.setSelection([[1, 1]]);
    expect(take()).toEqual([{ type: 'presence', v: 3, sel: [[1, 1]] }]);
    s.localOp([5, '!']);
    take();
    s.setSelection([[6, 6]]);
    s.setSelection([[2, 4]], [0, 99]);
    s.localOp(['>']); // moves our selection (the view's start stays before the insert)
    expect(take()).toEqual([]);
    s.receive(ack(1, 4));
    expect(take()).toEqual([{ type: 'op', v: 4, seq: 2, op: ['>'] }]);
    s.receive(ack(2, 5));
    expect(take()).toEqual([{ type: 'presence', v: 5, sel: [[3, 5]], view: [0, 7] }]);
    expect(s.localSelection).toEqual({ sel: [[3, 5]], view: [0, 7] });
  });

  it('moves a collaborator caret after what they type, and relays presence in local coordinates', () => {
    const { s, take } = recorder();
    s.connected();
    const bob: UserInfo = { user: 'u2', client: 'client-bbbb', name: 'Bob', color: '#112233', v: 0, sel: [] };
    s.receive(welcomeText(0, 'abcdef', [bob]));
    take();
    s.receive(JSON.stringify({ type: 'presence', user: 'u2', v: 0, sel: [[3, 3]], view: [0, 6] }));
    expect(s.users.get('u2')).toMatchObject({ sel: [[3, 3]], view: [0, 6], v: 0 });
    s.receive(opFrame(1, [3, '🙂🙂'], 'u2'));
    expect(s.users.get('u2')?.sel).toEqual([[5, 5]]);
    s.localOp(['Z']);
    expect(s.users.get('u2')?.sel).toEqual([[6, 6]]);
    // A presence at the server version goes through our unacknowledged edit.
    s.receive(JSON.stringify({ type: 'presence', user: 'u2', v: 1, sel: [[0, 2]] }));
    expect(s.users.get('u2')?.sel).toEqual([[0, 3]]);
    // Another version cannot be placed: dropped.
    s.receive(JSON.stringify({ type: 'presence', user: 'u2', v: 0, sel: [[4, 4]] }));
    expect(s.users.get('u2')?.sel).toEqual([[0, 3]]);
    s.receive(JSON.stringify({ type: 'leave', user: 'u2' }));
    expect(s.users.size).toBe(0);
  });

  it('catches up after a reconnect; its own entry in the catch-up is the ack', () => {
    const { s, take, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'abc'));
    s.localOp([3, 'd']); // seq 1 in flight
    s.localOp([4, 'e']); // buffered
    s.disconnected();
    s.localOp([5, 'f']); // offline: buffered too
    expect(s.state).toBe('offline');
    take();
    s.connected();
    expect(take()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann', v: 0 }]);
    events.length = 0;
    s.receive(
      welcomeOps(2, [
        { v: 1, op: ['Q'], user: 'u2', client: 'client-bbbb', seq: 1 },
        { v: 2, op: [4, 'd'], user: 'u1', client: 'client-aaaa', seq: 1 },
      ]),
    );
    expect(s.text).toBe('Qabcdef');
    expect(events).toContainEqual(['acked', 1, 2]);
    expect(take()).toEqual([{ type: 'op', v: 2, seq: 2, op: [5, 'ef'] }]);
    expect(s.unsent).toBe(2);
    // The daemon may also relay the old entry to the new session: ignored.
    s.receive(ack(2, 3));
    expect(s.state).toBe('synced');
  });

  it('resends the in-flight op with the SAME seq when the catch-up lacks it', () => {
    const { s, take } = recorder();
    s.connected();
    s.receive(welcomeText(4, 'abc'));
    take();
    s.localOp([3, 'd']);
    expect(take()).toEqual([{ type: 'op', v: 4, seq: 1, op: [3, 'd'] }]);
    s.disconnected();
    s.connected();
    take();
    s.receive(welcomeOps(5, [{ v: 5, op: ['Z'], user: 'u2', client: 'client-bbbb', seq: 7 }]));
    expect(take()).toEqual([{ type: 'op', v: 5, seq: 1, op: [4, 'd'] }]);
    s.receive(ack(1, 6));
    expect(s.text).toBe('Zabcd');
    expect(s.state).toBe('synced');
  });

  it('reports edits it could not keep after a welcome with text, and reuses the seq safely', () => {
    const { s, take, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'abc'));
    s.localOp(['1']);
    s.localOp(['2']);
    s.disconnected();
    s.requireFullText();
    s.connected();
    expect(take().at(-1)).toEqual({ type: 'hello', client: 'client-aaaa', name: 'Ann' });
    events.length = 0;
    s.receive(welcomeText(9, '1abc'));
    expect(events).toContainEqual(['reset', '1abc']);
    expect(events).toContainEqual(['error', 'resync', '2 local edits could not be merged after reconnecting and were discarded']);
    expect(s.unsent).toBe(0);
    expect(s.nextSeq).toBe(1);
    // The daemon had logged seq 1: it answers the new op with the old version.
    s.localOp([4, '!']);
    expect(take()).toEqual([{ type: 'op', v: 9, seq: 1, op: [4, '!'] }]);
    s.receive(ack(1, 3));
    expect(take()).toEqual([{ type: 'op', v: 9, seq: 2, op: [4, '!'] }]);
    s.receive(ack(2, 10));
    expect(s.state).toBe('synced');
  });

  it('refuses frames that do not follow', () => {
    const { s } = recorder();
    expect(() => s.receive(ack(1, 1))).toThrow(/disconnected/);
    s.connected();
    expect(() => s.receive(ack(1, 1))).toThrow(/before welcome/);
    s.receive('{"type":"future-thing","x":1}'); // ignored
    s.receive(welcomeText(2, ''));
    expect(() => s.receive(welcomeText(2, ''))).toThrow(/second welcome/);
    let err: unknown;
    try {
      s.receive(opFrame(4, ['x']));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('resync');
    expect(s.needsFullText).toBe(true);
  });

  it('needs the full text when the daemon refuses its op', () => {
    const { s, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'abc'));
    s.localOp(['x']);
    s.receive(JSON.stringify({ type: 'error', code: 'too_large', message: 'no', seq: 1 }));
    expect(events).toContainEqual(['error', 'too_large', 'no']);
    expect(s.needsFullText).toBe(true);
  });

  it('validates local ops against the local text', () => {
    const { s } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'a🙂'));
    expect(() => s.localOp([3])).toThrow();
    expect(() => s.localOp([1, { d: 'x' }])).toThrow();
    expect(() => s.localOp(['\ud800'])).toThrow();
    expect(s.text).toBe('a🙂');
    expect(s.state).toBe('synced');
  });

  it('sends meta once joined, and takes the server word for it', () => {
    const { s, take, events } = recorder();
    s.setMeta({ title: 'x'.repeat(300) });
    s.connected();
    s.receive(welcomeText(0, ''));
    const sent = take();
    expect(sent.at(-1)).toEqual({ type: 'meta', title: 'x'.repeat(256) });
    expect(s.title).toBe('T');
    s.receive(JSON.stringify({ type: 'meta', user: 'u1', language: 'rust', title: 'x' }));
    expect(events).toContainEqual(['meta', 'rust', 'x']);
    expect(() => s.setMeta({ language: '' })).toThrow(RangeError);
  });

  it('asks for completions only when synced, and matches answers by id', async () => {
    const { s, take, events } = recorder();
    await expect(s.complete(0)).rejects.toThrow(/acknowledged/);
    s.connected();
    s.receive(welcomeText(3, 'total = 1\nto'));
    take();

    const first = s.complete(12);
    const second = s.complete(12, 5);
    expect(take()).toEqual([
      { type: 'complete', id: 1, v: 3, position: 12 },
      { type: 'complete', id: 2, v: 3, position: 12, max: 5 },
    ]);
    /* Answers may come in any order; an unknown id is ignored. */
    s.receive(JSON.stringify({ type: 'completions', id: 9, v: 3, prefix_length: 0, provider: 'built-in', items: [] }));
    s.receive(JSON.stringify({ type: 'error', code: 'bad_version', message: 'too new', id: 2 }));
    s.receive(JSON.stringify({ type: 'completions', id: 1, v: 3, prefix_length: 2, provider: 'model',
                               items: [{ label: 'tal', insert: 'tal', kind: 'model', replace: 0 },
                                       { label: 'total', insert: 'total', kind: 'word' }] }));
    await expect(first).resolves.toEqual({
      v: 3, prefixLength: 2,
      items: [{ label: 'tal', insert: 'tal', kind: 'model', replace: 0 }, { label: 'total', insert: 'total', kind: 'word' }],
    });
    await expect(second).rejects.toMatchObject({ code: 'bad_version' });
    /* An error about a complete is not about the session: no rejoin, no error event. */
    expect(events.filter((e) => e[0] === 'error')).toEqual([]);
    s.disconnected();
    s.connected();
    expect(take()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann', v: 3 }]);

    /* Unanswered requests fail when the connection goes; none while edits are unsent. */
    s.receive(welcomeOps(3, []));
    const pending = s.complete(1);
    s.disconnected();
    await expect(pending).rejects.toThrow(/closed/);
    s.connected();
    s.receive(welcomeOps(3, []));
    s.localOp([12, 'x']);
    await expect(s.complete(13)).rejects.toThrow(/acknowledged/);
  });

  it('splits an op too large for one frame', () => {
    const s = new ClientSession({ client: 'client-aaaa', name: 'Ann', maxFrameBytes: 300 });
    const server = new SimServer('start');
    const frames: string[] = [];
    let conn: SimConnection | null = null;
    const down: Down[] = [];
    s.on('send', (f) => frames.push(f));
    conn = server.connect((d) => down.push(d));
    s.connected();
    const pump = (): void => {
      while (frames.length > 0 || down.length > 0) {
        const f = frames.shift();
        if (f !== undefined) {
          expect(new TextEncoder().encode(f).length).toBeLessThanOrEqual(300);
          conn!.receive(f);
        }
        const d = down.shift();
        if (d !== undefined && 'frame' in d) s.receive(d.frame);
      }
    };
    pump();
    const big = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? '🙂' : i % 11 === 0 ? '\n\u0001"' : 'é')).join('');
    s.localOp([2, big, { d: 3 }]);
    expect(s.unsent).toBe(1);
    pump();
    expect(server.text).toBe(s.text);
    expect(s.text).toBe(apply('start', [2, big, { d: 3 }]));
    expect(server.log.length).toBeGreaterThan(5);
    expect(s.unsent).toBe(0);
    expect(s.state).toBe('synced');
  });

  it('splitOp composes back to the op', () => {
    const rnd = mulberry32(3);
    for (let i = 0; i < 500; i++) {
      const doc = 'x'.repeat(50) + '🙂'.repeat(20);
      const op: TextOp = normalize([
        Math.floor(rnd() * 5) + 1,
        'ab🙂'.repeat(Math.floor(rnd() * 40) + 1),
        { d: 'x'.repeat(Math.floor(rnd() * 10) + 1) },
        Math.floor(rnd() * 5) + 1,
        '\n"'.repeat(Math.floor(rnd() * 30) + 1),
      ]);
      const budget = 20 + Math.floor(rnd() * 200);
      const [first, rest] = splitOp(op, budget);
      const whole = rest === null ? first : compose(first, rest);
      expect(apply(doc, whole)).toBe(apply(doc, op));
      if (rest !== null) expect(apply(apply(doc, first), rest)).toBe(apply(doc, op));
    }
  });

  it('emits persist before an op goes out under a new seq', () => {
    const { s, take, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, ''));
    take();
    events.length = 0;
    s.localOp(['a']);
    expect(events.map((e) => e[0])).toEqual(['state', 'persist', 'unsent']);
    s.disconnected();
    s.connected();
    s.receive(welcomeOps(0, []));
    // A resend with the same seq needs no new snapshot.
    expect(events.filter((e) => e[0] === 'persist').length).toBe(1);
  });
});

describe('snapshot and restore', () => {
  it('keeps offline edits and the in-flight seq across a reload', () => {
    const server = new SimServer('hello');
    const { s, take } = recorder();
    let conn = server.connect(() => undefined);
    s.on('send', (f) => conn.receive(f));
    const deliverAll = (c: ClientSession, downs: Down[]): void => {
      for (const d of downs.splice(0)) if ('frame' in d) c.receive(d.frame);
    };
    const downs: Down[] = [];
    conn = server.connect((d) => downs.push(d));
    s.connected();
    deliverAll(s, downs);
    s.localOp([5, ' world']); // reaches the server; its ack is lost
    s.localOp([11, '!']); // buffered
    take();
    const saved = JSON.stringify(s.snapshot());
    downs.length = 0; // the ack never arrives
    conn.close();
    s.disconnected();

    // Reload: a new page restores the snapshot and edits offline.
    const snap = JSON.parse(saved) as SessionSnapshot;
    expect(snap.inflight).toEqual([5, ' world']);
    expect(snap.inflightSeq).toBe(1);
    const r = ClientSession.restore(snap);
    expect(r.text).toBe('hello world!');
    expect(r.state).toBe('offline');
    expect(r.unsent).toBe(2);
    r.localOp(['> ']);
    const downs2: Down[] = [];
    const conn2 = server.connect((d) => downs2.push(d));
    const sent: string[] = [];
    r.on('send', (f) => {
      sent.push(f);
      conn2.receive(f);
    });
    r.connected();
    expect(JSON.parse(sent[0]!)).toMatchObject({ type: 'hello', v: 0 });
    for (let i = 0; i < 10; i++) deliverAll(r, downs2);
    expect(r.text).toBe('> hello world!');
    expect(server.text).toBe('> hello world!');
    expect(server.log.map((e) => e.seq)).toEqual([1, 2]);
    expect(r.unsent).toBe(0);
  });

  it('refuses something that is not a snapshot', () => {
    expect(() => ClientSession.restore(null)).toThrow(TypeError);
    expect(() => ClientSession.restore({ format: 'x' })).toThrow(TypeError);
    const s = new ClientSession({ client: 'client-aaaa', name: 'Ann' });
    const snap = s.snapshot() as unknown as Record<string, unknown>;
    expect(() => ClientSession.restore({ ...snap, inflight: [0] })).toThrow(TypeError);
    expect(() => ClientSession.restore({ ...snap, inflight: ['x'], inflightSeq: 5, nextSeq: 2 })).toThrow(TypeError);
    expect(ClientSession.restore(snap).client).toBe('client-aaaa');
  });
});

/* ---- The simulation: three clients, one server, a lossy network ---- */

interface SimClient {
  id: string;
  session: ClientSession;
  /** What the editor shows, rebuilt from events only. */
  editor: string;
  conn: SimConnection | null;
  up: string[];
  down: Down[];
  saved: string | null;
  /** Chars inserted since the last saved snapshot (lost if the page reloads). */
  unsaved: string[];
  stateLog: SessionState[];
}

interface SimOptions {
  seed: number;
  steps: number;
  deletes: boolean;
  reloads: boolean;
  initial: string;
}

const ALPHABET = ['a', 'b', 'c', 'x', 'y', ' ', '\n', 'é', '中', '🙂', '😀', '𝄞', '👍🏽'];

function runSimulation(opts: SimOptions): { server: SimServer; clients: SimClient[]; inserted: string[]; lost: string[] } {
  const rnd = mulberry32(opts.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T;
  const server = new SimServer(opts.initial);
  const inserted: string[] = [];
  const lost: string[] = [];

  const attach = (c: SimClient, session: ClientSession): void => {
    c.session = session;
    c.editor = session.text;
    session.on('send', (frame) => {
      expect(c.conn).not.toBeNull();
      c.up.push(frame);
    });
    session.on('remote-op', (op) => {
      if (c.session === session) c.editor = apply(c.editor, op);
    });
    session.on('reset', (text) => {
      if (c.session === session) c.editor = text;
    });
    session.on('persist', () => save(c));
    session.on('state', (st) => c.stateLog.push(st));
    session.on('error', (code, message) => {
      throw new Error(`unexpected session error ${code}: ${message}`);
    });
  };

  const save = (c: SimClient): void => {
    c.saved = JSON.stringify(c.session.snapshot());
    c.unsaved = [];
  };

  const clients: SimClient[] = ['A', 'B', 'C'].map((n) => {
    const c: SimClient = {
      id: `client-${n}-0123`,
      session: null as unknown as ClientSession,
      editor: '',
      conn: null,
      up: [],
      down: [],
      saved: null,
      unsaved: [],
      stateLog: [],
    };
    attach(c, new ClientSession({ client: c.id, name: `User ${n} 🙂` }));
    return c;
  });

  /* Server sides of dropped connections with frames still on the wire: the
   * server reads them later, even after the client's next welcome. */
  const ghosts: { conn: SimConnection; frames: string[] }[] = [];

  const connect = (c: SimClient): void => {
    const down: Down[] = [];
    c.down = down;
    c.up = [];
    c.conn = server.connect((d) => down.push(d));
    c.session.connected();
  };

  const disconnect = (c: SimClient): void => {
    if (c.conn === null) return;
    // Some frames already on the wire still arrive; the rest are lost.
    const n = Math.floor(rnd() * (c.up.length + 1));
    ghosts.push({ conn: c.conn, frames: c.up.slice(0, n) });
    c.conn = null;
    c.up = [];
    c.down = [];
    c.session.disconnected();
  };

  const deliverGhost = (): void => {
    const g = ghosts[Math.floor(rnd() * ghosts.length)];
    if (g === undefined) return;
    const f = g.frames.shift();
    if (f !== undefined) g.conn.receive(f);
    else {
      g.conn.close();
      ghosts.splice(ghosts.indexOf(g), 1);
    }
  };

  const reload = (c: SimClient): void => {
    disconnect(c);
    if (c.saved === null) return;
    lost.push(...c.unsaved);
    attach(c, ClientSession.restore(JSON.parse(c.saved)));
    c.unsaved = [];
  };

  const deliverDown = (c: SimClient): void => {
    const d = c.down.shift();
    if (d === undefined) return;
    if ('close' in d) {
      c.conn = null;
      c.up = [];
      c.down = [];
      c.session.disconnected();
      return;
    }
    c.session.receive(d.frame); // a ProtocolError fails the test
  };

  const randomEdit = (c: SimClient): void => {
    const text = c.session.text;
    const len = cpLength(text);
    // One to three edit sites, like several carets.
    const sites = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => Math.floor(rnd() * (len + 1))))].sort((a, b) => a - b);
    const op: TextOp = [];
    let at = 0;
    const ins: string[] = [];
    for (const p of sites) {
      if (p < at) continue;
      if (p > at) op.push(p - at);
      at = p;
      if (opts.deletes && rnd() < 0.4 && at < len) {
        const n = 1 + Math.floor(rnd() * Math.min(3, len - at));
        op.push({ d: n });
        at += n;
      }
      if (!opts.deletes || rnd() < 0.7) {
        const s = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(ALPHABET)).join('');
        op.push(s);
        ins.push(...s);
      }
    }
    const n = normalize(op);
    if (n.length === 0) return;
    // Before localOp: a 'persist' it emits saves these edits.
    inserted.push(...ins);
    c.unsaved.push(...ins);
    c.session.localOp(n);
    c.editor = apply(c.editor, n);
    if (opts.reloads && rnd() < 0.5) save(c);
  };

  const check = (): void => {
    for (const c of clients) {
      expect(c.editor).toBe(c.session.text);
      for (const u of c.session.users.values()) {
        for (const [a, b] of u.sel) {
          expect(a).toBeLessThanOrEqual(c.session.length);
          expect(b).toBeLessThanOrEqual(c.session.length);
        }
      }
    }
  };

  for (let step = 0; step < opts.steps; step++) {
    const c = pick(clients);
    const r = rnd();
    if (r < 0.35) {
      if (c.session.joined) randomEdit(c);
    } else if (r < 0.5) {
      const f = c.up.shift();
      if (f !== undefined) c.conn?.receive(f);
    } else if (r < 0.55) {
      deliverGhost();
    } else if (r < 0.8) {
      deliverDown(c);
    } else if (r < 0.85) {
      if (c.session.joined) {
        const len = c.session.length;
        const p = Math.floor(rnd() * (len + 1));
        c.session.setSelection([[p, Math.floor(rnd() * (len + 1))]], [0, len]);
      }
    } else if (r < 0.9) {
      if (c.conn === null) connect(c);
    } else if (r < 0.95) {
      disconnect(c);
    } else if (opts.reloads && r < 0.97) {
      reload(c);
    }
    check();
  }

  // Quiesce: everyone online, every frame delivered.
  for (let round = 0; round < 1000; round++) {
    for (const c of clients) if (c.conn === null) connect(c);
    let moved = ghosts.length > 0;
    while (ghosts.length > 0) deliverGhost();
    for (const c of clients) {
      while (c.up.length > 0 || c.down.length > 0) {
        moved = true;
        if (c.up.length > 0 && (c.down.length === 0 || rnd() < 0.5)) c.conn?.receive(c.up.shift()!);
        else deliverDown(c);
      }
    }
    check();
    if (!moved && clients.every((c) => c.conn !== null && c.up.length === 0 && c.down.length === 0)) break;
  }
  return { server, clients, inserted, lost };
}

function sortedChars(s: readonly string[]): string {
  return [...s].sort().join('');
}

describe('three clients against a simulated server', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`converge with edits, deletes, disconnects and reloads (seed ${seed})`, () => {
      const { server, clients } = runSimulation({ seed, steps: 3000, deletes: true, reloads: true, initial: 'hello 🙂 world\n' });
      expect(server.log.length).toBeGreaterThan(50);
      for (const c of clients) {
        expect(c.session.text).toBe(server.text);
        expect(c.session.state).toBe('synced');
        expect(c.session.unsent).toBe(0);
        expect(c.session.version).toBe(server.version);
        // Exactly once: the client's seqs in the log are 1, 2, 3, ... in order.
        const seqs = server.log.filter((e) => e.client === c.id).map((e) => e.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        // Selections settled the same everywhere.
        for (const other of clients) {
          if (other === c) continue;
          const mine = c.session.localSelection;
          const seen = other.session.users.get(c.session.user ?? '');
          if (mine !== null && seen !== undefined) expect(seen.sel).toEqual(mine.sel);
        }
      }
      expect(server.errors).toEqual([]);
    });
  }

  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`lose and double nothing: inserts only (seed ${seed})`, () => {
      const initial = 'start🙂';
      const { server, clients, inserted, lost } = runSimulation({ seed, steps: 3000, deletes: false, reloads: true, initial });
      for (const c of clients) expect(c.session.text).toBe(server.text);
      // Every inserted character is in the text exactly once, except those
      // typed after the last snapshot of a page that was then reloaded.
      const expected = [...initial, ...inserted];
      for (const ch of lost) expected.splice(expected.indexOf(ch), 1);
      expect(sortedChars([...server.text])).toBe(sortedChars(expected));
      expect(server.errors).toEqual([]);
    });
  }

  it('loses nothing at all when every edit is saved', () => {
    for (const seed of [21, 22, 23]) {
      const { server, inserted, lost } = runSimulation({ seed, steps: 2000, deletes: false, reloads: false, initial: '' });
      expect(lost).toEqual([]);
      expect(sortedChars([...server.text])).toBe(sortedChars(inserted));
    }
  });
});

describe('resync', () => {
  it('rejoins from the full text when the log no longer reaches back', () => {
    const server = new SimServer('abc');
    const downs: Down[] = [];
    const { s, events } = recorder();
    let conn = server.connect((d) => downs.push(d));
    s.on('send', (f) => conn.receive(f));
    const flush = (): void => {
      for (const d of downs.splice(0)) {
        if ('frame' in d) s.receive(d.frame);
        else s.disconnected();
      }
    };
    s.connected();
    flush();
    s.disconnected();
    conn.close();
    s.localOp(['offline ']);
    // Others edit a lot; the server compacts its log.
    const other = server.connect(() => undefined);
    other.receive(JSON.stringify({ type: 'hello', client: 'client-zzzz', name: 'Z' }));
    for (let i = 1; i <= 5; i++) other.receive(JSON.stringify({ type: 'op', v: i - 1, seq: i, op: [String(i)] }));
    server.compact(4);
    conn = server.connect((d) => downs.push(d));
    s.connected();
    flush(); // error resync, close 4409
    expect(s.state).toBe('offline');
    expect(s.needsFullText).toBe(true);
    conn = server.connect((d) => downs.push(d));
    s.connected();
    flush();
    expect(s.text).toBe(server.text);
    expect(events).toContainEqual(['error', 'resync', '1 local edit could not be merged after reconnecting and was discarded']);
    s.localOp(['!']);
    flush();
    expect(server.text).toBe('!54321abc');
  });
});

describe('ClientSession, roles and access', () => {
  const access = (role: string, generalAccess: string, locked: boolean, roles: Json = {}): string =>
    JSON.stringify({ type: 'access', role, access: generalAccess, locked, roles });

  it('presents its token in hello and takes its role from welcome', () => {
    const { s, take } = recorder();
    s.setToken('view-token-0123456789');
    s.connected();
    expect(take()).toEqual([{ type: 'hello', client: 'client-aaaa', name: 'Ann', token: 'view-token-0123456789' }]);
    s.receive(JSON.stringify({ type: 'welcome', user: 'u1', v: 0, language: 'c', title: '', users: [], text: 'ab',
                               role: 'viewer', access: 'restricted', locked: false }));
    expect(s.role).toBe('viewer');
    expect(s.generalAccess).toBe('restricted');
    expect(s.canEdit).toBe(false);
    expect(() => s.localOp(['x'])).toThrow(/read-only/);
    expect(s.text).toBe('ab');
    s.setMeta({ title: 'mine' });
    expect(take()).toEqual([]);
  });

  it('follows access frames: its own role, the lock, and the roles of others', () => {
    const { s, events } = recorder();
    s.connected();
    const bob: UserInfo = { user: 'u2', client: 'client-bbbb', name: 'Bob', color: '#112233', v: 0, sel: [], role: 'editor' };
    s.receive(welcomeText(0, 'ab', [bob]));
    expect(s.role).toBe('editor');
    expect(s.canEdit).toBe(true);
    events.length = 0;
    s.receive(access('editor', 'view', true, { u1: 'editor', u2: 'viewer' }));
    expect(s.locked).toBe(true);
    expect(s.canEdit).toBe(false);
    expect(s.users.get('u2')?.role).toBe('viewer');
    expect(events.map((e) => e[0])).toEqual(['access']);
    s.receive(access('editor', 'view', false, { u1: 'editor', u2: 'viewer' }));
    expect(s.canEdit).toBe(true);
  });

  it('drops unsent edits that the room, read-only for it now, would refuse', () => {
    const { s, take, events } = recorder();
    s.connected();
    s.receive(welcomeText(0, 'ab'));
    s.localOp([2, 'c']);
    take();
    s.disconnected();
    s.connected();
    take();
    /* Catch-up cannot keep them: the session asks for the full text. */
    expect(() => s.receive(JSON.stringify({ type: 'welcome', user: 'u1', v: 0, language: 'c', title: '', users: [],
                                            ops: [], role: 'viewer', access: 'view', locked: false })))
      .toThrow(ProtocolError);
    expect(s.needsFullText).toBe(true);
    s.disconnected();
    s.connected();
    events.length = 0;
    s.receive(JSON.stringify({ type: 'welcome', user: 'u1', v: 0, language: 'c', title: '', users: [], text: 'ab',
                               role: 'viewer', access: 'view', locked: false }));
    expect(s.text).toBe('ab');
    expect(s.unsent).toBe(0);
    expect(events.find((e) => e[0] === 'error')?.slice(1, 2)).toEqual(['forbidden']);
  });
});
