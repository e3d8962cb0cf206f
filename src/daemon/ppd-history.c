/* ppd-history.c: a room's past over REST: authorship, checkpoints, restore, download.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-history"

#include "config.h"

#include <string.h>

#include "ppd-history.h"
#include "ppd-http-responses.h"

/* Reading the past needs what reading the room needs (ppd-http-routes.c
 * checked it); writing to it, a checkpoint or a restore, needs an editor's
 * role, and a restore an unlocked room too. A restore is an ordinary new op
 * that makes the text what it was: nothing of the history is lost, and every
 * session sees it arrive like anyone's edit. */

#define MAX_CHECKPOINT_NAME_CHARS 100

typedef struct
{
  PpdContext        *context;
  SoupServerMessage *msg;
  PpdRoom           *room;
  gint64             version;
} Call;

static void
call_free (Call *call)
{
  g_object_unref (call->context);
  g_object_unref (call->msg);
  g_object_unref (call->room);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static Call *
call_new (PpdContext        *context,
          SoupServerMessage *msg,
          PpdRoom           *room,
          gint64             version)
{
  Call *call = g_new0 (Call, 1);

  call->context = g_object_ref (context);
  call->msg = g_object_ref (msg);
  call->room = g_object_ref (room);
  call->version = version;

  return call;
}

static void
answer_json (SoupServerMessage *msg,
             guint              status,
             JsonBuilder       *builder)
{
  g_autoptr(JsonNode) node = json_builder_get_root (builder);

  ppd_http_respond_json (msg, status, node);
  soup_server_message_unpause (msg);
}

static void
answer_error (Call         *call,
              const GError *error)
{
  ppd_http_respond_room_error (call->context, call->msg, error);
  soup_server_message_unpause (call->msg);
}

/* GET blame */

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
on_blame (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdBlameRecord) record = ppd_store_get_blame_finish (PPD_STORE (source), result,
                                                                 &error);
  g_autoptr(JsonBuilder) builder = NULL;
  const PpBlameSpan *spans;
  guint n_spans;

  if (record == NULL)
    {
      answer_error (call, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, record->version);
  json_builder_set_member_name (builder, "spans");
  json_builder_begin_array (builder);
  spans = pp_blame_get_spans (record->blame, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    {
      const PpdAuthor *author = spans[i].author != PP_BLAME_NOBODY
        ? g_ptr_array_index (record->authors, spans[i].author) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "length");
      json_builder_add_int_value (builder, spans[i].length);
      add_nullable_string (builder, "client", author ? author->client : NULL);
      add_nullable_string (builder, "name", author ? author->name : NULL);
      add_nullable_string (builder, "color",
                           author ? ppd_room_get_client_color (call->room, author->client) : NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  answer_json (call->msg, SOUP_STATUS_OK, builder);
}

/* Checkpoints */

static void
add_checkpoint_members (JsonBuilder         *builder,
                        const PpdCheckpoint *checkpoint)
{
  g_autofree char *created = ppd_http_format_time (checkpoint->created_at);

  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, checkpoint->version);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, checkpoint->name);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created);
}

static void
on_checkpoints_listed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = ppd_store_list_checkpoints_finish (PPD_STORE (source), result,
                                                                 &error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (list == NULL)
    {
      answer_error (call, error);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "checkpoints");
  json_builder_begin_array (builder);
  for (guint i = 0; i < list->len; i++)
    {
      json_builder_begin_object (builder);
      add_checkpoint_members (builder, g_ptr_array_index (list, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  answer_json (call->msg, SOUP_STATUS_OK, builder);
}

typedef struct
{
  Call          *call;
  PpdCheckpoint  checkpoint;
} Added;

static void
on_checkpoint_added (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Added *added = data;
  g_autoptr(Call) call = added->call;
  g_autofree char *name = added->checkpoint.name;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!ppd_store_add_checkpoint_finish (PPD_STORE (source), result, &error))
    answer_error (call, error);
  else
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      add_checkpoint_members (builder, &added->checkpoint);
      json_builder_end_object (builder);
      answer_json (call->msg, SOUP_STATUS_CREATED, builder);
    }
  g_free (added);
}

/* Restore */

static void
on_restored (PpdRoom    *room,
             gint64      version,
             const char *text,
             gpointer    data)
{
  Call *call = data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, version);
  json_builder_set_member_name (builder, "restored");
  json_builder_add_int_value (builder, call->version);
  json_builder_end_object (builder);

  answer_json (call->msg, SOUP_STATUS_OK, builder);
}

static void
on_text_to_restore (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ppd_store_get_text_finish (PPD_STORE (source), result, &error);
  g_autofree char *name = NULL;
  PpdRoom *room = call->room;

  if (text == NULL)
    {
      answer_error (call, error);
      return;
    }

  name = g_strdup_printf ("Restored version %" G_GINT64_FORMAT, call->version);
  if (ppd_room_replace_text (call->room, text, name, &error) < 0)
    {
      ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL, error->message);
      soup_server_message_unpause (call->msg);
      return;
    }

  g_info ("Room %s: restored version %" G_GINT64_FORMAT, ppd_room_get_id (call->room),
          call->version);
  /* Answered once the restoring op is stored, with its version. */
  ppd_room_read (room, on_restored, g_steal_pointer (&call), (GDestroyNotify) call_free);
}

/* Download */

/* A file name for the room: its title, or its id, with what could trouble
 * a file system or a header left out. */
static char *
dup_file_name (PpdRoom *room)
{
  g_autoptr(GString) name = g_string_new (NULL);

  for (const char *p = ppd_room_get_title (room); *p != '\0' && name->len < 64; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        g_string_append_c (name, *p);
      else if (*p == ' ' && name->len > 0 && name->str[name->len - 1] != '-')
        g_string_append_c (name, '-');
    }
  while (name->len > 0 && (name->str[0] == '.' || name->str[0] == '-'))
    g_string_erase (name, 0, 1);
  if (name->len == 0)
    g_string_assign (name, ppd_room_get_id (room));

  g_string_append (name, pp_language_get_extension (ppd_room_get_language (room)));
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static void
on_text_to_download (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  char *text = ppd_store_get_text_finish (PPD_STORE (source), result, &error);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (call->msg);
  g_autofree char *file_name = NULL;
  g_autofree char *disposition = NULL;

  if (text == NULL)
    {
      answer_error (call, error);
      return;
    }

  file_name = dup_file_name (call->room);
  disposition = g_strdup_printf ("attachment; filename=\"%s\"", file_name);
  soup_server_message_set_status (call->msg, SOUP_STATUS_OK, NULL);
  ppd_static_add_security_headers (call->msg);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_response (call->msg, "text/plain; charset=utf-8", SOUP_MEMORY_TAKE,
                                    text, strlen (text));
  soup_server_message_unpause (call->msg);
}

/* Requests */

/* Whether the request's token (or the room link alone) makes an editor, of
 * an unlocked room unless @even_locked; answers 403 when not. */
static gboolean
check_editor (Call     *call,
              gboolean  even_locked)
{
  const PpdAccess *access = ppd_room_get_access (call->room);
  PpRole role = PP_ROLE_VIEWER;

  ppd_access_get_token_role (access, ppd_http_get_bearer_token (call->msg), &role);
  if (role != PP_ROLE_VIEWER && (even_locked || !access->locked))
    return TRUE;

  ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_FORBIDDEN,
                          PP_PROTOCOL_ERROR_FORBIDDEN,
                          role == PP_ROLE_VIEWER ? "Only people who may edit the room can do this"
                                                 : "The room is locked: nobody can change it");
  soup_server_message_unpause (call->msg);
  return FALSE;
}

/* The body's member @name, checked; NULL after answering with the error. */
static JsonNode *
body_member (Call       *call,
             const char *name,
             GType       type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) body = ppd_http_parse_body_object (call->context, call->msg, &error);
  JsonNode *node = body ? json_object_get_member (body, name) : NULL;

  if (body != NULL && (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
                       json_node_get_value_type (node) != type))
    g_set_error (&error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                 "The body needs “%s”, %s", name,
                 type == G_TYPE_STRING ? "a string" : "a whole number");
  if (error != NULL)
    {
      ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_BAD_REQUEST, error->code,
                              error->message);
      soup_server_message_unpause (call->msg);
      return NULL;
    }

  return json_node_copy (node);
}

static void
add_checkpoint (Call *call)
{
  g_autoptr(JsonNode) node = body_member (call, "name", G_TYPE_STRING);
  const char *name;
  glong n_chars;
  Added *added;

  if (node == NULL)
    {
      call_free (call);
      return;
    }

  name = json_node_get_string (node);
  n_chars = g_utf8_strlen (name, -1);
  if (!pp_utf8_validate_unicode (name, -1, NULL) || n_chars < 1 ||
      n_chars > MAX_CHECKPOINT_NAME_CHARS)
    {
      ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_BAD_REQUEST,
                              PP_PROTOCOL_ERROR_BAD_MESSAGE,
                              "A checkpoint's name is 1 to 100 characters of valid Unicode");
      soup_server_message_unpause (call->msg);
      call_free (call);
      return;
    }

  added = g_new0 (Added, 1);
  added->checkpoint.version = ppd_room_get_version (call->room);
  added->checkpoint.name = g_strdup (name);
  added->checkpoint.created_at = g_get_real_time ();
  ppd_store_add_checkpoint_async (ppd_context_get_store (call->context),
                                  ppd_room_get_id (call->room), &added->checkpoint, NULL,
                                  on_checkpoint_added, added);
  added->call = call;
}

static void
restore (Call *call)
{
  g_autoptr(JsonNode) node = body_member (call, "v", G_TYPE_INT64);

  if (node == NULL)
    {
      call_free (call);
      return;
    }

  call->version = json_node_get_int (node);
  if (call->version < 0 || call->version > ppd_room_get_version (call->room))
    {
      g_autofree char *message = g_strdup_printf ("v must be a version of the room, 0 to %"
                                                  G_GINT64_FORMAT,
                                                  ppd_room_get_version (call->room));

      ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_BAD_REQUEST,
                              PP_PROTOCOL_ERROR_BAD_VERSION, message);
      soup_server_message_unpause (call->msg);
      call_free (call);
      return;
    }

  ppd_store_get_text_async (ppd_context_get_store (call->context), ppd_room_get_id (call->room),
                            call->version, NULL, on_text_to_restore, call);
}

/* @msg is paused and its room readable by the request; @version, checked by
 * the caller, is what the GETs read. Answers and unpauses here or later. */
void
ppd_history_handle (PpdContext         *context,
                    SoupServerMessage  *msg,
                    PpdRoom            *room,
                    PpdHistoryAction    action,
                    gint64              version)
{
  Call *call = call_new (context, msg, room, version);
  PpdStore *store = ppd_context_get_store (context);
  const char *id = ppd_room_get_id (room);

  switch (action)
    {
    case PPD_HISTORY_BLAME:
      ppd_store_get_blame_async (store, id, version, NULL, on_blame, call);
      break;

    case PPD_HISTORY_LIST_CHECKPOINTS:
      ppd_store_list_checkpoints_async (store, id, NULL, on_checkpoints_listed, call);
      break;

    case PPD_HISTORY_ADD_CHECKPOINT:
      if (check_editor (call, TRUE))
        add_checkpoint (call);
      else
        call_free (call);
      break;

    case PPD_HISTORY_RESTORE:
      if (check_editor (call, FALSE))
        restore (call);
      else
        call_free (call);
      break;

    case PPD_HISTORY_DOWNLOAD:
      ppd_store_get_text_async (store, id, version, NULL, on_text_to_download, call);
      break;

    default:
      g_assert_not_reached ();
    }
}
