/* ppd-cluster.c: the daemons of a cluster telling each other what happened, over Redis.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-cluster"

#include "config.h"

#include <string.h>

#include <hiredis/async.h>

#include "ppd-cluster.h"

/* PostgreSQL is the truth; Redis only makes it arrive fast. Each daemon
 * publishes what its rooms stored and what their sessions do (op, join,
 * leave, presence, meta frames) on the room's channel, and follows the
 * channels of the rooms it has loaded. A message is one line naming the
 * sending daemon (NODE: its --node-name and a random number of this run, so
 * that a daemon restarted at once is not taken for the one that died),
 * then the frame as the protocol encodes it:
 *
 *   pairpad:room:{id}    NODE "\n" FRAME, or NODE "\n!" WORD: "sync" (announce your
 *                        sessions), "access" (the owner changed it: read it
 *                        again), "deleted" (the owner deleted the room),
 *                        "roster U1 U2…" (every 5 s: all of NODE's sessions)
 *   pairpad:nodes        NODE, every second: a daemon not heard of for
 *                        NODE_TIMEOUT_S is gone, and so are its sessions
 *
 * Whatever is lost while Redis is away (or while a daemon dies between its
 * commit and its publish) the registry reads back from the store: messages
 * are a fast path, never the only one. One connection publishes, one
 * subscribes (a subscribed Redis connection takes no other commands); both
 * reconnect with a growing pause. */

#define ROOM_CHANNEL "pairpad:room:"
#define NODES_CHANNEL "pairpad:nodes"
#define CONTROL_MARK '!'
#define SYNC_WORD "sync"
#define HEARTBEAT_S 1
#define NODE_TIMEOUT_S 5
#define MIN_RETRY_MS 250
#define MAX_RETRY_MS 5000

typedef struct
{
  redisAsyncContext *context;   /* owned by hiredis: it frees it on disconnect */
  GSource           *source;
  gboolean           ready;
} Link;

/* hiredis on the main loop. hiredis ships a GLib adapter, but its dispatch
 * goes on reading after a write that freed the context (a connection lost
 * while publishing): this one stops once hiredis let the context go. */
typedef struct
{
  GSource            source;
  redisAsyncContext *context;   /* NULL once hiredis freed it */
  GPollFD            poll_fd;
} RedisSource;

static void
redis_source_watch (RedisSource *redis,
                    gushort      add,
                    gushort      remove)
{
  redis->poll_fd.events = (redis->poll_fd.events | add) & ~remove;
  g_main_context_wakeup (g_source_get_context ((GSource *) redis));
}

static void redis_source_add_read (void *data) { redis_source_watch (data, G_IO_IN, 0); }
static void redis_source_del_read (void *data) { redis_source_watch (data, 0, G_IO_IN); }
static void redis_source_add_write (void *data) { redis_source_watch (data, G_IO_OUT, 0); }
static void redis_source_del_write (void *data) { redis_source_watch (data, 0, G_IO_OUT); }

/* hiredis frees the context: nothing may touch it any more. */
static void
redis_source_cleanup (void *data)
{
  RedisSource *redis = data;

  redis->context = NULL;
  redis->poll_fd.events = 0;
  /* link_lost() may have destroyed the source already, polls and all. */
  if (redis->poll_fd.fd >= 0 && !g_source_is_destroyed ((GSource *) redis))
    {
      g_source_remove_poll ((GSource *) redis, &redis->poll_fd);
      redis->poll_fd.fd = -1;
    }
}

static gboolean
redis_source_check (GSource *source)
{
  RedisSource *redis = (RedisSource *) source;

  return (redis->poll_fd.revents & (redis->poll_fd.events | G_IO_ERR | G_IO_HUP)) != 0;
}

static gboolean
redis_source_prepare (GSource *source,
                      int     *timeout)
{
  *timeout = -1;
  return redis_source_check (source);
}

static gboolean
redis_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     data)
{
  RedisSource *redis = (RedisSource *) source;
  gushort revents = redis->poll_fd.revents;

  redis->poll_fd.revents = 0;
  if ((revents & G_IO_OUT) && redis->context != NULL)
    redisAsyncHandleWrite (redis->context);
  if ((revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)) && redis->context != NULL)
    redisAsyncHandleRead (redis->context);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs redis_source_funcs = {
  .prepare = redis_source_prepare,
  .check = redis_source_check,
  .dispatch = redis_source_dispatch,
};

static GSource *
redis_source_new (redisAsyncContext *context)
{
  RedisSource *redis = (RedisSource *) g_source_new (&redis_source_funcs, sizeof (RedisSource));

  g_source_set_static_name ((GSource *) redis, "[pairpad] redis");
  redis->context = context;
  redis->poll_fd.fd = context->c.fd;
  g_source_add_poll ((GSource *) redis, &redis->poll_fd);

  context->ev.addRead = redis_source_add_read;
  context->ev.delRead = redis_source_del_read;
  context->ev.addWrite = redis_source_add_write;
  context->ev.delWrite = redis_source_del_write;
  context->ev.cleanup = redis_source_cleanup;
  context->ev.data = redis;

  return (GSource *) redis;
}

struct _PpdCluster
{
  GObject          parent_instance;

  Link             pub;
  Link             sub;
  char            *identity;    /* NODE#RANDOM: a restarted daemon is someone new */
  GHashTable      *rooms;       /* followed room ids */
  GHashTable      *nodes;       /* node → gint64* monotonic µs last heard */
  guint            retry_id;
  guint            retry_ms;
  guint            heartbeat_id;

  /* Borrowed */
  const PpdConfig *config;
  PpdMetrics      *metrics;

  guint            stopped : 1;
  guint            was_connected : 1;
};

G_DEFINE_FINAL_TYPE (PpdCluster, ppd_cluster, G_TYPE_OBJECT)

enum
{
  MESSAGE,
  CONTROL,
  CONNECTED,
  NODE_LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_links (PpdCluster *self);

static gboolean
retry_cb (gpointer data)
{
  PpdCluster *self = data;

  self->retry_id = 0;
  connect_links (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PpdCluster *self)
{
  if (self->stopped || self->retry_id != 0)
    return;

  self->retry_ms = CLAMP (self->retry_ms * 2, MIN_RETRY_MS, MAX_RETRY_MS);
  self->retry_id = g_timeout_add (self->retry_ms, retry_cb, self);
}

static Link *
link_of (PpdCluster              *self,
         const redisAsyncContext *context)
{
  return context == self->pub.context ? &self->pub : &self->sub;
}

/* hiredis frees the context after the callback that reports its end. */
static void
link_lost (PpdCluster *self,
           Link       *link)
{
  gboolean was_connected = ppd_cluster_is_connected (self);

  if (link->source != NULL)
    {
      g_source_destroy (link->source);
      g_clear_pointer (&link->source, g_source_unref);
    }
  link->context = NULL;
  link->ready = FALSE;

  if (was_connected && !self->stopped)
    g_warning ("Lost Redis at %s:%u: rooms catch up from the database until it is back",
               self->config->cluster_host, self->config->cluster_port);
  schedule_retry (self);
}

static char *
room_channel (const char *room)
{
  return g_strconcat (ROOM_CHANNEL, room, NULL);
}

static void
publish (PpdCluster *self,
         const char *channel,
         const char *payload,
         gsize       n_bytes)
{
  if (!self->pub.ready)
    return;

  redisAsyncCommand (self->pub.context, NULL, NULL, "PUBLISH %s %b", channel, payload, n_bytes);
}

static void
publish_line (PpdCluster *self,
              const char *room,
              const char *frame,
              gsize       n_bytes)
{
  g_autofree char *channel = room_channel (room);
  g_autoptr(GString) payload = g_string_sized_new (strlen (self->identity) + 1 + n_bytes);

  g_string_append (payload, self->identity);
  g_string_append_c (payload, '\n');
  g_string_append_len (payload, frame, n_bytes);
  publish (self, channel, payload->str, payload->len);
}

static void
on_node_heard (PpdCluster *self,
               const char *node,
               gsize       n_bytes)
{
  g_autofree char *name = g_strndup (node, n_bytes);
  gint64 *heard;

  if (g_str_equal (name, self->identity))
    return;

  heard = g_hash_table_lookup (self->nodes, name);
  if (heard == NULL)
    {
      g_info ("Daemon %s joined the cluster", name);
      heard = g_new (gint64, 1);
      g_hash_table_insert (self->nodes, g_steal_pointer (&name), heard);
    }
  *heard = g_get_monotonic_time ();
}

static void
on_room_message (PpdCluster *self,
                 const char *room,
                 const char *payload,
                 gsize       n_bytes)
{
  const char *newline = memchr (payload, '\n', n_bytes);
  g_autofree char *node = NULL;
  g_autoptr(PpMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  const char *frame;
  gsize n_frame;

  if (newline == NULL)
    return;

  node = g_strndup (payload, newline - payload);
  if (g_str_equal (node, self->identity))
    return;
  /* Heard, even before its first heartbeat: its sessions leave with it. */
  on_node_heard (self, node, strlen (node));

  frame = newline + 1;
  n_frame = n_bytes - (frame - payload);
  if (n_frame > 0 && frame[0] == CONTROL_MARK)
    {
      g_autofree char *word = g_strndup (frame + 1, n_frame - 1);

      g_signal_emit (self, signals[CONTROL], 0, room, node, word);
      return;
    }

  message = pp_message_parse (frame, n_frame, PP_DIRECTION_FROM_SERVER, &self->config->limits,
                              &error);
  if (message == NULL)
    {
      g_warning ("Room %s: unreadable message from %s: %s", room, node, error->message);
      return;
    }

  g_signal_emit (self, signals[MESSAGE], 0, room, node, message);
}


/* Tells the other daemons following @room a @word: see the top. */
void
ppd_cluster_publish_control (PpdCluster *self,
                             const char *room,
                             const char *word)
{
  g_autofree char *line = g_strdup_printf ("%c%s", CONTROL_MARK, word);

  g_return_if_fail (PPD_IS_CLUSTER (self));

  publish_line (self, room, line, strlen (line));
}

static void
ask_sync (PpdCluster *self,
          const char *room)
{
  ppd_cluster_publish_control (self, room, SYNC_WORD);
}

static void
on_subscribed_reply (redisAsyncContext *context,
                     void              *reply_data,
                     void              *data)
{
  PpdCluster *self = context->data;
  redisReply *reply = reply_data;
  const redisReply *kind, *channel, *payload;

  if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
    return;

  kind = reply->element[0];
  channel = reply->element[1];
  payload = reply->element[2];
  if (kind->type != REDIS_REPLY_STRING || channel->type != REDIS_REPLY_STRING)
    return;

  /* Only now do answers reach this daemon: ask who is there. */
  if (g_str_equal (kind->str, "subscribe") && g_str_has_prefix (channel->str, ROOM_CHANNEL) &&
      g_hash_table_contains (self->rooms, channel->str + strlen (ROOM_CHANNEL)))
    {
      ask_sync (self, channel->str + strlen (ROOM_CHANNEL));
      return;
    }

  if (g_strcmp0 (kind->str, "message") != 0 || payload->type != REDIS_REPLY_STRING)
    return;

  if (g_str_equal (channel->str, NODES_CHANNEL))
    on_node_heard (self, payload->str, payload->len);
  else if (g_str_has_prefix (channel->str, ROOM_CHANNEL))
    on_room_message (self, channel->str + strlen (ROOM_CHANNEL), payload->str, payload->len);
}

static void
subscribe (PpdCluster *self,
           const char *channel)
{
  if (self->sub.ready)
    redisAsyncCommand (self->sub.context, on_subscribed_reply, NULL, "SUBSCRIBE %s", channel);
}


/* Both links up: follow everything again, and have the rooms read back
 * what they may have missed meanwhile. */
static void
maybe_connected (PpdCluster *self)
{
  GHashTableIter iter;
  const char *room;
  gint64 *heard;

  if (!ppd_cluster_is_connected (self))
    return;

  self->retry_ms = 0;
  g_info ("Connected to Redis at %s:%u as %s", self->config->cluster_host,
          self->config->cluster_port, self->config->node_name);

  /* Nobody was heard while Redis was away: everyone gets the usual time
   * to say they are alive before they count as gone. */
  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &heard))
    *heard = g_get_monotonic_time ();

  subscribe (self, NODES_CHANNEL);
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, (gpointer *) &room, NULL))
    {
      g_autofree char *channel = room_channel (room);

      subscribe (self, channel);
    }

  g_signal_emit (self, signals[CONNECTED], 0);
}

static void
on_connect (const redisAsyncContext *context,
            int                      status)
{
  PpdCluster *self = context->data;
  Link *link = link_of (self, context);

  if (status != REDIS_OK)
    {
      g_debug ("Cannot reach Redis: %s", context->errstr);
      link_lost (self, link);
      return;
    }

  link->ready = TRUE;
  maybe_connected (self);
}

static void
on_disconnect (const redisAsyncContext *context,
               int                      status)
{
  PpdCluster *self = context->data;

  link_lost (self, link_of (self, context));
}

static gboolean
open_link (PpdCluster *self,
           Link       *link)
{
  redisAsyncContext *context;

  if (link->context != NULL)
    return TRUE;

  context = redisAsyncConnect (self->config->cluster_host, (int) self->config->cluster_port);
  if (context == NULL || context->err)
    {
      g_debug ("Cannot reach Redis: %s", context != NULL ? context->errstr : "out of memory");
      if (context != NULL)
        redisAsyncFree (context);
      return FALSE;
    }

  context->data = self;
  /* A Redis that vanished without a word is noticed, not waited on forever. */
  redisEnableKeepAlive (&context->c);
  link->context = context;
  link->source = redis_source_new (context);
  g_source_attach (link->source, NULL);
  redisAsyncSetConnectCallback (context, on_connect);
  redisAsyncSetDisconnectCallback (context, on_disconnect);

  return TRUE;
}

static void
connect_links (PpdCluster *self)
{
  if (!open_link (self, &self->pub) || !open_link (self, &self->sub))
    schedule_retry (self);
}

static gboolean
heartbeat_cb (gpointer data)
{
  PpdCluster *self = data;
  g_autoptr(GPtrArray) lost = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  const char *node;
  gint64 *heard;

  publish (self, NODES_CHANNEL, self->identity, strlen (self->identity));

  /* Without Redis nothing is heard: nobody is declared gone for it. */
  if (!ppd_cluster_is_connected (self))
    return G_SOURCE_CONTINUE;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, (gpointer *) &heard))
    if (now - *heard > NODE_TIMEOUT_S * G_USEC_PER_SEC)
      {
        g_ptr_array_add (lost, g_strdup (node));
        g_hash_table_iter_remove (&iter);
      }

  for (guint i = 0; i < lost->len; i++)
    {
      g_warning ("Daemon %s is gone: its sessions leave their rooms",
                 (const char *) g_ptr_array_index (lost, i));
      g_signal_emit (self, signals[NODE_LOST], 0, g_ptr_array_index (lost, i));
    }

  return G_SOURCE_CONTINUE;
}

static void
close_link (Link *link)
{
  /* Freeing the context runs its cleanup and disconnect callbacks, which
   * use the source and let go of it (link_lost()). */
  g_autoptr(GSource) source = link->source != NULL ? g_source_ref (link->source) : NULL;

  if (link->context != NULL)
    redisAsyncFree (link->context);
  if (link->source != NULL)
    {
      g_source_destroy (link->source);
      g_clear_pointer (&link->source, g_source_unref);
    }
  link->context = NULL;
  link->ready = FALSE;
}

void
ppd_cluster_stop (PpdCluster *self)
{
  g_return_if_fail (PPD_IS_CLUSTER (self));

  self->stopped = TRUE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  close_link (&self->pub);
  close_link (&self->sub);
}

static void
ppd_cluster_dispose (GObject *object)
{
  ppd_cluster_stop (PPD_CLUSTER (object));

  G_OBJECT_CLASS (ppd_cluster_parent_class)->dispose (object);
}

static void
ppd_cluster_finalize (GObject *object)
{
  PpdCluster *self = PPD_CLUSTER (object);

  g_hash_table_unref (self->rooms);
  g_hash_table_unref (self->nodes);
  g_free (self->identity);

  G_OBJECT_CLASS (ppd_cluster_parent_class)->finalize (object);
}

static void
ppd_cluster_class_init (PpdClusterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_cluster_dispose;
  object_class->finalize = ppd_cluster_finalize;

  /* Another daemon's frame about a followed room: (room id, node, PpMessage *). */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                   G_TYPE_STRING, PP_TYPE_MESSAGE);
  /* Another daemon's word about a followed room: (room id, node, word),
   * "sync", "access" or "deleted" (see the top). */
  signals[CONTROL] = g_signal_new ("control", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING,
                                   G_TYPE_STRING, G_TYPE_STRING);
  /* Redis is (back) up: messages may have been missed. */
  signals[CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A daemon stopped saying it is alive: (node). */
  signals[NODE_LOST] = g_signal_new ("node-lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ppd_cluster_init (PpdCluster *self)
{
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

PpdCluster *
ppd_cluster_new (const PpdConfig *config,
                 PpdMetrics      *metrics)
{
  PpdCluster *self = g_object_new (PPD_TYPE_CLUSTER, NULL);

  self->config = config;
  self->metrics = metrics;
  self->identity = g_strdup_printf ("%s#%08x", config->node_name, g_random_int ());

  return self;
}

/* Connects, and keeps reconnecting while Redis is away. */
void
ppd_cluster_start (PpdCluster *self)
{
  g_return_if_fail (PPD_IS_CLUSTER (self));

  self->stopped = FALSE;
  if (self->heartbeat_id == 0)
    self->heartbeat_id = g_timeout_add_seconds (HEARTBEAT_S, heartbeat_cb, self);
  connect_links (self);
}

gboolean
ppd_cluster_is_connected (PpdCluster *self)
{
  g_return_val_if_fail (PPD_IS_CLUSTER (self), FALSE);

  return self->pub.ready && self->sub.ready;
}

/* Hears the other daemons about @room, and asks them who is there. */
void
ppd_cluster_follow (PpdCluster *self,
                    const char *room)
{
  g_autofree char *channel = NULL;

  g_return_if_fail (PPD_IS_CLUSTER (self));

  if (!g_hash_table_add (self->rooms, g_strdup (room)))
    return;

  channel = room_channel (room);
  subscribe (self, channel);
}

void
ppd_cluster_unfollow (PpdCluster *self,
                      const char *room)
{
  g_autofree char *channel = NULL;

  g_return_if_fail (PPD_IS_CLUSTER (self));

  if (!g_hash_table_remove (self->rooms, room))
    return;

  channel = room_channel (room);
  if (self->sub.ready)
    redisAsyncCommand (self->sub.context, NULL, NULL, "UNSUBSCRIBE %s", channel);
}

/* Tells the other daemons; nothing when Redis is away (they read the store). */
void
ppd_cluster_publish (PpdCluster      *self,
                     const char      *room,
                     const PpMessage *message)
{
  g_autofree char *frame = NULL;
  gsize n_bytes;

  g_return_if_fail (PPD_IS_CLUSTER (self));

  if (!self->pub.ready)
    return;

  frame = pp_message_to_json (message, &n_bytes);
  publish_line (self, room, frame, n_bytes);
}
