/* test-suggestions.c: completions over REST and the WebSocket, against the real daemon.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-suggestions"

#include "config.h"

#include "daemon-harness.h"

static const char *
first_label (JsonNode *answer)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (answer), "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return json_object_get_string_member (json_array_get_object_element (items, 0), "label");
}

/* The built-in provider completes from the room's words, at the newest
 * version or an older one, and refuses what makes no sense. */
static void
test_complete (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autoptr(JsonNode) now = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autofree char *room = NULL;
  PpTestClient *ann;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "total_count = 0\ntot");
  ann = pp_test_client_new (daemon, room, "suggest-ann-01", "Ann");
  pp_test_client_join (ann);
  /* Version 1 adds a name that version 0 did not have. */
  pp_test_client_insert (ann, 0, "totally_new = 1\n");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann }, 1);

  now = pp_test_room_request (daemon, room, "POST", "complete",
                              "{\"position\":35}", NULL, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (now), "v"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (now), "prefix_length"),
                   ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (now), "provider"), ==,
                   "built-in");
  g_assert_true (g_str_has_prefix (first_label (now), "total"));

  before = pp_test_room_request (daemon, room, "POST", "complete",
                                 "{\"v\":0,\"position\":19,\"max\":5}", NULL, 200);
  g_assert_cmpstr (first_label (before), ==, "total_count");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (before), "items")), ==, 1);

  bad = pp_test_room_request (daemon, room, "POST", "complete", "{\"position\":-1}", NULL, 400);
  g_clear_pointer (&bad, json_node_unref);
  bad = pp_test_room_request (daemon, room, "POST", "complete", "{\"position\":1,\"v\":9}",
                              NULL, 400);
  g_clear_pointer (&bad, json_node_unref);
  bad = pp_test_room_request (daemon, room, "POST", "complete", "{}", NULL, 400);
  g_clear_pointer (&bad, json_node_unref);
  bad = pp_test_room_request (daemon, room, "GET", "complete", NULL, NULL, 405);

  pp_test_client_free (ann);
  pp_test_daemon_stop_cleanly (daemon);
}

static void
assert_error_about (JsonNode   *frame,
                    const char *code,
                    gint64      id)
{
  JsonObject *object = json_node_get_object (frame);

  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, code);
  g_assert_cmpint (json_object_get_int_member_with_default (object, "id", -1), ==, id);
}

/* The same answers over the WebSocket: a complete frame gets completions
 * with its id, at the version it names; mistakes get an error naming the
 * id, and the session goes on. */
static void
test_complete_frame (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autoptr(JsonNode) now = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autoptr(JsonNode) error = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autofree char *room = NULL;
  PpTestClient *ann;
  PpTestSocket *socket;
  JsonObject *object;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "total_count = 0\ntot");
  ann = pp_test_client_new (daemon, room, "suggest-ann-02", "Ann");
  pp_test_client_join (ann);
  pp_test_client_insert (ann, 0, "totally_new = 1\n");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann }, 1);

  socket = pp_test_socket_new (daemon, room);

  pp_test_socket_send (socket, "{\"type\":\"hello\",\"client\":\"suggest-bob-01\",\"name\":\"Bob\"}");
  welcome = pp_test_socket_wait_frame (socket, "welcome", 5000);
  g_assert_nonnull (welcome);

  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":1,\"v\":1,\"position\":35}");
  now = pp_test_socket_wait_frame (socket, "completions", 5000);
  g_assert_nonnull (now);
  object = json_node_get_object (now);
  g_assert_cmpint (json_object_get_int_member (object, "id"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "v"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "prefix_length"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (object, "provider"), ==, "built-in");
  g_assert_true (g_str_has_prefix (first_label (now), "total"));

  /* An older version comes from the store. */
  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":2,\"v\":0,\"position\":19,\"max\":5}");
  before = pp_test_socket_wait_frame (socket, "completions", 5000);
  g_assert_nonnull (before);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (before), "id"), ==, 2);
  g_assert_cmpstr (first_label (before), ==, "total_count");

  /* A version the room has not reached, then a malformed request: errors,
   * and the session still answers. */
  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":3,\"v\":9,\"position\":1}");
  error = pp_test_socket_wait_frame (socket, "error", 5000);
  assert_error_about (error, "bad_version", 3);
  g_clear_pointer (&error, json_node_unref);

  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":4,\"v\":1,\"position\":-3}");
  error = pp_test_socket_wait_frame (socket, "error", 5000);
  assert_error_about (error, "bad_message", -1);
  g_clear_pointer (&now, json_node_unref);

  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":5,\"v\":1,\"position\":35}");
  now = pp_test_socket_wait_frame (socket, "completions", 5000);
  g_assert_nonnull (now);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (now), "id"), ==, 5);

  /* Asking changed nothing. */
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann }, 1);

  pp_test_socket_free (socket);
  pp_test_client_free (ann);
  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/complete/built-in", test_complete);
  g_test_add_func ("/pp/daemon/complete/frame", test_complete_frame);

  return g_test_run ();
}
