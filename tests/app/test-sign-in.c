/* test-sign-in.c: signing in from the app to a pairpadd with accounts, and verified names in rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-sign-in"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <pairpad.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "pairpad-accounts.h"
#include "pairpad-room-view.h"
#include "pairpad-sign-in-dialog.h"

/* The daemon runs with --auth accounts --room-creation accounts: only
 * signed-in people create rooms. Everything goes through the start page
 * and the sign-in dialog as a person would use them (their buttons'
 * actions, their entries); what is checked is what people rely on: what
 * the page says and lets them do, what the daemon and the keyring hold
 * afterwards, and how the others in a room see them. */

#define PASSWORD "correct horse battery"

typedef struct
{
  PpTestDaemon *daemon;
  GSettings    *settings;
  GtkWidget    *start_view;
  GPtrArray    *opened;     /* "server room", from the start page */
} Fixture;

/* @data: (nullable): "proxy" for a daemon behind a signing proxy */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (g_strcmp0 (data, "proxy") == 0)
    f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "proxy-header=X-Forwarded-User",
                                    "--trusted-proxy", "127.0.0.1", NULL);
  else
    f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--auth", "accounts",
                                    "--room-creation", "accounts", NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  g_settings_set_string (f->settings, "user-name", "Ada, as typed");
  f->opened = g_ptr_array_new_with_free_func (g_free);

  f->start_view = pp_test_start_view_new (f->opened);
  pp_test_window_new (f->start_view, 720, 640);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  pp_test_destroy_windows ();
  g_clear_pointer (&f->settings, pp_test_settings_reset_and_unref);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
}

/* The sign-in dialog, opened with the start page's button. */
static GtkWidget *
open_sign_in_dialog (Fixture *f)
{
  GtkWidget *dialog;

  PP_TEST_WAIT (pp_test_can_click (f->start_view, "start.sign-in"), 10000);
  pp_test_click (f->start_view, "start.sign-in");
  dialog = GTK_WIDGET (pp_test_find_toplevel (PAIRPAD_TYPE_SIGN_IN_DIALOG));
  g_assert_nonnull (dialog);
  PP_TEST_WAIT (gtk_widget_get_mapped (dialog), 5000);

  return dialog;
}

static gboolean
is_busy (GtkWidget *dialog)
{
  GtkWidget *spinner = pp_test_find_widget (dialog, GTK_TYPE_SPINNER, NULL);

  return gtk_widget_get_visible (spinner) && gtk_spinner_get_spinning (GTK_SPINNER (spinner));
}

/* Types @name and @password and clicks @action's button; returns whether
 * the dialog showed its spinner meanwhile. */
static gboolean
submit (GtkWidget  *dialog,
        const char *name,
        const char *password,
        const char *action)
{
  GtkWidget *name_row = pp_test_find_widget (dialog, ADW_TYPE_ENTRY_ROW, NULL);
  GtkWidget *password_row = pp_test_find_widget (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  gboolean busy;

  g_assert_nonnull (name_row);
  g_assert_nonnull (password_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  gtk_editable_set_text (GTK_EDITABLE (password_row), password);
  pp_test_click (dialog, action);
  busy = is_busy (dialog);
  /* Nothing can be sent twice meanwhile. */
  if (busy)
    g_assert_false (gtk_widget_is_sensitive (pp_test_find_button (dialog, action)));

  return busy;
}

/* The dialog says @text, and can be used again. */
static void
assert_dialog_says (GtkWidget  *dialog,
                    const char *text)
{
  PP_TEST_WAIT (pp_test_shows (dialog, text), 15000);
  g_assert_false (is_busy (dialog));
  g_assert_true (pp_test_can_click (dialog, "sign-in.sign-in"));
  g_assert_true (pp_test_can_click (dialog, "sign-in.create-account"));
}

/* What a fresh start of the app finds in the keyring: the sign-in's token
 * for the server, "" when there is none. */
static char *
dup_kept_token (Fixture *f)
{
  g_autoptr(PairpadSecrets) next_run = pairpad_secrets_new ();

  return pp_test_secrets_dup (next_run, PAIRPAD_SECRET_ACCOUNT_TOKEN, f->daemon->base_url, NULL);
}

/* GET /api/v1/auth with @token: the name it signs in, or NULL. */
static char *
dup_user_of_token (Fixture    *f,
                   const char *token)
{
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonNode *user;
  guint status;

  answer = pp_test_daemon_request_with_token (f->daemon, "GET", "/api/v1/auth", NULL, token,
                                              &status);
  g_assert_cmpuint (status, ==, 200);
  object = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, "accounts");
  user = json_object_get_member (object, "user");
  if (JSON_NODE_HOLDS_NULL (user))
    return NULL;
  g_assert_true (json_object_get_boolean_member (json_node_get_object (user), "verified"));

  return g_strdup (json_object_get_string_member (json_node_get_object (user), "name"));
}

/* A fresh start of the app: a PairpadAccounts over a PairpadSecrets that
 * only has what the keyring kept. Who does it say we are? */
static char *
dup_user_after_restart (Fixture *f)
{
  g_autoptr(PairpadSecrets) secrets = pairpad_secrets_new ();
  g_autoptr(PairpadAccounts) accounts = pairpad_accounts_new (secrets);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *user = NULL;

  pairpad_accounts_query_async (accounts, f->daemon->base_url, NULL, pp_test_keep_result, &result);
  PP_TEST_WAIT (result != NULL, 10000);
  g_assert_true (pairpad_accounts_query_finish (accounts, result, NULL, NULL, &user, &error));
  g_assert_no_error (error);

  return user;
}

static gboolean
may_create (Fixture *f)
{
  return pp_test_can_click (f->start_view, "start.create");
}

/* Signed out, the page offers to sign in and says why rooms cannot be
 * made; signing up in the dialog signs in (token in the keyring, for the
 * next start of the app too), rooms can be made, and signing out ends
 * the token on the daemon. */
static void
test_sign_up_and_out (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *dialog;
  g_autofree char *token = NULL;
  g_autofree char *user = NULL;
  g_autofree char *after = NULL;
  g_autofree char *room_path = NULL;
  g_autoptr(JsonNode) room = NULL;
  g_auto(GStrv) opened = NULL;
  gboolean keyring = pp_test_keyring_is_available ();
  guint status;

  if (f->daemon == NULL)
    return;

  /* Nobody signed in: rooms cannot be made here, and the page says so. */
  PP_TEST_WAIT (pp_test_shows (f->start_view, "Not signed in"), 10000);
  g_assert_true (pp_test_shows (f->start_view, "Sign in to create rooms on this server"));
  g_assert_true (pp_test_shows (f->start_view, "Only people with an account can create rooms"));
  g_assert_false (may_create (f));
  g_assert_false (pp_test_can_click (f->start_view, "start.sign-out"));
  gtk_widget_activate_action (f->start_view, "start.create", NULL);
  pp_test_wait_ms (500);
  g_assert_cmpuint (f->opened->len, ==, 0);
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (f->start_view)), NULL,
                           "app-accounts-signed-out.png");

  /* Signing up: a spinner while it works, then the dialog is gone. */
  dialog = open_sign_in_dialog (f);
  g_assert_true (pp_test_shows (dialog, f->daemon->base_url + strlen ("http://")));
  gtk_editable_set_text (GTK_EDITABLE (pp_test_find_widget (dialog, ADW_TYPE_ENTRY_ROW, NULL)),
                         "ada_lovelace");
  pp_test_save_screenshot (dialog, NULL, "app-sign-in-dialog.png");
  g_assert_true (submit (dialog, "ada_lovelace", PASSWORD, "sign-in.create-account"));
  PP_TEST_WAIT (pp_test_find_toplevel (PAIRPAD_TYPE_SIGN_IN_DIALOG) == NULL, 15000);

  PP_TEST_WAIT (pp_test_shows (f->start_view, "Signed in as ada_lovelace"), 10000);
  g_assert_true (pp_test_can_click (f->start_view, "start.sign-out"));
  g_assert_false (pp_test_can_click (f->start_view, "start.sign-in"));
  g_assert_true (may_create (f));
  g_assert_false (pp_test_shows (f->start_view, "Only people with an account can create rooms"));
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (f->start_view)), NULL,
                           "app-accounts-signed-in.png");

  /* The token is in the keyring, and signs in the account. */
  token = dup_kept_token (f);
  if (keyring)
    {
      g_assert_true (g_str_has_prefix (token, "pa."));
      user = dup_user_of_token (f, token);
      g_assert_cmpstr (user, ==, "ada_lovelace");
      g_clear_pointer (&user, g_free);
      user = dup_user_after_restart (f);
      g_assert_cmpstr (user, ==, "ada_lovelace");
    }
  else
    g_test_message ("no Secret Service: the sign-in lasts as long as the app");

  /* Signed in, a room is made, and opened. */
  g_assert_true (gtk_widget_activate_action (f->start_view, "start.create", NULL));
  PP_TEST_WAIT (f->opened->len == 1, 10000);
  opened = g_strsplit (g_ptr_array_index (f->opened, 0), " ", 2);
  room_path = g_strconcat ("/api/v1/rooms/", opened[1], NULL);
  room = pp_test_daemon_request (f->daemon, "GET", room_path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Signing out: the daemon ends the token, the keyring lets go of it,
   * and rooms cannot be made any more. */
  pp_test_click (f->start_view, "start.sign-out");
  PP_TEST_WAIT (pp_test_shows (f->start_view, "Not signed in"), 10000);
  g_assert_false (may_create (f));
  g_assert_true (pp_test_can_click (f->start_view, "start.sign-in"));
  after = dup_kept_token (f);
  g_assert_cmpstr (after, ==, "");
  if (keyring)
    {
      g_autofree char *gone = dup_user_of_token (f, token);

      g_assert_null (gone);
    }
}

/* What goes wrong is said in the dialog, in words people can act on, and
 * the dialog stays usable: a wrong password, a taken name, names and
 * passwords the server would refuse, too many attempts, a server gone. */
static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  GtkWidget *dialog;
  guint status;
  guint attempts = 0;

  if (f->daemon == NULL)
    return;

  answer = pp_test_daemon_request (f->daemon, "POST", "/api/v1/auth/signup",
                                   "{\"name\":\"grace\",\"password\":\"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 201);

  dialog = open_sign_in_dialog (f);
  g_assert_true (submit (dialog, "grace", "not her password", "sign-in.sign-in"));
  assert_dialog_says (dialog, "Wrong name or password");
  pp_test_save_screenshot (dialog, NULL, "app-sign-in-wrong-password.png");

  g_assert_true (submit (dialog, "Grace", PASSWORD "!", "sign-in.create-account"));
  assert_dialog_says (dialog, "That name is taken");

  /* Said at once, without asking the server. */
  g_assert_false (submit (dialog, "gh", PASSWORD, "sign-in.create-account"));
  assert_dialog_says (dialog, "A name has 3 to 32 characters");
  g_assert_false (submit (dialog, "grace hopper", PASSWORD, "sign-in.create-account"));
  assert_dialog_says (dialog, "A name has 3 to 32 characters");
  g_assert_false (submit (dialog, "grace_h", "short", "sign-in.create-account"));
  assert_dialog_says (dialog, "A password has at least 8 characters");
  g_assert_false (submit (dialog, "grace", "", "sign-in.sign-in"));
  assert_dialog_says (dialog, "Enter your name and password");

  /* Ten tries a minute from one address, then the daemon says to wait. */
  while (!pp_test_shows (dialog, "Too many attempts"))
    {
      g_assert_cmpuint (++attempts, <=, 10);
      g_assert_true (submit (dialog, "grace", "guess number one", "sign-in.sign-in"));
      PP_TEST_WAIT (!is_busy (dialog), 15000);
    }
  assert_dialog_says (dialog, "Too many attempts: wait a minute");

  /* The server goes away while the dialog is open. */
  pp_test_daemon_stop_cleanly (f->daemon);
  g_assert_true (submit (dialog, "grace", PASSWORD, "sign-in.sign-in"));
  assert_dialog_says (dialog, "Could not reach the server");
  g_assert_cmpuint (f->opened->len, ==, 0);
}

static const PpUserInfo *
find_user_named (PpClientSession *session,
                 const char      *name)
{
  GPtrArray *users = pp_client_session_get_users (session);

  for (guint i = 0; i < users->len; i++)
    {
      const PpUserInfo *user = g_ptr_array_index (users, i);

      if (g_strcmp0 (user->name, name) == 0)
        return user;
    }

  return NULL;
}

static gboolean
sees_verified (PpClientSession *session,
               const char      *name)
{
  const PpUserInfo *user = find_user_named (session, name);

  return user != NULL && user->verified;
}

static gboolean
sees_unverified (PpClientSession *session,
                 const char      *name)
{
  const PpUserInfo *user = find_user_named (session, name);

  return user != NULL && !user->verified;
}

/* The "verified" mark beside @name in the people list: its tooltip, or
 * NULL when the name has none. */
static const char *
verified_mark (PairpadRoomView *view,
               const char      *name)
{
  GtkWidget *label = pp_test_find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL, name);

  g_assert_nonnull (label);
  for (GtkWidget *sibling = gtk_widget_get_first_child (gtk_widget_get_parent (label));
       sibling != NULL;
       sibling = gtk_widget_get_next_sibling (sibling))
    if (GTK_IS_IMAGE (sibling) &&
        g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (sibling)), "emblem-ok-symbolic") == 0)
      return gtk_widget_get_tooltip_text (sibling);

  return NULL;
}

/* A room joined signed out shows the name we typed; signing in joins
 * again under the account's name, verified, as the others see it and as
 * our own people list says, beside others who signed in (or did not). */
static void
test_verified_in_room (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(PpTestClient) guest = NULL;
  g_autoptr(PpTestSocket) grace = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(GAsyncResult) signed_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *name = NULL;
  const char *headers[] = { "Authorization", NULL, NULL };
  g_autoptr(GSimpleActionGroup) app_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) preferences = g_simple_action_new ("preferences", NULL);
  const char *room;
  PairpadRoomView *view;
  GtkWindow *window;
  GtkWidget *popover;
  guint status;

  if (f->daemon == NULL)
    return;

  g_action_map_add_action (G_ACTION_MAP (app_actions), G_ACTION (preferences));

  /* Grace signs up on the daemon and makes a room with her token. */
  answer = pp_test_daemon_request (f->daemon, "POST", "/api/v1/auth/signup",
                                   "{\"name\":\"grace\",\"password\":\"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  g_clear_pointer (&answer, json_node_unref);
  answer = pp_test_daemon_request (f->daemon, "POST", "/api/v1/auth/tokens",
                                   "{\"name\":\"grace\",\"password\":\"" PASSWORD "\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  bearer = g_strconcat ("Bearer ",
                        json_object_get_string_member (json_node_get_object (answer), "token"),
                        NULL);
  headers[1] = bearer;
  created = pp_test_daemon_request_with_headers (f->daemon, "POST", "/api/v1/rooms",
                                                 "{\"title\":\"Pairing on the parser\","
                                                 "\"language\":\"c\",\"text\":\"int\\n"
                                                 "main (void)\\n{\\n  return 0;\\n}\\n\"}",
                                                 headers, &status, NULL);
  g_assert_cmpuint (status, ==, 201);
  room = json_object_get_string_member (json_node_get_object (created), "id");

  /* We join signed out; a guest who never signs in joins too. */
  g_settings_set_string (f->settings, "user-color", "#3e63dd");
  view = pairpad_room_view_new (f->daemon->base_url, room, NULL);
  window = pp_test_window_new (GTK_WIDGET (view), 760, 460);
  /* Our own row opens the preferences, an action of the app. */
  gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app_actions));
  PP_TEST_WAIT (pp_client_session_get_state (pairpad_room_view_get_session (view)) >=
                PP_CLIENT_SESSION_SYNCED, 10000);
  guest = pp_test_client_new (f->daemon, room, "guest-client-1", "Guest");
  pp_test_client_join (guest);
  PP_TEST_WAIT (sees_unverified (guest->session, "Ada, as typed"), 10000);
  g_assert_null (find_user_named (guest->session, "ada_lovelace"));

  /* We sign in (from anywhere in the app): the room joins again as us. */
  pairpad_accounts_sign_in_async (pairpad_accounts_get_default (), f->daemon->base_url,
                                  "ada_lovelace", PASSWORD, TRUE, NULL, pp_test_keep_result,
                                  &signed_in);
  PP_TEST_WAIT (signed_in != NULL, 15000);
  name = pairpad_accounts_sign_in_finish (pairpad_accounts_get_default (), signed_in, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "ada_lovelace");
  PP_TEST_WAIT (sees_verified (guest->session, "ada_lovelace"), 10000);
  PP_TEST_WAIT (find_user_named (guest->session, "Ada, as typed") == NULL, 10000);

  /* Grace joins with her token, whatever name her client says. */
  grace = pp_test_socket_new_with_headers (f->daemon, room, headers);
  g_assert_true (grace->connected);
  pp_test_socket_send (grace, "{\"type\":\"hello\",\"client\":\"grace-client-1\","
                              "\"name\":\"Not Grace\",\"color\":\"#30a46c\"}");
  welcome = pp_test_socket_wait_frame (grace, "welcome", 10000);
  g_assert_nonnull (welcome);
  PP_TEST_WAIT (sees_verified (pairpad_room_view_get_session (view), "grace"), 10000);
  PP_TEST_WAIT (sees_verified (guest->session, "grace"), 10000);

  /* Our people list: who is signed in is marked, who is not is not; we
   * are the account, marked too. */
  gtk_widget_activate_action (GTK_WIDGET (view), "room.people", NULL);
  PP_TEST_WAIT (pp_test_shows (view, "ada_lovelace (you)"), 10000);
  g_assert_cmpstr (verified_mark (view, "ada_lovelace (you)"), ==, "Signed in as ada_lovelace");
  g_assert_cmpstr (verified_mark (view, "grace"), ==, "Signed in as grace");
  g_assert_null (verified_mark (view, "Guest"));
  g_assert_false (pp_test_shows (view, "Ada, as typed"));
  popover = gtk_widget_get_ancestor (pp_test_find_widget (GTK_WIDGET (view), GTK_TYPE_LABEL,
                                                          "grace"),
                                     GTK_TYPE_POPOVER);
  pp_test_save_screenshot (GTK_WIDGET (window), popover, "app-room-verified.png");
}

/* Behind a proxy that signs people in, the app cannot sign in itself: the
 * page shows who the proxy says we are, and nothing when it names nobody
 * (as for the app, which has none of the proxy's cookies). */
static void
test_proxy_names_nobody (Fixture       *f,
                         gconstpointer  data)
{
  if (f->daemon == NULL)
    return;

  /* Time for the page to ask the daemon, which answers at once. */
  pp_test_wait_ms (1000);
  g_assert_false (pp_test_shows (f->start_view, "Not signed in"));
  g_assert_false (pp_test_shows (f->start_view, "Signed in as"));
  g_assert_false (pp_test_can_click (f->start_view, "start.sign-in"));
  g_assert_false (pp_test_can_click (f->start_view, "start.sign-out"));
  g_assert_true (may_create (f));
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/sign-in/sign-up-and-out", Fixture, NULL,
              fixture_setup, test_sign_up_and_out, fixture_teardown);
  g_test_add ("/pairpad/sign-in/errors", Fixture, NULL,
              fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/pairpad/sign-in/verified-in-room", Fixture, NULL,
              fixture_setup, test_verified_in_room, fixture_teardown);
  g_test_add ("/pairpad/sign-in/proxy-names-nobody", Fixture, "proxy",
              fixture_setup, test_proxy_names_nobody, fixture_teardown);

  return g_test_run ();
}
