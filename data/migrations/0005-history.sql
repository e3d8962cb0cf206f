-- 0005-history.sql: where a room's full history starts, once old ops have
-- been folded into snapshots (--history-ops). Versions before it stay
-- readable only where a snapshot is kept: the checkpoints'.

ALTER TABLE rooms ADD COLUMN history_start BIGINT NOT NULL DEFAULT 0;
