/* ppd-room-admin.c: what a room's owner does over REST: access, share links, lock, delete.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-room-admin"

#include "config.h"

#include "ppd-http-responses.h"
#include "ppd-room-admin.h"

/* Every request carries the owner key as a bearer token. A change takes
 * effect in the room at once (a revoked link's holders are out before the
 * answer), and is answered once the store has it. */

typedef struct
{
  PpdContext        *context;
  SoupServerMessage *msg;
  PpdRoom           *room;
  char              *owner_key;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->context);
  g_object_unref (change->msg);
  g_object_unref (change->room);
  g_free (change->owner_key);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void
respond_access (SoupServerMessage *msg,
                PpdRoom           *room,
                const char        *owner_key)
{
  g_autoptr(JsonNode) node = ppd_access_to_json (ppd_room_get_access (room), owner_key,
                                                 ppd_room_get_id (room));

  ppd_http_respond_json (msg, SOUP_STATUS_OK, node);
}

static void
on_access_stored (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(Change) change = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_set_access_finish (PPD_STORE (source), result, &error))
    {
      g_warning ("Cannot store the access settings of room %s: %s",
                 ppd_room_get_id (change->room), error->message);
      ppd_http_respond_error (change->context, change->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL,
                              "The change is in effect but could not be stored; try again");
    }
  else
    {
      PpdClusterRooms *cluster = ppd_context_get_cluster (change->context);

      if (cluster != NULL)
        ppd_cluster_rooms_tell_access_changed (cluster, ppd_room_get_id (change->room));
      respond_access (change->msg, change->room, change->owner_key);
    }

  soup_server_message_unpause (change->msg);
}

static void
on_room_deleted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(Change) change = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_room_registry_delete_room_finish (PPD_ROOM_REGISTRY (source), result, &error))
    {
      g_warning ("Cannot delete room %s: %s", ppd_room_get_id (change->room), error->message);
      ppd_http_respond_error (change->context, change->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL,
                              "The room could not be deleted; try again");
    }
  else
    {
      PpdClusterRooms *cluster = ppd_context_get_cluster (change->context);

      if (cluster != NULL)
        ppd_cluster_rooms_tell_deleted (cluster, ppd_room_get_id (change->room));
      g_info ("Deleted room %s", ppd_room_get_id (change->room));
      soup_server_message_set_status (change->msg, SOUP_STATUS_NO_CONTENT, NULL);
    }

  soup_server_message_unpause (change->msg);
}

/* {access?, locked?} onto @access; FALSE with @error when a member is wrong. */
static gboolean
apply_settings (PpdContext         *context,
                SoupServerMessage  *msg,
                PpdAccess          *access,
                GError            **error)
{
  g_autoptr(JsonObject) body = ppd_http_parse_body_object (context, msg, error);
  JsonNode *node;

  if (body == NULL)
    return FALSE;

  if ((node = json_object_get_member (body, "access")) != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       !pp_general_access_from_string (json_node_get_string (node), &access->general)))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "“access” must be \"edit\", \"view\" or \"restricted\"");
      return FALSE;
    }

  if ((node = json_object_get_member (body, "locked")) != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                               "“locked” must be true or false");
          return FALSE;
        }
      access->locked = json_node_get_boolean (node);
    }

  return TRUE;
}

/* @msg is paused; it is answered and unpaused here or from a callback. */
void
ppd_room_admin_handle (PpdContext         *context,
                       SoupServerMessage  *msg,
                       PpdRoom            *room,
                       PpdRoomAdminAction  action,
                       PpLinkKind          kind)
{
  const PpdAccess *current = ppd_room_get_access (room);
  const char *key = ppd_http_get_bearer_token (msg);
  g_autoptr(GError) error = NULL;
  g_auto(PpdAccess) access = { 0, };
  Change *change;

  if (current->owner_hash == NULL)
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_FORBIDDEN, PP_PROTOCOL_ERROR_FORBIDDEN,
                              "This room was created before rooms had owners: nobody can "
                              "change its access");
      soup_server_message_unpause (msg);
      return;
    }

  if (ppd_access_check (current, key) != PPD_CREDENTIAL_OWNER)
    {
      ppd_http_respond_error (context, msg,
                              key == NULL ? SOUP_STATUS_UNAUTHORIZED : SOUP_STATUS_FORBIDDEN,
                              PP_PROTOCOL_ERROR_FORBIDDEN,
                              "Only the room's owner may do this: send its owner key as "
                              "“Authorization: Bearer KEY”");
      soup_server_message_unpause (msg);
      return;
    }

  if (action == PPD_ROOM_ADMIN_GET_ACCESS)
    {
      respond_access (msg, room, key);
      soup_server_message_unpause (msg);
      return;
    }

  change = g_new0 (Change, 1);
  change->context = g_object_ref (context);
  change->msg = g_object_ref (msg);
  change->room = g_object_ref (room);
  change->owner_key = g_strdup (key);

  if (action == PPD_ROOM_ADMIN_DELETE_ROOM)
    {
      ppd_room_registry_delete_room_async (ppd_context_get_registry (context), room, NULL,
                                           on_room_deleted, change);
      return;
    }

  ppd_access_copy (&access, current);
  switch (action)
    {
    case PPD_ROOM_ADMIN_SET_ACCESS:
      if (!apply_settings (context, msg, &access, &error))
        {
          ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, error->code,
                                  error->message);
          soup_server_message_unpause (msg);
          change_free (change);
          return;
        }
      break;
    case PPD_ROOM_ADMIN_NEW_LINK:
      ppd_access_new_link (&access, key, ppd_room_get_id (room), kind);
      break;
    case PPD_ROOM_ADMIN_REVOKE_LINK:
      ppd_access_revoke_link (&access, kind);
      break;
    case PPD_ROOM_ADMIN_GET_ACCESS:
    case PPD_ROOM_ADMIN_DELETE_ROOM:
    default:
      g_assert_not_reached ();
    }

  g_info ("Room %s: access %s%s, edit link %s, view link %s", ppd_room_get_id (room),
          pp_general_access_to_string (access.general), access.locked ? ", locked" : "",
          access.link_hash[PP_LINK_EDIT] ? "on" : "off",
          access.link_hash[PP_LINK_VIEW] ? "on" : "off");
  ppd_room_set_access (room, &access);
  ppd_store_set_access_async (ppd_context_get_store (context), ppd_room_get_id (room), &access,
                              NULL, on_access_stored, change);
}
