-- 0002-access.sql: who may enter a room (see src/daemon/ppd-access.c).
-- Only SHA-256 hashes are kept, never a key or a token. '' stands for none:
-- no owner (rooms created before owners existed), or a share link that is off.

ALTER TABLE rooms ADD COLUMN owner_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN general_access TEXT NOT NULL DEFAULT 'edit';
ALTER TABLE rooms ADD COLUMN locked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN edit_link_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN edit_link_gen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN view_link_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE rooms ADD COLUMN view_link_gen BIGINT NOT NULL DEFAULT 0;
