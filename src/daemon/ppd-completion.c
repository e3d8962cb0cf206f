/* ppd-completion.c: completions for a place in a room's text, over REST and the WebSocket.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-completion"

#include "config.h"

#include <string.h>

#include "ppd-completion.h"
#include "ppd-http-responses.h"

/* Two ways to ask, one answer:
 *
 *  - REST: POST /api/v1/rooms/{id}/complete {v?, position, max?, client?};
 *  - WebSocket: {"type": "complete", id, v, position, max?}, answered by a
 *    "completions" frame with the same id (or an "error" with it).
 *
 * The built-in provider (pp-completion.c) runs on the text at version v, the
 * newest when REST leaves it out. Positions count code points, as
 * everywhere in the protocol.
 *
 * With --completion-endpoint the model is asked too: its text comes first,
 * as an item of kind "model" with "replace": 0 (it is inserted at the
 * cursor, where a built-in item replaces the prefix_length code points
 * before it), and provider is "model". When the model gives nothing
 * (timeout, error, malformed answer, rate limit, a newer request of the same
 * person) the built-in items alone answer, with provider "built-in" and a
 * "fallback" reason. */

#define DEFAULT_MAX 10
#define MAX_CLIENT_CHARS 128
/* The label of a model item: the first line of its text, shortened. */
#define MAX_LABEL_CHARS 80

typedef struct
{
  SoupServerMessage *msg;         /* (nullable) asked over REST */
  PpdPeer           *peer;        /* (nullable) asked over the WebSocket */
  gint64             id;          /* the complete frame's */
  PpdContext        *context;
  char              *language;
  char              *room_id;
  char              *requester;   /* the client id, or else the address */
  char              *text;        /* while the model is asked */
  gint64             version;
  gint64             position;
  gint64             max;
} Request;

static void
request_clear (Request *r)
{
  g_clear_object (&r->msg);
  g_clear_object (&r->peer);
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

static Request *
request_new (PpdContext *context,
             PpdRoom    *room)
{
  Request *r = g_rc_box_new0 (Request);

  r->context = g_object_ref (context);
  r->language = g_strdup (ppd_room_get_language (room));
  r->room_id = g_strdup (ppd_room_get_id (room));

  return r;
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

/* Answers a WebSocket request with an error frame that names its id. */
static void
send_error (Request         *r,
            PpProtocolError  code,
            const char      *message)
{
  g_autoptr(PpMessage) error = pp_message_new_error (code, message, FALSE, 0);

  if (!ppd_peer_is_open (r->peer))
    return;

  error->has_id = TRUE;
  error->id = r->id;
  ppd_metrics_count_error (ppd_context_get_metrics (r->context), code);
  ppd_peer_send_message (r->peer, error);
}

static void
respond_store_error (Request      *r,
                     const GError *error)
{
  if (r->msg != NULL)
    {
      ppd_http_respond_room_error (r->context, r->msg, error);
      soup_server_message_unpause (r->msg);
    }
  else if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_COMPACTED))
    send_error (r, PP_PROTOCOL_ERROR_BAD_VERSION, error->message);
  else
    send_error (r, PP_PROTOCOL_ERROR_INTERNAL, "The text could not be read; try again later");
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
  g_autoptr(PpMessage) answer = NULL;

  if (model_text != NULL)
    {
      g_autofree char *label = model_label (model_text);

      g_ptr_array_insert (items, 0, pp_completion_item_new (label, model_text, PP_COMPLETION_MODEL, 0));
    }
  answer = pp_message_new_completions (r->id, r->version, prefix_length,
                                       model_text != NULL ? "model" : "built-in", fallback, items);

  if (r->msg != NULL)
    {
      /* REST's answer is the frame without what only a frame needs. */
      g_autoptr(JsonNode) node = pp_message_to_node (answer);

      json_object_remove_member (json_node_get_object (node), "type");
      json_object_remove_member (json_node_get_object (node), "id");
      ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
      soup_server_message_unpause (r->msg);
    }
  else if (ppd_peer_is_open (r->peer))
    ppd_peer_send_message (r->peer, answer);
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
        const char *text)
{
  PpdModelCompletion *model = ppd_context_get_model_completion (r->context);

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
  Request *r = data;

  r->version = version;
  answer (r, text);
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
    respond_store_error (r, error);
  else
    answer (r, text);
}

/* The newest text is in memory; an older one comes from the store. Takes @r. */
static void
read_text (Request *r,
           PpdRoom *room)
{
  if (r->version == ppd_room_get_version (room))
    ppd_room_read (room, on_room_read, r, (GDestroyNotify) request_unref);
  else
    ppd_store_get_text_async (ppd_context_get_store (r->context), r->room_id, r->version,
                              NULL, on_text_read, r);
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
  JsonNode *client = body != NULL ? json_object_get_member (body, "client") : NULL;
  Request *r = request_new (context, room);

  r->msg = g_object_ref (msg);

  if (body != NULL && client != NULL &&
      (!JSON_NODE_HOLDS_VALUE (client) || json_node_get_value_type (client) != G_TYPE_STRING ||
       *json_node_get_string (client) == '\0' ||
       g_utf8_strlen (json_node_get_string (client), -1) > MAX_CLIENT_CHARS))
    g_set_error (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                 "“client” must be a string of 1 to %d characters", MAX_CLIENT_CHARS);

  if (body == NULL || error != NULL ||
      !get_number (body, "position", -1, 0, G_MAXINT32, &r->position, &error) ||
      !get_number (body, "max", DEFAULT_MAX, 1, PP_PROTOCOL_MAX_COMPLETIONS, &r->max, &error) ||
      !get_number (body, "v", newest, 0, newest, &r->version, &error))
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

  read_text (r, room);
}

/* A welcomed member's complete frame; the answer goes to @peer. */
void
ppd_completion_handle_frame (PpdContext      *context,
                             PpdRoom         *room,
                             PpdPeer         *peer,
                             const char      *client,
                             const PpMessage *message)
{
  Request *r = request_new (context, room);

  r->peer = g_object_ref (peer);
  r->id = message->id;
  r->version = message->v;
  r->position = message->position;
  r->max = message->max > 0 ? message->max : DEFAULT_MAX;
  /* The same key as REST's "client": either way cancels the other. */
  r->requester = g_strconcat ("client:", client, NULL);

  if (message->v > ppd_room_get_version (room))
    {
      send_error (r, PP_PROTOCOL_ERROR_BAD_VERSION, "complete: “v” is newer than the room");
      request_unref (r);
      return;
    }

  read_text (r, room);
}
