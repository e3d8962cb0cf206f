/* daemon-harness.c: runs the real pairpadd for the integration suites, with real clients.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "daemon-harness"

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "daemon-harness.h"

#define START_TIMEOUT_MS 20000
#define MAX_PAYLOAD (64 * 1024 * 1024)
#define RECONNECT_DELAY_MS 200

const char *
pp_backend_name (PpBackend backend)
{
  return backend == PP_BACKEND_SQLITE ? "sqlite" : "postgresql";
}

static gboolean
run_psql (const char  *url,
          const char  *sql,
          GError     **error)
{
  const char *argv[] = { "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql, NULL };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, error))
    return FALSE;

  return g_spawn_check_wait_status (status, error);
}

static char *
url_with_database (const char *admin_url,
                   const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (admin_url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  g_autofree char *path = g_strconcat ("/", name, NULL);
  g_autoptr(GUri) with_db = NULL;

  g_assert_nonnull (uri);
  with_db = g_uri_build_with_user (G_URI_FLAGS_HAS_PASSWORD, g_uri_get_scheme (uri),
                                   g_uri_get_user (uri), g_uri_get_password (uri), NULL,
                                   g_uri_get_host (uri), g_uri_get_port (uri), path, NULL, NULL);
  return g_uri_to_string (with_db);
}

PpTestDaemon *
pp_test_daemon_new (PpBackend   backend,
                    const char *first_arg,
                    ...)
{
  g_autoptr(PpTestDaemon) daemon = g_new0 (PpTestDaemon, 1);
  g_autoptr(GStrvBuilder) args = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  va_list ap;

  daemon->backend = backend;
  daemon->tmpdir = g_dir_make_tmp ("pairpad-test-XXXXXX", &error);
  g_assert_no_error (error);

  if (backend == PP_BACKEND_SQLITE)
    daemon->database = g_strdup_printf ("sqlite://%s/pairpad.db", daemon->tmpdir);
  else
    {
      const char *admin = g_getenv ("PAIRPAD_TEST_POSTGRES_URL");
      g_autofree char *create = NULL;

      if (admin == NULL || *admin == '\0')
        {
          g_test_skip ("PAIRPAD_TEST_POSTGRES_URL is not set (tests/run-all.sh starts a server)");
          return NULL;
        }

      daemon->pg_admin_url = g_strdup (admin);
      daemon->pg_name = g_strdup_printf ("pairpad_test_%08x%08x", g_random_int (), g_random_int ());
      create = g_strdup_printf ("CREATE DATABASE %s", daemon->pg_name);
      run_psql (admin, create, &error);
      g_assert_no_error (error);
      daemon->database = url_with_database (admin, daemon->pg_name);
    }

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_strv_builder_add (args, arg);
  va_end (ap);
  daemon->extra_args = g_strv_builder_end (args);

  daemon->http = soup_session_new_with_options ("timeout", 30, NULL);

  return g_steal_pointer (&daemon);
}

/* @base_url: "http://HOST:PORT" (or https) of a daemon or balancer the
 * harness did not start. Requests and clients go there; stop and free
 * leave it running. */
PpTestDaemon *
pp_test_daemon_new_for_url (const char *base_url)
{
  PpTestDaemon *daemon = g_new0 (PpTestDaemon, 1);
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  g_assert_nonnull (uri);
  scheme = g_uri_get_scheme (uri);
  g_assert_true (g_str_equal (scheme, "http") || g_str_equal (scheme, "https"));

  daemon->port = g_uri_get_port (uri);
  daemon->base_url = g_strdup_printf ("%s://%s:%u", scheme, g_uri_get_host (uri), daemon->port);
  daemon->ws_base_url = g_strdup_printf ("ws%s://%s:%u", scheme + strlen ("http"),
                                         g_uri_get_host (uri), daemon->port);
  daemon->http = soup_session_new_with_options ("timeout", 30, NULL);

  return daemon;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts pairpadd and waits for its "listening on" line; a restart reuses
 * the port so that clients can reconnect to the same URL. */
void
pp_test_daemon_start (PpTestDaemon *daemon)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;
  g_autofree char *port = g_strdup_printf ("%u", daemon->port);
  const char *binary = g_getenv ("PAIRPADD");
  const char *marker = "pairpadd listening on ";
  const char *scheme;
  const char *address;

  g_assert_nonnull (binary);
  g_assert_null (daemon->process);
  g_assert_nonnull (daemon->database);  /* not a pp_test_daemon_new_for_url() one */

  /* Every client of the suites comes from 127.0.0.1: the per-address
   * limits are for the tests that check them (later options win). */
  g_strv_builder_add_many (argv, binary, "--address", "127.0.0.1", "--port", port,
                           "--database", daemon->database,
                           "--max-connections-per-address", "100000",
                           "--max-rooms-per-minute", "100000", NULL);
  g_strv_builder_addv (argv, (const char **) daemon->extra_args);
  args = g_strv_builder_end (argv);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* No config file of the machine's may leak in; and a test that dies
   * must not leave its daemon behind. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", daemon->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", daemon->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", daemon->tmpdir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  daemon->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  if (line == NULL || !g_str_has_prefix (line, marker) ||
      (address = strstr (line, "://127.0.0.1:")) == NULL)
    g_error ("pairpadd did not start (printed “%s”)", line ? line : "nothing");

  scheme = g_str_has_prefix (line + strlen (marker), "https") ? "s" : "";
  daemon->port = atoi (address + strlen ("://127.0.0.1:"));
  g_assert_cmpuint (daemon->port, >, 0);
  g_free (daemon->base_url);
  g_free (daemon->ws_base_url);
  daemon->base_url = g_strdup_printf ("http%s://127.0.0.1:%u", scheme, daemon->port);
  daemon->ws_base_url = g_strdup_printf ("ws%s://127.0.0.1:%u", scheme, daemon->port);
}

/* A daemon with --tls-cert: every session of the harness trusts
 * @database (the test's own certificate). */
void
pp_test_daemon_trust (PpTestDaemon *daemon,
                      GTlsDatabase *database)
{
  g_set_object (&daemon->tls_database, database);
  soup_session_set_tls_database (daemon->http, database);
}

SoupSession *
pp_test_daemon_new_session (PpTestDaemon *daemon)
{
  SoupSession *session = soup_session_new ();

  if (daemon->tls_database != NULL)
    soup_session_set_tls_database (session, daemon->tls_database);

  return session;
}

/* Sends @signal and reaps the process: its exit status, or 128 + the
 * signal that ended it. */
int
pp_test_daemon_stop (PpTestDaemon *daemon,
                     int           signal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_steal_pointer (&daemon->process);

  if (process == NULL)
    return -1;

  g_subprocess_send_signal (process, signal);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_signaled (process))
    return 128 + g_subprocess_get_term_sig (process);

  return g_subprocess_get_exit_status (process);
}

/* SIGTERM, and an exit status of 0: for a daemon built with the sanitizers
 * that also means no leak and no undefined behaviour. */
void
pp_test_daemon_stop_cleanly (PpTestDaemon *daemon)
{
  g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
}

/* The value of a plain (label-free or fully labelled) sample in /metrics. */
gint64
pp_test_daemon_get_metric (PpTestDaemon *daemon,
                           const char   *name)
{
  g_autofree char *url = g_strconcat (daemon->base_url, "/metrics", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (daemon->http, msg, NULL, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autofree char *prefix = g_strconcat ("\n", name, " ", NULL);
  const char *line = strstr (text, prefix);

  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen (prefix), NULL, 10);
}

void
pp_test_daemon_free (PpTestDaemon *daemon)
{
  if (daemon == NULL)
    return;

  if (daemon->process != NULL)
    pp_test_daemon_stop (daemon, SIGKILL);

  if (daemon->pg_name != NULL)
    {
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)",
                                               daemon->pg_name);
      g_autoptr(GError) error = NULL;

      if (!run_psql (daemon->pg_admin_url, drop, &error))
        g_test_message ("Could not drop %s: %s", daemon->pg_name, error->message);
    }

  if (daemon->tmpdir != NULL)
    {
      const char *argv[] = { "rm", "-rf", daemon->tmpdir, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    NULL, NULL);
    }

  g_clear_object (&daemon->http);
  g_clear_object (&daemon->tls_database);
  g_strfreev (daemon->extra_args);
  g_free (daemon->tmpdir);
  g_free (daemon->database);
  g_free (daemon->pg_admin_url);
  g_free (daemon->pg_name);
  g_free (daemon->base_url);
  g_free (daemon->ws_base_url);
  g_free (daemon);
}

/* A blocking HTTP request (the daemon is another process); the JSON body,
 * or NULL when the body is not JSON. */
JsonNode *
pp_test_daemon_request (PpTestDaemon *daemon,
                        const char   *method,
                        const char   *path,
                        const char   *body,
                        guint        *status)
{
  return pp_test_daemon_request_with_token (daemon, method, path, body, NULL, status);
}

/* @token: (nullable): sent as "Authorization: Bearer TOKEN" */
JsonNode *
pp_test_daemon_request_with_token (PpTestDaemon *daemon,
                                   const char   *method,
                                   const char   *path,
                                   const char   *body,
                                   const char   *token,
                                   guint        *status)
{
  g_autofree char *value = token ? g_strconcat ("Bearer ", token, NULL) : NULL;
  const char *headers[] = { "Authorization", value, NULL };

  return pp_test_daemon_request_with_headers (daemon, method, path, body,
                                              token ? headers : NULL, status, NULL);
}

static void
add_headers (SoupMessage        *msg,
             const char * const *headers)
{
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    {
      g_assert_nonnull (headers[i + 1]);
      soup_message_headers_append (soup_message_get_request_headers (msg), headers[i],
                                   headers[i + 1]);
    }
}

/* @headers: (nullable): name, value, name, value, …, NULL; sent as given
 * (Cookie, Authorization, a proxy's header).
 * @response_headers: (out) (optional): the answer's headers, for Set-Cookie */
JsonNode *
pp_test_daemon_request_with_headers (PpTestDaemon        *daemon,
                                     const char          *method,
                                     const char          *path,
                                     const char          *body,
                                     const char * const  *headers,
                                     guint               *status,
                                     SoupMessageHeaders **response_headers)
{
  g_autofree char *url = g_strconcat (daemon->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  gsize n_bytes;
  const char *data;

  g_assert_nonnull (msg);
  add_headers (msg, headers);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  response = soup_session_send_and_read (daemon->http, msg, NULL, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = soup_message_get_status (msg);
  if (response_headers != NULL)
    *response_headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  data = g_bytes_get_data (response, &n_bytes);
  return pp_json_parse (data, n_bytes, 64, NULL);
}

char *
pp_test_daemon_create_room (PpTestDaemon *daemon,
                            const char   *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) response = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "c");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text ? text : "");
  json_builder_end_object (builder);
  request = json_builder_get_root (builder);
  body = pp_json_to_string (request, NULL);

  response = pp_test_daemon_request (daemon, "POST", "/api/v1/rooms", body, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_nonnull (response);

  return g_strdup (json_object_get_string_member (json_node_get_object (response), "id"));
}

char *
pp_test_daemon_dup_text (PpTestDaemon *daemon,
                         const char   *room,
                         gint64       *version)
{
  g_autofree char *path = g_strconcat ("/api/v1/rooms/", room, NULL);
  g_autoptr(JsonNode) response = NULL;
  JsonObject *object;
  guint status = 0;

  response = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  object = json_node_get_object (response);
  if (version != NULL)
    *version = json_object_get_int_member (object, "v");

  return g_strdup (json_object_get_string_member (object, "text"));
}

char *
pp_test_daemon_dup_ws_url (PpTestDaemon *daemon,
                           const char   *room)
{
  return g_strdup_printf ("%s/api/v1/rooms/%s/ws", daemon->ws_base_url, room);
}

/* Clients */

static void
on_send_frame (PpClientSession *session,
               const char      *frame,
               PpTestClient    *client)
{
  if (client->ws != NULL &&
      soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (client->ws, frame);
}

static void
on_session_error (PpClientSession *session,
                  int              code,
                  const char      *message,
                  PpTestClient    *client)
{
  client->n_errors++;
  client->last_error = code;
  g_test_message ("%s got error %s: %s", pp_client_session_get_client (session),
                  pp_protocol_error_code_to_string (code), message);
}

/* Connected swapped: the counter comes first, whatever the signal carries. */
static void
count_signal (guint *counter)
{
  (*counter)++;
}

static void
on_ws_message (SoupWebsocketConnection *ws,
               gint                     type,
               GBytes                  *bytes,
               PpTestClient            *client)
{
  g_autoptr(GError) error = NULL;
  gsize n_bytes;
  const char *data = g_bytes_get_data (bytes, &n_bytes);

  if (!pp_client_session_receive (client->session, data, n_bytes, &error))
    g_test_message ("%s could not take a frame: %s", pp_client_session_get_client (client->session),
                    error->message);
}

static gboolean
reconnect_cb (gpointer data)
{
  PpTestClient *client = data;

  client->reconnect_id = 0;
  pp_test_client_connect (client);

  return G_SOURCE_REMOVE;
}

/* A cancelled connection is one the test ended on purpose. */
static void
maybe_reconnect (PpTestClient *client)
{
  if (client->auto_reconnect && client->reconnect_id == 0 &&
      !g_cancellable_is_cancelled (client->cancellable))
    client->reconnect_id = g_timeout_add (RECONNECT_DELAY_MS, reconnect_cb, client);
}

static void
on_ws_closed (SoupWebsocketConnection *ws,
              PpTestClient            *client)
{
  client->closed = TRUE;
  client->close_code = soup_websocket_connection_get_close_code (ws);
  pp_client_session_disconnected (client->session);
  maybe_reconnect (client);
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PpTestClient *client = data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *ws;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (ws == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          client->connecting = FALSE;
          client->closed = TRUE;
          g_test_message ("connect failed: %s", error->message);
          maybe_reconnect (client);
        }
      return;
    }

  client->connecting = FALSE;
  client->closed = FALSE;
  client->ws = ws;
  soup_websocket_connection_set_max_incoming_payload_size (ws, MAX_PAYLOAD);
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), client);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), client);
  pp_client_session_connected (client->session);
}

PpTestClient *
pp_test_client_new (PpTestDaemon *daemon,
                    const char   *room,
                    const char   *client_id,
                    const char   *name)
{
  PpTestClient *client = g_new0 (PpTestClient, 1);

  client->daemon = daemon;
  client->room = g_strdup (room);
  client->session = pp_client_session_new (client_id, name, NULL);
  client->soup = pp_test_daemon_new_session (daemon);
  client->closed = TRUE;

  g_signal_connect (client->session, "send-frame", G_CALLBACK (on_send_frame), client);
  g_signal_connect (client->session, "error", G_CALLBACK (on_session_error), client);
  g_signal_connect_swapped (client->session, "remote-op", G_CALLBACK (count_signal), &client->n_remote_ops);
  g_signal_connect_swapped (client->session, "acked", G_CALLBACK (count_signal), &client->n_acks);
  g_signal_connect_swapped (client->session, "user-joined", G_CALLBACK (count_signal), &client->n_joins);
  g_signal_connect_swapped (client->session, "user-left", G_CALLBACK (count_signal), &client->n_leaves);
  g_signal_connect_swapped (client->session, "presence", G_CALLBACK (count_signal), &client->n_presence);
  g_signal_connect_swapped (client->session, "meta-changed", G_CALLBACK (count_signal), &client->n_meta);

  return client;
}

void
pp_test_client_connect (PpTestClient *client)
{
  g_autofree char *url = pp_test_daemon_dup_ws_url (client->daemon, client->room);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  const char *protocols[] = { PP_PROTOCOL_SUBPROTOCOL, NULL };

  g_clear_object (&client->ws);
  g_clear_object (&client->cancellable);
  client->cancellable = g_cancellable_new ();
  client->connecting = TRUE;
  soup_session_websocket_connect_async (client->soup, msg, NULL, (char **) protocols,
                                        G_PRIORITY_DEFAULT, client->cancellable,
                                        on_ws_connected, client);
}

gboolean
pp_test_client_is_joined (PpTestClient *client)
{
  return pp_client_session_get_state (client->session) >= PP_CLIENT_SESSION_SYNCED;
}

void
pp_test_client_join (PpTestClient *client)
{
  pp_test_client_connect (client);
  /* With auto_reconnect, through the attempts that fail. */
  PP_TEST_WAIT (pp_test_client_is_joined (client) ||
                (client->closed && !client->connecting && client->reconnect_id == 0),
                15000);
  g_assert_true (pp_test_client_is_joined (client));
}

gboolean
pp_test_client_is_synced (PpTestClient *client)
{
  return pp_client_session_get_state (client->session) == PP_CLIENT_SESSION_SYNCED;
}

void
pp_test_client_disconnect (PpTestClient *client)
{
  /* Cancelled first: no automatic reconnect follows. */
  g_cancellable_cancel (client->cancellable);
  g_clear_handle_id (&client->reconnect_id, g_source_remove);
  if (client->ws != NULL &&
      soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      soup_websocket_connection_close (client->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      PP_TEST_WAIT (client->closed, 5000);
    }
  client->connecting = FALSE;
}

/* Gone without a goodbye: the TCP connection ends, no close frame. */
void
pp_test_client_vanish (PpTestClient *client)
{
  g_assert_nonnull (client->ws);
  g_signal_handlers_disconnect_by_data (client->ws, client);
  g_io_stream_close (soup_websocket_connection_get_io_stream (client->ws), NULL, NULL);
  g_clear_object (&client->ws);
  client->closed = TRUE;
  pp_client_session_disconnected (client->session);
}

void
pp_test_client_insert (PpTestClient *client,
                       gsize         pos,
                       const char   *text)
{
  g_autoptr(PpTextOp) op = pp_text_op_new_insert (pos, text);
  g_autoptr(GError) error = NULL;

  pp_client_session_local_op (client->session, op, &error);
  g_assert_no_error (error);
}

void
pp_test_client_delete (PpTestClient *client,
                       gsize         pos,
                       gsize         count)
{
  g_autoptr(PpTextOp) op = pp_text_op_new_delete (pos, count);
  g_autoptr(GError) error = NULL;

  pp_client_session_local_op (client->session, op, &error);
  g_assert_no_error (error);
}

/* Mostly inserts of 1–3 characters (emoji included), some deletes. */
void
pp_test_client_random_edit (PpTestClient *client)
{
  gsize length = pp_document_get_length (pp_client_session_get_document (client->session));

  if (length > 0 && g_test_rand_int_range (0, 4) == 0)
    {
      gsize pos = g_test_rand_int_range (0, length);
      gsize wanted = g_test_rand_int_range (1, 4);
      gsize count = MIN (length - pos, wanted);

      pp_test_client_delete (client, pos, count);
    }
  else
    {
      g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 4));

      pp_test_client_insert (client, g_test_rand_int_range (0, length + 1), text);
    }
}

char *
pp_test_client_dup_text (PpTestClient *client)
{
  return pp_client_session_dup_text (client->session);
}

void
pp_test_client_free (PpTestClient *client)
{
  if (client == NULL)
    return;

  if (client->cancellable != NULL)
    g_cancellable_cancel (client->cancellable);
  g_clear_handle_id (&client->reconnect_id, g_source_remove);
  if (client->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->ws, client);
      if (soup_websocket_connection_get_state (client->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_signal_handlers_disconnect_by_data (client->session, client);
  g_clear_object (&client->ws);
  g_clear_object (&client->cancellable);
  g_clear_object (&client->session);
  g_clear_object (&client->soup);
  g_free (client->room);
  g_free (client);
}

/* Raw sockets */

static void
on_socket_message (SoupWebsocketConnection *ws,
                   gint                     type,
                   GBytes                  *bytes,
                   PpTestSocket            *socket)
{
  gsize n_bytes;
  const char *data = g_bytes_get_data (bytes, &n_bytes);
  JsonNode *node = pp_json_parse (data, n_bytes, 64, NULL);

  g_assert_nonnull (node);
  g_ptr_array_add (socket->frames, node);
}

static void
on_socket_closed (SoupWebsocketConnection *ws,
                  PpTestSocket            *socket)
{
  socket->closed = TRUE;
  socket->close_code = soup_websocket_connection_get_close_code (ws);
}

static void
on_socket_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  PpTestSocket *socket = data;
  g_autoptr(GError) error = NULL;

  socket->ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (socket->ws == NULL)
    {
      socket->failed = TRUE;
      return;
    }

  soup_websocket_connection_set_max_incoming_payload_size (socket->ws, MAX_PAYLOAD);
  g_signal_connect (socket->ws, "message", G_CALLBACK (on_socket_message), socket);
  g_signal_connect (socket->ws, "closed", G_CALLBACK (on_socket_closed), socket);
  socket->connected = TRUE;
}

PpTestSocket *
pp_test_socket_new (PpTestDaemon *daemon,
                    const char   *room)
{
  PpTestSocket *socket = pp_test_socket_new_with_headers (daemon, room, NULL);

  g_assert_true (socket->connected);

  return socket;
}

/* @headers as for pp_test_daemon_request_with_headers(), on the upgrade
 * request. The handshake may have been refused: then @failed is set. */
PpTestSocket *
pp_test_socket_new_with_headers (PpTestDaemon       *daemon,
                                 const char         *room,
                                 const char * const *headers)
{
  PpTestSocket *socket = g_new0 (PpTestSocket, 1);
  g_autofree char *url = pp_test_daemon_dup_ws_url (daemon, room);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  add_headers (msg, headers);
  socket->soup = pp_test_daemon_new_session (daemon);
  socket->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  soup_session_websocket_connect_async (socket->soup, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_socket_connected, socket);
  PP_TEST_WAIT (socket->connected || socket->failed, 10000);

  return socket;
}

void
pp_test_socket_send (PpTestSocket *socket,
                     const char   *frame)
{
  soup_websocket_connection_send_text (socket->ws, frame);
}

void
pp_test_socket_send_binary (PpTestSocket  *socket,
                            gconstpointer  data,
                            gsize          n_bytes)
{
  soup_websocket_connection_send_binary (socket->ws, data, n_bytes);
}

static JsonNode *
take_frame (PpTestSocket *socket,
            const char   *type)
{
  for (guint i = 0; i < socket->frames->len; i++)
    {
      JsonNode *node = g_ptr_array_index (socket->frames, i);
      JsonObject *object = json_node_get_object (node);

      if (type == NULL || g_strcmp0 (json_object_get_string_member (object, "type"), type) == 0)
        return g_ptr_array_steal_index (socket->frames, i);
    }

  return NULL;
}

/* The first received frame of @type (any type when NULL), waiting for it. */
JsonNode *
pp_test_socket_wait_frame (PpTestSocket *socket,
                           const char   *type,
                           guint         timeout_ms)
{
  JsonNode *node = NULL;

  PP_TEST_WAIT ((node = take_frame (socket, type)) != NULL || socket->closed, timeout_ms);
  if (node == NULL)
    node = take_frame (socket, type);

  return node;
}

gboolean
pp_test_socket_wait_closed (PpTestSocket *socket,
                            guint         timeout_ms)
{
  PP_TEST_WAIT (socket->closed, timeout_ms);
  return socket->closed;
}

void
pp_test_socket_free (PpTestSocket *socket)
{
  if (socket == NULL)
    return;

  if (socket->ws != NULL)
    {
      g_signal_handlers_disconnect_by_data (socket->ws, socket);
      if (soup_websocket_connection_get_state (socket->ws) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (socket->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&socket->ws);
  g_clear_object (&socket->soup);
  g_ptr_array_unref (socket->frames);
  g_free (socket);
}

/* Raw clients */

/* Opens the connection and completes the handshake; @receive_buffer > 0
 * shrinks the kernel's receive buffer so that not reading shows quickly. */
PpTestRawClient *
pp_test_raw_client_new (PpTestDaemon *daemon,
                        const char   *room,
                        int           receive_buffer)
{
  PpTestRawClient *client = g_new0 (PpTestRawClient, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, daemon->port);
  g_autofree char *request = NULL;
  GString *response = g_string_new (NULL);
  char byte;

  client->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  if (receive_buffer > 0)
    g_socket_set_option (client->socket, SOL_SOCKET, SO_RCVBUF, receive_buffer, NULL);
  g_socket_connect (client->socket, address, NULL, &error);
  g_assert_no_error (error);

  request = g_strdup_printf ("GET /api/v1/rooms/%s/ws HTTP/1.1\r\n"
                             "Host: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n", room, daemon->port);
  g_socket_send (client->socket, request, strlen (request), NULL, &error);
  g_assert_no_error (error);

  /* Byte by byte up to the blank line, so no frame is read past it. */
  while (!g_str_has_suffix (response->str, "\r\n\r\n") &&
         g_socket_receive (client->socket, &byte, 1, NULL, &error) == 1)
    g_string_append_c (response, byte);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  g_string_free (response, TRUE);
  client->reader = pp_ws_reader_new (FALSE, 64 * 1024 * 1024);

  return client;
}

void
pp_test_raw_client_send_bytes (PpTestRawClient *client,
                               const void      *data,
                               gsize            n_bytes)
{
  const char *p = data;

  while (n_bytes > 0)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (client->socket, p, n_bytes, NULL, &error);

      g_assert_no_error (error);
      p += n;
      n_bytes -= n;
    }
}

/* One frame with @first_byte (FIN, RSV bits and opcode) as given; clients
 * must mask (RFC 6455 §5.3), @masked = FALSE breaks that rule. */
void
pp_test_raw_client_send_frame (PpTestRawClient *client,
                               guint8           first_byte,
                               const void      *payload,
                               gsize            n_bytes,
                               gboolean         masked)
{
  static const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  g_autoptr(GByteArray) out =
    g_bytes_unref_to_array (pp_ws_frame_new (first_byte & 0x0f, payload, n_bytes,
                                             masked ? mask : NULL));

  out->data[0] = first_byte;
  pp_test_raw_client_send_bytes (client, out->data, out->len);
}

/* One whole text frame. */
void
pp_test_raw_client_send (PpTestRawClient *client,
                         const char      *frame)
{
  pp_test_raw_client_send_frame (client, 0x80 | PP_WS_OPCODE_TEXT, frame, strlen (frame), TRUE);
}

/* Bytes from the daemon into the reader by @deadline: FALSE on timeout,
 * and at the end of the connection (then *@ended). */
static gboolean
receive (PpTestRawClient *client,
         gint64           deadline,
         gboolean        *ended)
{
  char buffer[4096];
  gssize n;
  gint64 left = deadline - g_get_monotonic_time ();

  *ended = FALSE;
  if (left <= 0 || !g_socket_condition_timed_wait (client->socket, G_IO_IN, left, NULL, NULL))
    return FALSE;

  n = g_socket_receive (client->socket, buffer, sizeof buffer, NULL, NULL);
  *ended = n <= 0;
  if (n > 0)
    pp_ws_reader_push (client->reader, buffer, n);

  return n > 0;
}

/* The next frame from the daemon (NEED_MORE when none came in time, or the
 * connection ended). */
PpWsReadResult
pp_test_raw_client_read (PpTestRawClient *client,
                         PpWsFrame       *frame,
                         guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  PpWsReadResult result;
  gboolean ended;

  while ((result = pp_ws_reader_next (client->reader, frame)) == PP_WS_READ_NEED_MORE)
    {
      if (!receive (client, deadline, &ended))
        return PP_WS_READ_NEED_MORE;
    }

  return result;
}

/* TRUE when the daemon closed the connection within @timeout_ms; frames
 * that come first are skipped. */
gboolean
pp_test_raw_client_wait_eof (PpTestRawClient *client,
                             guint            timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  gboolean ended = FALSE;

  while (receive (client, deadline, &ended))
    ;

  return ended;
}

void
pp_test_raw_client_free (PpTestRawClient *client)
{
  if (client == NULL)
    return;

  g_socket_close (client->socket, NULL);
  g_object_unref (client->socket);
  pp_ws_reader_free (client->reader);
  g_free (client);
}

/* Whether every one of @clients has nothing unacknowledged. */
gboolean
pp_test_clients_all_synced (PpTestClient **clients,
                            guint          n)
{
  for (guint i = 0; i < n; i++)
    if (!pp_test_client_is_synced (clients[i]))
      return FALSE;

  return TRUE;
}

static gboolean
all_at_version (PpTestClient **clients,
                guint          n,
                gint64         version)
{
  for (guint i = 0; i < n; i++)
    if (pp_client_session_get_version (clients[i]->session) != version)
      return FALSE;

  return TRUE;
}

/* Every client holds the text the daemon serves over REST. */
void
pp_test_clients_assert_converged (PpTestDaemon  *daemon,
                                  const char    *room,
                                  PpTestClient **clients,
                                  guint          n)
{
  gint64 version = 0;
  g_autofree char *text = NULL;

  PP_TEST_WAIT (pp_test_clients_all_synced (clients, n), 30000);
  text = pp_test_daemon_dup_text (daemon, room, &version);
  PP_TEST_WAIT (all_at_version (clients, n, version), 30000);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *client_text = pp_test_client_dup_text (clients[i]);

      g_assert_cmpstr (client_text, ==, text);
    }
}

/* A request on @room's @resource ("text?v=3", "access", "" for the room
 * itself) that must answer @expected_status; its JSON answer, if any. */
JsonNode *
pp_test_room_request (PpTestDaemon *daemon,
                      const char   *room,
                      const char   *method,
                      const char   *resource,
                      const char   *body,
                      const char   *token,
                      guint         expected_status)
{
  g_autofree char *path = g_strconcat ("/api/v1/rooms/", room, *resource ? "/" : "", resource,
                                       NULL);
  guint status = 0;
  JsonNode *answer = pp_test_daemon_request_with_token (daemon, method, path, body, token,
                                                        &status);

  g_assert_cmpuint (status, ==, expected_status);
  return answer;
}

/* How many times @needle is in @haystack, overlaps counted. */
gsize
pp_test_count_occurrences (const char *haystack,
                           const char *needle)
{
  gsize n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* How many frames of @type @socket received so far. */
guint
pp_test_socket_count_frames (PpTestSocket *socket,
                             const char   *type)
{
  guint n = 0;

  for (guint i = 0; i < socket->frames->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (socket->frames, i));

      n += g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL), type) == 0;
    }

  return n;
}
