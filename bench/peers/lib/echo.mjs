// echo.mjs: the echo scenario, back-to-back round trips over one WebSocket.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { once } from 'node:events';
import WebSocket from 'ws';
import { LatencyRecorder } from './latency.mjs';
import { WARMUP_MS } from './scenarios.mjs';

export const ackDefinition = 'A round trip is acked when its frame comes back; latency is half the round trip.';

// About the size of a one-character op frame.
const PAYLOAD = JSON.stringify({ type: 'op', seq: 1, v: 1, op: [12, '\u4e00'] });

export async function runEcho (url, { durationS, probe }) {
  const ws = new WebSocket(url);
  await once(ws, 'open');
  const latency = new LatencyRecorder();
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let sentAt = 0;
  let roundTrips = 0;
  let wrong = 0;
  let usage = null;

  const send = () => {
    sentAt = performance.now();
    ws.send(PAYLOAD);
  };
  const done = new Promise((resolve) => {
    ws.on('message', (data) => {
      const now = performance.now();
      if (data.toString() !== PAYLOAD)
        wrong++;
      if (sentAt >= windowStart && sentAt < windowEnd) {
        latency.add((now - sentAt) / 2);
        roundTrips++;
      }
      if (usage === null)
        send();
      else
        resolve();
    });
  });
  send();
  setTimeout(() => {
    windowStart = performance.now();
    probe.start();
    setTimeout(() => {
      usage = probe.stop();
      windowEnd = performance.now();
    }, durationS * 1000);
  }, WARMUP_MS);
  await done;
  ws.close();

  return {
    clients: 1, rooms: 0, durationS: (windowEnd - windowStart) / 1000,
    opsSent: roundTrips, opsAcked: roundTrips, latency: latency.summary(), usage,
    rssPerConnKiB: null, welcomeMs: null, notes: null,
    error: wrong > 0 ? `${wrong} echoed frames differed from what was sent` : null,
  };
}
