// scenarios.mjs: the load scenarios of the shared benchmark format, used by
// the Node driver and by bench/compare.mjs.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/*
 * Every number here comes from the shared format that the C driver
 * (bench/load/pairpad-bench) follows too; change both or neither.
 * intervalMs: each typist inserts one character that often. lockStep: each
 * typist sends its next op the moment the previous one is acknowledged.
 * quickS: the duration of bench/compare.mjs --quick (a smoke run).
 */
export const WARMUP_MS = 1000;

export const SCENARIOS = {
  pair: {
    summary: '1 room, 2 clients, each types one character every 20 ms at random positions',
    rooms: 1, clientsPerRoom: 2, typistsPerRoom: 2, intervalMs: 20, durationS: 10, quickS: 3,
  },
  classroom: {
    summary: '1 room, 50 clients, 5 of them typing one character every 50 ms, everyone receives',
    rooms: 1, clientsPerRoom: 50, typistsPerRoom: 5, intervalMs: 50, durationS: 10, quickS: 3,
  },
  rooms: {
    summary: '200 rooms x 2 clients, one character every 200 ms each',
    rooms: 200, clientsPerRoom: 2, typistsPerRoom: 2, intervalMs: 200, durationS: 10, quickS: 3,
  },
  saturation: {
    summary: '1 room, 4 clients in lock-step: the next op leaves when the previous one is acked',
    rooms: 1, clientsPerRoom: 4, typistsPerRoom: 4, lockStep: true, durationS: 20, quickS: 5,
  },
  idle: {
    summary: '10,000 idle clients over 5,000 rooms, held connected',
    rooms: 5000, clientsPerRoom: 2, typistsPerRoom: 0, durationS: 5, quickS: 2,
  },
  bigdoc: {
    summary: 'a 10 MiB room, 2 clients typing as in pair, then a new client joins',
    rooms: 1, clientsPerRoom: 2, typistsPerRoom: 2, intervalMs: 20, durationS: 10, quickS: 3,
    initialBytes: 10 * 1024 * 1024,
  },
  echo: {
    summary: 'loopback floor: one WebSocket client, back-to-back round trips to an echo server',
    durationS: 5, quickS: 2,
  },
};
