/* test-connections.c: liveness, back-pressure, room limits and unloading, text at any version.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-connections"

#include "config.h"

#include <signal.h>

#include "daemon-harness.h"

/* A client that vanished without a TCP reset (here: one that never answers
 * a ping and never sends) is dropped after the idle limit; a quiet but
 * healthy client, whose WebSocket answers pings, stays. */
static void
test_idle_client_dropped (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--ping-interval", "1",
                                                       "--idle-timeout", "3", NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) quiet = NULL;
  g_autoptr(PpTestRawClient) silent = NULL;
  gint64 start;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  quiet = pp_test_client_new (daemon, room, "quiet-but-alive", "Quiet");
  pp_test_client_join (quiet);

  silent = pp_test_raw_client_new (daemon, room, 0);
  pp_test_raw_client_send (silent, "{\"type\":\"hello\",\"client\":\"silent-client\","
                                   "\"name\":\"Silent\"}");
  PP_TEST_WAIT (quiet->n_joins == 1, 10000);

  start = g_get_monotonic_time ();
  PP_TEST_WAIT (quiet->n_leaves == 1, 15000);
  g_test_message ("silent client dropped after %.1f s",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  /* The quiet client outlived two idle limits and still edits. */
  while (g_get_monotonic_time () - start < 7 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_false (quiet->closed);
  pp_test_client_insert (quiet, 0, "still here");
  PP_TEST_WAIT (pp_test_client_is_synced (quiet), 10000);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_connections"), ==, 1);

  pp_test_daemon_stop_cleanly (daemon);
}

/* A connection that answers pings but never says hello does not hold a
 * place for ever: it is closed with 4400 after the idle limit. */
static void
test_no_hello_closed (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--ping-interval", "1",
                                                       "--idle-timeout", "3", NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestSocket) mute = NULL;
  g_autoptr(JsonNode) error = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  mute = pp_test_socket_new (daemon, room);

  error = pp_test_socket_wait_frame (mute, "error", 15000);
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (error), "code"), ==,
                   "bad_message");
  g_assert_true (pp_test_socket_wait_closed (mute, 10000));
  g_assert_cmpuint (mute->close_code, ==, 4400);

  pp_test_daemon_stop_cleanly (daemon);
}

/* A client that stops reading is dropped once its unread bytes pass the
 * limit, instead of growing the daemon's memory; the writer is unaffected. */
static void
test_slow_reader_dropped (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-send-queue-bytes", "65536", NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) writer = NULL;
  g_autoptr(PpTestRawClient) sleeper = NULL;
  g_autofree char *chunk = g_strnfill (8192, 'x');
  guint sent = 0;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  writer = pp_test_client_new (daemon, room, "busy-writer", "Writer");
  pp_test_client_join (writer);

  sleeper = pp_test_raw_client_new (daemon, room, 4096);
  pp_test_raw_client_send (sleeper, "{\"type\":\"hello\",\"client\":\"never-reads\","
                                    "\"name\":\"Sleeper\"}");
  PP_TEST_WAIT (writer->n_joins == 1, 10000);

  /* One 8 KiB op at a time, each acked: about 2 MiB for the sleeper. */
  while (writer->n_leaves == 0 && sent < 256)
    {
      pp_test_client_insert (writer, 0, chunk);
      PP_TEST_WAIT (pp_test_client_is_synced (writer), 10000);
      sent++;
    }
  g_test_message ("sleeper dropped after %u ops of 8 KiB", sent);
  g_assert_cmpuint (writer->n_leaves, ==, 1);
  g_assert_cmpuint (sent, <, 256);
  g_assert_false (writer->closed);

  pp_test_daemon_stop_cleanly (daemon);
}

static void
test_room_full (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--max-users-per-room", "2", NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autoptr(PpTestSocket) third = NULL;
  g_autoptr(JsonNode) error = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  a = pp_test_client_new (daemon, room, "first-client", "A");
  b = pp_test_client_new (daemon, room, "second-client", "B");
  pp_test_client_join (a);
  pp_test_client_join (b);

  third = pp_test_socket_new (daemon, room);
  pp_test_socket_send (third, "{\"type\":\"hello\",\"client\":\"third-client\",\"name\":\"C\"}");
  error = pp_test_socket_wait_frame (third, "error", 10000);
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (error), "code"), ==,
                   "forbidden");
  g_assert_true (pp_test_socket_wait_closed (third, 10000));
  g_assert_cmpuint (third->close_code, ==, 4403);

  /* A place frees up when someone leaves. */
  pp_test_client_disconnect (b);
  pp_test_client_free (g_steal_pointer (&b));
  b = pp_test_client_new (daemon, room, "third-client", "C");
  pp_test_client_join (b);

  pp_test_daemon_stop_cleanly (daemon);
}

/* An empty room leaves memory after --room-unload and comes back intact. */
static void
test_room_unload (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--room-unload", "1",
                                                       NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autofree char *text = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "kept ");
  a = pp_test_client_new (daemon, room, "unload-client", "A");
  pp_test_client_join (a);
  pp_test_client_insert (a, 5, "across unloads");
  PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_rooms"), ==, 1);
  pp_test_client_disconnect (a);

  PP_TEST_WAIT (pp_test_daemon_get_metric (daemon, "pairpad_rooms") == 0, 15000);

  text = pp_test_daemon_dup_text (daemon, room, NULL);
  g_assert_cmpstr (text, ==, "kept across unloads");
  pp_test_client_join (a);
  pp_test_client_insert (a, 0, "> ");
  PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
  g_clear_pointer (&text, g_free);
  text = pp_test_daemon_dup_text (daemon, room, NULL);
  g_assert_cmpstr (text, ==, "> kept across unloads");

  pp_test_daemon_stop_cleanly (daemon);
}

static guint
count_fds (PpTestDaemon *daemon)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd",
                                           g_subprocess_get_identifier (daemon->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* HTTP clients that keep a connection alive and then close it (browsers,
 * curl) leave no descriptor behind. */
static void
test_http_connections_closed (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autofree char *url = NULL;
  guint before, status;

  pp_test_daemon_start (daemon);
  url = g_strconcat (daemon->base_url, "/healthz", NULL);
  {
    g_autoptr(JsonNode) health = pp_test_daemon_request (daemon, "GET", "/healthz", NULL, &status);
  }
  before = count_fds (daemon);

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;

      body = soup_session_send_and_read (session, msg, NULL, NULL);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
      /* The session goes, and its connection with it. */
    }

  PP_TEST_WAIT (count_fds (daemon) <= before + 1, 5000);

  pp_test_daemon_stop_cleanly (daemon);
}

/* text?v=N for every N, before and after a restart that loads the room
 * from a snapshot plus the log after it. */
static void
test_text_at_version (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, "--snapshot-interval", "5", NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(JsonNode) ops = NULL;
  g_autofree char *ops_path = NULL;
  JsonArray *entries;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "v0 🙂\n");
  g_ptr_array_add (texts, g_strdup ("v0 🙂\n"));
  a = pp_test_client_new (daemon, room, "history-client", "A");
  pp_test_client_join (a);

  for (guint v = 1; v <= 23; v++)
    {
      pp_test_client_random_edit (a);
      PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
      g_assert_cmpint (pp_client_session_get_version (a->session), ==, v);
      g_ptr_array_add (texts, pp_test_client_dup_text (a));
    }

  for (guint restart = 0; restart < 2; restart++)
    {
      for (guint v = 0; v < texts->len; v++)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/rooms/%s/text?v=%u", room, v);
          g_autoptr(JsonNode) answer = pp_test_daemon_request (daemon, "GET", path, NULL, NULL);
          JsonObject *object = json_node_get_object (answer);

          g_assert_cmpint (json_object_get_int_member (object, "v"), ==, v);
          g_assert_cmpstr (json_object_get_string_member (object, "text"), ==,
                           g_ptr_array_index (texts, v));
        }

      pp_test_daemon_stop_cleanly (daemon);
      pp_test_daemon_start (daemon);
    }

  ops_path = g_strdup_printf ("/api/v1/rooms/%s/ops?since=10&limit=5", room);
  ops = pp_test_daemon_request (daemon, "GET", ops_path, NULL, NULL);
  entries = json_object_get_array_member (json_node_get_object (ops), "ops");
  g_assert_cmpuint (json_array_get_length (entries), ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_assert_cmpint (json_object_get_int_member (entry, "v"), ==, 11 + i);
      g_assert_cmpstr (json_object_get_string_member (entry, "client"), ==, "history-client");
      g_assert_cmpint (json_object_get_int_member (entry, "seq"), ==, 11 + i);
    }

  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/connections/idle-client-dropped", test_idle_client_dropped);
  g_test_add_func ("/pp/daemon/connections/no-hello-closed", test_no_hello_closed);
  g_test_add_func ("/pp/daemon/connections/slow-reader-dropped", test_slow_reader_dropped);
  g_test_add_func ("/pp/daemon/connections/room-full", test_room_full);
  g_test_add_func ("/pp/daemon/connections/room-unload", test_room_unload);
  g_test_add_func ("/pp/daemon/connections/http-connections-closed", test_http_connections_closed);
  g_test_add_data_func ("/pp/daemon/sqlite/text-at-version", GINT_TO_POINTER (PP_BACKEND_SQLITE),
                        test_text_at_version);
  g_test_add_data_func ("/pp/daemon/postgresql/text-at-version",
                        GINT_TO_POINTER (PP_BACKEND_POSTGRESQL), test_text_at_version);

  return g_test_run ();
}
