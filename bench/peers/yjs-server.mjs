#!/usr/bin/env node
// yjs-server.mjs: the y-websocket server (Yjs CRDT), the CRDT system pairpadd
// is compared with.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { setupWSConnection } from '@y/websocket-server/utils';
import { serve } from './lib/serve.mjs';

/*
 * This is @y/websocket-server's own bin (src/server.js) with two changes: it
 * takes --port and prints the bound port (its bin only reads PORT and HOST),
 * and it uses ws 8 like the other servers here. Documents stay in memory: no
 * YPERSISTENCE is set, and without persistence setupWSConnection keeps every
 * room's Y.Doc for the life of the process.
 */
serve({
  name: 'yjs-server',
  usage: `Usage: node yjs-server.mjs [--port PORT]

The y-websocket server (@y/websocket-server 0.1.1, yjs 13, in-memory) on
ws://127.0.0.1:PORT/ROOM. Prints "yjs-server listening on
ws://127.0.0.1:PORT" once ready; --port 0 (the default) picks a free port.
`,
  onConnection: (ws, request) => setupWSConnection(ws, request),
});
