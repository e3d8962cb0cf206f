/* test-accounts.c: identity on the daemon: accounts, sessions, app tokens, proxy headers.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-accounts"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "daemon-harness.h"

#define TIMEOUT_MS 10000
#define PASSWORD "correct horse battery"

/* An answer: status, JSON body, and the headers that matter here. */
typedef struct
{
  guint               status;
  JsonNode           *body;
  SoupMessageHeaders *headers;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, json_node_unref);
  g_clear_pointer (&answer->headers, soup_message_headers_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* @headers: name, value, …, NULL, or NULL. */
static void
request (PpTestDaemon       *daemon,
         const char         *method,
         const char         *path,
         const char         *body,
         const char * const *headers,
         Answer             *answer)
{
  answer_clear (answer);
  answer->body = pp_test_daemon_request_with_headers (daemon, method, path, body, headers,
                                                      &answer->status, &answer->headers);
}

static const char *
body_string (const Answer *answer,
             const char   *name)
{
  g_assert_nonnull (answer->body);
  return json_object_get_string_member (json_node_get_object (answer->body), name);
}

static void
assert_error (const Answer *answer,
              guint         status,
              const char   *code,
              const char   *message)
{
  JsonObject *error;

  g_assert_cmpuint (answer->status, ==, status);
  g_assert_nonnull (answer->body);
  error = json_object_get_object_member (json_node_get_object (answer->body), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (message != NULL)
    g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), message));
  if (status == 401)
    g_assert_nonnull (soup_message_headers_get_one (answer->headers, "WWW-Authenticate"));
}

static char *
credentials (const char *name,
             const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return pp_json_to_string (node, NULL);
}

static void
post_credentials (PpTestDaemon *daemon,
                  const char   *path,
                  const char   *name,
                  const char   *password,
                  Answer       *answer)
{
  g_autofree char *body = credentials (name, password);

  request (daemon, "POST", path, body, NULL, answer);
}

/* The session token the answer's cookie carries; checks its attributes. */
static char *
dup_cookie_token (const Answer *answer)
{
  const char *cookie = soup_message_headers_get_one (answer->headers, "Set-Cookie");
  const char *end;

  g_assert_nonnull (cookie);
  g_assert_true (g_str_has_prefix (cookie, "pairpad_session=pa."));
  g_assert_nonnull (strstr (cookie, "; Path=/"));
  g_assert_nonnull (strstr (cookie, "; HttpOnly"));
  g_assert_nonnull (strstr (cookie, "; SameSite=Lax"));
  g_assert_nonnull (strstr (cookie, "; Max-Age=2592000"));
  g_assert_null (strstr (cookie, "Secure"));   /* no TLS here */

  cookie += strlen ("pairpad_session=");
  end = strchr (cookie, ';');
  return g_strndup (cookie, end - cookie);
}

static char *
sign_up (PpTestDaemon *daemon,
         const char   *name)
{
  g_auto(Answer) answer = { 0, };

  post_credentials (daemon, "/api/v1/auth/signup", name, PASSWORD, &answer);
  g_assert_cmpuint (answer.status, ==, 201);
  g_assert_cmpstr (body_string (&answer, "name"), ==, name);

  return dup_cookie_token (&answer);
}

/* GET /api/v1/auth with @headers: the user's name, or NULL for none. */
static char *
dup_signed_in_name (PpTestDaemon       *daemon,
                    const char * const *headers,
                    const char         *mode,
                    const char         *room_creation)
{
  g_auto(Answer) answer = { 0, };
  JsonObject *object;
  JsonObject *user;

  request (daemon, "GET", "/api/v1/auth", NULL, headers, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  object = json_node_get_object (answer.body);
  g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, mode);
  g_assert_cmpstr (json_object_get_string_member (object, "room_creation"), ==, room_creation);
  if (json_object_get_null_member (object, "user"))
    return NULL;

  user = json_object_get_object_member (object, "user");
  g_assert_true (json_object_get_boolean_member (user, "verified"));
  return g_strdup (json_object_get_string_member (user, "name"));
}

static char *
dup_name_with_cookie (PpTestDaemon *daemon,
                      const char   *token)
{
  g_autofree char *cookie = g_strconcat ("pairpad_session=", token, NULL);
  const char *headers[] = { "Cookie", cookie, NULL };

  return dup_signed_in_name (daemon, headers, "accounts", "anyone");
}

static char *
dup_name_with_bearer (PpTestDaemon *daemon,
                      const char   *token)
{
  g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
  const char *headers[] = { "Authorization", bearer, NULL };

  return dup_signed_in_name (daemon, headers, "accounts", "anyone");
}

/* Sign-up, a taken name, bad names and passwords, sign-in right and wrong,
 * and a session that lives until sign-out, across a restart. */
static void
test_sign_up_and_in (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (backend, "--auth", "accounts", NULL);
  g_auto(Answer) answer = { 0, };
  g_auto(Answer) unknown = { 0, };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *name = NULL;
  g_autofree char *cookie = NULL;
  const char *headers[] = { "Cookie", NULL, NULL };

  if (daemon == NULL)
    return;

  pp_test_daemon_start (daemon);
  name = dup_signed_in_name (daemon, NULL, "accounts", "anyone");
  g_assert_null (name);

  first = sign_up (daemon, "Alice.B-2");

  post_credentials (daemon, "/api/v1/auth/signup", "alice.b-2", PASSWORD, &answer);
  assert_error (&answer, 409, "bad_message", "That name is taken");
  post_credentials (daemon, "/api/v1/auth/signup", "al", PASSWORD, &answer);
  assert_error (&answer, 400, "bad_message", "3 to 32");
  post_credentials (daemon, "/api/v1/auth/signup", "alice smith", PASSWORD, &answer);
  assert_error (&answer, 400, "bad_message", "letters");
  post_credentials (daemon, "/api/v1/auth/signup", "bob", "short", &answer);
  assert_error (&answer, 400, "bad_message", "too short");
  request (daemon, "POST", "/api/v1/auth/signup", "{\"name\":\"bob\"}", NULL, &answer);
  assert_error (&answer, 400, "bad_message", "password");
  request (daemon, "POST", "/api/v1/auth/signup", "{\"name\":\"bob\",\"password\":12345678}", NULL,
           &answer);
  assert_error (&answer, 400, "bad_message", NULL);

  /* An unknown name and a wrong password get the very same answer. */
  post_credentials (daemon, "/api/v1/auth/signin", "Alice.B-2", "wrong password", &answer);
  assert_error (&answer, 401, "forbidden", "Wrong name or password");
  post_credentials (daemon, "/api/v1/auth/signin", "nobody", PASSWORD, &unknown);
  assert_error (&unknown, 401, "forbidden", NULL);
  g_assert_true (json_node_equal (answer.body, unknown.body));

  /* Any case of the name signs in, as the account spells it. */
  post_credentials (daemon, "/api/v1/auth/signin", "ALICE.B-2", PASSWORD, &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (body_string (&answer, "name"), ==, "Alice.B-2");
  second = dup_cookie_token (&answer);
  g_assert_cmpstr (first, !=, second);

  g_clear_pointer (&name, g_free);
  name = dup_name_with_cookie (daemon, second);
  g_assert_cmpstr (name, ==, "Alice.B-2");

  /* Sign-out ends that session (and clears the cookie), not the other. */
  cookie = g_strconcat ("pairpad_session=", second, NULL);
  headers[1] = cookie;
  request (daemon, "POST", "/api/v1/auth/signout", NULL, headers, &answer);
  g_assert_cmpuint (answer.status, ==, 204);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (answer.headers, "Set-Cookie"),
                                   "pairpad_session=; "));
  g_assert_nonnull (strstr (soup_message_headers_get_one (answer.headers, "Set-Cookie"),
                            "Max-Age=0"));
  g_clear_pointer (&name, g_free);
  name = dup_name_with_cookie (daemon, second);
  g_assert_null (name);

  /* Sessions are stored: the first one survives a restart. */
  g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
  pp_test_daemon_start (daemon);
  g_clear_pointer (&name, g_free);
  name = dup_name_with_cookie (daemon, first);
  g_assert_cmpstr (name, ==, "Alice.B-2");
  g_clear_pointer (&name, g_free);
  name = dup_name_with_cookie (daemon, "pa.made-up");
  g_assert_null (name);

  pp_test_daemon_stop_cleanly (daemon);
}

/* The desktop app's bearer token: made with the password, used on the
 * API, dropped again; on a room's routes it is not a room token. */
static void
test_app_tokens (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "accounts",
                                                       NULL);
  g_auto(Answer) answer = { 0, };
  g_autofree char *cookie = NULL;
  g_autofree char *token = NULL;
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;
  g_autofree char *room_path = NULL;
  g_autofree char *access_path = NULL;
  g_autofree char *bearer = NULL;
  g_autoptr(JsonNode) read = NULL;
  const char *headers[] = { "Authorization", NULL, NULL };
  guint status = 0;

  pp_test_daemon_start (daemon);
  cookie = sign_up (daemon, "carol");

  post_credentials (daemon, "/api/v1/auth/tokens", "carol", "not the password", &answer);
  assert_error (&answer, 401, "forbidden", "Wrong name or password");

  post_credentials (daemon, "/api/v1/auth/tokens", "carol", PASSWORD, &answer);
  g_assert_cmpuint (answer.status, ==, 201);
  g_assert_cmpstr (body_string (&answer, "name"), ==, "carol");
  g_assert_null (soup_message_headers_get_one (answer.headers, "Set-Cookie"));
  token = g_strdup (body_string (&answer, "token"));
  g_assert_true (g_str_has_prefix (token, "pa."));

  name = dup_name_with_bearer (daemon, token);
  g_assert_cmpstr (name, ==, "carol");

  /* A room's routes take it as no token at all: the room is open to all. */
  room = pp_test_daemon_create_room (daemon, "abc");
  room_path = g_strconcat ("/api/v1/rooms/", room, NULL);
  read = pp_test_daemon_request_with_token (daemon, "GET", room_path, NULL, token, &status);
  g_assert_cmpuint (status, ==, 200);
  access_path = g_strconcat (room_path, "/access", NULL);
  g_clear_pointer (&read, json_node_unref);
  read = pp_test_daemon_request_with_token (daemon, "GET", access_path, NULL, token, &status);
  g_assert_cmpuint (status, ==, 401);

  bearer = g_strconcat ("Bearer ", token, NULL);
  headers[1] = bearer;
  request (daemon, "DELETE", "/api/v1/auth/tokens/current", NULL, headers, &answer);
  g_assert_cmpuint (answer.status, ==, 204);
  g_clear_pointer (&name, g_free);
  name = dup_name_with_bearer (daemon, token);
  g_assert_null (name);

  /* The browser's session is another one. */
  g_clear_pointer (&name, g_free);
  name = dup_name_with_cookie (daemon, cookie);
  g_assert_cmpstr (name, ==, "carol");

  request (daemon, "DELETE", "/api/v1/auth/tokens/current", NULL, NULL, &answer);
  assert_error (&answer, 401, "forbidden", "Bearer");
  request (daemon, "GET", "/api/v1/auth/tokens/current", NULL, NULL, &answer);
  assert_error (&answer, 405, "bad_message", NULL);
  request (daemon, "GET", "/api/v1/auth/nothing", NULL, NULL, &answer);
  assert_error (&answer, 404, "not_found", NULL);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Ten password attempts a minute from one address, then 429. */
static void
test_rate_limit (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "accounts",
                                                       NULL);
  g_auto(Answer) answer = { 0, };

  pp_test_daemon_start (daemon);
  for (guint i = 0; i < 10; i++)
    {
      post_credentials (daemon, "/api/v1/auth/signin", "dave", "guess number one", &answer);
      assert_error (&answer, 401, "forbidden", NULL);
    }
  post_credentials (daemon, "/api/v1/auth/signin", "dave", "guess number one", &answer);
  assert_error (&answer, 429, "rate_limited", NULL);
  post_credentials (daemon, "/api/v1/auth/signup", "dave", PASSWORD, &answer);
  assert_error (&answer, 429, "rate_limited", NULL);

  pp_test_daemon_stop_cleanly (daemon);
}

/* --room-creation accounts: the anonymous may not create rooms; a signed-in
 * browser or app may. */
static void
test_room_creation (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "accounts",
                                                       "--room-creation", "accounts", NULL);
  g_auto(Answer) answer = { 0, };
  g_autofree char *token = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *name = NULL;
  g_autofree char *bearer = NULL;
  const char *headers[] = { NULL, NULL, NULL };

  pp_test_daemon_start (daemon);
  name = dup_signed_in_name (daemon, NULL, "accounts", "accounts");
  g_assert_null (name);

  request (daemon, "POST", "/api/v1/rooms", "{}", NULL, &answer);
  assert_error (&answer, 401, "forbidden", "Sign in");
  headers[0] = "Cookie";
  headers[1] = "pairpad_session=pa.made-up";
  request (daemon, "POST", "/api/v1/rooms", "{}", headers, &answer);
  assert_error (&answer, 401, "forbidden", NULL);

  token = sign_up (daemon, "erin");
  cookie = g_strconcat ("pairpad_session=", token, NULL);
  headers[1] = cookie;
  request (daemon, "POST", "/api/v1/rooms", "{\"text\":\"hi\"}", headers, &answer);
  g_assert_cmpuint (answer.status, ==, 201);
  g_assert_nonnull (body_string (&answer, "id"));

  /* Still validated like any room. */
  request (daemon, "POST", "/api/v1/rooms", "{\"language\":\"\"}", headers, &answer);
  assert_error (&answer, 400, "bad_message", NULL);

  post_credentials (daemon, "/api/v1/auth/tokens", "erin", PASSWORD, &answer);
  g_assert_cmpuint (answer.status, ==, 201);
  bearer = g_strconcat ("Bearer ", body_string (&answer, "token"), NULL);
  headers[0] = "Authorization";
  headers[1] = bearer;
  request (daemon, "POST", "/api/v1/rooms", "{}", headers, &answer);
  g_assert_cmpuint (answer.status, ==, 201);

  pp_test_daemon_stop_cleanly (daemon);
}

/* A session that says hello as @hello_name, with @headers on its upgrade
 * request; its welcome. */
static PpTestSocket *
join (PpTestDaemon       *daemon,
      const char         *room,
      const char * const *headers,
      const char         *client,
      const char         *hello_name,
      JsonNode          **welcome)
{
  PpTestSocket *socket = pp_test_socket_new_with_headers (daemon, room, headers);
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"client\":\"%s\","
                                            "\"name\":\"%s\"}", client, hello_name);

  g_assert_true (socket->connected);
  pp_test_socket_send (socket, hello);
  *welcome = pp_test_socket_wait_frame (socket, "welcome", TIMEOUT_MS);
  g_assert_nonnull (*welcome);

  return socket;
}

static JsonObject *
frame_user (JsonNode *frame)
{
  return json_object_get_object_member (json_node_get_object (frame), "user");
}

static JsonObject *
only_welcome_user (JsonNode *welcome)
{
  JsonArray *users = json_object_get_array_member (json_node_get_object (welcome), "users");

  g_assert_cmpuint (json_array_get_length (users), ==, 1);
  return json_array_get_object_element (users, 0);
}

static gboolean
is_verified (JsonObject *user)
{
  return json_object_get_boolean_member_with_default (user, "verified", FALSE);
}

/* A signed-in session is shown to everyone under its account's name, and
 * verified; its ops are logged under that name. An anonymous session, or
 * one with a cookie that opens nothing, keeps its hello name. */
static void
test_verified_names (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "accounts",
                                                       NULL);
  g_autoptr(JsonNode) alice_welcome = NULL;
  g_autoptr(JsonNode) guest_welcome = NULL;
  g_autoptr(JsonNode) stale_welcome = NULL;
  g_autoptr(JsonNode) join_frame = NULL;
  g_autoptr(JsonNode) stale_join = NULL;
  g_autoptr(JsonNode) ack = NULL;
  g_autoptr(JsonNode) ops = NULL;
  g_autofree char *token = NULL;
  g_autofree char *cookie = NULL;
  g_autofree char *room = NULL;
  g_autofree char *ops_path = NULL;
  const char *headers[] = { "Cookie", NULL, NULL };
  const char *stale[] = { "Cookie", "pairpad_session=pa.signed-out-long-ago", NULL };
  JsonObject *user;
  JsonObject *entry;
  PpTestSocket *alice;
  PpTestSocket *guest;
  PpTestSocket *stranger;
  guint status = 0;

  pp_test_daemon_start (daemon);
  token = sign_up (daemon, "Alice");
  cookie = g_strconcat ("theme=dark; pairpad_session=", token, NULL);
  headers[1] = cookie;
  room = pp_test_daemon_create_room (daemon, "");

  alice = join (daemon, room, headers, "alice-0001", "Mallory", &alice_welcome);
  guest = join (daemon, room, NULL, "guest-0001", "Guest", &guest_welcome);

  user = only_welcome_user (guest_welcome);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "Alice");
  g_assert_true (is_verified (user));

  join_frame = pp_test_socket_wait_frame (alice, "join", TIMEOUT_MS);
  g_assert_nonnull (join_frame);
  g_assert_cmpstr (json_object_get_string_member (frame_user (join_frame), "name"), ==, "Guest");
  g_assert_false (is_verified (frame_user (join_frame)));
  g_assert_false (json_object_has_member (frame_user (join_frame), "verified"));

  stranger = join (daemon, room, stale, "stale-0001", "Stranger", &stale_welcome);
  stale_join = pp_test_socket_wait_frame (alice, "join", TIMEOUT_MS);
  g_assert_nonnull (stale_join);
  g_assert_cmpstr (json_object_get_string_member (frame_user (stale_join), "name"), ==,
                   "Stranger");
  g_assert_false (is_verified (frame_user (stale_join)));

  pp_test_socket_send (alice, "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"hi\"]}");
  ack = pp_test_socket_wait_frame (alice, "ack", TIMEOUT_MS);
  g_assert_nonnull (ack);
  ops_path = g_strconcat ("/api/v1/rooms/", room, "/ops", NULL);
  ops = pp_test_daemon_request (daemon, "GET", ops_path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  entry = json_array_get_object_element (json_object_get_array_member (json_node_get_object (ops),
                                                                       "ops"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "Alice");

  pp_test_socket_free (stranger);
  pp_test_socket_free (guest);
  pp_test_socket_free (alice);
  pp_test_daemon_stop_cleanly (daemon);
}

/* --auth proxy-header: the trusted proxy's header names the user, over
 * REST and on WebSockets, and is what room creation asks for. */
static void
test_proxy_header (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--auth", "proxy-header=X-Forwarded-User",
                                                       "--trusted-proxy", "127.0.0.1",
                                                       "--room-creation", "accounts", NULL);
  g_auto(Answer) answer = { 0, };
  g_autoptr(JsonNode) frank_welcome = NULL;
  g_autoptr(JsonNode) guest_welcome = NULL;
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;
  const char *frank[] = { "X-Forwarded-User", "frank@example.com", NULL };
  const char *nobody[] = { "X-Forwarded-User", "", NULL };
  g_autofree char *too_long = g_strnfill (65, 'x');
  const char *garbage[] = { "X-Forwarded-User", too_long, NULL };
  JsonObject *user;
  PpTestSocket *frank_socket;
  PpTestSocket *guest;

  pp_test_daemon_start (daemon);
  name = dup_signed_in_name (daemon, frank, "proxy-header", "accounts");
  g_assert_cmpstr (name, ==, "frank@example.com");
  g_clear_pointer (&name, g_free);
  name = dup_signed_in_name (daemon, nobody, "proxy-header", "accounts");
  g_assert_null (name);
  name = dup_signed_in_name (daemon, NULL, "proxy-header", "accounts");
  g_assert_null (name);
  request (daemon, "GET", "/api/v1/auth", NULL, garbage, &answer);
  assert_error (&answer, 400, "bad_message", "X-Forwarded-User");

  /* No accounts of the daemon's own in this mode. */
  post_credentials (daemon, "/api/v1/auth/signup", "frank", PASSWORD, &answer);
  assert_error (&answer, 404, "not_found", NULL);

  request (daemon, "POST", "/api/v1/rooms", "{}", NULL, &answer);
  assert_error (&answer, 401, "forbidden", NULL);
  request (daemon, "POST", "/api/v1/rooms", "{}", frank, &answer);
  g_assert_cmpuint (answer.status, ==, 201);
  room = g_strdup (body_string (&answer, "id"));

  frank_socket = join (daemon, room, frank, "frank-0001", "F", &frank_welcome);
  guest = join (daemon, room, NULL, "guest-0001", "Guest", &guest_welcome);
  user = only_welcome_user (guest_welcome);
  g_assert_cmpstr (json_object_get_string_member (user, "name"), ==, "frank@example.com");
  g_assert_true (is_verified (user));

  pp_test_socket_free (guest);
  pp_test_socket_free (frank_socket);
  pp_test_daemon_stop_cleanly (daemon);
}

/* The header from an address that is not a trusted proxy is refused, on
 * every route, so that spoofing it shows. */
static void
test_proxy_header_spoofed (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE,
                                                       "--auth", "proxy-header=X-Forwarded-User",
                                                       "--trusted-proxy", "192.0.2.1", NULL);
  g_auto(Answer) answer = { 0, };
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;
  g_autofree char *room_path = NULL;
  const char *spoofed[] = { "X-Forwarded-User", "admin", NULL };
  PpTestSocket *socket;

  pp_test_daemon_start (daemon);
  request (daemon, "GET", "/api/v1/auth", NULL, spoofed, &answer);
  assert_error (&answer, 403, "forbidden",
                "X-Forwarded-User is only accepted from the configured proxies");
  request (daemon, "POST", "/api/v1/rooms", "{}", spoofed, &answer);
  assert_error (&answer, 403, "forbidden", "configured proxies");

  room = pp_test_daemon_create_room (daemon, "");
  room_path = g_strconcat ("/api/v1/rooms/", room, NULL);
  request (daemon, "GET", room_path, NULL, spoofed, &answer);
  assert_error (&answer, 403, "forbidden", "configured proxies");

  socket = pp_test_socket_new_with_headers (daemon, room, spoofed);
  g_assert_true (socket->failed);
  pp_test_socket_free (socket);

  request (daemon, "GET", "/healthz", NULL, spoofed, &answer);
  assert_error (&answer, 403, "forbidden", "configured proxies");
  request (daemon, "GET", "/", NULL, spoofed, &answer);
  assert_error (&answer, 403, "forbidden", "configured proxies");

  name = dup_signed_in_name (daemon, NULL, "proxy-header", "anyone");
  g_assert_null (name);

  pp_test_daemon_stop_cleanly (daemon);
}

/* Without --auth accounts there is nothing to sign in to. */
static void
test_no_accounts (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_auto(Answer) answer = { 0, };
  g_autofree char *name = NULL;
  const char *cookie[] = { "Cookie", "pairpad_session=pa.anything", NULL };

  pp_test_daemon_start (daemon);
  name = dup_signed_in_name (daemon, cookie, "none", "anyone");
  g_assert_null (name);
  post_credentials (daemon, "/api/v1/auth/signup", "gina", PASSWORD, &answer);
  assert_error (&answer, 404, "not_found", "--auth none");
  post_credentials (daemon, "/api/v1/auth/signin", "gina", PASSWORD, &answer);
  assert_error (&answer, 404, "not_found", NULL);

  pp_test_daemon_stop_cleanly (daemon);
}

typedef struct
{
  const char *name;
  const char *args[7];
  const char *message;
} BadSetting;

static const BadSetting bad_settings[] = {
  { "proxy-without-trusted-proxy", { "--auth", "proxy-header=X-Forwarded-User", NULL },
    "trusted-proxy" },
  { "unknown-mode", { "--auth", "ldap", NULL }, "auth" },
  { "bad-header-name", { "--auth", "proxy-header=X User", "--trusted-proxy", "127.0.0.1", NULL },
    "auth" },
  { "room-creation-without-auth", { "--room-creation", "accounts", NULL }, "room-creation" },
  { "unknown-room-creation", { "--auth", "accounts", "--room-creation", "admins", NULL },
    "room-creation" },
};

/* Settings that cannot work stop the daemon before it listens. */
static void
test_bad_setting (gconstpointer data)
{
  const BadSetting *bad = data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pairpad-accounts-XXXXXX", NULL);
  g_autofree char *db = g_strdup_printf ("sqlite://%s/x.db", dir);
  g_auto(GStrv) argv = NULL;

  g_strv_builder_add_many (builder, g_getenv ("PAIRPADD"), "--port", "0", "--database", db, NULL);
  g_strv_builder_addv (builder, (const char **) bad->args);
  argv = g_strv_builder_end (builder);

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", dir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PAIRPAD_TRUSTED_PROXY");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  /* Refused like every other bad setting (see test-cli.c). */
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "pairpadd: "));
  g_assert_nonnull (strstr (err, bad->message));

  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (PpBackend b = PP_BACKEND_SQLITE; b <= PP_BACKEND_POSTGRESQL; b++)
    {
      g_autofree char *name = g_strdup_printf ("/pp/daemon/accounts/%s/sign-up-and-in",
                                               pp_backend_name (b));

      g_test_add_data_func (name, GINT_TO_POINTER (b), test_sign_up_and_in);
    }
  g_test_add_func ("/pp/daemon/accounts/app-tokens", test_app_tokens);
  g_test_add_func ("/pp/daemon/accounts/rate-limit", test_rate_limit);
  g_test_add_func ("/pp/daemon/accounts/room-creation", test_room_creation);
  g_test_add_func ("/pp/daemon/accounts/verified-names", test_verified_names);
  g_test_add_func ("/pp/daemon/accounts/proxy-header", test_proxy_header);
  g_test_add_func ("/pp/daemon/accounts/proxy-header-spoofed", test_proxy_header_spoofed);
  g_test_add_func ("/pp/daemon/accounts/no-accounts", test_no_accounts);
  for (guint i = 0; i < G_N_ELEMENTS (bad_settings); i++)
    {
      g_autofree char *name = g_strdup_printf ("/pp/daemon/accounts/bad-setting/%s",
                                               bad_settings[i].name);

      g_test_add_data_func (name, &bad_settings[i], test_bad_setting);
    }

  return g_test_run ();
}
