/* test-history.c: a room's past: authorship, checkpoints, restore and download.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

/* Two people type at once: the spans cover the text exactly, and each
 * character is attributed to whoever typed it. */
static void
test_blame (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) blame = NULL;
  g_autoptr(GString) rebuilt = g_string_new (NULL);
  PpTestClient *ann;
  PpTestClient *bob;
  JsonArray *spans;
  gsize at = 0;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "----");
  ann = pp_test_client_new (daemon, room, "blame-ann-0001", "Ann");
  bob = pp_test_client_new (daemon, room, "blame-bob-0001", "Bob");
  pp_test_client_join (ann);
  pp_test_client_join (bob);

  /* Ann types a's, Bob types b's, concurrently, at places that move. */
  for (guint i = 0; i < 30; i++)
    {
      pp_test_client_insert (ann, g_test_rand_int_range (0, 5), "a");
      pp_test_client_insert (bob, g_test_rand_int_range (0, 5), "b");
      for (guint spin = g_test_rand_int_range (0, 10); spin > 0; spin--)
        g_main_context_iteration (NULL, FALSE);
    }
  pp_test_client_delete (ann, 0, 3);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann, bob }, 2);

  text = pp_test_daemon_dup_text (daemon, room, NULL);
  blame = pp_test_room_request (daemon, room, "GET", "blame", NULL, NULL, 200);
  spans = json_object_get_array_member (json_node_get_object (blame), "spans");
  for (guint i = 0; i < json_array_get_length (spans); i++)
    {
      JsonObject *span = json_array_get_object_element (spans, i);
      gint64 length = json_object_get_int_member (span, "length");
      const char *name = json_object_get_null_member (span, "name")
        ? NULL : json_object_get_string_member (span, "name");
      char expected = name == NULL ? '-' : g_str_equal (name, "Ann") ? 'a' : 'b';

      g_assert_cmpint (length, >, 0);
      if (name != NULL)
        g_assert_nonnull (json_object_get_string_member (span, "color"));
      for (gint64 k = 0; k < length; k++, at++)
        {
          g_assert_cmpuint (at, <, strlen (text));
          g_assert_cmpint (text[at], ==, expected);
          g_string_append_c (rebuilt, text[at]);
        }
    }
  g_assert_cmpstr (rebuilt->str, ==, text);

  pp_test_client_free (ann);
  pp_test_client_free (bob);
  pp_test_daemon_stop_cleanly (daemon);
}

/* Checkpoints name versions; viewers may not make them. */
static void
test_checkpoints (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) bad = NULL;
  PpTestClient *ann;
  const char *room;
  const char *key;
  JsonArray *checkpoints;
  guint status = 0;

  pp_test_daemon_start (daemon);
  created = pp_test_daemon_request (daemon, "POST", "/api/v1/rooms", "{\"text\":\"x\"}", &status);
  room = json_object_get_string_member (json_node_get_object (created), "id");
  key = json_object_get_string_member (json_node_get_object (created), "owner_key");

  first = pp_test_room_request (daemon, room, "POST", "checkpoints",
                                "{\"name\":\"before the refactor\"}", NULL, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (first), "v"), ==, 0);
  ann = pp_test_client_new (daemon, room, "checkpoint-ann-1", "Ann");
  pp_test_client_join (ann);
  pp_test_client_insert (ann, 1, "yz");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann }, 1);
  second = pp_test_room_request (daemon, room, "POST", "checkpoints", "{\"name\":\"after 🙂\"}",
                                 NULL, 201);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (second), "v"), ==, 1);

  list = pp_test_room_request (daemon, room, "GET", "checkpoints", NULL, NULL, 200);
  checkpoints = json_object_get_array_member (json_node_get_object (list), "checkpoints");
  g_assert_cmpuint (json_array_get_length (checkpoints), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (checkpoints, 1),
                                                  "name"), ==, "after 🙂");

  bad = pp_test_room_request (daemon, room, "POST", "checkpoints", "{\"name\":\"\"}", NULL, 400);
  access = pp_test_room_request (daemon, room, "PATCH", "access", "{\"access\":\"view\"}", key,
                                 200);
  refused = pp_test_room_request (daemon, room, "POST", "checkpoints", "{\"name\":\"mine\"}", NULL,
                                  403);
  g_clear_pointer (&refused, json_node_unref);
  refused = pp_test_room_request (daemon, room, "POST", "restore", "{\"v\":0}", NULL, 403);

  pp_test_client_free (ann);
  pp_test_daemon_stop_cleanly (daemon);
}

/* A restore is a new op: everyone connected converges on the old text, the
 * versions in between stay readable, and the next edit builds on it. */
static void
test_restore (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) restored = NULL;
  g_autoptr(JsonNode) middle = NULL;
  g_autoptr(JsonNode) ops = NULL;
  PpTestClient *ann;
  PpTestClient *bob;
  gint64 version = 0;
  gint64 before;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "def f():\n    return 1\n");
  ann = pp_test_client_new (daemon, room, "restore-ann-01", "Ann");
  bob = pp_test_client_new (daemon, room, "restore-bob-01", "Bob");
  pp_test_client_join (ann);
  pp_test_client_join (bob);
  pp_test_client_insert (ann, 0, "# 🙂 kept\n");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann, bob }, 2);
  g_free (pp_test_daemon_dup_text (daemon, room, &before));

  /* Somebody deletes everything, then keeps typing. */
  pp_test_client_delete (bob, 0, g_utf8_strlen ("# 🙂 kept\ndef f():\n    return 1\n", -1));
  pp_test_client_insert (bob, 0, "oops");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann, bob }, 2);

  {
    g_autofree char *body = g_strdup_printf ("{\"v\":%" G_GINT64_FORMAT "}", before);

    restored = pp_test_room_request (daemon, room, "POST", "restore", body, NULL, 200);
  }
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (restored), "restored"), ==,
                   before);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann, bob }, 2);
  text = pp_test_daemon_dup_text (daemon, room, &version);
  g_assert_cmpstr (text, ==, "# 🙂 kept\ndef f():\n    return 1\n");
  g_assert_cmpint (version, ==, json_object_get_int_member (json_node_get_object (restored), "v"));
  g_assert_cmpint (version, >, before + 1);

  /* Nothing was lost: the mistake is still in the history. */
  {
    g_autofree char *resource = g_strdup_printf ("text?v=%" G_GINT64_FORMAT, version - 1);

    middle = pp_test_room_request (daemon, room, "GET", resource, NULL, NULL, 200);
  }
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (middle), "text"), ==,
                   "oops");

  /* The restore is an op like any other: editing goes on from it. */
  pp_test_client_insert (ann, 0, "!");
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { ann, bob }, 2);
  after = pp_test_daemon_dup_text (daemon, room, NULL);
  g_assert_cmpstr (after, ==, "!# 🙂 kept\ndef f():\n    return 1\n");

  pp_test_client_free (ann);
  pp_test_client_free (bob);
  pp_test_daemon_stop_cleanly (daemon);
}

/* The text at a version, as a file named after the room and its language. */
static void
test_download (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  const char *room;
  guint status = 0;

  pp_test_daemon_start (daemon);
  created = pp_test_daemon_request (daemon, "POST", "/api/v1/rooms",
                                    "{\"language\":\"rust\",\"title\":\"Parser: day 1/2\","
                                    "\"text\":\"fn main() {}\\n\"}", &status);
  room = json_object_get_string_member (json_node_get_object (created), "id");

  url = g_strconcat (daemon->base_url, "/api/v1/rooms/", room, "/download?v=0", NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (daemon->http, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Content-Disposition"),
                   ==, "attachment; filename=\"Parser-day-12.rs\"");
  g_assert_cmpstr (g_bytes_get_data (body, NULL), ==, "fn main() {}\n");

  g_clear_object (&msg);
  g_free (url);
  url = g_strconcat (daemon->base_url, "/api/v1/rooms/", room, "/download?v=7", NULL);
  msg = soup_message_new ("GET", url);
  g_clear_pointer (&body, g_bytes_unref);
  body = soup_session_send_and_read (daemon->http, msg, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 400);

  pp_test_daemon_stop_cleanly (daemon);
}

static void
assert_text_at (PpTestDaemon *daemon,
                const char   *room,
                gint64        version,
                const char   *expected)
{
  g_autofree char *resource = g_strdup_printf ("text?v=%" G_GINT64_FORMAT, version);
  g_autoptr(JsonNode) answer = pp_test_room_request (daemon, room, "GET", resource, NULL, NULL,
                                                     200);

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "text"), ==,
                   expected);
}

/* With --history-ops, old ops are folded into snapshots: the newest
 * versions and the checkpoints stay readable, older ones answer 410, and
 * the room still loads after a restart. */
static void
test_retention (gconstpointer data)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (GPOINTER_TO_INT (data),
                                                       "--snapshot-interval", "10",
                                                       "--history-ops", "20", NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *room = NULL;
  g_autoptr(JsonNode) checkpoint = NULL;
  g_autoptr(JsonNode) gone = NULL;
  g_autoptr(JsonNode) blame = NULL;
  PpTestClient *ann;
  gint64 last;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  ann = pp_test_client_new (daemon, room, "retention-ann-1", "Ann");
  pp_test_client_join (ann);
  g_ptr_array_add (texts, g_strdup (""));
  for (guint i = 1; i <= 80; i++)
    {
      char c[2] = { 'a' + i % 26, 0 };

      pp_test_client_insert (ann, g_test_rand_int_range (0, i), c);
      PP_TEST_WAIT (pp_test_client_is_synced (ann) &&
                    pp_client_session_get_version (ann->session) == i, 10000);
      g_ptr_array_add (texts, pp_test_client_dup_text (ann));
      if (i == 5)
        checkpoint = pp_test_room_request (daemon, room, "POST", "checkpoints",
                                           "{\"name\":\"five\"}", NULL, 201);
    }
  last = texts->len - 1;

  for (guint restart = 0; restart < 2; restart++)
    {
      assert_text_at (daemon, room, 5, g_ptr_array_index (texts, 5));
      for (gint64 v = last - 20; v <= last; v++)
        assert_text_at (daemon, room, v, g_ptr_array_index (texts, v));
      gone = pp_test_room_request (daemon, room, "GET", "text?v=3", NULL, NULL, 410);
      g_clear_pointer (&gone, json_node_unref);
      gone = pp_test_room_request (daemon, room, "GET", "ops?since=0", NULL, NULL, 410);
      g_clear_pointer (&gone, json_node_unref);
      blame = pp_test_room_request (daemon, room, "GET", "blame", NULL, NULL, 200);
      g_clear_pointer (&blame, json_node_unref);

      pp_test_client_free (ann);
      ann = NULL;
      if (restart == 0)
        {
          g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
          pp_test_daemon_start (daemon);
        }
    }

  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (PpBackend b = PP_BACKEND_SQLITE; b <= PP_BACKEND_POSTGRESQL; b++)
    {
      g_autofree char *blame = g_strdup_printf ("/pp/daemon/history/%s/blame", pp_backend_name (b));
      g_autofree char *restore = g_strdup_printf ("/pp/daemon/history/%s/restore",
                                                  pp_backend_name (b));

      g_autofree char *retention = g_strdup_printf ("/pp/daemon/history/%s/retention",
                                                    pp_backend_name (b));

      g_test_add_data_func (blame, GINT_TO_POINTER (b), test_blame);
      g_test_add_data_func (retention, GINT_TO_POINTER (b), test_retention);
      g_test_add_data_func (restore, GINT_TO_POINTER (b), test_restore);
    }
  g_test_add_func ("/pp/daemon/history/checkpoints", test_checkpoints);
  g_test_add_func ("/pp/daemon/history/download", test_download);


  return g_test_run ();
}
