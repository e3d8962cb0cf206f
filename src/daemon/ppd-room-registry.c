/* ppd-room-registry.c: the rooms in memory, their loading, unloading and group commits.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-room-registry"

#include "config.h"

#include <string.h>

#include "ppd-room-registry.h"

/* The registry loads a room from the store on first use (concurrent
 * requests for one room share a single load), unloads it once it has been
 * empty and fully committed for a while, and runs the group commit: every
 * room with new entries is collected into one batch, one transaction, with
 * at most one batch in flight. Whatever arrives while a batch is being
 * written goes into the next one, so the batch size grows with the load and
 * durability does not cost throughput. */

#define SWEEP_INTERVAL_S 1
#define MAX_RETRY_DELAY_MS 2000

struct _PpdRoomRegistry
{
  GObject          parent_instance;

  /* Owned */
  PpdStore        *store;
  GHashTable      *rooms;         /* id → PpdRoom */
  GHashTable      *loading;       /* id → GPtrArray of GTask */
  GHashTable      *idle_since;    /* PpdRoom → gint64* (monotonic µs) */
  GHashTable      *dirty;         /* PpdRoom set: entries or metadata to store */
  GPtrArray       *shutdown_tasks;
  guint            flush_id;
  guint            sweep_id;
  guint            retry_id;
  guint            retry_delay_ms;
  gint64           last_health_check;

  /* Borrowed */
  const PpdConfig *config;
  PpdMetrics      *metrics;

  /* Flags */
  guint            committing : 1;
  guint            shutting_down : 1;
};

G_DEFINE_FINAL_TYPE (PpdRoomRegistry, ppd_room_registry, G_TYPE_OBJECT)

enum
{
  ROOM_ADDED,
  ROOM_REMOVED,
  ROOM_CONFLICTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  PpdRoomRegistry *self;
  GPtrArray       *rooms;
  gint64           started;
  guint            n_entries;
} Commit;

static void flush_commit (PpdRoomRegistry *self);

static void
maybe_finish_shutdown (PpdRoomRegistry *self)
{
  if (!self->shutting_down || self->committing || g_hash_table_size (self->dirty) > 0)
    return;

  for (guint i = 0; i < self->shutdown_tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (self->shutdown_tasks, i), TRUE);
  g_ptr_array_set_size (self->shutdown_tasks, 0);
}

static gboolean
flush_cb (gpointer data)
{
  PpdRoomRegistry *self = data;

  self->flush_id = 0;
  flush_commit (self);
  return G_SOURCE_REMOVE;
}

static gboolean
retry_cb (gpointer data)
{
  PpdRoomRegistry *self = data;

  self->retry_id = 0;
  flush_commit (self);
  return G_SOURCE_REMOVE;
}

/* At default priority, after the frames read in this main-loop pass. */
static void
schedule_flush (PpdRoomRegistry *self)
{
  if (self->flush_id == 0 && self->retry_id == 0 && !self->committing)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_cb, self, NULL);
}

static void
commit_free (Commit *c)
{
  g_object_unref (c->self);
  g_ptr_array_unref (c->rooms);
  g_free (c);
}

static void
on_compacted (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GError) error = NULL;

  /* Nothing is lost when it fails: the history stays, and the next
   * snapshot tries again. */
  if (!ppd_store_compact_finish (PPD_STORE (source), result, &error))
    g_warning ("Could not fold old history into snapshots: %s", error->message);
}

static void
on_committed (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Commit *c = data;
  PpdRoomRegistry *self = c->self;
  g_autoptr(GError) error = NULL;

  g_autoptr(GPtrArray) conflicts = NULL;

  self->committing = FALSE;

  if (ppd_store_commit_finish (PPD_STORE (source), result, &conflicts, &error))
    {
      ppd_metrics_observe_commit (self->metrics, g_get_monotonic_time () - c->started,
                                  c->n_entries);
      self->retry_delay_ms = 0;
      for (guint i = 0; i < c->rooms->len; i++)
        {
          PpdRoom *room = g_ptr_array_index (c->rooms, i);

          /* Another daemon stored the room's next version first. */
          if (g_ptr_array_find_with_equal_func (conflicts, ppd_room_get_id (room), g_str_equal, NULL))
            {
              ppd_metrics_count_commit_conflict (self->metrics);
              ppd_room_commit_conflicted (room);
              g_signal_emit (self, signals[ROOM_CONFLICTED], 0, room);
              continue;
            }

          ppd_room_committed (room);
          /* Queued after this commit: the store runs jobs in order. */
          if (self->config->history_ops > 0 && ppd_room_take_new_snapshot (room))
            ppd_store_compact_async (self->store, ppd_room_get_id (room),
                                     ppd_room_get_version (room), self->config->history_ops,
                                     NULL, on_compacted, NULL);
        }
      schedule_flush (self);
    }
  else
    {
      /* Nothing is acked, so nothing is lost: the same entries go into the
       * next batch, after a pause that grows while the store stays down. */
      self->retry_delay_ms = CLAMP (self->retry_delay_ms * 2, 100, MAX_RETRY_DELAY_MS);
      g_warning ("Group commit of %u ops failed, retrying in %u ms: %s",
                 c->n_entries, self->retry_delay_ms, error->message);
      ppd_metrics_count_commit_failure (self->metrics);
      for (guint i = 0; i < c->rooms->len; i++)
        {
          PpdRoom *room = g_ptr_array_index (c->rooms, i);

          ppd_room_commit_failed (room);
          if (!ppd_room_is_deleted (room))
            g_hash_table_add (self->dirty, g_object_ref (room));
        }
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add (self->retry_delay_ms, retry_cb, self);
    }

  maybe_finish_shutdown (self);
  commit_free (c);
}

static void
flush_commit (PpdRoomRegistry *self)
{
  g_autoptr(PpdCommitBatch) batch = NULL;
  GHashTableIter iter;
  PpdRoom *room;
  Commit *c;

  if (self->committing || g_hash_table_size (self->dirty) == 0)
    {
      maybe_finish_shutdown (self);
      return;
    }

  batch = ppd_commit_batch_new ();
  c = g_new0 (Commit, 1);
  c->self = g_object_ref (self);
  c->rooms = g_ptr_array_new_with_free_func (g_object_unref);
  c->started = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, (gpointer *) &room, NULL))
    {
      if (ppd_room_collect_commit (room, batch))
        g_ptr_array_add (c->rooms, g_object_ref (room));
      g_hash_table_iter_remove (&iter);
    }

  if (c->rooms->len == 0)
    {
      commit_free (c);
      maybe_finish_shutdown (self);
      return;
    }

  c->n_entries = ppd_commit_batch_get_n_entries (batch);
  self->committing = TRUE;
  ppd_store_commit_async (self->store, g_steal_pointer (&batch), NULL, on_committed, c);
}

static void
on_room_needs_commit (PpdRoom         *room,
                      PpdRoomRegistry *self)
{
  if (!g_hash_table_contains (self->dirty, room))
    g_hash_table_add (self->dirty, g_object_ref (room));
  schedule_flush (self);
}

static void
unload_room (PpdRoomRegistry *self,
             PpdRoom         *room)
{
  g_info ("Unloading idle room %s", ppd_room_get_id (room));
  g_signal_handlers_disconnect_by_data (room, self);
  g_signal_emit (self, signals[ROOM_REMOVED], 0, room);
  g_hash_table_remove (self->idle_since, room);
  g_hash_table_remove (self->rooms, ppd_room_get_id (room));
}

/* Once a second: idle rooms leave memory; every few seconds, every
 * session's liveness and back-pressure are checked. */
static gboolean
sweep_cb (gpointer data)
{
  PpdRoomRegistry *self = data;
  g_autoptr(GList) rooms = g_hash_table_get_values (self->rooms);
  gint64 now = g_get_monotonic_time ();
  gboolean check_health = now - self->last_health_check >=
                          MIN (5, self->config->ping_interval_s) * G_USEC_PER_SEC;

  if (check_health)
    self->last_health_check = now;

  for (GList *l = rooms; l != NULL; l = l->next)
    {
      PpdRoom *room = l->data;
      gint64 *since;

      if (check_health)
        ppd_room_check_health (room);

      if (!ppd_room_is_idle (room) || g_hash_table_contains (self->dirty, room))
        {
          g_hash_table_remove (self->idle_since, room);
          continue;
        }

      since = g_hash_table_lookup (self->idle_since, room);
      if (since == NULL)
        {
          since = g_new (gint64, 1);
          *since = now;
          g_hash_table_insert (self->idle_since, room, since);
        }
      else if (now - *since >= (gint64) self->config->room_unload_s * G_USEC_PER_SEC)
        unload_room (self, room);
    }

  return G_SOURCE_CONTINUE;
}

static void
ppd_room_registry_dispose (GObject *object)
{
  PpdRoomRegistry *self = (PpdRoomRegistry *) object;
  GHashTableIter iter;
  PpdRoom *room;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);

  if (self->rooms != NULL)
    {
      g_hash_table_iter_init (&iter, self->rooms);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
        g_signal_handlers_disconnect_by_data (room, self);
    }
  g_clear_pointer (&self->idle_since, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ppd_room_registry_parent_class)->dispose (object);
}

static void
ppd_room_registry_finalize (GObject *object)
{
  PpdRoomRegistry *self = (PpdRoomRegistry *) object;

  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_pointer (&self->shutdown_tasks, g_ptr_array_unref);

  G_OBJECT_CLASS (ppd_room_registry_parent_class)->finalize (object);
}

static void
ppd_room_registry_class_init (PpdRoomRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_room_registry_dispose;
  object_class->finalize = ppd_room_registry_finalize;

  /* Emitted when a room is loaded or created, before anyone joins it. */
  signals[ROOM_ADDED] = g_signal_new ("room-added", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                      PPD_TYPE_ROOM);
  /* Emitted when a room leaves memory: unloaded when idle, or deleted. */
  signals[ROOM_REMOVED] = g_signal_new ("room-removed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        PPD_TYPE_ROOM);
  /* Cluster mode: another daemon stored the room's next version first;
   * nothing of its batch was written. Read the store, then commit again. */
  signals[ROOM_CONFLICTED] = g_signal_new ("room-conflicted", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                           PPD_TYPE_ROOM);
}

static void
ppd_room_registry_init (PpdRoomRegistry *self)
{
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
  self->idle_since = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->dirty = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->shutdown_tasks = g_ptr_array_new_with_free_func (g_object_unref);
}

PpdRoomRegistry *
ppd_room_registry_new (PpdStore        *store,
                       const PpdConfig *config,
                       PpdMetrics      *metrics)
{
  PpdRoomRegistry *self = g_object_new (PPD_TYPE_ROOM_REGISTRY, NULL);

  self->store = g_object_ref (store);
  self->config = config;
  self->metrics = metrics;
  self->sweep_id = g_timeout_add_seconds (SWEEP_INTERVAL_S, sweep_cb, self);

  return self;
}

/* The room @id when it is in memory, else NULL. */
PpdRoom *
ppd_room_registry_lookup (PpdRoomRegistry *self,
                          const char      *id)
{
  return g_hash_table_lookup (self->rooms, id);
}

/* Every room in memory. */
GPtrArray *
ppd_room_registry_dup_rooms (PpdRoomRegistry *self)
{
  GPtrArray *rooms = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  PpdRoom *room;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    g_ptr_array_add (rooms, g_object_ref (room));

  return rooms;
}

guint
ppd_room_registry_get_n_rooms (PpdRoomRegistry *self)
{
  return g_hash_table_size (self->rooms);
}

guint
ppd_room_registry_get_n_connections (PpdRoomRegistry *self)
{
  GHashTableIter iter;
  PpdRoom *room;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    n += ppd_room_get_n_connections (room);

  return n;
}

gboolean
ppd_room_id_is_valid (const char *id)
{
  gsize len = 0;

  for (const char *p = id; *p != '\0'; p++, len++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return len >= 1 && len <= 64;
}

/* 128 random bits: the room link. Whether it alone lets someone in is the
 * room's general access (ppd-access.c). */
static char *
generate_room_id (void)
{
  return ppd_access_new_random_token (16);
}

static void
on_room_created (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_create_room_finish (PPD_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer ((PpdCreatedRoom **) g_task_get_task_data (task)),
                           (GDestroyNotify) ppd_created_room_free);
}

void
ppd_created_room_free (PpdCreatedRoom *created)
{
  if (created == NULL)
    return;

  ppd_room_info_clear (&created->info);
  g_free (created->owner_key);
  g_free (created);
}

static void
created_room_holder_free (gpointer data)
{
  PpdCreatedRoom **holder = data;

  g_clear_pointer (holder, ppd_created_room_free);
  g_free (holder);
}

void
ppd_room_registry_create_room_async (PpdRoomRegistry     *self,
                                     const char          *language,
                                     const char          *title,
                                     const char          *text,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PpdCreatedRoom **holder = g_new0 (PpdCreatedRoom *, 1);
  PpdCreatedRoom *created = g_new0 (PpdCreatedRoom, 1);
  PpdRoomInfo *info = &created->info;
  PpdAccess access;

  g_task_set_source_tag (task, ppd_room_registry_create_room_async);

  info->id = generate_room_id ();
  info->language = g_strdup (language);
  info->title = g_strdup (title);
  info->created_at = info->updated_at = g_get_real_time ();
  created->owner_key = ppd_access_init_owned (&access);
  *holder = created;
  g_task_set_task_data (task, holder, created_room_holder_free);

  ppd_store_create_room_async (self->store, info, &access, text, cancellable, on_room_created,
                               g_steal_pointer (&task));
  ppd_access_clear (&access);
}

/* (transfer full): the room as stored, and its owner key, which exists
 * nowhere else. */
PpdCreatedRoom *
ppd_room_registry_create_room_finish (PpdRoomRegistry  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  PpdRoomRegistry *self;
  char            *id;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_free (load->id);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static void
on_room_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(Load) load = data;
  PpdRoomRegistry *self = load->self;
  const char *id = load->id;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdRoomRecord) record = NULL;
  g_autoptr(PpdRoom) room = NULL;
  g_autoptr(GPtrArray) tasks = NULL;
  g_autofree char *key = NULL;

  record = ppd_store_load_room_finish (PPD_STORE (source), result, &error);
  if (record != NULL)
    room = ppd_room_new (record, self->config, self->metrics, &error);

  if (self->loading == NULL ||
      !g_hash_table_steal_extended (self->loading, id, (gpointer *) &key, (gpointer *) &tasks))
    return;

  if (room != NULL && !self->shutting_down)
    {
      g_signal_connect (room, "needs-commit", G_CALLBACK (on_room_needs_commit), self);
      g_hash_table_insert (self->rooms, g_strdup (key), g_object_ref (room));
      g_signal_emit (self, signals[ROOM_ADDED], 0, room);
      g_info ("Loaded room %s", key);
    }
  else if (error == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The daemon is shutting down");
  else if (!g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
    g_warning ("Cannot load room %s: %s", key, error->message);

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (room != NULL && error == NULL)
        g_task_return_pointer (task, g_object_ref (room), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

void
ppd_room_registry_get_room_async (PpdRoomRegistry     *self,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  PpdRoom *room;
  GPtrArray *waiting;
  Load *load;

  g_task_set_source_tag (task, ppd_room_registry_get_room_async);

  if (self->shutting_down)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED, "The daemon is shutting down");
      return;
    }

  if (!ppd_room_id_is_valid (id))
    {
      g_task_return_new_error (task, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND,
                               "No room “%s”", id);
      return;
    }

  if ((room = g_hash_table_lookup (self->rooms, id)) != NULL)
    {
      /* The answer arrives on a later iteration: the sweep must not unload
       * the room in between. */
      g_hash_table_remove (self->idle_since, room);
      g_task_return_pointer (task, g_object_ref (room), g_object_unref);
      return;
    }

  if ((waiting = g_hash_table_lookup (self->loading, id)) != NULL)
    {
      g_ptr_array_add (waiting, g_steal_pointer (&task));
      return;
    }

  waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (waiting, g_steal_pointer (&task));
  g_hash_table_insert (self->loading, g_strdup (id), waiting);

  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->id = g_strdup (id);
  ppd_store_load_room_async (self->store, id, self->config->catchup_limit, NULL,
                             on_room_loaded, load);
}

PpdRoom *
ppd_room_registry_get_room_finish (PpdRoomRegistry  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_room_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_delete_room_finish (PPD_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Closes every session of @room (not_found) and forgets it, without
 * touching the store: for a room another daemon deleted. */
void
ppd_room_registry_forget_room (PpdRoomRegistry *self,
                               PpdRoom         *room)
{
  g_autoptr(PpdRoom) hold = g_object_ref (room);
  const char *id = ppd_room_get_id (room);

  ppd_room_delete (room);
  g_signal_handlers_disconnect_by_data (room, self);
  g_signal_emit (self, signals[ROOM_REMOVED], 0, room);
  g_hash_table_remove (self->dirty, room);
  g_hash_table_remove (self->idle_since, room);
  if (g_hash_table_lookup (self->rooms, id) == room)
    g_hash_table_remove (self->rooms, id);
}

/* Closes every session of @room, forgets it, and deletes it from the
 * store with its whole log. Commits queued before are written first (the
 * store runs jobs in order), so none can bring it back. */
void
ppd_room_registry_delete_room_async (PpdRoomRegistry     *self,
                                     PpdRoom             *room,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *id = g_strdup (ppd_room_get_id (room));

  g_task_set_source_tag (task, ppd_room_registry_delete_room_async);

  ppd_room_registry_forget_room (self, room);
  g_info ("Deleting room %s", id);

  ppd_store_delete_room_async (self->store, id, cancellable, on_room_deleted,
                               g_steal_pointer (&task));
}

gboolean
ppd_room_registry_delete_room_finish (PpdRoomRegistry  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Stops taking sessions, closes every one with 1001 and completes once the
 * last applied op is committed. */
void
ppd_room_registry_shutdown_async (PpdRoomRegistry     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GHashTableIter iter;
  PpdRoom *room;

  g_task_set_source_tag (task, ppd_room_registry_shutdown_async);
  self->shutting_down = TRUE;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    ppd_room_close_all (room, PP_WS_CLOSE_GOING_AWAY, "server shutting down");

  g_ptr_array_add (self->shutdown_tasks, g_steal_pointer (&task));
  g_clear_handle_id (&self->retry_id, g_source_remove);
  flush_commit (self);
  maybe_finish_shutdown (self);
}

gboolean
ppd_room_registry_shutdown_finish (PpdRoomRegistry  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
