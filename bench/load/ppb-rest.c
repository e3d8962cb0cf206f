/* ppb-rest.c: the daemon's REST calls the benchmark needs: create a room, read its text.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-rest"

#include "config.h"

#include <pairpad.h>
#include <string.h>

#include "ppb-rest.h"

#define ROOMS_PATH "/api/v1/rooms"
#define MAX_JSON_DEPTH 64

/* libsoup never sends a POST on a kept-alive connection (it is not
 * idempotent), so each room creation opens a connection of its own, and the
 * one before it stays idle in the pool. pairpadd on libsoup 3.2 never
 * closes a kept-alive connection that its client closed (it stays in
 * CLOSE-WAIT, one file descriptor each, for the daemon's lifetime), so a
 * POST asks the daemon to close its connection after the answer. GETs
 * reuse their connections. */
static SoupMessage *
new_post (const char *url)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_POST, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Connection", "close");

  return msg;
}

/* @base_url is what --url gave, "http://HOST:PORT", possibly with a path
 * prefix when the daemon sits behind a proxy. */
static char *
dup_url (const char  *base_url,
         const char  *scheme,
         const char  *path,
         GError     **error)
{
  g_autoptr(GUri) base = g_uri_parse (base_url, G_URI_FLAGS_NONE, error);
  g_autoptr(GUri) uri = NULL;
  g_autofree char *full_path = NULL;
  const char *base_path;
  const char *base_scheme;

  if (base == NULL)
    return NULL;

  base_scheme = g_uri_get_scheme (base);
  if (g_strcmp0 (base_scheme, "http") != 0 && g_strcmp0 (base_scheme, "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an http:// or https:// URL", base_url);
      return NULL;
    }

  if (scheme == NULL)
    scheme = base_scheme;
  else if (g_str_equal (base_scheme, "https"))
    scheme = "wss";

  base_path = g_uri_get_path (base);
  full_path = g_strconcat (base_path, g_str_has_suffix (base_path, "/") ? path + 1 : path, NULL);
  uri = g_uri_build (G_URI_FLAGS_NONE, scheme, NULL, g_uri_get_host (base),
                     g_uri_get_port (base), full_path, NULL, NULL);

  return g_uri_to_string (uri);
}

char *
ppb_rest_dup_ws_url (const char  *base_url,
                     const char  *room,
                     GError     **error)
{
  g_autofree char *path = g_strdup_printf (ROOMS_PATH "/%s/ws", room);

  return dup_url (base_url, "ws", path, error);
}

/* The body of a successful answer as a JSON object, or an error naming
 * the daemon's own {"error": {"code", "message"}}. */
static JsonNode *
parse_answer (SoupMessage  *msg,
              GBytes       *body,
              guint         expected_status,
              GError      **error)
{
  gsize n_bytes;
  const char *data = g_bytes_get_data (body, &n_bytes);
  g_autoptr(JsonNode) root = pp_json_parse (data, n_bytes, MAX_JSON_DEPTH, NULL);
  guint status = soup_message_get_status (msg);

  if (status != expected_status)
    {
      JsonObject *object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                  : NULL;
      JsonNode *detail = object ? json_object_get_member (object, "error") : NULL;
      const char *message = NULL;

      if (detail != NULL && JSON_NODE_HOLDS_OBJECT (detail))
        message = json_object_get_string_member_with_default (json_node_get_object (detail),
                                                              "message", NULL);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s: HTTP %u: %s",
                   soup_message_get_method (msg),
                   g_uri_get_path (soup_message_get_uri (msg)), status,
                   message ? message : soup_message_get_reason_phrase (msg));
      return NULL;
    }

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s %s: the answer is not a JSON object", soup_message_get_method (msg),
                   g_uri_get_path (soup_message_get_uri (msg)));
      return NULL;
    }

  return g_steal_pointer (&root);
}

static void
on_room_created (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_autoptr(JsonNode) root = NULL;
  const char *id;

  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!(root = parse_answer (msg, body, SOUP_STATUS_CREATED, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  id = json_object_get_string_member_with_default (json_node_get_object (root), "id", NULL);
  if (id == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "POST " ROOMS_PATH ": the answer has no room id");
      return;
    }

  g_task_return_pointer (task, g_strdup (id), g_free);
}

/* POST /api/v1/rooms with @text as the initial document. */
void
ppb_rest_create_room_async (SoupSession         *session,
                            const char          *base_url,
                            const char          *text,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  SoupMessage *msg;
  gsize n_bytes;
  char *json;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (text != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, ppb_rest_create_room_async);

  if (!(url = dup_url (base_url, NULL, ROOMS_PATH, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "pairpad-bench");
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = pp_json_to_string (root, &n_bytes);
  body = g_bytes_new_take (json, n_bytes);

  msg = new_post (url);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_task_set_task_data (task, msg, g_object_unref);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_room_created, g_steal_pointer (&task));
}

/* Returns: (transfer full): the new room's id */
char *
ppb_rest_create_room_finish (SoupSession   *session,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  SoupMessage *msg;
  gint64       version;
} TextRead;

static void
text_read_free (TextRead *read)
{
  g_clear_object (&read->msg);
  g_free (read);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  TextRead *read = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                              &error);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonNode *text;
  JsonNode *version;

  if (body == NULL || !(root = parse_answer (read->msg, body, SOUP_STATUS_OK, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object = json_node_get_object (root);
  text = json_object_get_member (object, "text");
  version = json_object_get_member (object, "v");
  if (text == NULL || json_node_get_value_type (text) != G_TYPE_STRING ||
      version == NULL || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "GET %s: the answer has no text or no v",
                               g_uri_get_path (soup_message_get_uri (read->msg)));
      return;
    }

  read->version = json_node_get_int (version);
  g_task_return_pointer (task, json_node_dup_string (text), g_free);
}

/* GET /api/v1/rooms/{room}/text: the document at the room's current version. */
void
ppb_rest_get_text_async (SoupSession         *session,
                         const char          *base_url,
                         const char          *room,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  TextRead *read;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (room != NULL);

  task = g_task_new (session, cancellable, callback, user_data);
  g_task_set_source_tag (task, ppb_rest_get_text_async);

  path = g_strdup_printf (ROOMS_PATH "/%s/text", room);
  if (!(url = dup_url (base_url, NULL, path, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  read = g_new0 (TextRead, 1);
  read->msg = soup_message_new (SOUP_METHOD_GET, url);
  g_task_set_task_data (task, read, (GDestroyNotify) text_read_free);

  soup_session_send_and_read_async (session, read->msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_text_read, g_steal_pointer (&task));
}

/* Returns: (transfer full): the text, with its version in @version */
char *
ppb_rest_get_text_finish (SoupSession   *session,
                          GAsyncResult  *result,
                          gint64        *version,
                          GError       **error)
{
  TextRead *read;
  char *text;

  g_return_val_if_fail (g_task_is_valid (result, session), NULL);

  text = g_task_propagate_pointer (G_TASK (result), error);
  read = g_task_get_task_data (G_TASK (result));
  if (text != NULL && version != NULL)
    *version = read->version;

  return text;
}
