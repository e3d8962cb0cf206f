/* ppd-http-responses.c: JSON answers, and what the REST handlers read from a request.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-http-responses"

#include "config.h"

#include <string.h>

#include "ppd-accounts.h"
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
  else if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_COMPACTED))
    ppd_http_respond_error (context, msg, SOUP_STATUS_GONE, PP_PROTOCOL_ERROR_BAD_VERSION,
                            error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    ppd_http_respond_error (context, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                            PP_PROTOCOL_ERROR_INTERNAL, "The daemon is shutting down");
  else
    ppd_http_respond_error (context, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                            PP_PROTOCOL_ERROR_INTERNAL,
                            "The room could not be read; see the daemon's log");
}

static const char *
get_bearer (SoupServerMessage *msg)
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

/* The room token (owner key, share link) of "Authorization: Bearer TOKEN",
 * or NULL. The desktop app may send its account session the same way: a
 * session token is not a room token, and counts as none here. */
const char *
ppd_http_get_bearer_token (SoupServerMessage *msg)
{
  const char *token = get_bearer (msg);

  return ppd_accounts_is_session_token (token) ? NULL : token;
}

/* The account session token of "Authorization: Bearer TOKEN", or NULL. */
const char *
ppd_http_get_session_bearer (SoupServerMessage *msg)
{
  const char *token = get_bearer (msg);

  return ppd_accounts_is_session_token (token) ? token : NULL;
}

/* The value of the cookie @name, or NULL. */
char *
ppd_http_dup_cookie (SoupServerMessage *msg,
                     const char        *name)
{
  const char *header = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Cookie");
  g_auto(GStrv) pairs = NULL;
  gsize n_name = strlen (name);

  if (header == NULL)
    return NULL;

  /* Several Cookie headers come joined by ", ", which no cookie of ours holds. */
  pairs = g_strsplit_set (header, ";,", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *pair = g_strstrip (pairs[i]);

      if (strncmp (pair, name, n_name) == 0 && pair[n_name] == '=' && pair[n_name + 1] != '\0')
        return g_strdup (pair + n_name + 1);
    }

  return NULL;
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

/* Whether the request comes straight from one of --trusted-proxy. */
gboolean
ppd_http_is_from_trusted_proxy (PpdContext        *context,
                                SoupServerMessage *msg)
{
  const PpdConfig *config = ppd_context_get_config (context);
  const char *peer = soup_server_message_get_remote_host (msg);

  return peer != NULL && g_strv_contains ((const char * const *) config->trusted_proxies, peer);
}

/* Whom the per-address limits count: the peer's IP address, or, when that
 * is a trusted reverse proxy, the client the proxy names last in
 * X-Forwarded-For (earlier entries are the client's own word). */
char *
ppd_http_dup_client_address (PpdContext        *context,
                             SoupServerMessage *msg)
{
  const char *peer = soup_server_message_get_remote_host (msg);
  const char *forwarded;
  const char *last;
  g_autoptr(GInetAddress) inet = NULL;

  if (peer == NULL)
    return NULL;
  if (!ppd_http_is_from_trusted_proxy (context, msg))
    return g_strdup (peer);

  forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                             "X-Forwarded-For");
  if (forwarded == NULL)
    return g_strdup (peer);

  last = strrchr (forwarded, ',');
  last = last != NULL ? last + 1 : forwarded;
  while (*last == ' ')
    last++;
  inet = g_inet_address_new_from_string (last);

  return inet != NULL ? g_inet_address_to_string (inet) : g_strdup (peer);
}

/* Browsers say which page a request comes from (Origin); tools and the
 * desktop app send none and are judged by their token alone. A page of
 * another site may use the API and open rooms only when the operator
 * allowed its origin (--allowed-origin): no other site can act in its
 * visitors' name (cross-site WebSocket hijacking), nor read what the API
 * answers to them. */
typedef enum
{
  ORIGIN_NONE,
  ORIGIN_OWN,
  ORIGIN_ALLOWED,
  ORIGIN_FOREIGN,
} OriginKind;

/* The daemon's own pages come from the host the request was sent to: the
 * Origin's host and port are the Host header. The scheme is left out, so
 * that a daemon behind a TLS proxy recognizes its own pages too. */
static OriginKind
classify_origin (PpdContext         *context,
                 SoupServerMessage  *msg,
                 char              **normalized)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin = soup_message_headers_get_one (headers, "Origin");
  const char *host = soup_message_headers_get_one (headers, "Host");
  const GStrv allowed = ppd_context_get_config (context)->allowed_origins;
  const char *authority;

  *normalized = NULL;
  if (origin == NULL)
    return ORIGIN_NONE;

  *normalized = ppd_config_normalize_origin (origin);
  if (*normalized == NULL)
    return ORIGIN_FOREIGN;

  authority = strstr (*normalized, "://") + 3;
  if (host != NULL && g_ascii_strcasecmp (authority, host) == 0)
    return ORIGIN_OWN;

  return g_strv_contains ((const char * const *) allowed, *normalized) ? ORIGIN_ALLOWED
                                                                        : ORIGIN_FOREIGN;
}

/* FALSE when the request was answered: refused for its origin, or a CORS
 * preflight. Pages of allowed origins get the CORS headers. */
gboolean
ppd_http_check_origin (PpdContext        *context,
                       SoupServerMessage *msg)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  g_autofree char *origin = NULL;
  OriginKind kind = classify_origin (context, msg, &origin);

  if (kind == ORIGIN_FOREIGN)
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_FORBIDDEN, PP_PROTOCOL_ERROR_FORBIDDEN,
                     "Pages of this origin may not use this daemon");
      return FALSE;
    }

  if (kind == ORIGIN_ALLOWED)
    {
      soup_message_headers_replace (response, "Access-Control-Allow-Origin", origin);
      soup_message_headers_append (response, "Vary", "Origin");
    }

  if (g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_OPTIONS))
    {
      if (kind == ORIGIN_ALLOWED)
        {
          soup_message_headers_replace (response, "Access-Control-Allow-Methods",
                                        "GET, HEAD, POST, PATCH, DELETE, OPTIONS");
          soup_message_headers_replace (response, "Access-Control-Allow-Headers",
                                        "Content-Type, Authorization");
          soup_message_headers_replace (response, "Access-Control-Max-Age", "600");
        }
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
      return FALSE;
    }

  return TRUE;
}

/* For early handlers, once the headers are in: a body declared larger than
 * @max_bytes is refused before libsoup reads it into memory. */
void
ppd_http_refuse_large_body (PpdContext        *context,
                            SoupServerMessage *msg,
                            goffset            max_bytes,
                            const char        *message)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > max_bytes)
    ppd_http_respond_error (context, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                            PP_PROTOCOL_ERROR_TOO_LARGE, message);
}
