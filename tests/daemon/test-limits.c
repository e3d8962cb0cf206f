/* test-limits.c: per-address and per-connection limits, each answered with its error.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-limits"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

#define TIMEOUT_MS 10000
#define HELLO "{\"type\":\"hello\",\"client\":\"limits-0001\",\"name\":\"Limit\"}"

static void
assert_error_code (JsonNode   *node,
                   const char *code)
{
  g_assert_nonnull (node);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "code"), ==,
                   code);
}

/* What POST /api/v1/rooms answers, as if from @forwarded_for behind a proxy. */
static guint
create_room_as (PpTestDaemon *daemon,
                const char   *forwarded_for)
{
  g_autofree char *url = g_strconcat (daemon->base_url, "/api/v1/rooms", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) json = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", json);
  if (forwarded_for != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Forwarded-For",
                                  forwarded_for);
  body = soup_session_send_and_read (daemon->http, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) == 429)
    {
      g_autoptr(JsonNode) node = pp_json_parse (g_bytes_get_data (body, NULL),
                                                g_bytes_get_size (body), 8, NULL);
      JsonNode *inner = json_object_get_member (json_node_get_object (node), "error");

      assert_error_code (inner, "rate_limited");
    }

  return soup_message_get_status (msg);
}

/* One address holds at most --max-connections-per-address WebSockets: the
 * next gets rate_limited and 4429, and one closing makes room again. */
static void
test_connections_per_address (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-connections-per-address", "3",
                                                       NULL);
  PpTestSocket *open[3];
  g_autofree char *room = NULL;
  g_autoptr(JsonNode) error = NULL;
  PpTestSocket *refused;
  PpTestSocket *again;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  for (guint i = 0; i < G_N_ELEMENTS (open); i++)
    {
      g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"client\":\"holder-%04u\","
                                                "\"name\":\"Holder\"}", i);
      g_autoptr(JsonNode) welcome = NULL;

      open[i] = pp_test_socket_new (daemon, room);
      pp_test_socket_send (open[i], hello);
      welcome = pp_test_socket_wait_frame (open[i], "welcome", TIMEOUT_MS);
      g_assert_nonnull (welcome);
    }

  refused = pp_test_socket_new (daemon, room);
  error = pp_test_socket_wait_frame (refused, "error", TIMEOUT_MS);
  assert_error_code (error, "rate_limited");
  g_assert_true (pp_test_socket_wait_closed (refused, TIMEOUT_MS));
  g_assert_cmpuint (refused->close_code, ==, 4429);
  pp_test_socket_free (refused);

  /* The others were not disturbed; once one leaves, a newcomer gets in. */
  g_assert_false (open[0]->closed);
  pp_test_socket_free (open[0]);
  PP_TEST_WAIT (pp_test_daemon_get_metric (daemon, "pairpad_connections") == 2, TIMEOUT_MS);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_connections"), ==, 2);
  again = pp_test_socket_new (daemon, room);
  pp_test_socket_send (again, HELLO);
  g_clear_pointer (&error, json_node_unref);
  error = pp_test_socket_wait_frame (again, "welcome", TIMEOUT_MS);
  g_assert_nonnull (error);

  pp_test_socket_free (again);
  for (guint i = 1; i < G_N_ELEMENTS (open); i++)
    pp_test_socket_free (open[i]);
  pp_test_daemon_stop_cleanly (daemon);
}

/* One address creates at most --max-rooms-per-minute rooms in a burst. */
static void
test_rooms_per_minute (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-rooms-per-minute", "3", NULL);

  pp_test_daemon_start (daemon);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (create_room_as (daemon, NULL), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (create_room_as (daemon, NULL), ==, 429);
  /* A forged X-Forwarded-For changes nothing when the peer is no proxy. */
  g_assert_cmpuint (create_room_as (daemon, "203.0.113.9"), ==, 429);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Behind a trusted proxy, each client it names is counted on its own. */
static void
test_trusted_proxy (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-rooms-per-minute", "2",
                                                       "--trusted-proxy", "127.0.0.1", NULL);

  pp_test_daemon_start (daemon);
  g_assert_cmpuint (create_room_as (daemon, "203.0.113.5"), ==, SOUP_STATUS_CREATED);
  g_assert_cmpuint (create_room_as (daemon, "198.51.100.1, 203.0.113.5"), ==,
                    SOUP_STATUS_CREATED);
  g_assert_cmpuint (create_room_as (daemon, "203.0.113.5"), ==, 429);
  g_assert_cmpuint (create_room_as (daemon, "203.0.113.6"), ==, SOUP_STATUS_CREATED);

  pp_test_daemon_stop_cleanly (daemon);
}

/* A connection that sends more bytes per second than allowed (here in
 * frames that are each within every other limit) gets rate_limited and
 * 4429. */
static void
test_bytes_per_second (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-bytes-per-second", "4096",
                                                       "--max-frame-bytes", "2048", NULL);
  g_autofree char *room = NULL;
  g_autofree char *text = g_strnfill (1500, 'x');
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) error = NULL;
  PpTestSocket *socket;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  socket = pp_test_socket_new (daemon, room);
  pp_test_socket_send (socket, HELLO);
  welcome = pp_test_socket_wait_frame (socket, "welcome", TIMEOUT_MS);
  g_assert_nonnull (welcome);

  for (guint i = 1; i <= 8; i++)
    {
      g_autofree char *op = g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":%u,"
                                             "\"op\":[\"%s\"]}", i, text);

      pp_test_socket_send (socket, op);
    }
  error = pp_test_socket_wait_frame (socket, "error", TIMEOUT_MS);
  assert_error_code (error, "rate_limited");
  g_assert_true (pp_test_socket_wait_closed (socket, TIMEOUT_MS));
  g_assert_cmpuint (socket->close_code, ==, 4429);

  pp_test_socket_free (socket);
  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/limits/connections-per-address", test_connections_per_address);
  g_test_add_func ("/pp/daemon/limits/rooms-per-minute", test_rooms_per_minute);
  g_test_add_func ("/pp/daemon/limits/trusted-proxy", test_trusted_proxy);
  g_test_add_func ("/pp/daemon/limits/bytes-per-second", test_bytes_per_second);

  return g_test_run ();
}
