#!/usr/bin/env node
// driver.mjs: the load driver for the peers (ShareDB, y-websocket, echo); it
// runs one scenario and prints the shared result format, like the C driver
// bench/load/pairpad-bench does for pairpadd.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { parseArgs } from 'node:util';
import { ackDefinition as echoAckDefinition, runEcho } from './lib/echo.mjs';
import { runIdle, runTyping } from './lib/load.mjs';
import { PhaseProbe } from './lib/proc-stats.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';

const USAGE = `Usage: node driver.mjs --system sharedb|yjs|echo --url ws://127.0.0.1:PORT
                      --scenario NAME [--duration S] [--server-pid PID] [--json] [--seed N]

Runs one load scenario against a ShareDB server (sharedb-server.mjs), a
y-websocket server (yjs-server.mjs) or the echo server (echo-server.mjs),
with each system's own client library, and prints the results: one line each,
or with --json the shared result format as the last line of stdout.

Scenarios (default duration of the measured phase, after a 1 s warm-up):
${Object.entries(SCENARIOS).map(([name, s]) => `  ${name.padEnd(11)}${s.summary} (${s.durationS} s)`).join('\n')}
The echo scenario runs against the echo server only, and the echo server
serves no other.

Options:
  --system NAME      sharedb, yjs or echo
  --url URL          the server's WebSocket URL
  --scenario NAME    one of the scenarios above
  --duration S       seconds of the measured phase (for idle: how long all stay connected)
  --server-pid PID   the server's pid, for its CPU time and memory from /proc
  --json             print the result as JSON (the last line of stdout)
  --seed N           seed of the random positions (default 1)
  -h, --help         this help

Exit status: 0 when every client ended with the same text (and nothing
failed), 1 otherwise.
`;

const SYSTEMS = {
  sharedb: () => import('./lib/sharedb-client.mjs'),
  yjs: () => import('./lib/yjs-client.mjs'),
};

function fail (message) {
  process.stderr.write(`driver.mjs: ${message}\nTry --help.\n`);
  process.exit(2);
}

function parseOptions () {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        system: { type: 'string' },
        url: { type: 'string' },
        scenario: { type: 'string' },
        duration: { type: 'string' },
        'server-pid': { type: 'string' },
        json: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(error.message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (!['sharedb', 'yjs', 'echo'].includes(values.system))
    fail('--system must be sharedb, yjs or echo');
  if (!values.url)
    fail('--url is required');
  const spec = SCENARIOS[values.scenario];
  if (!spec)
    fail(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
  if ((values.system === 'echo') !== (values.scenario === 'echo'))
    fail('the echo scenario and the echo server go together');
  const durationS = values.duration === undefined ? spec.durationS : Number(values.duration);
  if (!(durationS > 0))
    fail('--duration must be a positive number of seconds');
  const seed = Number(values.seed);
  if (!Number.isInteger(seed))
    fail('--seed must be an integer');
  let serverPid = null;
  if (values['server-pid'] !== undefined) {
    serverPid = Number(values['server-pid']);
    if (!Number.isInteger(serverPid) || serverPid <= 0)
      fail('--server-pid must be a pid');
  }
  return { ...values, spec, durationS, seed, serverPid };
}

async function measure (options) {
  const { system, url, scenario, spec } = options;
  const probe = new PhaseProbe(options.serverPid);
  if (system === 'echo')
    return { server: 'echo', ackDefinition: echoAckDefinition, ...(await runEcho(url, { ...options, probe })) };
  const client = await SYSTEMS[system]();
  const run = scenario === 'idle' ? runIdle : runTyping;
  return {
    server: client.name, ackDefinition: client.ackDefinition,
    ...(await run(client, url, spec, { ...options, probe })),
  };
}

const round = (x, digits) => (x == null ? null : Number(x.toFixed(digits)));

/* The shared result format, key for key. */
function toResult (scenario, m) {
  return {
    server: m.server,
    store: 'memory',
    scenario,
    clients: m.clients,
    rooms: m.rooms,
    duration_s: round(m.durationS, 3),
    ops_sent: m.opsSent,
    ops_acked: m.opsAcked,
    acked_per_s: round(m.opsAcked / m.durationS, 1),
    latency_ms: m.latency,
    server_cpu_pct: round(m.usage.cpuPct, 1),
    server_cpu_us_per_op: m.opsAcked > 0 && m.usage.cpuSeconds != null
      ? round((m.usage.cpuSeconds * 1e6) / m.opsAcked, 1) : null,
    server_rss_kib: m.usage.rssKiB,
    rss_per_conn_kib: round(m.rssPerConnKiB, 2),
    welcome_ms: round(m.welcomeMs, 1),
    // Not in the shared format, as in the C driver: this process's CPU.
    client_cpu_pct: round(m.usage.clientCpuPct, 1),
    converged: m.error === null,
    error: m.error,
    // Not in the shared format: sentences on what "acked" means here, and
    // any caveat of this run.
    notes: [m.ackDefinition, m.notes].filter(Boolean),
  };
}

function failedResult (options, error) {
  return {
    server: options.system === 'yjs' ? 'y-websocket' : options.system, store: 'memory',
    scenario: options.scenario, clients: null, rooms: null, duration_s: null, ops_sent: null,
    ops_acked: null, acked_per_s: null, latency_ms: null, server_cpu_pct: null,
    server_cpu_us_per_op: null, server_rss_kib: null, rss_per_conn_kib: null, welcome_ms: null,
    client_cpu_pct: null, converged: false, error: `the run failed: ${error.message}`, notes: [],
  };
}

function printForPeople (result) {
  const { notes, ...figures } = result;
  const lines = Object.entries(figures).map(([key, value]) =>
    `${key}: ${value !== null && typeof value === 'object' ? JSON.stringify(value) : value}`);
  process.stdout.write([...lines, ...notes.map((note) => `note: ${note}`)].join('\n') + '\n');
}

const options = parseOptions();
let result;
try {
  result = toResult(options.scenario, await measure(options));
} catch (error) {
  result = failedResult(options, error);
}
if (options.json)
  process.stdout.write(JSON.stringify(result) + '\n');
else
  printForPeople(result);
// Thousands of sockets may still be open: leave without closing them one by one.
process.exit(result.converged ? 0 : 1);
