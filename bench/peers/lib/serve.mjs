// serve.mjs: the HTTP + WebSocket listener the three peer servers share.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import http from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

/*
 * Parses --port/--help, listens on 127.0.0.1 and hands every WebSocket to
 * onConnection (ws, request). Prints one line, "NAME listening on
 * ws://127.0.0.1:PORT", once it accepts connections: bench/compare.mjs
 * waits for that line and reads the port from it, so --port 0 is race-free.
 */
export function serve ({ name, usage, onConnection }) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`${name}: --port must be 0..65535\n`);
    process.exit(2);
  }

  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    response.end('ok\n');
  });
  // Frames are compressed by none of the systems compared (pairpadd turns
  // permessage-deflate off), so no server here negotiates it either.
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', onConnection);

  server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => {
    process.stdout.write(`${name} listening on ws://127.0.0.1:${server.address().port}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => process.exit(0));
}
