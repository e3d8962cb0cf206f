// yjs-client.mjs: one benchmark client of the y-websocket server: a Y.Doc
// with y-websocket's own WebsocketProvider over the ws package.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { messageYjsUpdate } from 'y-protocols/sync';
import { WebsocketProvider, messageSync } from 'y-websocket';
import * as Y from 'yjs';

export const name = 'y-websocket';

/*
 * Yjs has no ack. The y-websocket server applies each update a client sends
 * to its copy of the room and then sends it to every connection of the room,
 * the sender included (updateHandler in @y/websocket-server's utils.js). So
 * an op counts as acked when its sender receives its own update back: the
 * server has integrated it and has queued it to every other client of the
 * room in the same turn of its event loop. That is the same point in the
 * server's work as ShareDB's ack, and it costs the server nothing extra.
 */
export const ackDefinition =
  'Yjs has no ack: an op counts as acked when the server echoes the sender\'s own update back; the ' +
  'server sends every update it applied to all connections of the room, the sender included, ' +
  'so the echo means the server integrated the op and queued it to every other client.';

// Every provider adds a process 'exit' listener; 10,000 of them are expected.
process.setMaxListeners(0);

/* Creates the room with text (rooms exist on first use) and waits for its echo. */
export async function createRoom (url, room, text) {
  if (text === '')
    return;
  let onEcho;
  const echoed = new Promise((resolve) => { onEcho = resolve; });
  const client = await connect(url, room, {
    onRemoteInsert () {},
    onAck: () => onEcho(),
    onDisconnect () {},
  });
  client.insert(0, text);
  await echoed;
  client.close();
}

/* Joins a room; resolves once synced. The hooks are sharedb-client.mjs's. */
export async function connect (url, room, hooks) {
  const doc = new Y.Doc();
  const ytext = doc.getText('text');
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket,
    // Node 20 has BroadcastChannel: without this, clients of one room in this
    // one process would hand each other updates past the server.
    disableBc: true,
  });

  // Every op travels as one update message (messageYjsUpdate), the sender's
  // own echo included. The update's items say who wrote what: a remote
  // item's text goes to onRemoteInsert once the update is applied, and as
  // this Y.Doc makes no changes but its own ops, one clock tick per
  // character, the end clock of its own echoed items counts the acked ops.
  // (Y.Text's observe would also give the text, but its event.delta walks the
  // whole document on every event.)
  let ackedClock = 0;
  const applySync = provider.messageHandlers[messageSync];
  provider.messageHandlers[messageSync] = (encoder, decoder, ...rest) => {
    const peek = decoding.clone(decoder);
    applySync(encoder, decoder, ...rest);
    if (decoding.readVarUint(peek) !== messageYjsUpdate)
      return;
    let clock = ackedClock;
    for (const item of Y.decodeUpdate(decoding.readVarUint8Array(peek)).structs) {
      if (item.id.client === doc.clientID)
        clock = Math.max(clock, item.id.clock + item.length);
      else if (typeof item.content?.str === 'string')
        hooks.onRemoteInsert(item.content.str);
    }
    if (clock > ackedClock) {
      const n = clock - ackedClock;
      ackedClock = clock;
      hooks.onAck(n);
    }
  };
  provider.on('connection-close', () => hooks.onDisconnect());
  await new Promise((resolve) => {
    provider.on('sync', (synced) => synced && resolve());
  });

  return {
    get length () { return ytext.length; },
    get text () { return ytext.toString(); },
    get connected () { return provider.wsconnected; },
    insert (pos, text) { ytext.insert(pos, text); },
    close () {
      provider.destroy();
      doc.destroy();
    },
  };
}
