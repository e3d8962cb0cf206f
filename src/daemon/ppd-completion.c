/* ppd-completion.c: completions for a place in a room's text, over REST.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-completion"

#include "config.h"

#include <string.h>

#include "ppd-completion.h"
#include "ppd-http-responses.h"

/* POST /api/v1/rooms/{id}/complete {v?, position, max?, client?}: the
 * built-in provider (pp-completion.c) on the text at version v, the newest
 * when v is absent. Positions count code points, as everywhere in the
 * protocol.
 *
 * With --completion-endpoint the model is asked too: its text comes first,
 * as an item of kind "model" with "replace": 0 (it is inserted at the
 * cursor, where a built-in item replaces the prefix_length code points
 * before it), and provider is "model". When the model gives nothing
 * (timeout, error, malformed answer, rate limit, a newer request of the same
 * client) the built-in items alone answer, with provider "built-in" and a
 * "fallback" reason. */

#define DEFAULT_MAX 10
#define MAX_MAX 50
#define MAX_CLIENT_CHARS 128
/* The label of a model item: the first line of its text, shortened. */
#define MAX_LABEL_CHARS 80

typedef struct
{
  SoupServerMessage *msg;
  PpdContext        *context;
  char              *language;
  char              *room_id;
  char              *requester;   /* the body's "client", or the client's address */
  char              *text;        /* while the model is asked */
  gint64             version;
  gint64             position;
  gint64             max;
} Request;

static void
request_clear (Request *r)
{
  g_object_unref (r->msg);
  g_object_unref (r->context);
  g_free (r->language);
  g_free (r->room_id);
  g_free (r->requester);
  g_free (r->text);
}

static Request *
request_ref (Request *r)
{
  return g_rc_box_acquire (r);
}

static void
request_unref (Request *r)
{
  g_rc_box_release_full (r, (GDestroyNotify) request_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_unref)

static void
add_item (JsonBuilder *builder,
          const char  *label,
          const char  *insert,
          const char  *kind)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, label);
  json_builder_set_member_name (builder, "insert");
  json_builder_add_string_value (builder, insert);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, kind);
}

/* The first non-blank line of @text, at most MAX_LABEL_CHARS code points. */
static char *
model_label (const char *text)
{
  const char *start = text;
  const char *end;

  while (*start == '\n' || *start == '\r')
    start++;
  end = start + strcspn (start, "\r\n");
  if ((gsize) g_utf8_strlen (start, end - start) > MAX_LABEL_CHARS)
    end = g_utf8_offset_to_pointer (start, MAX_LABEL_CHARS);

  return g_strndup (start, end - start);
}

/* @model_text: (nullable): the model's completion; @fallback: (nullable): why there is none */
static void
respond (Request    *r,
         const char *model_text,
         const char *fallback)
{
  gsize prefix_length = 0;
  g_autoptr(GPtrArray) items = pp_completion_suggest (r->text, r->position, r->language, r->max,
                                                      &prefix_length);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, r->version);
  json_builder_set_member_name (builder, "prefix_length");
  json_builder_add_int_value (builder, prefix_length);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, model_text != NULL ? "model" : "built-in");
  if (fallback != NULL)
    {
      json_builder_set_member_name (builder, "fallback");
      json_builder_add_string_value (builder, fallback);
    }
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  if (model_text != NULL)
    {
      g_autofree char *label = model_label (model_text);

      add_item (builder, label, model_text, "model");
      json_builder_set_member_name (builder, "replace");
      json_builder_add_int_value (builder, 0);
      json_builder_end_object (builder);
    }
  for (guint i = 0; i < items->len; i++)
    {
      PpCompletionItem *item = g_ptr_array_index (items, i);

      add_item (builder, item->label, item->insert, pp_completion_kind_to_string (item->kind));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (r->msg);
}

static void
on_model_completed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ppd_model_completion_complete_finish (PPD_MODEL_COMPLETION (source),
                                                                result, &error);
  const char *reason = NULL;

  if (text == NULL)
    {
      reason = ppd_model_completion_error_reason (error);
      ppd_metrics_count_completion_fallback (ppd_context_get_metrics (r->context), reason);
    }

  respond (r, text, reason);
}

static void
answer (Request    *r,
        gint64      version,
        const char *text)
{
  PpdModelCompletion *model = ppd_context_get_model_completion (r->context);

  r->version = version;
  r->text = g_strdup (text);
  if (model == NULL)
    {
      respond (r, NULL, NULL);
      return;
    }

  ppd_model_completion_complete_async (model, r->room_id, r->requester, r->text, r->position,
                                       on_model_completed, request_ref (r));
}

static void
on_room_read (PpdRoom    *room,
              gint64      version,
              const char *text,
              gpointer    data)
{
  answer (data, version, text);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ppd_store_get_text_finish (PPD_STORE (source), result, &error);

  if (text == NULL)
    {
      ppd_http_respond_room_error (r->context, r->msg, error);
      soup_server_message_unpause (r->msg);
      return;
    }

  answer (r, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (r->msg), "pp-version")), text);
}

/* An optional whole number member from @min to @max; FALSE with @error. */
static gboolean
get_number (JsonObject  *body,
            const char  *name,
            gint64       fallback,
            gint64       min,
            gint64       max,
            gint64      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL)
    {
      *out = fallback;
      return fallback >= 0;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "“%s” must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                   name, min, max);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

/* @msg is paused and @room readable by the request; answers and unpauses. */
void
ppd_completion_handle (PpdContext        *context,
                       SoupServerMessage *msg,
                       PpdRoom           *room)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = ppd_http_parse_body_object (context, msg, &error);
  gint64 newest = ppd_room_get_version (room);
  gint64 version = -1;
  JsonNode *client = body != NULL ? json_object_get_member (body, "client") : NULL;
  Request *r;

  r = g_rc_box_new0 (Request);
  r->msg = g_object_ref (msg);
  r->context = g_object_ref (context);
  r->language = g_strdup (ppd_room_get_language (room));
  r->room_id = g_strdup (ppd_room_get_id (room));

  if (body != NULL && client != NULL &&
      (!JSON_NODE_HOLDS_VALUE (client) || json_node_get_value_type (client) != G_TYPE_STRING ||
       *json_node_get_string (client) == '\0' ||
       g_utf8_strlen (json_node_get_string (client), -1) > MAX_CLIENT_CHARS))
    g_set_error (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                 "“client” must be a string of 1 to %d characters", MAX_CLIENT_CHARS);

  if (body == NULL || error != NULL ||
      !get_number (body, "position", -1, 0, G_MAXINT32, &r->position, &error) ||
      !get_number (body, "max", DEFAULT_MAX, 1, MAX_MAX, &r->max, &error) ||
      !get_number (body, "v", newest, 0, newest, &version, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                             "The body needs “position”, a whole number of code points");
      ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, error->code,
                              error->message);
      soup_server_message_unpause (msg);
      request_unref (r);
      return;
    }

  /* A person is their client id, or else their address: their newer
   * request cancels the older one still waiting for the model. */
  r->requester = client != NULL ? g_strconcat ("client:", json_node_get_string (client), NULL)
                                : ppd_http_dup_client_address (context, msg);
  if (r->requester == NULL)
    r->requester = g_strdup ("unknown");

  /* The newest text is in memory; an older one comes from the store. */
  if (version == newest)
    ppd_room_read (room, on_room_read, r, (GDestroyNotify) request_unref);
  else
    {
      g_object_set_data (G_OBJECT (msg), "pp-version", GSIZE_TO_POINTER (version));
      ppd_store_get_text_async (ppd_context_get_store (context), ppd_room_get_id (room), version,
                                NULL, on_text_read, r);
    }
}
