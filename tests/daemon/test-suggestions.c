/* test-suggestions.c: POST /api/v1/rooms/{id}/complete against the real daemon.
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/complete/built-in", test_complete);

  return g_test_run ();
}
