#!/usr/bin/env node
// compare.mjs: the load benchmark: pairpadd (SQLite and PostgreSQL) side by
// side with ShareDB, y-websocket and a WebSocket echo floor, every scenario,
// one table each.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  cleanUpNow, lastLine, onCleanup, runCommand, runSync, startServer, stopServer,
} from './peers/lib/processes.mjs';
import { SCENARIOS, WARMUP_MS } from './peers/lib/scenarios.mjs';
import { formatTable } from './peers/lib/table.mjs';

const TOP = dirname(dirname(fileURLToPath(import.meta.url)));
const PEERS = join(TOP, 'bench/peers');
const POSTGRES_SH = join(TOP, 'tests/postgres.sh');
const CLIENT_BOUND_PCT = 90;

const SERVERS = {
  'pairpadd-sqlite': { server: 'pairpadd', store: 'sqlite' },
  'pairpadd-postgresql': { server: 'pairpadd', store: 'postgresql' },
  sharedb: { server: 'sharedb', store: 'memory', script: 'sharedb-server.mjs', system: 'sharedb' },
  yjs: { server: 'y-websocket', store: 'memory', script: 'yjs-server.mjs', system: 'yjs' },
  echo: { server: 'echo', store: 'memory', script: 'echo-server.mjs', system: 'echo' },
};

const USAGE = `Usage: node bench/compare.mjs [--build DIR] [--scenarios a,b] [--servers x,y]
                             [--quick] [--markdown] [--seed N]

Starts each server on a free port (pairpadd with a new SQLite file, pairpadd
with a new PostgreSQL from tests/postgres.sh, ShareDB, y-websocket, the echo
server), a fresh one for every scenario, runs the scenario against it with its
driver (DIR/bench/load/pairpad-bench for pairpadd, bench/peers/driver.mjs for
the others), stops it, and prints one table per scenario. The echo scenario
runs against the echo server alone, and the echo server serves nothing else.

Scenarios: ${Object.keys(SCENARIOS).join(', ')}
Servers:   ${Object.keys(SERVERS).join(', ')}

Options:
  --build DIR        the release build with pairpadd and pairpad-bench (default build-bench)
  --scenarios a,b    run only these scenarios
  --servers x,y      run only these servers
  --quick            short measured phases, for a smoke run
  --markdown         print the tables as Markdown (for docs/benchmarks.md)
  --seed N           passed to every driver (default 1)
  -h, --help         this help

Needs npm ci in bench/peers first (make bench-load does it). pairpadd is
skipped, with a message, while DIR lacks the daemon or the C driver.
Exit status: 0 when every run converged, 1 otherwise.
`;

function parseOptions () {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        build: { type: 'string', default: 'build-bench' },
        scenarios: { type: 'string' },
        servers: { type: 'string' },
        quick: { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    usageError(error.message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const pick = (list, known, what) => {
    if (list === undefined)
      return Object.keys(known);
    const names = list.split(',').filter(Boolean);
    const unknown = names.filter((name) => !(name in known));
    if (unknown.length > 0 || names.length === 0)
      usageError(`unknown ${what}: ${unknown.join(', ') || '(none given)'}`);
    return names;
  };
  if (!Number.isInteger(Number(values.seed)))
    usageError('--seed must be an integer');
  return {
    ...values,
    build: resolve(TOP, values.build),
    scenarios: pick(values.scenarios, SCENARIOS, 'scenario'),
    servers: pick(values.servers, SERVERS, 'server'),
  };
}

function usageError (message) {
  process.stderr.write(`compare: ${message}\nTry --help.\n`);
  process.exit(2);
}

/* Port for PostgreSQL, which cannot pick its own and print it. */
function freePort () {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitHealthy (port) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok)
        return;
    } catch {
      // Not accepting yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pairpadd was not healthy after 30 s');
}

/* Each start returns { pid, url, stop }; stop also undoes a half-done start. */
async function startPeer (def) {
  const { child, port } = await startServer(process.execPath, [join(PEERS, def.script), '--port', '0']);
  return { pid: child.pid, url: `ws://127.0.0.1:${port}`, stop: () => stopServer(child) };
}

async function startPairpadd (def, build) {
  const undo = [];
  const stop = async () => {
    for (const step of undo.reverse())
      await step();
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pairpad-load-'));
    undo.push(onCleanup(() => rmSync(dir, { recursive: true, force: true })));
    let database = `sqlite://${join(dir, 'pairpad.db')}`;
    if (def.store === 'postgresql') {
      // Its own directory: postgres.sh hands it to the postgres user.
      const pgDir = mkdtempSync(join(tmpdir(), 'pairpad-load-pg-'));
      undo.push(onCleanup(() => runSync(POSTGRES_SH, ['stop', pgDir])));
      database = runSync(POSTGRES_SH, ['start', pgDir, String(await freePort())]).trim();
    }
    // No settings but these: no config file, no PAIRPAD_* from the caller.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PAIRPAD_')));
    Object.assign(env, { XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir });
    const { child, port } = await startServer(join(build, 'src/daemon/pairpadd'), [
      '--port', '0', '--database', database,
      // 0 (no limit) is refused; 1000000 is the largest rate accepted.
      '--max-ops-per-second=1000000',
      // Every simulated client comes from 127.0.0.1.
      '--max-connections-per-address=1000000', '--max-rooms-per-minute=1000000',
      // Rooms stay loaded between a driver's setup and its measured phase.
      '--room-unload=600',
    ], { env });
    undo.push(() => stopServer(child));
    await waitHealthy(port);
    return { pid: child.pid, url: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function driverCommand (def, instance, scenario, durationS, options) {
  const common = [
    '--url', instance.url, '--server-pid', String(instance.pid), '--json', '--scenario', scenario,
    '--duration', String(durationS), '--seed', options.seed,
  ];
  if (def.system)
    return [process.execPath, [join(PEERS, 'driver.mjs'), '--system', def.system, ...common]];
  return [join(options.build, 'bench/load/pairpad-bench'), common];
}

/* One scenario against one fresh server: a result of the shared format. */
async function runOne (def, scenario, options) {
  const durationS = options.quick ? SCENARIOS[scenario].quickS : SCENARIOS[scenario].durationS;
  let instance = null;
  try {
    instance = def.system ? await startPeer(def) : await startPairpadd(def, options.build);
    const [command, args] = driverCommand(def, instance, scenario, durationS, options);
    // Setup (10,000 connections, a 10 MiB room) and the drain come on top;
    // the peers' driver needs 15 s of it at most here. A hung driver must not
    // eat the run's 15 minutes.
    const timeoutMs = WARMUP_MS + durationS * 1000 + 120000;
    const run = await runCommand(command, args, { timeoutMs });
    let result;
    try {
      result = JSON.parse(lastLine(run.stdout));
    } catch {
      throw new Error(`the driver ended (${run.status}) without a result: ${lastLine(run.stderr)}`);
    }
    return { ...result, server: def.server, store: def.store };
  } catch (error) {
    return { server: def.server, store: def.store, scenario, converged: false, error: error.message };
  } finally {
    await instance?.stop();
  }
}

function missingPairpadd (build) {
  const missing = ['src/daemon/pairpadd', 'bench/load/pairpad-bench']
    .map((path) => join(build, path)).filter((path) => !existsSync(path));
  if (missing.length === 0)
    return null;
  return `pairpadd skipped: ${missing.join(' and ')} not built ` +
         `(meson setup ${build} --buildtype=release; ninja -C ${build}).`;
}

function plan (options) {
  const jobs = [];
  for (const scenario of options.scenarios) {
    for (const id of options.servers) {
      // The echo server is the floor for the echo scenario and nothing else.
      if ((id === 'echo') === (scenario === 'echo'))
        jobs.push({ scenario, id });
    }
  }
  return jobs;
}

function report (results, options, skipped) {
  const out = [];
  const heading = options.markdown ? (text) => `### ${text}` : (text) => `== ${text}`;
  out.push(`Pairpad load benchmark, ${new Date().toISOString().slice(0, 10)}: ` +
           `${availableParallelism()} cores, node ${process.version}, seed ${options.seed}` +
           `${options.quick ? ', --quick (short phases)' : ''}.`);
  if (skipped)
    out.push(skipped);
  const seenNotes = new Set();
  let footnote = 0;
  for (const scenario of options.scenarios) {
    const rows = results.filter((r) => r.scenario === scenario);
    if (rows.length === 0)
      continue;
    const durationS = options.quick ? SCENARIOS[scenario].quickS : SCENARIOS[scenario].durationS;
    const notes = [];
    for (const row of rows) {
      if (!row.converged) {
        row.footnote = ++footnote;
        notes.push(`[${row.footnote}] ${row.server}/${row.store}: ${row.error ?? 'did not converge'}`);
      }
      // Both drivers run every client on one thread, so near a full core the
      // clients, not the server, set the pace.
      if (row.client_cpu_pct >= CLIENT_BOUND_PCT)
        notes.push(`${row.server}/${row.store}: the driver used ${Math.round(row.client_cpu_pct)} % ` +
                   'of a core: the clients may have limited this run, not the server.');
      for (const note of row.notes ?? []) {
        if (!seenNotes.has(note)) {
          seenNotes.add(note);
          notes.push(`${row.server}: ${note}`);
        }
      }
    }
    out.push('', heading(`${scenario}: ${SCENARIOS[scenario].summary}; ${durationS} s measured`), '');
    out.push(formatTable(rows, options));
    if (notes.length > 0)
      out.push('', ...notes.map((n) => (options.markdown ? `- ${n}` : `  ${n}`)));
  }
  process.stdout.write(out.join('\n') + '\n');
}

async function main () {
  const options = parseOptions();
  if (!existsSync(join(PEERS, 'node_modules/sharedb'))) {
    process.stderr.write('compare: the peers are not installed: run npm ci --prefix bench/peers\n');
    process.exit(2);
  }
  const skipped = options.servers.some((id) => id.startsWith('pairpadd')) ? missingPairpadd(options.build) : null;
  if (skipped) {
    process.stderr.write(`compare: ${skipped}\n`);
    options.servers = options.servers.filter((id) => !id.startsWith('pairpadd'));
  }

  const jobs = plan(options);
  if (jobs.length === 0)
    usageError('nothing to run: the echo scenario runs on the echo server alone, and the echo server runs nothing else');
  const results = [];
  const start = performance.now();
  for (const [i, { scenario, id }] of jobs.entries()) {
    const def = SERVERS[id];
    const label = `[${String(i + 1).padStart(2)}/${jobs.length}] ${scenario.padEnd(10)} ${`${def.server}/${def.store}`.padEnd(20)}`;
    process.stderr.write(label);
    const t0 = performance.now();
    const result = await runOne(def, scenario, options);
    results.push(result);
    process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ` +
                         `${result.converged ? 'ok' : `FAILED: ${result.error}`}\n`);
  }
  const total = (performance.now() - start) / 1000;
  process.stderr.write(`compare: ${jobs.length} run${jobs.length === 1 ? '' : 's'} in ` +
                       `${Math.floor(total / 60)} min ${Math.round(total % 60)} s\n`);
  report(results, options, skipped);
  process.exitCode = results.every((r) => r.converged) ? 0 : 1;
}

try {
  await main();
} finally {
  cleanUpNow();
}
