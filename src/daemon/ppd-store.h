/* ppd-store.h: durable rooms and op logs through libgda (SQLite or PostgreSQL), off the main thread.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <pairpad.h>

#include "ppd-access.h"

G_BEGIN_DECLS

#define PPD_STORE_ERROR (ppd_store_error_quark ())

typedef enum
{
  PPD_STORE_ERROR_FAILED,
  PPD_STORE_ERROR_NOT_FOUND,
  PPD_STORE_ERROR_BAD_URL,
  PPD_STORE_ERROR_UNAVAILABLE,
  PPD_STORE_ERROR_CORRUPT,
  PPD_STORE_ERROR_EXISTS,
  PPD_STORE_ERROR_COMPACTED,   /* a version older than the history kept */
} PpdStoreError;

/* Room metadata as stored. Plain value; owned by whoever holds it. */
typedef struct
{
  char   *id;
  char   *language;
  char   *title;
  gint64  version;
  gint64  created_at;   /* µs since the epoch */
  gint64  updated_at;
  /* Commits only: with several daemons on one database, the room's row and
   * entries are written only while its stored version is still
   * @expected_version; otherwise the commit reports the room as conflicted
   * and writes nothing of it. */
  gboolean guarded;
  gint64   expected_version;
  /* Guarded commits write @language and @title only when this daemon's
   * sessions changed them: another daemon may have newer ones. */
  gboolean meta_changed;
} PpdRoomInfo;

typedef struct
{
  gint64 last_seq;
  gint64 last_version;
} PpdClientSeq;

/* What a room needs to come back to life: its metadata, the newest snapshot,
 * the log tail after max(0, version - catchup_limit) (which always covers
 * the snapshot) and the last seq of every client. */
typedef struct
{
  PpdRoomInfo  info;
  PpdAccess    access;
  char        *snapshot_text;
  gint64       snapshot_version;
  GPtrArray   *entries;   /* of PpLogEntry, oldest first */
  GHashTable  *clients;   /* client id → PpdClientSeq */
} PpdRoomRecord;

/* An account as stored. Plain value; owned by whoever holds it. */
typedef struct
{
  char *name;            /* as its owner spells it */
  char *password_hash;   /* crypt(3) */
} PpdAccount;

/* A named version of a room. */
typedef struct
{
  gint64  version;
  char   *name;
  gint64  created_at;   /* µs since the epoch */
} PpdCheckpoint;

/* Whoever wrote a part of a room's text: one per client id. */
typedef struct
{
  char *client;
  char *name;           /* (nullable) the newest name it wrote under */
} PpdAuthor;

/* Who wrote what at @version: @blame's authors index @authors. */
typedef struct
{
  gint64     version;
  PpBlame   *blame;
  GPtrArray *authors;   /* of PpdAuthor */
} PpdBlameRecord;

/* One group commit: everything written in one transaction. */
typedef struct _PpdCommitBatch PpdCommitBatch;

#define PPD_TYPE_STORE (ppd_store_get_type ())

G_DECLARE_FINAL_TYPE (PpdStore, ppd_store, PPD, STORE, GObject)

GQuark           ppd_store_error_quark          (void);

void             ppd_checkpoint_free            (PpdCheckpoint     *checkpoint);
void             ppd_author_free                (PpdAuthor         *author);
void             ppd_blame_record_free          (PpdBlameRecord    *record);
void             ppd_room_info_clear            (PpdRoomInfo       *info);
void             ppd_room_record_free           (PpdRoomRecord     *record);
void             ppd_account_free               (PpdAccount        *account);

PpdCommitBatch  *ppd_commit_batch_new           (void);
void             ppd_commit_batch_free          (PpdCommitBatch    *batch);
gboolean         ppd_commit_batch_is_empty      (PpdCommitBatch    *batch);
guint            ppd_commit_batch_get_n_entries (PpdCommitBatch    *batch);
void             ppd_commit_batch_add_entry     (PpdCommitBatch    *batch,
                                                 const char        *room,
                                                 PpLogEntry        *entry);
void             ppd_commit_batch_set_room      (PpdCommitBatch    *batch,
                                                 const PpdRoomInfo *info);
void             ppd_commit_batch_add_snapshot  (PpdCommitBatch    *batch,
                                                 const char        *room,
                                                 gint64             version,
                                                 char              *text);

gboolean         ppd_store_snapshot_is_due      (guint              interval,
                                                 gint64             ops_since,
                                                 gsize              length);

PpdStore        *ppd_store_new                  (const char        *url,
                                                 GError           **error);
const char      *ppd_store_get_provider_name    (PpdStore          *self);
gboolean         ppd_store_is_available         (PpdStore          *self);

void             ppd_store_open_async           (PpdStore          *self,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_open_finish          (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_create_room_async    (PpdStore          *self,
                                                 const PpdRoomInfo *info,
                                                 const PpdAccess   *access,
                                                 const char        *text,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_create_room_finish   (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_load_room_async      (PpdStore          *self,
                                                 const char        *id,
                                                 guint              catchup_limit,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
PpdRoomRecord   *ppd_store_load_room_finish     (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_commit_async         (PpdStore          *self,
                                                 PpdCommitBatch    *batch,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_commit_finish        (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GPtrArray        **conflicts,
                                                 GError           **error);
void             ppd_store_get_ops_async        (PpdStore          *self,
                                                 const char        *room,
                                                 gint64             since,
                                                 guint              limit,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
GPtrArray       *ppd_store_get_ops_finish       (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_get_text_async       (PpdStore          *self,
                                                 const char        *room,
                                                 gint64             version,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
char            *ppd_store_get_text_finish      (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_set_access_async     (PpdStore          *self,
                                                 const char        *room,
                                                 const PpdAccess   *access,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_set_access_finish    (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_delete_room_async    (PpdStore          *self,
                                                 const char        *room,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_delete_room_finish   (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_create_account_async (PpdStore          *self,
                                                 const char        *name,
                                                 const char        *password_hash,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_create_account_finish
                                                (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_get_account_async    (PpdStore          *self,
                                                 const char        *name,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
PpdAccount      *ppd_store_get_account_finish   (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_create_session_async (PpdStore          *self,
                                                 const char        *token_hash,
                                                 const char        *name,
                                                 const char        *kind,
                                                 gint64             expires_at,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_create_session_finish
                                                (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_get_session_async    (PpdStore          *self,
                                                 const char        *token_hash,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
char            *ppd_store_get_session_finish   (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_delete_session_async (PpdStore          *self,
                                                 const char        *token_hash,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_delete_session_finish
                                                (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_add_checkpoint_async (PpdStore          *self,
                                                 const char        *room,
                                                 const PpdCheckpoint *checkpoint,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_add_checkpoint_finish (PpdStore         *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_list_checkpoints_async (PpdStore        *self,
                                                 const char        *room,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
GPtrArray       *ppd_store_list_checkpoints_finish (PpdStore       *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_get_blame_async      (PpdStore          *self,
                                                 const char        *room,
                                                 gint64             version,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
PpdBlameRecord  *ppd_store_get_blame_finish     (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_compact_async        (PpdStore          *self,
                                                 const char        *room,
                                                 gint64             version,
                                                 guint              keep,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_compact_finish       (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);
void             ppd_store_ping_async           (PpdStore          *self,
                                                 GCancellable      *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer           user_data);
gboolean         ppd_store_ping_finish          (PpdStore          *self,
                                                 GAsyncResult      *result,
                                                 GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdCommitBatch, ppd_commit_batch_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdRoomRecord, ppd_room_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdBlameRecord, ppd_blame_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdAccount, ppd_account_free)

G_END_DECLS
