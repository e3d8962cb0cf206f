/* ppd-context.c: owns everything the daemon runs: settings, store, rooms, HTTP server.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-context"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "ppd-cluster-rooms.h"
#include "ppd-completion.h"
#include "ppd-context.h"
#include "ppd-http-routes.h"

/* No globals: the context is the root of ownership, so tests can run
 * several daemons in one process and shutdown has one place to start. */

struct _PpdContext
{
  GObject          parent_instance;

  /* Owned */
  PpdConfig        *config;
  PpdMetrics       *metrics;
  PpdStore         *store;
  PpdRoomRegistry  *registry;
  SoupServer       *server;
  PpdStatic        *web;
  PpPoller         *poller;
  PpdAddressLimits *address_limits;
  PpdModelCompletion *model_completion; /* NULL without --completion-endpoint */
  PpdClusterRooms  *cluster;            /* NULL without --cluster */

  /* Flags */
  guint            stopping : 1;
};

G_DEFINE_FINAL_TYPE (PpdContext, ppd_context, G_TYPE_OBJECT)

/* Small frames must leave at once: with Nagle's algorithm and delayed acks
 * a client with a few frames in flight stalls ~40 ms per round trip. Every
 * answer, the API's included, carries the headers that keep a browser from
 * sniffing types, framing the page or leaking the room's address; with TLS
 * on, browsers are told to come back only over HTTPS. */
static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    PpdContext        *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (socket != NULL)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  if (self->config->tls_cert != NULL)
    soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
}

/* libsoup before 3.3 never closes a kept-alive connection once the client
 * has closed it: every browser tab or curl left a descriptor in CLOSE-WAIT
 * until the daemon ran out. Without keep-alive each connection ends after
 * its response; WebSocket upgrades are left alone. */
static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 PpdContext        *self)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  if (!soup_message_headers_header_contains (request, "Connection", "Upgrade"))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Connection", "close");
}

static void
ppd_context_dispose (GObject *object)
{
  PpdContext *self = (PpdContext *) object;

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->web);
  g_clear_object (&self->model_completion);
  g_clear_object (&self->cluster);
  g_clear_object (&self->registry);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ppd_context_parent_class)->dispose (object);
}

static void
ppd_context_finalize (GObject *object)
{
  PpdContext *self = (PpdContext *) object;

  g_clear_pointer (&self->poller, pp_poller_unref);
  g_clear_pointer (&self->address_limits, ppd_address_limits_free);
  g_clear_pointer (&self->metrics, ppd_metrics_free);
  g_clear_pointer (&self->config, ppd_config_free);

  G_OBJECT_CLASS (ppd_context_parent_class)->finalize (object);
}

static void
ppd_context_class_init (PpdContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_context_dispose;
  object_class->finalize = ppd_context_finalize;
}

static void
ppd_context_init (PpdContext *self)
{
}

static void
on_room_complete (PpdRoom    *room,
                  PpdPeer    *peer,
                  const char *client,
                  PpMessage  *message,
                  PpdContext *self)
{
  ppd_completion_handle_frame (self, room, peer, client, message);
}

/* Rooms answer completion requests through the daemon's providers. */
static void
on_room_added (PpdRoomRegistry *registry,
               PpdRoom         *room,
               PpdContext      *self)
{
  g_signal_connect_object (room, "complete", G_CALLBACK (on_room_complete), self, 0);
}

/* Takes ownership of @config. */
PpdContext *
ppd_context_new (PpdConfig  *config,
                 GError    **error)
{
  g_autoptr(PpdContext) self = g_object_new (PPD_TYPE_CONTEXT, NULL);

  self->config = config;
  self->metrics = ppd_metrics_new ();
  self->poller = pp_poller_new (error);
  if (self->poller == NULL)
    return NULL;
  self->address_limits = ppd_address_limits_new (config);
  self->store = ppd_store_new (config->database, error);
  if (self->store == NULL)
    return NULL;

  self->registry = ppd_room_registry_new (self->store, self->config, self->metrics);
  g_signal_connect_object (self->registry, "room-added", G_CALLBACK (on_room_added), self, 0);
  if (config->cluster != NULL)
    self->cluster = ppd_cluster_rooms_new (config, self->registry, self->store, self->metrics);
  if (config->completion_endpoint != NULL)
    self->model_completion = ppd_model_completion_new (config, self->metrics);
  self->web = ppd_static_new (config->web_root);
  if (!g_file_test (config->web_root, G_FILE_TEST_IS_DIR))
    g_warning ("No browser client in %s: the API works, the web pages do not "
               "(build it with “make run”, or pass --web-root)", config->web_root);
  self->server = soup_server_new ("server-header", "pairpadd/" PACKAGE_VERSION " ", NULL);
  if (config->tls_cert != NULL)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (config->tls_cert,
                                                                                 config->tls_key,
                                                                                 error);

      if (certificate == NULL)
        {
          g_prefix_error (error, "tls-cert %s, tls-key %s: ", config->tls_cert, config->tls_key);
          return NULL;
        }
      soup_server_set_tls_certificate (self->server, certificate);
    }
  g_signal_connect_object (self->server, "request-started", G_CALLBACK (on_request_started),
                           self, 0);
  if (!soup_check_version (3, 3, 0))
    g_signal_connect_object (self->server, "request-read", G_CALLBACK (on_request_read), self, 0);
  ppd_http_routes_register (self);

  return g_steal_pointer (&self);
}

const PpdConfig *
ppd_context_get_config (PpdContext *self)
{
  return self->config;
}

PpdStore *
ppd_context_get_store (PpdContext *self)
{
  return self->store;
}

PpdRoomRegistry *
ppd_context_get_registry (PpdContext *self)
{
  return self->registry;
}

PpdAddressLimits *
ppd_context_get_address_limits (PpdContext *self)
{
  return self->address_limits;
}

PpPoller *
ppd_context_get_poller (PpdContext *self)
{
  return self->poller;
}

/* Returns: (nullable): the completion model, when one is configured */
PpdModelCompletion *
ppd_context_get_model_completion (PpdContext *self)
{
  return self->model_completion;
}

/* NULL when this daemon runs alone. */
PpdClusterRooms *
ppd_context_get_cluster (PpdContext *self)
{
  return self->cluster;
}

PpdMetrics *
ppd_context_get_metrics (PpdContext *self)
{
  return self->metrics;
}

SoupServer *
ppd_context_get_server (PpdContext *self)
{
  return self->server;
}

PpdStatic *
ppd_context_get_web (PpdContext *self)
{
  return self->web;
}

gboolean
ppd_context_is_stopping (PpdContext *self)
{
  return self->stopping;
}

/* The listening socket is ours, not soup_server_listen()'s: GSocket's
 * default backlog of 10 makes the kernel reset clients that connect in a
 * burst, as a room full of people reconnecting after a restart does. */
static GSocket *
listen_socket_new (GSocketAddress  *address,
                   GError         **error)
{
  g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address),
                                            G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return NULL;

  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static gboolean
start_listening (PpdContext  *self,
                 GError     **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->config->address);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  GSList *uris;

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", self->config->address);
      return FALSE;
    }

  address = g_inet_socket_address_new (inet, self->config->port);
  socket = listen_socket_new (address, error);
  if (socket == NULL ||
      !soup_server_listen_socket (self->server, socket,
                                  self->config->tls_cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0,
                                  error))
    return FALSE;

  uris = soup_server_get_uris (self->server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree char *uri = g_uri_to_string (l->data);

      /* Tests and scripts read this line to learn the port. */
      g_print ("pairpadd listening on %s\n", uri);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

static void
on_store_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  PpdContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!ppd_store_open_finish (PPD_STORE (source), result, &error) || !start_listening (self, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Opens and migrates the store, then listens: no request is served before
 * the database is ready. */
void
ppd_context_start_async (PpdContext          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ppd_context_start_async);
  ppd_store_open_async (self->store, cancellable, on_store_opened, g_steal_pointer (&task));
}

gboolean
ppd_context_start_finish (PpdContext    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_registry_stopped (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  PpdContext *self = g_task_get_source_object (task);

  if (self->cluster != NULL)
    ppd_cluster_rooms_stop (self->cluster);

  if (!ppd_room_registry_shutdown_finish (PPD_ROOM_REGISTRY (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Stop accepting (new requests get 503), close every session with 1001,
 * drain the commits. The caller then disconnects the server. */
void
ppd_context_stop_async (PpdContext          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ppd_context_stop_async);
  self->stopping = TRUE;
  ppd_room_registry_shutdown_async (self->registry, cancellable, on_registry_stopped,
                                    g_steal_pointer (&task));
}

gboolean
ppd_context_stop_finish (PpdContext    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
