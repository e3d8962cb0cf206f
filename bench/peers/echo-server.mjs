#!/usr/bin/env node
// echo-server.mjs: a WebSocket server that sends every frame back, the
// loopback floor under every other number.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import { serve } from './lib/serve.mjs';

serve({
  name: 'echo-server',
  usage: `Usage: node echo-server.mjs [--port PORT]

Sends every WebSocket frame straight back, on ws://127.0.0.1:PORT. Prints
"echo-server listening on ws://127.0.0.1:PORT" once ready; --port 0 (the
default) picks a free port.
`,
  onConnection: (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
});
