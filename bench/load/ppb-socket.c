/* ppb-socket.c: a lean WebSocket client connection, thousands per process.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-socket"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>

#include "ppb-socket.h"

/* The load generator must not be slower than the daemon it measures. A
 * libsoup WebSocket costs a socket source and its session's bookkeeping
 * per connection, so with 10,000 of them every main-loop wakeup walked
 * 10,000 sources and opening them took minutes. This client speaks RFC
 * 6455 with libpairpad's framing on sockets watched by one PpPoller, like
 * the daemon does: only what the benchmark needs (ws://, one
 * subprotocol, no extensions). */

#define MAX_PAYLOAD (64 * 1024 * 1024)
#define MAX_RESPONSE_HEAD (16 * 1024)
#define WEBSOCKET_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

typedef enum
{
  STATE_NEW,
  STATE_CONNECTING,
  STATE_HANDSHAKE,
  STATE_OPEN,
  STATE_CLOSED,
} State;

struct _PpbSocket
{
  GObject                parent_instance;

  /* Owned */
  GSocketConnection     *connection;
  GCancellable          *cancellable;
  PpWsReader            *reader;
  PpOutputQueue         *output;
  GByteArray            *response;   /* the handshake answer so far */
  PpPoller              *poller;
  char                  *url;
  char                  *protocol;
  char                  *accept;     /* the Sec-WebSocket-Accept we expect */
  PpPollerWatch          watch;

  /* Borrowed from @connection */
  GPollableInputStream  *input;
  GPollableOutputStream *output_stream;

  State                  state;
  guint                  close_sent : 1;
};

G_DEFINE_FINAL_TYPE (PpbSocket, ppb_socket, G_TYPE_OBJECT)

enum {
  OPENED,
  MESSAGE,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void flush_output (PpbSocket *self);

static void
shut_down (PpbSocket *self)
{
  self->state = STATE_CLOSED;
  g_cancellable_cancel (self->cancellable);
  pp_poller_remove (self->poller, &self->watch);
  pp_output_queue_clear (self->output);
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);
}

/* Ends the connection once; @code is the daemon's close code, or 0 when
 * the connection failed, with @reason saying why. */
static void
finish (PpbSocket  *self,
        guint       code,
        const char *reason)
{
  g_autoptr(PpbSocket) hold = g_object_ref (self);

  if (self->state == STATE_CLOSED)
    return;

  shut_down (self);
  g_signal_emit (self, signals[CLOSED], 0, code, reason);
}

/* RFC 6455 §5.3: every client frame is masked. */
static void
queue_frame (PpbSocket    *self,
             PpWsOpcode    opcode,
             const void   *payload,
             gsize         n_bytes)
{
  guint32 key = g_random_int ();
  g_autoptr(GBytes) frame = pp_ws_frame_new (opcode, payload, n_bytes, (const guint8 *) &key);
  gboolean was_empty = pp_output_queue_is_empty (self->output);

  pp_output_queue_push (self->output, frame);
  if (was_empty)
    flush_output (self);
}

static void
flush_output (PpbSocket *self)
{
  g_autoptr(GError) error = NULL;
  guint32 events = EPOLLIN;

  if (self->state == STATE_CLOSED)
    return;

  if (!pp_output_queue_flush (self->output, self->output_stream, &error))
    {
      finish (self, 0, error->message);
      return;
    }

  if (!pp_output_queue_is_empty (self->output))
    events |= EPOLLOUT;
  pp_poller_set_events (self->poller, &self->watch, events);
}

static void
read_frames (PpbSocket *self)
{
  PpWsFrame frame;

  while (self->state == STATE_OPEN)
    {
      switch (pp_ws_reader_next (self->reader, &frame))
        {
        case PP_WS_READ_NEED_MORE:
          return;

        case PP_WS_READ_MESSAGE:
          g_signal_emit (self, signals[MESSAGE], 0, frame.payload, frame.payload_size);
          break;

        case PP_WS_READ_PING:
          queue_frame (self, PP_WS_OPCODE_PONG, frame.payload, frame.payload_size);
          break;

        case PP_WS_READ_PONG:
          break;

        case PP_WS_READ_CLOSE:
          {
            g_autofree char *reason = g_strndup ((const char *) frame.payload,
                                                 frame.payload_size);

            if (!self->close_sent)
              {
                guint8 code[2] = { frame.close_code >> 8, frame.close_code & 0xff };

                self->close_sent = TRUE;
                queue_frame (self, PP_WS_OPCODE_CLOSE, code,
                             frame.close_code == PP_WS_CLOSE_NO_STATUS ? 0 : 2);
              }
            finish (self, frame.close_code, reason);
          }
          return;

        case PP_WS_READ_ERROR:
        default:
          finish (self, 0, frame.error);
          return;
        }
    }
}

/* The 101 answer ends with an empty line; what follows it are frames. */
static void
read_handshake (PpbSocket *self)
{
  const char *start = (const char *) self->response->data;
  const char *end = g_strstr_len (start, self->response->len, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_autofree char *folded = NULL;
  gsize head_size;

  if (end == NULL)
    {
      if (self->response->len > MAX_RESPONSE_HEAD)
        finish (self, 0, "the handshake answer is too long");
      return;
    }

  head_size = end + 4 - start;
  head = g_strndup ((const char *) self->response->data, head_size);
  folded = g_ascii_strdown (head, -1);
  if (!g_str_has_prefix (head, "HTTP/1.1 101 "))
    {
      g_autofree char *status = g_strndup (head, strcspn (head, "\r"));
      g_autofree char *message = g_strdup_printf ("the daemon refused the WebSocket: %s", status);

      finish (self, 0, message);
      return;
    }
  if (strstr (head, self->accept) == NULL || strstr (folded, "sec-websocket-accept:") == NULL)
    {
      finish (self, 0, "the daemon answered the handshake with the wrong key");
      return;
    }

  pp_ws_reader_push (self->reader, self->response->data + head_size,
                     self->response->len - head_size);
  g_clear_pointer (&self->response, g_byte_array_unref);
  self->state = STATE_OPEN;
  g_signal_emit (self, signals[OPENED], 0);
  read_frames (self);
}

/* The 101 answer; what follows it in the same reads goes to the reader. */
static void
read_handshake_input (PpbSocket *self)
{
  while (self->state == STATE_HANDSHAKE)
    {
      g_autoptr(GError) error = NULL;
      guint8 buffer[512];
      gssize n = g_pollable_input_stream_read_nonblocking (self->input, buffer, sizeof buffer,
                                                           NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      if (n <= 0)
        {
          finish (self, 0, n == 0 ? "the daemon closed the connection" : error->message);
          return;
        }

      g_byte_array_append (self->response, buffer, n);
      read_handshake (self);
    }
}

static void
read_input (PpbSocket *self)
{
  read_handshake_input (self);

  while (self->state == STATE_OPEN)
    {
      g_autoptr(GError) error = NULL;
      gssize n = pp_ws_reader_read (self->reader, self->input, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return;
      if (n <= 0)
        {
          finish (self, 0, n == 0 ? "the connection to the daemon was lost" : error->message);
          return;
        }
      read_frames (self);
    }
}

static void
on_socket_ready (gpointer data,
                 guint32  events)
{
  g_autoptr(PpbSocket) self = g_object_ref (data);

  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
    read_input (self);
  if (events & EPOLLOUT)
    flush_output (self);
}

static void
send_handshake (PpbSocket *self)
{
  g_autoptr(GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 nonce[16];
  guint8 digest[20];
  gsize digest_size = sizeof digest;
  gsize n_bytes;

  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = g_random_int_range (0, 256);
  key = g_base64_encode (nonce, sizeof nonce);

  g_checksum_update (sha1, (const guint8 *) key, -1);
  g_checksum_update (sha1, (const guint8 *) WEBSOCKET_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_size);
  self->accept = g_base64_encode (digest, digest_size);

  request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                             "Host: %s:%d\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: %s\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Sec-WebSocket-Protocol: %s\r\n\r\n",
                             g_uri_get_path (uri), g_uri_get_host (uri),
                             g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 80,
                             key, self->protocol);
  n_bytes = strlen (request);
  bytes = g_bytes_new_take (g_steal_pointer (&request), n_bytes);
  pp_output_queue_push (self->output, bytes);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PpbSocket) self = data;
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  self->connection = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (source), result,
                                                            &error);
  if (self->connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        finish (self, 0, error->message);
      return;
    }
  if (self->state == STATE_CLOSED)
    return;

  /* Small frames must leave at once: Nagle's algorithm and delayed acks
   * would stall a client with a frame in flight by ~40 ms. */
  socket = g_socket_connection_get_socket (self->connection);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)));
  self->output_stream =
    G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (G_IO_STREAM (self->connection)));

  if (!pp_poller_add (self->poller, &self->watch, g_socket_get_fd (socket), EPOLLIN,
                      on_socket_ready, self, &error))
    {
      finish (self, 0, error->message);
      return;
    }

  self->state = STATE_HANDSHAKE;
  send_handshake (self);
  flush_output (self);
}

static void
ppb_socket_dispose (GObject *object)
{
  PpbSocket *self = (PpbSocket *) object;

  if (self->state != STATE_CLOSED)
    shut_down (self);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ppb_socket_parent_class)->dispose (object);
}

static void
ppb_socket_finalize (GObject *object)
{
  PpbSocket *self = (PpbSocket *) object;

  g_clear_pointer (&self->reader, pp_ws_reader_free);
  g_clear_pointer (&self->output, pp_output_queue_free);
  g_clear_pointer (&self->response, g_byte_array_unref);
  g_clear_pointer (&self->poller, pp_poller_unref);
  g_free (self->url);
  g_free (self->protocol);
  g_free (self->accept);

  G_OBJECT_CLASS (ppb_socket_parent_class)->finalize (object);
}

static void
ppb_socket_class_init (PpbSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppb_socket_dispose;
  object_class->finalize = ppb_socket_finalize;

  /* The handshake succeeded. */
  signals[OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A text or binary message: its bytes (not NUL-terminated) and size
   * (a gsize, which is a gulong here). */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                   G_TYPE_POINTER, G_TYPE_ULONG);
  /* The close code (0: the connection failed or was lost) and the close
   * reason or what went wrong. */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                  G_TYPE_UINT, G_TYPE_STRING);
}

static void
ppb_socket_init (PpbSocket *self)
{
  self->cancellable = g_cancellable_new ();
  self->output = pp_output_queue_new ();
  self->response = g_byte_array_new ();
  self->reader = pp_ws_reader_new (FALSE, MAX_PAYLOAD);
  self->watch.fd = -1;
}

PpbSocket *
ppb_socket_new (PpPoller   *poller,
                const char *ws_url,
                const char *protocol)
{
  PpbSocket *self = g_object_new (PPB_TYPE_SOCKET, NULL);

  self->poller = pp_poller_ref (poller);
  self->url = g_strdup (ws_url);
  self->protocol = g_strdup (protocol);

  return self;
}

/* Connects and shakes hands; "opened" or "closed" follows. */
void
ppb_socket_open (PpbSocket *self)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_return_if_fail (PPB_IS_SOCKET (self));
  g_return_if_fail (self->state == STATE_NEW);

  self->state = STATE_CONNECTING;
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_to_uri_async (client, self->url, 80, self->cancellable, on_connected,
                                        g_object_ref (self));
}

void
ppb_socket_send_text (PpbSocket  *self,
                      const char *text,
                      gsize       n_bytes)
{
  g_return_if_fail (PPB_IS_SOCKET (self));

  if (self->state == STATE_OPEN && !self->close_sent)
    queue_frame (self, PP_WS_OPCODE_TEXT, text, n_bytes);
}

/* A normal close: our close frame, then "closed" once the daemon answers
 * (or at once when the connection is not open). */
void
ppb_socket_close (PpbSocket *self,
                  gushort    code)
{
  guint8 payload[2] = { code >> 8, code & 0xff };

  g_return_if_fail (PPB_IS_SOCKET (self));

  if (self->state != STATE_OPEN)
    {
      finish (self, code, NULL);
      return;
    }
  if (self->close_sent)
    return;

  self->close_sent = TRUE;
  queue_frame (self, PP_WS_OPCODE_CLOSE, payload, sizeof payload);
}

gboolean
ppb_socket_is_open (PpbSocket *self)
{
  g_return_val_if_fail (PPB_IS_SOCKET (self), FALSE);

  return self->state == STATE_OPEN && !self->close_sent;
}
