/* test-access.c: owner keys, general access, share links, lock and delete, on the wire.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-access"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

#define TIMEOUT_MS 10000

typedef struct
{
  char *id;
  char *owner_key;
} Room;

static void
room_clear (Room *room)
{
  g_free (room->id);
  g_free (room->owner_key);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Room, room_clear)

static void
create_room (PpTestDaemon *daemon,
             Room         *room)
{
  g_autoptr(JsonNode) created = NULL;
  JsonObject *object;
  guint status = 0;

  created = pp_test_daemon_request (daemon, "POST", "/api/v1/rooms", "{\"text\":\"abc\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  object = json_node_get_object (created);
  room->id = g_strdup (json_object_get_string_member (object, "id"));
  room->owner_key = g_strdup (json_object_get_string_member (object, "owner_key"));
  /* 256 random bits, base64url. */
  g_assert_cmpuint (strlen (room->owner_key), ==, 43);
}

static char *
dup_link (JsonNode   *access,
          const char *kind)
{
  JsonObject *links = json_object_get_object_member (json_node_get_object (access), "links");

  if (json_object_get_null_member (links, kind))
    return NULL;

  return g_strdup (json_object_get_string_member (links, kind));
}

/* A session that said hello with @token; its welcome (or NULL: it was
 * refused, with @refusal as the error code and 4403). */
static PpTestSocket *
join (PpTestDaemon  *daemon,
      const Room    *room,
      const char    *client,
      const char    *token,
      JsonNode     **welcome)
{
  PpTestSocket *socket = pp_test_socket_new (daemon, room->id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) hello = NULL;
  g_autofree char *frame = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "hello");
  json_builder_set_member_name (builder, "client");
  json_builder_add_string_value (builder, client);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, client);
  if (token != NULL)
    {
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, token);
    }
  json_builder_end_object (builder);
  hello = json_builder_get_root (builder);
  frame = pp_json_to_string (hello, NULL);
  pp_test_socket_send (socket, frame);

  *welcome = pp_test_socket_wait_frame (socket, "welcome", 2000);
  return socket;
}

static const char *
member_string (JsonNode   *node,
               const char *name)
{
  g_assert_nonnull (node);
  return json_object_get_string_member (json_node_get_object (node), name);
}

/* The session got error @code, then the close code @close_code. */
static void
assert_closed_with (PpTestSocket *socket,
                    const char   *code,
                    gushort       close_code)
{
  g_autoptr(JsonNode) error = pp_test_socket_wait_frame (socket, "error", TIMEOUT_MS);

  g_assert_cmpstr (member_string (error, "code"), ==, code);
  g_assert_true (pp_test_socket_wait_closed (socket, TIMEOUT_MS));
  g_assert_cmpuint (socket->close_code, ==, close_code);
}

static void
assert_refused (PpTestDaemon *daemon,
                const Room   *room,
                const char   *token)
{
  g_autoptr(JsonNode) welcome = NULL;
  PpTestSocket *socket = join (daemon, room, "refused-0001", token, &welcome);

  g_assert_null (welcome);
  assert_closed_with (socket, "forbidden", 4403);
  pp_test_socket_free (socket);
}

/* An op at version @v; TRUE when it was acked. */
static gboolean
send_op (PpTestSocket *socket,
         gint64        v,
         gint64        seq)
{
  g_autofree char *op = g_strdup_printf ("{\"type\":\"op\",\"v\":%" G_GINT64_FORMAT ",\"seq\":%"
                                         G_GINT64_FORMAT ",\"op\":[\"x\"]}", v, seq);
  g_autoptr(JsonNode) ack = NULL;

  pp_test_socket_send (socket, op);
  ack = pp_test_socket_wait_frame (socket, "ack", 2000);

  return ack != NULL;
}

/* Only the owner key opens the owner's API; the creator's session is the
 * owner, others see it as such, and the defaults are today's behaviour. */
static void
test_owner (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_auto(Room) room = { 0, };
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) owner_welcome = NULL;
  g_autoptr(JsonNode) guest_welcome = NULL;
  g_autoptr(JsonNode) join_frame = NULL;
  g_autoptr(JsonNode) unauthorized = NULL;
  g_autoptr(JsonNode) wrong = NULL;
  JsonObject *user;
  PpTestSocket *owner;
  PpTestSocket *guest;

  pp_test_daemon_start (daemon);
  create_room (daemon, &room);

  access = pp_test_room_request (daemon, room.id, "GET", "access", NULL, room.owner_key, 200);
  g_assert_cmpstr (member_string (access, "access"), ==, "edit");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (access), "locked"));
  g_assert_null (dup_link (access, "edit"));
  g_assert_null (dup_link (access, "view"));

  unauthorized = pp_test_room_request (daemon, room.id, "GET", "access", NULL, NULL, 401);
  g_assert_cmpstr (member_string (json_object_get_member (json_node_get_object (unauthorized),
                                                          "error"), "code"), ==, "forbidden");
  wrong = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"locked\":true}",
                                "not-the-owner-key", 403);

  guest = join (daemon, &room, "guest-0001", NULL, &guest_welcome);
  g_assert_cmpstr (member_string (guest_welcome, "role"), ==, "editor");
  g_assert_cmpstr (member_string (guest_welcome, "access"), ==, "edit");
  owner = join (daemon, &room, "owner-0001", room.owner_key, &owner_welcome);
  g_assert_cmpstr (member_string (owner_welcome, "role"), ==, "owner");

  join_frame = pp_test_socket_wait_frame (guest, "join", TIMEOUT_MS);
  user = json_object_get_object_member (json_node_get_object (join_frame), "user");
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "owner");

  /* The refused PATCH changed nothing: everybody still edits. */
  g_assert_true (send_op (guest, 0, 1));

  pp_test_socket_free (guest);
  pp_test_socket_free (owner);
  pp_test_daemon_stop_cleanly (daemon);
}

/* "Anyone with the link can view": connected editors become viewers at
 * once, and an op or meta from a viewer is refused with forbidden. */
static void
test_view_only (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_auto(Room) room = { 0, };
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) late_welcome = NULL;
  g_autoptr(JsonNode) owner_welcome = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) owner_changed = NULL;
  g_autofree char *text = NULL;
  PpTestSocket *viewer;
  PpTestSocket *late;
  PpTestSocket *owner;
  JsonObject *roles;
  const char *viewer_id;

  pp_test_daemon_start (daemon);
  create_room (daemon, &room);
  viewer = join (daemon, &room, "viewer-0001", NULL, &welcome);
  viewer_id = member_string (welcome, "user");
  owner = join (daemon, &room, "owner-0001", room.owner_key, &owner_welcome);

  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"access\":\"view\"}",
                                 room.owner_key, 200);
  g_assert_cmpstr (member_string (access, "access"), ==, "view");

  changed = pp_test_socket_wait_frame (viewer, "access", TIMEOUT_MS);
  g_assert_cmpstr (member_string (changed, "role"), ==, "viewer");
  g_assert_cmpstr (member_string (changed, "access"), ==, "view");
  owner_changed = pp_test_socket_wait_frame (owner, "access", TIMEOUT_MS);
  g_assert_cmpstr (member_string (owner_changed, "role"), ==, "owner");
  roles = json_object_get_object_member (json_node_get_object (owner_changed), "roles");
  g_assert_cmpstr (json_object_get_string_member (roles, viewer_id), ==, "viewer");

  /* Newcomers without a token are viewers; the owner still edits. */
  late = join (daemon, &room, "late-0001", NULL, &late_welcome);
  g_assert_cmpstr (member_string (late_welcome, "role"), ==, "viewer");
  g_assert_true (send_op (owner, 0, 1));

  pp_test_socket_send (late, "{\"type\":\"meta\",\"title\":\"mine\"}");
  assert_closed_with (late, "forbidden", 4403);
  pp_test_socket_send (viewer, "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[\"y\"]}");
  assert_closed_with (viewer, "forbidden", 4403);

  text = pp_test_daemon_dup_text (daemon, room.id, NULL);
  g_assert_cmpstr (text, ==, "xabc");

  pp_test_socket_free (viewer);
  pp_test_socket_free (late);
  pp_test_socket_free (owner);
  pp_test_daemon_stop_cleanly (daemon);
}

/* A restricted room lets in share-link holders only, over WebSocket and
 * REST; a new link replaces the old one, whose holders are out at once;
 * a link turned off closes its holders too. */
static void
test_share_links (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_auto(Room) room = { 0, };
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) rotated = NULL;
  g_autoptr(JsonNode) revoked = NULL;
  g_autoptr(JsonNode) editor_welcome = NULL;
  g_autoptr(JsonNode) viewer_welcome = NULL;
  g_autoptr(JsonNode) new_welcome = NULL;
  g_autoptr(JsonNode) closed = NULL;
  g_autoptr(JsonNode) read = NULL;
  g_autofree char *edit_link = NULL;
  g_autofree char *view_link = NULL;
  g_autofree char *new_edit_link = NULL;
  g_autofree char *path = NULL;
  PpTestSocket *editor;
  PpTestSocket *viewer;
  PpTestSocket *renewed;
  guint status = 0;

  pp_test_daemon_start (daemon);
  create_room (daemon, &room);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "POST", "links/edit", NULL, room.owner_key, 200);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "POST", "links/view", NULL, room.owner_key, 200);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"access\":\"restricted\"}",
                                 room.owner_key, 200);
  edit_link = dup_link (access, "edit");
  view_link = dup_link (access, "view");
  g_assert_nonnull (edit_link);
  g_assert_nonnull (view_link);
  /* At least 128 bits each, and distinct. */
  g_assert_cmpuint (strlen (edit_link), >=, 22);
  g_assert_cmpstr (edit_link, !=, view_link);

  assert_refused (daemon, &room, NULL);
  assert_refused (daemon, &room, "made-up-token-000000000000");

  path = g_strconcat ("/api/v1/rooms/", room.id, NULL);
  read = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 401);
  g_clear_pointer (&read, json_node_unref);
  read = pp_test_daemon_request_with_token (daemon, "GET", path, NULL, view_link, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (member_string (read, "text"), ==, "abc");

  editor = join (daemon, &room, "editor-0001", edit_link, &editor_welcome);
  g_assert_cmpstr (member_string (editor_welcome, "role"), ==, "editor");
  g_assert_cmpstr (member_string (editor_welcome, "access"), ==, "restricted");
  g_assert_true (send_op (editor, 0, 1));
  viewer = join (daemon, &room, "viewer-0001", view_link, &viewer_welcome);
  g_assert_cmpstr (member_string (viewer_welcome, "role"), ==, "viewer");

  /* The owner replaces the edit link: its holder is out, the viewer stays. */
  rotated = pp_test_room_request (daemon, room.id, "POST", "links/edit", NULL, room.owner_key, 200);
  new_edit_link = dup_link (rotated, "edit");
  g_assert_cmpstr (new_edit_link, !=, edit_link);
  assert_closed_with (editor, "forbidden", 4403);
  assert_refused (daemon, &room, edit_link);
  renewed = join (daemon, &room, "editor-0001", new_edit_link, &new_welcome);
  g_assert_cmpstr (member_string (new_welcome, "role"), ==, "editor");
  g_assert_false (viewer->closed);

  /* The owner sees the same links again later: they are derived, not kept. */
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "GET", "access", NULL, room.owner_key, 200);
  g_clear_pointer (&edit_link, g_free);
  edit_link = dup_link (access, "edit");
  g_assert_cmpstr (edit_link, ==, new_edit_link);

  revoked = pp_test_room_request (daemon, room.id, "DELETE", "links/view", NULL, room.owner_key,
                                  200);
  g_assert_null (dup_link (revoked, "view"));
  assert_closed_with (viewer, "forbidden", 4403);
  assert_refused (daemon, &room, view_link);

  /* Settings and links survive a restart. */
  g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
  pp_test_daemon_start (daemon);
  assert_refused (daemon, &room, NULL);
  assert_refused (daemon, &room, view_link);
  pp_test_socket_free (renewed);
  renewed = join (daemon, &room, "editor-0001", new_edit_link, &closed);
  g_assert_nonnull (closed);

  pp_test_socket_free (renewed);
  pp_test_socket_free (editor);
  pp_test_socket_free (viewer);
  pp_test_daemon_stop_cleanly (daemon);
}

/* A locked room is read-only for everyone, its owner included. */
static void
test_lock (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_auto(Room) room = { 0, };
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(JsonNode) again = NULL;
  PpTestSocket *owner;

  pp_test_daemon_start (daemon);
  create_room (daemon, &room);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"locked\":true}",
                                 room.owner_key, 200);
  owner = join (daemon, &room, "owner-0001", room.owner_key, &welcome);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (welcome), "locked"));
  g_assert_cmpstr (member_string (welcome, "role"), ==, "owner");
  pp_test_socket_send (owner, "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"y\"]}");
  assert_closed_with (owner, "forbidden", 4403);
  pp_test_socket_free (owner);

  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"locked\":false}",
                                 room.owner_key, 200);
  g_clear_pointer (&welcome, json_node_unref);
  owner = join (daemon, &room, "owner-0001", room.owner_key, &welcome);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (welcome), "locked"));
  g_assert_true (send_op (owner, 0, 1));

  /* Bad settings are refused and change nothing. */
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"locked\":\"yes\"}",
                                 room.owner_key, 400);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "{\"access\":\"everyone\"}",
                                 room.owner_key, 400);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "PATCH", "access", "[1]", room.owner_key, 400);
  g_clear_pointer (&access, json_node_unref);
  access = pp_test_room_request (daemon, room.id, "GET", "access", NULL, room.owner_key, 200);
  g_assert_cmpstr (member_string (access, "access"), ==, "edit");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (access), "locked"));
  g_assert_true (send_op (owner, 1, 2));

  pp_test_socket_free (owner);
  pp_test_daemon_stop_cleanly (daemon);
}

/* Deleting a room closes its sessions with not_found and 4404, and its
 * id answers 404 from then on, after a restart too. */
static void
test_delete (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, NULL);
  g_auto(Room) room = { 0, };
  g_auto(Room) other = { 0, };
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) gone = NULL;
  g_autoptr(JsonNode) none = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  PpTestSocket *guest;
  guint status = 0;

  if (daemon == NULL)
    return;

  pp_test_daemon_start (daemon);
  create_room (daemon, &room);
  create_room (daemon, &other);
  guest = join (daemon, &room, "guest-0001", NULL, &welcome);
  g_assert_true (send_op (guest, 0, 1));

  none = pp_test_room_request (daemon, room.id, "DELETE", "", NULL, other.owner_key, 403);
  gone = pp_test_room_request (daemon, room.id, "DELETE", "", NULL, room.owner_key, 204);
  assert_closed_with (guest, "not_found", 4404);
  pp_test_socket_free (guest);

  path = g_strconcat ("/api/v1/rooms/", room.id, NULL);
  g_clear_pointer (&gone, json_node_unref);
  gone = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 404);

  g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
  pp_test_daemon_start (daemon);
  g_clear_pointer (&gone, json_node_unref);
  gone = pp_test_daemon_request (daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  text = pp_test_daemon_dup_text (daemon, other.id, NULL);
  g_assert_cmpstr (text, ==, "abc");

  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/access/owner", test_owner);
  g_test_add_func ("/pp/daemon/access/view-only", test_view_only);
  g_test_add_func ("/pp/daemon/access/share-links", test_share_links);
  g_test_add_func ("/pp/daemon/access/lock", test_lock);
  for (PpBackend b = PP_BACKEND_SQLITE; b <= PP_BACKEND_POSTGRESQL; b++)
    {
      g_autofree char *name = g_strdup_printf ("/pp/daemon/access/%s/delete", pp_backend_name (b));

      g_test_add_data_func (name, GINT_TO_POINTER (b), test_delete);
    }

  return g_test_run ();
}
