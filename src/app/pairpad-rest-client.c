/* pairpad-rest-client.c: the daemon's REST API over libsoup, JSON in and out.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-rest-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "pairpad-link.h"
#include "pairpad-rest-client.h"

/* PairpadRestClient owns one SoupSession for the app's REST calls (new
 * rooms, the owner's access settings, accounts); the WebSocket has its own, in
 * PairpadConnection. Errors carry text for people, in their language: the
 * daemon's own messages are English and for developers, so only the HTTP
 * status decides what is said. It never logs a bearer token. */

#define TIMEOUT_SECONDS 30

struct _PairpadRestClient
{
  GObject      parent_instance;

  /* Owned */
  SoupSession *soup;
};

G_DEFINE_FINAL_TYPE (PairpadRestClient, pairpad_rest_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (pairpad-rest-error-quark, pairpad_rest_error)

static void
set_status_error (GError **error,
                  guint    status)
{
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
    case SOUP_STATUS_FORBIDDEN:
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_ALLOWED,
                           _("The server did not allow this"));
      break;

    case SOUP_STATUS_NOT_FOUND:
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_FOUND,
                           _("This room does not exist any more"));
      break;

    case SOUP_STATUS_BAD_REQUEST:
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_INVALID,
                           _("The server did not accept what was sent"));
      break;

    case SOUP_STATUS_CONFLICT:
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_CONFLICT,
                           _("The server already has something by that name"));
      break;

    case 429: /* Too Many Requests: libsoup 3.2 has no name for it */
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_RATE_LIMITED,
                           _("Too many requests: wait a minute, then try again"));
      break;

    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_set_error_literal (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_BUSY,
                           _("The server is busy: try again in a moment"));
      break;

    default:
      /* TRANSLATORS: %u is an HTTP status code, like 500 */
      g_set_error (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_FAILED,
                   _("The server refused (HTTP %u)"), status);
      break;
    }
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  g_autoptr(GTask) task = data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = NULL;
  const char *json;
  guint status;
  gsize size;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_task_return_new_error (task, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_UNREACHABLE,
                               _("Could not reach the server: %s"), error->message);
      return;
    }

  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_status_error (&error, status);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* 204 No Content, say for a deletion. */
  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  parser = json_parser_new ();
  json = g_bytes_get_data (body, &size);
  if (!json_parser_load_from_data (parser, json, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    {
      g_task_return_new_error (task, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_BAD_ANSWER,
                               _("The server sent an answer Pairpad does not understand"));
      return;
    }

  g_task_return_pointer (task, json_parser_steal_root (parser), (GDestroyNotify) json_node_unref);
}

static void
pairpad_rest_client_dispose (GObject *object)
{
  PairpadRestClient *self = (PairpadRestClient *)object;

  if (self->soup != NULL)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (pairpad_rest_client_parent_class)->dispose (object);
}

static void
pairpad_rest_client_class_init (PairpadRestClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_rest_client_dispose;
}

static void
pairpad_rest_client_init (PairpadRestClient *self)
{
  self->soup = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS, NULL);
}

PairpadRestClient *
pairpad_rest_client_new (void)
{
  return g_object_new (PAIRPAD_TYPE_REST_CLIENT, NULL);
}

/* Sends @body (nullable) as JSON to @server's @path ("/api/v1/rooms"),
 * with "Authorization: Bearer @bearer" when @bearer is set. The task holds
 * the client: a call in flight outlives whoever dropped it, unless they
 * cancel it. */
void
pairpad_rest_client_request_async (PairpadRestClient   *self,
                                   const char          *server,
                                   const char          *method,
                                   const char          *path,
                                   JsonNode            *body,
                                   const char          *bearer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (PAIRPAD_IS_REST_CLIENT (self));
  g_return_if_fail (server != NULL && method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_rest_client_request_async);

  url = pairpad_link_build_api_url (server, path);
  msg = url != NULL ? soup_message_new (method, url) : NULL;
  if (msg == NULL)
    {
      g_task_return_new_error (task, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_UNREACHABLE,
                               _("The server address is not valid"));
      return;
    }

  if (body != NULL)
    {
      g_autofree char *json = json_to_string (body, FALSE);
      gsize len = strlen (json);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&json), len);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_sent, g_steal_pointer (&task));
}

/* Returns: (transfer full): the answer's JSON; a null node for an empty answer */
JsonNode *
pairpad_rest_client_request_finish (PairpadRestClient  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Answers come from the network, so nothing may assume their shape.
 * @node: (nullable): an answer, or a part of one
 * @type: a value's GType (G_TYPE_STRING…), or JSON_TYPE_OBJECT or JSON_TYPE_ARRAY
 * Returns: (transfer none) (nullable): member @name of @node, when @node
 *   is an object and the member is of @type */
JsonNode *
pairpad_rest_get_member (JsonNode   *node,
                         const char *name,
                         GType       type)
{
  JsonNode *member;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  member = json_object_get_member (json_node_get_object (node), name);
  if (member == NULL)
    return NULL;
  if (type == JSON_TYPE_OBJECT)
    return JSON_NODE_HOLDS_OBJECT (member) ? member : NULL;
  if (type == JSON_TYPE_ARRAY)
    return JSON_NODE_HOLDS_ARRAY (member) ? member : NULL;

  if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != type)
    return NULL;

  return member;
}

/* Returns: (transfer none) (nullable): string member @name of @node */
const char *
pairpad_rest_get_string (JsonNode   *node,
                         const char *name)
{
  JsonNode *member = pairpad_rest_get_member (node, name, G_TYPE_STRING);

  return member != NULL ? json_node_get_string (member) : NULL;
}
