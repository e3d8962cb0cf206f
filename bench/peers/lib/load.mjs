// load.mjs: the room scenarios (pair, classroom, rooms, saturation, idle,
// bigdoc) driven through one system's client module.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { LatencyRecorder } from './latency.mjs';
import { OpChars, ReceivedOps } from './op-chars.mjs';
import { rssKiB } from './proc-stats.mjs';
import { makeRandom } from './random.mjs';
import { WARMUP_MS } from './scenarios.mjs';

// Connections opened at once: enough to fill 10,000 quickly, few enough that
// no server's accept queue overflows.
const CONNECT_CONCURRENCY = 100;
const CONNECT_TIMEOUT_MS = 30000;
// How long the end of a run may wait for every op to be acked and delivered.
const DRAIN_TIMEOUT_MS = 60000;
const NEWCOMERS = 3;

const IGNORE = { onRemoteInsert () {}, onAck () {}, onDisconnect () {}, onError () {} };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function forEachLimited (items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length)
      await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function withTimeout (promise, ms, what) {
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/* ASCII lines of C-like code, exactly `bytes` long (one byte per character). */
function bigText (bytes) {
  const lines = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `static int counter_${i} = ${(i * 7919) % 100003}; /* line ${i} of the big room */\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('').slice(0, bytes);
}

/*
 * One run: the rooms, their members (clients) and what is measured. Members
 * 0 .. typistsPerRoom-1 of a room type; member i types chars.char (i, seq).
 * Only ops sent inside the measured window count, wherever their acks and
 * deliveries land in time.
 */
class Run {
  constructor (system, url, spec, seed) {
    this.system = system;
    this.url = url;
    this.spec = spec;
    this.latency = new LatencyRecorder();
    this.windowStart = Infinity;
    this.windowEnd = Infinity;
    this.typing = false;
    this.disconnects = 0;
    this.chars = new OpChars(spec.typistsPerRoom);
    this.error = null;
    this.newcomerError = null;
    // A fresh name per run: the peers keep rooms for as long as they live.
    const tag = `${process.pid}-${Date.now().toString(36)}`;
    this.rooms = Array.from({ length: spec.rooms }, (_, r) => ({ name: `bench-${tag}-${r}`, members: [] }));
    this.members = [];
    for (const room of this.rooms) {
      for (let i = 0; i < spec.clientsPerRoom; i++) {
        const member = {
          room, index: i, typist: i < spec.typistsPerRoom, client: null, sentAt: [], acked: 0,
          received: new ReceivedOps(this.chars),
          random: makeRandom(seed * 1000003 + this.members.length),
        };
        room.members.push(member);
        this.members.push(member);
      }
    }
    this.typists = this.members.filter((m) => m.typist);
  }

  async createRooms (text) {
    await forEachLimited(this.rooms, CONNECT_CONCURRENCY, (room) =>
      withTimeout(this.system.createRoom(this.url, room.name, text), CONNECT_TIMEOUT_MS,
                  'creating a room'));
  }

  async connectAll () {
    await forEachLimited(this.members, CONNECT_CONCURRENCY, async (member) => {
      member.client = await withTimeout(this.system.connect(this.url, member.room.name, this.hooksFor(member)),
                                        CONNECT_TIMEOUT_MS, 'joining a room');
    });
  }

  hooksFor (member) {
    return {
      onRemoteInsert: (text) => {
        const now = performance.now();
        member.received.decode(text, (sender, seq) => {
          const sentAt = member.room.members[sender].sentAt[seq];
          if (sentAt >= this.windowStart && sentAt < this.windowEnd)
            this.latency.add(now - sentAt);
        });
      },
      onAck: (n) => {
        member.acked += n;
        // Leave the client's message handler before typing the next op.
        if (this.spec.lockStep)
          queueMicrotask(() => this.type(member));
      },
      onDisconnect: () => { this.disconnects++; },
      onError: (error) => { this.error ??= `the server refused an op: ${error.message}`; },
    };
  }

  type (member) {
    if (!this.typing)
      return;
    const seq = member.sentAt.length;
    const pos = Math.floor(member.random() * (member.client.length + 1));
    member.sentAt.push(performance.now());
    member.client.insert(pos, this.chars.char(member.index, seq));
  }

  /* Types one character every intervalMs, at a random phase, without drift. */
  typePaced (member) {
    const interval = this.spec.intervalMs;
    const first = performance.now() + member.random() * interval;
    let k = 0;
    const tick = () => {
      if (!this.typing)
        return;
      this.type(member);
      k++;
      setTimeout(tick, Math.max(0, first + k * interval - performance.now()));
    };
    setTimeout(tick, first - performance.now());
  }

  /* Warm-up, then the measured window; returns the probe's figures. */
  async typeAndMeasure (durationS, probe) {
    this.typing = true;
    for (const member of this.typists) {
      if (this.spec.lockStep)
        this.type(member);
      else
        this.typePaced(member);
    }
    await sleep(WARMUP_MS);
    this.windowStart = performance.now();
    probe.start();
    await sleep(durationS * 1000);
    const usage = probe.stop();
    this.windowEnd = performance.now();
    this.typing = false;
    return usage;
  }

  quiescent () {
    for (const member of this.members) {
      if (member.acked < member.sentAt.length)
        return false;
      for (let s = 0; s < this.spec.typistsPerRoom; s++) {
        if (s !== member.index && member.received.count[s] < member.room.members[s].sentAt.length)
          return false;
      }
    }
    return true;
  }

  async drain () {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (!this.quiescent()) {
      if (performance.now() > deadline)
        return false;
      await sleep(10);
    }
    return true;
  }

  countOps () {
    let sent = 0;
    let acked = 0;
    for (const member of this.typists) {
      member.sentAt.forEach((t, seq) => {
        if (t >= this.windowStart && t < this.windowEnd) {
          sent++;
          if (seq < member.acked)
            acked++;
        }
      });
    }
    return { sent, acked };
  }

  /* Null when every room's clients hold the same text of the right length, else why not. */
  divergence (initialLength) {
    for (const room of this.rooms) {
      const texts = room.members.map((m) => m.client.text);
      const typed = room.members.reduce((n, m) => n + m.sentAt.length, 0);
      if (texts.some((t) => t !== texts[0]))
        return `the clients of room ${room.name} hold different texts`;
      if (texts[0].length !== initialLength + typed)
        return `room ${room.name} holds ${texts[0].length} characters, ` +
               `expected ${initialLength + typed}`;
    }
    const orderErrors = this.members.reduce((n, m) => n + m.received.orderErrors, 0);
    if (orderErrors > 0)
      return `${orderErrors} received ops did not arrive in their sender's order`;
    return null;
  }

  /*
   * bigdoc: newcomers to the big room once the typing is over (a 10 MiB
   * welcome would stall the typists' samples): the median time from
   * connecting to holding the whole document, as the C driver measures it.
   */
  async welcome () {
    const room = this.rooms[0];
    const times = [];
    for (let i = 0; i < NEWCOMERS; i++) {
      const start = performance.now();
      const newcomer = await withTimeout(this.system.connect(this.url, room.name, IGNORE),
                                         CONNECT_TIMEOUT_MS, 'a newcomer\'s welcome');
      times.push(performance.now() - start);
      if (newcomer.text !== room.members[0].client.text)
        this.newcomerError ??= 'a newcomer received a different text';
      newcomer.close();
    }
    return times.sort((a, b) => a - b)[Math.floor(NEWCOMERS / 2)];
  }

  lostConnections () {
    const gone = this.members.filter((m) => !m.client.connected).length;
    if (gone > 0 || this.disconnects > 0)
      return `${gone} of ${this.members.length} clients are disconnected ` +
             `(${this.disconnects} disconnections seen)`;
    return null;
  }
}

/* A note when the clients could not type as fast as the scenario asks. */
function shortfall (spec, sent, durationS) {
  if (spec.lockStep)
    return null;
  const planned = Math.round((spec.rooms * spec.typistsPerRoom * durationS * 1000) / spec.intervalMs);
  if (sent >= 0.95 * planned)
    return null;
  return `the clients sent ${sent} of the ${planned} ops the scenario asks for: ` +
         'this driver process could not keep that pace with this system\'s clients';
}

/*
 * pair, classroom, rooms, saturation, bigdoc. Returns the measurements the
 * driver turns into the shared result format.
 */
export async function runTyping (system, url, spec, { durationS, seed, probe }) {
  const run = new Run(system, url, spec, seed);
  const initial = spec.initialBytes ? bigText(spec.initialBytes) : '';
  await run.createRooms(initial);
  await run.connectAll();

  const usage = await run.typeAndMeasure(durationS, probe);
  const drained = await run.drain();
  const ops = run.countOps();
  let error = drained ? null : `ops were still unacked or undelivered ${DRAIN_TIMEOUT_MS / 1000} s after the end`;
  error ??= run.error ?? run.lostConnections() ?? run.divergence(initial.length);

  let welcomeMs = null;
  if (spec.initialBytes) {
    welcomeMs = await run.welcome();
    error ??= run.newcomerError;
  }

  const durationMeasured = (run.windowEnd - run.windowStart) / 1000;
  return {
    clients: run.members.length, rooms: run.rooms.length, durationS: durationMeasured,
    opsSent: ops.sent, opsAcked: ops.acked, latency: run.latency.summary(),
    usage, rssPerConnKiB: null, welcomeMs, error, notes: shortfall(spec, ops.sent, durationMeasured),
  };
}

/*
 * idle: every client joins and stays; the cost is the server's memory, from
 * just before the clients connect (the rooms exist) to just after the last
 * one joined, as the C driver measures it. A y-websocket room only comes to
 * be when its first client joins, so its cost is in that figure; ShareDB's
 * documents are created beforehand, so theirs is not.
 */
export async function runIdle (system, url, spec, { durationS, seed, probe, serverPid }) {
  const run = new Run(system, url, spec, seed);
  await run.createRooms('');
  const before = serverPid == null ? null : rssKiB(serverPid);
  await run.connectAll();
  const after = serverPid == null ? null : rssKiB(serverPid);

  probe.start();
  await sleep(durationS * 1000);
  const usage = probe.stop();
  const error = run.lostConnections() ?? run.divergence(0);
  return {
    clients: run.members.length, rooms: run.rooms.length, durationS,
    opsSent: 0, opsAcked: 0, latency: run.latency.summary(), usage,
    rssPerConnKiB: before == null ? null : (after - before) / run.members.length,
    welcomeMs: null, error, notes: null,
  };
}
