/* test-client-session.c: PpClientSession against a fake room, with delays, drops and reconnects.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-client-session"

#include "config.h"

#include <string.h>

#include <pairpad.h>

#include "test-utils.h"

/* ------------------------------------------------------------------------
 * FakeRoom: a TEST DOUBLE of the daemon's room, written from PROTOCOL.md
 * alone (the real room is tested in tests/daemon/). It keeps the text, the
 * log and each client's last seq; transforms an incoming op past the log
 * entries after its base version (the op is "left"); dedups by (client,
 * seq); catches up with ops or sends the text; relays presence at its
 * current version. Frames travel through one queue per direction per peer,
 * delivered in order per peer but in random order across peers.
 * ------------------------------------------------------------------------ */

typedef struct _FakeRoom FakeRoom;

typedef struct
{
  FakeRoom        *room;
  PpClientSession *session;
  char            *name;

  /* Network */
  GQueue           to_server;     /* char *, sent by the session, not yet delivered */
  GQueue           to_client;     /* char *, sent by the room, not yet delivered */
  gboolean         connected;

  /* Room side, while the room knows this connection */
  char            *user;
  PpUserInfo      *info;          /* sel at room->version */

  /* Editor side: what an editor applying the signals shows */
  char            *editor;

  /* Signal counts */
  guint            n_joined;
  guint            n_resets;
  guint            n_remote_ops;
  guint            n_acked;
  guint            n_user_joined;
  guint            n_user_left;
  guint            n_presence;
  guint            n_meta_changed;
  guint            n_state_notify;
  guint            n_unsent_notify;
  GPtrArray       *errors;        /* "code: message" */
  gint64           last_acked_seq;
  gint64           last_acked_v;
} Peer;

struct _FakeRoom
{
  PpDocument *doc;
  gint64      version;
  gint64      compacted;   /* entries up to this version are gone from @log */
  GPtrArray  *log;         /* PpLogEntry; entry i has v = compacted + 1 + i */
  GHashTable *last_seq;    /* client → gint64 * */
  GPtrArray  *peers;
  guint       next_user;
  char       *language;
  char       *title;
  guint       n_errors_sent;
};

static void
peer_push (GQueue     *queue,
           const char *frame)
{
  g_queue_push_tail (queue, g_strdup (frame));
}

static void
room_send (FakeRoom  *room,
           Peer      *peer,
           PpMessage *msg)
{
  g_autofree char *frame = pp_message_to_json (msg, NULL);

  if (peer->connected)
    peer_push (&peer->to_client, frame);
}

static void
room_send_error (FakeRoom        *room,
                 Peer            *peer,
                 PpProtocolError  code,
                 const char      *message,
                 gboolean         has_seq,
                 gint64           seq)
{
  g_autoptr(PpMessage) msg = pp_message_new_error (code, message, has_seq, seq);

  room->n_errors_sent++;
  room_send (room, peer, msg);
}

static void
room_broadcast (FakeRoom  *room,
                Peer      *except,
                PpMessage *msg)
{
  for (guint i = 0; i < room->peers->len; i++)
    {
      Peer *peer = g_ptr_array_index (room->peers, i);

      if (peer != except && peer->user != NULL)
        room_send (room, peer, msg);
    }
}

static PpLogEntry *
room_get_entry (FakeRoom *room,
                gint64    v)
{
  g_assert_cmpint (v, >, room->compacted);
  g_assert_cmpint (v, <=, room->version);

  return g_ptr_array_index (room->log, v - room->compacted - 1);
}

static PpLogEntry *
room_find_entry (FakeRoom   *room,
                 const char *client,
                 gint64      seq)
{
  for (guint i = 0; i < room->log->len; i++)
    {
      PpLogEntry *entry = g_ptr_array_index (room->log, i);

      if (entry->seq == seq && g_strcmp0 (entry->client, client) == 0)
        return entry;
    }

  return NULL;
}

/* The connection is gone from the room's point of view. */
static void
room_drop_peer (FakeRoom *room,
                Peer     *peer)
{
  g_autofree char *user = g_steal_pointer (&peer->user);
  g_autoptr(PpMessage) leave = NULL;

  g_clear_pointer (&peer->info, pp_user_info_unref);
  if (user == NULL)
    return;

  leave = pp_message_new_leave (user);
  room_broadcast (room, peer, leave);
}

static void
room_handle_hello (FakeRoom  *room,
                   Peer      *peer,
                   PpMessage *msg)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  g_autoptr(PpMessage) welcome = NULL;
  g_autoptr(PpMessage) join = NULL;

  if (msg->has_v && msg->v > room->version)
    {
      room_send_error (room, peer, PP_PROTOCOL_ERROR_BAD_VERSION, "v is newer than the room", FALSE, 0);
      return;
    }

  if (msg->has_v && msg->v < room->compacted)
    {
      room_send_error (room, peer, PP_PROTOCOL_ERROR_RESYNC, "rejoin without v", FALSE, 0);
      return;
    }

  peer->user = g_strdup_printf ("u%u", ++room->next_user);
  peer->info = pp_user_info_new (peer->user, msg->client, msg->name,
                                 msg->color != NULL ? msg->color : "#808080", room->version);

  for (guint i = 0; i < room->peers->len; i++)
    {
      Peer *other = g_ptr_array_index (room->peers, i);

      if (other != peer && other->user != NULL)
        g_ptr_array_add (users, pp_user_info_ref (other->info));
    }

  if (msg->has_v)
    {
      g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);

      for (gint64 v = msg->v + 1; v <= room->version; v++)
        g_ptr_array_add (ops, pp_log_entry_ref (room_get_entry (room, v)));

      welcome = pp_message_new_welcome (peer->user, room->version, room->language, room->title,
                                        users, NULL, ops);
    }
  else
    {
      g_autofree char *text = pp_document_dup_text (room->doc);

      welcome = pp_message_new_welcome (peer->user, room->version, room->language, room->title,
                                        users, text, NULL);
    }

  room_send (room, peer, welcome);

  join = pp_message_new_join (peer->info);
  room_broadcast (room, peer, join);
}

static void
room_handle_op (FakeRoom  *room,
                Peer      *peer,
                PpMessage *msg)
{
  g_autoptr(PpTextOp) op = pp_text_op_ref (msg->op);
  g_autoptr(PpLogEntry) entry = NULL;
  g_autoptr(PpMessage) ack = NULL;
  g_autoptr(PpMessage) frame = NULL;
  g_autoptr(GError) error = NULL;
  PpLogEntry *known;
  gint64 *last_seq;

  /* Exactly once: a known (client, seq) is acked with its entry's version. */
  if ((known = room_find_entry (room, peer->info->client, msg->seq)))
    {
      ack = pp_message_new_ack (msg->seq, known->v);
      room_send (room, peer, ack);
      return;
    }

  last_seq = g_hash_table_lookup (room->last_seq, peer->info->client);
  if (msg->seq != (last_seq != NULL ? *last_seq : 0) + 1)
    {
      room_send_error (room, peer, PP_PROTOCOL_ERROR_BAD_OP, "seq out of order", TRUE, msg->seq);
      return;
    }

  if (msg->v > room->version || msg->v < room->compacted)
    {
      room_send_error (room, peer, PP_PROTOCOL_ERROR_BAD_VERSION, "bad base version", TRUE, msg->seq);
      return;
    }

  /* PROTOCOL.md's concurrency rule: C' = transform (C, L, "left"). */
  for (gint64 v = msg->v + 1; v <= room->version; v++)
    {
      PpTextOp *next = pp_text_op_transform (op, room_get_entry (room, v)->op, PP_SIDE_LEFT);

      g_clear_pointer (&op, pp_text_op_unref);
      op = next;
    }

  if (!pp_document_apply (room->doc, op, &error))
    {
      room_send_error (room, peer, PP_PROTOCOL_ERROR_BAD_OP, error->message, TRUE, msg->seq);
      return;
    }

  room->version++;
  entry = pp_log_entry_new (room->version, op, peer->user, peer->info->client, msg->seq,
                            peer->info->name, 0);
  g_ptr_array_add (room->log, pp_log_entry_ref (entry));

  if (last_seq == NULL)
    {
      last_seq = g_new0 (gint64, 1);
      g_hash_table_insert (room->last_seq, g_strdup (peer->info->client), last_seq);
    }
  *last_seq = msg->seq;

  /* Keep every user object at the room's version. */
  for (guint i = 0; i < room->peers->len; i++)
    {
      Peer *other = g_ptr_array_index (room->peers, i);
      PpUserInfo *info;

      if (other->info == NULL)
        continue;

      info = pp_user_info_copy (other->info);
      pp_text_op_transform_ranges (op, (PpRange *) (gpointer) info->sel->data, info->sel->len,
                                   g_strcmp0 (other->user, peer->user) == 0);
      if (info->has_view)
        pp_text_op_transform_ranges (op, &info->view, 1, FALSE);
      info->v = room->version;
      g_clear_pointer (&other->info, pp_user_info_unref);
      other->info = info;
    }

  ack = pp_message_new_ack (msg->seq, room->version);
  room_send (room, peer, ack);

  frame = pp_message_new_server_op (entry);
  room_broadcast (room, peer, frame);
}

static void
room_handle_presence (FakeRoom  *room,
                      Peer      *peer,
                      PpMessage *msg)
{
  g_autoptr(PpMessage) relay = NULL;
  PpUserInfo *info;
  gint64 length;

  g_assert_cmpint (msg->v, <=, room->version);

  info = pp_user_info_copy (peer->info);
  g_array_set_size (info->sel, 0);
  g_array_append_vals (info->sel, msg->sel->data, msg->sel->len);
  info->has_view = msg->has_view;
  info->view = msg->view;

  /* Positions are at msg->v exactly: all must be inside the text then. */
  length = (gint64) pp_document_get_length (room->doc);
  for (gint64 v = room->version; v > msg->v; v--)
    length -= pp_text_op_get_length_delta (room_get_entry (room, v)->op);
  for (guint i = 0; i < info->sel->len; i++)
    {
      g_assert_cmpint (g_array_index (info->sel, PpRange, i).anchor, <=, length);
      g_assert_cmpint (g_array_index (info->sel, PpRange, i).head, <=, length);
    }

  for (gint64 v = msg->v + 1; v <= room->version; v++)
    {
      PpLogEntry *entry = room_get_entry (room, v);

      pp_text_op_transform_ranges (entry->op, (PpRange *) (gpointer) info->sel->data,
                                   info->sel->len, g_strcmp0 (entry->user, peer->user) == 0);
    }
  info->v = room->version;

  g_clear_pointer (&peer->info, pp_user_info_unref);
  peer->info = info;

  relay = pp_message_new_server_presence (peer->user, room->version,
                                          (const PpRange *) (gpointer) info->sel->data,
                                          info->sel->len, info->has_view ? &info->view : NULL);
  room_broadcast (room, peer, relay);
}

static void
room_handle_meta (FakeRoom  *room,
                  Peer      *peer,
                  PpMessage *msg)
{
  g_autoptr(PpMessage) meta = NULL;

  if (msg->language != NULL)
    {
      g_free (room->language);
      room->language = g_strdup (msg->language);
    }
  if (msg->title != NULL)
    {
      g_free (room->title);
      room->title = g_strdup (msg->title);
    }

  meta = pp_message_new_server_meta (peer->user, room->language, room->title);
  room_broadcast (room, NULL, meta);
}

static void
room_receive (FakeRoom   *room,
              Peer       *peer,
              const char *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = pp_message_parse (frame, strlen (frame), PP_DIRECTION_FROM_CLIENT,
                                               NULL, &error);

  /* The session must only ever send valid frames. */
  g_assert_no_error (error);

  if (peer->user == NULL)
    {
      g_assert_cmpint (msg->type, ==, PP_MESSAGE_HELLO);
      room_handle_hello (room, peer, msg);
      return;
    }

  switch (msg->type)
    {
    case PP_MESSAGE_OP:
      room_handle_op (room, peer, msg);
      break;

    case PP_MESSAGE_PRESENCE:
      room_handle_presence (room, peer, msg);
      break;

    case PP_MESSAGE_META:
      room_handle_meta (room, peer, msg);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Peers: a session plus an editor mirror fed only by the signals */

static void
on_send_frame (PpClientSession *session,
               const char      *frame,
               Peer            *peer)
{
  g_assert_true (peer->connected);
  peer_push (&peer->to_server, frame);
}

static void
on_remote_op (PpClientSession *session,
              PpTextOp        *op,
              Peer            *peer)
{
  g_autoptr(GError) error = NULL;
  char *text = pp_text_op_apply (op, peer->editor, &error);

  g_assert_no_error (error);
  g_free (peer->editor);
  peer->editor = text;
  peer->n_remote_ops++;
}

static void
on_reset (PpClientSession *session,
          const char      *text,
          Peer            *peer)
{
  g_free (peer->editor);
  peer->editor = g_strdup (text);
  peer->n_resets++;
}

static void
on_acked (PpClientSession *session,
          gint64           seq,
          gint64           v,
          Peer            *peer)
{
  peer->n_acked++;
  peer->last_acked_seq = seq;
  peer->last_acked_v = v;
}

static void
on_joined (PpClientSession *session,
           Peer            *peer)
{
  peer->n_joined++;
}

static void
on_user_joined (PpClientSession *session,
                PpUserInfo      *info,
                Peer            *peer)
{
  peer->n_user_joined++;
}

static void
on_user_left (PpClientSession *session,
              const char      *user,
              Peer            *peer)
{
  peer->n_user_left++;
}

static void
on_presence (PpClientSession *session,
             PpUserInfo      *info,
             Peer            *peer)
{
  peer->n_presence++;
}

static void
on_meta_changed (PpClientSession *session,
                 Peer            *peer)
{
  peer->n_meta_changed++;
}

static void
on_error (PpClientSession *session,
          gint             code,
          const char      *message,
          Peer            *peer)
{
  g_ptr_array_add (peer->errors,
                   g_strdup_printf ("%s: %s", pp_protocol_error_code_to_string (code), message));
}

static void
on_notify_state (PpClientSession *session,
                 GParamSpec      *pspec,
                 Peer            *peer)
{
  peer->n_state_notify++;
}

static void
on_notify_n_unsent (PpClientSession *session,
                    GParamSpec      *pspec,
                    Peer            *peer)
{
  peer->n_unsent_notify++;
}

static Peer *
peer_new (FakeRoom   *room,
          const char *client)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->room = room;
  peer->name = g_strdup (client);
  peer->session = pp_client_session_new (client, client, NULL);
  peer->editor = g_strdup ("");
  peer->errors = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&peer->to_server);
  g_queue_init (&peer->to_client);

  g_signal_connect (peer->session, "send-frame", G_CALLBACK (on_send_frame), peer);
  g_signal_connect (peer->session, "remote-op", G_CALLBACK (on_remote_op), peer);
  g_signal_connect (peer->session, "reset", G_CALLBACK (on_reset), peer);
  g_signal_connect (peer->session, "acked", G_CALLBACK (on_acked), peer);
  g_signal_connect (peer->session, "joined", G_CALLBACK (on_joined), peer);
  g_signal_connect (peer->session, "user-joined", G_CALLBACK (on_user_joined), peer);
  g_signal_connect (peer->session, "user-left", G_CALLBACK (on_user_left), peer);
  g_signal_connect (peer->session, "presence", G_CALLBACK (on_presence), peer);
  g_signal_connect (peer->session, "meta-changed", G_CALLBACK (on_meta_changed), peer);
  g_signal_connect (peer->session, "error", G_CALLBACK (on_error), peer);
  g_signal_connect (peer->session, "notify::state", G_CALLBACK (on_notify_state), peer);
  g_signal_connect (peer->session, "notify::n-unsent", G_CALLBACK (on_notify_n_unsent), peer);

  if (room != NULL)
    g_ptr_array_add (room->peers, peer);

  return peer;
}

static void
peer_free (Peer *peer)
{
  /* The session may outlive nothing here; handlers go with it. */
  g_clear_object (&peer->session);
  g_queue_clear_full (&peer->to_server, g_free);
  g_queue_clear_full (&peer->to_client, g_free);
  g_clear_pointer (&peer->user, g_free);
  g_clear_pointer (&peer->info, pp_user_info_unref);
  g_clear_pointer (&peer->editor, g_free);
  g_clear_pointer (&peer->name, g_free);
  g_clear_pointer (&peer->errors, g_ptr_array_unref);
  g_free (peer);
}

static FakeRoom *
room_new (const char *text)
{
  FakeRoom *room = g_new0 (FakeRoom, 1);

  room->doc = pp_document_new (text, -1, 0);
  room->log = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);
  room->last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  room->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  room->language = g_strdup ("plaintext");
  room->title = g_strdup ("");

  return room;
}

static void
room_free (FakeRoom *room)
{
  g_clear_pointer (&room->peers, g_ptr_array_unref);
  g_clear_pointer (&room->doc, pp_document_free);
  g_clear_pointer (&room->log, g_ptr_array_unref);
  g_clear_pointer (&room->last_seq, g_hash_table_unref);
  g_clear_pointer (&room->language, g_free);
  g_clear_pointer (&room->title, g_free);
  g_free (room);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeRoom, room_free)

/* Forgets the log up to the current version, as a daemon compacting it. */
static void
room_compact (FakeRoom *room)
{
  g_ptr_array_set_size (room->log, 0);
  room->compacted = room->version;
}

static void
peer_connect (Peer *peer)
{
  g_assert_false (peer->connected);
  peer->connected = TRUE;
  pp_client_session_connected (peer->session);
}

/* @deliver_pending: whether frames already sent still reach the room (the
 * connection broke after they left) or are lost with it. Frames to the
 * client are always lost. */
static void
peer_disconnect (Peer     *peer,
                 gboolean  deliver_pending)
{
  char *frame;

  g_assert_true (peer->connected);

  while ((frame = g_queue_pop_head (&peer->to_server)))
    {
      if (deliver_pending && peer->room != NULL)
        room_receive (peer->room, peer, frame);
      g_free (frame);
    }

  peer->connected = FALSE;
  g_queue_clear_full (&peer->to_client, g_free);
  g_queue_init (&peer->to_client);
  if (peer->room != NULL)
    room_drop_peer (peer->room, peer);
  pp_client_session_disconnected (peer->session);
}

static gboolean
deliver_to_server (Peer *peer)
{
  g_autofree char *frame = g_queue_pop_head (&peer->to_server);

  if (frame == NULL)
    return FALSE;

  room_receive (peer->room, peer, frame);

  return TRUE;
}

static void
peer_receive (Peer       *peer,
              const char *frame)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = pp_client_session_receive (peer->session, frame, strlen (frame), &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static gboolean
deliver_to_client (Peer *peer)
{
  g_autofree char *frame = g_queue_pop_head (&peer->to_client);

  if (frame == NULL)
    return FALSE;

  peer_receive (peer, frame);

  return TRUE;
}

/* Delivers one frame of a random non-empty queue; FALSE when all are empty. */
static gboolean
room_step (FakeRoom *room)
{
  g_autoptr(GPtrArray) choices = g_ptr_array_new ();
  guint pick;
  Peer *peer;

  for (guint i = 0; i < room->peers->len; i++)
    {
      peer = g_ptr_array_index (room->peers, i);

      if (!g_queue_is_empty (&peer->to_server))
        g_ptr_array_add (choices, GUINT_TO_POINTER (2 * i));
      if (!g_queue_is_empty (&peer->to_client))
        g_ptr_array_add (choices, GUINT_TO_POINTER (2 * i + 1));
    }

  if (choices->len == 0)
    return FALSE;

  pick = GPOINTER_TO_UINT (g_ptr_array_index (choices, g_test_rand_int_range (0, choices->len)));
  peer = g_ptr_array_index (room->peers, pick / 2);

  if (pick % 2 == 0)
    deliver_to_server (peer);
  else
    deliver_to_client (peer);

  return TRUE;
}

static void
room_run (FakeRoom *room)
{
  guint n = 0;

  while (room_step (room))
    g_assert_cmpuint (++n, <, 1000000);
}

/* Pops the next frame the session sent and parses it. */
static PpMessage *
peer_pop_sent (Peer *peer)
{
  g_autofree char *frame = g_queue_pop_head (&peer->to_server);
  g_autoptr(GError) error = NULL;
  PpMessage *msg;

  g_assert_nonnull (frame);
  msg = pp_message_parse (frame, strlen (frame), PP_DIRECTION_FROM_CLIENT, NULL, &error);
  g_assert_no_error (error);

  return msg;
}

static char *
peer_dup_text (Peer *peer)
{
  return pp_client_session_dup_text (peer->session);
}

/* An edit made in the editor: applied there and given to the session. */
static void
peer_edit (Peer     *peer,
           PpTextOp *op)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = pp_text_op_apply (op, peer->editor, &error);

  g_assert_no_error (error);
  g_assert_true (pp_client_session_local_op (peer->session, op, &error));
  g_assert_no_error (error);
  g_free (peer->editor);
  peer->editor = g_steal_pointer (&text);
}

static void
peer_edit_json (Peer       *peer,
                const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) op = pp_text_op_new_from_string (json, &error);

  g_assert_no_error (error);
  peer_edit (peer, op);
}

static void
assert_peer_text (Peer       *peer,
                  const char *expected)
{
  g_autofree char *text = peer_dup_text (peer);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (peer->editor, ==, expected);
}

static void
assert_converged (FakeRoom *room)
{
  g_autofree char *expected = pp_document_dup_text (room->doc);

  for (guint i = 0; i < room->peers->len; i++)
    {
      Peer *peer = g_ptr_array_index (room->peers, i);

      assert_peer_text (peer, expected);
      g_assert_cmpint (pp_client_session_get_state (peer->session), ==, PP_CLIENT_SESSION_SYNCED);
      g_assert_cmpuint (pp_client_session_get_n_unsent (peer->session), ==, 0);
      g_assert_cmpint (pp_client_session_get_version (peer->session), ==, room->version);
      g_assert_cmpuint (peer->errors->len, ==, 0);
    }

  g_assert_cmpuint (room->n_errors_sent, ==, 0);
}

/* Every (client, seq) is in the log once, and each client's seqs are 1, 2, … */
static void
assert_log_exactly_once (FakeRoom *room)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < room->log->len; i++)
    {
      PpLogEntry *entry = g_ptr_array_index (room->log, i);
      gint64 *last = g_hash_table_lookup (seen, entry->client);

      if (last == NULL)
        {
          last = g_new0 (gint64, 1);
          g_hash_table_insert (seen, g_strdup (entry->client), last);
        }

      g_assert_cmpint (entry->seq, ==, *last + 1);
      *last = entry->seq;
    }
}

/* Frames the session sends must be what the protocol says: checks the type. */
static PpMessage *
assert_sent (Peer          *peer,
             PpMessageType  type)
{
  PpMessage *msg = peer_pop_sent (peer);

  g_assert_cmpint (msg->type, ==, type);

  return msg;
}

/* Joins @peer to @room and runs until it is synced. */
static void
join (FakeRoom *room,
      Peer     *peer)
{
  peer_connect (peer);
  room_run (room);
  g_assert_cmpint (pp_client_session_get_state (peer->session), ==, PP_CLIENT_SESSION_SYNCED);
}

/* ------------------------------------------------------------------------
 * Deterministic scenarios
 * ------------------------------------------------------------------------ */

/* A newer daemon's message types are ignored, before and after welcome. */
static void
test_unknown_type_ignored (void)
{
  g_autoptr(PpClientSession) session = pp_client_session_new ("client-unknown-1", "U", NULL);
  static const char unknown[] = "{\"type\":\"whiteboard\",\"strokes\":[]}";
  static const char welcome[] = "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":0,"
                                "\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"abc\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  pp_client_session_connected (session);
  g_assert_true (pp_client_session_receive (session, unknown, strlen (unknown), &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp_client_session_get_state (session), ==, PP_CLIENT_SESSION_JOINING);
  g_assert_true (pp_client_session_receive (session, welcome, strlen (welcome), &error));
  g_assert_true (pp_client_session_receive (session, unknown, strlen (unknown), &error));
  g_assert_no_error (error);
  g_assert_cmpint (pp_client_session_get_state (session), ==, PP_CLIENT_SESSION_SYNCED);
  text = pp_client_session_dup_text (session);
  g_assert_cmpstr (text, ==, "abc");
}

static void
test_states (void)
{
  g_autoptr(FakeRoom) room = room_new ("héllo 🙂");
  Peer *a = peer_new (room, "client-a");
  g_autoptr(PpMessage) hello = NULL;
  g_autoptr(PpMessage) op1 = NULL;
  g_autoptr(PpMessage) op2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  PpClientSessionState state;
  guint n_unsent;

  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_OFFLINE);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 0);
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 1);
  g_assert_cmpstr (pp_client_session_get_client (a->session), ==, "client-a");
  g_assert_cmpstr (pp_client_session_get_name (a->session), ==, "client-a");
  g_assert_null (pp_client_session_get_user (a->session));

  /* No document to edit before the first welcome. */
  {
    g_autoptr(PpTextOp) op = pp_text_op_new_insert (0, "x");

    g_assert_false (pp_client_session_local_op (a->session, op, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
    g_clear_error (&error);
  }

  peer_connect (a);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_JOINING);
  g_assert_cmpuint (a->n_state_notify, ==, 1);

  /* First hello: no v. */
  hello = assert_sent (a, PP_MESSAGE_HELLO);
  g_assert_cmpstr (hello->client, ==, "client-a");
  g_assert_false (hello->has_v);
  room_handle_hello (room, a, hello);
  deliver_to_client (a);

  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
  g_assert_cmpuint (a->n_joined, ==, 1);
  g_assert_cmpuint (a->n_resets, ==, 1);
  g_assert_cmpstr (pp_client_session_get_user (a->session), ==, "u1");
  g_assert_cmpstr (pp_client_session_get_language (a->session), ==, "plaintext");
  g_assert_cmpstr (pp_client_session_get_title (a->session), ==, "");
  assert_peer_text (a, "héllo 🙂");

  g_object_get (a->session, "state", &state, "n-unsent", &n_unsent, NULL);
  g_assert_cmpint (state, ==, PP_CLIENT_SESSION_SYNCED);
  g_assert_cmpuint (n_unsent, ==, 0);

  /* An op that does not fit changes nothing. */
  {
    g_autoptr(PpTextOp) op = pp_text_op_new_delete (5, 10);

    g_assert_false (pp_client_session_local_op (a->session, op, &error));
    g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
    g_clear_error (&error);
    g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
    g_assert_true (g_queue_is_empty (&a->to_server));
  }

  /* The identity op is not sent. */
  {
    g_autoptr(PpTextOp) op = pp_text_op_new_identity ();

    peer_edit (a, op);
    g_assert_true (g_queue_is_empty (&a->to_server));
    g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 0);
  }

  /* synced → awaiting-ack: sent at once with seq 1, v 0 */
  peer_edit_json (a, "[7,\"!\"]");
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_ACK);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 1);
  op1 = assert_sent (a, PP_MESSAGE_OP);
  g_assert_cmpint (op1->seq, ==, 1);
  g_assert_cmpint (op1->v, ==, 0);
  json = pp_text_op_to_string (op1->op);
  g_assert_cmpstr (json, ==, "[7,\"!\"]");
  g_clear_pointer (&json, g_free);
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 2);

  /* awaiting-ack → awaiting-with-buffer: nothing sent; edits compose */
  peer_edit_json (a, "[\"<\"]");
  peer_edit_json (a, "[9,\">\"]");
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_WITH_BUFFER);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 3);
  g_assert_true (g_queue_is_empty (&a->to_server));
  assert_peer_text (a, "<héllo 🙂!>");

  /* ack → the buffer goes out as one op with seq 2, based on v 1 */
  room_handle_op (room, a, op1);
  deliver_to_client (a);
  g_assert_cmpuint (a->n_acked, ==, 1);
  g_assert_cmpint (a->last_acked_seq, ==, 1);
  g_assert_cmpint (a->last_acked_v, ==, 1);
  g_assert_cmpint (pp_client_session_get_version (a->session), ==, 1);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_ACK);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 2);
  op2 = assert_sent (a, PP_MESSAGE_OP);
  g_assert_cmpint (op2->seq, ==, 2);
  g_assert_cmpint (op2->v, ==, 1);
  json = pp_text_op_to_string (op2->op);
  g_assert_cmpstr (json, ==, "[\"<\",8,\">\"]");

  room_handle_op (room, a, op2);
  deliver_to_client (a);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 0);
  g_assert_cmpint (pp_client_session_get_version (a->session), ==, 2);
  assert_converged (room);

  /* Going offline keeps everything. */
  peer_disconnect (a, FALSE);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_OFFLINE);
  peer_edit_json (a, "[\"a\"]");
  peer_edit_json (a, "[\"b\"]");
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_OFFLINE);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 2);
  g_assert_true (g_queue_is_empty (&a->to_server));

  /* Rejoin: hello carries v; the buffer goes out after the welcome. */
  peer_connect (a);
  {
    g_autoptr(PpMessage) hello2 = assert_sent (a, PP_MESSAGE_HELLO);

    g_assert_true (hello2->has_v);
    g_assert_cmpint (hello2->v, ==, 2);
    room_handle_hello (room, a, hello2);
  }
  deliver_to_client (a);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_ACK);
  g_assert_cmpuint (a->n_resets, ==, 1);
  g_assert_cmpuint (a->n_joined, ==, 2);
  room_run (room);
  assert_converged (room);
  assert_peer_text (a, "ba<héllo 🙂!>");
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 4);
  assert_log_exactly_once (room);
}

/* The in-flight op is resent with the same seq after a reconnect and lands once. */
static void
test_resend_same_seq (void)
{
  g_autoptr(FakeRoom) room = room_new ("abc");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");

  join (room, a);
  join (room, b);

  /* (1) The op never reached the room: resent after catch-up, same seq. */
  peer_edit_json (a, "[3,\"X\"]");
  peer_disconnect (a, FALSE);
  peer_edit_json (b, "[\"B\"]");
  room_run (room);
  peer_connect (a);
  deliver_to_server (a);           /* hello v=0 */
  deliver_to_client (a);           /* welcome with B's op */
  {
    g_autoptr(PpMessage) resent = assert_sent (a, PP_MESSAGE_OP);
    g_autofree char *json = pp_text_op_to_string (resent->op);

    g_assert_cmpint (resent->seq, ==, 1);
    g_assert_cmpint (resent->v, ==, 1);
    g_assert_cmpstr (json, ==, "[4,\"X\"]");
    room_handle_op (room, a, resent);
  }
  room_run (room);
  assert_converged (room);
  assert_peer_text (a, "BabcX");

  /* (2) The op reached the room but the ack was lost: the catch-up holds
   * our own entry, which counts as the ack; nothing is resent. */
  peer_edit_json (a, "[\"Y\"]");
  peer_disconnect (a, TRUE);
  g_assert_cmpint (room->version, ==, 3);
  peer_connect (a);
  room_run (room);
  assert_converged (room);
  assert_peer_text (a, "YBabcX");
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 3);
  assert_log_exactly_once (room);
  g_assert_cmpint (room->version, ==, 3);
}

/* The daemon logged our op after building the welcome: the entry and the
 * ack of the resent op both arrive; the op counts once, whichever is first. */
static void
test_resend_race (void)
{
  for (guint order = 0; order < 2; order++)
    {
      Peer *a = peer_new (NULL, "client-a");
      g_autoptr(PpMessage) msg = NULL;
      const char *entry = "{\"type\":\"op\",\"v\":1,\"op\":[\"X\"],\"user\":\"u1\",\"client\":\"client-a\",\"seq\":1}";
      const char *ack = "{\"type\":\"ack\",\"seq\":1,\"v\":1}";

      a->connected = TRUE;
      pp_client_session_connected (a->session);
      g_clear_pointer (&msg, pp_message_unref);
      msg = assert_sent (a, PP_MESSAGE_HELLO);
      peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":0,\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"\"}");
      peer_edit_json (a, "[\"X\"]");
      g_clear_pointer (&msg, pp_message_unref);
      msg = assert_sent (a, PP_MESSAGE_OP);

      a->connected = FALSE;
      pp_client_session_disconnected (a->session);
      a->connected = TRUE;
      pp_client_session_connected (a->session);
      g_clear_pointer (&msg, pp_message_unref);
      msg = assert_sent (a, PP_MESSAGE_HELLO);
      g_assert_true (msg->has_v);
      g_assert_cmpint (msg->v, ==, 0);
      peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u2\",\"v\":0,\"language\":\"c\",\"title\":\"\",\"users\":[],\"ops\":[]}");
      g_clear_pointer (&msg, pp_message_unref);
      msg = assert_sent (a, PP_MESSAGE_OP);
      g_assert_cmpint (msg->seq, ==, 1);

      peer_receive (a, order == 0 ? entry : ack);
      g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
      peer_receive (a, order == 0 ? ack : entry);

      g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
      g_assert_cmpint (pp_client_session_get_version (a->session), ==, 1);
      g_assert_cmpuint (a->n_acked, ==, 1);
      g_assert_cmpuint (a->n_remote_ops, ==, 0);
      g_assert_cmpuint (a->errors->len, ==, 0);
      g_assert_true (g_queue_is_empty (&a->to_server));
      assert_peer_text (a, "X");

      peer_free (a);
    }
}

/* Edits made offline merge with what happened meanwhile. */
static void
test_offline_merge (void)
{
  g_autoptr(FakeRoom) room = room_new ("one two three");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");

  join (room, a);
  join (room, b);

  peer_disconnect (a, FALSE);
  peer_edit_json (a, "[3,{\"d\":\" two\"}]");          /* "one three" */
  peer_edit_json (a, "[\"🙂\"]");                         /* "🙂one three" */
  peer_edit_json (a, "[10,\"!\"]");                       /* "🙂one three!" */
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 3);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_OFFLINE);

  peer_edit_json (b, "[4,\"2\"]");                        /* "one 2two three" */
  room_run (room);
  peer_edit_json (b, "[\"0 \"]");                         /* "0 one 2two three" */
  room_run (room);
  g_assert_cmpint (room->version, ==, 2);

  peer_connect (a);
  room_run (room);
  assert_converged (room);
  /* A was not in the log: its insert at 0 goes first ("left"), and B's "2"
   * survives inside the range A deleted. */
  assert_peer_text (a, "🙂0 one2 three!");
  g_assert_cmpuint (a->n_remote_ops, ==, 2);
  /* One op carried all three offline edits. */
  g_assert_cmpint (room->version, ==, 3);
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 2);
  assert_log_exactly_once (room);
}

/* Catch-up with an in-flight op and a buffer: each entry transforms both. */
static void
test_catch_up (void)
{
  g_autoptr(FakeRoom) room = room_new ("😀😀😀");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");
  guint joined_before;

  join (room, a);
  join (room, b);

  peer_edit_json (a, "[1,\"a\"]");            /* in flight, seq 1 */
  peer_edit_json (a, "[3,\"b\"]");            /* buffer */
  peer_disconnect (a, FALSE);                 /* the op is lost on the way */
  peer_edit_json (a, "[5,\"c\"]");            /* buffer, offline */
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 3);

  for (guint i = 0; i < 3; i++)
    {
      peer_edit_json (b, "[1,\"🚀\"]");
      room_run (room);
    }
  g_assert_cmpint (room->version, ==, 3);

  joined_before = a->n_joined;
  peer_connect (a);
  deliver_to_server (a);
  deliver_to_client (a);
  g_assert_cmpuint (a->n_joined, ==, joined_before + 1);
  g_assert_cmpuint (a->n_remote_ops, ==, 3);
  g_assert_cmpint (pp_client_session_get_version (a->session), ==, 3);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_WITH_BUFFER);
  {
    g_autoptr(PpMessage) resent = assert_sent (a, PP_MESSAGE_OP);

    /* Same seq, rebased on the current version. */
    g_assert_cmpint (resent->seq, ==, 1);
    g_assert_cmpint (resent->v, ==, 3);
    room_handle_op (room, a, resent);
  }
  room_run (room);
  assert_converged (room);
  assert_peer_text (a, "😀a🚀🚀🚀😀b😀c");
  assert_log_exactly_once (room);
}

static const PpUserInfo *
find_user (Peer       *peer,
           const char *user)
{
  GPtrArray *users = pp_client_session_get_users (peer->session);

  for (guint i = 0; i < users->len; i++)
    {
      const PpUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->user, user) == 0)
        return info;
    }

  return NULL;
}

static const PpRange *
user_sel (Peer       *peer,
          const char *user)
{
  const PpUserInfo *info = find_user (peer, user);

  return info != NULL && info->sel->len > 0 ? &g_array_index (info->sel, PpRange, 0) : NULL;
}

static void
test_presence (void)
{
  g_autoptr(FakeRoom) room = room_new ("hello world");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");
  PpRange caret = { 6, 6 };
  PpRange sel2 = { 0, 5 };
  const PpRange *seen;

  join (room, a);
  join (room, b);
  g_assert_cmpuint (a->n_user_joined, ==, 1);
  g_assert_cmpuint (b->n_user_joined, ==, 1);
  g_assert_cmpuint (pp_client_session_get_users (a->session)->len, ==, 1);

  /* B has an op in flight when A's presence arrives: B places A's caret
   * through its own unacknowledged insert. */
  peer_edit_json (b, "[\"XX\"]");
  pp_client_session_set_selection (a->session, &caret, 1);
  {
    g_autoptr(PpMessage) presence = assert_sent (a, PP_MESSAGE_PRESENCE);

    g_assert_cmpint (presence->v, ==, 0);
    room_handle_presence (room, a, presence);
  }
  deliver_to_client (b);
  g_assert_cmpuint (b->n_presence, ==, 1);
  seen = user_sel (b, "u1");
  g_assert_nonnull (seen);
  g_assert_cmpint (seen->anchor, ==, 8);
  g_assert_cmpint (seen->head, ==, 8);

  room_run (room);
  seen = user_sel (b, "u1");
  g_assert_cmpint (seen->head, ==, 8);

  /* A types at its caret (now 8 in A's document too, after B's op): in B's
   * copy the caret follows A's insert, since A made it. */
  peer_edit_json (a, "[8,\"!!\"]");
  room_run (room);
  seen = user_sel (b, "u1");
  g_assert_cmpint (seen->anchor, ==, 10);
  g_assert_cmpint (seen->head, ==, 10);

  /* B's own insert at A's caret leaves A's caret before it. */
  peer_edit_json (b, "[10,\"?\"]");
  room_run (room);
  seen = user_sel (b, "u1");
  g_assert_cmpint (seen->head, ==, 10);

  /* While A has an op in flight its presence waits; the latest wins and
   * it moves with A's own edits meanwhile. */
  peer_edit_json (a, "[\"_\"]");
  pp_client_session_set_selection (a->session, &caret, 1);
  pp_client_session_set_selection (a->session, &sel2, 1);
  {
    g_autoptr(PpMessage) op = assert_sent (a, PP_MESSAGE_OP);

    g_assert_true (g_queue_is_empty (&a->to_server));
    room_handle_op (room, a, op);
  }
  peer_edit_json (a, "[\"-\"]");
  room_run (room);
  seen = user_sel (b, "u1");
  g_assert_cmpint (seen->anchor, ==, 1);
  g_assert_cmpint (seen->head, ==, 6);
  assert_converged (room);

  /* Leaving removes the user. */
  peer_disconnect (a, FALSE);
  room_run (room);
  g_assert_cmpuint (b->n_user_left, ==, 1);
  g_assert_cmpuint (pp_client_session_get_users (b->session)->len, ==, 0);
}

/* What we see and whom we follow travel with presence, the view moving
 * with remote edits; a new name and color go out with the next hello. */
static void
test_view_follow_identity (void)
{
  g_autoptr(FakeRoom) room = room_new ("hello world");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");
  PpRange view = { 11, 6 };
  const PpUserInfo *seen;

  join (room, a);
  join (room, b);

  pp_client_session_set_view (a->session, &view);
  {
    g_autoptr(PpMessage) presence = assert_sent (a, PP_MESSAGE_PRESENCE);

    g_assert_true (presence->has_view);
    g_assert_cmpint (presence->view.anchor, ==, 6);
    g_assert_cmpint (presence->view.head, ==, 11);
    g_assert_null (presence->follow);
    room_handle_presence (room, a, presence);
  }
  pp_client_session_set_following (a->session, "u2");
  g_assert_cmpstr (pp_client_session_get_following (a->session), ==, "u2");
  {
    g_autoptr(PpMessage) presence = assert_sent (a, PP_MESSAGE_PRESENCE);

    g_assert_true (presence->has_view);
    g_assert_cmpstr (presence->follow, ==, "u2");
    room_handle_presence (room, a, presence);
  }
  /* Following the same person again says nothing new. */
  pp_client_session_set_following (a->session, "u2");
  g_assert_true (g_queue_is_empty (&a->to_server));

  room_run (room);
  seen = find_user (b, "u1");
  g_assert_nonnull (seen);
  g_assert_true (seen->has_view);
  g_assert_cmpint (seen->view.anchor, ==, 6);
  g_assert_cmpint (seen->view.head, ==, 11);

  /* B inserts before A's view: A's view moves in A's own coordinates. */
  peer_edit_json (b, "[\"XX\"]");
  room_run (room);
  pp_client_session_set_following (a->session, NULL);
  {
    g_autoptr(PpMessage) presence = assert_sent (a, PP_MESSAGE_PRESENCE);

    g_assert_cmpint (presence->view.anchor, ==, 8);
    g_assert_cmpint (presence->view.head, ==, 13);
    g_assert_null (presence->follow);
    room_handle_presence (room, a, presence);
  }

  /* Name and color change for the next hello. */
  peer_disconnect (a, FALSE);
  pp_client_session_set_identity (a->session, "Ada Lovelace", "#112233");
  g_assert_cmpstr (pp_client_session_get_name (a->session), ==, "Ada Lovelace");
  g_assert_cmpstr (pp_client_session_get_color (a->session), ==, "#112233");
  peer_connect (a);
  {
    const char *frame = g_queue_peek_head (&a->to_server);
    g_autoptr(GError) error = NULL;
    g_autoptr(PpMessage) hello = pp_message_parse (frame, strlen (frame),
                                                   PP_DIRECTION_FROM_CLIENT, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (hello->type, ==, PP_MESSAGE_HELLO);
    g_assert_cmpstr (hello->name, ==, "Ada Lovelace");
    g_assert_cmpstr (hello->color, ==, "#112233");
  }
  room_run (room);
  assert_converged (room);
}

static void
test_meta (void)
{
  g_autoptr(FakeRoom) room = room_new ("");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");

  guint a_meta, b_meta;

  join (room, a);
  join (room, b);
  /* The first welcome sets them. */
  g_assert_cmpuint (a->n_meta_changed, ==, 1);
  a_meta = a->n_meta_changed;
  b_meta = b->n_meta_changed;

  pp_client_session_set_meta (a->session, "python", NULL);
  /* Nothing changes until the room says so. */
  g_assert_cmpstr (pp_client_session_get_language (a->session), ==, "plaintext");
  room_run (room);
  g_assert_cmpstr (pp_client_session_get_language (a->session), ==, "python");
  g_assert_cmpstr (pp_client_session_get_language (b->session), ==, "python");
  g_assert_cmpuint (a->n_meta_changed, ==, a_meta + 1);
  g_assert_cmpuint (b->n_meta_changed, ==, b_meta + 1);

  /* Offline: sent after the next welcome. A title is cut to 256. */
  peer_disconnect (b, FALSE);
  pp_client_session_set_meta (b->session, NULL, "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"
                                               "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"
                                               "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"
                                               "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"
                                               "and more");
  g_assert_true (g_queue_is_empty (&b->to_server));
  peer_connect (b);
  room_run (room);
  g_assert_cmpint (g_utf8_strlen (pp_client_session_get_title (a->session), -1), ==, 256);
  g_assert_cmpstr (pp_client_session_get_title (a->session), ==, pp_client_session_get_title (b->session));
  g_assert_cmpstr (pp_client_session_get_language (b->session), ==, "python");
  assert_converged (room);
}

/* The room no longer has the history after our version: error resync, then
 * a text welcome; unacknowledged edits are discarded and said to be. */
static void
test_resync (void)
{
  g_autoptr(FakeRoom) room = room_new ("base");
  Peer *a = peer_new (room, "client-a");
  Peer *b = peer_new (room, "client-b");
  g_autoptr(PpMessage) hello = NULL;

  join (room, a);
  join (room, b);

  peer_edit_json (a, "[\"lost \"]");
  peer_disconnect (a, FALSE);
  peer_edit_json (b, "[4,\"!\"]");
  room_run (room);
  room_compact (room);

  peer_connect (a);
  room_run (room);
  g_assert_cmpuint (a->errors->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (a->errors, 0), "resync: "));
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_JOINING);

  /* The daemon closes the connection after the error; A rejoins without v. */
  peer_disconnect (a, FALSE);
  peer_connect (a);
  hello = assert_sent (a, PP_MESSAGE_HELLO);
  g_assert_false (hello->has_v);
  room_handle_hello (room, a, hello);
  deliver_to_client (a);

  g_assert_cmpuint (a->n_resets, ==, 2);
  g_assert_cmpuint (a->errors->len, ==, 2);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (a->errors, 1), "resync: 1 local edit"));
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 0);
  assert_peer_text (a, "base!");
  /* The lost op's seq was never used, so it is used again. */
  g_assert_cmpint (pp_client_session_get_next_seq (a->session), ==, 1);

  g_ptr_array_set_size (a->errors, 0);
  room->n_errors_sent = 0;
  peer_edit_json (a, "[\"ok \"]");
  room_run (room);
  assert_converged (room);
  assert_peer_text (b, "ok base!");
  assert_log_exactly_once (room);
}

/* After a resync the reused seq may already be in the log (the lost op did
 * land): the daemon answers with the old version, and the session resends
 * under a new seq instead of losing the edit. */
static void
test_reused_seq_taken (void)
{
  Peer *a = peer_new (NULL, "client-a");
  g_autoptr(PpMessage) msg = NULL;

  a->connected = TRUE;
  pp_client_session_connected (a->session);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":4,\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"abcd\"}");
  peer_edit_json (a, "[\"X\"]");
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_OP);
  g_assert_cmpint (msg->seq, ==, 1);

  /* Resync: the op was in fact logged as v5, but we cannot tell. */
  a->connected = FALSE;
  pp_client_session_disconnected (a->session);
  a->connected = TRUE;
  pp_client_session_connected (a->session);
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  peer_receive (a, "{\"type\":\"error\",\"code\":\"resync\",\"message\":\"too old\"}");
  a->connected = FALSE;
  pp_client_session_disconnected (a->session);
  a->connected = TRUE;
  pp_client_session_connected (a->session);
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  g_assert_false (msg->has_v);
  peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u3\",\"v\":5,\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"Xabcd\"}");
  assert_peer_text (a, "Xabcd");

  peer_edit_json (a, "[5,\"Y\"]");
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_OP);
  g_assert_cmpint (msg->seq, ==, 1);
  g_assert_cmpint (msg->v, ==, 5);

  /* Deduplicated: the ack names the old entry. */
  peer_receive (a, "{\"type\":\"ack\",\"seq\":1,\"v\":5}");
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_OP);
  g_assert_cmpint (msg->seq, ==, 2);
  g_assert_cmpint (msg->v, ==, 5);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_AWAITING_ACK);

  peer_receive (a, "{\"type\":\"ack\",\"seq\":2,\"v\":6}");
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_SYNCED);
  assert_peer_text (a, "XabcdY");

  peer_free (a);
}

static void
peer_receive_fails (Peer            *peer,
                    const char      *frame,
                    GQuark           domain,
                    gint             code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_client_session_receive (peer->session, frame, strlen (frame), &error));
  g_assert_error (error, domain, code);
}

static void
test_bad_server_input (void)
{
  Peer *a = peer_new (NULL, "client-a");
  g_autoptr(PpMessage) msg = NULL;
  const char *welcome = "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":2,\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"ab\"}";

  peer_receive_fails (a, welcome, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);

  a->connected = TRUE;
  pp_client_session_connected (a->session);
  msg = assert_sent (a, PP_MESSAGE_HELLO);

  peer_receive_fails (a, "{\"type\":\"ack\",\"seq\":1,\"v\":1}", PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  peer_receive_fails (a, "garbage", PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  peer_receive_fails (a, "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"x\"}", PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  peer_receive_fails (a, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":2,\"language\":\"c\",\"title\":\"\",\"users\":[],\"ops\":[]}",
                      PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_RESYNC);
  peer_receive (a, welcome);
  peer_receive_fails (a, welcome, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);

  /* A gap in versions, a repeated version, an op that does not fit. */
  peer_receive_fails (a, "{\"type\":\"op\",\"v\":4,\"op\":[\"x\"],\"user\":\"u2\",\"client\":\"client-b\",\"seq\":1}",
                      PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_RESYNC);
  peer_receive_fails (a, "{\"type\":\"op\",\"v\":2,\"op\":[\"x\"],\"user\":\"u2\",\"client\":\"client-b\",\"seq\":1}",
                      PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_RESYNC);
  peer_receive_fails (a, "{\"type\":\"op\",\"v\":3,\"op\":[5,\"x\"],\"user\":\"u2\",\"client\":\"client-b\",\"seq\":1}",
                      PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_RESYNC);
  assert_peer_text (a, "ab");
  g_assert_cmpint (pp_client_session_get_version (a->session), ==, 2);

  /* An ack for something never sent is reported and ignored. */
  peer_receive (a, "{\"type\":\"ack\",\"seq\":7,\"v\":3}");
  g_assert_cmpuint (a->errors->len, ==, 1);
  g_assert_cmpint (pp_client_session_get_version (a->session), ==, 2);

  /* Error frames are signalled, not failures. */
  peer_receive (a, "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"slow down\"}");
  g_assert_cmpuint (a->errors->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (a->errors, 1), ==, "rate_limited: slow down");

  /* Presence and leave for unknown users are ignored. */
  peer_receive (a, "{\"type\":\"presence\",\"user\":\"nobody\",\"v\":2,\"sel\":[[0,0]]}");
  peer_receive (a, "{\"type\":\"leave\",\"user\":\"nobody\"}");
  g_assert_cmpuint (a->n_presence, ==, 0);
  g_assert_cmpuint (a->n_user_left, ==, 0);

  peer_free (a);
}

/* A refused in-flight op: the next hello asks for the full text. */
static void
test_refused_op (void)
{
  Peer *a = peer_new (NULL, "client-a");
  g_autoptr(PpMessage) msg = NULL;

  a->connected = TRUE;
  pp_client_session_connected (a->session);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":2,\"language\":\"c\",\"title\":\"\",\"users\":[],\"text\":\"ab\"}");

  /* An unrelated error leaves the version in use. */
  peer_receive (a, "{\"type\":\"error\",\"code\":\"bad_message\",\"message\":\"x\"}");
  a->connected = FALSE;
  pp_client_session_disconnected (a->session);
  a->connected = TRUE;
  pp_client_session_connected (a->session);
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  g_assert_true (msg->has_v);
  peer_receive (a, "{\"type\":\"welcome\",\"user\":\"u2\",\"v\":2,\"language\":\"c\",\"title\":\"\",\"users\":[],\"ops\":[]}");

  peer_edit_json (a, "[\"z\"]");
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_OP);
  peer_receive (a, "{\"type\":\"error\",\"code\":\"too_large\",\"message\":\"document too large\",\"seq\":1}");
  g_assert_cmpuint (a->errors->len, ==, 2);
  a->connected = FALSE;
  pp_client_session_disconnected (a->session);
  a->connected = TRUE;
  pp_client_session_connected (a->session);
  g_clear_pointer (&msg, pp_message_unref);
  msg = assert_sent (a, PP_MESSAGE_HELLO);
  g_assert_false (msg->has_v);

  peer_free (a);
}

/* ------------------------------------------------------------------------
 * Randomized: concurrent edits, delays, reordering across clients, drops
 * and reconnects; everyone converges on the room's text.
 * ------------------------------------------------------------------------ */

static PpTextOp *
random_edit (Peer  *peer,
             guint *marker)
{
  const PpDocument *doc = pp_client_session_get_document (peer->session);
  gsize length = pp_document_get_length (doc);
  gsize pos = g_test_rand_int_range (0, length + 1);
  g_auto(PpTextOpBuilder) builder;

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, pos);

  if (marker != NULL)
    {
      /* One private-use code point per edit, unique, half of them astral. */
      char utf8[8];
      gunichar c = (*marker % 2 == 0 ? 0xE000 : 0xF0000) + *marker / 2;
      gint n = g_unichar_to_utf8 (c, utf8);

      (*marker)++;
      pp_text_op_builder_insert (&builder, utf8, n);
    }
  else
    {
      gsize wanted = g_test_rand_int_range (0, 6);
      gsize n_delete = MIN (length - pos, wanted);

      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
        case 1:
          {
            g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 6));

            pp_text_op_builder_insert (&builder, text, -1);
          }
          break;

        case 2:
          pp_text_op_builder_delete (&builder, n_delete);
          break;

        default:
          {
            g_autofree char *deleted = pp_rope_dup_range (pp_document_get_rope (doc), pos, n_delete);
            g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 3));

            pp_text_op_builder_delete_text (&builder, deleted, -1);
            pp_text_op_builder_insert (&builder, text, -1);
          }
          break;
        }
    }

  return pp_text_op_builder_end (&builder);
}

static void
random_selection (Peer *peer)
{
  gsize length = pp_document_get_length (pp_client_session_get_document (peer->session));
  PpRange ranges[3];
  guint n = g_test_rand_int_range (0, G_N_ELEMENTS (ranges) + 1);

  for (guint i = 0; i < n; i++)
    {
      ranges[i].anchor = g_test_rand_int_range (0, length + 1);
      ranges[i].head = g_test_rand_int_range (0, length + 1);
    }

  pp_client_session_set_selection (peer->session, ranges, n);
}

/* Every remote selection a session holds is inside its document. */
static void
assert_selections_in_range (Peer *peer)
{
  GPtrArray *users = pp_client_session_get_users (peer->session);
  gint64 length = (gint64) pp_document_get_length (pp_client_session_get_document (peer->session));

  for (guint i = 0; i < users->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (users, i);

      for (guint j = 0; j < info->sel->len; j++)
        {
          g_assert_cmpint (g_array_index (info->sel, PpRange, j).anchor, <=, length);
          g_assert_cmpint (g_array_index (info->sel, PpRange, j).head, <=, length);
        }
    }
}

/* The editor, fed only by local edits and the signals, shows the session's text. */
static void
assert_editor_follows (Peer *peer)
{
  g_autofree char *text = peer_dup_text (peer);

  g_assert_cmpstr (text, ==, peer->editor);
}

static void
run_random (guint    n_peers,
            guint    n_steps,
            gboolean inserts_only)
{
  g_autofree char *initial = pp_test_random_text (g_test_rand_int_range (0, 30));
  g_autoptr(FakeRoom) room = room_new (initial);
  guint marker = 0;

  for (guint i = 0; i < n_peers; i++)
    {
      g_autofree char *client = g_strdup_printf ("client-%u", i);

      join (room, peer_new (room, client));
    }

  for (guint step = 0; step < n_steps; step++)
    {
      Peer *peer = g_ptr_array_index (room->peers, g_test_rand_int_range (0, n_peers));
      guint action = g_test_rand_int_range (0, 100);

      if (action < 40)
        {
          g_autoptr(PpTextOp) op = random_edit (peer, inserts_only ? &marker : NULL);

          peer_edit (peer, op);
        }
      else if (action < 85)
        room_step (room);
      else if (action < 90)
        random_selection (peer);
      else if (action < 93)
        {
          if (peer->connected)
            peer_disconnect (peer, g_test_rand_bit ());
        }
      else if (action < 98)
        {
          if (!peer->connected)
            peer_connect (peer);
        }
      else if (peer->connected)
        {
          g_autofree char *title = pp_test_random_text (g_test_rand_int_range (0, 10));

          pp_client_session_set_meta (peer->session, g_test_rand_bit () ? "c" : NULL, title);
        }

      assert_selections_in_range (peer);
      assert_editor_follows (peer);
    }

  for (guint i = 0; i < n_peers; i++)
    {
      Peer *peer = g_ptr_array_index (room->peers, i);

      if (!peer->connected)
        peer_connect (peer);
    }
  room_run (room);

  assert_converged (room);
  assert_log_exactly_once (room);

  for (guint i = 0; i < n_peers; i++)
    {
      Peer *peer = g_ptr_array_index (room->peers, i);

      g_assert_cmpuint (pp_client_session_get_users (peer->session)->len, ==, n_peers - 1);
      g_assert_cmpstr (pp_client_session_get_language (peer->session), ==, room->language);
      g_assert_cmpstr (pp_client_session_get_title (peer->session), ==, room->title);
    }

  if (inserts_only)
    {
      g_autofree char *text = pp_document_dup_text (room->doc);
      g_autofree guint8 *count = g_new0 (guint8, marker);

      /* Nothing lost, nothing doubled. */
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          guint index;

          if (c >= 0xF0000 && c < 0xF0000 + (marker + 1) / 2)
            index = (c - 0xF0000) * 2 + 1;
          else if (c >= 0xE000 && c < 0xE000 + (marker + 1) / 2)
            index = (c - 0xE000) * 2;
          else
            continue;

          if (index < marker)
            count[index]++;
        }

      for (guint i = 0; i < marker; i++)
        g_assert_cmpuint (count[i], ==, 1);
    }
}

static void
test_random_converge (void)
{
  guint rounds = g_test_thorough () ? 200 : 25;

  for (guint i = 0; i < rounds; i++)
    run_random (g_test_rand_int_range (2, 5), 400, FALSE);
}

static void
test_random_exactly_once (void)
{
  guint rounds = g_test_thorough () ? 200 : 25;

  for (guint i = 0; i < rounds; i++)
    run_random (3, 400, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/client-session/states", test_states);
  g_test_add_func ("/pp/client-session/unknown-type-ignored", test_unknown_type_ignored);
  g_test_add_func ("/pp/client-session/resend/same-seq", test_resend_same_seq);
  g_test_add_func ("/pp/client-session/resend/race", test_resend_race);
  g_test_add_func ("/pp/client-session/offline-merge", test_offline_merge);
  g_test_add_func ("/pp/client-session/catch-up", test_catch_up);
  g_test_add_func ("/pp/client-session/presence", test_presence);
  g_test_add_func ("/pp/client-session/view-follow-identity", test_view_follow_identity);
  g_test_add_func ("/pp/client-session/meta", test_meta);
  g_test_add_func ("/pp/client-session/resync", test_resync);
  g_test_add_func ("/pp/client-session/resync-seq-taken", test_reused_seq_taken);
  g_test_add_func ("/pp/client-session/bad-server-input", test_bad_server_input);
  g_test_add_func ("/pp/client-session/refused-op", test_refused_op);
  g_test_add_func ("/pp/client-session/random/converge", test_random_converge);
  g_test_add_func ("/pp/client-session/random/exactly-once", test_random_exactly_once);

  return g_test_run ();
}
