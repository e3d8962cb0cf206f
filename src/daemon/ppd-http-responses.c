/* ppd-http-responses.c: JSON answers and request credentials shared by the REST handlers.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-http"

#include "config.h"

#include <string.h>

#include "ppd-http-responses.h"
#include "ppd-static.h"

char *
ppd_http_format_time (gint64 usec)
{
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
  g_autoptr(GDateTime) time = g_date_time_add (epoch, usec);

  return g_date_time_format_iso8601 (time);
}

void
ppd_http_respond_json (SoupServerMessage *msg,
                       guint              status,
                       JsonNode          *node)
{
  gsize n_bytes;
  char *body = pp_json_to_string (node, &n_bytes);

  soup_server_message_set_status (msg, status, NULL);
  ppd_static_add_security_headers (msg);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, body, n_bytes);
}

void
ppd_http_respond_error (PpdContext        *context,
                        SoupServerMessage *msg,
                        guint              status,
                        PpProtocolError    code,
                        const char        *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  ppd_metrics_count_error (ppd_context_get_metrics (context), code);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, pp_protocol_error_code_to_string (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"pairpad\"");
  ppd_http_respond_json (msg, status, node);
}

void
ppd_http_respond_room_error (PpdContext        *context,
                             SoupServerMessage *msg,
                             const GError      *error)
{
  if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
    ppd_http_respond_error (context, msg, SOUP_STATUS_NOT_FOUND, PP_PROTOCOL_ERROR_NOT_FOUND,
                            "No such room");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    ppd_http_respond_error (context, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                            PP_PROTOCOL_ERROR_INTERNAL, "The daemon is shutting down");
  else
    ppd_http_respond_error (context, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                            PP_PROTOCOL_ERROR_INTERNAL,
                            "The room could not be read; see the daemon's log");
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
const char *
ppd_http_get_bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;

  value += 7;
  while (*value == ' ')
    value++;

  return *value != '\0' ? value : NULL;
}

/* The request body as a JSON object; an empty body is an empty object. */
JsonObject *
ppd_http_parse_body_object (PpdContext         *context,
                            SoupServerMessage  *msg,
                            GError            **error)
{
  const PpdConfig *config = ppd_context_get_config (context);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) root = NULL;
  gsize n_bytes;
  const char *data = g_bytes_get_data (bytes, &n_bytes);

  if (n_bytes == 0)
    return json_object_new ();

  root = pp_json_parse (data, n_bytes, config->limits.max_json_depth, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "The body must be a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}
