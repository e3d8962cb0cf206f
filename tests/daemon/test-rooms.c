/* test-rooms.c: rooms end to end: the real pairpadd, real clients, SQLite and PostgreSQL.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-rooms"

#include "config.h"

#include <signal.h>

#include "daemon-harness.h"

#define N_CLIENTS 6
#define N_ROUNDS 40

static void
test_rest (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) room = NULL;
  g_autoptr(JsonNode) ops = NULL;
  g_autoptr(JsonNode) text = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) health = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  const char *id;
  guint status = 0;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);

  created = pp_test_daemon_request (daemon, "POST", "/api/v1/rooms",
                                    "{\"language\": \"python\", \"title\": \"Kata 🙂\", "
                                    "\"text\": \"print('héllo 🙂')\\n\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  object = json_node_get_object (created);
  id = json_object_get_string_member (object, "id");
  g_assert_cmpuint (strlen (id), >=, 16);
  g_assert_cmpstr (json_object_get_string_member (object, "language"), ==, "python");
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Kata 🙂");
  g_assert_cmpint (json_object_get_int_member (object, "v"), ==, 0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "created_at"), "Z"));

  path = g_strconcat ("/api/v1/rooms/", id, NULL);
  room = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  object = json_node_get_object (room);
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "print('héllo 🙂')\n");
  g_assert_cmpint (json_object_get_int_member (object, "users"), ==, 0);
  g_assert_true (json_object_has_member (object, "updated_at"));

  g_free (path);
  path = g_strconcat ("/api/v1/rooms/", id, "/ops?since=0", NULL);
  ops = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (ops),
                                                                          "ops")), ==, 0);

  g_free (path);
  path = g_strconcat ("/api/v1/rooms/", id, "/text?v=0", NULL);
  text = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (text), "text"), ==,
                   "print('héllo 🙂')\n");

  missing = pp_test_daemon_request (daemon, "GET", "/api/v1/rooms/AAAAAAAAAAAAAAAAAAAAAA", NULL,
                                    &status);
  g_assert_cmpuint (status, ==, 404);
  object = json_object_get_object_member (json_node_get_object (missing), "error");
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "not_found");

  health = pp_test_daemon_request (daemon, "GET", "/healthz", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"), ==,
                   "ok");

  pp_test_daemon_stop_cleanly (daemon);
}

/* Many clients type at random at the same time; everyone ends with the
 * daemon's text, and the log has every edit once. */
static void
test_converge (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  PpTestClient *clients[N_CLIENTS];
  g_autofree char *ops_path = NULL;
  g_autoptr(JsonNode) ops = NULL;
  gint64 version = 0;
  g_autofree char *text = NULL;
  guint n_edits = 0;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "int main (void)\n{\n  return 0;\n}\n");

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("client-%02u-%08x", i, g_test_rand_int ());
      g_autofree char *name = g_strdup_printf ("User %u", i);

      clients[i] = pp_test_client_new (daemon, room, id, name);
      pp_test_client_join (clients[i]);
    }

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      for (guint i = 0; i < N_CLIENTS; i++)
        if (g_test_rand_int_range (0, 3) > 0)
          {
            pp_test_client_random_edit (clients[i]);
            n_edits++;
          }

      /* Let some frames cross, so edits really are concurrent. */
      for (guint spin = g_test_rand_int_range (0, 20); spin > 0; spin--)
        g_main_context_iteration (NULL, FALSE);
    }

  pp_test_clients_assert_converged (daemon, room, clients, N_CLIENTS);

  text = pp_test_daemon_dup_text (daemon, room, &version);
  ops_path = g_strdup_printf ("/api/v1/rooms/%s/ops?since=0&limit=10000", room);
  ops = pp_test_daemon_request (daemon, "GET", ops_path, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (ops),
                                                                          "ops")), ==, version);
  g_assert_cmpint (version, >, 0);
  g_assert_cmpint (version, <=, n_edits);
  g_test_message ("%u edits by %u clients became %" G_GINT64_FORMAT " log entries",
                  n_edits, N_CLIENTS, version);

  for (guint i = 0; i < N_CLIENTS; i++)
    pp_test_client_free (clients[i]);
  pp_test_daemon_stop_cleanly (daemon);
}

static void
block_acks (PpTestClient *client)
{
  g_signal_handlers_block_matched (client->ws, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, client);
}

/* The nightmare of every collaborative editor: the connection drops after
 * the op left and before its ack arrived. Reconnecting must neither lose
 * nor double it. Both halves: the op reached the daemon (ack lost), and
 * the op never left the client. */
static void
test_vanish_before_ack (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autofree char *text = NULL;
  gint64 version = 0;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "shared\n");
  a = pp_test_client_new (daemon, room, "vanishing-client", "Ada");
  b = pp_test_client_new (daemon, room, "steady-client-1", "Bo");
  pp_test_client_join (a);
  pp_test_client_join (b);

  /* 1. The op lands, the ack is never read. */
  block_acks (a);
  pp_test_client_insert (a, 0, "«landed»");
  PP_TEST_WAIT (b->n_remote_ops == 1, 10000);
  pp_test_client_vanish (a);
  pp_test_client_insert (b, 0, "B1 ");
  PP_TEST_WAIT (pp_test_client_is_synced (b), 10000);
  pp_test_client_join (a);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { a, b }, 2);

  /* 2. The op never leaves: it goes out again after the reconnect. */
  pp_test_client_insert (a, 0, "«resent»");
  pp_test_client_vanish (a);
  pp_test_client_insert (b, 0, "B2 ");
  PP_TEST_WAIT (pp_test_client_is_synced (b), 10000);
  pp_test_client_join (a);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { a, b }, 2);

  text = pp_test_daemon_dup_text (daemon, room, &version);
  g_assert_cmpuint (pp_test_count_occurrences (text, "«landed»"), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "«resent»"), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "B1 "), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "B2 "), ==, 1);
  g_assert_cmpint (version, ==, 4);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Edits made offline are merged when the client comes back. */
static void
test_offline_merge (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autofree char *text = NULL;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "0123456789\n");
  a = pp_test_client_new (daemon, room, "offline-client", "Ada");
  b = pp_test_client_new (daemon, room, "online-client", "Bo");
  pp_test_client_join (a);
  pp_test_client_join (b);

  pp_test_client_disconnect (a);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==, PP_CLIENT_SESSION_OFFLINE);
  pp_test_client_insert (a, 10, "[a1]");
  pp_test_client_insert (a, 0, "[a2]");
  pp_test_client_delete (a, 5, 2);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), >, 0);

  pp_test_client_insert (b, 5, "[b1]");
  pp_test_client_insert (b, 0, "🙂");
  PP_TEST_WAIT (pp_test_client_is_synced (b), 10000);

  pp_test_client_join (a);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { a, b }, 2);
  g_assert_cmpuint (pp_client_session_get_n_unsent (a->session), ==, 0);

  text = pp_test_daemon_dup_text (daemon, room, NULL);
  g_assert_nonnull (strstr (text, "[a1]"));
  g_assert_nonnull (strstr (text, "[a2]"));
  g_assert_nonnull (strstr (text, "[b1]"));
  /* Both inserted at 0; the late op is the left side of the transform and goes first. */
  g_assert_true (g_str_has_prefix (text, "[a2]🙂"));

  pp_test_daemon_stop_cleanly (daemon);
}

/* A client that comes back with hello.v catches up through the log. */
static void
test_catch_up (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autoptr(PpTestSocket) socket = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  JsonObject *object;
  guint ops_before;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  a = pp_test_client_new (daemon, room, "catching-up-client", "Ada");
  b = pp_test_client_new (daemon, room, "busy-client-01", "Bo");
  pp_test_client_join (a);
  pp_test_client_join (b);
  pp_test_client_insert (a, 0, "a");
  PP_TEST_WAIT (pp_test_client_is_synced (a) && b->n_remote_ops == 1, 10000);

  pp_test_client_disconnect (a);
  ops_before = a->n_remote_ops;
  for (guint i = 0; i < 5; i++)
    {
      pp_test_client_insert (b, 0, "b");
      PP_TEST_WAIT (pp_test_client_is_synced (b), 10000);
    }

  pp_test_client_join (a);
  pp_test_clients_assert_converged (daemon, room, (PpTestClient *[]) { a, b }, 2);
  /* Caught up op by op, not reset to a full text. */
  g_assert_cmpuint (a->n_remote_ops - ops_before, ==, 5);

  /* The same on the wire: welcome.ops holds exactly the entries after v. */
  socket = pp_test_socket_new (daemon, room);
  pp_test_socket_send (socket, "{\"type\":\"hello\",\"client\":\"wire-client-1\",\"name\":\"W\","
                               "\"v\":2}");
  welcome = pp_test_socket_wait_frame (socket, "welcome", 10000);
  g_assert_nonnull (welcome);
  object = json_node_get_object (welcome);
  g_assert_cmpint (json_object_get_int_member (object, "v"), ==, 6);
  g_assert_false (json_object_has_member (object, "text"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "ops")), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "users")), ==, 2);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Selections are replaced, not changed, as they move: look them up each time. */
static PpUserInfo *
find_user (PpTestClient *client,
           const char   *client_id)
{
  GPtrArray *users = pp_client_session_get_users (client->session);

  for (guint i = 0; i < users->len; i++)
    {
      PpUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->client, client_id) == 0)
        return info;
    }

  return NULL;
}

static void
test_presence_meta_join_leave (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *path = NULL;
  PpUserInfo *seen = NULL;
  PpRange caret = { 3, 5 };
  guint meta_a, meta_b, presence_before;
  g_autoptr(PpTestSocket) watcher = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autofree char *frame = NULL;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "hello world\n");
  a = pp_test_client_new (daemon, room, "presence-client-a", "Ada");
  b = pp_test_client_new (daemon, room, "presence-client-b", "Bo");
  pp_test_client_join (a);
  pp_test_client_join (b);
  PP_TEST_WAIT (a->n_joins == 1, 10000);

  pp_client_session_set_selection (b->session, &caret, 1);
  PP_TEST_WAIT (a->n_presence == 1, 10000);
  seen = find_user (a, "presence-client-b");
  g_assert_nonnull (seen);
  g_assert_cmpstr (seen->name, ==, "Bo");
  g_assert_cmpuint (seen->sel->len, ==, 1);
  g_assert_cmpint (g_array_index (seen->sel, PpRange, 0).anchor, ==, 3);
  g_assert_cmpint (g_array_index (seen->sel, PpRange, 0).head, ==, 5);

  /* An insert before B's selection moves it for A. */
  pp_test_client_insert (a, 0, ">>");
  PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
  seen = find_user (a, "presence-client-b");
  g_assert_cmpint (g_array_index (seen->sel, PpRange, 0).anchor, ==, 5);
  g_assert_cmpint (g_array_index (seen->sel, PpRange, 0).head, ==, 7);

  meta_a = a->n_meta;
  meta_b = b->n_meta;
  pp_client_session_set_meta (a->session, "python", "Pairing kata");
  PP_TEST_WAIT (a->n_meta > meta_a && b->n_meta > meta_b, 10000);
  g_assert_cmpstr (pp_client_session_get_language (b->session), ==, "python");
  g_assert_cmpstr (pp_client_session_get_title (b->session), ==, "Pairing kata");

  path = g_strconcat ("/api/v1/rooms/", room, NULL);
  state = pp_test_daemon_request (daemon, "GET", path, NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (state), "language"), ==,
                   "python");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (state), "users"), ==, 2);

  /* The follow extension: a session says whom it follows; everyone sees it. */
  watcher = pp_test_socket_new (daemon, room);
  pp_test_socket_send (watcher, "{\"type\":\"hello\",\"client\":\"watching-client\","
                                "\"name\":\"Navigator\"}");
  welcome = pp_test_socket_wait_frame (watcher, "welcome", 10000);
  g_assert_nonnull (welcome);
  frame = g_strdup_printf ("{\"type\":\"presence\",\"v\":%" G_GINT64_FORMAT ",\"sel\":[[0,0]],"
                           "\"follow\":\"%s\"}",
                           json_object_get_int_member (json_node_get_object (welcome), "v"),
                           pp_client_session_get_user (a->session));
  presence_before = a->n_presence;
  pp_test_socket_send (watcher, frame);
  PP_TEST_WAIT (a->n_presence > presence_before, 10000);
  seen = find_user (a, "watching-client");
  g_assert_nonnull (seen);
  g_assert_cmpstr (seen->follow, ==, pp_client_session_get_user (a->session));
  pp_test_socket_send (watcher, "{\"type\":\"presence\",\"v\":0,\"sel\":[],"
                                "\"follow\":\"not a session!\"}");
  refused = pp_test_socket_wait_frame (watcher, "error", 10000);
  g_assert_nonnull (refused);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (refused), "code"), ==,
                   "bad_message");

  pp_test_client_disconnect (b);
  PP_TEST_WAIT (a->n_leaves == 1, 10000);

  pp_test_daemon_stop_cleanly (daemon);
}

/* kill -9 while people type: after the restart everything acked is there,
 * and the clients carry on where they were. */
static void
test_kill_9 (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, "--snapshot-interval", "7", NULL);
  g_autofree char *room = NULL;
  PpTestClient *clients[3];
  g_autofree char *acked_text = NULL;
  g_autofree char *restored = NULL;
  g_autofree char *ops_path = NULL;
  g_autoptr(JsonNode) ops = NULL;
  gint64 acked_version = 0, restored_version = 0;
  guint acks[3];
  JsonArray *entries;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "crash me\n");

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("crash-client-%u", i);

      clients[i] = pp_test_client_new (daemon, room, id, id);
      pp_test_client_join (clients[i]);
    }

  for (guint round = 0; round < 30; round++)
    for (guint i = 0; i < 3; i++)
      pp_test_client_random_edit (clients[i]);
  pp_test_clients_assert_converged (daemon, room, clients, 3);
  acked_text = pp_test_daemon_dup_text (daemon, room, &acked_version);

  /* More edits, then the kill while some are surely in flight. */
  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < 3; i++)
      pp_test_client_random_edit (clients[i]);
  for (guint spin = 0; spin < 50; spin++)
    g_main_context_iteration (NULL, FALSE);
  for (guint i = 0; i < 3; i++)
    acks[i] = clients[i]->n_acks;
  g_assert_cmpint (pp_test_daemon_stop (daemon, SIGKILL), ==, 128 + SIGKILL);
  PP_TEST_WAIT (clients[0]->closed && clients[1]->closed && clients[2]->closed, 10000);

  pp_test_daemon_start (daemon);
  restored = pp_test_daemon_dup_text (daemon, room, &restored_version);
  g_assert_cmpint (restored_version, >=, acked_version);
  if (restored_version == acked_version)
    g_assert_cmpstr (restored, ==, acked_text);

  /* Every op a client saw acked is in the log. */
  ops_path = g_strdup_printf ("/api/v1/rooms/%s/ops?since=0&limit=10000", room);
  ops = pp_test_daemon_request (daemon, "GET", ops_path, NULL, NULL);
  entries = json_object_get_array_member (json_node_get_object (ops), "ops");
  g_assert_cmpuint (json_array_get_length (entries), ==, restored_version);
  for (guint i = 0; i < 3; i++)
    {
      guint logged = 0;

      for (guint e = 0; e < json_array_get_length (entries); e++)
        {
          JsonObject *entry = json_array_get_object_element (entries, e);

          logged += g_strcmp0 (json_object_get_string_member (entry, "client"),
                               pp_client_session_get_client (clients[i]->session)) == 0;
        }
      g_assert_cmpuint (logged, >=, acks[i]);
    }

  /* The clients come back, resend what was in flight, and go on. */
  for (guint i = 0; i < 3; i++)
    pp_test_client_join (clients[i]);
  for (guint round = 0; round < 5; round++)
    for (guint i = 0; i < 3; i++)
      pp_test_client_random_edit (clients[i]);
  pp_test_clients_assert_converged (daemon, room, clients, 3);

  for (guint i = 0; i < 3; i++)
    pp_test_client_free (clients[i]);
  pp_test_daemon_stop_cleanly (daemon);
}

/* SIGTERM: pending commits land, clients are told 1001, exit status 0. */
static void
test_shutdown (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autofree char *text = NULL;

  if (daemon == NULL)
    return;
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  a = pp_test_client_new (daemon, room, "shutdown-client", "Ada");
  pp_test_client_join (a);

  pp_test_client_insert (a, 0, "last words");
  PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
  pp_test_daemon_stop_cleanly (daemon);
  PP_TEST_WAIT (a->closed, 10000);
  g_assert_cmpuint (a->close_code, ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  pp_test_daemon_start (daemon);
  text = pp_test_daemon_dup_text (daemon, room, NULL);
  g_assert_cmpstr (text, ==, "last words");
  pp_test_daemon_stop_cleanly (daemon);
}

static void
add_for_backends (const char    *name,
                  GTestDataFunc  func)
{
  for (PpBackend b = PP_BACKEND_SQLITE; b <= PP_BACKEND_POSTGRESQL; b++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/daemon/%s/%s", pp_backend_name (b), name);

      g_test_add_data_func (path, GINT_TO_POINTER (b), func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_for_backends ("rest", test_rest);
  add_for_backends ("converge", test_converge);
  add_for_backends ("vanish-before-ack", test_vanish_before_ack);
  add_for_backends ("offline-merge", test_offline_merge);
  add_for_backends ("catch-up", test_catch_up);
  add_for_backends ("presence-meta-join-leave", test_presence_meta_join_leave);
  add_for_backends ("kill-9", test_kill_9);
  add_for_backends ("shutdown", test_shutdown);

  return g_test_run ();
}
