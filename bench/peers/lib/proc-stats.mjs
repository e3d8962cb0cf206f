// proc-stats.mjs: a server's CPU time and resident memory, read from /proc.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// utime and stime count clock ticks; 100 per second on Linux, but ask.
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;

/* utime + stime of the whole process (all its threads), in seconds. */
function cpuSeconds (pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is in parentheses and may hold spaces: count from after it,
  // where field 3 (state) is index 0, so utime (14) and stime (15) are 11, 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

export function rssKiB (pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : null;
}

/*
 * Measures one phase: start() at its beginning, stop() at its end. The
 * server's figures are null without a pid, as the format asks when
 * --server-pid is absent; this driver's own CPU share tells whether the
 * clients rather than the server set the pace.
 */
export class PhaseProbe {
  constructor (serverPid) {
    this.pid = serverPid;
  }

  start () {
    this.wall0 = performance.now();
    this.self0 = process.cpuUsage();
    if (this.pid != null)
      this.cpu0 = cpuSeconds(this.pid);
  }

  /* Returns { cpuSeconds, cpuPct, rssKiB, clientCpuPct } over the phase. */
  stop () {
    const wallS = (performance.now() - this.wall0) / 1000;
    const self = process.cpuUsage(this.self0);
    const clientCpuPct = ((self.user + self.system) / 1e6 / wallS) * 100;
    if (this.pid == null)
      return { cpuSeconds: null, cpuPct: null, rssKiB: null, clientCpuPct };
    const cpu = cpuSeconds(this.pid) - this.cpu0;
    return { cpuSeconds: cpu, cpuPct: (cpu / wallS) * 100, rssKiB: rssKiB(this.pid), clientCpuPct };
  }
}
