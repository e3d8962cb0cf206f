/* pairpad-connection.c: the WebSocket that carries one PpClientSession, reconnecting with backoff.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-connection"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <libsoup/soup.h>

#include "pairpad-connection.h"

/* PairpadConnection owns the SoupSession and the current WebSocket, and
 * feeds frames both ways between them and the PpClientSession. It knows
 * nothing of editors: the session keeps unsent edits while we are away and
 * resends them after the next welcome (same seq, so exactly once).
 *
 * Who we are goes with the upgrade request: a signed-in account's token
 * as "Authorization: Bearer", which the daemon reads before the socket
 * opens. What we may do in the room (an owner key, a share link) goes in
 * hello.token, which is the session's business. */

/* A welcome carries the whole document: up to 16 Mi code points, each up to
 * 6 bytes once JSON-escaped (\u0001), so the largest room still opens. */
#define MAX_PAYLOAD (128 * 1024 * 1024)
#define FIRST_DELAY_MS 500
#define MAX_DELAY_MS 30000

struct _PairpadConnection
{
  GObject                  parent_instance;

  /* Owned */
  PpClientSession         *session;
  SoupSession             *soup;
  SoupWebsocketConnection *ws;
  GCancellable            *cancellable;
  char                    *ws_url;
  char                    *bearer;    /* (nullable) an account's app token, for the upgrade */
  guint                    retry_source;

  PairpadConnectionState   state;
  guint                    attempt;
  guint                    retry_delay;
  gushort                  close_code;

  /* Flags */
  gboolean                 welcomed;  /* the current socket got us into the room */
  gboolean                 rejoined;  /* it was opened at once after a 4403 */
};

G_DEFINE_FINAL_TYPE (PairpadConnection, pairpad_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void connect_now (PairpadConnection *self);

static void
set_state (PairpadConnection      *self,
           PairpadConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
retry_cb (gpointer data)
{
  PairpadConnection *self = data;

  self->retry_source = 0;
  connect_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PairpadConnection *self)
{
  self->retry_delay = pairpad_connection_next_delay_ms (self->attempt++, 25);
  g_debug ("reconnecting in %u ms", self->retry_delay);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (self->retry_delay, retry_cb, self);
  set_state (self, PAIRPAD_CONNECTION_WAITING);
}

static void
drop_socket (PairpadConnection *self)
{
  if (self->ws == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->ws, self);
  if (soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  g_clear_object (&self->ws);
}

static void
on_send_frame (PairpadConnection *self,
               const char        *frame)
{
  if (self->ws != NULL &&
      soup_websocket_connection_get_state (self->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->ws, frame);
}

static void
on_session_state (PairpadConnection *self)
{
  /* A welcome resets the backoff: only a connection that got us into the
   * room counts as a success. */
  if (self->ws != NULL && pp_client_session_get_state (self->session) >= PP_CLIENT_SESSION_SYNCED)
    {
      self->attempt = 0;
      self->welcomed = TRUE;
      set_state (self, PAIRPAD_CONNECTION_ONLINE);
    }
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               int                      type,
               GBytes                  *bytes,
               PairpadConnection       *self)
{
  g_autoptr(GError) error = NULL;
  gsize n_bytes;
  const char *data = g_bytes_get_data (bytes, &n_bytes);

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;

  /* A frame the session cannot take leaves it out of step with the room
   * (say a welcome that would drop edits the room no longer accepts): as
   * pp_client_session_receive() asks, join again, from the full text if
   * need be. */
  if (!pp_client_session_receive (self->session, data, n_bytes, &error))
    {
      g_debug ("rejoining after a frame out of step: %s", error->message);
      drop_socket (self);
      pp_client_session_disconnected (self->session);
      schedule_retry (self);
    }
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              PairpadConnection       *self)
{
  gushort code = soup_websocket_connection_get_close_code (ws);
  gboolean welcomed = self->welcomed;

  g_debug ("connection closed (%u)", code);
  self->close_code = code;
  drop_socket (self);
  pp_client_session_disconnected (self->session);

  /* 4404: the room does not exist (or was just deleted); 4403 before the
   * welcome: we may not join. Retrying cannot help. */
  if (code == PAIRPAD_CLOSE_NOT_FOUND || (code == PAIRPAD_CLOSE_FORBIDDEN && !welcomed))
    {
      set_state (self, PAIRPAD_CONNECTION_FAILED);
      return;
    }

  /* 4403 once in: an edit crossed the news that we may no longer make one,
   * or we lost access. Joining again tells which: the first gets a welcome
   * (as a viewer), the second a refusal, and the code above. */
  if (code == PAIRPAD_CLOSE_FORBIDDEN && !self->rejoined)
    {
      self->attempt = 0;
      connect_now (self);
      self->rejoined = TRUE;
      return;
    }

  /* Or again right after that: something keeps sending what is refused,
   * so wait as after any loss. */
  schedule_retry (self);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PairpadConnection) self = data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("could not connect: %s", error->message);
      schedule_retry (self);
      return;
    }

  self->ws = ws;
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_PAYLOAD);
  soup_websocket_connection_set_keepalive_interval (ws, 20);
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), self);
  pp_client_session_connected (self->session);
}

/* Keystrokes must leave at once: with Nagle's algorithm and delayed acks a
 * frame sent while another is unacknowledged waits ~40 ms. */
static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection)
{
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)),
                         IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
connect_now (PairpadConnection *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  const char *protocols[] = { PP_PROTOCOL_SUBPROTOCOL, NULL };

  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_socket (self);
  self->welcomed = FALSE;
  self->rejoined = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  msg = soup_message_new ("GET", self->ws_url);
  if (msg == NULL)
    {
      set_state (self, PAIRPAD_CONNECTION_FAILED);
      return;
    }

  if (self->bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  g_signal_connect (msg, "network-event", G_CALLBACK (on_network_event), NULL);
  set_state (self, PAIRPAD_CONNECTION_CONNECTING);
  soup_session_websocket_connect_async (self->soup, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, self->cancellable,
                                        on_connected, g_object_ref (self));
}

static void
pairpad_connection_dispose (GObject *object)
{
  PairpadConnection *self = (PairpadConnection *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_socket (self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->soup);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pairpad_connection_parent_class)->dispose (object);
}

static void
pairpad_connection_finalize (GObject *object)
{
  PairpadConnection *self = (PairpadConnection *)object;

  g_clear_pointer (&self->ws_url, g_free);
  g_clear_pointer (&self->bearer, g_free);

  G_OBJECT_CLASS (pairpad_connection_parent_class)->finalize (object);
}

static void
pairpad_connection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PairpadConnection *self = PAIRPAD_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pairpad_connection_class_init (PairpadConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_connection_dispose;
  object_class->finalize = pairpad_connection_finalize;
  object_class->get_property = pairpad_connection_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      PAIRPAD_CONNECTION_CONNECTING, PAIRPAD_CONNECTION_FAILED,
                      PAIRPAD_CONNECTION_CONNECTING,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pairpad_connection_init (PairpadConnection *self)
{
  self->soup = soup_session_new ();
  self->state = PAIRPAD_CONNECTION_CONNECTING;
}

PairpadConnection *
pairpad_connection_new (PpClientSession *session,
                        const char      *ws_url)
{
  PairpadConnection *self;

  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);
  g_return_val_if_fail (ws_url != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_CONNECTION, NULL);
  self->session = g_object_ref (session);
  self->ws_url = g_strdup (ws_url);
  g_signal_connect_object (session, "send-frame", G_CALLBACK (on_send_frame), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (on_session_state), self,
                           G_CONNECT_SWAPPED);

  return self;
}

void
pairpad_connection_start (PairpadConnection *self)
{
  g_return_if_fail (PAIRPAD_IS_CONNECTION (self));

  connect_now (self);
}

/* @token (nullable): an account's app token, sent from the next
 * connection on; pairpad_connection_reconnect() to be someone else now. */
void
pairpad_connection_set_bearer (PairpadConnection *self,
                               const char        *token)
{
  g_return_if_fail (PAIRPAD_IS_CONNECTION (self));

  if (g_strcmp0 (token, self->bearer) == 0)
    return;

  g_free (self->bearer);
  self->bearer = g_strdup (token);
}

/* Skips the wait, for the "Retry" button and network changes. */
void
pairpad_connection_retry_now (PairpadConnection *self)
{
  g_return_if_fail (PAIRPAD_IS_CONNECTION (self));

  if (self->state == PAIRPAD_CONNECTION_WAITING || self->state == PAIRPAD_CONNECTION_FAILED)
    {
      self->attempt = 0;
      connect_now (self);
    }
}

/* Opens a new connection at once, say to send a new hello after a change of
 * name; the session resends what was unacknowledged after the welcome. */
void
pairpad_connection_reconnect (PairpadConnection *self)
{
  g_return_if_fail (PAIRPAD_IS_CONNECTION (self));

  if (self->state == PAIRPAD_CONNECTION_FAILED)
    return;

  if (self->ws != NULL)
    {
      drop_socket (self);
      pp_client_session_disconnected (self->session);
    }
  self->attempt = 0;
  connect_now (self);
}

PairpadConnectionState
pairpad_connection_get_state (PairpadConnection *self)
{
  g_return_val_if_fail (PAIRPAD_IS_CONNECTION (self), PAIRPAD_CONNECTION_FAILED);

  return self->state;
}

/* The close code of the last connection that closed (4403, 4404…), 0 before. */
guint
pairpad_connection_get_close_code (PairpadConnection *self)
{
  g_return_val_if_fail (PAIRPAD_IS_CONNECTION (self), 0);

  return self->close_code;
}

guint
pairpad_connection_get_retry_delay (PairpadConnection *self)
{
  g_return_val_if_fail (PAIRPAD_IS_CONNECTION (self), 0);

  return self->retry_delay;
}

/* Exponential backoff from 0.5 s to 30 s, plus up to @jitter_percent so
 * that clients dropped together by a daemon restart do not return together. */
guint
pairpad_connection_next_delay_ms (guint attempt,
                                  guint jitter_percent)
{
  guint delay = FIRST_DELAY_MS;

  for (guint i = 0; i < attempt && delay < MAX_DELAY_MS; i++)
    delay *= 2;
  delay = MIN (delay, MAX_DELAY_MS);

  if (jitter_percent > 0)
    delay += g_random_int_range (0, delay * jitter_percent / 100 + 1);

  return delay;
}
