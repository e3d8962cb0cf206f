/* test-model-completion.c: completions from a language model, against a fake model server.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-model-completion"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon-harness.h"

/* The harness's requests block the test's main context, so the fake server
 * runs its own context on a thread of its own. */

typedef enum
{
  MODE_OK,          /* answers at once with the completion */
  MODE_SLOW,        /* answers after 3 s */
  MODE_FAIL,        /* 500 */
  MODE_MALFORMED,   /* not JSON */
  MODE_MISSING,     /* JSON without the completion */
} Mode;

#define COMPLETION "_count + 1"

typedef struct
{
  GMutex        lock;
  Mode          mode;
  gboolean      ollama;
  guint         n_requests;
  char         *path;           /* of the last request */
  char         *body;
  char         *authorization;

  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  SoupServer   *server;
  char         *url;
} FakeServer;

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  FakeServer *fake = data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization");
  const char *answer;
  Mode mode;

  g_mutex_lock (&fake->lock);
  fake->n_requests++;
  g_free (fake->path);
  fake->path = g_strdup (path);
  g_free (fake->body);
  fake->body = g_strndup (body->data, body->length);
  g_free (fake->authorization);
  fake->authorization = g_strdup (authorization);
  mode = fake->mode;
  g_mutex_unlock (&fake->lock);

  switch (mode)
    {
    case MODE_SLOW:
      g_usleep (3 * G_USEC_PER_SEC);
      G_GNUC_FALLTHROUGH;
    case MODE_OK:
      answer = fake->ollama ? "{\"model\":\"tiny\",\"response\":\"" COMPLETION "\",\"done\":true}"
                            : "{\"id\":\"c1\",\"choices\":[{\"text\":\"" COMPLETION "\"}]}";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    case MODE_FAIL:
      answer = "{\"error\":\"out of memory\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      break;
    case MODE_MALFORMED:
      answer = "{\"choices\":[{\"text\":";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    case MODE_MISSING:
    default:
      answer = "{\"id\":\"c1\",\"object\":\"text_completion\"}";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer,
                                    strlen (answer));
}

static gpointer
run_server (gpointer data)
{
  FakeServer *fake = data;

  g_main_context_push_thread_default (fake->context);
  g_main_loop_run (fake->loop);
  g_main_context_pop_thread_default (fake->context);

  return NULL;
}

static FakeServer *
fake_server_new (gboolean ollama)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri = NULL;

  g_mutex_init (&fake->lock);
  fake->ollama = ollama;
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);

  /* The listening socket's source goes to the thread-default context. */
  g_main_context_push_thread_default (fake->context);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, on_request, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  g_main_context_pop_thread_default (fake->context);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  /* A base URL with a slash at the end: the daemon must not double it. */
  fake->url = g_steal_pointer (&uri);

  fake->thread = g_thread_new ("fake-model-server", run_server, fake);

  return fake;
}

static void
fake_server_set_mode (FakeServer *fake,
                      Mode        mode)
{
  g_mutex_lock (&fake->lock);
  fake->mode = mode;
  g_mutex_unlock (&fake->lock);
}

static guint
fake_server_get_n_requests (FakeServer *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = fake->n_requests;
  g_mutex_unlock (&fake->lock);

  return n;
}

/* The last request's body as a JSON object, and its path and Authorization. */
static JsonObject *
fake_server_dup_last (FakeServer  *fake,
                      char       **path,
                      char       **authorization)
{
  g_autoptr(JsonNode) node = NULL;

  g_mutex_lock (&fake->lock);
  node = pp_json_parse (fake->body, strlen (fake->body), 16, NULL);
  *path = g_strdup (fake->path);
  *authorization = g_strdup (fake->authorization);
  g_mutex_unlock (&fake->lock);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
fake_server_free (FakeServer *fake)
{
  g_main_loop_quit (fake->loop);
  g_thread_join (fake->thread);

  g_main_context_push_thread_default (fake->context);
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  while (g_main_context_iteration (fake->context, FALSE))
    ;
  g_main_context_pop_thread_default (fake->context);

  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_mutex_clear (&fake->lock);
  g_free (fake->path);
  g_free (fake->body);
  g_free (fake->authorization);
  g_free (fake->url);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

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
  g_autoptr(FakeServer) fake = fake_server_new (FALSE);
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

  sent = fake_server_dup_last (fake, &path, &authorization);
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
  g_assert_cmpuint (fake_server_get_n_requests (fake), ==, 1);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_completion_model_requests_total"),
                   ==, 1);

  /* The same place again comes from the cache. */
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR);
  g_assert_cmpstr (member (answer, "provider"), ==, "model");
  g_assert_cmpuint (fake_server_get_n_requests (fake), ==, 1);

  /* (c) A server error. */
  fake_server_set_mode (fake, MODE_FAIL);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 1);
  assert_fallback (answer, "error");

  /* (d) An answer that is not JSON, and one without choices. */
  fake_server_set_mode (fake, MODE_MALFORMED);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 2);
  assert_fallback (answer, "malformed");
  fake_server_set_mode (fake, MODE_MISSING);
  g_clear_pointer (&answer, json_node_unref);
  answer = complete (daemon, room, CURSOR - 3);
  assert_fallback (answer, "malformed");

  /* (b) A slow server: the built-in items, long before it answers. */
  fake_server_set_mode (fake, MODE_SLOW);
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
  g_autoptr(FakeServer) fake = fake_server_new (FALSE);
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
  g_assert_cmpuint (fake_server_get_n_requests (fake), ==, 30 - limited);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Ollama style: /api/generate, options.num_predict, "response". */
static void
test_ollama (void)
{
  g_autoptr(FakeServer) fake = fake_server_new (TRUE);
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

  sent = fake_server_dup_last (fake, &path, &authorization);
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
  fake_server_set_mode (fake, MODE_MISSING);
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
  g_test_add_func ("/pp/daemon/complete/model/ollama", test_ollama);

  return g_test_run ();
}
