/* ppd-http-routes.c: the REST API and the room WebSocket endpoint.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-http-routes"

#include "config.h"

#include <string.h>

#include "ppd-auth-routes.h"
#include "ppd-http-responses.h"
#include "ppd-completion.h"
#include "ppd-history.h"
#include "ppd-http-routes.h"
#include "ppd-identity.h"
#include "ppd-peer.h"
#include "ppd-room-admin.h"

/* Handlers never block: whatever needs the store or a room that is still
 * loading pauses the message, holds a reference to it, and answers from the
 * async callback. */

#define ROOMS_PREFIX "/api/v1/rooms"
#define DEFAULT_OPS_LIMIT 1000
#define MAX_OPS_LIMIT 10000

typedef enum
{
  ROUTE_ROOM,
  ROUTE_OPS,
  ROUTE_TEXT,
  ROUTE_WS,
  ROUTE_ACCESS,
  ROUTE_LINK,
  ROUTE_BLAME,
  ROUTE_CHECKPOINTS,
  ROUTE_RESTORE,
  ROUTE_DOWNLOAD,
  ROUTE_COMPLETE,
} Route;

typedef struct
{
  PpdContext        *context;
  SoupServerMessage *msg;
  GHashTable        *query;
  Route              route;
  PpLinkKind         link;
  PpdRoom           *room;
} Request;

static void
request_free (Request *r)
{
  g_object_unref (r->context);
  g_object_unref (r->msg);
  g_clear_pointer (&r->query, g_hash_table_unref);
  g_clear_object (&r->room);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Request *
request_new (PpdContext        *context,
             SoupServerMessage *msg,
             GHashTable        *query,
             Route              route)
{
  Request *r = g_new0 (Request, 1);

  r->context = g_object_ref (context);
  r->msg = g_object_ref (msg);
  r->query = query ? g_hash_table_ref (query) : NULL;
  r->route = route;
  /* A status must be set before returning: otherwise libsoup hands the
   * message to the WebSocket handler registered on the same prefix, which
   * answers 400. The real status replaces it before the unpause. */
  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_pause (msg);

  return r;
}

/* Strict, bounded, non-negative integer from the query string. */
static gboolean
query_int (GHashTable  *query,
           const char  *name,
           gint64       fallback,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  const char *value = query ? g_hash_table_lookup (query, name) : NULL;
  guint64 n;

  if (value == NULL)
    {
      *out = fallback;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (value, 10, 0, max, &n, NULL))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "“%s” must be a whole number from 0 to %" G_GINT64_FORMAT, name, max);
      return FALSE;
    }

  *out = n;
  return TRUE;
}

/* POST /api/v1/rooms */

static void
on_room_created (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *created_at = NULL;
  g_autoptr(PpdCreatedRoom) created = NULL;

  created = ppd_room_registry_create_room_finish (PPD_ROOM_REGISTRY (source), result, &error);
  if (created == NULL)
    {
      g_warning ("Cannot create a room: %s", error->message);
      ppd_http_respond_error (r->context, r->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL, "The room could not be stored; try again");
      soup_server_message_unpause (r->msg);
      return;
    }

  created_at = ppd_http_format_time (created->info.created_at);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, created->info.id);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, created->info.language);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, created->info.title);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created_at);
  /* Shown this once: the daemon keeps only its hash. */
  json_builder_set_member_name (builder, "owner_key");
  json_builder_add_string_value (builder, created->owner_key);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  g_info ("Created room %s", created->info.id);
  soup_message_headers_replace (soup_server_message_get_response_headers (r->msg), "Location",
                                created->info.id);
  ppd_http_respond_json (r->msg, SOUP_STATUS_CREATED, node);
  soup_server_message_unpause (r->msg);
}

/* An optional string member: absent → @fallback; wrong type or length → error. */
static gboolean
body_string (JsonObject  *object,
             const char  *name,
             const char  *fallback,
             gsize        min_chars,
             gsize        max_chars,
             const char **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;
  glong n_chars;

  if (node == NULL)
    {
      *out = fallback;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "“%s” must be a string", name);
      return FALSE;
    }

  value = json_node_get_string (node);
  if (!pp_utf8_validate_unicode (value, -1, NULL))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "“%s” is not valid Unicode", name);
      return FALSE;
    }

  n_chars = g_utf8_strlen (value, -1);
  if ((gsize) n_chars < min_chars || (gsize) n_chars > max_chars)
    {
      g_set_error (error, PP_PROTOCOL_ERROR,
                   g_str_equal (name, "text") ? PP_PROTOCOL_ERROR_TOO_LARGE
                                              : PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "“%s” must be %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT " characters long",
                   name, min_chars, max_chars);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

/* TRUE when @msg was answered here; FALSE when the answer comes later. */
static gboolean
create_room (PpdContext        *context,
             SoupServerMessage *msg)
{
  const PpdConfig *config = ppd_context_get_config (context);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree char *address = ppd_http_dup_client_address (context, msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  const char *language = "plaintext";
  const char *title = "";
  const char *text = "";
  gsize n_bytes;
  const char *data;

  if (address != NULL &&
      !ppd_address_limits_take_room_creation (ppd_context_get_address_limits (context), address))
    {
      ppd_http_respond_error (context, msg, 429 /* Too Many Requests */, PP_PROTOCOL_ERROR_RATE_LIMITED,
                     "Too many rooms created from your address: try again in a minute");
      return TRUE;
    }

  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &n_bytes);
  if (n_bytes > 0)
    {
      JsonObject *object;

      root = pp_json_parse (data, n_bytes, config->limits.max_json_depth, &error);
      if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
        g_set_error_literal (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                             "The body must be a JSON object");

      if (error == NULL)
        {
          object = json_node_get_object (root);
          if (body_string (object, "language", language, 1, config->limits.max_language_chars,
                           &language, &error) &&
              body_string (object, "title", title, 0, config->limits.max_title_chars,
                           &title, &error))
            body_string (object, "text", text, 0, config->max_document_chars, &text, &error);
        }

      if (error != NULL)
        {
          gboolean too_large = g_error_matches (error, PP_PROTOCOL_ERROR,
                                                PP_PROTOCOL_ERROR_TOO_LARGE);

          ppd_http_respond_error (context, msg,
                         too_large ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST,
                         too_large ? PP_PROTOCOL_ERROR_TOO_LARGE : PP_PROTOCOL_ERROR_BAD_MESSAGE,
                         error->message);
          return TRUE;
        }
    }

  ppd_room_registry_create_room_async (ppd_context_get_registry (context), language, title, text,
                                       NULL, on_room_created,
                                       request_new (context, msg, NULL, ROUTE_ROOM));
  return FALSE;
}

/* With --room-creation accounts, only the signed-in create rooms. */
static void
on_creator_identified (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = ppd_identity_lookup_finish (PPD_CONTEXT (source), result, &error);

  if (error != NULL)
    {
      g_warning ("Cannot tell who creates a room: %s", error->message);
      ppd_http_respond_error (r->context, r->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL, "Sign-ins cannot be checked right now; "
                              "try again later");
    }
  else if (name == NULL)
    ppd_http_respond_error (r->context, r->msg, SOUP_STATUS_UNAUTHORIZED,
                            PP_PROTOCOL_ERROR_FORBIDDEN, "Sign in to create rooms");
  else if (!create_room (r->context, r->msg))
    return;   /* on_room_created() answers */

  soup_server_message_unpause (r->msg);
}

/* GET /api/v1/rooms/{id} */

static void
on_room_read (PpdRoom    *room,
              gint64      version,
              const char *text,
              gpointer    data)
{
  Request *r = data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *created = ppd_http_format_time (ppd_room_get_created_at (room));
  g_autofree char *updated = ppd_http_format_time (ppd_room_get_updated_at (room));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, ppd_room_get_id (room));
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, ppd_room_get_language (room));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, ppd_room_get_title (room));
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_string_value (builder, updated);
  json_builder_set_member_name (builder, "users");
  json_builder_add_int_value (builder, ppd_room_get_n_users (room));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (r->msg);
}

/* GET /api/v1/rooms/{id}/ops */

static void
on_ops_read (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = ppd_store_get_ops_finish (PPD_STORE (source), result, &error);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *ops;
  JsonObject *object;

  if (entries == NULL)
    {
      ppd_http_respond_room_error (r->context, r->msg, error);
      soup_server_message_unpause (r->msg);
      return;
    }

  ops = json_array_sized_new (entries->len);
  for (guint i = 0; i < entries->len; i++)
    json_array_add_element (ops, pp_log_entry_to_json (g_ptr_array_index (entries, i), FALSE));

  object = json_object_new ();
  json_object_set_array_member (object, "ops", ops);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);

  ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (r->msg);
}

/* GET /api/v1/rooms/{id}/text */

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ppd_store_get_text_finish (PPD_STORE (source), result, &error);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 version;

  if (text == NULL)
    {
      ppd_http_respond_room_error (r->context, r->msg, error);
      soup_server_message_unpause (r->msg);
      return;
    }

  version = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (r->msg), "pp-version"));
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "text");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (r->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (r->msg);
}

/* Whoever may join the room may read it over REST too. */
static gboolean
may_read (PpdRoom           *room,
          SoupServerMessage *msg)
{
  PpRole role;

  return ppd_access_get_token_role (ppd_room_get_access (room), ppd_http_get_bearer_token (msg),
                                    &role);
}

/* The query's "v": a version of the room, the newest when absent. */
static gboolean
query_version (Request  *r,
               gint64   *version,
               GError  **error)
{
  gint64 newest = ppd_room_get_version (r->room);

  if (!query_int (r->query, "v", newest, G_MAXINT64, version, error))
    return FALSE;
  if (*version > newest)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_VERSION,
                   "v %" G_GINT64_FORMAT " is newer than the room (version %" G_GINT64_FORMAT ")",
                   *version, newest);
      return FALSE;
    }

  return TRUE;
}

static PpdHistoryAction
history_action (Request *r)
{
  gboolean post = g_str_equal (soup_server_message_get_method (r->msg), SOUP_METHOD_POST);

  switch (r->route)
    {
    case ROUTE_BLAME:
      return PPD_HISTORY_BLAME;
    case ROUTE_CHECKPOINTS:
      return post ? PPD_HISTORY_ADD_CHECKPOINT : PPD_HISTORY_LIST_CHECKPOINTS;
    case ROUTE_RESTORE:
      return PPD_HISTORY_RESTORE;
    case ROUTE_DOWNLOAD:
    default:
      return PPD_HISTORY_DOWNLOAD;
    }
}

/* Only the routes and methods rooms_handler() let through get here. */
static PpdRoomAdminAction
admin_action (Request *r)
{
  const char *method = soup_server_message_get_method (r->msg);

  switch (r->route)
    {
    case ROUTE_ACCESS:
      return g_str_equal (method, "PATCH") ? PPD_ROOM_ADMIN_SET_ACCESS
                                           : PPD_ROOM_ADMIN_GET_ACCESS;
    case ROUTE_LINK:
      return g_str_equal (method, SOUP_METHOD_POST) ? PPD_ROOM_ADMIN_NEW_LINK
                                                    : PPD_ROOM_ADMIN_REVOKE_LINK;
    case ROUTE_ROOM:
    case ROUTE_OPS:
    case ROUTE_TEXT:
    case ROUTE_WS:
    case ROUTE_BLAME:
    case ROUTE_CHECKPOINTS:
    case ROUTE_RESTORE:
    case ROUTE_DOWNLOAD:
    case ROUTE_COMPLETE:
    default:
      return PPD_ROOM_ADMIN_DELETE_ROOM;
    }
}

static void
on_room_for_request (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  PpdStore *store = ppd_context_get_store (r->context);
  PpdRoom *room;
  gint64 since, limit, version;

  r->room = ppd_room_registry_get_room_finish (PPD_ROOM_REGISTRY (source), result, &error);
  if (r->room == NULL)
    {
      ppd_http_respond_room_error (r->context, r->msg, error);
      soup_server_message_unpause (r->msg);
      return;
    }
  /* Borrowed from the request, which the async calls below take over. */
  room = r->room;

  if (r->route == ROUTE_ACCESS || r->route == ROUTE_LINK ||
      g_str_equal (soup_server_message_get_method (r->msg), SOUP_METHOD_DELETE))
    {
      ppd_room_admin_handle (r->context, r->msg, room, admin_action (r), r->link);
      return;
    }

  if (!may_read (room, r->msg))
    {
      ppd_http_respond_error (r->context, r->msg,
                              ppd_http_get_bearer_token (r->msg) ? SOUP_STATUS_FORBIDDEN
                                                                 : SOUP_STATUS_UNAUTHORIZED,
                              PP_PROTOCOL_ERROR_FORBIDDEN,
                              "This room is private: send a share link's token as "
                              "“Authorization: Bearer TOKEN”");
      soup_server_message_unpause (r->msg);
      return;
    }

  switch (r->route)
    {
    case ROUTE_ROOM:
      ppd_room_read (room, on_room_read, g_steal_pointer (&r), (GDestroyNotify) request_free);
      return;

    case ROUTE_OPS:
      if (!query_int (r->query, "since", 0, G_MAXINT64, &since, &error) ||
          !query_int (r->query, "limit", DEFAULT_OPS_LIMIT, MAX_OPS_LIMIT, &limit, &error))
        break;
      if (since > ppd_room_get_version (r->room))
        {
          g_set_error (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_VERSION,
                       "since %" G_GINT64_FORMAT " is newer than the room (version %"
                       G_GINT64_FORMAT ")", since, ppd_room_get_version (r->room));
          break;
        }
      ppd_store_get_ops_async (store, ppd_room_get_id (room), since, limit,
                               NULL, on_ops_read, g_steal_pointer (&r));
      return;

    case ROUTE_TEXT:
      if (!query_version (r, &version, &error))
        break;
      g_object_set_data (G_OBJECT (r->msg), "pp-version", GSIZE_TO_POINTER (version));
      ppd_store_get_text_async (store, ppd_room_get_id (room), version, NULL, on_text_read,
                                g_steal_pointer (&r));
      return;

    case ROUTE_BLAME:
    case ROUTE_CHECKPOINTS:
    case ROUTE_RESTORE:
    case ROUTE_DOWNLOAD:
      if (!query_version (r, &version, &error))
        break;
      ppd_history_handle (r->context, r->msg, room, history_action (r), version);
      return;

    case ROUTE_COMPLETE:
      ppd_completion_handle (r->context, r->msg, room);
      return;

    case ROUTE_WS:
    case ROUTE_ACCESS:
    case ROUTE_LINK:
    default:
      g_assert_not_reached ();
    }

  ppd_http_respond_error (r->context, r->msg, SOUP_STATUS_BAD_REQUEST, error->code, error->message);
  soup_server_message_unpause (r->msg);
}

/* Splits /api/v1/rooms/{id}[/ops|/text|/ws|/access|/links/{edit|view}|/blame|
 * /checkpoints|/restore|/download|/complete]; FALSE when it is none of those. */
static gboolean
parse_room_path (const char  *path,
                 char       **id,
                 Route       *route,
                 PpLinkKind  *link)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (!g_str_has_prefix (path, ROOMS_PREFIX "/"))
    return FALSE;

  parts = g_strsplit (path + strlen (ROOMS_PREFIX "/"), "/", 4);
  n = g_strv_length (parts);
  if (n == 0 || n > 3 || !ppd_room_id_is_valid (parts[0]))
    return FALSE;

  if (n == 1)
    *route = ROUTE_ROOM;
  else if (n == 2 && g_str_equal (parts[1], "ops"))
    *route = ROUTE_OPS;
  else if (n == 2 && g_str_equal (parts[1], "text"))
    *route = ROUTE_TEXT;
  else if (n == 2 && g_str_equal (parts[1], "ws"))
    *route = ROUTE_WS;
  else if (n == 2 && g_str_equal (parts[1], "access"))
    *route = ROUTE_ACCESS;
  else if (n == 2 && g_str_equal (parts[1], "blame"))
    *route = ROUTE_BLAME;
  else if (n == 2 && g_str_equal (parts[1], "checkpoints"))
    *route = ROUTE_CHECKPOINTS;
  else if (n == 2 && g_str_equal (parts[1], "restore"))
    *route = ROUTE_RESTORE;
  else if (n == 2 && g_str_equal (parts[1], "download"))
    *route = ROUTE_DOWNLOAD;
  else if (n == 2 && g_str_equal (parts[1], "complete"))
    *route = ROUTE_COMPLETE;
  else if (n == 3 && g_str_equal (parts[1], "links") && pp_link_kind_from_string (parts[2], link))
    *route = ROUTE_LINK;
  else
    return FALSE;

  *id = g_strdup (parts[0]);
  return TRUE;
}

/* Which methods each room resource answers. */
static gboolean
method_allowed (Route       route,
                const char *method)
{
  gboolean read = g_str_equal (method, SOUP_METHOD_GET) || g_str_equal (method, SOUP_METHOD_HEAD);

  switch (route)
    {
    case ROUTE_ROOM:
      return read || g_str_equal (method, SOUP_METHOD_DELETE);
    case ROUTE_ACCESS:
      return read || g_str_equal (method, "PATCH");
    case ROUTE_LINK:
      return g_str_equal (method, SOUP_METHOD_POST) || g_str_equal (method, SOUP_METHOD_DELETE);
    case ROUTE_CHECKPOINTS:
      return read || g_str_equal (method, SOUP_METHOD_POST);
    case ROUTE_RESTORE:
    case ROUTE_COMPLETE:
      return g_str_equal (method, SOUP_METHOD_POST);
    case ROUTE_BLAME:
    case ROUTE_DOWNLOAD:
    case ROUTE_OPS:
    case ROUTE_TEXT:
    case ROUTE_WS:
    default:
      return read;
    }
}

static gboolean
is_websocket_upgrade (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

static void accept_websocket (PpdContext        *context,
                              SoupServerMessage *msg);

static void
rooms_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           data)
{
  PpdContext *context = data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *id = NULL;
  PpLinkKind link = PP_LINK_EDIT;
  Request *r;
  Route route;

  if (ppd_context_is_stopping (context))
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, PP_PROTOCOL_ERROR_INTERNAL,
                     "The daemon is shutting down");
      return;
    }

  if (!ppd_http_check_origin (context, msg) || !ppd_identity_check_request (context, msg))
    return;

  if (g_str_equal (path, ROOMS_PREFIX) || g_str_equal (path, ROOMS_PREFIX "/"))
    {
      const PpdConfig *config = ppd_context_get_config (context);

      if (g_str_equal (method, SOUP_METHOD_POST) &&
          config->room_creation_mode == PPD_ROOM_CREATION_ACCOUNTS)
        ppd_identity_lookup_async (context, msg, NULL, on_creator_identified,
                                   request_new (context, msg, NULL, ROUTE_ROOM));
      else if (g_str_equal (method, SOUP_METHOD_POST))
        create_room (context, msg);
      else
        ppd_http_respond_error (context, msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                       PP_PROTOCOL_ERROR_BAD_MESSAGE, "Use POST to create a room");
      return;
    }

  if (!parse_room_path (path, &id, &route, &link))
    {
      /* A WebSocket to a room id that cannot exist is an unknown room like
       * any other: on_upgraded() answers not_found and 4404, which a
       * browser can see, unlike the status of a refused handshake. */
      if (is_websocket_upgrade (msg) && g_str_has_suffix (path, "/ws"))
        accept_websocket (context, msg);
      else
        ppd_http_respond_error (context, msg, SOUP_STATUS_NOT_FOUND, PP_PROTOCOL_ERROR_NOT_FOUND,
                       "No such resource");
      return;
    }

  if (route == ROUTE_WS)
    {
      if (is_websocket_upgrade (msg))
        accept_websocket (context, msg);
      else
        ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                       "This endpoint speaks WebSocket only");
      return;
    }

  if (!method_allowed (route, method))
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                              PP_PROTOCOL_ERROR_BAD_MESSAGE, "This method is not allowed here");
      return;
    }

  r = request_new (context, msg, query, route);
  r->link = link;
  ppd_room_registry_get_room_async (ppd_context_get_registry (context), id, NULL,
                                    on_room_for_request, r);
}

/* WebSocket: /api/v1/rooms/{id}/ws */

typedef struct
{
  PpdContext *context;
  PpdPeer    *peer;
  char       *room;
} Join;

static void
join_free (Join *join)
{
  g_object_unref (join->context);
  g_object_unref (join->peer);
  g_free (join->room);
  g_free (join);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Join, join_free)

static void
on_room_for_peer (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(Join) join = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdRoom) room = ppd_room_registry_get_room_finish (PPD_ROOM_REGISTRY (source),
                                                               result, &error);

  if (room == NULL)
    {
      if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
        ppd_peer_fail (join->peer, PP_PROTOCOL_ERROR_NOT_FOUND, "No such room",
                       PPD_CLOSE_NOT_FOUND);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
        ppd_peer_close (join->peer, PPD_CLOSE_GOING_AWAY, "server shutting down");
      else
        ppd_peer_fail (join->peer, PP_PROTOCOL_ERROR_INTERNAL,
                       "The room could not be loaded; try again later", PPD_CLOSE_GOING_AWAY);
    }
  else if (ppd_peer_is_open (join->peer))
    ppd_room_add_peer (room, join->peer);
}

/* Who the handshake says the peer is comes first: the room sees its hello
 * with the account name already attached. */
static void
on_peer_identified (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(Join) join = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = ppd_identity_lookup_finish (PPD_CONTEXT (source), result, &error);

  if (error != NULL)
    {
      g_warning ("Cannot tell who joins room %s: %s", join->room, error->message);
      ppd_peer_fail (join->peer, PP_PROTOCOL_ERROR_INTERNAL,
                     "Sign-ins cannot be checked right now; try again later",
                     PPD_CLOSE_GOING_AWAY);
      return;
    }

  if (!ppd_peer_is_open (join->peer))
    return;

  ppd_peer_set_account_name (join->peer, name);
  ppd_room_registry_get_room_async (ppd_context_get_registry (join->context), join->room, NULL,
                                    on_room_for_peer, join);
  join = NULL;   /* on_room_for_peer() has it */
}

typedef struct
{
  PpdContext *context;
  char       *address;
} Held;

static void
held_free (gpointer  data,
           GClosure *closure)
{
  Held *held = data;

  g_object_unref (held->context);
  g_free (held->address);
  g_free (held);
}

static void
on_held_peer_closed (PpdPeer *peer,
                     Held    *held)
{
  ppd_address_limits_release_connection (ppd_context_get_address_limits (held->context),
                                         held->address);
}

/* Counts @peer against @address's connections until it closes; one over
 * the limit is refused with rate_limited and 4429. Takes @address. */
static void
hold_connection (PpdContext *context,
                 PpdPeer    *peer,
                 char       *address)
{
  Held *held;

  if (!ppd_peer_is_open (peer) || address == NULL)
    {
      g_free (address);
      return;
    }

  held = g_new0 (Held, 1);
  held->address = address;
  if (!ppd_address_limits_take_connection (ppd_context_get_address_limits (context),
                                           held->address))
    {
      ppd_peer_fail (peer, PP_PROTOCOL_ERROR_RATE_LIMITED,
                     "Too many connections from your address", PPD_CLOSE_RATE_LIMITED);
      g_free (held->address);
      g_free (held);
      return;
    }

  held->context = g_object_ref (context);
  g_signal_connect_data (peer, "closed", G_CALLBACK (on_held_peer_closed), held, held_free, 0);
}

/* libsoup has written the 101 answer: the connection is ours from here. */
static void
on_upgraded (SoupServerMessage *msg,
             PpdContext        *context)
{
  g_autofree char *path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  g_autoptr(GSocket) socket = g_object_ref (soup_server_message_get_socket (msg));
  char *address = ppd_http_dup_client_address (context, msg);
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  g_autoptr(Join) join = NULL;
  PpLinkKind link;
  Route route;

  if (stream == NULL)
    {
      g_free (address);
      return;
    }

  join = g_new0 (Join, 1);
  join->context = g_object_ref (context);
  join->peer = ppd_peer_new (stream, socket, ppd_context_get_config (context),
                             ppd_context_get_metrics (context), ppd_context_get_poller (context));
  hold_connection (context, join->peer, address);

  if (!parse_room_path (path, &join->room, &route, &link) || route != ROUTE_WS)
    {
      ppd_peer_fail (join->peer, PP_PROTOCOL_ERROR_NOT_FOUND, "No such room", PPD_CLOSE_NOT_FOUND);
      return;
    }

  /* The handshake's headers are read before this returns. */
  ppd_identity_lookup_async (context, msg, NULL, on_peer_identified, g_steal_pointer (&join));
}

/* Answers the handshake (no extension: permessage-deflate would inflate a
 * frame without bound before any limit of ours saw it), then takes the
 * connection over once the answer is written. Browsers drop a connection
 * whose offered subprotocol is not echoed; clients that offer none are
 * accepted too. */
static void
accept_websocket (PpdContext        *context,
                  SoupServerMessage *msg)
{
  char *protocols[] = { (char *) PP_PROTOCOL_SUBPROTOCOL, NULL };

  if (!soup_websocket_server_process_handshake (msg, NULL, protocols, NULL, NULL))
    return;

  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (on_upgraded), context, 0);
}

/* GET /healthz */

static void
on_health (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(Request) r = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  gboolean ok = ppd_store_ping_finish (PPD_STORE (source), result, &error);
  PpdClusterRooms *cluster = ppd_context_get_cluster (r->context);
  const PpdConfig *config = ppd_context_get_config (r->context);
  /* Without Redis a cluster daemon still serves: its rooms read the store. */
  gboolean degraded = cluster != NULL && !ppd_cluster_rooms_is_connected (cluster);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, !ok ? "unavailable" : degraded ? "degraded" : "ok");
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, ppd_store_get_provider_name (PPD_STORE (source)));
  if (cluster != NULL)
    {
      json_builder_set_member_name (builder, "node");
      json_builder_add_string_value (builder, config->node_name);
      json_builder_set_member_name (builder, "cluster");
      json_builder_add_string_value (builder, degraded ? "disconnected" : "connected");
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (r->msg, ok ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, node);
  soup_server_message_unpause (r->msg);
}

static void
healthz_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  PpdContext *context = data;

  if (!ppd_identity_check_request (context, msg))
    return;

  ppd_store_ping_async (ppd_context_get_store (context), NULL, on_health,
                        request_new (context, msg, NULL, ROUTE_ROOM));
}

static void
metrics_handler (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           data)
{
  PpdContext *context = data;
  PpdRoomRegistry *registry = ppd_context_get_registry (context);
  char *body;

  if (!ppd_identity_check_request (context, msg))
    return;

  body = ppd_metrics_render (ppd_context_get_metrics (context),
                             ppd_room_registry_get_n_rooms (registry),
                             ppd_room_registry_get_n_connections (registry),
                             ppd_store_is_available (ppd_context_get_store (context)));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8",
                                    SOUP_MEMORY_TAKE, body, strlen (body));
}

/* Everything outside the API is the browser client. */
static void
fallback_handler (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           data)
{
  PpdContext *context = data;

  /* A spoofed proxy header shows on every route, pages included. */
  if (!ppd_identity_check_request (context, msg))
    return;

  if (g_str_has_prefix (path, "/api/"))
    ppd_http_respond_error (context, msg, SOUP_STATUS_NOT_FOUND, PP_PROTOCOL_ERROR_NOT_FOUND,
                   "No such resource");
  else
    ppd_static_serve (ppd_context_get_web (context), msg, path);
}

/* A body larger than the largest document could ever need. */
static void
body_limit_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           data)
{
  PpdContext *context = data;
  const PpdConfig *config = ppd_context_get_config (context);

  ppd_http_refuse_large_body (context, msg, (goffset) config->max_document_chars * 4 + 64 * 1024,
                              "The request body is larger than any room can be");
}

void
ppd_http_routes_register (PpdContext *context)
{
  SoupServer *server = ppd_context_get_server (context);

  soup_server_add_early_handler (server, ROOMS_PREFIX, body_limit_handler, context, NULL);
  soup_server_add_handler (server, NULL, fallback_handler, context, NULL);
  soup_server_add_handler (server, ROOMS_PREFIX, rooms_handler, context, NULL);
  soup_server_add_handler (server, "/healthz", healthz_handler, context, NULL);
  soup_server_add_handler (server, "/metrics", metrics_handler, context, NULL);
  ppd_auth_routes_register (context);
}
