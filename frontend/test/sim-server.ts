// sim-server.ts: a tiny authoritative room for tests, following PROTOCOL.md
// as the daemon does: an op log, transform of incoming ops past newer entries
// with ot-text-unicode's transform 'left', exactly-once by (client, seq),
// acks, broadcasts, catch-up for hello.v, presence, join/leave and meta.
// It uses the npm package directly, not the client's wrapper.

import { type as ot } from 'ot-text-unicode';
import { checkApply, type TextOp } from '../src/text-op';

type Json = Record<string, unknown>;

export interface SimEntry {
  v: number;
  op: TextOp;
  user: string;
  client: string;
  seq: number;
  name: string;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** What the server sends down one connection: a frame, or a close. */
export type Down = { frame: string } | { close: number };

export class SimConnection {
  user: string | null = null;
  client = '';
  name = '';
  color = '#123456';
  v = 0;
  sel: [number, number][] = [];
  view: [number, number] | undefined;
  open = true;

  constructor(
    private readonly server: SimServer,
    /** Where frames to the client go (the test's network queue). */
    readonly deliver: (down: Down) => void,
  ) {}

  /** One frame from the client. */
  receive(frame: string): void {
    if (!this.open) return;
    this.server.handle(this, JSON.parse(frame) as Json);
  }

  /** The client's end went away. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.server.left(this);
  }

  send(msg: Json): void {
    if (this.open) this.deliver({ frame: JSON.stringify(msg) });
  }

  userObject(): Json {
    const u: Json = { user: this.user, client: this.client, name: this.name, color: this.color, v: this.v, sel: this.sel };
    if (this.view !== undefined) u.view = this.view;
    return u;
  }
}

export class SimServer {
  text: string;
  log: SimEntry[] = [];
  language = 'plaintext';
  title = '';
  /** Entries before this version are compacted: hello.v older gets resync. */
  base = 0;
  readonly lastSeq = new Map<string, number>();
  private readonly connections = new Set<SimConnection>();
  private nextUser = 1;
  /** Every frame sent to clients, for tests that look. */
  readonly errors: Json[] = [];

  constructor(text = '') {
    this.text = text;
  }

  get version(): number {
    return this.base + this.log.length;
  }

  connect(deliver: (down: Down) => void): SimConnection {
    const c = new SimConnection(this, deliver);
    this.connections.add(c);
    return c;
  }

  /** Forgets log entries up to `v` (as the daemon's catch-up limit does). */
  compact(v: number): void {
    const n = v - this.base;
    this.log.splice(0, n);
    this.base = v;
  }

  private others(c: SimConnection): SimConnection[] {
    return [...this.connections].filter((o) => o !== c && o.open && o.user !== null);
  }

  private fatal(c: SimConnection, code: string, message: string, close: number): void {
    this.errors.push({ code, message });
    c.send({ type: 'error', code, message });
    c.deliver({ close });
    c.open = false;
    this.connections.delete(c);
  }

  private error(c: SimConnection, code: string, message: string, seq?: number): void {
    const e: Json = { type: 'error', code, message };
    if (seq !== undefined) e.seq = seq;
    this.errors.push(e);
    c.send(e);
  }

  left(c: SimConnection): void {
    this.connections.delete(c);
    if (c.user !== null) for (const o of this.others(c)) o.send({ type: 'leave', user: c.user });
  }

  handle(c: SimConnection, msg: Json): void {
    if (c.user === null) {
      if (msg.type !== 'hello') return this.fatal(c, 'bad_message', 'hello first', 4400);
      return this.hello(c, msg);
    }
    switch (msg.type) {
      case 'op':
        return this.op(c, msg.v as number, msg.seq as number, msg.op as TextOp);
      case 'presence':
        return this.presence(c, msg);
      case 'meta':
        if (typeof msg.language === 'string') this.language = msg.language;
        if (typeof msg.title === 'string') this.title = msg.title;
        for (const o of [c, ...this.others(c)]) o.send({ type: 'meta', user: c.user, language: this.language, title: this.title });
        return;
      default:
        return this.error(c, 'bad_message', `unknown type ${String(msg.type)}`);
    }
  }

  private hello(c: SimConnection, msg: Json): void {
    c.client = msg.client as string;
    c.name = msg.name as string;
    if (typeof msg.color === 'string') c.color = msg.color;
    const welcome: Json = {
      type: 'welcome',
      user: '',
      v: this.version,
      language: this.language,
      title: this.title,
      users: [],
    };
    if (typeof msg.v === 'number') {
      if (msg.v > this.version) return this.fatal(c, 'bad_version', 'hello.v is newer than the room', 4409);
      if (msg.v < this.base) return this.fatal(c, 'resync', 'your version is too old; rejoin', 4409);
      welcome.ops = this.log.slice(msg.v - this.base).map((e) => ({ ...clone(e) }));
    } else {
      welcome.text = this.text;
    }
    c.user = `u${this.nextUser++}`;
    c.v = this.version;
    welcome.user = c.user;
    welcome.users = this.others(c).map((o) => o.userObject());
    c.send(welcome);
    for (const o of this.others(c)) o.send({ type: 'join', user: c.userObject() });
  }

  private op(c: SimConnection, v: number, seq: number, op: TextOp): void {
    const dup = this.log.find((e) => e.client === c.client && e.seq === seq);
    if (dup !== undefined) return c.send({ type: 'ack', seq, v: dup.v });
    if (seq <= (this.lastSeq.get(c.client) ?? 0) && dup === undefined) {
      // Logged once and compacted since: the daemon still knows the seq.
      return this.error(c, 'bad_op', `seq ${seq} is not the next`, seq);
    }
    if (seq !== (this.lastSeq.get(c.client) ?? 0) + 1) return this.error(c, 'bad_op', `seq ${seq} is not the next`, seq);
    if (v > this.version) return this.error(c, 'bad_version', 'op.v is newer than the room', seq);
    if (v < this.base) return this.error(c, 'resync', 'op.v is too old', seq);
    let o: TextOp = ot.normalize(clone(op)) as TextOp;
    for (const e of this.log.slice(v - this.base)) o = ot.transform(o, clone(e.op), 'left') as TextOp;
    try {
      checkApply(this.text, o);
    } catch (err) {
      return this.error(c, 'bad_op', String(err), seq);
    }
    this.text = ot.apply(this.text, clone(o));
    const entry: SimEntry = { v: this.version + 1, op: o, user: c.user as string, client: c.client, seq, name: c.name };
    this.log.push(entry);
    this.lastSeq.set(c.client, seq);
    for (const u of this.connections) {
      u.sel = u.sel.map(([a, b]) => [ot.transformPosition(a, clone(o)), ot.transformPosition(b, clone(o))]);
      if (u.view !== undefined) u.view = [ot.transformPosition(u.view[0], clone(o)), ot.transformPosition(u.view[1], clone(o))];
      u.v = this.version;
    }
    c.send({ type: 'ack', seq, v: entry.v });
    for (const other of this.others(c)) other.send({ type: 'op', ...clone(entry) });
  }

  private presence(c: SimConnection, msg: Json): void {
    const v = msg.v as number;
    if (v > this.version || v < this.base) return this.error(c, 'bad_message', 'presence at an unknown version');
    const move = (p: number): number => {
      for (const e of this.log.slice(v - this.base)) p = ot.transformPosition(p, clone(e.op));
      return p;
    };
    c.sel = (msg.sel as [number, number][]).map(([a, b]) => [move(a), move(b)]);
    const view = msg.view as [number, number] | undefined;
    c.view = view !== undefined ? [move(view[0]), move(view[1])] : undefined;
    c.v = this.version;
    const out: Json = { type: 'presence', user: c.user, v: this.version, sel: c.sel };
    if (c.view !== undefined) out.view = c.view;
    for (const o of this.others(c)) o.send(out);
  }
}
