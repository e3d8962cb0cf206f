/* test-transport.c: TLS end to end, Origin checks, CORS and the headers on every answer.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-transport"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

#define TIMEOUT_MS 10000
#define APP_ORIGIN "https://app.example.com"

/* A request with @origin (NULL: none): its status and response headers. */
static guint
request_with_origin (PpTestDaemon        *daemon,
                     const char          *method,
                     const char          *path,
                     const char          *origin,
                     SoupMessageHeaders **headers)
{
  g_autofree char *url = g_strconcat (daemon->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  if (origin != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Origin", origin);
  if (g_str_equal (method, "POST"))
    {
      g_autoptr(GBytes) json = g_bytes_new_static ("{\"language\":\"c\"}", 16);

      soup_message_set_request_body_from_bytes (msg, "application/json", json);
    }
  if (g_str_equal (method, "OPTIONS"))
    soup_message_headers_replace (soup_message_get_request_headers (msg),
                                  "Access-Control-Request-Method", "POST");

  body = soup_session_send_and_read (daemon->http, msg, NULL, &error);
  g_assert_no_error (error);
  if (headers != NULL)
    *headers = soup_message_headers_ref (soup_message_get_response_headers (msg));

  return soup_message_get_status (msg);
}

typedef struct
{
  gboolean done;
  guint    status;
} Handshake;

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Handshake *h = data;
  g_autoptr(SoupWebsocketConnection) ws =
    soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);

  if (ws != NULL)
    soup_websocket_connection_close (ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  h->done = TRUE;
}

/* The status a WebSocket handshake with @origin gets: 101 when accepted. */
static guint
handshake_with_origin (PpTestDaemon *daemon,
                       const char   *room,
                       const char   *origin)
{
  g_autofree char *url = pp_test_daemon_dup_ws_url (daemon, room);
  g_autoptr(SoupSession) session = pp_test_daemon_new_session (daemon);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  Handshake h = { FALSE, 0 };

  soup_session_websocket_connect_async (session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_handshake, &h);
  PP_TEST_WAIT (h.done, TIMEOUT_MS);
  g_assert_true (h.done);

  return soup_message_get_status (msg);
}

/* A page of another site cannot open a room's WebSocket nor use the API
 * in its visitors' name; the daemon's own pages, and clients that are not
 * browsers (no Origin), can. */
static void
test_foreign_origin_refused (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autofree char *room = NULL;
  g_autofree char *own = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "text");
  own = g_strdup_printf ("http://127.0.0.1:%u", daemon->port);

  g_assert_cmpuint (handshake_with_origin (daemon, room, "https://evil.example"), ==,
                    SOUP_STATUS_FORBIDDEN);
  g_assert_cmpuint (handshake_with_origin (daemon, room, "null"), ==, SOUP_STATUS_FORBIDDEN);
  g_assert_cmpuint (handshake_with_origin (daemon, room, "http://127.0.0.1:1"), ==,
                    SOUP_STATUS_FORBIDDEN);
  g_assert_cmpuint (handshake_with_origin (daemon, room, own), ==,
                    SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_cmpuint (handshake_with_origin (daemon, room, NULL), ==,
                    SOUP_STATUS_SWITCHING_PROTOCOLS);

  g_assert_cmpuint (request_with_origin (daemon, "POST", "/api/v1/rooms", "https://evil.example",
                                         &headers), ==, SOUP_STATUS_FORBIDDEN);
  g_assert_null (soup_message_headers_get_one (headers, "Access-Control-Allow-Origin"));
  g_assert_cmpuint (request_with_origin (daemon, "POST", "/api/v1/rooms", own, NULL), ==,
                    SOUP_STATUS_CREATED);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_connections"), ==, 0);

  pp_test_daemon_stop_cleanly (daemon);
}

/* An origin the operator allowed may use the API from its pages: CORS
 * headers on its answers and preflights, and its WebSockets accepted. */
static void
test_allowed_origin (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--allowed-origin",
                                                       APP_ORIGIN ", https://other.example:8443",
                                                       NULL);
  g_autofree char *room = NULL;
  g_autoptr(SoupMessageHeaders) preflight = NULL;
  g_autoptr(SoupMessageHeaders) created = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");

  g_assert_cmpuint (request_with_origin (daemon, "OPTIONS", "/api/v1/rooms", APP_ORIGIN,
                                         &preflight), ==, SOUP_STATUS_NO_CONTENT);
  g_assert_cmpstr (soup_message_headers_get_one (preflight, "Access-Control-Allow-Origin"), ==,
                   APP_ORIGIN);
  g_assert_true (soup_message_headers_header_contains (preflight, "Access-Control-Allow-Methods",
                                                       "POST"));

  /* Origins compare as browsers send them: case and default ports aside. */
  g_assert_cmpuint (request_with_origin (daemon, "POST", "/api/v1/rooms",
                                         "HTTPS://App.Example.com:443", &created), ==,
                    SOUP_STATUS_CREATED);
  g_assert_cmpstr (soup_message_headers_get_one (created, "Access-Control-Allow-Origin"), ==,
                   APP_ORIGIN);
  g_assert_cmpuint (handshake_with_origin (daemon, room, "https://other.example:8443"), ==,
                    SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_cmpuint (handshake_with_origin (daemon, room, "https://other.example"), ==,
                    SOUP_STATUS_FORBIDDEN);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Every answer, the API's and the pages', tells browsers not to sniff,
 * frame or leak; without TLS there is no HSTS. */
static void
test_security_headers (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  const char *paths[] = { "/api/v1/rooms/nope", "/healthz", "/" };

  pp_test_daemon_start (daemon);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SoupMessageHeaders) headers = NULL;

      request_with_origin (daemon, "GET", paths[i], NULL, &headers);
      g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==,
                       "nosniff");
      g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Frame-Options"), ==, "DENY");
      g_assert_cmpstr (soup_message_headers_get_one (headers, "Referrer-Policy"), ==,
                       "no-referrer");
      g_assert_null (soup_message_headers_get_one (headers, "Strict-Transport-Security"));
    }

  pp_test_daemon_stop_cleanly (daemon);
}

/* A self-signed certificate for 127.0.0.1, made for this test. */
static GTlsDatabase *
make_certificate (const char  *dir,
                  char       **cert,
                  char       **key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *san = g_strdup ("subjectAltName=IP:127.0.0.1,DNS:localhost");
  int status = 0;
  GTlsDatabase *database;

  *cert = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", *key, "-out", *cert, "-days", "1",
                           "-subj", "/CN=127.0.0.1", "-addext", san, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL,
                  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  database = g_tls_file_database_new (*cert, &error);
  g_assert_no_error (error);

  return database;
}

/* https:// and wss:// with a certificate made by the test: two people edit
 * over TLS and converge, and browsers are told to stay on HTTPS. */
static void
test_tls_end_to_end (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pairpad-tls-XXXXXX", NULL);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GTlsDatabase) trust = make_certificate (dir, &cert, &key);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--tls-cert", cert,
                                                       "--tls-key", key, NULL);
  g_autoptr(PpTestClient) ada = NULL;
  g_autoptr(PpTestClient) bob = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;

  /* LeakSanitizer's tracer crashes (signal 11) stopping glib-networking's
   * TLS threads at exit; every other daemon of the suites runs the same
   * code with leak checks on. */
  {
    const char *asan = g_getenv ("ASAN_OPTIONS");
    g_autofree char *saved = g_strdup (asan);
    g_autofree char *no_leaks = g_strconcat (asan ? asan : "", asan ? ":" : "", "detect_leaks=0",
                                             NULL);

    g_setenv ("ASAN_OPTIONS", no_leaks, TRUE);
    pp_test_daemon_trust (daemon, trust);
    pp_test_daemon_start (daemon);
    if (saved != NULL)
      g_setenv ("ASAN_OPTIONS", saved, TRUE);
    else
      g_unsetenv ("ASAN_OPTIONS");
  }
  g_assert_true (g_str_has_prefix (daemon->base_url, "https://"));
  room = pp_test_daemon_create_room (daemon, "over tls\n");

  ada = pp_test_client_new (daemon, room, "tls-ada-0001", "Ada");
  bob = pp_test_client_new (daemon, room, "tls-bob-0001", "Bob");
  pp_test_client_join (ada);
  pp_test_client_join (bob);
  for (guint i = 0; i < 50; i++)
    {
      pp_test_client_random_edit (ada);
      pp_test_client_random_edit (bob);
    }
  PP_TEST_WAIT (pp_test_client_is_synced (ada) && pp_test_client_is_synced (bob) &&
                pp_client_session_get_version (ada->session) ==
                pp_client_session_get_version (bob->session), TIMEOUT_MS);
  g_assert_cmpint (pp_client_session_get_version (ada->session), >=, 2);
  text = pp_test_client_dup_text (ada);
  {
    g_autofree char *bob_text = pp_test_client_dup_text (bob);
    g_autofree char *stored = pp_test_daemon_dup_text (daemon, room, NULL);

    g_assert_cmpstr (bob_text, ==, text);
    g_assert_cmpstr (stored, ==, text);
  }

  request_with_origin (daemon, "GET", "/healthz", NULL, &headers);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Strict-Transport-Security"), ==,
                   "max-age=31536000");

  g_clear_pointer (&ada, pp_test_client_free);
  g_clear_pointer (&bob, pp_test_client_free);
  pp_test_daemon_stop_cleanly (daemon);
  {
    const char *argv[] = { "rm", "-rf", dir, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  NULL, NULL);
  }
}

/* Settings that cannot work are refused at start, with a message. */
static void
test_bad_settings (void)
{
  const char *cases[][3] = {
    { "--tls-cert", "/nonexistent/cert.pem", "tls-key" },
    { "--allowed-origin", "app.example.com", "allowed-origin" },
    { "--allowed-origin", "https://app.example.com/path", "allowed-origin" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { g_getenv ("PAIRPADD"), "--port", "0", cases[i][0], cases[i][1],
                             NULL };
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                    &err, &status, &error);
      g_assert_no_error (error);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, cases[i][2]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/transport/foreign-origin-refused", test_foreign_origin_refused);
  g_test_add_func ("/pp/daemon/transport/allowed-origin", test_allowed_origin);
  g_test_add_func ("/pp/daemon/transport/security-headers", test_security_headers);
  g_test_add_func ("/pp/daemon/transport/tls-end-to-end", test_tls_end_to_end);
  g_test_add_func ("/pp/daemon/transport/bad-settings", test_bad_settings);

  return g_test_run ();
}
