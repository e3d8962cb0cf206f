/* ppd-room.c: one live room: its document, its log tail, its sessions.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-room"

#include "config.h"

#include "ppd-room.h"

/* A PpdRoom is the server side of the OT protocol for one document
 * (server-authoritative, as in Google Docs and ShareDB): it transforms each
 * incoming op past the log entries its sender had not seen, applies it,
 * appends it to the log and hands it to the commit pipeline. It owns no
 * storage: the registry collects its new entries into group commits and
 * calls back when they are durable.
 *
 * Two versions matter. @version counts every applied op; @committed counts
 * the ones the store has confirmed. Clients only ever learn about committed
 * entries, so everything a client sees (acks, broadcast ops, welcome,
 * presence, REST reads) is at or below @committed, and whatever is asked
 * at a version not yet committed waits in @waiters until it is.
 *
 *   client op at v ──transform past (v, version]──▶ apply ──▶ log, pending
 *                                                               │ commit
 *   ack to sender, op to the others, waiters ◀── committed ◀────┘
 *
 * With several daemons on one database (cluster mode), another daemon may
 * store version @committed + 1 first. Its entry then comes in through
 * ppd_room_apply_remote() (from Redis, or read back from the store after a
 * conflicted commit), and the pending entries are rebased past it: each is
 * transformed past the newcomer, as if it had arrived after it, and takes
 * the next version. @base keeps the document at @committed, from which
 * welcomes and reads are served without waiting. The room also announces
 * its sessions' comings, goings, presence and settings ("relay"), and shows
 * the other daemons' sessions (remote users) to its own.
 */

struct _PpdRoom
{
  GObject          parent_instance;

  /* Owned */
  char            *id;
  char            *language;
  char            *title;
  gint64           created_at;
  gint64           updated_at;
  PpDocument      *document;
  GPtrArray       *log;              /* PpLogEntry, covering (log_start, version] */
  GHashTable      *clients;          /* client id → PpdClientSeq */
  GPtrArray       *members;          /* Member */
  GQueue           pending;          /* Pending: applied, not yet committed */
  GQueue           waiters;          /* Waiter, by version */
  PpdAccess        access;
  PpDocument      *base;             /* cluster mode: the document at @committed */
  GHashTable      *remote_users;     /* cluster mode: session id → RemoteUser */

  /* Borrowed */
  const PpdConfig *config;
  PpdMetrics      *metrics;

  gint64           log_start;
  gint64           version;
  gint64           committed;
  gint64           queued;           /* highest version handed to a batch */
  gint64           in_flight;        /* highest version of the batch being written */
  gint64           snapshot_queued;
  gint64           snapshot_committed;
  gsize            log_bytes;        /* of the entries in @log */
  gsize            pending_bytes;    /* of the entries not yet committed */
  guint64          next_user;

  /* Flags */
  guint            meta_dirty : 1;
  guint            committing : 1;   /* part of the batch being written */
  guint            deleted : 1;
  guint            new_snapshot : 1; /* a snapshot was stored since the last take */
  guint            cluster : 1;      /* one of several daemons on the database */
  guint            meta_local : 1;   /* our sessions changed language or title since the last commit */
  guint            meta_in_flight : 1;
};

G_DEFINE_FINAL_TYPE (PpdRoom, ppd_room, G_TYPE_OBJECT)

enum {
  NEEDS_COMMIT,
  EMPTIED,
  COMPLETE,
  RELAY,
  BEHIND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One session in the room. Reference counted because acks and deferred
 * welcomes may outlive its membership. */
typedef struct
{
  PpdRoom  *room;         /* borrowed; NULL once removed */
  PpdPeer  *peer;
  char     *user;
  char     *client;
  char     *name;
  char     *color;
  gint64    v;
  GArray   *sel;          /* PpRange */
  gboolean  has_view;
  PpRange   view;
  char     *follow;       /* the session it follows, if any */
  char     *token_hash;   /* (nullable) of hello.token: checked again when access changes */
  PpRole    role;
  gint64    base;         /* the version of its welcome */
  gboolean  verified;     /* @name is a signed-in account's, not the hello's */
  gboolean  hello;
  gboolean  welcomed;
  gboolean  held;         /* cluster mode: its hello waits for this daemon to catch up */
  gboolean  told_unsaved; /* knows the store is down */
} Member;

typedef struct
{
  PpLogEntry *entry;
  Member     *member;     /* the sender, for the ack */
  PpTextOp   *received;   /* the op as its sender made it, on version @base: */
  gint64      base;       /*   a rebase transforms it again, past the new log */
  PpdClientSeq before;    /* its client's bookkeeping before it, should it be dropped */
} Pending;

typedef void (*WaiterFunc) (PpdRoom  *self,
                            gpointer  data);

typedef struct
{
  gint64         version;
  WaiterFunc     func;
  gpointer       data;
  GDestroyNotify destroy;
  gboolean       pending;  /* @version is a pending entry's: it moves when they are rebased */
} Waiter;

/* A session on another daemon of the cluster. */
typedef struct
{
  char       *node;
  PpUserInfo *info;      /* its selection at info->v, a committed version */
} RemoteUser;

typedef struct
{
  Member    *member;
  gboolean   has_v;
  char      *text;       /* the document at the welcome's version, or NULL */
  GPtrArray *ops;        /* catch-up entries, or NULL */
  gint64     version;
} Welcome;

typedef struct
{
  Member *member;
  gint64  seq;
  gint64  version;
} DeferredAck;

typedef struct
{
  PpdRoomReadFunc func;
  gpointer        user_data;
  GDestroyNotify  destroy;
  char           *text;
  gint64          version;
} Read;

/* Lifecycle events carry the room and session as journal fields
 * (PP_ROOM, PP_PEER), so `journalctl PP_ROOM=…` follows one room. */
#define room_log(room, member, format, ...) \
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, \
                    "PP_ROOM", "%s", (room)->id, \
                    "PP_PEER", "%s", (member)->user, \
                    "MESSAGE", format, __VA_ARGS__)

/* Memory a room may spend on its log tail, and on ops applied but not yet
 * stored (which grow only while the database does not answer). */
#define MAX_LOG_BYTES (64 * 1024 * 1024)
#define MAX_PENDING_BYTES (64 * 1024 * 1024)

static const char * const palette[] = {
  "#e01b24", "#2ec27e", "#3584e4", "#f5c211", "#9141ac", "#ff7800", "#1c71d8", "#c64600",
  "#26a269", "#a51d2d", "#613583", "#e66100",
};

/* The color of a client that chose none. */
static const char *
default_color (const char *client)
{
  return palette[g_str_hash (client) % G_N_ELEMENTS (palette)];
}

static Member *
member_ref (Member *m)
{
  return g_rc_box_acquire (m);
}

static gpointer
member_copy_ref (gconstpointer data,
                 gpointer      user_data)
{
  return member_ref ((Member *) data);
}

static void
member_clear (gpointer data)
{
  Member *m = data;

  g_clear_object (&m->peer);
  g_free (m->user);
  g_free (m->client);
  g_free (m->name);
  g_free (m->color);
  g_free (m->follow);
  g_free (m->token_hash);
  g_clear_pointer (&m->sel, g_array_unref);
}

static void
member_unref (Member *m)
{
  g_rc_box_release_full (m, member_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Member, member_unref)

static gboolean
member_is_live (Member *m)
{
  return m->room != NULL && ppd_peer_is_open (m->peer);
}

static PpUserInfo *
member_dup_info (Member *m)
{
  PpUserInfo *info = pp_user_info_new (m->user, m->client, m->name, m->color, m->v);

  g_array_append_vals (info->sel, m->sel->data, m->sel->len);
  info->has_view = m->has_view;
  info->view = m->view;
  info->follow = g_strdup (m->follow);
  info->role = m->role;
  info->verified = m->verified;

  return info;
}

static gboolean
member_can_edit (PpdRoom *self,
                 Member  *m)
{
  return m->role != PP_ROLE_VIEWER && !self->access.locked;
}

/* Fatal for the session: the protocol closes it with 4403. */
static void
refuse (Member          *m,
        const char      *message,
        const PpMessage *about)
{
  gboolean has_seq = about != NULL && about->type == PP_MESSAGE_OP;

  ppd_peer_send_error (m->peer, PP_PROTOCOL_ERROR_FORBIDDEN, message, has_seq,
                       has_seq ? about->seq : 0);
  ppd_peer_close (m->peer, PPD_CLOSE_FORBIDDEN, "forbidden");
}

/* Viewers, and everyone while the room is locked, may not change it. */
static gboolean
check_can_edit (PpdRoom         *self,
                Member          *m,
                const PpMessage *msg)
{
  if (member_can_edit (self, m))
    return TRUE;

  refuse (m, self->access.locked ? "The room is locked: nobody can change it"
                                 : "You can only view this room", msg);
  return FALSE;
}

static void
remote_user_free (RemoteUser *remote)
{
  g_free (remote->node);
  pp_user_info_unref (remote->info);
  g_free (remote);
}

static void
pending_free (Pending *p)
{
  pp_log_entry_unref (p->entry);
  g_clear_pointer (&p->member, member_unref);
  g_clear_pointer (&p->received, pp_text_op_unref);
  g_free (p);
}

static void
waiter_free (Waiter *w)
{
  if (w->destroy != NULL)
    w->destroy (w->data);
  g_free (w);
}

static void
welcome_free (gpointer data)
{
  Welcome *w = data;

  member_unref (w->member);
  g_free (w->text);
  g_clear_pointer (&w->ops, g_ptr_array_unref);
  g_free (w);
}

static void
deferred_ack_free (gpointer data)
{
  DeferredAck *a = data;

  member_unref (a->member);
  g_free (a);
}

static void
read_free (gpointer data)
{
  Read *r = data;

  if (r->destroy != NULL)
    r->destroy (r->user_data);
  g_free (r->text);
  g_free (r);
}

static int
compare_waiters (gconstpointer a,
                 gconstpointer b,
                 gpointer      data)
{
  const Waiter *wa = a;
  const Waiter *wb = b;

  /* Equal versions compare as "after", so insertion keeps arrival order. */
  return wa->version < wb->version ? -1 : 1;
}

/* Runs @func once @version is committed: now, if it already is. A
 * version of a pending entry may move in cluster mode (see rebase_pending());
 * @pending says @version is one. */
static void
add_waiter (PpdRoom        *self,
            gint64          version,
            gboolean        pending,
            WaiterFunc      func,
            gpointer        data,
            GDestroyNotify  destroy)
{
  Waiter *w;

  if (version <= self->committed)
    {
      func (self, data);
      if (destroy != NULL)
        destroy (data);
      return;
    }

  w = g_new0 (Waiter, 1);
  w->version = version;
  w->func = func;
  w->data = data;
  w->destroy = destroy;
  w->pending = pending;
  /* Stable: waiters of one version run in the order they came. */
  g_queue_insert_sorted (&self->waiters, w, compare_waiters, NULL);
}

/* Until @version, a version some session has seen, is committed here. */
static void
when_committed (PpdRoom        *self,
                gint64          version,
                WaiterFunc      func,
                gpointer        data,
                GDestroyNotify  destroy)
{
  add_waiter (self, version, FALSE, func, data, destroy);
}

/* Until the pending entry @version is stored. */
static void
when_stored (PpdRoom        *self,
             gint64          version,
             WaiterFunc      func,
             gpointer        data,
             GDestroyNotify  destroy)
{
  add_waiter (self, version, TRUE, func, data, destroy);
}

static void
run_waiters (PpdRoom *self)
{
  Waiter *w;

  while ((w = g_queue_peek_head (&self->waiters)) != NULL && w->version <= self->committed)
    {
      g_queue_pop_head (&self->waiters);
      w->func (self, w->data);
      waiter_free (w);
    }
}

/* What an entry's op costs to keep: its texts dominate. */
static gsize
entry_bytes (const PpLogEntry *entry)
{
  const PpTextOp *op = entry->op;
  gsize bytes = 64;

  for (guint i = 0, n = pp_text_op_get_n_components (op); i < n; i++)
    bytes += sizeof (PpOpComponent) + pp_text_op_get_component (op, i)->n_bytes;

  return bytes;
}

/* Applies an op the store accepted: the document limit guards only new ones. */
static void
apply_stored (PpDocument *document,
              PpLogEntry *entry)
{
  g_autoptr(GError) error = NULL;

  if (!pp_document_apply (document, entry->op, &error))
    g_critical ("Stored op %" G_GINT64_FORMAT " does not apply: %s", entry->v, error->message);
}

static void
log_append (PpdRoom    *self,
            PpLogEntry *entry)
{
  g_ptr_array_add (self->log, pp_log_entry_ref (entry));
  self->log_bytes += entry_bytes (entry);
}

static PpLogEntry *
log_entry_at (PpdRoom *self,
              gint64   version)
{
  g_assert (version > self->log_start && version <= self->version);

  return g_ptr_array_index (self->log, version - self->log_start - 1);
}

static void
send_error (Member          *m,
            PpProtocolError  code,
            const char      *message,
            const PpMessage *about)
{
  gboolean has_seq = about != NULL && about->type == PP_MESSAGE_OP;

  ppd_peer_send_error (m->peer, code, message, has_seq, has_seq ? about->seq : 0);
}

/* Sends @message to every welcomed session but @except whose welcome came
 * before version @after (G_MAXINT64: every welcomed session). The frame is
 * encoded once: its bytes are the same for every recipient. */
static void
broadcast_message (PpdRoom         *self,
                   const PpMessage *message,
                   Member          *except,
                   gint64           after)
{
  /* A send may drop a slow peer, which removes it from members: iterate
   * over a copy. */
  g_autoptr(GPtrArray) members = g_ptr_array_copy (self->members, member_copy_ref, NULL);
  g_autoptr(GBytes) frame = NULL;

  g_ptr_array_set_free_func (members, (GDestroyNotify) member_unref);
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = g_ptr_array_index (members, i);

      if (m == except || !m->welcomed || m->base >= after || !member_is_live (m))
        continue;

      if (frame == NULL)
        {
          gsize n_bytes;
          g_autofree char *json = pp_message_to_json (message, &n_bytes);

          frame = ppd_peer_frame_new (json, n_bytes);
        }
      ppd_peer_send_frame (m->peer, frame);
    }
}

/* Tells the other daemons of the cluster (nothing when alone). */
static void
tell_cluster (PpdRoom         *self,
              const PpMessage *message)
{
  if (self->cluster)
    g_signal_emit (self, signals[RELAY], 0, message);
}

static void
remove_member (PpdRoom *self,
               Member  *m)
{
  g_autoptr(Member) hold = member_ref (m);

  if (m->room == NULL)
    return;

  g_signal_handlers_disconnect_by_data (m->peer, m);
  m->room = NULL;
  g_ptr_array_remove (self->members, m);
  ppd_peer_close (m->peer, PP_WS_CLOSE_NORMAL, NULL);

  if (m->welcomed)
    {
      g_autoptr(PpMessage) leave = pp_message_new_leave (m->user);

      room_log (self, m, "%s left room %s", m->user, self->id);
      broadcast_message (self, leave, NULL, G_MAXINT64);
      tell_cluster (self, leave);
    }

  if (self->members->len == 0)
    g_signal_emit (self, signals[EMPTIED], 0);
}

/* Brings @info's selection from info->v to @version (at most the newest
 * committed one), the only version a joiner welcomed at @version can
 * interpret. */
static PpUserInfo *
bring_info_to (PpdRoom    *self,
               PpUserInfo *info,
               gint64      version)
{
  if (info->v < self->log_start)
    g_array_set_size (info->sel, 0);
  else
    for (gint64 v = info->v + 1; v <= version; v++)
      {
        PpLogEntry *e = log_entry_at (self, v);
        gboolean own = g_strcmp0 (e->client, info->client) == 0;

        pp_text_op_transform_ranges (e->op, (PpRange *) info->sel->data, info->sel->len, own);
        if (info->has_view)
          pp_text_op_transform_ranges (e->op, &info->view, 1, FALSE);
      }
  info->v = MAX (info->v, version);

  return info;
}

static void
send_welcome (PpdRoom  *self,
              gpointer  data)
{
  Welcome *w = data;
  Member *m = w->member;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  g_autoptr(PpMessage) welcome = NULL;
  g_autoptr(PpMessage) join = NULL;
  g_autoptr(PpUserInfo) info = NULL;

  if (!member_is_live (m))
    return;

  for (guint i = 0; i < self->members->len; i++)
    {
      Member *other = g_ptr_array_index (self->members, i);

      if (other != m && other->welcomed)
        g_ptr_array_add (users, bring_info_to (self, member_dup_info (other), w->version));
    }

  if (self->remote_users != NULL)
    {
      GHashTableIter iter;
      RemoteUser *remote;

      g_hash_table_iter_init (&iter, self->remote_users);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &remote))
        g_ptr_array_add (users, bring_info_to (self, pp_user_info_copy (remote->info), w->version));
    }

  m->base = m->v = w->version;
  welcome = pp_message_new_welcome (m->user, w->version, self->language, self->title, users,
                                    w->text, w->ops);
  welcome->role = m->role;
  welcome->access = self->access.general;
  welcome->locked = self->access.locked;
  /* The whole document may be far larger than what a session may leave
   * unread later; the welcome gets its own allowance. */
  ppd_peer_send_message_allowing (m->peer, welcome);
  if (!member_is_live (m))
    return;
  m->welcomed = TRUE;

  info = member_dup_info (m);
  join = pp_message_new_join (info);
  broadcast_message (self, join, m, G_MAXINT64);
  tell_cluster (self, join);
  room_log (self, m, "%s (%s) joined room %s at version %" G_GINT64_FORMAT, m->user, m->client,
            self->id, w->version);
}

static void
send_deferred_ack (PpdRoom  *self,
                   gpointer  data)
{
  DeferredAck *a = data;
  g_autoptr(PpMessage) ack = NULL;

  if (!member_is_live (a->member))
    return;

  ack = pp_message_new_ack (a->seq, a->version);
  ppd_peer_send_message (a->member->peer, ack);
}

static void handle_hello (PpdRoom         *self,
                          Member          *m,
                          const PpMessage *msg);

/* How long a hello whose v only another daemon has stored waits for this
 * one to catch up before it is refused, and how many may wait at once. */
#define HELD_HELLO_TIMEOUT_S 10
#define MAX_HELD_HELLOS 64

typedef struct
{
  PpdRoom   *room;        /* borrowed: the room frees its waiters first */
  Member    *member;
  PpMessage *hello;
  guint      timeout_id;
} HeldHello;

static void
held_hello_free (gpointer data)
{
  HeldHello *h = data;

  g_clear_handle_id (&h->timeout_id, g_source_remove);
  member_unref (h->member);
  pp_message_unref (h->hello);
  g_free (h);
}

static void
resume_hello (PpdRoom  *self,
              gpointer  data)
{
  HeldHello *h = data;

  if (member_is_live (h->member) && !h->member->hello)
    handle_hello (self, h->member, h->hello);
}

static void
refuse_newer_hello (Member *m)
{
  ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_BAD_VERSION, "hello.v is newer than the room",
                 PPD_CLOSE_VERSION);
}

/* The version never came: refused, and its waiter goes (a room with
 * waiters is never idle). */
static gboolean
on_held_hello_timeout (gpointer data)
{
  HeldHello *h = data;
  GQueue *waiters = &h->room->waiters;

  h->timeout_id = 0;
  if (member_is_live (h->member) && !h->member->hello)
    refuse_newer_hello (h->member);

  for (GList *l = waiters->head; l != NULL; l = l->next)
    if (((Waiter *) l->data)->data == h)
      {
        waiter_free (l->data);
        g_queue_delete_link (waiters, l);
        break;
      }

  return G_SOURCE_REMOVE;
}

/* Cluster mode: a client that was on another daemon may hold a version this
 * one has not heard of yet. Its hello waits for the catch-up ("behind"). */
static void
hold_hello (PpdRoom         *self,
            Member          *m,
            const PpMessage *msg)
{
  HeldHello *h;
  guint n_held = 0;

  for (GList *l = self->waiters.head; l != NULL; l = l->next)
    n_held += ((Waiter *) l->data)->func == resume_hello;
  if (n_held >= MAX_HELD_HELLOS)
    {
      refuse_newer_hello (m);
      return;
    }

  h = g_new0 (HeldHello, 1);
  m->held = TRUE;
  h->room = self;
  h->member = member_ref (m);
  h->hello = pp_message_ref ((PpMessage *) msg);
  h->timeout_id = g_timeout_add_seconds (HELD_HELLO_TIMEOUT_S, on_held_hello_timeout, h);
  when_committed (self, msg->v, resume_hello, h, held_hello_free);
  g_signal_emit (self, signals[BEHIND], 0);
}

static void
handle_hello (PpdRoom         *self,
              Member          *m,
              const PpMessage *msg)
{
  Welcome *w;
  guint n_hello = 0;
  PpdCredential credential;

  for (guint i = 0; i < self->members->len; i++)
    {
      Member *other = g_ptr_array_index (self->members, i);

      /* The same client again: it reconnected before its old connection
       * was seen to die. The new one is the live one. */
      if (other != m && other->hello && g_strcmp0 (other->client, msg->client) == 0)
        {
          ppd_peer_close (other->peer, PP_WS_CLOSE_NORMAL, "replaced by a new session");
          remove_member (self, other);
          break;
        }
    }

  for (guint i = 0; i < self->members->len; i++)
    n_hello += ((Member *) g_ptr_array_index (self->members, i))->hello;

  credential = ppd_access_check (&self->access, msg->token);
  if (!ppd_access_get_role (&self->access, credential, &m->role))
    {
      ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_FORBIDDEN,
                     ppd_access_explain_refusal (&self->access, credential), PPD_CLOSE_FORBIDDEN);
      return;
    }

  if (n_hello >= self->config->max_users_per_room)
    {
      ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_FORBIDDEN, "The room is full",
                     PPD_CLOSE_FORBIDDEN);
      return;
    }

  if (msg->has_v && msg->v > self->committed && self->cluster && !m->held)
    {
      hold_hello (self, m, msg);
      return;
    }

  if (msg->has_v && msg->v > self->committed)
    {
      g_autofree char *text = g_strdup_printf ("hello.v %" G_GINT64_FORMAT " is newer than the "
                                               "room (version %" G_GINT64_FORMAT ")",
                                               msg->v, self->committed);
      ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_BAD_VERSION, text, PPD_CLOSE_VERSION);
      return;
    }

  if (msg->has_v && msg->v < self->log_start)
    {
      ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_RESYNC,
                     "The log no longer holds every entry after hello.v: rejoin without v",
                     PPD_CLOSE_VERSION);
      return;
    }

  m->hello = TRUE;
  m->token_hash = msg->token != NULL && *msg->token != '\0' ? ppd_access_hash (msg->token) : NULL;
  m->client = g_strdup (msg->client);
  /* A signed-in person is shown (and logged) under their account's name. */
  m->verified = ppd_peer_get_account_name (m->peer) != NULL;
  m->name = g_strdup (m->verified ? ppd_peer_get_account_name (m->peer) : msg->name);
  m->color = g_strdup (msg->color ? msg->color : default_color (msg->client));
  m->user = g_strdup_printf ("u%" G_GUINT64_FORMAT "-%08x", ++self->next_user, g_random_int ());

  w = g_new0 (Welcome, 1);
  w->member = member_ref (m);
  /* Alone, a room welcomes at its newest version once that is stored; in a
   * cluster pending entries may still move, so it welcomes at once from
   * what is stored. */
  w->version = self->cluster ? self->committed : self->version;
  w->has_v = msg->has_v;
  if (msg->has_v)
    {
      w->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);
      for (gint64 v = msg->v + 1; v <= w->version; v++)
        g_ptr_array_add (w->ops, pp_log_entry_ref (log_entry_at (self, v)));
    }
  else
    w->text = pp_document_dup_text (self->cluster ? self->base : self->document);

  when_committed (self, w->version, send_welcome, w, welcome_free);
}

/* Length of the document at @version, from today's and the log's deltas. */
static gsize
length_at (PpdRoom *self,
           gint64   version)
{
  gssize length = pp_document_get_length (self->document);

  for (gint64 v = self->version; v > version; v--)
    length -= pp_text_op_get_length_delta (log_entry_at (self, v)->op);

  return length;
}

/* Exactly once: a (client, seq) already in the log is acked again with its
 * version, never applied twice. Returns TRUE when @msg was handled here. */
static gboolean
handle_duplicate (PpdRoom         *self,
                  Member          *m,
                  const PpMessage *msg,
                  PpdClientSeq    *seen)
{
  DeferredAck *ack;
  gint64 version = -1;

  if (seen == NULL || msg->seq > seen->last_seq)
    return FALSE;

  if (msg->seq == seen->last_seq)
    version = seen->last_version;
  else
    for (guint i = 0; i < self->log->len; i++)
      {
        PpLogEntry *e = g_ptr_array_index (self->log, i);

        if (e->seq == msg->seq && g_strcmp0 (e->client, m->client) == 0)
          version = e->v;
      }

  if (version < 0)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_OP, "seq was already used by an op no longer in the "
                  "log: take a new client id", msg);
      return TRUE;
    }

  /* The same session resending while the original is still being stored:
   * the original's ack is on its way. */
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (p->entry->v == version && p->member == m)
        return TRUE;
    }

  ack = g_new0 (DeferredAck, 1);
  ack->member = member_ref (m);
  ack->seq = msg->seq;
  ack->version = version;
  when_stored (self, version, send_deferred_ack, ack, deferred_ack_free);

  return TRUE;
}

/* @op, already applied to the document, becomes the next log entry and
 * waits for the commit; @sender (nullable: the daemon's own ops) gets the
 * ack, everyone else the op. @received on @base is @op as it was made,
 * before it was transformed past the log. */
static void
append_entry (PpdRoom    *self,
              PpTextOp   *op,
              PpTextOp   *received,
              gint64      base,
              Member     *sender,
              const char *user,
              const char *client,
              gint64      seq,
              const char *name)
{
  PpdClientSeq *seen = g_hash_table_lookup (self->clients, client);
  g_autoptr(PpLogEntry) entry = NULL;
  Pending *pending;

  self->version++;
  pp_document_set_version (self->document, self->version);
  entry = pp_log_entry_new (self->version, op, user, client, seq, name, g_get_real_time ());
  log_append (self, entry);

  pending = g_new0 (Pending, 1);
  if (seen == NULL)
    {
      seen = g_new0 (PpdClientSeq, 1);
      g_hash_table_insert (self->clients, g_strdup (client), seen);
    }
  pending->before = *seen;
  seen->last_seq = seq;
  seen->last_version = self->version;

  self->pending_bytes += entry_bytes (entry);
  pending->entry = g_steal_pointer (&entry);
  pending->member = sender != NULL ? member_ref (sender) : NULL;
  pending->received = pp_text_op_ref (received);
  pending->base = base;
  g_queue_push_tail (&self->pending, pending);

  self->updated_at = g_get_real_time ();
  ppd_metrics_add_ops_applied (self->metrics, 1);
  g_signal_emit (self, signals[NEEDS_COMMIT], 0);
}

static void
handle_op (PpdRoom         *self,
           Member          *m,
           const PpMessage *msg)
{
  PpdClientSeq *seen = g_hash_table_lookup (self->clients, m->client);
  gint64 expected = seen ? seen->last_seq + 1 : 1;
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(GError) error = NULL;

  if (!m->welcomed)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "Wait for welcome before sending ops", msg);
      return;
    }

  if (!check_can_edit (self, m, msg))
    return;

  if (handle_duplicate (self, m, msg, seen))
    return;

  if (msg->seq != expected)
    {
      g_autofree char *text = g_strdup_printf ("seq %" G_GINT64_FORMAT " is out of order: "
                                               "expected %" G_GINT64_FORMAT, msg->seq, expected);
      send_error (m, PP_PROTOCOL_ERROR_BAD_OP, text, msg);
      return;
    }

  if (msg->v > self->committed)
    {
      g_autofree char *text = g_strdup_printf ("v %" G_GINT64_FORMAT " is newer than the room "
                                               "(version %" G_GINT64_FORMAT ")",
                                               msg->v, self->committed);
      send_error (m, PP_PROTOCOL_ERROR_BAD_VERSION, text, msg);
      return;
    }

  if (msg->v < self->log_start)
    {
      send_error (m, PP_PROTOCOL_ERROR_RESYNC, "v is older than the log keeps: rejoin without v",
                  msg);
      return;
    }

  /* Only while the database does not answer can this grow: refuse more
   * rather than hold unbounded memory for edits nobody has acked. */
  if (self->pending_bytes > MAX_PENDING_BYTES)
    {
      send_error (m, PP_PROTOCOL_ERROR_INTERNAL,
                  "The room cannot store edits right now; they will be resent", msg);
      return;
    }

  /* Judged against the document its sender saw: a skip past the end there
   * could be hidden by transformation (and normalization drops a trailing
   * one from the op itself). */
  if (pp_text_op_get_base_length (msg->op) > length_at (self, msg->v))
    {
      g_autofree char *text = g_strdup_printf ("The op reaches past the end of the document at "
                                               "version %" G_GINT64_FORMAT, msg->v);
      send_error (m, PP_PROTOCOL_ERROR_BAD_OP, text, msg);
      return;
    }

  /* C' = transform (C, L, left) for every entry L the sender had not seen. */
  op = pp_text_op_ref (msg->op);
  for (gint64 v = msg->v + 1; v <= self->version; v++)
    {
      PpTextOp *transformed = pp_text_op_transform (op, log_entry_at (self, v)->op, PP_SIDE_LEFT);

      pp_text_op_unref (op);
      op = transformed;
    }

  if (!pp_document_apply (self->document, op, &error))
    {
      gboolean too_large = g_error_matches (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_TOO_LARGE);

      send_error (m, too_large ? PP_PROTOCOL_ERROR_TOO_LARGE : PP_PROTOCOL_ERROR_BAD_OP,
                  error->message, msg);
      return;
    }

  append_entry (self, op, msg->op, msg->v, m, m->user, m->client, msg->seq, m->name);
}

static void
handle_presence (PpdRoom         *self,
                 Member          *m,
                 const PpMessage *msg)
{
  g_autoptr(GArray) sel = NULL;
  g_autoptr(PpMessage) relay = NULL;
  PpRange view = msg->view;
  gsize length;

  if (!m->welcomed)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "Wait for welcome before sending presence",
                  msg);
      return;
    }

  if (msg->v > self->committed)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_VERSION, "presence v is newer than the room", msg);
      return;
    }

  if (msg->v < self->log_start)
    {
      send_error (m, PP_PROTOCOL_ERROR_RESYNC, "presence v is older than the log keeps", msg);
      return;
    }

  length = length_at (self, msg->v);
  sel = g_array_sized_new (FALSE, FALSE, sizeof (PpRange), msg->sel->len);
  g_array_append_vals (sel, msg->sel->data, msg->sel->len);

  for (guint i = 0; i < sel->len; i++)
    {
      const PpRange *r = &g_array_index (sel, PpRange, i);

      if ((gsize) r->anchor > length || (gsize) r->head > length)
        {
          send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                      "A selection lies outside the document at v", msg);
          return;
        }
    }

  if (msg->has_view && ((gsize) view.anchor > length || (gsize) view.head > length))
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "view lies outside the document at v", msg);
      return;
    }

  /* Bring the ranges to the committed version, the only one others know. */
  for (gint64 v = msg->v + 1; v <= self->committed; v++)
    {
      PpLogEntry *e = log_entry_at (self, v);
      gboolean own = g_strcmp0 (e->client, m->client) == 0;

      pp_text_op_transform_ranges (e->op, (PpRange *) sel->data, sel->len, own);
      if (msg->has_view)
        pp_text_op_transform_ranges (e->op, &view, 1, FALSE);
    }

  g_clear_pointer (&m->sel, g_array_unref);
  m->sel = g_array_ref (sel);
  m->v = self->committed;
  m->has_view = msg->has_view;
  m->view = view;
  g_free (m->follow);
  m->follow = g_strdup (msg->follow);

  relay = pp_message_new_server_presence (m->user, m->v, (PpRange *) sel->data, sel->len,
                                          msg->has_view ? &view : NULL);
  relay->follow = g_strdup (m->follow);
  broadcast_message (self, relay, m, G_MAXINT64);
  tell_cluster (self, relay);
}

static void
handle_meta (PpdRoom         *self,
             Member          *m,
             const PpMessage *msg)
{
  g_autoptr(PpMessage) meta = NULL;

  if (!m->welcomed)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "Wait for welcome before sending meta", msg);
      return;
    }

  if (!check_can_edit (self, m, msg))
    return;

  if (msg->language != NULL)
    {
      g_free (self->language);
      self->language = g_strdup (msg->language);
    }
  if (msg->title != NULL)
    {
      g_free (self->title);
      self->title = g_strdup (msg->title);
    }

  self->meta_dirty = TRUE;
  self->meta_local = TRUE;
  self->updated_at = g_get_real_time ();
  meta = pp_message_new_server_meta (m->user, self->language, self->title);
  broadcast_message (self, meta, NULL, G_MAXINT64);
  tell_cluster (self, meta);
  g_signal_emit (self, signals[NEEDS_COMMIT], 0);
}

/* Completions are a service of the daemon, not of the room: whoever
 * connects to "complete" answers (ppd-completion.c). */
static void
handle_complete (PpdRoom         *self,
                 Member          *m,
                 const PpMessage *msg)
{
  if (!m->welcomed)
    {
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "Wait for welcome before asking for completions", msg);
      return;
    }

  g_signal_emit (self, signals[COMPLETE], 0, m->peer, m->client, msg);
}

static void
on_peer_message (PpdPeer   *peer,
                 PpMessage *msg,
                 Member    *m)
{
  PpdRoom *self = m->room;
  g_autoptr(Member) hold = member_ref (m);

  if (self == NULL)
    return;

  switch (msg->type)
    {
    case PP_MESSAGE_HELLO:
      handle_hello (self, m, msg);
      break;
    case PP_MESSAGE_OP:
      handle_op (self, m, msg);
      break;
    case PP_MESSAGE_PRESENCE:
      handle_presence (self, m, msg);
      break;
    case PP_MESSAGE_META:
      handle_meta (self, m, msg);
      break;
    case PP_MESSAGE_COMPLETE:
      handle_complete (self, m, msg);
      break;
    case PP_MESSAGE_WELCOME:
    case PP_MESSAGE_ACK:
    case PP_MESSAGE_JOIN:
    case PP_MESSAGE_LEAVE:
    case PP_MESSAGE_ERROR:
    default:
      send_error (m, PP_PROTOCOL_ERROR_BAD_MESSAGE, "Not a client message", msg);
      break;
    }
}

static void
on_peer_closed (PpdPeer *peer,
                Member  *m)
{
  if (m->room != NULL)
    remove_member (m->room, m);
}

static void
ppd_room_dispose (GObject *object)
{
  PpdRoom *self = (PpdRoom *) object;

  ppd_room_close_all (self, PP_WS_CLOSE_GOING_AWAY, NULL);
  g_queue_clear_full (&self->waiters, (GDestroyNotify) waiter_free);
  g_queue_clear_full (&self->pending, (GDestroyNotify) pending_free);

  G_OBJECT_CLASS (ppd_room_parent_class)->dispose (object);
}

static void
ppd_room_finalize (GObject *object)
{
  PpdRoom *self = (PpdRoom *) object;

  g_free (self->id);
  g_free (self->language);
  g_free (self->title);
  ppd_access_clear (&self->access);
  g_clear_pointer (&self->document, pp_document_free);
  g_clear_pointer (&self->base, pp_document_free);
  g_clear_pointer (&self->remote_users, g_hash_table_unref);
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->members, g_ptr_array_unref);

  G_OBJECT_CLASS (ppd_room_parent_class)->finalize (object);
}

static void
ppd_room_class_init (PpdRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_room_dispose;
  object_class->finalize = ppd_room_finalize;

  /* Emitted when new entries or metadata wait to be stored. */
  signals[NEEDS_COMMIT] = g_signal_new ("needs-commit", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted when the last session leaves. */
  signals[EMPTIED] = g_signal_new ("emptied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Emitted for a welcomed session's complete frame: (peer, its client id, the frame). */
  /* Cluster mode: a frame the other daemons must know, (PpMessage *): a
   * stored op, or a session's join, leave, presence or meta. */
  signals[RELAY] = g_signal_new ("relay", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PP_TYPE_MESSAGE);
  /* Cluster mode: a client knows a version this daemon has not heard of:
   * the store has it. */
  signals[BEHIND] = g_signal_new ("behind", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[COMPLETE] = g_signal_new ("complete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 3, PPD_TYPE_PEER,
                                    G_TYPE_STRING, PP_TYPE_MESSAGE);
}

static void
ppd_room_init (PpdRoom *self)
{
  self->log = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);
  self->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_unref);
  g_queue_init (&self->pending);
  g_queue_init (&self->waiters);
}

/* Builds the room from what the store kept: the snapshot, replayed through
 * the entries after it. Takes the clients table and log tail of @record. */
PpdRoom *
ppd_room_new (PpdRoomRecord    *record,
              const PpdConfig  *config,
              PpdMetrics       *metrics,
              GError          **error)
{
  g_autoptr(PpdRoom) self = g_object_new (PPD_TYPE_ROOM, NULL);
  GPtrArray *entries = record->entries;
  guint first = 0;

  self->config = config;
  self->metrics = metrics;
  self->id = g_strdup (record->info.id);
  self->language = g_strdup (record->info.language);
  self->title = g_strdup (record->info.title);
  self->created_at = record->info.created_at;
  self->updated_at = record->info.updated_at;
  self->clients = g_steal_pointer (&record->clients);
  ppd_access_copy (&self->access, &record->access);
  self->document = pp_document_new (record->snapshot_text, -1, record->snapshot_version);
  pp_document_set_max_length (self->document, config->max_document_chars);

  self->log_start = entries->len ? ((PpLogEntry *) g_ptr_array_index (entries, 0))->v - 1
                                 : record->info.version;
  self->version = self->log_start;

  for (first = 0; first < entries->len; first++)
    {
      PpLogEntry *e = g_ptr_array_index (entries, first);

      if (e->v != self->version + 1)
        {
          g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                       "Room %s: log entry %" G_GINT64_FORMAT " follows %" G_GINT64_FORMAT,
                       self->id, e->v, self->version);
          return NULL;
        }
      self->version = e->v;
      log_append (self, e);

      if (e->v > record->snapshot_version)
        {
          /* The store already accepted these ops; the document limit only
           * guards new ones. */
          pp_document_set_max_length (self->document, G_MAXSIZE);
          if (!pp_document_apply (self->document, e->op, error))
            {
              g_prefix_error (error, "Room %s, stored op %" G_GINT64_FORMAT ": ", self->id, e->v);
              return NULL;
            }
          pp_document_set_max_length (self->document, config->max_document_chars);
        }
    }

  if (self->version != record->info.version)
    {
      g_set_error (error, PPD_STORE_ERROR, PPD_STORE_ERROR_CORRUPT,
                   "Room %s is at version %" G_GINT64_FORMAT " but its log ends at %"
                   G_GINT64_FORMAT, self->id, record->info.version, self->version);
      return NULL;
    }

  pp_document_set_version (self->document, self->version);
  self->committed = self->queued = self->in_flight = self->version;
  self->cluster = config->cluster != NULL;
  if (self->cluster)
    {
      g_autofree char *text = pp_document_dup_text (self->document);

      self->base = pp_document_new (text, -1, self->version);
      pp_document_set_max_length (self->base, G_MAXSIZE);
      self->remote_users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) remote_user_free);
    }
  self->snapshot_queued = self->snapshot_committed = record->snapshot_version;

  return g_steal_pointer (&self);
}

const char *
ppd_room_get_id (PpdRoom *self)
{
  return self->id;
}

const char *
ppd_room_get_language (PpdRoom *self)
{
  return self->language;
}

const char *
ppd_room_get_title (PpdRoom *self)
{
  return self->title;
}

gint64
ppd_room_get_created_at (PpdRoom *self)
{
  return self->created_at;
}

gint64
ppd_room_get_updated_at (PpdRoom *self)
{
  return self->updated_at;
}

/* The committed version: the only one the outside world sees. */
gint64
ppd_room_get_version (PpdRoom *self)
{
  return self->committed;
}

guint
ppd_room_get_n_users (PpdRoom *self)
{
  guint n = 0;

  for (guint i = 0; i < self->members->len; i++)
    n += ((Member *) g_ptr_array_index (self->members, i))->welcomed;

  return n + (self->remote_users != NULL ? g_hash_table_size (self->remote_users) : 0);
}

guint
ppd_room_get_n_connections (PpdRoom *self)
{
  return self->members->len;
}

gboolean
ppd_room_is_idle (PpdRoom *self)
{
  return self->members->len == 0 && g_queue_is_empty (&self->pending) &&
         g_queue_is_empty (&self->waiters) && !self->meta_dirty && !self->committing;
}

void
ppd_room_add_peer (PpdRoom *self,
                   PpdPeer *peer)
{
  Member *m;

  g_return_if_fail (PPD_IS_ROOM (self));

  if (self->deleted)
    {
      ppd_peer_fail (peer, PP_PROTOCOL_ERROR_NOT_FOUND, "No such room", PPD_CLOSE_NOT_FOUND);
      return;
    }

  m = g_rc_box_new0 (Member);
  m->room = self;
  m->peer = g_object_ref (peer);
  m->sel = g_array_new (FALSE, FALSE, sizeof (PpRange));
  g_ptr_array_add (self->members, m);

  g_signal_connect (peer, "message", G_CALLBACK (on_peer_message), m);
  g_signal_connect (peer, "closed", G_CALLBACK (on_peer_closed), m);
  ppd_peer_start (peer);
}

void
ppd_room_close_all (PpdRoom    *self,
                    gushort     code,
                    const char *reason)
{
  while (self->members->len > 0)
    {
      Member *m = g_ptr_array_index (self->members, self->members->len - 1);

      ppd_peer_close (m->peer, code, reason);
      remove_member (self, m);
    }
}

void
ppd_room_check_health (PpdRoom *self)
{
  /* Dropping one peer broadcasts its leave, which may drop another. */
  g_autoptr(GPtrArray) members = g_ptr_array_copy (self->members, member_copy_ref, NULL);

  g_ptr_array_set_free_func (members, (GDestroyNotify) member_unref);
  for (guint i = 0; i < members->len; i++)
    {
      Member *m = g_ptr_array_index (members, i);

      if (m->room != NULL && !ppd_peer_check_health (m->peer))
        ppd_peer_abort (m->peer);
      else if (m->room != NULL)
        ppd_peer_check_hello (m->peer);
    }
}

static void
run_read (PpdRoom  *self,
          gpointer  data)
{
  Read *r = data;

  /* In a cluster the newest text may have moved since: the stored one. */
  if (self->cluster)
    {
      g_free (r->text);
      r->text = pp_document_dup_text (self->base);
      r->version = self->committed;
    }
  r->func (self, r->version, r->text, r->user_data);
}

/* Calls @func with the text at the newest version, once it is committed. */
void
ppd_room_read (PpdRoom         *self,
               PpdRoomReadFunc  func,
               gpointer         user_data,
               GDestroyNotify   destroy)
{
  Read *r = g_new0 (Read, 1);

  r->func = func;
  r->user_data = user_data;
  r->destroy = destroy;
  r->version = self->version;
  r->text = self->cluster ? NULL : pp_document_dup_text (self->document);
  when_stored (self, r->version, run_read, r, read_free);
}

gboolean
ppd_room_collect_commit (PpdRoom        *self,
                         PpdCommitBatch *batch)
{
  PpdRoomInfo info = { 0, };

  if (self->deleted || (self->queued == self->version && !self->meta_dirty))
    return FALSE;

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Pending *p = l->data;

      if (p->entry->v > self->queued)
        ppd_commit_batch_add_entry (batch, self->id, p->entry);
    }

  info.id = self->id;
  info.language = self->language;
  info.title = self->title;
  info.version = self->version;
  info.created_at = self->created_at;
  info.updated_at = self->updated_at;
  /* Only from the version this daemon knows: another may have moved on. */
  info.guarded = self->cluster;
  info.expected_version = self->committed;
  info.meta_changed = self->meta_local;
  self->meta_in_flight = self->meta_local;
  self->meta_local = FALSE;
  ppd_commit_batch_set_room (batch, &info);

  if (ppd_store_snapshot_is_due (self->config->snapshot_interval,
                                 self->version - self->snapshot_queued,
                                 pp_document_get_length (self->document)))
    {
      ppd_commit_batch_add_snapshot (batch, self->id, self->version,
                                     pp_document_dup_text (self->document));
      self->snapshot_queued = self->version;
    }

  self->queued = self->in_flight = self->version;
  self->meta_dirty = FALSE;
  self->committing = TRUE;

  return TRUE;
}

static void
trim_log (PpdRoom *self)
{
  gint64 keep_from = MAX (self->log_start,
                          self->committed - (gint64) self->config->catchup_limit);
  gsize bytes = self->log_bytes;

  for (gint64 v = self->log_start + 1; v <= keep_from; v++)
    bytes -= entry_bytes (log_entry_at (self, v));

  /* Bounded in bytes too: a few huge pastes must not pin gigabytes for
   * catch-up. Uncommitted entries always stay. */
  while (bytes > MAX_LOG_BYTES && keep_from < self->committed)
    bytes -= entry_bytes (log_entry_at (self, ++keep_from));

  if (keep_from == self->log_start)
    return;

  g_ptr_array_remove_range (self->log, 0, keep_from - self->log_start);
  self->log_bytes = bytes;
  self->log_start = keep_from;
}

/* The store is down: whoever has an edit waiting learns why no ack comes.
 * The edits stay, are retried, and are acked once stored; nothing is acked
 * before. Said once per session and outage (the commit is retried every
 * few seconds). */
static void
tell_unsaved (PpdRoom *self)
{
  g_autoptr(PpMessage) error = NULL;

  if (g_queue_is_empty (&self->pending))
    return;

  error = pp_message_new_error (PP_PROTOCOL_ERROR_INTERNAL,
                                "The database cannot be reached: your latest edits are not "
                                "saved yet. They are kept and saved as soon as it is back.",
                                FALSE, 0);
  for (GList *l = self->pending.head; l != NULL; l = l->next)
    {
      Member *m = ((Pending *) l->data)->member;

      if (m != NULL && !m->told_unsaved && member_is_live (m))
        {
          m->told_unsaved = TRUE;
          ppd_metrics_count_error (self->metrics, PP_PROTOCOL_ERROR_INTERNAL);
          ppd_peer_send_message (m->peer, error);
        }
    }
}

/* Entries up to @up_to are stored: ack, broadcast, and wake what waited,
 * entry by entry so each session sees the log in order. */
static void
settle_stored (PpdRoom *self,
               gint64   up_to)
{
  Pending *p;

  while ((p = g_queue_peek_head (&self->pending)) != NULL && p->entry->v <= up_to)
    {
      g_autoptr(PpMessage) ack = NULL;
      g_autoptr(PpMessage) op = NULL;

      g_queue_pop_head (&self->pending);
      self->committed = p->entry->v;
      self->pending_bytes -= entry_bytes (p->entry);
      if (self->base != NULL)
        apply_stored (self->base, p->entry);

      if (p->member != NULL && member_is_live (p->member))
        {
          ack = pp_message_new_ack (p->entry->seq, p->entry->v);
          ppd_peer_send_message (p->member->peer, ack);
        }

      op = pp_message_new_server_op (p->entry);
      broadcast_message (self, op, p->member, p->entry->v);
      tell_cluster (self, op);
      pending_free (p);

      run_waiters (self);
    }

  self->committed = MAX (self->committed, up_to);
  for (guint i = 0; i < self->members->len; i++)
    ((Member *) g_ptr_array_index (self->members, i))->told_unsaved = FALSE;
  run_waiters (self);
  trim_log (self);
}

/* The batch holding everything up to in_flight is durable. */
void
ppd_room_committed (PpdRoom *self)
{
  self->committing = FALSE;
  self->meta_in_flight = FALSE;
  self->new_snapshot |= self->snapshot_committed != self->snapshot_queued;
  self->snapshot_committed = self->snapshot_queued;
  settle_stored (self, self->in_flight);
}

/* Nothing of the batch was written (it was one transaction): queue it again. */
static void
requeue_batch (PpdRoom *self)
{
  self->meta_local |= self->meta_in_flight;
  self->meta_in_flight = FALSE;
  self->committing = FALSE;
  self->queued = self->in_flight = self->committed;
  self->snapshot_queued = self->snapshot_committed;
  self->meta_dirty = TRUE;
}

void
ppd_room_commit_failed (PpdRoom *self)
{
  requeue_batch (self);
  tell_unsaved (self);
}

const PpdAccess *
ppd_room_get_access (PpdRoom *self)
{
  return &self->access;
}

/* New access settings take effect at once: every session's role is decided
 * again from the token it joined with; whoever lost access (a revoked or
 * replaced link, a room made private) is closed with forbidden, and the
 * others learn the settings and everyone's role. */
void
ppd_room_set_access (PpdRoom         *self,
                     const PpdAccess *access)
{
  g_autoptr(GPtrArray) members = g_ptr_array_copy (self->members, member_copy_ref, NULL);
  g_autoptr(GHashTable) roles = g_hash_table_new (g_str_hash, g_str_equal);

  g_ptr_array_set_free_func (members, (GDestroyNotify) member_unref);
  ppd_access_clear (&self->access);
  ppd_access_copy (&self->access, access);

  for (guint i = 0; i < members->len; i++)
    {
      Member *m = g_ptr_array_index (members, i);
      PpdCredential credential;

      if (!m->hello || !member_is_live (m))
        continue;

      credential = ppd_access_check_hash (&self->access, m->token_hash);
      if (!ppd_access_get_role (&self->access, credential, &m->role))
        {
          room_log (self, m, "%s lost access to room %s", m->user, self->id);
          ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_FORBIDDEN,
                         credential == PPD_CREDENTIAL_INVALID
                           ? "The owner turned off the share link you joined with"
                           : "The owner made the room private: you need a share link",
                         PPD_CLOSE_FORBIDDEN);
          remove_member (self, m);
        }
    }

  for (guint i = 0; i < self->members->len; i++)
    {
      Member *m = g_ptr_array_index (self->members, i);

      if (m->welcomed)
        g_hash_table_insert (roles, m->user, GINT_TO_POINTER (m->role));
    }

  for (guint i = 0; i < members->len; i++)
    {
      Member *m = g_ptr_array_index (members, i);
      g_autoptr(PpMessage) message = NULL;

      if (!m->welcomed || !member_is_live (m))
        continue;

      message = pp_message_new_access (m->role, self->access.general, self->access.locked, roles);
      ppd_peer_send_message (m->peer, message);
    }
}

/* The room is gone from the store: every session is told so and closed.
 * Nothing of it is committed any more. */
void
ppd_room_delete (PpdRoom *self)
{
  self->deleted = TRUE;
  while (self->members->len > 0)
    {
      Member *m = g_ptr_array_index (self->members, self->members->len - 1);

      ppd_peer_fail (m->peer, PP_PROTOCOL_ERROR_NOT_FOUND, "The owner deleted this room",
                     PPD_CLOSE_NOT_FOUND);
      remove_member (self, m);
    }
}

gboolean
ppd_room_is_deleted (PpdRoom *self)
{
  return self->deleted;
}

/* The daemon's own ops (a restore) come from this client id, with a seq of
 * their own, so exactly-once bookkeeping treats them like anyone's. In a
 * cluster each daemon has its own: two daemons never give one (client,
 * seq) to two different ops. */
#define RESTORE_CLIENT "pairpad-restore"

/**
 * ppd_room_replace_text:
 * @self: a room
 * @text: what the document should say
 * @name: who it is shown as done by, in the log (1–64 characters)
 *
 * Makes the document @text again as one new op, applied, logged and
 * broadcast like anyone's: the history keeps everything before it.
 *
 * Returns: the version the op makes (the current one if @text is already
 *   the document), or -1 with @error set when the store is not keeping up
 */
gint64
ppd_room_replace_text (PpdRoom     *self,
                       const char  *text,
                       const char  *name,
                       GError     **error)
{
  /* In a cluster pending entries may be rebased, which starts again from
   * each op as made on a stored version: the diff is against the stored
   * text, and goes past the pending entries like a client's op. */
  g_autofree char *current = pp_document_dup_text (self->cluster ? self->base : self->document);
  gint64 base = self->cluster ? self->committed : self->version;
  g_autoptr(PpTextOp) received = pp_text_op_new_diff (current, text);
  g_autoptr(PpTextOp) op = pp_text_op_ref (received);
  g_autofree char *client = self->cluster ? g_strconcat (RESTORE_CLIENT "-", self->config->node_name,
                                                        NULL)
                                         : g_strdup (RESTORE_CLIENT);
  PpdClientSeq *seen = g_hash_table_lookup (self->clients, client);

  if (pp_text_op_is_identity (received))
    return self->version;

  for (gint64 v = base + 1; v <= self->version; v++)
    {
      PpTextOp *transformed = pp_text_op_transform (op, log_entry_at (self, v)->op, PP_SIDE_LEFT);

      pp_text_op_unref (op);
      op = transformed;
    }

  if (self->pending_bytes > MAX_PENDING_BYTES)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "The room cannot store edits right now; try again");
      return -1;
    }

  pp_document_set_max_length (self->document, G_MAXSIZE);
  if (!pp_document_apply (self->document, op, error))
    {
      pp_document_set_max_length (self->document, self->config->max_document_chars);
      return -1;
    }
  pp_document_set_max_length (self->document, self->config->max_document_chars);

  append_entry (self, op, received, base, NULL, "restore", client, seen ? seen->last_seq + 1 : 1,
                name);
  return self->version;
}

/* @client's color: its session's, when it is in the room now. */
const char *
ppd_room_get_client_color (PpdRoom    *self,
                           const char *client)
{
  for (guint i = 0; i < self->members->len; i++)
    {
      Member *m = g_ptr_array_index (self->members, i);

      if (m->hello && g_strcmp0 (m->client, client) == 0)
        return m->color;
    }

  return default_color (client);
}

/* TRUE once after each stored snapshot: when older history may be folded. */
gboolean
ppd_room_take_new_snapshot (PpdRoom *self)
{
  gboolean taken = self->new_snapshot;

  self->new_snapshot = FALSE;
  return taken;
}

/* Cluster mode: what the other daemons do to this room. */

/* The client seq bookkeeping of exactly-once, for an entry in the log. */
static void
note_client (PpdRoom    *self,
             PpLogEntry *entry)
{
  PpdClientSeq *seen = g_hash_table_lookup (self->clients, entry->client);

  if (seen == NULL)
    {
      seen = g_new0 (PpdClientSeq, 1);
      g_hash_table_insert (self->clients, g_strdup (entry->client), seen);
    }
  if (entry->seq >= seen->last_seq)
    {
      seen->last_seq = entry->seq;
      seen->last_version = entry->v;
    }
}

/* Waiters for pending versions follow their entries to where the rebase put
 * them (@moved: old version → new version). */
static void
move_waiters (PpdRoom    *self,
              GHashTable *moved)
{
  for (GList *l = self->waiters.head, *next; l != NULL; l = next)
    {
      Waiter *w = l->data;
      gpointer to;

      next = l->next;
      if (!w->pending || !g_hash_table_lookup_extended (moved, &w->version, NULL, &to))
        continue;
      /* An entry dropped unstored: nothing to wait for, no ack to give. */
      if (*(gint64 *) to < 0 && w->func == send_deferred_ack)
        {
          waiter_free (w);
          g_queue_delete_link (&self->waiters, l);
          continue;
        }
      w->version = MAX (*(gint64 *) to, self->committed);
      if (w->func == send_deferred_ack)
        ((DeferredAck *) w->data)->version = w->version;
    }
  g_queue_sort (&self->waiters, compare_waiters, NULL);
}

static void
map_version (GHashTable *moved,
             gint64      from,
             gint64      to)
{
  g_hash_table_insert (moved, g_memdup2 (&from, sizeof from), g_memdup2 (&to, sizeof to));
}

/* @received, made on version @base, transformed past every log entry
 * after it, as the room does with an op that arrives (C' = transform (C, L,
 * left) for each L in order); NULL when the log no longer reaches back. */
static PpTextOp *
transform_past_log (PpdRoom  *self,
                    PpTextOp *received,
                    gint64    base)
{
  PpTextOp *op;

  if (base < self->log_start)
    return NULL;

  op = pp_text_op_ref (received);
  for (gint64 v = base + 1; v <= self->version; v++)
    {
      PpTextOp *transformed = pp_text_op_transform (op, log_entry_at (self, v)->op, PP_SIDE_LEFT);

      pp_text_op_unref (op);
      op = transformed;
    }

  return op;
}

/* @remote is version @committed + 1, stored by another daemon while this
 * one's pending entries waited: it goes first, and every pending entry is
 * made again from its op as received, transformed past the log in its new
 * order, as if it had arrived after @remote. That is exactly what its
 * sender's client computes when it receives @remote before its ack
 * (transforming the pending entry as it stands would differ wherever two
 * inserts meet: text ops do not transform the same along two paths). A
 * pending entry that is @remote itself (its client moved here and resent
 * it) is dropped and acked with @remote's version. The newest document is
 * rebuilt from @base and the rebased entries. */
static void
rebase_pending (PpdRoom    *self,
                PpLogEntry *remote)
{
  g_autoptr(GHashTable) moved = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(PpMessage) op = NULL;
  g_autoptr(Member) resender = NULL;
  gboolean alone = g_queue_is_empty (&self->pending);
  gint64 old_committed = self->committed;
  GQueue queue = self->pending;
  Pending *p;

  for (gint64 v = self->version; v > self->committed; v--)
    self->log_bytes -= entry_bytes (log_entry_at (self, v));
  g_ptr_array_set_size (self->log, self->committed - self->log_start);
  log_append (self, remote);
  apply_stored (self->base, remote);
  note_client (self, remote);
  self->committed = self->version = remote->v;
  map_version (moved, old_committed, old_committed);

  /* Nothing was pending: the newest document is the stored one, one op on. */
  pp_document_set_max_length (self->document, G_MAXSIZE);
  if (alone)
    apply_stored (self->document, remote);
  else
    {
      g_autofree char *text = pp_document_dup_text (self->base);

      pp_document_free (self->document);
      self->document = pp_document_new (text, -1, self->committed);
      pp_document_set_max_length (self->document, G_MAXSIZE);
    }

  g_queue_init (&self->pending);
  self->pending_bytes = 0;
  while ((p = g_queue_pop_head (&queue)) != NULL)
    {
      g_autoptr(PpTextOp) rebased = NULL;
      g_autoptr(GError) error = NULL;
      gpointer base;
      PpLogEntry *old = p->entry;

      if (old->seq == remote->seq && g_strcmp0 (old->client, remote->client) == 0)
        {
          g_autoptr(PpMessage) ack = pp_message_new_ack (old->seq, remote->v);

          if (p->member != NULL && member_is_live (p->member))
            {
              ppd_peer_send_message (p->member->peer, ack);
              g_clear_pointer (&resender, member_unref);
              resender = member_ref (p->member);
            }
          map_version (moved, old->v, remote->v);
          pending_free (p);
          continue;
        }

      /* A base among the pending entries (a restore made alone) moved with them. */
      if (p->base > old_committed && g_hash_table_lookup_extended (moved, &p->base, NULL, &base))
        p->base = *(gint64 *) base;
      rebased = transform_past_log (self, p->received, p->base);

      if (rebased == NULL || !pp_document_apply (self->document, rebased, &error))
        {
          /* Its history is no longer in memory (or it cannot fit): its
           * sender starts again from the stored text. */
          PpdClientSeq *seen = g_hash_table_lookup (self->clients, old->client);

          g_warning ("Room %s: dropped a pending op of %s that could not be rebased: %s",
                     self->id, old->client, error != NULL ? error->message : "too old");
          /* Never stored: its seq is free again, and nothing acks it. */
          if (seen != NULL && seen->last_seq == old->seq)
            *seen = p->before;
          map_version (moved, old->v, -1);
          if (p->member != NULL && member_is_live (p->member))
            ppd_peer_fail (p->member->peer, PP_PROTOCOL_ERROR_RESYNC,
                           "Your edit crossed another daemon's and could not be kept: rejoin",
                           PPD_CLOSE_VERSION);
          pending_free (p);
          continue;
        }

      p->entry = pp_log_entry_new (self->version + 1, rebased, old->user, old->client, old->seq,
                                   old->name, old->created_at);
      map_version (moved, old->v, p->entry->v);
      pp_log_entry_unref (old);
      self->version = p->entry->v;
      log_append (self, p->entry);
      note_client (self, p->entry);
      self->pending_bytes += entry_bytes (p->entry);
      g_queue_push_tail (&self->pending, p);
    }

  pp_document_set_max_length (self->document, self->config->max_document_chars);
  pp_document_set_version (self->document, self->version);
  self->queued = self->in_flight = self->committed;
  self->updated_at = g_get_real_time ();

  op = pp_message_new_server_op (remote);
  broadcast_message (self, op, resender, remote->v);
  move_waiters (self, moved);
  run_waiters (self);
  trim_log (self);
  if (!g_queue_is_empty (&self->pending))
    g_signal_emit (self, signals[NEEDS_COMMIT], 0);
}

/**
 * ppd_room_apply_remote:
 * @self: a room in cluster mode
 * @entry: a log entry another daemon stored (or this one, unawares)
 *
 * Takes @entry into the room when it is the next version: broadcast to the
 * room's sessions, with the pending entries rebased past it.
 *
 * Returns: %PPD_ROOM_REMOTE_APPLIED; %PPD_ROOM_REMOTE_KNOWN when the room
 *   has it already; %PPD_ROOM_REMOTE_GAP when versions before it are
 *   missing (read them from the store); %PPD_ROOM_REMOTE_BUSY while a
 *   commit is being written (try again after it)
 */
PpdRoomRemote
ppd_room_apply_remote (PpdRoom    *self,
                       PpLogEntry *entry)
{
  Pending *head = g_queue_peek_head (&self->pending);

  g_return_val_if_fail (self->cluster, PPD_ROOM_REMOTE_KNOWN);

  if (entry->v <= self->committed)
    return PPD_ROOM_REMOTE_KNOWN;
  if (self->committing)
    return PPD_ROOM_REMOTE_BUSY;
  if (entry->v > self->committed + 1)
    return PPD_ROOM_REMOTE_GAP;

  /* Ours: a commit stored it, but its answer never came. The same op,
   * not only the same (client, seq): a client that misbehaves on two
   * daemons at once must not make the room differ from the store. */
  if (head != NULL && head->entry->seq == entry->seq &&
      g_strcmp0 (head->entry->client, entry->client) == 0 &&
      pp_text_op_equal (head->entry->op, entry->op))
    settle_stored (self, entry->v);
  else
    rebase_pending (self, entry);

  self->queued = self->in_flight = self->committed;
  return PPD_ROOM_REMOTE_APPLIED;
}

/* Asks the registry for a commit when there is something to write. */
void
ppd_room_request_commit (PpdRoom *self)
{
  if (!self->deleted && (self->queued < self->version || self->meta_dirty))
    g_signal_emit (self, signals[NEEDS_COMMIT], 0);
}

/* Another daemon stored a version first: nothing of the batch was written. */
void
ppd_room_commit_conflicted (PpdRoom *self)
{
  requeue_batch (self);
}

gboolean
ppd_room_is_committing (PpdRoom *self)
{
  return self->committing;
}

typedef struct
{
  char      *node;
  PpMessage *message;
} RemoteUpdate;

static void
remote_update_free (gpointer data)
{
  RemoteUpdate *u = data;

  g_free (u->node);
  pp_message_unref (u->message);
  g_free (u);
}

/* A join or a presence from another daemon, at a version this one has. */
static void
apply_remote_user (PpdRoom  *self,
                   gpointer  data)
{
  RemoteUpdate *u = data;
  const PpMessage *msg = u->message;
  g_autoptr(PpMessage) relayed = NULL;
  RemoteUser *remote;
  PpUserInfo *info;

  if (msg->type == PP_MESSAGE_JOIN)
    {
      info = bring_info_to (self, pp_user_info_copy (msg->user_info), self->committed);
      relayed = pp_message_new_join (info);
    }
  else
    {
      remote = g_hash_table_lookup (self->remote_users, msg->user);
      if (remote == NULL)
        return;
      info = pp_user_info_copy (remote->info);
      g_array_set_size (info->sel, 0);
      g_array_append_vals (info->sel, msg->sel->data, msg->sel->len);
      info->v = msg->v;
      info->has_view = msg->has_view;
      info->view = msg->view;
      g_free (info->follow);
      info->follow = g_strdup (msg->follow);
      bring_info_to (self, info, self->committed);
      relayed = pp_message_new_server_presence (info->user, info->v, (PpRange *) info->sel->data,
                                                info->sel->len,
                                                info->has_view ? &info->view : NULL);
      relayed->follow = g_strdup (info->follow);
    }

  remote = g_new0 (RemoteUser, 1);
  remote->node = g_strdup (u->node);
  remote->info = info;
  g_hash_table_replace (self->remote_users, g_strdup (info->user), remote);
  broadcast_message (self, relayed, NULL, G_MAXINT64);
}

static void
forget_remote_user (PpdRoom    *self,
                    const char *user)
{
  g_autoptr(PpMessage) leave = NULL;

  if (!g_hash_table_remove (self->remote_users, user))
    return;

  leave = pp_message_new_leave (user);
  broadcast_message (self, leave, NULL, G_MAXINT64);
}

/**
 * ppd_room_apply_remote_message:
 * @self: a room in cluster mode
 * @node: the daemon that sent it
 * @message: a join, leave, presence or meta frame of one of its sessions
 *
 * Shows the other daemon's session to this room's sessions, as if it were
 * here. Positions wait until this daemon has the version they refer to.
 */
void
ppd_room_apply_remote_message (PpdRoom    *self,
                               const char *node,
                               PpMessage  *message)
{
  g_autoptr(PpMessage) meta = NULL;
  RemoteUpdate *u;
  gint64 v;

  g_return_if_fail (self->cluster);

  switch (message->type)
    {
    case PP_MESSAGE_LEAVE:
      forget_remote_user (self, message->user);
      return;

    case PP_MESSAGE_META:
      g_free (self->language);
      self->language = g_strdup (message->language);
      g_free (self->title);
      self->title = g_strdup (message->title);
      meta = pp_message_new_server_meta (message->user, self->language, self->title);
      broadcast_message (self, meta, NULL, G_MAXINT64);
      return;

    case PP_MESSAGE_JOIN:
      /* At once, so that a leave right after finds it; a selection at a
       * version this daemon does not have yet comes with the next presence. */
      if (message->user_info->v > self->committed)
        {
          g_autoptr(PpMessage) join = NULL;
          g_autoptr(PpUserInfo) info = pp_user_info_copy (message->user_info);

          g_array_set_size (info->sel, 0);
          info->has_view = FALSE;
          info->v = self->committed;
          join = pp_message_new_join (info);
          u = g_new0 (RemoteUpdate, 1);
          u->node = g_strdup (node);
          u->message = g_steal_pointer (&join);
          apply_remote_user (self, u);
          remote_update_free (u);
          return;
        }
      G_GNUC_FALLTHROUGH;
    case PP_MESSAGE_PRESENCE:
      v = message->type == PP_MESSAGE_JOIN ? message->user_info->v : message->v;
      u = g_new0 (RemoteUpdate, 1);
      u->node = g_strdup (node);
      u->message = pp_message_ref (message);
      when_committed (self, v, apply_remote_user, u, remote_update_free);
      return;

    default:
      g_warning ("Room %s: %s from %s is not a session's frame", self->id,
                 pp_message_type_to_string (message->type), node);
    }
}

/* A daemon went away: its sessions leave. */
void
ppd_room_forget_node (PpdRoom    *self,
                      const char *node)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  RemoteUser *remote;
  const char *user;

  g_return_if_fail (self->cluster);

  g_hash_table_iter_init (&iter, self->remote_users);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user, (gpointer *) &remote))
    if (g_str_equal (remote->node, node))
      g_ptr_array_add (users, g_strdup (user));

  for (guint i = 0; i < users->len; i++)
    forget_remote_user (self, g_ptr_array_index (users, i));
}

/* Tells the cluster about every session here: for a daemon that just began
 * to follow the room. */
void
ppd_room_announce (PpdRoom *self)
{
  for (guint i = 0; i < self->members->len; i++)
    {
      Member *m = g_ptr_array_index (self->members, i);
      g_autoptr(PpUserInfo) info = NULL;
      g_autoptr(PpMessage) join = NULL;

      if (!m->welcomed || !member_is_live (m))
        continue;
      info = member_dup_info (m);
      join = pp_message_new_join (info);
      tell_cluster (self, join);
    }
}

/* The session ids of the welcomed sessions here, for the others' roster. */
GStrv
ppd_room_dup_local_users (PpdRoom *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->members->len; i++)
    {
      Member *m = g_ptr_array_index (self->members, i);

      if (m->welcomed && member_is_live (m))
        g_strv_builder_add (builder, m->user);
    }

  return g_strv_builder_end (builder);
}

/* @node says these are all its sessions in the room: the others left
 * (their leave was lost, say while Redis was away). Returns whether some
 * are unknown here: then ask @node to announce them. */
gboolean
ppd_room_apply_roster (PpdRoom            *self,
                       const char         *node,
                       const char * const *users)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  RemoteUser *remote;
  const char *user;
  gboolean unknown = FALSE;

  g_return_val_if_fail (self->cluster, FALSE);

  g_hash_table_iter_init (&iter, self->remote_users);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user, (gpointer *) &remote))
    if (g_str_equal (remote->node, node) && !g_strv_contains (users, user))
      g_ptr_array_add (gone, g_strdup (user));
  for (guint i = 0; i < gone->len; i++)
    forget_remote_user (self, g_ptr_array_index (gone, i));

  for (guint i = 0; users[i] != NULL; i++)
    unknown |= !g_hash_table_contains (self->remote_users, users[i]);

  return unknown;
}
