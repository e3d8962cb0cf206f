/* ppd-cluster-rooms.c: keeps this daemon's rooms in step with the other daemons of a cluster.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-cluster-rooms"

#include "config.h"

#include <string.h>

#include "ppd-cluster-rooms.h"

/* The glue between the rooms and the cluster (ppd-cluster.c):
 *
 *  - every loaded room is followed on Redis; what its sessions do and what
 *    it stores is published ("relay");
 *  - another daemon's stored op goes into the room in version order; when
 *    one is missing, or a commit lost the race for a version, or a client
 *    knows a version the room has not seen ("behind"), the room catches up:
 *    it reads the log after its version back from the store, which is the
 *    truth, and commits again;
 *  - rooms also catch up every few seconds, and twice a second while Redis
 *    is away, so nothing depends on a message arriving. */

#define CATCH_UP_PAGE 1000
#define POLL_CONNECTED_MS 5000
#define POLL_DISCONNECTED_MS 500
#define RETRY_MS 100

struct _PpdClusterRooms
{
  GObject          parent_instance;

  PpdCluster      *cluster;
  PpdStore        *store;
  GHashTable      *catching_up;   /* room ids with a read in flight */
  GHashTable      *again;         /* room ids to read again once they can */
  guint            retry_id;
  guint            poll_id;
  gint64           last_poll;

  /* Borrowed */
  PpdRoomRegistry *registry;
  PpdMetrics      *metrics;
};

G_DEFINE_FINAL_TYPE (PpdClusterRooms, ppd_cluster_rooms, G_TYPE_OBJECT)

typedef struct
{
  PpdClusterRooms *self;
  PpdRoom         *room;
} CatchUp;

static void catch_up (PpdClusterRooms *self,
                      PpdRoom         *room);

static void
catch_up_free (CatchUp *c)
{
  g_object_unref (c->self);
  g_object_unref (c->room);
  g_free (c);
}

static gboolean
retry_cb (gpointer data)
{
  PpdClusterRooms *self = data;
  g_autoptr(GHashTable) again = g_steal_pointer (&self->again);
  GHashTableIter iter;
  const char *id;

  self->retry_id = 0;
  self->again = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, again);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      PpdRoom *room = ppd_room_registry_lookup (self->registry, id);

      if (room != NULL)
        catch_up (self, room);
    }

  return G_SOURCE_REMOVE;
}

/* Reads @room again soon: after its commit, or after the read in flight. */
static void
catch_up_later (PpdClusterRooms *self,
                PpdRoom         *room)
{
  g_hash_table_add (self->again, g_strdup (ppd_room_get_id (room)));
  if (self->retry_id == 0)
    self->retry_id = g_timeout_add (RETRY_MS, retry_cb, self);
}

static void
on_ops_read (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  CatchUp *c = data;
  PpdClusterRooms *self = c->self;
  PpdRoom *room = c->room;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  guint applied = 0;
  gboolean more;

  g_hash_table_remove (self->catching_up, ppd_room_get_id (room));
  entries = ppd_store_get_ops_finish (PPD_STORE (source), result, &error);

  if (entries == NULL)
    {
      /* Deleted on another daemon (while Redis was away, say). */
      if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
        ppd_room_registry_forget_room (self->registry, room);
      /* The store is down: the next poll tries again. */
      else
        g_debug ("Room %s cannot catch up: %s", ppd_room_get_id (room), error->message);
      catch_up_free (c);
      return;
    }

  more = entries->len == CATCH_UP_PAGE;
  for (guint i = 0; i < entries->len; i++)
    {
      PpdRoomRemote outcome = ppd_room_apply_remote (room, g_ptr_array_index (entries, i));

      if (outcome == PPD_ROOM_REMOTE_APPLIED)
        applied++;
      else if (outcome != PPD_ROOM_REMOTE_KNOWN)
        {
          /* A commit began meanwhile: read again after it. */
          more = TRUE;
          break;
        }
    }
  ppd_metrics_add_remote_entries (self->metrics, applied);

  if (more)
    catch_up_later (self, room);
  /* What a conflict left unwritten is written now, on the new versions. */
  ppd_room_request_commit (room);
  catch_up_free (c);
}

static void
catch_up (PpdClusterRooms *self,
          PpdRoom         *room)
{
  CatchUp *c;

  if (ppd_room_is_deleted (room))
    return;

  if (ppd_room_is_committing (room) ||
      g_hash_table_contains (self->catching_up, ppd_room_get_id (room)))
    {
      catch_up_later (self, room);
      return;
    }

  g_hash_table_add (self->catching_up, g_strdup (ppd_room_get_id (room)));
  c = g_new0 (CatchUp, 1);
  c->self = g_object_ref (self);
  c->room = g_object_ref (room);
  ppd_store_get_ops_async (self->store, ppd_room_get_id (room), ppd_room_get_version (room),
                           CATCH_UP_PAGE, NULL, on_ops_read, c);
}

static void
catch_up_all (PpdClusterRooms *self)
{
  g_autoptr(GPtrArray) rooms = ppd_room_registry_dup_rooms (self->registry);

  for (guint i = 0; i < rooms->len; i++)
    catch_up (self, g_ptr_array_index (rooms, i));
}

/* Every room's sessions here, so that the others drop those whose leave
 * they missed, and ask about those whose join they missed. */
static void
publish_rosters (PpdClusterRooms *self)
{
  g_autoptr(GPtrArray) rooms = ppd_room_registry_dup_rooms (self->registry);

  for (guint i = 0; i < rooms->len; i++)
    {
      PpdRoom *room = g_ptr_array_index (rooms, i);
      g_auto(GStrv) users = ppd_room_dup_local_users (room);
      g_autofree char *list = g_strjoinv (" ", users);
      g_autofree char *word = g_strconcat ("roster ", list, NULL);

      ppd_cluster_publish_control (self->cluster, ppd_room_get_id (room), word);
    }
}

static gboolean
poll_cb (gpointer data)
{
  PpdClusterRooms *self = data;
  gboolean connected = ppd_cluster_is_connected (self->cluster);
  gint64 now = g_get_monotonic_time ();

  ppd_metrics_set_cluster_up (self->metrics, connected);
  if (now - self->last_poll >= (connected ? POLL_CONNECTED_MS : POLL_DISCONNECTED_MS) * 1000)
    {
      self->last_poll = now;
      catch_up_all (self);
      if (connected)
        publish_rosters (self);
    }

  return G_SOURCE_CONTINUE;
}

/* Rooms */

static void
on_room_relay (PpdRoom         *room,
               PpMessage       *message,
               PpdClusterRooms *self)
{
  ppd_cluster_publish (self->cluster, ppd_room_get_id (room), message);
}

static void
on_room_behind (PpdRoom         *room,
                PpdClusterRooms *self)
{
  catch_up (self, room);
}

static void
on_room_added (PpdRoomRegistry *registry,
               PpdRoom         *room,
               PpdClusterRooms *self)
{
  g_signal_connect_object (room, "relay", G_CALLBACK (on_room_relay), self, 0);
  g_signal_connect_object (room, "behind", G_CALLBACK (on_room_behind), self, 0);
  ppd_cluster_follow (self->cluster, ppd_room_get_id (room));
}

static void
on_room_removed (PpdRoomRegistry *registry,
                 PpdRoom         *room,
                 PpdClusterRooms *self)
{
  g_signal_handlers_disconnect_by_data (room, self);
  ppd_cluster_unfollow (self->cluster, ppd_room_get_id (room));
}

static void
on_room_conflicted (PpdRoomRegistry *registry,
                    PpdRoom         *room,
                    PpdClusterRooms *self)
{
  catch_up (self, room);
}

/* The other daemons */

static void
on_cluster_message (PpdCluster      *cluster,
                    const char      *id,
                    const char      *node,
                    PpMessage       *message,
                    PpdClusterRooms *self)
{
  PpdRoom *room = ppd_room_registry_lookup (self->registry, id);

  if (room == NULL)
    return;

  if (message->type != PP_MESSAGE_OP)
    {
      ppd_room_apply_remote_message (room, node, message);
      return;
    }

  switch (ppd_room_apply_remote (room, message->entry))
    {
    case PPD_ROOM_REMOTE_APPLIED:
      ppd_metrics_add_remote_entries (self->metrics, 1);
      ppd_room_request_commit (room);
      break;
    case PPD_ROOM_REMOTE_KNOWN:
      break;
    case PPD_ROOM_REMOTE_GAP:
    case PPD_ROOM_REMOTE_BUSY:
    default:
      catch_up (self, room);
      break;
    }
}

static void
on_access_read (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(PpdRoom) room = data;
  g_autoptr(GError) error = NULL;
  PpdRoomRecord *record = ppd_store_load_room_finish (PPD_STORE (source), result, &error);

  if (record == NULL)
    {
      g_warning ("Room %s: cannot read the access settings another daemon changed: %s",
                 ppd_room_get_id (room), error->message);
      return;
    }

  if (!ppd_room_is_deleted (room))
    ppd_room_set_access (room, &record->access);
  ppd_room_record_free (record);
}

static void
on_cluster_control (PpdCluster      *cluster,
                    const char      *id,
                    const char      *node,
                    const char      *word,
                    PpdClusterRooms *self)
{
  PpdRoom *room = ppd_room_registry_lookup (self->registry, id);

  if (room == NULL)
    return;

  if (g_str_equal (word, "sync"))
    ppd_room_announce (room);
  else if (g_str_has_prefix (word, "roster"))
    {
      g_auto(GStrv) users = g_strsplit (word + strlen ("roster"), " ", -1);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;

      for (guint i = 0; users[i] != NULL; i++)
        if (*users[i] != '\0')
          g_strv_builder_add (builder, users[i]);
      ids = g_strv_builder_end (builder);
      if (ppd_room_apply_roster (room, node, (const char * const *) ids))
        ppd_cluster_publish_control (self->cluster, id, "sync");
    }
  else if (g_str_equal (word, "access"))
    /* The settings hold hashes only: read them where the owner stored them. */
    ppd_store_load_room_async (self->store, id, 1, NULL, on_access_read, g_object_ref (room));
  else if (g_str_equal (word, "deleted"))
    ppd_room_registry_forget_room (self->registry, room);
}

/* The owner changed @room's access here: the other daemons apply it too. */
void
ppd_cluster_rooms_tell_access_changed (PpdClusterRooms *self,
                                       const char      *room)
{
  ppd_cluster_publish_control (self->cluster, room, "access");
}

/* The owner deleted @room here: the other daemons let its sessions go. */
void
ppd_cluster_rooms_tell_deleted (PpdClusterRooms *self,
                                const char      *room)
{
  ppd_cluster_publish_control (self->cluster, room, "deleted");
}

/* Redis is back: what was missed meanwhile comes from the store, and the
 * other daemons hear who is here again (what they heard may be lost). */
static void
on_cluster_connected (PpdCluster      *cluster,
                      PpdClusterRooms *self)
{
  g_autoptr(GPtrArray) rooms = ppd_room_registry_dup_rooms (self->registry);

  ppd_metrics_set_cluster_up (self->metrics, TRUE);
  for (guint i = 0; i < rooms->len; i++)
    ppd_room_announce (g_ptr_array_index (rooms, i));
  catch_up_all (self);
}

static void
on_node_lost (PpdCluster      *cluster,
              const char      *node,
              PpdClusterRooms *self)
{
  g_autoptr(GPtrArray) rooms = ppd_room_registry_dup_rooms (self->registry);

  for (guint i = 0; i < rooms->len; i++)
    ppd_room_forget_node (g_ptr_array_index (rooms, i), node);
}

void
ppd_cluster_rooms_stop (PpdClusterRooms *self)
{
  g_return_if_fail (PPD_IS_CLUSTER_ROOMS (self));

  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->registry != NULL)
    g_signal_handlers_disconnect_by_data (self->registry, self);
  if (self->cluster != NULL)
    ppd_cluster_stop (self->cluster);
}

static void
ppd_cluster_rooms_dispose (GObject *object)
{
  PpdClusterRooms *self = PPD_CLUSTER_ROOMS (object);

  ppd_cluster_rooms_stop (self);
  g_clear_object (&self->cluster);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ppd_cluster_rooms_parent_class)->dispose (object);
}

static void
ppd_cluster_rooms_finalize (GObject *object)
{
  PpdClusterRooms *self = PPD_CLUSTER_ROOMS (object);

  g_hash_table_unref (self->catching_up);
  g_hash_table_unref (self->again);

  G_OBJECT_CLASS (ppd_cluster_rooms_parent_class)->finalize (object);
}

static void
ppd_cluster_rooms_class_init (PpdClusterRoomsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_cluster_rooms_dispose;
  object_class->finalize = ppd_cluster_rooms_finalize;
}

static void
ppd_cluster_rooms_init (PpdClusterRooms *self)
{
  self->catching_up = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->again = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

PpdClusterRooms *
ppd_cluster_rooms_new (const PpdConfig *config,
                       PpdRoomRegistry *registry,
                       PpdStore        *store,
                       PpdMetrics      *metrics)
{
  PpdClusterRooms *self = g_object_new (PPD_TYPE_CLUSTER_ROOMS, NULL);

  self->registry = registry;
  self->store = g_object_ref (store);
  self->metrics = metrics;
  self->cluster = ppd_cluster_new (config, metrics);

  g_signal_connect_object (registry, "room-added", G_CALLBACK (on_room_added), self, 0);
  g_signal_connect_object (registry, "room-removed", G_CALLBACK (on_room_removed), self, 0);
  g_signal_connect_object (registry, "room-conflicted", G_CALLBACK (on_room_conflicted), self, 0);
  g_signal_connect_object (self->cluster, "message", G_CALLBACK (on_cluster_message), self, 0);
  g_signal_connect_object (self->cluster, "control", G_CALLBACK (on_cluster_control), self, 0);
  g_signal_connect_object (self->cluster, "connected", G_CALLBACK (on_cluster_connected), self, 0);
  g_signal_connect_object (self->cluster, "node-lost", G_CALLBACK (on_node_lost), self, 0);

  ppd_metrics_set_cluster_up (metrics, FALSE);
  self->last_poll = g_get_monotonic_time ();
  self->poll_id = g_timeout_add (POLL_DISCONNECTED_MS, poll_cb, self);
  ppd_cluster_start (self->cluster);

  return self;
}

gboolean
ppd_cluster_rooms_is_connected (PpdClusterRooms *self)
{
  g_return_val_if_fail (PPD_IS_CLUSTER_ROOMS (self), FALSE);

  return ppd_cluster_is_connected (self->cluster);
}
