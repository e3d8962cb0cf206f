/* ppd-peer.c: one WebSocket client: framing, limits, liveness and back-pressure.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-peer"

#include "config.h"

#include <netinet/in.h>
#include <linux/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "ppd-peer.h"

/* A PpdPeer turns a WebSocket into validated PpMessages and knows nothing of
 * rooms. It enforces what can be judged from the frames alone: size, UTF-8
 * and JSON shape, the hello-first rule and the frame rate. It also decides
 * when a client is gone: libsoup 3.2 sends pings but never reports pongs, so
 * liveness comes from the kernel (TCP_INFO: time since the client last sent
 * any byte, a pong included), and so does back-pressure (bytes we queued
 * minus bytes the client's TCP acknowledged), since libsoup does not expose
 * its send queue either. */

#define MAX_EARLY_FRAMES 16
/* A send asks the kernel how much the client has read (a syscall) only
 * after this much more was queued; the periodic check covers the rest. */
#define SEND_CHECK_BYTES (64 * 1024)

struct _PpdPeer
{
  GObject                  parent_instance;

  /* Owned */
  SoupWebsocketConnection *connection;
  GSocket                 *socket;
  GQueue                   early_frames;    /* GBytes received before start() */
  char                    *address;

  /* Borrowed, outlive every peer */
  const PpdConfig         *config;
  PpdMetrics              *metrics;

  /* Back-pressure and liveness */
  guint64                  bytes_queued;
  guint64                  bytes_queued_checked; /* bytes_queued at the last check */
  guint64                  acked_at_start;
  guint64                  allowance;       /* extra unread bytes a welcome may add */
  gint64                   connected_at;
  gint64                   last_frame_at;   /* monotonic µs */
  double                   tokens;
  gint64                   tokens_at;

  /* Flags */
  guint                    started : 1;
  guint                    seen_first : 1;
  guint                    seen_hello : 1;
  guint                    closing : 1;
  guint                    closed : 1;
};

G_DEFINE_FINAL_TYPE (PpdPeer, ppd_peer, G_TYPE_OBJECT)

enum {
  MESSAGE,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void clear_early_frames (PpdPeer *self);

static gboolean
read_tcp_info (PpdPeer        *self,
               struct tcp_info *info)
{
  socklen_t len = sizeof *info;

  if (self->socket == NULL)
    return FALSE;

  memset (info, 0, sizeof *info);
  return getsockopt (g_socket_get_fd (self->socket), IPPROTO_TCP, TCP_INFO, info, &len) == 0;
}

/* RFC 6455 §5.2: server frames are unmasked. */
static gsize
frame_header_size (gsize payload)
{
  if (payload < 126)
    return 2;
  if (payload <= G_MAXUINT16)
    return 4;
  return 10;
}

static gboolean
take_token (PpdPeer *self)
{
  gint64 now = g_get_monotonic_time ();
  double rate = self->config->max_ops_per_second;

  self->tokens = MIN (rate, self->tokens + (now - self->tokens_at) * rate / G_USEC_PER_SEC);
  self->tokens_at = now;
  if (self->tokens < 1.0)
    return FALSE;

  self->tokens -= 1.0;
  return TRUE;
}

static void
handle_frame (PpdPeer *self,
              gint     type,
              GBytes  *bytes)
{
  g_autoptr(PpMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = !self->seen_first;
  gsize n_bytes;
  const char *data = g_bytes_get_data (bytes, &n_bytes);

  self->seen_first = TRUE;

  if (!take_token (self))
    {
      ppd_peer_fail (self, PP_PROTOCOL_ERROR_RATE_LIMITED,
                     "Too many frames: slow down and reconnect", PPD_CLOSE_RATE_LIMITED);
      return;
    }

  if (n_bytes > self->config->limits.max_frame_bytes)
    {
      g_autofree char *msg = g_strdup_printf ("Frame of %" G_GSIZE_FORMAT " bytes is over the "
                                              "limit of %" G_GSIZE_FORMAT, n_bytes,
                                              self->config->limits.max_frame_bytes);

      ppd_peer_fail (self, PP_PROTOCOL_ERROR_TOO_LARGE, msg, PPD_CLOSE_TOO_LARGE);
      return;
    }

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    g_set_error_literal (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                         "Binary frames are not part of the protocol: send JSON text frames");
  else
    message = pp_message_parse (data, n_bytes, PP_DIRECTION_FROM_CLIENT,
                                &self->config->limits, &error);

  if (message != NULL && !self->seen_hello && message->type != PP_MESSAGE_HELLO)
    {
      g_clear_pointer (&message, pp_message_unref);
      g_set_error_literal (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "The first frame must be a hello");
    }
  else if (message != NULL && self->seen_hello && message->type == PP_MESSAGE_HELLO)
    {
      g_clear_pointer (&message, pp_message_unref);
      g_set_error_literal (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "hello was already sent on this connection");
    }

  if (message == NULL && first)
    {
      ppd_peer_fail (self, PP_PROTOCOL_ERROR_BAD_MESSAGE, error->message, PPD_CLOSE_BAD_HELLO);
      return;
    }

  if (message == NULL)
    {
      /* An error about an op names its seq, even when the op could not be
       * decoded: that is how the client knows which op was refused. */
      gint64 seq = 0;
      gboolean has_seq = type == SOUP_WEBSOCKET_DATA_TEXT &&
                         pp_message_peek_seq (data, n_bytes, &self->config->limits, &seq);

      ppd_peer_send_error (self, error->code, error->message, has_seq, seq);
      return;
    }

  if (message->type == PP_MESSAGE_HELLO)
    self->seen_hello = TRUE;

  g_signal_emit (self, signals[MESSAGE], 0, message);
}

static void
on_message (SoupWebsocketConnection *connection,
            gint                     type,
            GBytes                  *bytes,
            PpdPeer                 *self)
{
  self->last_frame_at = g_get_monotonic_time ();
  ppd_metrics_add_frames (self->metrics, 1, 0);

  if (self->closing)
    return;

  if (!self->started)
    {
      if (g_queue_get_length (&self->early_frames) >= MAX_EARLY_FRAMES)
        {
          ppd_peer_fail (self, PP_PROTOCOL_ERROR_RATE_LIMITED,
                         "Too many frames before the room was ready", PPD_CLOSE_RATE_LIMITED);
          return;
        }
      /* The data type travels in the queue as a tagged GBytes pair. */
      g_queue_push_tail (&self->early_frames, GINT_TO_POINTER (type));
      g_queue_push_tail (&self->early_frames, g_bytes_ref (bytes));
      return;
    }

  handle_frame (self, type, bytes);
}

static void
emit_closed (PpdPeer *self)
{
  g_autoptr(PpdPeer) hold = g_object_ref (self);

  self->closing = TRUE;
  if (self->closed)
    return;

  self->closed = TRUE;
  clear_early_frames (self);
  g_signal_emit (self, signals[CLOSED], 0);
}

static void
on_closed (SoupWebsocketConnection *connection,
           PpdPeer                 *self)
{
  g_debug ("Connection from %s closed (code %u)", self->address,
           soup_websocket_connection_get_close_code (connection));
  emit_closed (self);
}

static void
on_error (SoupWebsocketConnection *connection,
          GError                  *error,
          PpdPeer                 *self)
{
  /* libsoup closes the connection itself after an error; "closed" follows. */
  g_debug ("Connection from %s: %s", self->address, error->message);
}

static void
clear_early_frames (PpdPeer *self)
{
  while (!g_queue_is_empty (&self->early_frames))
    {
      g_queue_pop_head (&self->early_frames);
      g_bytes_unref (g_queue_pop_head (&self->early_frames));
    }
}

static void
ppd_peer_dispose (GObject *object)
{
  PpdPeer *self = (PpdPeer *) object;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    }
  g_clear_object (&self->connection);
  g_clear_object (&self->socket);
  clear_early_frames (self);

  G_OBJECT_CLASS (ppd_peer_parent_class)->dispose (object);
}

static void
ppd_peer_finalize (GObject *object)
{
  PpdPeer *self = (PpdPeer *) object;

  g_free (self->address);

  G_OBJECT_CLASS (ppd_peer_parent_class)->finalize (object);
}

static void
ppd_peer_class_init (PpdPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_peer_dispose;
  object_class->finalize = ppd_peer_finalize;

  /**
   * PpdPeer::message:
   * A valid client frame; hello comes first and only once.
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                   pp_message_get_type () | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ppd_peer_init (PpdPeer *self)
{
  g_queue_init (&self->early_frames);
}

PpdPeer *
ppd_peer_new (SoupWebsocketConnection *connection,
              GSocket                 *socket,
              const PpdConfig         *config,
              PpdMetrics              *metrics)
{
  PpdPeer *self;
  struct tcp_info info;
  g_autoptr(GSocketAddress) remote = NULL;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection), NULL);

  self = g_object_new (PPD_TYPE_PEER, NULL);
  self->connection = g_object_ref (connection);
  self->socket = socket ? g_object_ref (socket) : NULL;
  self->config = config;
  self->metrics = metrics;
  self->last_frame_at = self->tokens_at = self->connected_at = g_get_monotonic_time ();
  self->tokens = config->max_ops_per_second;

  if (read_tcp_info (self, &info))
    self->acked_at_start = info.tcpi_bytes_acked;

  remote = socket ? g_socket_get_remote_address (socket, NULL) : NULL;
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_autofree char *ip =
        g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

      self->address = g_strdup_printf ("%s:%u", ip,
                                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
    }
  else
    self->address = g_strdup ("unknown");

  /* libsoup drops a frame over its own limit with close 1009 before we see
   * it; leave it headroom so frames up to twice ours get the protocol's
   * too_large error and 4413. */
  soup_websocket_connection_set_max_incoming_payload_size (connection,
                                                           config->limits.max_frame_bytes * 2);
  soup_websocket_connection_set_keepalive_interval (connection, config->ping_interval_s);

  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  g_signal_connect (connection, "error", G_CALLBACK (on_error), self);

  return self;
}

const char *
ppd_peer_get_address (PpdPeer *self)
{
  g_return_val_if_fail (PPD_IS_PEER (self), NULL);

  return self->address;
}

gboolean
ppd_peer_is_open (PpdPeer *self)
{
  g_return_val_if_fail (PPD_IS_PEER (self), FALSE);

  return !self->closing && self->connection != NULL &&
         soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* Delivers frames that arrived while the room was loading, then goes live. */
void
ppd_peer_start (PpdPeer *self)
{
  g_autoptr(PpdPeer) hold = g_object_ref (self);

  g_return_if_fail (PPD_IS_PEER (self));

  self->started = TRUE;
  while (!self->closing && !g_queue_is_empty (&self->early_frames))
    {
      gint type = GPOINTER_TO_INT (g_queue_pop_head (&self->early_frames));
      g_autoptr(GBytes) bytes = g_queue_pop_head (&self->early_frames);

      handle_frame (self, type, bytes);
    }
}

/* @frame must be NUL-terminated at @n_bytes (libsoup copies it). */
void
ppd_peer_send (PpdPeer    *self,
               const char *frame,
               gsize       n_bytes)
{
  g_return_if_fail (PPD_IS_PEER (self));

  if (!ppd_peer_is_open (self))
    return;

  soup_websocket_connection_send_text (self->connection, frame);
  self->bytes_queued += n_bytes + frame_header_size (n_bytes);
  ppd_metrics_add_frames (self->metrics, 0, 1);

  if (self->bytes_queued - self->bytes_queued_checked >= SEND_CHECK_BYTES &&
      !ppd_peer_check_health (self))
    ppd_peer_abort (self);
}

void
ppd_peer_send_message (PpdPeer         *self,
                       const PpMessage *message)
{
  gsize n_bytes;
  g_autofree char *frame = pp_message_to_json (message, &n_bytes);

  ppd_peer_send (self, frame, n_bytes);
}

/* For a frame as large as the document (a welcome): the client may take
 * as long as it needs to read it without counting as a slow reader. */
void
ppd_peer_send_message_allowing (PpdPeer         *self,
                                const PpMessage *message)
{
  gsize n_bytes;
  g_autofree char *frame = pp_message_to_json (message, &n_bytes);

  self->allowance += n_bytes + frame_header_size (n_bytes);
  ppd_peer_send (self, frame, n_bytes);
}

void
ppd_peer_send_error (PpdPeer         *self,
                     PpProtocolError  code,
                     const char      *message,
                     gboolean         has_seq,
                     gint64           seq)
{
  g_autoptr(PpMessage) error = pp_message_new_error (code, message, has_seq, seq);

  ppd_metrics_count_error (self->metrics, code);
  ppd_peer_send_message (self, error);
}

/* A fatal protocol error: an error frame, then the close code. */
void
ppd_peer_fail (PpdPeer         *self,
               PpProtocolError  code,
               const char      *message,
               PpdCloseCode     close_code)
{
  g_debug ("Closing %s with %d: %s", self->address, close_code, message);
  ppd_peer_send_error (self, code, message, FALSE, 0);
  ppd_metrics_count_dropped (self->metrics, pp_protocol_error_code_to_string (code));
  ppd_peer_close (self, close_code, pp_protocol_error_code_to_string (code));
}

void
ppd_peer_close (PpdPeer    *self,
                gushort     code,
                const char *reason)
{
  g_return_if_fail (PPD_IS_PEER (self));

  if (self->closing)
    return;

  self->closing = TRUE;
  clear_early_frames (self);
  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, code, reason);
}

/* Answering pings is not enough to hold a place: a connection must say
 * hello within the idle limit. FALSE when it did not (it is then closed
 * with 4400). Called from the periodic check, never from a send. */
gboolean
ppd_peer_check_hello (PpdPeer *self)
{
  gint64 limit_us = (gint64) self->config->idle_timeout_s * G_USEC_PER_SEC;

  if (self->closing || self->seen_hello ||
      g_get_monotonic_time () - self->connected_at <= limit_us)
    return TRUE;

  ppd_peer_fail (self, PP_PROTOCOL_ERROR_BAD_MESSAGE, "No hello in time", PPD_CLOSE_BAD_HELLO);
  return FALSE;
}

/* Drops a client that can no longer take part: a close handshake would
 * wait on a peer that does not read, so the socket is shut down at once,
 * libsoup's queue goes with it, and the room hears of it now. */
void
ppd_peer_abort (PpdPeer *self)
{
  g_return_if_fail (PPD_IS_PEER (self));

  if (self->closed)
    return;

  if (self->socket != NULL)
    g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
  emit_closed (self);
}

/* FALSE when the client should be dropped: silent for the idle limit (no
 * frame and no pong reached the kernel), or so far behind in reading that
 * its queue would cost real memory. */
gboolean
ppd_peer_check_health (PpdPeer *self)
{
  struct tcp_info info;
  gint64 idle_ms = (g_get_monotonic_time () - self->last_frame_at) / 1000;
  gint64 limit_ms = (gint64) self->config->idle_timeout_s * 1000;

  if (self->closing)
    return TRUE;

  if (read_tcp_info (self, &info))
    {
      guint64 acked = info.tcpi_bytes_acked - self->acked_at_start;

      self->bytes_queued_checked = self->bytes_queued;
      idle_ms = MIN (idle_ms, (gint64) info.tcpi_last_data_recv);
      if (self->bytes_queued > acked &&
          self->bytes_queued - acked > self->config->max_send_queue_bytes + self->allowance)
        {
          g_info ("Dropping %s: %" G_GUINT64_FORMAT " bytes unread", self->address,
                  self->bytes_queued - acked);
          ppd_metrics_count_dropped (self->metrics, "slow_reader");
          return FALSE;
        }
    }

  if (idle_ms > limit_ms)
    {
      g_info ("Dropping %s: silent for %" G_GINT64_FORMAT " ms", self->address, idle_ms);
      ppd_metrics_count_dropped (self->metrics, "idle");
      return FALSE;
    }

  return TRUE;
}
