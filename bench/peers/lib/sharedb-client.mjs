// sharedb-client.mjs: one benchmark client of the ShareDB server, through
// ShareDB's own client (Connection, Doc) over a ws socket.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

import otText from 'ot-text-unicode';
import ShareDB from 'sharedb/lib/client/index.js';
import WebSocket from 'ws';

ShareDB.types.register(otText.type);

const COLLECTION = 'rooms';

export const name = 'sharedb';

/* Acked: the server's ack of the op, i.e. submitOp's callback. */
export const ackDefinition =
  'An op is acked when its submitOp callback runs: the server committed it to its in-memory ' +
  'database and acknowledged it.';

function open (url, room) {
  const connection = new ShareDB.Connection(new WebSocket(url));
  return { connection, doc: connection.get(COLLECTION, room) };
}

const call = (fn) => new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve())));

/* Creates the room's document with text and waits until the server has it. */
export async function createRoom (url, room, text) {
  const { connection, doc } = open(url, room);
  await call((done) => doc.create(text, otText.type.name, done));
  connection.close();
}

/*
 * Joins a room; resolves once the client holds the whole document.
 * hooks.onRemoteInsert (text): the characters another client inserted, once
 * they are in this client's document; hooks.onAck (n): n more of this
 * client's ops are acked; hooks.onDisconnect (); hooks.onError (error): the
 * server refused an op.
 */
export async function connect (url, room, hooks) {
  const { connection, doc } = open(url, room);
  doc.on('op', (op, local) => {
    // One op may be several of its sender's ops composed: hand its inserts
    // over together, since they are in document order, not in send order.
    if (!local)
      hooks.onRemoteInsert(op.filter((component) => typeof component === 'string').join(''));
  });
  connection.on('state', (state) => {
    if (state === 'disconnected' || state === 'closed')
      hooks.onDisconnect();
  });
  await call((done) => doc.subscribe(done));

  return {
    // The benchmark types BMP characters only, so UTF-16 length = code points.
    get length () { return doc.data.length; },
    get text () { return doc.data; },
    get connected () { return connection.state === 'connected'; },
    insert (pos, text) {
      // ot-text-unicode refuses a zero skip, so an insert at 0 has none.
      doc.submitOp(pos === 0 ? [text] : [pos, text], (error) => {
        if (error)
          hooks.onError(error);
        else
          hooks.onAck(1);
      });
    },
    close () { connection.close(); },
  };
}
