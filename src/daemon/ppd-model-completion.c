/* ppd-model-completion.c: completions from a language model server (OpenAI or Ollama style).
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-model-completion"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "ppd-model-completion.h"
#include "ppd-token-bucket.h"

/* The model sees at most this much of the text around the cursor, in code points. */
#define PREFIX_CHARS 4000
#define SUFFIX_CHARS 1000
#define MAX_TOKENS 64
#define TEMPERATURE 0.2
#define CACHE_SIZE 64
/* Per room: 5 requests a second, in bursts of 10. */
#define ROOM_RATE 5.0
#define ROOM_BURST 10.0
#define MAX_BUCKETS 1024
/* A completion longer than this is no completion: the server misbehaves. */
#define MAX_ANSWER_BYTES (256 * 1024)

typedef struct
{
  char  *key;
  char  *text;
  GList *link;    /* in PpdModelCompletion.lru, whose data is this entry */
} CacheEntry;

struct _PpdModelCompletion
{
  GObject           parent_instance;

  /* Owned */
  SoupSession      *session;
  char             *url;
  char             *model;
  char             *authorization;   /* "Bearer KEY", or NULL */
  GHashTable       *cache;           /* key → CacheEntry, the key owned by the entry */
  GQueue            lru;             /* of CacheEntry, most recently used first */
  GHashTable       *in_flight;       /* room + requester → Pending, borrowed */
  GHashTable       *buckets;         /* room id → PpdTokenBucket */

  /* Borrowed */
  PpdMetrics       *metrics;

  PpdCompletionApi  api;
  guint             timeout_ms;
};

G_DEFINE_FINAL_TYPE (PpdModelCompletion, ppd_model_completion, G_TYPE_OBJECT)

G_DEFINE_QUARK (ppd-model-completion-error-quark, ppd_model_completion_error)

/* The task data of one request to the server. */
typedef struct
{
  PpdModelCompletion *self;           /* owned by the task too; borrowed here */
  GCancellable       *cancellable;
  char               *flight_key;
  char               *cache_key;
  guint               timeout_id;
  gboolean            timed_out;
} Pending;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_free (entry->text);
  g_free (entry);
}

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_object (&pending->cancellable);
  g_free (pending->flight_key);
  g_free (pending->cache_key);
  g_free (pending);
}

const char *
ppd_model_completion_error_reason (const GError *error)
{
  if (error == NULL || error->domain != PPD_MODEL_COMPLETION_ERROR)
    return "error";

  switch ((PpdModelCompletionError) error->code)
    {
    case PPD_MODEL_COMPLETION_ERROR_TIMEOUT:
      return "timeout";
    case PPD_MODEL_COMPLETION_ERROR_MALFORMED:
      return "malformed";
    case PPD_MODEL_COMPLETION_ERROR_EMPTY:
      return "empty";
    case PPD_MODEL_COMPLETION_ERROR_RATE_LIMITED:
      return "rate_limited";
    case PPD_MODEL_COMPLETION_ERROR_SUPERSEDED:
      return "superseded";
    case PPD_MODEL_COMPLETION_ERROR_FAILED:
    default:
      return "error";
    }
}

static const char *
cache_lookup (PpdModelCompletion *self,
              const char         *key)
{
  CacheEntry *entry = g_hash_table_lookup (self->cache, key);

  if (entry == NULL)
    return NULL;

  g_queue_unlink (&self->lru, entry->link);
  g_queue_push_head_link (&self->lru, entry->link);
  return entry->text;
}

static void
cache_insert (PpdModelCompletion *self,
              const char         *key,
              const char         *text)
{
  CacheEntry *entry;

  if (g_hash_table_contains (self->cache, key))
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->key = g_strdup (key);
  entry->text = g_strdup (text);
  g_queue_push_head (&self->lru, entry);
  entry->link = self->lru.head;
  g_hash_table_insert (self->cache, entry->key, entry);

  while (self->lru.length > CACHE_SIZE)
    {
      CacheEntry *oldest = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, oldest->key);
      cache_entry_free (oldest);
    }
}

/* TRUE when @room_id may ask the model once more now. */
static gboolean
take_room_token (PpdModelCompletion *self,
                 const char         *room_id)
{
  PpdTokenBucket *bucket = g_hash_table_lookup (self->buckets, room_id);

  if (bucket == NULL)
    {
      /* Full buckets are as good as none: forget them before growing. */
      if (g_hash_table_size (self->buckets) >= MAX_BUCKETS)
        {
          GHashTableIter iter;
          PpdTokenBucket *b;

          g_hash_table_iter_init (&iter, self->buckets);
          while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &b))
            if (ppd_token_bucket_is_full (b, ROOM_RATE, ROOM_BURST))
              g_hash_table_iter_remove (&iter);
        }
      bucket = g_new0 (PpdTokenBucket, 1);
      ppd_token_bucket_init (bucket, ROOM_BURST);
      g_hash_table_insert (self->buckets, g_strdup (room_id), bucket);
    }

  return ppd_token_bucket_take (bucket, ROOM_RATE, ROOM_BURST, 1.0);
}

static gboolean
on_timeout (gpointer data)
{
  Pending *pending = data;

  pending->timeout_id = 0;
  pending->timed_out = TRUE;
  g_cancellable_cancel (pending->cancellable);

  return G_SOURCE_REMOVE;
}

/* The completion in the server's answer, or NULL with @error. */
static char *
parse_answer (PpdCompletionApi   api,
              GBytes            *body,
              GError           **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *text = NULL;
  gsize n_bytes;
  const char *data = g_bytes_get_data (body, &n_bytes);

  if (n_bytes > MAX_ANSWER_BYTES)
    {
      g_set_error (error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_MALFORMED,
                   "The answer has %" G_GSIZE_FORMAT " bytes", n_bytes);
      return NULL;
    }

  root = pp_json_parse (data, n_bytes, 32, NULL);
  object = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object != NULL && api == PPD_COMPLETION_API_OLLAMA)
    text = json_object_get_member (object, "response");
  else if (object != NULL)
    {
      JsonNode *choices = json_object_get_member (object, "choices");
      JsonArray *array = choices != NULL && JSON_NODE_HOLDS_ARRAY (choices)
                         ? json_node_get_array (choices) : NULL;
      JsonNode *first = array != NULL && json_array_get_length (array) > 0
                        ? json_array_get_element (array, 0) : NULL;

      if (first != NULL && JSON_NODE_HOLDS_OBJECT (first))
        text = json_object_get_member (json_node_get_object (first), "text");
    }

  if (text == NULL || !JSON_NODE_HOLDS_VALUE (text) ||
      json_node_get_value_type (text) != G_TYPE_STRING)
    {
      g_set_error_literal (error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_MALFORMED,
                           api == PPD_COMPLETION_API_OLLAMA
                           ? "The answer has no string “response”"
                           : "The answer has no string “choices[0].text”");
      return NULL;
    }

  if (*json_node_get_string (text) == '\0')
    {
      g_set_error_literal (error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_EMPTY,
                           "The model completed nothing");
      return NULL;
    }

  return g_strdup (json_node_get_string (text));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  Pending *pending = g_task_get_task_data (task);
  PpdModelCompletion *self = pending->self;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                             NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint status;

  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  if (g_hash_table_lookup (self->in_flight, pending->flight_key) == pending)
    g_hash_table_remove (self->in_flight, pending->flight_key);

  status = msg != NULL ? soup_message_get_status (msg) : 0;
  if (pending->timed_out)
    g_set_error (&error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_TIMEOUT,
                 "No answer within %u ms", self->timeout_ms);
  else if (g_cancellable_is_cancelled (pending->cancellable))
    g_set_error_literal (&error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_SUPERSEDED,
                         "A newer request of the same person replaced this one");
  else if (body == NULL || !SOUP_STATUS_IS_SUCCESSFUL (status))
    g_set_error (&error, PPD_MODEL_COMPLETION_ERROR, PPD_MODEL_COMPLETION_ERROR_FAILED,
                 "The completion server answered %u", status);
  else
    text = parse_answer (self->api, body, &error);

  if (text == NULL)
    {
      g_debug ("No model completion: %s", error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cache_insert (self, pending->cache_key, text);
  g_task_return_pointer (task, g_steal_pointer (&text), g_free);
}

static GBytes *
build_body (PpdModelCompletion *self,
            const char         *prefix,
            const char         *suffix)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *json;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, self->model);
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, prefix);
  json_builder_set_member_name (builder, "suffix");
  json_builder_add_string_value (builder, suffix);
  if (self->api == PPD_COMPLETION_API_OLLAMA)
    {
      json_builder_set_member_name (builder, "stream");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "num_predict");
      json_builder_add_int_value (builder, MAX_TOKENS);
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, TEMPERATURE);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "max_tokens");
      json_builder_add_int_value (builder, MAX_TOKENS);
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_double_value (builder, TEMPERATURE);
      json_builder_set_member_name (builder, "stop");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "\n\n");
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);

  return g_bytes_new_take (json, strlen (json));
}

static void
ppd_model_completion_dispose (GObject *object)
{
  PpdModelCompletion *self = (PpdModelCompletion *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (ppd_model_completion_parent_class)->dispose (object);
}

static void
ppd_model_completion_finalize (GObject *object)
{
  PpdModelCompletion *self = (PpdModelCompletion *) object;

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_queue_clear_full (&self->lru, (GDestroyNotify) cache_entry_free);
  if (self->authorization != NULL)
    explicit_bzero (self->authorization, strlen (self->authorization));
  g_free (self->authorization);
  g_free (self->url);
  g_free (self->model);

  G_OBJECT_CLASS (ppd_model_completion_parent_class)->finalize (object);
}

static void
ppd_model_completion_class_init (PpdModelCompletionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ppd_model_completion_dispose;
  object_class->finalize = ppd_model_completion_finalize;
}

static void
ppd_model_completion_init (PpdModelCompletion *self)
{
  self->cache = g_hash_table_new (g_str_hash, g_str_equal);
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->lru);
}

/* @config names an endpoint; @metrics must outlive the object. */
PpdModelCompletion *
ppd_model_completion_new (const PpdConfig *config,
                          PpdMetrics      *metrics)
{
  PpdModelCompletion *self = g_object_new (PPD_TYPE_MODEL_COMPLETION, NULL);

  g_return_val_if_fail (config->completion_endpoint != NULL, NULL);

  self->metrics = metrics;
  self->api = config->completion_api_kind;
  self->timeout_ms = config->completion_timeout_ms;
  self->model = g_strdup (config->completion_model);
  self->url = g_strconcat (config->completion_endpoint,
                           self->api == PPD_COMPLETION_API_OLLAMA
                           ? "/api/generate" : "/v1/completions", NULL);
  if (config->completion_api_key != NULL)
    self->authorization = g_strconcat ("Bearer ", config->completion_api_key, NULL);
  /* The timeout below is the one that counts; soup's, in whole seconds, is a backstop. */
  self->session = soup_session_new_with_options ("user-agent", "pairpadd/" PACKAGE_VERSION,
                                                 "timeout", self->timeout_ms / 1000 + 2,
                                                 "max-conns-per-host", 8,
                                                 NULL);

  return self;
}

/**
 * ppd_model_completion_complete_async:
 * @room_id: whose rate limit the request counts against
 * @requester: who asks (a client id or an address): their request still in
 *   flight in the same room is cancelled, failing with SUPERSEDED
 * @text: the room's text
 * @position: the cursor, in code points (clamped to @text)
 *
 * Asks the model what follows the cursor, or answers from the cache.
 */
void
ppd_model_completion_complete_async (PpdModelCompletion  *self,
                                     const char          *room_id,
                                     const char          *requester,
                                     const char          *text,
                                     gsize                position,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;
  const char *cursor = text;
  const char *start;
  const char *end;
  const char *cached;
  Pending *pending;
  Pending *previous;

  g_task_set_source_tag (task, ppd_model_completion_complete_async);

  for (gsize i = 0; i < position && *cursor != '\0'; i++)
    cursor = g_utf8_next_char (cursor);
  start = cursor;
  for (guint i = 0; i < PREFIX_CHARS && start > text; i++)
    start = g_utf8_prev_char (start);
  end = cursor;
  for (guint i = 0; i < SUFFIX_CHARS && *end != '\0'; i++)
    end = g_utf8_next_char (end);
  prefix = g_strndup (start, cursor - start);
  suffix = g_strndup (cursor, end - cursor);

  pending = g_new0 (Pending, 1);
  pending->self = self;
  pending->cancellable = g_cancellable_new ();
  pending->flight_key = g_strconcat (room_id, "\n", requester, NULL);
  pending->cache_key = g_strconcat (self->model, "\x1f", prefix, "\x1f", suffix, NULL);
  g_task_set_task_data (task, pending, (GDestroyNotify) pending_free);

  cached = cache_lookup (self, pending->cache_key);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_strdup (cached), g_free);
      return;
    }

  if (!take_room_token (self, room_id))
    {
      g_task_return_new_error (task, PPD_MODEL_COMPLETION_ERROR,
                               PPD_MODEL_COMPLETION_ERROR_RATE_LIMITED,
                               "The room asks the model too often");
      return;
    }

  /* One request per person and room: a newer one makes the older moot. */
  previous = g_hash_table_lookup (self->in_flight, pending->flight_key);
  if (previous != NULL)
    g_cancellable_cancel (previous->cancellable);
  g_hash_table_replace (self->in_flight, g_strdup (pending->flight_key), pending);

  msg = soup_message_new (SOUP_METHOD_POST, self->url);
  body = build_body (self, prefix, suffix);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  if (self->authorization != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                  self->authorization);

  pending->timeout_id = g_timeout_add (self->timeout_ms, on_timeout, pending);
  ppd_metrics_count_model_request (self->metrics);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    pending->cancellable, on_sent, g_steal_pointer (&task));
}

/* Returns: (transfer full): the text to insert at the cursor, or NULL with @error */
char *
ppd_model_completion_complete_finish (PpdModelCompletion  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
