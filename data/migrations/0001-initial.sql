-- 0001-initial.sql: rooms, their op log, periodic snapshots and per-client sequence numbers.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL. Times are µs since the Unix epoch.

CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  language TEXT NOT NULL,
  title TEXT NOT NULL,
  version BIGINT NOT NULL
);

CREATE TABLE ops (
  room TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  client TEXT NOT NULL,
  seq BIGINT NOT NULL,
  op TEXT NOT NULL,
  user_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (room, version),
  UNIQUE (room, client, seq)
);

CREATE TABLE snapshots (
  room TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (room, version)
);

-- The last seq of every client, kept even when old ops are compacted away, so
-- exactly-once delivery never depends on the log's retention.
CREATE TABLE clients (
  room TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  client TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  last_version BIGINT NOT NULL,
  PRIMARY KEY (room, client)
);
