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
#include <sys/epoll.h>
#include <sys/socket.h>

#include "ppd-peer.h"
#include "ppd-token-bucket.h"

/* A PpdPeer turns a WebSocket into validated PpMessages and knows nothing of
 * rooms. It enforces what can be judged from the frames alone: size, UTF-8
 * and JSON shape, the hello-first rule and the frame rate. It owns the
 * socket once libsoup has answered the handshake: frames are read and
 * written here (pp-websocket.c) and the socket is watched by the daemon's
 * one poller, so an idle client costs no main-loop work at all. A client is
 * gone when it has sent no byte (a pong included) for the idle limit, or
 * when it leaves too much unread: frames we still hold, or bytes its TCP
 * has not acknowledged (TCP_INFO). */

#define MAX_EARLY_FRAMES 16
/* A send asks the kernel how much the client has read (a syscall) only
 * after this much more was queued; the periodic check covers the rest. */
#define SEND_CHECK_BYTES (64 * 1024)
/* How long a client has to answer our close frame. */
#define CLOSE_TIMEOUT_S 5

struct _PpdPeer
{
  GObject                  parent_instance;

  /* Owned */
  GIOStream               *stream;
  GSocket                 *socket;
  PpWsReader              *reader;
  GQueue                   early_frames;    /* GBytes received before start() */
  PpOutputQueue           *output;
  char                    *address;
  char                    *account_name;    /* (nullable) verified by the handshake */
  PpdPeer                 *self_ref;        /* while the close handshake runs */
  guint                    close_timeout_id;
  PpPollerWatch           watch;

  /* Borrowed: the streams from @stream; the rest outlive every peer */
  GPollableInputStream    *input;
  GPollableOutputStream   *output_stream;
  const PpdConfig         *config;
  PpdMetrics              *metrics;
  PpPoller               *poller;

  /* Back-pressure and liveness */
  guint64                  bytes_queued;
  guint64                  bytes_queued_checked; /* bytes_queued at the last check */
  guint64                  acked_at_start;
  guint64                  allowance;       /* extra unread bytes a welcome may add */
  gint64                   connected_at;
  gint64                   last_frame_at;   /* monotonic µs of the last byte received */
  gint64                   last_ping_at;
  PpdTokenBucket           frames;          /* max-ops-per-second */
  PpdTokenBucket           bytes;           /* max-bytes-per-second */

  /* Flags */
  guint                    started : 1;
  guint                    seen_first : 1;
  guint                    seen_hello : 1;
  guint                    closing : 1;     /* no more messages either way */
  guint                    close_after_flush : 1;
  guint                    half_close_after_flush : 1;
  guint                    closed : 1;      /* the socket is closed */
};

G_DEFINE_FINAL_TYPE (PpdPeer, ppd_peer, G_TYPE_OBJECT)

enum {
  MESSAGE,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void clear_early_frames (PpdPeer *self);
static void flush_output       (PpdPeer *self);

static gboolean
read_tcp_info (PpdPeer        *self,
               struct tcp_info *info)
{
  socklen_t len = sizeof *info;

  memset (info, 0, sizeof *info);
  return getsockopt (g_socket_get_fd (self->socket), IPPROTO_TCP, TCP_INFO, info, &len) == 0;
}

/* A whole frame of the largest size may always come at once, twice. */
static double
bytes_burst (const PpdConfig *config)
{
  return MAX ((double) config->max_bytes_per_second, 2.0 * config->limits.max_frame_bytes);
}

/* FALSE when the client has left more than the limit unread: bytes we
 * queued minus bytes its TCP acknowledged. */
static gboolean
check_unread (PpdPeer *self)
{
  struct tcp_info info;
  guint64 acked;

  self->bytes_queued_checked = self->bytes_queued;
  if (!read_tcp_info (self, &info))
    return TRUE;

  acked = info.tcpi_bytes_acked - self->acked_at_start;
  if (self->bytes_queued <= acked ||
      self->bytes_queued - acked <= self->config->max_send_queue_bytes + self->allowance)
    return TRUE;

  g_info ("Dropping %s: %" G_GUINT64_FORMAT " bytes unread", self->address,
          self->bytes_queued - acked);
  ppd_metrics_count_dropped (self->metrics, "slow_reader");
  return FALSE;
}

static void
handle_frame (PpdPeer    *self,
              PpWsOpcode  opcode,
              const char *data,
              gsize       n_bytes)
{
  g_autoptr(PpMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gboolean first = !self->seen_first;

  self->seen_first = TRUE;

  if (!ppd_token_bucket_take (&self->frames, self->config->max_ops_per_second,
                              self->config->max_ops_per_second, 1))
    {
      ppd_peer_fail (self, PP_PROTOCOL_ERROR_RATE_LIMITED,
                     "Too many frames: slow down and reconnect", PPD_CLOSE_RATE_LIMITED);
      return;
    }

  if (opcode != PP_WS_OPCODE_TEXT)
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
      gboolean has_seq = opcode == PP_WS_OPCODE_TEXT &&
                         pp_message_peek_seq (data, n_bytes, &self->config->limits, &seq);

      ppd_peer_send_error (self, error->code, error->message, has_seq, seq);
      return;
    }

  if (message->type == PP_MESSAGE_HELLO)
    self->seen_hello = TRUE;

  g_signal_emit (self, signals[MESSAGE], 0, message);
}

static void
on_message (PpdPeer    *self,
            PpWsOpcode  opcode,
            const char *data,
            gsize       n_bytes)
{
  ppd_metrics_add_frames (self->metrics, 1, 0);

  if (!self->started)
    {
      if (g_queue_get_length (&self->early_frames) >= MAX_EARLY_FRAMES)
        {
          ppd_peer_fail (self, PP_PROTOCOL_ERROR_RATE_LIMITED,
                         "Too many frames before the room was ready", PPD_CLOSE_RATE_LIMITED);
          return;
        }
      /* The opcode travels in the queue ahead of its payload. */
      g_queue_push_tail (&self->early_frames, GINT_TO_POINTER (opcode));
      g_queue_push_tail (&self->early_frames, g_bytes_new (data, n_bytes));
      return;
    }

  handle_frame (self, opcode, data, n_bytes);
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

/* Closes the socket. The room hears of it through ::closed unless
 * @notify is FALSE (the peer is being disposed). */
static void
shut_down (PpdPeer  *self,
           gboolean  notify)
{
  g_autoptr(PpdPeer) hold = g_object_ref (self);
  g_autoptr(PpdPeer) self_ref = g_steal_pointer (&self->self_ref);

  self->closing = TRUE;
  if (self->closed)
    return;

  self->closed = TRUE;
  pp_poller_remove (self->poller, &self->watch);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  g_io_stream_close (self->stream, NULL, NULL);
  pp_output_queue_clear (self->output);
  clear_early_frames (self);
  if (notify)
    g_signal_emit (self, signals[CLOSED], 0);
}

static void
update_events (PpdPeer *self)
{
  guint32 events = EPOLLIN;

  if (!pp_output_queue_is_empty (self->output))
    events |= EPOLLOUT;
  pp_poller_set_events (self->poller, &self->watch, events);
}

/* Every frame goes through the queue, so frames leave in order whether or
 * not the kernel took the previous ones at once. */
static void
queue_frame (PpdPeer *self,
             GBytes  *frame)
{
  gboolean was_empty = pp_output_queue_is_empty (self->output);

  pp_output_queue_push (self->output, frame);
  self->bytes_queued += g_bytes_get_size (frame);
  if (was_empty)
    flush_output (self);
}

static void
flush_output (PpdPeer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->closed)
    return;

  if (!pp_output_queue_flush (self->output, self->output_stream, &error))
    {
      g_debug ("Sending to %s: %s", self->address, error->message);
      shut_down (self, TRUE);
      return;
    }

  if (pp_output_queue_is_empty (self->output) && self->close_after_flush)
    {
      shut_down (self, TRUE);
      return;
    }
  if (pp_output_queue_is_empty (self->output) && self->half_close_after_flush)
    {
      self->half_close_after_flush = FALSE;
      g_socket_shutdown (self->socket, FALSE, TRUE, NULL);
    }
  update_events (self);
}

static void
queue_control (PpdPeer      *self,
               PpWsOpcode    opcode,
               const guint8 *payload,
               gsize         n_bytes)
{
  g_autoptr(GBytes) frame = pp_ws_frame_new (opcode, payload, n_bytes, NULL);

  queue_frame (self, frame);
}

static gboolean
on_close_timeout (gpointer data)
{
  PpdPeer *self = data;

  self->close_timeout_id = 0;
  g_debug ("%s did not answer the close frame in time", self->address);
  shut_down (self, TRUE);

  return G_SOURCE_REMOVE;
}

/* Sends our close frame; the socket closes when the client answers with
 * its own, hangs up, or takes longer than CLOSE_TIMEOUT_S. */
static void
start_closing (PpdPeer    *self,
               gushort     code,
               const char *reason)
{
  g_autoptr(GBytes) frame = pp_ws_close_frame_new (code, reason);

  self->closing = TRUE;
  clear_early_frames (self);
  g_set_object (&self->self_ref, self);
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT_S, on_close_timeout, self);
  queue_frame (self, frame);
}

/* The client's close frame: answered with the same code when we had not
 * sent ours, then the server closes the TCP connection (RFC 6455 §7.1.1). */
static void
on_close_frame (PpdPeer *self,
                gushort  code)
{
  g_debug ("Connection from %s closed (code %u)", self->address, code);

  if (!self->closing)
    {
      self->closing = TRUE;
      clear_early_frames (self);
      if (code == PP_WS_CLOSE_NO_STATUS)
        queue_control (self, PP_WS_OPCODE_CLOSE, NULL, 0);
      else
        {
          g_autoptr(GBytes) frame = pp_ws_close_frame_new (code, NULL);

          queue_frame (self, frame);
        }
    }

  if (self->closed)
    return;
  if (pp_output_queue_is_empty (self->output))
    shut_down (self, TRUE);
  else
    self->close_after_flush = TRUE;
}

static void
read_frames (PpdPeer *self)
{
  PpWsFrame frame;

  while (!self->closed)
    {
      switch (pp_ws_reader_next (self->reader, &frame))
        {
        case PP_WS_READ_NEED_MORE:
          return;

        case PP_WS_READ_MESSAGE:
          if (!self->closing)
            on_message (self, frame.opcode, (const char *) frame.payload, frame.payload_size);
          break;

        case PP_WS_READ_PING:
          if (!self->closing)
            queue_control (self, PP_WS_OPCODE_PONG, frame.payload, frame.payload_size);
          break;

        case PP_WS_READ_PONG:
          break;

        case PP_WS_READ_CLOSE:
          on_close_frame (self, frame.close_code);
          return;

        case PP_WS_READ_ERROR:
        default:
          /* A message over the limit is skipped, and the client's answer
           * to our close frame is read as usual. */
          if (frame.close_code == PP_WS_CLOSE_TOO_BIG)
            {
              if (!self->closing)
                ppd_peer_fail (self, PP_PROTOCOL_ERROR_TOO_LARGE, frame.error,
                               PPD_CLOSE_TOO_LARGE);
              break;
            }
          /* After any other error the stream cannot be read further: our
           * end of it follows our close frame, and the client's end is
           * waited for. */
          if (!self->closing)
            {
              self->half_close_after_flush = TRUE;
              g_debug ("Closing %s with %u: %s", self->address, frame.close_code, frame.error);
              ppd_metrics_count_dropped (self->metrics, "websocket");
              start_closing (self, frame.close_code, frame.error);
            }
          return;
        }
    }
}

/* Reads until the socket has nothing more: the stream may hold bytes that
 * arrived with the HTTP request, which no poll would report. */
static void
read_input (PpdPeer *self)
{
  while (!self->closed)
    {
      g_autoptr(GError) error = NULL;
      gssize n = pp_ws_reader_read (self->reader, self->input, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      if (n <= 0)
        {
          g_debug ("Connection from %s ended: %s", self->address,
                   n == 0 ? "closed by the client" : error->message);
          shut_down (self, TRUE);
          return;
        }

      self->last_frame_at = g_get_monotonic_time ();
      if (!self->closing &&
          !ppd_token_bucket_take (&self->bytes, self->config->max_bytes_per_second,
                                  bytes_burst (self->config), n))
        ppd_peer_fail (self, PP_PROTOCOL_ERROR_RATE_LIMITED,
                       "Too many bytes: slow down and reconnect", PPD_CLOSE_RATE_LIMITED);
      read_frames (self);
    }
}

static void
on_socket_ready (gpointer data,
                 guint32  events)
{
  g_autoptr(PpdPeer) self = g_object_ref (data);

  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
    read_input (self);
  if (events & EPOLLOUT)
    flush_output (self);
}

static void
ppd_peer_dispose (GObject *object)
{
  PpdPeer *self = (PpdPeer *) object;

  /* Going away: a best-effort close frame, unless one is queued already. */
  if (self->stream != NULL && !self->closed)
    {
      if (!self->closing && pp_output_queue_is_empty (self->output))
        {
          g_autoptr(GBytes) frame = pp_ws_close_frame_new (PP_WS_CLOSE_GOING_AWAY, NULL);
          gsize n_bytes;
          const void *data = g_bytes_get_data (frame, &n_bytes);

          g_pollable_output_stream_write_nonblocking (self->output_stream, data, n_bytes,
                                                      NULL, NULL);
        }
      shut_down (self, FALSE);
    }
  g_clear_object (&self->self_ref);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  pp_output_queue_clear (self->output);
  clear_early_frames (self);

  G_OBJECT_CLASS (ppd_peer_parent_class)->dispose (object);
}

static void
ppd_peer_finalize (GObject *object)
{
  PpdPeer *self = (PpdPeer *) object;

  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_clear_pointer (&self->reader, pp_ws_reader_free);
  g_clear_pointer (&self->output, pp_output_queue_free);
  g_clear_pointer (&self->poller, pp_poller_unref);
  g_free (self->address);
  g_free (self->account_name);

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
  self->output = pp_output_queue_new ();
  self->watch.fd = -1;
}

/* Takes over @stream, a connection whose WebSocket handshake was just
 * answered, and @socket, the socket under it. */
PpdPeer *
ppd_peer_new (GIOStream       *stream,
              GSocket         *socket,
              const PpdConfig *config,
              PpdMetrics      *metrics,
              PpPoller       *poller)
{
  g_autoptr(PpdPeer) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  struct tcp_info info;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  g_return_val_if_fail (G_IS_SOCKET (socket), NULL);

  self = g_object_new (PPD_TYPE_PEER, NULL);
  self->stream = g_object_ref (stream);
  self->socket = g_object_ref (socket);
  self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  self->output_stream = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  self->reader = pp_ws_reader_new (TRUE, config->limits.max_frame_bytes);
  self->config = config;
  self->metrics = metrics;
  self->poller = pp_poller_ref (poller);
  self->last_frame_at = self->last_ping_at = self->connected_at = g_get_monotonic_time ();
  ppd_token_bucket_init (&self->frames, config->max_ops_per_second);
  ppd_token_bucket_init (&self->bytes, bytes_burst (config));

  if (read_tcp_info (self, &info))
    self->acked_at_start = info.tcpi_bytes_acked;

  remote = g_socket_get_remote_address (socket, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_autofree char *ip =
        g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));

      self->address = g_strdup_printf ("%s:%u", ip,
                                       g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
    }
  else
    self->address = g_strdup ("unknown");

  if (!pp_poller_add (poller, &self->watch, g_socket_get_fd (socket), EPOLLIN,
                       on_socket_ready, self, &error))
    {
      g_warning ("Connection from %s: %s", self->address, error->message);
      shut_down (self, FALSE);
      return g_steal_pointer (&self);
    }

  read_input (self);

  return g_steal_pointer (&self);
}

const char *
ppd_peer_get_address (PpdPeer *self)
{
  g_return_val_if_fail (PPD_IS_PEER (self), NULL);

  return self->address;
}

/* The signed-in account (or proxy user) the upgrade request named, or NULL. */
const char *
ppd_peer_get_account_name (PpdPeer *self)
{
  g_return_val_if_fail (PPD_IS_PEER (self), NULL);

  return self->account_name;
}

void
ppd_peer_set_account_name (PpdPeer    *self,
                           const char *name)
{
  g_return_if_fail (PPD_IS_PEER (self));

  g_free (self->account_name);
  self->account_name = g_strdup (name);
}

gboolean
ppd_peer_is_open (PpdPeer *self)
{
  g_return_val_if_fail (PPD_IS_PEER (self), FALSE);

  return !self->closing;
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
      PpWsOpcode opcode = GPOINTER_TO_INT (g_queue_pop_head (&self->early_frames));
      g_autoptr(GBytes) bytes = g_queue_pop_head (&self->early_frames);
      gsize n_bytes;
      const char *data = g_bytes_get_data (bytes, &n_bytes);

      handle_frame (self, opcode, data, n_bytes);
    }
}

/* The text frame for @json: build it once and send it to every recipient. */
GBytes *
ppd_peer_frame_new (const char *json,
                    gsize       n_bytes)
{
  return pp_ws_frame_new (PP_WS_OPCODE_TEXT, json, n_bytes, NULL);
}

/* Queues @frame (from ppd_peer_frame_new()); a client that lets too much
 * pile up unread is dropped here. */
void
ppd_peer_send_frame (PpdPeer *self,
                     GBytes  *frame)
{
  g_return_if_fail (PPD_IS_PEER (self));

  if (self->closing)
    return;

  queue_frame (self, frame);
  ppd_metrics_add_frames (self->metrics, 0, 1);

  if (self->closed)
    return;
  if (pp_output_queue_get_size (self->output) >
      self->config->max_send_queue_bytes + self->allowance)
    {
      g_info ("Dropping %s: %" G_GSIZE_FORMAT " bytes unsent", self->address,
              pp_output_queue_get_size (self->output));
      ppd_metrics_count_dropped (self->metrics, "slow_reader");
      ppd_peer_abort (self);
    }
  else if (self->bytes_queued - self->bytes_queued_checked >= SEND_CHECK_BYTES &&
           !check_unread (self))
    ppd_peer_abort (self);
}

void
ppd_peer_send (PpdPeer    *self,
               const char *json,
               gsize       n_bytes)
{
  g_autoptr(GBytes) frame = NULL;

  g_return_if_fail (PPD_IS_PEER (self));

  if (self->closing)
    return;

  frame = ppd_peer_frame_new (json, n_bytes);
  ppd_peer_send_frame (self, frame);
}

/* Takes @json. A large payload (a welcome) is queued as it is, after a
 * header of its own, rather than copied into a frame. */
static void
send_json_take (PpdPeer *self,
                char    *json,
                gsize    n_bytes)
{
  guint8 header[PP_WS_MAX_HEADER_SIZE];
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(GBytes) payload = NULL;

  if (n_bytes < SEND_CHECK_BYTES || self->closing)
    {
      ppd_peer_send (self, json, n_bytes);
      g_free (json);
      return;
    }

  header_bytes = g_bytes_new (header, pp_ws_frame_header_write (header, PP_WS_OPCODE_TEXT,
                                                                n_bytes, NULL));
  payload = g_bytes_new_take (json, n_bytes);
  queue_frame (self, header_bytes);
  ppd_peer_send_frame (self, payload);
}

void
ppd_peer_send_message (PpdPeer         *self,
                       const PpMessage *message)
{
  gsize n_bytes;
  char *json = pp_message_to_json (message, &n_bytes);

  send_json_take (self, json, n_bytes);
}

/* For a frame as large as the document (a welcome): the client may take
 * as long as it needs to read it without counting as a slow reader. */
void
ppd_peer_send_message_allowing (PpdPeer         *self,
                                const PpMessage *message)
{
  gsize n_bytes;
  char *json = pp_message_to_json (message, &n_bytes);

  self->allowance += n_bytes + PP_WS_MAX_HEADER_SIZE;
  send_json_take (self, json, n_bytes);
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

  start_closing (self, code, reason);
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
 * the queue goes with it, and the room hears of it now. */
void
ppd_peer_abort (PpdPeer *self)
{
  g_return_if_fail (PPD_IS_PEER (self));

  if (self->closed)
    return;

  g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
  shut_down (self, TRUE);
}

/* FALSE when the client should be dropped: silent for the idle limit (no
 * frame and no pong), or so far behind in reading that its queue would
 * cost real memory. Sends the keepalive ping when one is due: a live
 * client answers it, which is what keeps it from counting as silent. */
gboolean
ppd_peer_check_health (PpdPeer *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 idle_ms = (now - self->last_frame_at) / 1000;
  gint64 limit_ms = (gint64) self->config->idle_timeout_s * 1000;

  if (self->closing)
    return TRUE;

  if (!check_unread (self))
    return FALSE;

  if (idle_ms > limit_ms)
    {
      g_info ("Dropping %s: silent for %" G_GINT64_FORMAT " ms", self->address, idle_ms);
      ppd_metrics_count_dropped (self->metrics, "idle");
      return FALSE;
    }

  if (now - self->last_ping_at >= (gint64) self->config->ping_interval_s * G_USEC_PER_SEC)
    {
      self->last_ping_at = now;
      queue_control (self, PP_WS_OPCODE_PING, NULL, 0);
    }

  return TRUE;
}
