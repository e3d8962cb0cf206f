/* test-malformed-http.c: broken HTTP and WebSocket handshakes on raw sockets; the daemon stays up.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-malformed-http"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

/* Each request is sent as raw bytes and must get a 4xx answer (or 505 for
 * a version we do not speak) or a closed connection within the timeout:
 * never another 5xx, never a hang, never a crash.
 * After the whole battery the daemon still serves the API and a room. */

#define TIMEOUT_S 10

static PpTestDaemon *shared_daemon;

typedef struct
{
  const char *name;
  const char *request;   /* raw bytes, NULs included; "%s" is filled in */
  gsize       length;
  gsize       padding;   /* "%s" becomes this many 'a's, or the room's WebSocket path */
} Case;

/* A literal with its length: some requests hold NUL bytes on purpose. */
#define LIT(s) s, sizeof (s) - 1

static const Case cases[] = {
  { "garbage", LIT ("GARBAGE\r\n\r\n"), 0 },
  { "binary", LIT ("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"), 0 },
  { "no-version", LIT ("GET /healthz\r\n\r\n"), 0 },
  { "http-2-preface-alone", LIT ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 0 },
  { "negative-length", LIT ("POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 0 },
  { "huge-length", LIT ("POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\n"
                   "Content-Length: 99999999999999999999\r\n\r\n{}"), 0 },
  { "short-body", LIT ("POST /api/v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}"), 0 },
  { "non-utf8-path", LIT ("GET /api/v1/rooms/\xff\xfe/text HTTP/1.1\r\nHost: x\r\n\r\n"), 0 },
  { "nul-in-path", LIT ("GET /api/v1/rooms/a\0b/text HTTP/1.1\r\nHost: x\r\n\r\n"), 0 },
  { "dot-dot", LIT ("GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), 0 },
  { "ws-version-8", LIT ("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"), 0 },
  { "ws-no-key", LIT ("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n"), 0 },
  { "ws-short-key", LIT ("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"), 0 },
  { "ws-post", LIT ("POST %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), 0 },
  { "ws-unknown-protocol", LIT ("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: nope.v9\r\n\r\n"), 0 },
  { "huge-uri", LIT ("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n"), 256 * 1024 },
  { "huge-header", LIT ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n"), 1024 * 1024 },
};

static GByteArray *
build_request (const Case *c,
               const char *ws_path)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = c->request;
  const char *hole = g_strstr_len (p, c->length, "%s");

  if (hole == NULL)
    {
      g_byte_array_append (out, (const guint8 *) p, c->length);
      return out;
    }

  g_byte_array_append (out, (const guint8 *) p, hole - p);
  if (c->padding > 0)
    {
      g_autofree char *pad = g_strnfill (c->padding, 'a');

      g_byte_array_append (out, (const guint8 *) pad, c->padding);
    }
  else
    g_byte_array_append (out, (const guint8 *) ws_path, strlen (ws_path));
  g_byte_array_append (out, (const guint8 *) hole + 2, c->length - (hole + 2 - p));

  return out;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *room = pp_test_daemon_create_room (shared_daemon, "");
  g_autofree char *ws_path = g_strdup_printf ("/api/v1/rooms/%s/ws", room);
  g_autoptr(GByteArray) request = build_request (c, ws_path);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, shared_daemon->port);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) answer = g_string_new (NULL);
  gsize sent = 0;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, TIMEOUT_S);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);

  /* The daemon may answer and close before a huge request is all sent. */
  while (sent < request->len)
    {
      gssize n = g_socket_send (socket, (const char *) request->data + sent, request->len - sent,
                                NULL, NULL);

      if (n <= 0)
        break;
      sent += n;
    }
  /* Nothing more comes: a request that waits for more body sees the end. */
  g_socket_shutdown (socket, FALSE, TRUE, NULL);

  for (;;)
    {
      char buffer[4096];
      g_autoptr(GError) read_error = NULL;
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &read_error);

      g_assert_false (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
      if (n <= 0)
        break;
      g_string_append_len (answer, buffer, n);
      if (strstr (answer->str, "\r\n\r\n") != NULL && !g_str_has_prefix (answer->str, "HTTP/1.1 2"))
        break;
    }

  g_test_message ("%s: %.*s", c->name, (int) strcspn (answer->str, "\r\n"), answer->str);
  if (answer->len > 0)
    {
      g_assert_true (g_str_has_prefix (answer->str, "HTTP/1."));
      if (!g_str_has_prefix (answer->str + 9, "505"))
        g_assert_cmpint (answer->str[9], ==, '4');
    }

  /* Still up, and still serving rooms. */
  {
    g_autofree char *text = NULL;
    g_autofree char *another = pp_test_daemon_create_room (shared_daemon, "still here");

    text = pp_test_daemon_dup_text (shared_daemon, another, NULL);
    g_assert_cmpstr (text, ==, "still here");
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/daemon/malformed-http/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }

  shared_daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  pp_test_daemon_start (shared_daemon);
  status = g_test_run ();
  pp_test_daemon_stop_cleanly (shared_daemon);
  pp_test_daemon_free (shared_daemon);

  return status;
}
