/* test-web.c: pairpadd serving the browser client: routes, types, caching, compression, headers.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-web"

#include "config.h"

#include "daemon-harness.h"

typedef struct
{
  guint               status;
  SoupMessageHeaders *headers;
  GBytes             *body;
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_pointer (&r->body, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static void
get (PpTestDaemon *daemon,
     const char   *method,
     const char   *path,
     const char   *header,
     const char   *value,
     Response     *out)
{
  g_autofree char *url = g_strconcat (daemon->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;

  /* libsoup would otherwise decode gzip itself and hide what was sent. */
  soup_session_remove_feature_by_type (daemon->http, SOUP_TYPE_CONTENT_DECODER);
  if (header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), header, value);
  out->body = soup_session_send_and_read (daemon->http, msg, NULL, &error);
  g_assert_no_error (error);
  out->status = soup_message_get_status (msg);
  out->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
}

static const char *
header (Response   *r,
        const char *name)
{
  return soup_message_headers_get_one (r->headers, name);
}

static void
test_web_client (void)
{
  g_autofree char *root = g_dir_make_tmp ("pairpad-web-XXXXXX", NULL);
  g_autofree char *assets = g_build_filename (root, "assets", NULL);
  g_autofree char *index = g_build_filename (root, "index.html", NULL);
  g_autofree char *script = g_build_filename (assets, "main-1a2b3c4d.js", NULL);
  g_autofree char *script_text = g_strnfill (20000, ';');
  g_autoptr(PpTestDaemon) daemon = NULL;
  g_auto(Response) home = { 0, };
  g_auto(Response) room = { 0, };
  g_auto(Response) js = { 0, };
  g_auto(Response) js_gzip = { 0, };
  g_auto(Response) again = { 0, };
  g_auto(Response) missing = { 0, };
  g_auto(Response) escape = { 0, };
  g_auto(Response) post = { 0, };
  g_auto(Response) api = { 0, };
  const char *rm[] = { "rm", "-rf", root, NULL };

  g_mkdir_with_parents (assets, 0700);
  g_assert_true (g_file_set_contents (index, "<!doctype html><title>Pairpad</title>", -1, NULL));
  g_assert_true (g_file_set_contents (script, script_text, -1, NULL));

  daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--web-root", root, NULL);
  pp_test_daemon_start (daemon);

  get (daemon, "GET", "/", NULL, NULL, &home);
  g_assert_cmpuint (home.status, ==, 200);
  g_assert_cmpstr (header (&home, "Content-Type"), ==, "text/html; charset=utf-8");
  g_assert_cmpstr (header (&home, "Cache-Control"), ==, "no-cache");
  g_assert_nonnull (strstr (header (&home, "Content-Security-Policy"), "default-src 'self'"));
  g_assert_cmpstr (header (&home, "Referrer-Policy"), ==, "no-referrer");
  g_assert_cmpstr (header (&home, "X-Content-Type-Options"), ==, "nosniff");

  /* The app's own route: a room link opens the app. */
  get (daemon, "GET", "/r/AbCdEf0123456789_-xyz", NULL, NULL, &room);
  g_assert_cmpuint (room.status, ==, 200);
  g_assert_true (g_bytes_equal (room.body, home.body));

  get (daemon, "GET", "/assets/main-1a2b3c4d.js", NULL, NULL, &js);
  g_assert_cmpuint (js.status, ==, 200);
  g_assert_cmpstr (header (&js, "Content-Type"), ==, "text/javascript; charset=utf-8");
  g_assert_cmpstr (header (&js, "Cache-Control"), ==, "public, max-age=31536000, immutable");
  g_assert_null (header (&js, "Content-Encoding"));
  g_assert_cmpuint (g_bytes_get_size (js.body), ==, 20000);

  get (daemon, "GET", "/assets/main-1a2b3c4d.js", "Accept-Encoding", "gzip", &js_gzip);
  g_assert_cmpstr (header (&js_gzip, "Content-Encoding"), ==, "gzip");
  g_assert_cmpuint (g_bytes_get_size (js_gzip.body), <, 1000);

  get (daemon, "GET", "/assets/main-1a2b3c4d.js", "If-None-Match", header (&js, "ETag"), &again);
  g_assert_cmpuint (again.status, ==, 304);

  get (daemon, "GET", "/assets/nothing.js", NULL, NULL, &missing);
  g_assert_cmpuint (missing.status, ==, 404);
  get (daemon, "GET", "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd", NULL, NULL, &escape);
  g_assert_cmpuint (escape.status, ==, 404);
  get (daemon, "POST", "/", NULL, NULL, &post);
  g_assert_cmpuint (post.status, ==, 405);
  get (daemon, "GET", "/api/v2/rooms", NULL, NULL, &api);
  g_assert_cmpuint (api.status, ==, 404);
  g_assert_cmpstr (header (&api, "Content-Type"), ==, "application/json; charset=utf-8");

  pp_test_daemon_stop_cleanly (daemon);
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/web/client", test_web_client);

  return g_test_run ();
}
