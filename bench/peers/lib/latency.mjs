// latency.mjs: latency samples and their percentiles.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

export class LatencyRecorder {
  constructor () {
    this.samples = [];
  }

  add (ms) {
    this.samples.push(ms);
  }

  /* The format's latency_ms object; nearest-rank percentiles, in ms. */
  summary () {
    const sorted = Float64Array.from(this.samples).sort();
    const n = sorted.length;
    const rank = (p) => (n === 0 ? null : round(sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)]));
    return {
      p50: rank(50), p95: rank(95), p99: rank(99),
      max: n === 0 ? null : round(sorted[n - 1]), samples: n,
    };
  }
}

// Microsecond resolution is all performance.now() honestly gives here.
const round = (ms) => Math.round(ms * 1000) / 1000;
