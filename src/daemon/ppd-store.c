/* ppd-store.c: durable rooms and op logs through libgda (SQLite or PostgreSQL), off the main thread.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-store"

#include "config.h"

#include <errno.h>
#include <libgda/libgda.h>
#include <stdlib.h>
#include <string.h>

#include "ppd-resources.h"
#include "ppd-store.h"

/* PpdStore owns one GdaConnection and one worker thread (a GThreadPool of
 * one thread). Every job runs there, one at a time, in the order it was
 * queued: that is what keeps a room's appends in version order, and what
 * keeps libgda's connection on a single thread. Jobs get copies or immutable
 * refs (PpLogEntry) and never a room or a peer; results come back through a
 * GTask on the caller's main context.
 *
 * Provider differences handled here: SQLite reads BIGINT columns as a
 * 32-bit gint and fails on larger values, so its schema declares them INT64
 * (INTEGER affinity, read back as gint64); neither provider reports SQLSTATE,
 * so writes are shaped to never conflict instead of catching errors. */

struct _PpdStore
{
  GObject        parent_instance;

  /* Owned, immutable after construction */
  char          *provider;
  char          *cnc_string;
  char          *auth_string;
  char          *sqlite_dir;
  char          *description;   /* for logs: no password */
  GThreadPool   *pool;

  /* Any thread */
  gint           available;     /* atomic: the last job reached the database */

  /* Worker thread only */
  GdaConnection *cnc;
  GdaSqlParser  *parser;
  GHashTable    *statements;    /* SQL → Statement */
};

G_DEFINE_FINAL_TYPE (PpdStore, ppd_store, G_TYPE_OBJECT)

/* libgda 5 predates g_autoptr. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaDataModel, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GdaBatch, g_object_unref)

G_DEFINE_QUARK (ppd-store-error-quark, ppd_store_error)

typedef struct
{
  GdaStatement *statement;
  GdaSet       *params;
} Statement;

typedef gboolean (*JobFunc) (PpdStore  *self,
                             gpointer   data,
                             gpointer  *result,
                             GError   **error);

typedef struct
{
  JobFunc        func;
  gpointer       data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} Job;

typedef struct
{
  char       *room;
  PpLogEntry *entry;
} BatchEntry;

typedef struct
{
  char   *room;
  gint64  version;
  char   *text;
} BatchSnapshot;

struct _PpdCommitBatch
{
  GArray     *entries;     /* of BatchEntry */
  GHashTable *rooms;       /* id → PpdRoomInfo*: the room rows to update */
  GArray     *snapshots;   /* of BatchSnapshot */
};

typedef struct
{
  PpdRoomInfo info;
  PpdAccess   access;
  char       *text;
} CreateRoomData;

typedef struct
{
  char      *room;
  PpdAccess  access;
} AccessData;

typedef struct
{
  char          *room;
  PpdCheckpoint  checkpoint;
} CheckpointData;

typedef struct
{
  char   *room;
  gint64  since;
  gint64  until;
  guint   limit;
} RangeData;

/* An account or a session: what its jobs write or look up. */
typedef struct
{
  char   *name;
  char   *secret;      /* a password hash, or a session token's hash */
  char   *kind;
  gint64  expires_at;
} AccountData;

/* Ops go in as multi-row INSERTs of up to this many rows: one round trip
 * per chunk instead of per op, which is most of PostgreSQL's cost. */
#define OPS_PER_INSERT 64   /* a power of two */
static const char *sql_upsert_client =
  "INSERT INTO clients (room, client, last_seq, last_version) "
  "VALUES (##room::string, ##client::string, ##seq::gint64, ##version::gint64) "
  "ON CONFLICT (room, client) DO UPDATE SET last_seq = excluded.last_seq, "
  "last_version = excluded.last_version";
static const char *sql_update_room =
  "UPDATE rooms SET version = ##version::gint64, updated_at = ##updated::gint64, "
  "language = ##language::string, title = ##title::string WHERE id = ##id::string";
static const char *sql_claim_room =
  "UPDATE rooms SET version = ##version::gint64, updated_at = ##updated::gint64, "
  "language = ##language::string, title = ##title::string "
  "WHERE id = ##id::string AND version = ##expected::gint64";
static const char *sql_claim_room_keep_meta =
  "UPDATE rooms SET version = ##version::gint64, updated_at = ##updated::gint64 "
  "WHERE id = ##id::string AND version = ##expected::gint64";
static const char *sql_insert_snapshot =
  "INSERT INTO snapshots (room, version, text, created_at) "
  "VALUES (##room::string, ##version::gint64, ##text::string, ##created::gint64) "
  "ON CONFLICT (room, version) DO NOTHING";
static const char *sql_insert_room =
  "INSERT INTO rooms (id, created_at, updated_at, language, title, version) "
  "VALUES (##id::string, ##created::gint64, ##updated::gint64, ##language::string, "
  "##title::string, ##version::gint64)";
static const char *sql_select_room =
  "SELECT id, language, title, version, created_at, updated_at, owner_hash, general_access, "
  "locked, edit_link_hash, edit_link_gen, view_link_hash, view_link_gen "
  "FROM rooms WHERE id = ##id::string";
static const char *sql_update_access =
  "UPDATE rooms SET owner_hash = ##owner::string, general_access = ##general::string, "
  "locked = ##locked::gint64, edit_link_hash = ##edit::string, edit_link_gen = ##edit_gen::gint64, "
  "view_link_hash = ##view::string, view_link_gen = ##view_gen::gint64 WHERE id = ##id::string";
static const char *sql_delete_room = "DELETE FROM rooms WHERE id = ##id::string";
static const char *sql_select_snapshot =
  "SELECT version, text FROM snapshots WHERE room = ##room::string AND version <= ##version::gint64 "
  "ORDER BY version DESC LIMIT 1";
static const char *sql_select_ops =
  "SELECT version, client, seq, op, user_id, user_name, created_at FROM ops "
  "WHERE room = ##room::string AND version > ##since::gint64 AND version <= ##until::gint64 "
  "ORDER BY version LIMIT ##limit::gint64";
static const char *sql_select_clients =
  "SELECT client, last_seq, last_version FROM clients WHERE room = ##room::string";
/* Names are unique whatever their case: name_key is the name in lower
 * case (names are ASCII, see ppd-accounts.c). */
static const char *sql_insert_account =
  "INSERT INTO accounts (name_key, name, password_hash, created_at) "
  "VALUES (##key::string, ##name::string, ##hash::string, ##created::gint64) "
  "ON CONFLICT (name_key) DO NOTHING";
static const char *sql_select_account =
  "SELECT name, password_hash FROM accounts WHERE name_key = ##key::string";
static const char *sql_delete_expired_sessions =
  "DELETE FROM sessions WHERE expires_at <= ##now::gint64";
static const char *sql_insert_session =
  "INSERT INTO sessions (token_hash, account, kind, created_at, expires_at) "
  "VALUES (##hash::string, ##key::string, ##kind::string, ##created::gint64, ##expires::gint64)";
static const char *sql_select_session =
  "SELECT accounts.name FROM sessions JOIN accounts ON accounts.name_key = sessions.account "
  "WHERE sessions.token_hash = ##hash::string AND sessions.expires_at > ##now::gint64";
static const char *sql_delete_session = "DELETE FROM sessions WHERE token_hash = ##hash::string";
static const char *sql_ping = "SELECT 1";
static const char *sql_select_history_start =
  "SELECT history_start FROM rooms WHERE id = ##id::string";
static const char *sql_newest_snapshot_before =
  "SELECT MAX(version) FROM snapshots WHERE room = ##room::string AND version <= ##version::gint64";
static const char *sql_compact_ops =
  "DELETE FROM ops WHERE room = ##room::string AND version <= ##version::gint64";
static const char *sql_compact_snapshots =
  "DELETE FROM snapshots WHERE room = ##room::string AND version < ##version::gint64 "
  "AND version NOT IN (SELECT version FROM checkpoints WHERE room = ##room::string)";
static const char *sql_set_history_start =
  "UPDATE rooms SET history_start = ##version::gint64 WHERE id = ##room::string";
static const char *sql_insert_checkpoint =
  "INSERT INTO checkpoints (room, created_at, version, name) "
  "VALUES (##room::string, ##created::gint64, ##version::gint64, ##name::string)";
static const char *sql_select_checkpoints =
  "SELECT version, name, created_at FROM checkpoints WHERE room = ##room::string "
  "ORDER BY created_at";

/* Every statement above, for prepare_all() to prepare up front. */
static const char * const *const all_sql[] = {
  &sql_upsert_client, &sql_update_room, &sql_claim_room, &sql_claim_room_keep_meta,
  &sql_insert_snapshot, &sql_insert_room, &sql_select_room, &sql_update_access,
  &sql_delete_room, &sql_select_snapshot, &sql_select_ops, &sql_select_clients,
  &sql_insert_account, &sql_select_account, &sql_delete_expired_sessions,
  &sql_insert_session, &sql_select_session, &sql_delete_session, &sql_ping,
  &sql_select_history_start, &sql_newest_snapshot_before, &sql_compact_ops,
  &sql_compact_snapshots, &sql_set_history_start, &sql_insert_checkpoint,
  &sql_select_checkpoints,
};

/* Data structures */

/* A snapshot rewrites the whole text, inside the commit that acks wait
 * for: at least one op per KiB of text keeps that under 1 KiB per op, so a
 * 10 MiB room is not rewritten every 1000 keystrokes. Reading a version, or
 * loading a room, replays the ops since the snapshot before it: at most
 * max(interval, length / 1024) of them. */
gboolean
ppd_store_snapshot_is_due (guint  interval,
                           gint64 ops_since,
                           gsize  length)
{
  return ops_since >= MAX ((gint64) interval, (gint64) (length / 1024));
}

void
ppd_room_info_clear (PpdRoomInfo *info)
{
  g_clear_pointer (&info->id, g_free);
  g_clear_pointer (&info->language, g_free);
  g_clear_pointer (&info->title, g_free);
}

static void
room_info_copy (PpdRoomInfo       *dst,
                const PpdRoomInfo *src)
{
  *dst = *src;
  dst->id = g_strdup (src->id);
  dst->language = g_strdup (src->language);
  dst->title = g_strdup (src->title);
}

static void
room_info_free (PpdRoomInfo *info)
{
  ppd_room_info_clear (info);
  g_free (info);
}

void
ppd_room_record_free (PpdRoomRecord *record)
{
  if (record == NULL)
    return;

  ppd_room_info_clear (&record->info);
  ppd_access_clear (&record->access);
  g_free (record->snapshot_text);
  g_clear_pointer (&record->entries, g_ptr_array_unref);
  g_clear_pointer (&record->clients, g_hash_table_unref);
  g_free (record);
}

void
ppd_account_free (PpdAccount *account)
{
  if (account == NULL)
    return;

  g_free (account->name);
  g_free (account->password_hash);
  g_free (account);
}

static void
batch_entry_clear (gpointer data)
{
  BatchEntry *e = data;

  g_free (e->room);
  pp_log_entry_unref (e->entry);
}

static void
batch_snapshot_clear (gpointer data)
{
  BatchSnapshot *s = data;

  g_free (s->room);
  g_free (s->text);
}

PpdCommitBatch *
ppd_commit_batch_new (void)
{
  PpdCommitBatch *batch = g_new0 (PpdCommitBatch, 1);

  batch->entries = g_array_new (FALSE, FALSE, sizeof (BatchEntry));
  g_array_set_clear_func (batch->entries, batch_entry_clear);
  batch->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) room_info_free);
  batch->snapshots = g_array_new (FALSE, FALSE, sizeof (BatchSnapshot));
  g_array_set_clear_func (batch->snapshots, batch_snapshot_clear);

  return batch;
}

void
ppd_commit_batch_free (PpdCommitBatch *batch)
{
  if (batch == NULL)
    return;

  g_array_unref (batch->entries);
  g_hash_table_unref (batch->rooms);
  g_array_unref (batch->snapshots);
  g_free (batch);
}

gboolean
ppd_commit_batch_is_empty (PpdCommitBatch *batch)
{
  return batch->entries->len == 0 && g_hash_table_size (batch->rooms) == 0;
}

guint
ppd_commit_batch_get_n_entries (PpdCommitBatch *batch)
{
  return batch->entries->len;
}

void
ppd_commit_batch_add_entry (PpdCommitBatch *batch,
                            const char     *room,
                            PpLogEntry     *entry)
{
  BatchEntry e = { g_strdup (room), pp_log_entry_ref (entry) };

  g_array_append_val (batch->entries, e);
}

/* The newest metadata of a room wins: a batch writes each room row once. */
void
ppd_commit_batch_set_room (PpdCommitBatch    *batch,
                           const PpdRoomInfo *info)
{
  PpdRoomInfo *copy = g_new0 (PpdRoomInfo, 1);

  room_info_copy (copy, info);
  g_hash_table_replace (batch->rooms, copy->id, copy);
}

/* Takes ownership of @text. */
void
ppd_commit_batch_add_snapshot (PpdCommitBatch *batch,
                               const char     *room,
                               gint64          version,
                               char           *text)
{
  BatchSnapshot s = { g_strdup (room), version, text };

  g_array_append_val (batch->snapshots, s);
}

/* Worker thread: statements and values */

static void
statement_free (gpointer data)
{
  Statement *s = data;

  g_clear_object (&s->statement);
  g_clear_object (&s->params);
  g_free (s);
}

static Statement *
get_statement (PpdStore    *self,
               const char  *sql,
               GError     **error)
{
  Statement *s = g_hash_table_lookup (self->statements, sql);

  if (s != NULL)
    return s;

  s = g_new0 (Statement, 1);
  s->statement = gda_sql_parser_parse_string (self->parser, sql, NULL, error);
  if (s->statement == NULL || !gda_statement_get_parameters (s->statement, &s->params, error))
    {
      statement_free (s);
      return NULL;
    }

  g_hash_table_insert (self->statements, g_strdup (sql), s);
  return s;
}

static gboolean
set_params (Statement   *s,
            GError     **error,
            ...)
{
  const char *name;
  va_list args;
  gboolean ok = TRUE;

  va_start (args, error);
  while (ok && (name = va_arg (args, const char *)) != NULL)
    {
      GdaHolder *holder = gda_set_get_holder (s->params, name);

      g_assert (holder != NULL);
      if (gda_holder_get_g_type (holder) == G_TYPE_INT64)
        ok = gda_set_set_holder_value (s->params, error, name, va_arg (args, gint64));
      else
        ok = gda_set_set_holder_value (s->params, error, name, va_arg (args, const char *));
    }
  va_end (args);

  return ok;
}

/* libgda answers -1 both for errors and for statements without a row
 * count (DDL on SQLite): only the GError tells them apart. */
static gboolean
execute_non_select (PpdStore      *self,
                    GdaStatement  *statement,
                    GdaSet        *params,
                    GError       **error)
{
  GError *local_error = NULL;

  gda_connection_statement_execute_non_select (self->cnc, statement, params, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
run_non_select (PpdStore   *self,
                Statement  *s,
                GError    **error)
{
  return execute_non_select (self, s->statement, s->params, error);
}

/* The number of rows changed, or -1 with @error. */
static gint
run_non_select_rows (PpdStore   *self,
                     Statement  *s,
                     GError    **error)
{
  GError *local_error = NULL;
  gint rows = gda_connection_statement_execute_non_select (self->cnc, s->statement, s->params,
                                                           NULL, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return -1;
    }

  return rows;
}

static GdaDataModel *
run_select (PpdStore   *self,
            Statement  *s,
            GError    **error)
{
  return gda_connection_statement_execute_select (self->cnc, s->statement, s->params, error);
}

static gint64
model_int64 (GdaDataModel *model,
             int           col,
             int           row)
{
  const GValue *value = gda_data_model_get_value_at (model, col, row, NULL);
  g_auto(GValue) out = G_VALUE_INIT;

  g_value_init (&out, G_TYPE_INT64);
  if (value == NULL || !g_value_transform (value, &out))
    return 0;

  return g_value_get_int64 (&out);
}

static char *
model_dup_string (GdaDataModel *model,
                  int           col,
                  int           row)
{
  const GValue *value = gda_data_model_get_value_at (model, col, row, NULL);

  if (value == NULL || !G_VALUE_HOLDS_STRING (value))
    return g_strdup ("");

  return g_value_dup_string (value);
}

static gboolean
begin (PpdStore  *self,
       GError   **error)
{
  return gda_connection_begin_transaction (self->cnc, NULL, GDA_TRANSACTION_ISOLATION_UNKNOWN,
                                           error);
}

static gboolean
commit (PpdStore  *self,
        GError   **error)
{
  return gda_connection_commit_transaction (self->cnc, NULL, error);
}

static void
rollback (PpdStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!gda_connection_rollback_transaction (self->cnc, NULL, &error))
    g_debug ("rollback: %s", error->message);
}

/* Worker thread: jobs */

static GPtrArray *
read_entries (PpdStore    *self,
              const char  *room,
              gint64       since,
              gint64       until,
              guint        limit,
              GError     **error)
{
  Statement *s = get_statement (self, sql_select_ops, error);
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int n_rows;

  if (s == NULL || !set_params (s, error, "room", room, "since", since, "until", until,
                                "limit", (gint64) limit, NULL))
    return NULL;
  if ((model = run_select (self, s, error)) == NULL)
    return NULL;

  n_rows = gda_data_model_get_n_rows (model);
  entries = g_ptr_array_new_full (n_rows, (GDestroyNotify) pp_log_entry_unref);
  for (int row = 0; row < n_rows; row++)
    {
      g_autofree char *client = model_dup_string (model, 1, row);
      g_autofree char *op_json = model_dup_string (model, 3, row);
      g_autofree char *user = model_dup_string (model, 4, row);
      g_autofree char *name = model_dup_string (model, 5, row);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PpTextOp) op = pp_text_op_new_from_string (op_json, &local_error);

      if (op == NULL)
        {
          g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                       "Stored op %" G_GINT64_FORMAT " of room %s is invalid: %s",
                       model_int64 (model, 0, row), room, local_error->message);
          return NULL;
        }

      g_ptr_array_add (entries, pp_log_entry_new (model_int64 (model, 0, row), op, user, client,
                                                  model_int64 (model, 2, row), name,
                                                  model_int64 (model, 6, row)));
    }

  return g_steal_pointer (&entries);
}

/* The newest snapshot at or before @version, or FALSE with NOT_FOUND. */
static gboolean
read_snapshot (PpdStore    *self,
               const char  *room,
               gint64       version,
               gint64      *snapshot_version,
               char       **text,
               GError     **error)
{
  Statement *s = get_statement (self, sql_select_snapshot, error);
  g_autoptr(GdaDataModel) model = NULL;

  if (s == NULL || !set_params (s, error, "room", room, "version", version, NULL))
    return FALSE;
  if ((model = run_select (self, s, error)) == NULL)
    return FALSE;

  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                   "Room %s has no snapshot at or before version %" G_GINT64_FORMAT,
                   room, version);
      return FALSE;
    }

  *snapshot_version = model_int64 (model, 0, 0);
  *text = model_dup_string (model, 1, 0);
  return TRUE;
}

/* NULL hashes are stored as '': see 0002-access.sql. */
static gboolean
write_access (PpdStore         *self,
              const char       *room,
              const PpdAccess  *access,
              GError          **error)
{
  Statement *s = get_statement (self, sql_update_access, error);

  return s != NULL &&
         set_params (s, error, "id", room,
                     "owner", access->owner_hash ? access->owner_hash : "",
                     "general", pp_general_access_to_string (access->general),
                     "locked", (gint64) access->locked,
                     "edit", access->link_hash[PP_LINK_EDIT] ? access->link_hash[PP_LINK_EDIT] : "",
                     "edit_gen", access->link_gen[PP_LINK_EDIT],
                     "view", access->link_hash[PP_LINK_VIEW] ? access->link_hash[PP_LINK_VIEW] : "",
                     "view_gen", access->link_gen[PP_LINK_VIEW], NULL) &&
         run_non_select (self, s, error);
}

static char *
model_dup_hash (GdaDataModel *model,
                int           col,
                int           row)
{
  g_autofree char *hash = model_dup_string (model, col, row);

  return *hash != '\0' ? g_steal_pointer (&hash) : NULL;
}

static void
read_access (GdaDataModel *model,
             int           col,
             PpdAccess    *access)
{
  g_autofree char *general = model_dup_string (model, col + 1, 0);

  access->owner_hash = model_dup_hash (model, col, 0);
  if (!pp_general_access_from_string (general, &access->general))
    access->general = PP_GENERAL_ACCESS_RESTRICTED;   /* unknown: the safe side */
  access->locked = model_int64 (model, col + 2, 0) != 0;
  access->link_hash[PP_LINK_EDIT] = model_dup_hash (model, col + 3, 0);
  access->link_gen[PP_LINK_EDIT] = model_int64 (model, col + 4, 0);
  access->link_hash[PP_LINK_VIEW] = model_dup_hash (model, col + 5, 0);
  access->link_gen[PP_LINK_VIEW] = model_int64 (model, col + 6, 0);
}

static gboolean
job_set_access (PpdStore  *self,
                gpointer   data,
                gpointer  *result,
                GError   **error)
{
  AccessData *d = data;

  return write_access (self, d->room, &d->access, error);
}

static gboolean
job_delete_room (PpdStore  *self,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  Statement *s = get_statement (self, sql_delete_room, error);

  /* ON DELETE CASCADE takes the log, snapshots and clients with it. */
  return s != NULL && set_params (s, error, "id", data, NULL) && run_non_select (self, s, error);
}

static gboolean
read_history_start (PpdStore    *self,
                    const char  *room,
                    gint64      *start,
                    GError     **error)
{
  Statement *s = get_statement (self, sql_select_history_start, error);
  g_autoptr(GdaDataModel) model = NULL;

  if (s == NULL || !set_params (s, error, "id", room, NULL) ||
      (model = run_select (self, s, error)) == NULL)
    return FALSE;
  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND, "No room “%s”", room);
      return FALSE;
    }

  *start = model_int64 (model, 0, 0);
  return TRUE;
}

static gboolean
fail_compacted (GError     **error,
                gint64       version,
                gint64       start)
{
  g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_COMPACTED,
               "Version %" G_GINT64_FORMAT " is older than the history this room keeps (from "
               "version %" G_GINT64_FORMAT ", and its checkpoints)", version, start);
  return FALSE;
}

/* The text at @version: its snapshot, or the one before and the ops since. */
static char *
text_at (PpdStore    *self,
         const char  *room,
         gint64       version,
         GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(PpDocument) document = NULL;
  gint64 snapshot_version;
  gint64 start;

  if (!read_history_start (self, room, &start, error))
    return NULL;

  /* Before the history start, only the checkpoints' snapshots are left. */
  if (version < start)
    {
      if (!read_snapshot (self, room, version, &snapshot_version, &text, NULL) ||
          snapshot_version != version)
        {
          fail_compacted (error, version, start);
          return NULL;
        }
      return g_steal_pointer (&text);
    }

  if (!read_snapshot (self, room, version, &snapshot_version, &text, error))
    return NULL;

  entries = read_entries (self, room, snapshot_version, version, G_MAXINT32, error);
  if (entries == NULL)
    return NULL;

  document = pp_document_new (text, -1, snapshot_version);
  pp_document_set_max_length (document, G_MAXSIZE);
  for (guint i = 0; i < entries->len; i++)
    {
      PpLogEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GError) local_error = NULL;

      if (!pp_document_apply (document, entry->op, &local_error))
        {
          g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                       "Stored op %" G_GINT64_FORMAT " of room %s does not apply: %s",
                       entry->v, room, local_error->message);
          return NULL;
        }
    }

  return pp_document_dup_text (document);
}

static gboolean
job_add_checkpoint (PpdStore  *self,
                    gpointer   data,
                    gpointer  *result,
                    GError   **error)
{
  CheckpointData *d = data;
  Statement *s = get_statement (self, sql_insert_checkpoint, error);
  Statement *snapshot = s ? get_statement (self, sql_insert_snapshot, error) : NULL;
  g_autofree char *text = NULL;

  /* A checkpoint keeps its version readable when older history is folded
   * away: it gets a snapshot of its own. */
  if (snapshot == NULL || (text = text_at (self, d->room, d->checkpoint.version, error)) == NULL)
    return FALSE;

  if (!begin (self, error))
    return FALSE;
  if (!set_params (s, error, "room", d->room, "created", d->checkpoint.created_at,
                   "version", d->checkpoint.version, "name", d->checkpoint.name, NULL) ||
      !run_non_select (self, s, error) ||
      !set_params (snapshot, error, "room", d->room, "version", d->checkpoint.version,
                   "text", text, "created", d->checkpoint.created_at, NULL) ||
      !run_non_select (self, snapshot, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
job_list_checkpoints (PpdStore  *self,
                      gpointer   data,
                      gpointer  *result,
                      GError   **error)
{
  Statement *s = get_statement (self, sql_select_checkpoints, error);
  g_autoptr(GdaDataModel) model = NULL;
  GPtrArray *list;

  if (s == NULL || !set_params (s, error, "room", data, NULL) ||
      (model = run_select (self, s, error)) == NULL)
    return FALSE;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) ppd_checkpoint_free);
  for (int row = 0, n = gda_data_model_get_n_rows (model); row < n; row++)
    {
      PpdCheckpoint *checkpoint = g_new0 (PpdCheckpoint, 1);

      checkpoint->version = model_int64 (model, 0, row);
      checkpoint->name = model_dup_string (model, 1, row);
      checkpoint->created_at = model_int64 (model, 2, row);
      g_ptr_array_add (list, checkpoint);
    }

  *result = list;
  return TRUE;
}

/* Who wrote what at d->until: the text at version 0, then every op up to
 * it, read in slices so a long history never sits in memory at once. */
#define BLAME_SLICE 10000

static gboolean
job_get_blame (PpdStore  *self,
               gpointer   data,
               gpointer  *result,
               GError   **error)
{
  RangeData *d = data;
  g_autofree char *text = NULL;
  g_autoptr(PpdBlameRecord) record = g_new0 (PpdBlameRecord, 1);
  g_autoptr(GHashTable) authors = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 start;

  /* Before the history start, only that the text was there is known. */
  if (!read_history_start (self, d->room, &start, error))
    return FALSE;
  if (d->until < start)
    return fail_compacted (error, d->until, start);
  if (!read_snapshot (self, d->room, start, &start, &text, error))
    return FALSE;

  record->version = d->until;
  record->blame = pp_blame_new (g_utf8_strlen (text, -1), PP_BLAME_NOBODY);
  record->authors = g_ptr_array_new_with_free_func ((GDestroyNotify) ppd_author_free);

  for (gint64 since = start; since < d->until; since += BLAME_SLICE)
    {
      g_autoptr(GPtrArray) entries = read_entries (self, d->room, since,
                                                   MIN (since + BLAME_SLICE, d->until),
                                                   BLAME_SLICE, error);

      if (entries == NULL)
        return FALSE;

      for (guint i = 0; i < entries->len; i++)
        {
          PpLogEntry *entry = g_ptr_array_index (entries, i);
          gpointer index;
          PpdAuthor *author;
          g_autoptr(GError) local_error = NULL;

          /* One author per client; the newest name wins. */
          if (!g_hash_table_lookup_extended (authors, entry->client, NULL, &index))
            {
              author = g_new0 (PpdAuthor, 1);
              author->client = g_strdup (entry->client);
              index = GUINT_TO_POINTER (record->authors->len);
              g_ptr_array_add (record->authors, author);
              g_hash_table_insert (authors, author->client, index);
            }
          author = g_ptr_array_index (record->authors, GPOINTER_TO_UINT (index));
          g_free (author->name);
          author->name = g_strdup (entry->name);

          if (!pp_blame_apply (record->blame, entry->op, GPOINTER_TO_UINT (index), &local_error))
            {
              g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                           "Stored op %" G_GINT64_FORMAT " of room %s does not apply: %s",
                           entry->v, d->room, local_error->message);
              return FALSE;
            }
        }
    }

  *result = g_steal_pointer (&record);
  return TRUE;
}

static gboolean
job_create_room (PpdStore  *self,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  CreateRoomData *d = data;
  Statement *room = get_statement (self, sql_insert_room, error);
  Statement *snapshot = room ? get_statement (self, sql_insert_snapshot, error) : NULL;

  if (snapshot == NULL || !begin (self, error))
    return FALSE;

  if (!set_params (room, error, "id", d->info.id, "created", d->info.created_at,
                   "updated", d->info.updated_at, "language", d->info.language,
                   "title", d->info.title, "version", d->info.version, NULL) ||
      !run_non_select (self, room, error) ||
      !set_params (snapshot, error, "room", d->info.id, "version", (gint64) 0,
                   "text", d->text, "created", d->info.created_at, NULL) ||
      !run_non_select (self, snapshot, error) ||
      !write_access (self, d->info.id, &d->access, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
job_load_room (PpdStore  *self,
               gpointer   data,
               gpointer  *result,
               GError   **error)
{
  RangeData *d = data;
  Statement *s = get_statement (self, sql_select_room, error);
  g_autoptr(GdaDataModel) model = NULL;
  g_autoptr(GdaDataModel) clients = NULL;
  g_autoptr(PpdRoomRecord) record = NULL;
  gint64 tail_start;

  if (s == NULL || !set_params (s, error, "id", d->room, NULL))
    return FALSE;
  if ((model = run_select (self, s, error)) == NULL)
    return FALSE;
  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND, "No room “%s”", d->room);
      return FALSE;
    }

  record = g_new0 (PpdRoomRecord, 1);
  record->info.id = model_dup_string (model, 0, 0);
  record->info.language = model_dup_string (model, 1, 0);
  record->info.title = model_dup_string (model, 2, 0);
  record->info.version = model_int64 (model, 3, 0);
  record->info.created_at = model_int64 (model, 4, 0);
  record->info.updated_at = model_int64 (model, 5, 0);
  read_access (model, 6, &record->access);

  if (!read_snapshot (self, d->room, record->info.version, &record->snapshot_version,
                      &record->snapshot_text, error))
    return FALSE;

  tail_start = MIN (record->snapshot_version, MAX (0, record->info.version - (gint64) d->limit));
  record->entries = read_entries (self, d->room, tail_start, record->info.version,
                                  G_MAXINT32, error);
  if (record->entries == NULL)
    return FALSE;

  if ((s = get_statement (self, sql_select_clients, error)) == NULL ||
      !set_params (s, error, "room", d->room, NULL) ||
      (clients = run_select (self, s, error)) == NULL)
    return FALSE;

  record->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (int row = 0, n = gda_data_model_get_n_rows (clients); row < n; row++)
    {
      PpdClientSeq *seq = g_new0 (PpdClientSeq, 1);

      seq->last_seq = model_int64 (clients, 1, row);
      seq->last_version = model_int64 (clients, 2, row);
      g_hash_table_insert (record->clients, model_dup_string (clients, 0, row), seq);
    }

  *result = g_steal_pointer (&record);
  return TRUE;
}

/* INSERT INTO ops … VALUES (…), (…): @n_rows rows, parameters suffixed
 * with the row number. */
static Statement *
get_insert_ops (PpdStore    *self,
                guint        n_rows,
                GError     **error)
{
  g_autoptr(GString) sql = g_string_new ("INSERT INTO ops (room, version, client, seq, op, "
                                         "user_id, user_name, created_at) VALUES ");

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (sql, "%s(##room%u::string, ##version%u::gint64, ##client%u::string, "
                            "##seq%u::gint64, ##op%u::string, ##user%u::string, "
                            "##name%u::string, ##created%u::gint64)",
                            i ? ", " : "", i, i, i, i, i, i, i, i);
  /* A batch retried after a COMMIT whose answer was lost finds its rows
   * already there: one daemon owns a room, so they are the same rows. */
  g_string_append (sql, " ON CONFLICT (room, version) DO NOTHING");

  return get_statement (self, sql->str, error);
}

/* The columns of an op row, in the order of get_insert_ops()'s SQL. */
static const char * const op_columns[] = {
  "room", "version", "client", "seq", "op", "user", "name", "created",
};

/* libgda looks holders up by name in a list: 512 lookups in a list of 512
 * for a 64-row insert. Its holders come in the order of the SQL, so an op
 * row's are the next eight; prepare_insert_ops() checks that order. */
static gboolean
set_holder (GSList       **holders,
            GType          type,
            gconstpointer  value,
            GError       **error)
{
  g_auto(GValue) v = G_VALUE_INIT;
  GdaHolder *holder = (*holders)->data;

  *holders = (*holders)->next;
  g_value_init (&v, type);
  if (type == G_TYPE_INT64)
    g_value_set_int64 (&v, *(const gint64 *) value);
  else
    g_value_set_static_string (&v, value);

  return gda_holder_set_value (holder, &v, error);
}

static gboolean
write_ops (PpdStore        *self,
           PpdCommitBatch  *batch,
           GError         **error)
{
  for (guint first = 0, n_rows; first < batch->entries->len; first += n_rows)
    {
      Statement *insert;
      GSList *holders;

      /* Powers of two only: a handful of statements, all prepared at open. */
      n_rows = MIN (OPS_PER_INSERT, batch->entries->len - first);
      n_rows = 1u << g_bit_nth_msf (n_rows, -1);
      insert = get_insert_ops (self, n_rows, error);

      if (insert == NULL)
        return FALSE;

      holders = insert->params->holders;
      for (guint row = 0; row < n_rows; row++)
        {
          const BatchEntry *e = &g_array_index (batch->entries, BatchEntry, first + row);
          g_autofree char *op_json = pp_text_op_to_string (e->entry->op);
          const char *name = e->entry->name ? e->entry->name : "";

          if (!set_holder (&holders, G_TYPE_STRING, e->room, error) ||
              !set_holder (&holders, G_TYPE_INT64, &e->entry->v, error) ||
              !set_holder (&holders, G_TYPE_STRING, e->entry->client, error) ||
              !set_holder (&holders, G_TYPE_INT64, &e->entry->seq, error) ||
              !set_holder (&holders, G_TYPE_STRING, op_json, error) ||
              !set_holder (&holders, G_TYPE_STRING, e->entry->user, error) ||
              !set_holder (&holders, G_TYPE_STRING, name, error) ||
              !set_holder (&holders, G_TYPE_INT64, &e->entry->created_at, error))
            return FALSE;
        }

      if (!run_non_select (self, insert, error))
        return FALSE;
    }

  return TRUE;
}

/* Only each client's last entry matters to exactly-once: one upsert per
 * client and room, not per op. */
static gboolean
write_clients (PpdStore        *self,
               PpdCommitBatch  *batch,
               GError         **error)
{
  Statement *client = get_statement (self, sql_upsert_client, error);
  g_autoptr(GHashTable) last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  const BatchEntry *e;

  if (client == NULL)
    return FALSE;

  for (guint i = 0; i < batch->entries->len; i++)
    {
      e = &g_array_index (batch->entries, BatchEntry, i);
      g_hash_table_insert (last, g_strconcat (e->room, "\n", e->entry->client, NULL), (gpointer) e);
    }

  g_hash_table_iter_init (&iter, last);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &e))
    {
      if (!set_params (client, error, "room", e->room, "client", e->entry->client,
                       "seq", e->entry->seq, "version", e->entry->v, NULL) ||
          !run_non_select (self, client, error))
        return FALSE;
    }

  return TRUE;
}

static int
compare_names (const void *a,
               const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Drops everything of @room from @batch. */
static void
batch_drop_room (PpdCommitBatch *batch,
                 const char     *room)
{
  for (guint i = batch->entries->len; i-- > 0;)
    if (g_str_equal (g_array_index (batch->entries, BatchEntry, i).room, room))
      g_array_remove_index (batch->entries, i);
  for (guint i = batch->snapshots->len; i-- > 0;)
    if (g_str_equal (g_array_index (batch->snapshots, BatchSnapshot, i).room, room))
      g_array_remove_index (batch->snapshots, i);
  g_hash_table_remove (batch->rooms, room);
}

/* Several daemons, one database: a guarded room's row is updated only from
 * the version this daemon last saw, which also locks it until the commit, so
 * two daemons never both write one version. A room another daemon moved on
 * is dropped from @batch and named in @conflicts. Rows are locked in the
 * order of their ids: two batches never wait for each other. */
static gboolean
claim_rooms (PpdStore        *self,
             PpdCommitBatch  *batch,
             GPtrArray       *conflicts,
             GError         **error)
{
  Statement *claim_meta = get_statement (self, sql_claim_room, error);
  Statement *claim_only = claim_meta ? get_statement (self, sql_claim_room_keep_meta, error) : NULL;
  g_autofree const char **ids = NULL;
  guint n_ids;

  if (claim_only == NULL)
    return FALSE;

  ids = (const char **) g_hash_table_get_keys_as_array (batch->rooms, &n_ids);
  qsort (ids, n_ids, sizeof (char *), compare_names);
  for (guint i = 0; i < n_ids; i++)
    {
      PpdRoomInfo *info = g_hash_table_lookup (batch->rooms, ids[i]);
      Statement *claim = info->meta_changed ? claim_meta : claim_only;
      gboolean ok;
      gint rows;

      if (!info->guarded)
        continue;

      if (info->meta_changed)
        ok = set_params (claim, error, "version", info->version, "updated", info->updated_at,
                         "language", info->language, "title", info->title, "id", info->id,
                         "expected", info->expected_version, NULL);
      else
        ok = set_params (claim, error, "version", info->version, "updated", info->updated_at,
                         "id", info->id, "expected", info->expected_version, NULL);
      if (!ok)
        return FALSE;
      rows = run_non_select_rows (self, claim, error);
      if (rows < 0)
        return FALSE;
      if (rows == 0)
        {
          g_ptr_array_add (conflicts, g_strdup (info->id));
          batch_drop_room (batch, ids[i]);
        }
    }

  return TRUE;
}

static gboolean
write_batch (PpdStore        *self,
             PpdCommitBatch  *batch,
             GError         **error)
{
  Statement *room = get_statement (self, sql_update_room, error);
  Statement *snapshot = room ? get_statement (self, sql_insert_snapshot, error) : NULL;
  GHashTableIter iter;
  PpdRoomInfo *info;

  if (snapshot == NULL || !write_ops (self, batch, error) || !write_clients (self, batch, error))
    return FALSE;

  g_hash_table_iter_init (&iter, batch->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &info))
    {
      /* claim_rooms() wrote those already. */
      if (info->guarded)
        continue;
      if (!set_params (room, error, "version", info->version, "updated", info->updated_at,
                       "language", info->language, "title", info->title, "id", info->id, NULL) ||
          !run_non_select (self, room, error))
        return FALSE;
    }

  for (guint i = 0; i < batch->snapshots->len; i++)
    {
      const BatchSnapshot *s = &g_array_index (batch->snapshots, BatchSnapshot, i);

      if (!set_params (snapshot, error, "room", s->room, "version", s->version,
                       "text", s->text, "created", g_get_real_time (), NULL) ||
          !run_non_select (self, snapshot, error))
        return FALSE;
    }

  return TRUE;
}

/* The result: the ids of the rooms claim_rooms() found moved on, or none. */
static gboolean
job_commit (PpdStore  *self,
            gpointer   data,
            gpointer  *result,
            GError   **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func (g_free);

  if (!begin (self, error))
    return FALSE;

  if (!claim_rooms (self, data, conflicts, error) || !write_batch (self, data, error) ||
      !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  *result = g_steal_pointer (&conflicts);
  return TRUE;
}

static gboolean
job_get_ops (PpdStore  *self,
             gpointer   data,
             gpointer  *result,
             GError   **error)
{
  RangeData *d = data;
  gint64 start;

  if (!read_history_start (self, d->room, &start, error))
    return FALSE;
  if (d->since < start)
    return fail_compacted (error, d->since, start);

  *result = read_entries (self, d->room, d->since, d->until, d->limit, error);
  return *result != NULL;
}

/* Replays on the worker so a long replay never holds up the main loop. */
static gboolean
job_get_text (PpdStore  *self,
              gpointer   data,
              gpointer  *result,
              GError   **error)
{
  RangeData *d = data;

  *result = text_at (self, d->room, d->until, error);
  return *result != NULL;
}

/* Folds the ops older than the newest @d->limit versions into the snapshot
 * they lead to: the ops up to the newest snapshot that old go, and the
 * snapshots before it but the checkpoints'. One transaction. */
static gboolean
job_compact (PpdStore  *self,
             gpointer   data,
             gpointer  *result,
             GError   **error)
{
  RangeData *d = data;
  Statement *s = get_statement (self, sql_newest_snapshot_before, error);
  g_autoptr(GdaDataModel) model = NULL;
  gint64 start;
  gint64 fold;

  if (s == NULL || !read_history_start (self, d->room, &start, error) ||
      !set_params (s, error, "room", d->room, "version", d->until - (gint64) d->limit, NULL) ||
      (model = run_select (self, s, error)) == NULL)
    return FALSE;

  fold = gda_data_model_get_n_rows (model) > 0 ? model_int64 (model, 0, 0) : 0;
  if (fold <= start)
    return TRUE;

  if (!begin (self, error))
    return FALSE;
  for (guint i = 0; i < 3; i++)
    {
      const char *sql = (const char *[]) { sql_compact_ops, sql_compact_snapshots,
                                           sql_set_history_start }[i];

      if ((s = get_statement (self, sql, error)) == NULL ||
          !set_params (s, error, "room", d->room, "version", fold, NULL) ||
          !run_non_select (self, s, error))
        {
          rollback (self);
          return FALSE;
        }
    }
  if (!commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  g_debug ("Room %s: history before version %" G_GINT64_FORMAT " folded into snapshots",
           d->room, fold);
  return TRUE;
}

/* Worker thread: accounts and sessions. Times are wall-clock µs: a
 * session's expiry has to survive restarts. */

/* A name taken in the meantime, by another case of it or another daemon on
 * the same database, leaves the row as it was: the hash read back tells
 * whether the row is ours (every hash has its own random salt). */
static gboolean
job_create_account (PpdStore  *self,
                    gpointer   data,
                    gpointer  *result,
                    GError   **error)
{
  AccountData *d = data;
  g_autofree char *key = g_ascii_strdown (d->name, -1);
  g_autofree char *stored = NULL;
  g_autoptr(GdaDataModel) model = NULL;
  Statement *insert = get_statement (self, sql_insert_account, error);
  Statement *select = insert ? get_statement (self, sql_select_account, error) : NULL;

  if (select == NULL ||
      !set_params (insert, error, "key", key, "name", d->name, "hash", d->secret,
                   "created", g_get_real_time (), NULL) ||
      !run_non_select (self, insert, error) ||
      !set_params (select, error, "key", key, NULL) ||
      (model = run_select (self, select, error)) == NULL)
    return FALSE;

  if (gda_data_model_get_n_rows (model) > 0)
    stored = model_dup_string (model, 1, 0);
  if (g_strcmp0 (stored, d->secret) != 0)
    {
      g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_EXISTS, "The name “%s” is taken",
                   d->name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
job_get_account (PpdStore  *self,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  AccountData *d = data;
  g_autofree char *key = g_ascii_strdown (d->name, -1);
  g_autoptr(GdaDataModel) model = NULL;
  Statement *s = get_statement (self, sql_select_account, error);
  PpdAccount *account;

  if (s == NULL || !set_params (s, error, "key", key, NULL) ||
      (model = run_select (self, s, error)) == NULL)
    return FALSE;

  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error_literal (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND, "No such account");
      return FALSE;
    }

  account = g_new0 (PpdAccount, 1);
  account->name = model_dup_string (model, 0, 0);
  account->password_hash = model_dup_string (model, 1, 0);
  *result = account;
  return TRUE;
}

/* Expired sessions go whenever a new one comes: the table holds only
 * sessions that still work, and needs no timer. */
static gboolean
job_create_session (PpdStore  *self,
                    gpointer   data,
                    gpointer  *result,
                    GError   **error)
{
  AccountData *d = data;
  g_autofree char *key = g_ascii_strdown (d->name, -1);
  gint64 now = g_get_real_time ();
  Statement *expired = get_statement (self, sql_delete_expired_sessions, error);
  Statement *insert = expired ? get_statement (self, sql_insert_session, error) : NULL;

  return insert != NULL &&
         set_params (expired, error, "now", now, NULL) &&
         run_non_select (self, expired, error) &&
         set_params (insert, error, "hash", d->secret, "key", key, "kind", d->kind,
                     "created", now, "expires", d->expires_at, NULL) &&
         run_non_select (self, insert, error);
}

static gboolean
job_get_session (PpdStore  *self,
                 gpointer   data,
                 gpointer  *result,
                 GError   **error)
{
  AccountData *d = data;
  g_autoptr(GdaDataModel) model = NULL;
  Statement *s = get_statement (self, sql_select_session, error);

  if (s == NULL || !set_params (s, error, "hash", d->secret, "now", g_get_real_time (), NULL) ||
      (model = run_select (self, s, error)) == NULL)
    return FALSE;

  if (gda_data_model_get_n_rows (model) < 1)
    {
      g_set_error_literal (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND,
                           "No such session, or it expired");
      return FALSE;
    }

  *result = model_dup_string (model, 0, 0);
  return TRUE;
}

static gboolean
job_delete_session (PpdStore  *self,
                    gpointer   data,
                    gpointer  *result,
                    GError   **error)
{
  AccountData *d = data;
  Statement *s = get_statement (self, sql_delete_session, error);

  return s != NULL && set_params (s, error, "hash", d->secret, NULL) &&
         run_non_select (self, s, error);
}

static gboolean
job_ping (PpdStore  *self,
          gpointer   data,
          gpointer  *result,
          GError   **error)
{
  /* Prepared once: libgda 5 leaks a little with every statement it
   * prepares, and /healthz may be asked every few seconds for months. */
  Statement *s = get_statement (self, sql_ping, error);
  g_autoptr(GdaDataModel) model = s != NULL ? run_select (self, s, error) : NULL;

  return model != NULL;
}

static gboolean
run_statements (PpdStore    *self,
                const char  *sql,
                GError     **error)
{
  g_autoptr(GdaBatch) batch = gda_sql_parser_parse_string_as_batch (self->parser, sql, NULL, error);

  if (batch == NULL)
    return FALSE;

  for (const GSList *l = gda_batch_get_statements (batch); l != NULL; l = l->next)
    {
      if (!execute_non_select (self, l->data, NULL, error))
        return FALSE;
    }

  return TRUE;
}

/* Migrations are compiled in (data/migrations), applied in name order, each
 * in its own transaction together with its row in schema_migrations. */
static gboolean
migrate_locked (PpdStore  *self,
                GError   **error)
{
  const char *dir = "/io/github/pairpad/pairpadd/migrations";
  g_auto(GStrv) names = NULL;
  g_autoptr(GdaDataModel) applied = NULL;
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!run_statements (self, "CREATE TABLE IF NOT EXISTS schema_migrations "
                       "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)", error))
    return FALSE;

  applied = gda_connection_execute_select_command (self->cnc, "SELECT name FROM schema_migrations",
                                                   error);
  if (applied == NULL)
    return FALSE;
  for (int row = 0, n = gda_data_model_get_n_rows (applied); row < n; row++)
    g_hash_table_add (done, model_dup_string (applied, 0, row));

  names = g_resources_enumerate_children (dir, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", dir, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GString) sql = NULL;
      g_autofree char *record = NULL;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *now_str = g_date_time_format_iso8601 (now);
      g_auto(GStrv) lines = NULL;

      if (g_hash_table_contains (done, names[i]))
        continue;

      bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return FALSE;

      /* Comments are dropped before the libgda parser sees the batch. */
      sql = g_string_new (NULL);
      lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        if (!g_str_has_prefix (g_strstrip (lines[l]), "--"))
          g_string_append_printf (sql, "%s\n", lines[l]);
      if (g_strcmp0 (self->provider, "SQLite") == 0)
        g_string_replace (sql, "BIGINT", "INT64", 0);

      record = g_strdup_printf ("INSERT INTO schema_migrations (name, applied_at) "
                                "VALUES ('%s', '%s')", names[i], now_str);

      if (!begin (self, error))
        return FALSE;
      if (!run_statements (self, sql->str, error) || !run_statements (self, record, error) ||
          !commit (self, error))
        {
          rollback (self);
          g_prefix_error (error, "Migration %s: ", names[i]);
          return FALSE;
        }
      g_info ("Applied migration %s", names[i]);
    }

  return TRUE;
}

/* Daemons of a cluster start together on one database: on PostgreSQL one
 * migrates at a time (a session lock, held until the migrations end) and
 * the others then find them applied. */
#define MIGRATION_LOCK "7267837"

static gboolean
migrate (PpdStore  *self,
         GError   **error)
{
  gboolean postgres = g_strcmp0 (self->provider, "PostgreSQL") == 0;
  g_autoptr(GdaDataModel) locked = NULL;
  g_autoptr(GdaDataModel) unlocked = NULL;
  gboolean ok;

  if (postgres)
    {
      locked = gda_connection_execute_select_command (self->cnc, "SELECT pg_advisory_lock ("
                                                      MIGRATION_LOCK ")", error);
      if (locked == NULL)
        return FALSE;
    }

  ok = migrate_locked (self, error);

  if (postgres)
    unlocked = gda_connection_execute_select_command (self->cnc, "SELECT pg_advisory_unlock ("
                                                      MIGRATION_LOCK ")", NULL);

  return ok;
}

static gboolean
open_connection (PpdStore  *self,
                 GError   **error)
{
  static const char * const sqlite_pragmas[] = {
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
  };

  if (self->sqlite_dir != NULL && g_mkdir_with_parents (self->sqlite_dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot create %s: %s", self->sqlite_dir, g_strerror (errsv));
      return FALSE;
    }

  self->cnc = gda_connection_open_from_string (self->provider, self->cnc_string, self->auth_string,
                                               GDA_CONNECTION_OPTIONS_NONE, error);
  if (self->cnc == NULL)
    return FALSE;

  g_clear_object (&self->parser);
  self->parser = gda_connection_create_parser (self->cnc);
  if (self->parser == NULL)
    self->parser = gda_sql_parser_new ();

  if (g_strcmp0 (self->provider, "SQLite") == 0)
    {
      for (guint i = 0; i < G_N_ELEMENTS (sqlite_pragmas); i++)
        {
          g_autoptr(GdaDataModel) model =
            gda_connection_execute_select_command (self->cnc, sqlite_pragmas[i], error);

          if (model == NULL)
            return FALSE;
        }
    }

  return TRUE;
}

/* libgda parses a statement on first use, and adds the parameters of a
 * 64-row INSERT one by one in quadratic time: done here, not while a
 * commit that holds up acks waits for it. */
static gboolean
prepare_insert_ops (PpdStore  *self,
                    GError   **error)
{
  for (guint n_rows = 1; n_rows <= OPS_PER_INSERT; n_rows *= 2)
    {
      Statement *insert = get_insert_ops (self, n_rows, error);
      GSList *holders;

      if (insert == NULL)
        return FALSE;

      /* write_ops() sets the holders by position. */
      holders = insert->params->holders;
      for (guint i = 0; i < n_rows * G_N_ELEMENTS (op_columns); i++, holders = holders->next)
        {
          g_autofree char *id = g_strdup_printf ("%s%u", op_columns[i % G_N_ELEMENTS (op_columns)],
                                                 i / (guint) G_N_ELEMENTS (op_columns));

          if (holders == NULL || g_strcmp0 (gda_holder_get_id (holders->data), id) != 0)
            {
              g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_FAILED,
                           "libgda orders the parameters of the op insert unexpectedly");
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* libgda's PostgreSQL provider prepares a statement (BEGIN included) on
 * its first use, and crashes when that fails for a server gone away
 * (libgda 5.2: an error without SQLSTATE). So every statement is prepared
 * while the server answers, right after connecting. */
static gboolean
prepare_all (PpdStore  *self,
             GError   **error)
{
  GHashTableIter iter;
  Statement *s;

  if (g_strcmp0 (self->provider, "PostgreSQL") != 0)
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (all_sql); i++)
    if (get_statement (self, *all_sql[i], error) == NULL)
      return FALSE;
  if (!prepare_insert_ops (self, error))
    return FALSE;

  g_hash_table_iter_init (&iter, self->statements);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
    if (!gda_connection_statement_prepare (self->cnc, s->statement, error))
      return FALSE;

  if (!begin (self, error))
    return FALSE;
  rollback (self);

  return TRUE;
}

static gboolean
job_open (PpdStore  *self,
          gpointer   data,
          gpointer  *result,
          GError   **error)
{
  return open_connection (self, error) && migrate (self, error) &&
         prepare_insert_ops (self, error) && prepare_all (self, error);
}

/* After a failed job: if the database no longer answers (a restarted
 * PostgreSQL, a network cut), drop the connection so that the next job
 * opens a new one instead of failing forever. */
static void
check_connection (PpdStore *self)
{
  g_autoptr(GdaDataModel) probe = NULL;

  if (self->cnc != NULL && gda_connection_is_opened (self->cnc))
    probe = gda_connection_execute_select_command (self->cnc, "SELECT 1", NULL);
  if (probe != NULL)
    return;

  g_warning ("Lost the connection to %s; reconnecting with the next job", self->description);
  g_hash_table_remove_all (self->statements);
  if (self->cnc != NULL)
    gda_connection_close (self->cnc);
  g_clear_object (&self->cnc);
  g_atomic_int_set (&self->available, FALSE);
}

static gboolean
unref_on_owner (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  g_free (job);
}

static void
run_job (PpdStore *self,
         GTask    *task)
{
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gpointer result = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->cnc == NULL && job->func != job_open &&
      (!open_connection (self, &error) || !prepare_all (self, &error)))
    {
      g_clear_object (&self->cnc);
      g_task_return_new_error (task, PPD_STORE_ERROR, PPD_STORE_ERROR_UNAVAILABLE,
                               "The database is unreachable: %s", error->message);
      return;
    }

  if (!job->func (self, job->data, &result, &error))
    {
      if (job->func != job_open)
        check_connection (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_atomic_int_set (&self->available, TRUE);
  g_task_return_pointer (task, result ? result : GINT_TO_POINTER (TRUE),
                         result ? job->result_free : NULL);
}

static void
worker (gpointer data,
        gpointer user_data)
{
  GTask *task = data;

  run_job (user_data, task);
  /* The task holds the store: release it on the owner's thread, so the
   * store is never finalized (and its pool never joined) from here. */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, unref_on_owner,
                              task, NULL);
}

static void
push_job (PpdStore            *self,
          gpointer             source_tag,
          JobFunc              func,
          gpointer             data,
          GDestroyNotify       data_free,
          GDestroyNotify       result_free,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

static gpointer
finish_job (PpdStore      *self,
            GAsyncResult  *result,
            gpointer       source_tag,
            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
range_data_free (gpointer data)
{
  RangeData *d = data;

  g_free (d->room);
  g_free (d);
}

static RangeData *
range_data_new (const char *room,
                gint64      since,
                gint64      until,
                guint       limit)
{
  RangeData *d = g_new0 (RangeData, 1);

  d->room = g_strdup (room);
  d->since = since;
  d->until = until;
  d->limit = limit;

  return d;
}

static void
create_room_data_free (gpointer data)
{
  CreateRoomData *d = data;

  ppd_room_info_clear (&d->info);
  ppd_access_clear (&d->access);
  g_free (d->text);
  g_free (d);
}

static void
checkpoint_data_free (gpointer data)
{
  CheckpointData *d = data;

  g_free (d->room);
  g_free (d->checkpoint.name);
  g_free (d);
}

void
ppd_checkpoint_free (PpdCheckpoint *checkpoint)
{
  g_free (checkpoint->name);
  g_free (checkpoint);
}

void
ppd_author_free (PpdAuthor *author)
{
  g_free (author->client);
  g_free (author->name);
  g_free (author);
}

void
ppd_blame_record_free (PpdBlameRecord *record)
{
  if (record == NULL)
    return;

  g_clear_pointer (&record->blame, pp_blame_free);
  g_clear_pointer (&record->authors, g_ptr_array_unref);
  g_free (record);
}

static void
access_data_free (gpointer data)
{
  AccessData *d = data;

  g_free (d->room);
  ppd_access_clear (&d->access);
  g_free (d);
}

static void
account_data_free (gpointer data)
{
  AccountData *d = data;

  g_free (d->name);
  g_free (d->secret);
  g_free (d->kind);
  g_free (d);
}

static AccountData *
account_data_new (const char *name,
                  const char *secret,
                  const char *kind,
                  gint64      expires_at)
{
  AccountData *d = g_new0 (AccountData, 1);

  d->name = g_strdup (name);
  d->secret = g_strdup (secret);
  d->kind = g_strdup (kind);
  d->expires_at = expires_at;

  return d;
}

/* URL parsing */

static gboolean
parse_url (PpdStore    *self,
           const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (g_str_has_prefix (url, "sqlite://"))
    {
      const char *path = url + strlen ("sqlite://");
      g_autofree char *dir = NULL;
      g_autofree char *base = NULL;
      g_autofree char *dir_enc = NULL;
      g_autofree char *base_enc = NULL;

      if (!g_path_is_absolute (path) || g_str_has_suffix (path, "/"))
        {
          g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_BAD_URL,
                       "SQLite database URL must be sqlite:///absolute/path/file.db, not “%s”", url);
          return FALSE;
        }

      dir = g_path_get_dirname (path);
      base = g_path_get_basename (path);
      dir_enc = gda_rfc1738_encode (dir);
      base_enc = gda_rfc1738_encode (base);
      self->provider = g_strdup ("SQLite");
      self->cnc_string = g_strdup_printf ("DB_DIR=%s;DB_NAME=%s;APPEND_DB_EXTENSION=FALSE",
                                          dir_enc, base_enc);
      self->sqlite_dir = g_steal_pointer (&dir);
      self->description = g_strdup_printf ("SQLite %s", path);
      return TRUE;
    }

  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, error);
  if (uri == NULL)
    return FALSE;

  if (g_strcmp0 (g_uri_get_scheme (uri), "postgresql") == 0 ||
      g_strcmp0 (g_uri_get_scheme (uri), "postgres") == 0)
    {
      const char *db = g_uri_get_path (uri);
      const char *user = g_uri_get_user (uri);
      const char *password = g_uri_get_password (uri);
      g_autofree char *user_enc = user ? gda_rfc1738_encode (user) : NULL;
      g_autofree char *password_enc = password ? gda_rfc1738_encode (password) : NULL;
      g_autofree char *host_enc = gda_rfc1738_encode (g_uri_get_host (uri) ? g_uri_get_host (uri)
                                                                           : "127.0.0.1");
      g_autofree char *db_enc = NULL;
      g_autoptr(GString) auth = g_string_new (NULL);

      while (*db == '/')
        db++;
      if (*db == '\0')
        {
          g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_BAD_URL,
                       "PostgreSQL URL needs a database name: postgresql://user:pass@host:port/db");
          return FALSE;
        }
      db_enc = gda_rfc1738_encode (db);

      self->provider = g_strdup ("PostgreSQL");
      self->cnc_string = g_strdup_printf ("HOST=%s;PORT=%d;DB_NAME=%s;CONNECT_TIMEOUT=5",
                                          host_enc,
                                          g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 5432,
                                          db_enc);
      if (user_enc != NULL)
        g_string_append_printf (auth, "USERNAME=%s", user_enc);
      if (password_enc != NULL)
        g_string_append_printf (auth, ";PASSWORD=%s", password_enc);
      self->auth_string = auth->len ? g_strdup (auth->str) : NULL;
      self->description = g_strdup_printf ("PostgreSQL %s@%s:%d/%s", user ? user : "",
                                           g_uri_get_host (uri) ? g_uri_get_host (uri) : "127.0.0.1",
                                           g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 5432,
                                           db);
      return TRUE;
    }

  g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_BAD_URL,
               "Unsupported database URL scheme “%s” (use sqlite:// or postgresql://)",
               g_uri_get_scheme (uri));
  return FALSE;
}

/* GObject */

static void
drain_pool (GThreadPool *pool)
{
  g_thread_pool_free (pool, FALSE, TRUE);
}

static void
ppd_store_finalize (GObject *object)
{
  PpdStore *self = (PpdStore *) object;

  /* Every queued job holds a reference through its GTask, so by now the
   * pool is idle; draining it only joins the thread. */
  g_clear_pointer (&self->pool, drain_pool);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_object (&self->parser);
  if (self->cnc != NULL)
    gda_connection_close (self->cnc);
  g_clear_object (&self->cnc);
  g_free (self->provider);
  g_free (self->cnc_string);
  g_free (self->auth_string);
  g_free (self->sqlite_dir);
  g_free (self->description);

  G_OBJECT_CLASS (ppd_store_parent_class)->finalize (object);
}

static void
ppd_store_class_init (PpdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ppd_store_finalize;
}

static void
ppd_store_init (PpdStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
}

/* Public API */

PpdStore *
ppd_store_new (const char  *url,
               GError     **error)
{
  static gsize gda_initialized = 0;
  g_autoptr(PpdStore) self = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  if (g_once_init_enter (&gda_initialized))
    {
      gda_init ();
      ppd_register_resource ();
      g_once_init_leave (&gda_initialized, 1);
    }

  self = g_object_new (PPD_TYPE_STORE, NULL);
  if (!parse_url (self, url, error))
    return NULL;

  self->pool = g_thread_pool_new (worker, self, 1, TRUE, error);
  if (self->pool == NULL)
    return NULL;

  g_info ("Store: %s", self->description);
  return g_steal_pointer (&self);
}

const char *
ppd_store_get_provider_name (PpdStore *self)
{
  g_return_val_if_fail (PPD_IS_STORE (self), NULL);

  return self->provider;
}

gboolean
ppd_store_is_available (PpdStore *self)
{
  g_return_val_if_fail (PPD_IS_STORE (self), FALSE);

  return g_atomic_int_get (&self->available);
}

void
ppd_store_open_async (PpdStore            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_open_async, job_open, NULL, NULL, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_open_finish (PpdStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return finish_job (self, result, ppd_store_open_async, error) != NULL;
}

void
ppd_store_create_room_async (PpdStore            *self,
                             const PpdRoomInfo   *info,
                             const PpdAccess     *access,
                             const char          *text,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  CreateRoomData *d = g_new0 (CreateRoomData, 1);

  g_return_if_fail (PPD_IS_STORE (self));

  room_info_copy (&d->info, info);
  ppd_access_copy (&d->access, access);
  d->text = g_strdup (text);
  push_job (self, ppd_store_create_room_async, job_create_room, d, create_room_data_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_create_room_finish (PpdStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_job (self, result, ppd_store_create_room_async, error) != NULL;
}

void
ppd_store_load_room_async (PpdStore            *self,
                           const char          *id,
                           guint                catchup_limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_load_room_async, job_load_room,
            range_data_new (id, 0, 0, catchup_limit), range_data_free,
            (GDestroyNotify) ppd_room_record_free, cancellable, callback, user_data);
}

PpdRoomRecord *
ppd_store_load_room_finish (PpdStore      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_job (self, result, ppd_store_load_room_async, error);
}

/* Takes ownership of @batch. */
void
ppd_store_commit_async (PpdStore            *self,
                        PpdCommitBatch      *batch,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_commit_async, job_commit, batch,
            (GDestroyNotify) ppd_commit_batch_free, (GDestroyNotify) g_ptr_array_unref,
            cancellable, callback, user_data);
}

/* @conflicts: (out) (optional) (transfer full): the guarded rooms another
 * daemon moved on, which were not written (PpdRoomInfo.guarded). */
gboolean
ppd_store_commit_finish (PpdStore      *self,
                         GAsyncResult  *result,
                         GPtrArray    **conflicts,
                         GError       **error)
{
  g_autoptr(GPtrArray) rooms = finish_job (self, result, ppd_store_commit_async, error);

  if (conflicts != NULL)
    *conflicts = rooms != NULL ? g_ptr_array_ref (rooms) : NULL;

  return rooms != NULL;
}

void
ppd_store_get_ops_async (PpdStore            *self,
                         const char          *room,
                         gint64               since,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_get_ops_async, job_get_ops,
            range_data_new (room, since, G_MAXINT64, limit), range_data_free,
            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
ppd_store_get_ops_finish (PpdStore      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_job (self, result, ppd_store_get_ops_async, error);
}

void
ppd_store_get_text_async (PpdStore            *self,
                          const char          *room,
                          gint64               version,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_get_text_async, job_get_text,
            range_data_new (room, 0, version, 0), range_data_free, g_free,
            cancellable, callback, user_data);
}

char *
ppd_store_get_text_finish (PpdStore      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish_job (self, result, ppd_store_get_text_async, error);
}

void
ppd_store_set_access_async (PpdStore            *self,
                            const char          *room,
                            const PpdAccess     *access,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  AccessData *d = g_new0 (AccessData, 1);

  g_return_if_fail (PPD_IS_STORE (self));

  d->room = g_strdup (room);
  ppd_access_copy (&d->access, access);
  push_job (self, ppd_store_set_access_async, job_set_access, d, access_data_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_set_access_finish (PpdStore      *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return finish_job (self, result, ppd_store_set_access_async, error) != NULL;
}

void
ppd_store_delete_room_async (PpdStore            *self,
                             const char          *room,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_delete_room_async, job_delete_room, g_strdup (room), g_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_delete_room_finish (PpdStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_job (self, result, ppd_store_delete_room_async, error) != NULL;
}

/* Fails with PPD_STORE_ERROR_EXISTS when @name is taken, in any case. */
void
ppd_store_create_account_async (PpdStore            *self,
                                const char          *name,
                                const char          *password_hash,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));
  g_return_if_fail (name != NULL && password_hash != NULL);

  push_job (self, ppd_store_create_account_async, job_create_account,
            account_data_new (name, password_hash, NULL, 0), account_data_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_create_account_finish (PpdStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_job (self, result, ppd_store_create_account_async, error) != NULL;
}

/* @name in any case; PPD_STORE_ERROR_NOT_FOUND when there is no such account. */
void
ppd_store_get_account_async (PpdStore            *self,
                             const char          *name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));
  g_return_if_fail (name != NULL);

  push_job (self, ppd_store_get_account_async, job_get_account,
            account_data_new (name, NULL, NULL, 0), account_data_free,
            (GDestroyNotify) ppd_account_free, cancellable, callback, user_data);
}

PpdAccount *
ppd_store_get_account_finish (PpdStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_job (self, result, ppd_store_get_account_async, error);
}

/* @kind says what holds the token ("cookie", "token"), for whoever reads
 * the table; @expires_at is wall-clock µs since the epoch. */
void
ppd_store_create_session_async (PpdStore            *self,
                                const char          *token_hash,
                                const char          *name,
                                const char          *kind,
                                gint64               expires_at,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));
  g_return_if_fail (token_hash != NULL && name != NULL && kind != NULL);

  push_job (self, ppd_store_create_session_async, job_create_session,
            account_data_new (name, token_hash, kind, expires_at), account_data_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_create_session_finish (PpdStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_job (self, result, ppd_store_create_session_async, error) != NULL;
}

/* The name of the account signed in with the token hashed as @token_hash;
 * PPD_STORE_ERROR_NOT_FOUND when the session does not exist or expired. */
void
ppd_store_get_session_async (PpdStore            *self,
                             const char          *token_hash,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));
  g_return_if_fail (token_hash != NULL);

  push_job (self, ppd_store_get_session_async, job_get_session,
            account_data_new (NULL, token_hash, NULL, 0), account_data_free, g_free,
            cancellable, callback, user_data);
}

char *
ppd_store_get_session_finish (PpdStore      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_job (self, result, ppd_store_get_session_async, error);
}

/* Succeeds also when there was no such session. */
void
ppd_store_delete_session_async (PpdStore            *self,
                                const char          *token_hash,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));
  g_return_if_fail (token_hash != NULL);

  push_job (self, ppd_store_delete_session_async, job_delete_session,
            account_data_new (NULL, token_hash, NULL, 0), account_data_free, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_delete_session_finish (PpdStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_job (self, result, ppd_store_delete_session_async, error) != NULL;
}

void
ppd_store_add_checkpoint_async (PpdStore            *self,
                                const char          *room,
                                const PpdCheckpoint *checkpoint,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  CheckpointData *d = g_new0 (CheckpointData, 1);

  g_return_if_fail (PPD_IS_STORE (self));

  d->room = g_strdup (room);
  d->checkpoint = *checkpoint;
  d->checkpoint.name = g_strdup (checkpoint->name);
  push_job (self, ppd_store_add_checkpoint_async, job_add_checkpoint, d, checkpoint_data_free,
            NULL, cancellable, callback, user_data);
}

gboolean
ppd_store_add_checkpoint_finish (PpdStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_job (self, result, ppd_store_add_checkpoint_async, error) != NULL;
}

/* Oldest first. */
void
ppd_store_list_checkpoints_async (PpdStore            *self,
                                  const char          *room,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_list_checkpoints_async, job_list_checkpoints, g_strdup (room), g_free,
            (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
ppd_store_list_checkpoints_finish (PpdStore      *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_job (self, result, ppd_store_list_checkpoints_async, error);
}

void
ppd_store_get_blame_async (PpdStore            *self,
                           const char          *room,
                           gint64               version,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_get_blame_async, job_get_blame,
            range_data_new (room, 0, version, 0), range_data_free,
            (GDestroyNotify) ppd_blame_record_free, cancellable, callback, user_data);
}

PpdBlameRecord *
ppd_store_get_blame_finish (PpdStore      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish_job (self, result, ppd_store_get_blame_async, error);
}

/* Folds what is older than the newest @keep versions of @room into snapshots. */
void
ppd_store_compact_async (PpdStore            *self,
                         const char          *room,
                         gint64               version,
                         guint                keep,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_compact_async, job_compact, range_data_new (room, 0, version, keep),
            range_data_free, NULL, cancellable, callback, user_data);
}

gboolean
ppd_store_compact_finish (PpdStore      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return finish_job (self, result, ppd_store_compact_async, error) != NULL;
}

void
ppd_store_ping_async (PpdStore            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (PPD_IS_STORE (self));

  push_job (self, ppd_store_ping_async, job_ping, NULL, NULL, NULL,
            cancellable, callback, user_data);
}

gboolean
ppd_store_ping_finish (PpdStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  return finish_job (self, result, ppd_store_ping_async, error) != NULL;
}
