/* ppb-client.c: one simulated user: a WebSocket carrying a PpClientSession, and a typist.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-client"

#include "config.h"

#include <string.h>

#include "ppb-client.h"
#include "ppb-socket.h"

/* A PpbClient is a real protocol client: the transport glue is the desktop
 * app's (src/app/pairpad-connection.c: send-frame goes to the socket,
 * messages go to pp_client_session_receive()), so one op in flight, the
 * buffer, acks and transforms are libpairpad's. On top of that it
 * timestamps its own op frames and the op frames of others for PpbLatency,
 * and types. It does not reconnect: for a benchmark a lost connection is a
 * result, reported through ppb_client_get_error().
 *
 * All clients share one PpPoller and the one main context. */

#define ALPHABET "abcdefghijklmnopqrstuvwxyz \n"

struct _PpbClient
{
  GObject                  parent_instance;

  /* Owned */
  PpClientSession         *session;
  PpbSocket               *socket;
  GRand                   *rand;
  char                    *error;
  guint                    type_source;

  /* Borrowed, outlives every client */
  PpbLatency              *latency;

  gint64                   connect_started_at;
  gint64                   joined_at;
  guint                    interval_ms;

  /* Flags */
  guint                    typing : 1;
  guint                    joined : 1;
  guint                    closing : 1;   /* we asked for the close */
  guint                    closed : 1;    /* the connection ended or never opened */
};

G_DEFINE_FINAL_TYPE (PpbClient, ppb_client, G_TYPE_OBJECT)

enum {
  JOINED,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_error (PpbClient  *self,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

/* The first error wins: what follows is usually its consequence. */
static void
set_error (PpbClient  *self,
           const char *format,
           ...)
{
  va_list args;

  if (self->error != NULL)
    return;

  va_start (args, format);
  self->error = g_strdup_vprintf (format, args);
  va_end (args);
  g_debug ("%s: %s", pp_client_session_get_client (self->session), self->error);
}

/* One keystroke: a character inserted at a random place, the workload the
 * peers' driver (bench/peers) types too, so the systems compare. */
static void
type_one (PpbClient *self)
{
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = pp_document_get_length (pp_client_session_get_document (self->session));
  char text[2] = { ALPHABET[g_rand_int_range (self->rand, 0, strlen (ALPHABET))], '\0' };

  op = pp_text_op_new_insert (g_rand_int_range (self->rand, 0, (gint32) length + 1), text);

  if (!pp_client_session_local_op (self->session, op, &error))
    {
      set_error (self, "a local edit was refused: %s", error->message);
      ppb_client_stop_typing (self);
      return;
    }
}

static gboolean
type_cb (gpointer data)
{
  PpbClient *self = data;

  type_one (self);

  return G_SOURCE_CONTINUE;
}

/* The first keystroke comes at a random point of the first interval, so
 * that clients started together do not type in step. */
static gboolean
first_type_cb (gpointer data)
{
  PpbClient *self = data;

  self->type_source = g_timeout_add (self->interval_ms, type_cb, self);
  type_one (self);

  return G_SOURCE_REMOVE;
}

static void
on_send_frame (PpbClient       *self,
               const char      *frame,
               PpClientSession *session)
{
  gint64 seq;
  gsize n_bytes = strlen (frame);

  if (!ppb_socket_is_open (self->socket))
    return;

  /* A cheap scan, not a parse: only op frames have a seq. */
  if (pp_message_peek_seq (frame, n_bytes, NULL, &seq))
    ppb_latency_sent (self->latency, pp_client_session_get_client (session), seq,
                      g_get_monotonic_time ());

  ppb_socket_send_text (self->socket, frame, n_bytes);
}

static void
on_acked (PpbClient       *self,
          gint64           seq,
          gint64           v,
          PpClientSession *session)
{
  ppb_latency_acked (self->latency, g_get_monotonic_time ());

  /* Lock-step: the next op leaves the moment the previous one is acked,
   * so every keystroke is its own protocol op. The session is synced
   * again when it emits acked, so the op goes out at once. */
  if (self->typing && self->interval_ms == 0)
    type_one (self);
}

static void
on_joined (PpbClient       *self,
           PpClientSession *session)
{
  if (self->joined)
    return;

  self->joined = TRUE;
  self->joined_at = g_get_monotonic_time ();
  g_signal_emit (self, signals[JOINED], 0);
}

static void
on_session_error (PpbClient       *self,
                  gint             code,
                  const char      *message,
                  PpClientSession *session)
{
  set_error (self, "the daemon answered %s: %s",
             pp_protocol_error_code_to_string ((PpProtocolError) code), message);
}

static void
on_socket_message (PpbSocket *socket,
                   gpointer   payload,
                   gsize      n_bytes,
                   PpbClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;
  gint64 now = g_get_monotonic_time ();

  /* Parsed once: the session applies it, and an op's author and seq time
   * it. With 50 clients in one process, each parse counts. */
  msg = pp_client_session_parse (self->session, payload, n_bytes, &error);
  if (msg != NULL && msg->type == PP_MESSAGE_OP)
    ppb_latency_received (self->latency, msg->entry->client, msg->entry->seq, now);

  if (msg == NULL || !pp_client_session_receive_message (self->session, msg, &error))
    {
      set_error (self, "a frame from the daemon was refused: %s", error->message);
      ppb_client_close (self);
    }
}

static void
on_socket_opened (PpbSocket *socket,
                  PpbClient *self)
{
  if (!self->closing)
    pp_client_session_connected (self->session);
}

static void
on_socket_closed (PpbSocket  *socket,
                  guint       code,
                  const char *reason,
                  PpbClient  *self)
{
  g_autoptr(PpbClient) hold = g_object_ref (self);

  if (!self->closing && code == 0)
    set_error (self, "%s", reason != NULL ? reason : "the connection to the daemon was lost");
  else if (!self->closing)
    set_error (self, "the daemon closed the connection (code %u%s%s)", code,
               reason != NULL && *reason ? ": " : "", reason != NULL ? reason : "");

  ppb_client_stop_typing (self);
  self->closed = TRUE;
  pp_client_session_disconnected (self->session);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
ppb_client_dispose (GObject *object)
{
  PpbClient *self = (PpbClient *) object;

  g_clear_handle_id (&self->type_source, g_source_remove);
  if (self->socket != NULL)
    g_signal_handlers_disconnect_by_data (self->socket, self);
  g_clear_object (&self->socket);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ppb_client_parent_class)->dispose (object);
}

static void
ppb_client_finalize (GObject *object)
{
  PpbClient *self = (PpbClient *) object;

  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (ppb_client_parent_class)->finalize (object);
}

static void
ppb_client_class_init (PpbClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppb_client_dispose;
  object_class->finalize = ppb_client_finalize;

  /* The first welcome has been applied. */
  signals[JOINED] = g_signal_new ("joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The connection ended, or could not be opened. */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ppb_client_init (PpbClient *self)
{
}

/* @latency must outlive the client. */
PpbClient *
ppb_client_new (PpPoller   *poller,
                const char *ws_url,
                const char *client_id,
                PpbLatency *latency)
{
  PpbClient *self;

  g_return_val_if_fail (poller != NULL, NULL);
  g_return_val_if_fail (ws_url != NULL, NULL);
  g_return_val_if_fail (pp_protocol_client_id_is_valid (client_id), NULL);
  g_return_val_if_fail (latency != NULL, NULL);

  self = g_object_new (PPB_TYPE_CLIENT, NULL);
  self->socket = ppb_socket_new (poller, ws_url, PP_PROTOCOL_SUBPROTOCOL);
  self->latency = latency;
  self->session = pp_client_session_new (client_id, client_id, NULL);

  g_signal_connect_object (self->session, "send-frame", G_CALLBACK (on_send_frame), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "acked", G_CALLBACK (on_acked), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "joined", G_CALLBACK (on_joined), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "error", G_CALLBACK (on_session_error), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self->socket, "opened", G_CALLBACK (on_socket_opened), self);
  g_signal_connect (self->socket, "message", G_CALLBACK (on_socket_message), self);
  g_signal_connect (self->socket, "closed", G_CALLBACK (on_socket_closed), self);

  return self;
}

/* Opens the WebSocket and joins; "joined" or "closed" follows. */
void
ppb_client_connect (PpbClient *self)
{
  g_return_if_fail (PPB_IS_CLIENT (self));
  g_return_if_fail (self->connect_started_at == 0);

  self->connect_started_at = g_get_monotonic_time ();
  ppb_socket_open (self->socket);
}

/* A normal close; "closed" follows once the daemon has answered. */
void
ppb_client_close (PpbClient *self)
{
  g_return_if_fail (PPB_IS_CLIENT (self));

  ppb_client_stop_typing (self);
  if (self->closing)
    return;

  self->closing = TRUE;
  if (!self->closed)
    ppb_socket_close (self->socket, PP_WS_CLOSE_NORMAL);
}

/* Types a character every @interval_ms, or with 0 in lock-step: the next
 * one as soon as the previous op is acked. Call once joined. */
void
ppb_client_start_typing (PpbClient *self,
                         guint      interval_ms,
                         guint32    seed)
{
  g_return_if_fail (PPB_IS_CLIENT (self));
  g_return_if_fail (self->joined);

  if (self->typing || self->closed)
    return;

  if (self->rand == NULL)
    self->rand = g_rand_new_with_seed (seed);

  self->typing = TRUE;
  self->interval_ms = interval_ms;

  if (interval_ms == 0)
    {
      if (pp_client_session_get_state (self->session) == PP_CLIENT_SESSION_SYNCED)
        type_one (self);
    }
  else
    self->type_source = g_timeout_add (g_rand_int_range (self->rand, 1, interval_ms + 1),
                                       first_type_cb, self);
}

void
ppb_client_stop_typing (PpbClient *self)
{
  g_return_if_fail (PPB_IS_CLIENT (self));

  self->typing = FALSE;
  g_clear_handle_id (&self->type_source, g_source_remove);
}

PpClientSession *
ppb_client_get_session (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), NULL);

  return self->session;
}

gboolean
ppb_client_is_joined (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), FALSE);

  return self->joined;
}

gboolean
ppb_client_is_open (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), FALSE);

  return !self->closed && ppb_socket_is_open (self->socket);
}

/* Nothing in flight, nothing buffered. */
gboolean
ppb_client_is_synced (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), FALSE);

  return self->joined && !self->closed &&
         pp_client_session_get_state (self->session) == PP_CLIENT_SESSION_SYNCED &&
         pp_client_session_get_n_unsent (self->session) == 0;
}

/* Microseconds from ppb_client_connect() to the first welcome applied, or -1. */
gint64
ppb_client_get_join_time (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), -1);

  return self->joined ? self->joined_at - self->connect_started_at : -1;
}

/* Returns: (nullable): what went wrong first */
const char *
ppb_client_get_error (PpbClient *self)
{
  g_return_val_if_fail (PPB_IS_CLIENT (self), NULL);

  return self->error;
}
