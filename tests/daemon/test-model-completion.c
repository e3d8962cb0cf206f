/* test-model-completion.c: completions from a language model, against a fake model server.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model-completion"

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "daemon-harness.h"
#include "fake-model-server.h"

/* The model server is tests/daemon/fake-model-server.c. */
#define COMPLETION PP_FAKE_MODEL_COMPLETION

/* The room's text; the cursor is after "result = total", 30 code points in. */
#define ROOM_TEXT "total_count = 0\nresult = total\nprint (result)\n"
#define CURSOR 30

static JsonNode *
complete (PpTestDaemon *daemon,
          const char   *room,
          guint         position)
{
  g_autofree char *body = g_strdup_printf ("{\"position\":%u}", position);

  return pp_test_room_request (daemon, room, "POST", "complete", body, NULL, 200);
}

static JsonObject *
item (JsonNode *answer,
      guint     i)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (answer), "items");

  g_assert_cmpuint (json_array_get_length (items), >, i);
  return json_array_get_object_element (items, i);
}

static const char *
member (JsonNode   *answer,
        const char *name)
{
  return json_object_get_string_member_with_default (json_node_get_object (answer), name, NULL);
}

/* Only built-in items, said so, and why. */
static void
assert_fallback (JsonNode   *answer,
                 const char *reason)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (answer), "items");

  g_assert_cmpstr (member (answer, "provider"), ==, "built-in");
  g_assert_cmpstr (member (answer, "fallback"), ==, reason);
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i),
                                                    "kind"), !=, "model");
}

static gint64
fallbacks (PpTestDaemon *daemon,
           const char   *reason)
{
  g_autofree char *name = g_strdup_printf ("pairpad_completion_fallbacks_total{reason=\"%s\"}",
                                           reason);

  return pp_test_daemon_get_metric (daemon, name);
}

/* OpenAI style: the request the model server sees, the model's text first
 * in the answer, the cache, and every way the server can fail. */
static void
test_openai (void)
{
  g_autoptr(PpFakeModelServer) fake = pp_fake_model_server_new (FALSE);
  g_autofree char *key_file = NULL;
  g_autoptr(PpTestDaemon) daemon = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *room = NULL;
  JsonObject *first;
  gint64 started;
  int fd;

  fd = g_file_open_tmp ("pairpad-key-XXXXXX", &key_file, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (key_file, "  sk-test-key\n", -1, &error);
  g_assert_no_error (error);

  daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--completion-endpoint", fake->url,
                               "--completion-model", "tiny",
                               "--completion-api-key-file", key_file,
                               "--completion-timeout-ms", "1000", NULL);
  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, ROOM_TEXT);

  /* (a) The model answers: its text first, inserted at the cursor. */
  answer = complete (daemon, room, CURSOR);
  g_assert_cmpstr (member (answer, "provider"), ==, "model");
  g_assert_null (member (answer, "fallback"));
  first = item (answer, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "model");
  g_assert_cmpstr (json_object_get_string_member (first, "insert"), ==, COMPLETION);
  g_assert_cmpstr (json_object_get_string_member (first, "label"), ==, COMPLETION);
  g_assert_cmpint (json_object_get_int_member (first, "replace"), ==, 0);
  /* The built-in items follow. */
  g_assert_cmpstr (json_object_get_string_member (item (answer, 1), "label"), ==, "total_count");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer), "prefix_length"),
                   ==, 5);

  sent = pp_fake_model_server_dup_last (fake, &path, &authorization);
  g_assert_cmpstr (path, ==, "/v1/completions");
  g_assert_cmpstr (authorization, ==, "Bearer sk-test-key");
  g_assert_cmpstr (json_object_get_string_member (sent, "model"), ==, "tiny");
  g_assert_cmpstr (json_object_get_string_member (sent, "prompt"), ==,
                   "total_count = 0\nresult = total");
  g_assert_cmpstr (json_object_get_string_member (sent, "suffix"), ==, "\nprint (result)\n");
  g_assert_cmpint (json_object_get_int_member (sent, "max_tokens"), ==, 64);
  g_assert_true (json_object_has_member (sent, "temperature"));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (sent, "stop"), 0),
                   ==, "\n\n");
  g_assert_cmpuint (pp_fake_model_server_get_n_requests (fake), ==, 1);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_completion_model_requests_total"),
                   ==, 1);

  /* The same place again comes from the cache. */
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR);
  g_assert_cmpstr (member (answer, "provider"), ==, "model");
  g_assert_cmpuint (pp_fake_model_server_get_n_requests (fake), ==, 1);

  /* (c) A server error. */
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_FAIL);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 1);
  assert_fallback (answer, "error");

  /* (d) An answer that is not JSON, and one without choices. */
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_MALFORMED);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 2);
  assert_fallback (answer, "malformed");
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_MISSING);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 3);
  assert_fallback (answer, "malformed");

  /* (b) A slow server: the built-in items, long before it answers. */
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_SLOW);
  started = g_get_monotonic_time ();
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 4);
  assert_fallback (answer, "timeout");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 2500 * G_TIME_SPAN_MILLISECOND);

  /* (e) Every fallback counted. */
  g_assert_cmpint (fallbacks (daemon, "error"), ==, 1);
  g_assert_cmpint (fallbacks (daemon, "malformed"), ==, 2);
  g_assert_cmpint (fallbacks (daemon, "timeout"), ==, 1);
  g_assert_cmpint (fallbacks (daemon, "rate_limited"), ==, 0);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_completion_model_requests_total"),
                   ==, 5);

  pp_test_daemon_stop_cleanly (daemon);
  g_unlink (key_file);
}

/* A room that asks more than 10 times at once is answered by the built-in
 * provider until its bucket refills. */
static void
test_rate_limit (void)
{
  g_autoptr(PpFakeModelServer) fake = pp_fake_model_server_new (FALSE);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--completion-endpoint", fake->url,
                                                       "--completion-model", "tiny", NULL);
  g_autofree char *room = NULL;
  guint limited = 0;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, ROOM_TEXT);
  for (guint i = 0; i < 30; i++)
    {
      /* Every place differs: none comes from the cache. */
      g_autoptr(JsonNode) answer = complete (daemon, room, i);

      if (g_strcmp0 (member (answer, "fallback"), "rate_limited") == 0)
        limited++;
    }

  g_assert_cmpuint (limited, >, 0);
  g_assert_cmpint (fallbacks (daemon, "rate_limited"), ==, limited);
  g_assert_cmpuint (pp_fake_model_server_get_n_requests (fake), ==, 30 - limited);

  pp_test_daemon_stop_cleanly (daemon);
}

/* A newer complete from the same person cancels the older one still
 * waiting for the model: the older is answered at once from the built-in
 * provider, with "superseded", long before the model would have answered.
 * Over the WebSocket, where the person is the session's client id. */
static void
test_superseded (void)
{
  g_autoptr(PpFakeModelServer) fake = pp_fake_model_server_new (FALSE);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--completion-endpoint", fake->url,
                                                       "--completion-model", "tiny",
                                                       "--completion-timeout-ms", "20000", NULL);
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) older = NULL;
  g_autoptr(JsonNode) newer = NULL;
  g_autofree char *room = NULL;
  PpTestSocket *socket;
  gint64 started;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, ROOM_TEXT);
  socket = pp_test_socket_new (daemon, room);
  pp_test_socket_send (socket, "{\"type\":\"hello\",\"client\":\"supersede-01\",\"name\":\"Ann\"}");
  welcome = pp_test_socket_wait_frame (socket, "welcome", 5000);
  g_assert_nonnull (welcome);

  /* The model takes 3 s to answer anything. */
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_SLOW);
  started = g_get_monotonic_time ();
  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":1,\"v\":0,\"position\":30}");
  /* The model has the first question before the second comes. */
  while (pp_fake_model_server_get_n_requests (fake) < 1)
    g_usleep (10 * 1000);
  pp_test_socket_send (socket, "{\"type\":\"complete\",\"id\":2,\"v\":0,\"position\":29}");

  older = pp_test_socket_wait_frame (socket, "completions", 2000);
  g_assert_nonnull (older);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (older), "id"), ==, 1);
  assert_fallback (older, "superseded");
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);

  /* The newer one gets the model's answer when it comes. */
  newer = pp_test_socket_wait_frame (socket, "completions", 10000);
  g_assert_nonnull (newer);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (newer), "id"), ==, 2);
  g_assert_cmpstr (member (newer, "provider"), ==, "model");
  g_assert_cmpstr (json_object_get_string_member (item (newer, 0), "insert"), ==, COMPLETION);
  g_assert_cmpint (fallbacks (daemon, "superseded"), ==, 1);

  pp_test_socket_free (socket);
  pp_test_daemon_stop_cleanly (daemon);
}

/* Ollama style: /api/generate, options.num_predict, "response". */
static void
test_ollama (void)
{
  g_autoptr(PpFakeModelServer) fake = pp_fake_model_server_new (TRUE);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--completion-api", "ollama",
                                                       "--completion-endpoint", fake->url,
                                                       "--completion-model", "tiny", NULL);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) sent = NULL;
  g_autofree char *path = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *room = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, ROOM_TEXT);
  answer = complete (daemon, room, CURSOR);
  g_assert_cmpstr (member (answer, "provider"), ==, "model");
  g_assert_cmpstr (json_object_get_string_member (item (answer, 0), "insert"), ==, COMPLETION);

  sent = pp_fake_model_server_dup_last (fake, &path, &authorization);
  g_assert_cmpstr (path, ==, "/api/generate");
  g_assert_null (authorization);
  g_assert_cmpstr (json_object_get_string_member (sent, "model"), ==, "tiny");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (sent, "prompt"),
                                   "result = total"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (sent, "suffix"), "\nprint"));
  g_assert_false (json_object_get_boolean_member (sent, "stream"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (sent, "options"),
                                               "num_predict"), ==, 64);

  /* An OpenAI answer is no Ollama answer. */
  pp_fake_model_server_set_mode (fake, PP_FAKE_MODEL_MISSING);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 1);
  assert_fallback (answer, "malformed");

  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/complete/model/openai", test_openai);
  g_test_add_func ("/pp/daemon/complete/model/rate-limit", test_rate_limit);
  g_test_add_func ("/pp/daemon/complete/model/superseded", test_superseded);
  g_test_add_func ("/pp/daemon/complete/model/ollama", test_ollama);

  return g_test_run ();
}
