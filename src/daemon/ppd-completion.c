/* ppd-completion.c: completions for a place in a room's text, over REST.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-completion"

#include "config.h"

#include "ppd-completion.h"
#include "ppd-http-responses.h"

/* POST /api/v1/rooms/{id}/complete {v?, position, max?}: the built-in
 * provider (pp-completion.c) on the text at version v, the newest when v is
 * absent. Positions count code points, as everywhere in the protocol. */

#define DEFAULT_MAX 10
#define MAX_MAX 50

typedef struct
{
  SoupServerMessage *msg;
  PpdContext        *context;
  char              *language;
  gint64             position;
  gint64             max;
} Request;

static void
request_free (Request *r)
{
  g_object_unref (r->msg);
  g_object_unref (r->context);
  g_free (r->language);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
answer (Request    *r,
        gint64      version,
        const char *text)
{
  gsize prefix_length = 0;
  g_autoptr(GPtrArray) items = pp_completion_suggest (text, r->position, r->language, r->max,
                                                      &prefix_length);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "prefix_length");
  json_builder_add_int_value (builder, prefix_length);
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, "built-in");
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      PpCompletionItem *item = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, item->label);
      json_builder_set_member_name (builder, "insert");
      json_builder_add_string_value (builder, item->insert);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, pp_completion_kind_to_string (item->kind));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (r->msg);
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
  Request *r;

  r = g_new0 (Request, 1);
  r->msg = g_object_ref (msg);
  r->context = g_object_ref (context);
  r->language = g_strdup (ppd_room_get_language (room));

  if (body == NULL ||
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
      request_free (r);
      return;
    }

  /* The newest text is in memory; an older one comes from the store. */
  if (version == newest)
    ppd_room_read (room, on_room_read, r, (GDestroyNotify) request_free);
  else
    {
      g_object_set_data (G_OBJECT (msg), "pp-version", GSIZE_TO_POINTER (version));
      ppd_store_get_text_async (ppd_context_get_store (context), ppd_room_get_id (room), version,
                                NULL, on_text_read, r);
    }
}
