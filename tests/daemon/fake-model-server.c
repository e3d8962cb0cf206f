/* fake-model-server.c: a language model's server for the daemon to ask, in the tests.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fake-model-server"

#include "config.h"

#include <string.h>

#include "fake-model-server.h"

/* Runs on the server's thread. */
static char *
build_answer (gboolean    ollama,
              const char *completion)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (ollama)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, "tiny");
      json_builder_set_member_name (builder, "response");
      json_builder_add_string_value (builder, completion);
      json_builder_set_member_name (builder, "done");
      json_builder_add_boolean_value (builder, TRUE);
    }
  else
    {
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, "c1");
      json_builder_set_member_name (builder, "choices");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, completion);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           data)
{
  PpFakeModelServer *fake = data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Authorization");
  g_autofree char *completion = NULL;
  char *answer;
  PpFakeModelMode mode;

  g_mutex_lock (&fake->lock);
  fake->n_requests++;
  g_free (fake->path);
  fake->path = g_strdup (path);
  g_free (fake->body);
  fake->body = g_strndup (body->data, body->length);
  g_free (fake->authorization);
  fake->authorization = g_strdup (authorization);
  mode = fake->mode;
  completion = g_strdup (fake->completion);
  g_mutex_unlock (&fake->lock);

  switch (mode)
    {
    case PP_FAKE_MODEL_SLOW:
      g_usleep (3 * G_USEC_PER_SEC);
      G_GNUC_FALLTHROUGH;
    case PP_FAKE_MODEL_OK:
      answer = build_answer (fake->ollama, completion);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    case PP_FAKE_MODEL_FAIL:
      answer = g_strdup ("{\"error\":\"out of memory\"}");
      soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
      break;
    case PP_FAKE_MODEL_MALFORMED:
      answer = g_strdup ("{\"choices\":[{\"text\":");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    case PP_FAKE_MODEL_MISSING:
    default:
      answer = g_strdup ("{\"id\":\"c1\",\"object\":\"text_completion\"}");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      break;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, answer,
                                    strlen (answer));
}

static gpointer
run_server (gpointer data)
{
  PpFakeModelServer *fake = data;

  g_main_context_push_thread_default (fake->context);
  g_main_loop_run (fake->loop);
  g_main_context_pop_thread_default (fake->context);

  return NULL;
}

/* @ollama: answer as Ollama does, else as OpenAI does. */
PpFakeModelServer *
pp_fake_model_server_new (gboolean ollama)
{
  PpFakeModelServer *fake = g_new0 (PpFakeModelServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_mutex_init (&fake->lock);
  fake->ollama = ollama;
  fake->completion = g_strdup (PP_FAKE_MODEL_COMPLETION);
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
  /* A base URL with a slash at the end: the daemon must not double it. */
  fake->url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fake->thread = g_thread_new ("fake-model-server", run_server, fake);

  return fake;
}

void
pp_fake_model_server_set_mode (PpFakeModelServer *fake,
                               PpFakeModelMode    mode)
{
  g_mutex_lock (&fake->lock);
  fake->mode = mode;
  g_mutex_unlock (&fake->lock);
}

/* What PP_FAKE_MODEL_OK and _SLOW answer with from now on. */
void
pp_fake_model_server_set_completion (PpFakeModelServer *fake,
                                     const char        *completion)
{
  g_mutex_lock (&fake->lock);
  g_free (fake->completion);
  fake->completion = g_strdup (completion);
  g_mutex_unlock (&fake->lock);
}

guint
pp_fake_model_server_get_n_requests (PpFakeModelServer *fake)
{
  guint n;

  g_mutex_lock (&fake->lock);
  n = fake->n_requests;
  g_mutex_unlock (&fake->lock);

  return n;
}

/* The last request's body as a JSON object, and its path and Authorization. */
JsonObject *
pp_fake_model_server_dup_last (PpFakeModelServer  *fake,
                               char              **path,
                               char              **authorization)
{
  g_autoptr(JsonNode) node = NULL;

  g_mutex_lock (&fake->lock);
  g_assert_nonnull (fake->body);
  node = pp_json_parse (fake->body, strlen (fake->body), 16, NULL);
  *path = g_strdup (fake->path);
  *authorization = g_strdup (fake->authorization);
  g_mutex_unlock (&fake->lock);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

void
pp_fake_model_server_free (PpFakeModelServer *fake)
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
  g_free (fake->completion);
  g_free (fake->path);
  g_free (fake->body);
  g_free (fake->authorization);
  g_free (fake->url);
  g_free (fake);
}
