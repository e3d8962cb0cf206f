-- 0004-checkpoints.sql: named versions of a room, shown in its history.
-- Several may name one version; created_at (µs) orders them and keys them.

CREATE TABLE checkpoints (
  room TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (room, created_at)
);
