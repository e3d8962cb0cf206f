#!/usr/bin/env node
// sharedb-server.mjs: ShareDB (OT) with its in-memory database and the
// ot-text-unicode type, the OT system pairpadd is compared with.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import WebSocketJSONStream from '@teamwork/websocket-json-stream';
import otText from 'ot-text-unicode';
import ShareDB from 'sharedb';
import { serve } from './lib/serve.mjs';

// The same type as pairpadd's ops and the browser client's (4.0.0).
ShareDB.types.register(otText.type);

// new ShareDB() uses ShareDB's MemoryDB: every op and snapshot stays in this
// process, the "in-memory" side of the comparison.
const backend = new ShareDB();

serve({
  name: 'sharedb-server',
  usage: `Usage: node sharedb-server.mjs [--port PORT]

A ShareDB server (sharedb 7, in-memory database, ot-text-unicode registered)
on ws://127.0.0.1:PORT. Any path is accepted; documents live in any collection
the client names. Prints "sharedb-server listening on ws://127.0.0.1:PORT"
once ready; --port 0 (the default) picks a free port.
`,
  // As in ShareDB's own examples: the ws socket becomes a JSON object stream.
  onConnection: (ws) => backend.listen(new WebSocketJSONStream(ws)),
});
