-- 0003-accounts.sql: accounts (--auth accounts) and their sessions (see src/daemon/ppd-accounts.c).
-- Passwords are kept as crypt(3) yescrypt hashes, sessions as SHA-256 hashes
-- of their tokens: a copy of the database signs nobody in.

-- name_key is the name in lower case, so that names are unique whatever
-- their case; name is spelled as its owner chose.
CREATE TABLE accounts (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

-- One row per signed-in browser (kind 'cookie') or desktop app ('token').
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account TEXT NOT NULL REFERENCES accounts (name_key) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);
