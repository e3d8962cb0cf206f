/* test-app-e2e.c: the real pairpad window in a room of the real pairpadd, typed into with xdotool.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-app-e2e"

#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <glib/gstdio.h>

#include "daemon-harness.h"

/* The app is read honestly: with $PAIRPAD_TEST_TEXT_FILE it writes its
 * GtkTextBuffer's text there after every change, and with
 * $PAIRPAD_TEST_SCREENSHOT it renders its window there on SIGUSR1. */

typedef struct
{
  PpTestDaemon *daemon;
  char         *room;
  char         *owner_key;
  char         *tmpdir;
  char         *text_file;
  char         *shot_file;
  GSubprocess  *app;
  char         *window;
} Fixture;

static char *
dup_app_text (Fixture *f)
{
  char *text = NULL;

  if (!g_file_get_contents (f->text_file, &text, NULL, NULL))
    return NULL;
  return text;
}

static gboolean
file_is (const char *path,
         const char *expected)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && g_strcmp0 (contents, expected) == 0;
}

static gboolean
app_text_is (Fixture    *f,
             const char *expected)
{
  g_autofree char *text = dup_app_text (f);

  return g_strcmp0 (text, expected) == 0;
}

static char *
run (const char *first_arg,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s failed: %s", first_arg, error->message);
      return NULL;
    }

  return g_strstrip (g_steal_pointer (&out));
}

static void
type_into_app (Fixture    *f,
               const char *text)
{
  g_autofree char *out = run ("xdotool", "type", "--delay", "40", text, NULL);
}

/* The others' edits in this test and the app's must all be in: the app's
 * buffer, the protocol client and the room's REST text agree. */
static gboolean
converged (Fixture      *f,
           PpTestClient *client)
{
  g_autofree char *app = dup_app_text (f);
  g_autofree char *mine = pp_test_client_dup_text (client);
  g_autofree char *rest = NULL;

  if (app == NULL || g_strcmp0 (app, mine) != 0 || !pp_test_client_is_synced (client))
    return FALSE;
  rest = pp_test_daemon_dup_text (f->daemon, f->room, NULL);
  return g_strcmp0 (rest, app) == 0;
}

/* By search, not getwindowname: that reads WM_NAME, which GTK cannot set
 * for a title outside Latin-1; search also reads _NET_WM_NAME. */
static gboolean
window_name_matches (Fixture    *f,
                     const char *regex)
{
  g_autofree char *out = run ("xdotool", "search", "--pid", g_subprocess_get_identifier (f->app),
                              "--name", regex, NULL);

  return out != NULL && *out != '\0';
}

static void
save_screenshot (Fixture    *f,
                 const char *name)
{
  const char *dir = g_getenv ("PAIRPAD_SCREENSHOTS");
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_unlink (f->shot_file);
  g_subprocess_send_signal (f->app, SIGUSR1);
  PP_TEST_WAIT (g_file_test (f->shot_file, G_FILE_TEST_EXISTS), 10000);
  /* Written by GTK in one go; give it a moment to finish. */
  {
    gint64 end = g_get_monotonic_time () + 300 * 1000;

    while (g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
  }

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  target = g_build_filename (dir, name, NULL);
  g_file_get_contents (f->shot_file, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, length, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", target);
}

static void
pause_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* A room with a share link of @kind ("view", "edit") as the owner makes
 * it over REST; the link, as the owner would send it. */
static char *
create_shared_room (Fixture    *f,
                    const char *kind)
{
  g_autoptr(JsonNode) room = NULL;
  g_autoptr(JsonNode) access = NULL;
  g_autofree char *path = NULL;
  JsonObject *object, *links;
  guint status;

  room = pp_test_daemon_request (f->daemon, "POST", "/api/v1/rooms",
                                 "{\"language\":\"python\","
                                 "\"text\":\"def hello():\\n    return 42\\n\"}",
                                 &status);
  g_assert_cmpuint (status, ==, 201);
  object = json_node_get_object (room);
  f->room = g_strdup (json_object_get_string_member (object, "id"));
  f->owner_key = g_strdup (json_object_get_string_member (object, "owner_key"));

  path = g_strdup_printf ("/api/v1/rooms/%s/links/%s", f->room, kind);
  access = pp_test_daemon_request_with_token (f->daemon, "POST", path, NULL, f->owner_key, &status);
  g_assert_cmpuint (status, ==, 200);
  links = json_object_get_object_member (json_node_get_object (access), "links");

  return g_strdup_printf ("%s/r/%s#token=%s", f->daemon->base_url, f->room,
                          json_object_get_string_member (links, kind));
}

/* @data (nullable): the kind of share link the app opens the room with,
 * else the plain room link. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  const char *app = g_getenv ("PAIRPAD_APP");
  const char *share_kind = data;

  if (g_getenv ("DISPLAY") == NULL || xdotool == NULL || app == NULL)
    {
      g_test_skip ("needs $DISPLAY, xdotool and $PAIRPAD_APP");
      return;
    }

  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  pp_test_daemon_start (f->daemon);
  if (share_kind != NULL)
    link = create_shared_room (f, share_kind);
  else
    f->room = pp_test_daemon_create_room (f->daemon, "def hello():\n    return 42\n");

  f->tmpdir = g_dir_make_tmp ("pairpad-app-XXXXXX", &error);
  g_assert_no_error (error);
  f->text_file = g_build_filename (f->tmpdir, "text.txt", NULL);
  f->shot_file = g_build_filename (f->tmpdir, "shot.png", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "PAIRPAD_TEST_TEXT_FILE", f->text_file, TRUE);
  g_subprocess_launcher_setenv (launcher, "PAIRPAD_TEST_SCREENSHOT", f->shot_file, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", "cairo", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->tmpdir, TRUE);
  /* Killed with SIGTERM at the end: no exit-time leak report to judge. */
  g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
  if (link == NULL)
    link = g_strdup_printf ("%s/r/%s", f->daemon->base_url, f->room);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->app = g_subprocess_launcher_spawn (launcher, &error, app, link, NULL);
  g_assert_no_error (error);
}

/* The app's file chooser leaves recently-used.xbel and gtk-4.0/ in its
 * XDG_DATA_HOME, the test's temporary directory. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->app != NULL)
    {
      g_subprocess_send_signal (f->app, SIGTERM);
      g_subprocess_wait (f->app, NULL, NULL);
    }
  g_clear_object (&f->app);
  if (f->text_file != NULL)
    g_unlink (f->text_file);
  if (f->shot_file != NULL)
    g_unlink (f->shot_file);
  if (f->tmpdir != NULL)
    remove_tree (f->tmpdir);
  g_clear_pointer (&f->tmpdir, g_free);
  g_clear_pointer (&f->text_file, g_free);
  g_clear_pointer (&f->shot_file, g_free);
  g_clear_pointer (&f->window, g_free);
  g_clear_pointer (&f->room, g_free);
  g_clear_pointer (&f->owner_key, g_free);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
}

static void
focus_editor (Fixture *f)
{
  g_autofree char *out = NULL;

  /* Below the text: the click puts the caret at the end of the document. */
  out = run ("xdotool", "windowfocus", "--sync", f->window, NULL);
  g_free (out);
  out = run ("xdotool", "mousemove", "--window", f->window, "450", "400", "click", "1", NULL);
  pause_ms (300);
}

static void
find_window (Fixture *f)
{
  f->window = run ("xdotool", "search", "--sync", "--pid", g_subprocess_get_identifier (f->app),
                   "--name", ". Pairpad$", NULL);
  g_assert_nonnull (f->window);
  /* search may list several ids: the room window is the one with the title. */
  if (strchr (f->window, '\n') != NULL)
    *strchr (f->window, '\n') = '\0';
}

static const PpUserInfo *
find_other (PpTestClient *client)
{
  GPtrArray *users = pp_client_session_get_users (client->session);

  return users->len == 1 ? g_ptr_array_index (users, 0) : NULL;
}

/* "pairpad http://…/r/ID#token=…", a view link from the command line (as
 * a browser or a mail reader hands it over): the app joins as a viewer,
 * and typing into it changes nothing, anywhere. */
static void
test_view_link (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PpTestClient) owner = NULL;
  g_autofree char *text = NULL;

  if (g_test_failed () || f->app == NULL)
    return;

  PP_TEST_WAIT (app_text_is (f, "def hello():\n    return 42\n"), 20000);
  find_window (f);

  owner = pp_test_client_new (f->daemon, f->room, "owner-client-1", "Owner");
  pp_client_session_set_token (owner->session, f->owner_key);
  pp_test_client_join (owner);
  g_assert_cmpint (pp_client_session_get_role (owner->session), ==, PP_ROLE_OWNER);
  PP_TEST_WAIT (find_other (owner) != NULL, 10000);
  g_assert_cmpint (find_other (owner)->role, ==, PP_ROLE_VIEWER);

  focus_editor (f);
  type_into_app (f, "nope");
  {
    g_autofree char *out = run ("xdotool", "key", "ctrl+z", "BackSpace", NULL);
  }
  pause_ms (1000);
  save_screenshot (f, "app-view-link.png");
  g_assert_true (app_text_is (f, "def hello():\n    return 42\n"));
  text = pp_test_daemon_dup_text (f->daemon, f->room, NULL);
  g_assert_cmpstr (text, ==, "def hello():\n    return 42\n");

  /* What the owner types still reaches it. */
  pp_test_client_insert (owner, 0, "# watched\n");
  PP_TEST_WAIT (app_text_is (f, "# watched\ndef hello():\n    return 42\n"), 10000);
}

static void
test_type_with_others (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PpTestClient) client = NULL;
  g_autofree char *text = NULL;
  PpRange sel;

  if (g_test_failed () || f->app == NULL)
    return;

  /* The app joined: its buffer holds the room's text. */
  PP_TEST_WAIT (app_text_is (f, "def hello():\n    return 42\n"), 20000);
  find_window (f);

  client = pp_test_client_new (f->daemon, f->room, "robot-client-1", "Robot");
  pp_test_client_join (client);

  /* Type in the app while the protocol client edits the same room, before
   * and after the app's caret. */
  focus_editor (f);
  type_into_app (f, "print(hello())");
  pp_test_client_insert (client, 0, "# 😀 shared\n");
  type_into_app (f, " # app");
  pp_test_client_insert (client, 0, "#!/usr/bin/env python3\n");

  PP_TEST_WAIT (converged (f, client), 20000);
  text = dup_app_text (f);
  g_test_message ("converged on: %s", text);
  g_assert_cmpstr (text, ==,
                   "#!/usr/bin/env python3\n# 😀 shared\ndef hello():\n    return 42\n"
                   "print(hello()) # app");

  /* A remote selection over "hello" in the def line, caret after it: the
   * app draws it in the robot's color with its name. */
  sel.anchor = g_utf8_strlen ("#!/usr/bin/env python3\n# 😀 shared\ndef ", -1);
  sel.head = sel.anchor + 5;
  pp_client_session_set_selection (client->session, &sel, 1);
  /* The robot also makes the room Python: the app highlights it as such. */
  pp_client_session_set_meta (client->session, "python", "hello.py");
  pause_ms (1000);
  save_screenshot (f, "app-room.png");

  /* Offline: the daemon goes away, the app keeps the edits and sends them
   * after it reconnected (same port, backoff). */
  pp_test_client_disconnect (client);
  g_assert_cmpint (pp_test_daemon_stop (f->daemon, SIGTERM), ==, 0);
  type_into_app (f, " offline");
  pause_ms (1500);
  save_screenshot (f, "app-offline.png");
  {
    g_autofree char *offline = dup_app_text (f);

    g_assert_true (g_str_has_suffix (offline, "print(hello()) # app offline"));
  }
  pp_test_daemon_start (f->daemon);
  pp_test_client_join (client);
  pp_test_client_insert (client, 0, "\n");
  PP_TEST_WAIT (converged (f, client), 40000);
  g_free (text);
  text = dup_app_text (f);
  g_assert_cmpstr (text, ==,
                   "\n#!/usr/bin/env python3\n# 😀 shared\ndef hello():\n    return 42\n"
                   "print(hello()) # app offline");

  /* Per-user undo: Ctrl+Z takes back the app's last word, not the robot's line. */
  {
    g_autofree char *out = run ("xdotool", "key", "ctrl+z", NULL);
  }
  PP_TEST_WAIT (converged (f, client) && !app_text_is (f, text), 10000);
  g_free (text);
  text = dup_app_text (f);
  g_assert_cmpstr (text, ==,
                   "\n#!/usr/bin/env python3\n# 😀 shared\ndef hello():\n    return 42\n"
                   "print(hello()) # app");

  /* Title: F2 edits it, everyone gets it; a title from someone else shows
   * in the app's window title. */
  {
    g_autofree char *out = run ("xdotool", "key", "F2", NULL);
  }
  pause_ms (500);
  type_into_app (f, "Shared Notes");
  {
    g_autofree char *out = run ("xdotool", "key", "Return", NULL);
  }
  PP_TEST_WAIT (g_strcmp0 (pp_client_session_get_title (client->session), "Shared Notes") == 0, 10000);
  pp_client_session_set_meta (client->session, NULL, "Robot’s Room");
  PP_TEST_WAIT (window_name_matches (f, "^Robot.s Room . Pairpad$"), 10000);

  /* Open a file: its text replaces the room's for everyone, as one edit
   * that undo takes back. Then save the room's text to another file. */
  {
    g_autofree char *in = g_build_filename (f->tmpdir, "in.txt", NULL);
    g_autofree char *out_path = g_build_filename (f->tmpdir, "out.txt", NULL);
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    g_file_set_contents (in, "opened 😀\nfrom a file\n", -1, &error);
    g_assert_no_error (error);
    out = run ("xdotool", "key", "ctrl+o", NULL);
    pause_ms (1500);
    /* A leading slash opens the chooser's location entry. */
    type_into_app (f, in);
    g_free (out);
    out = run ("xdotool", "key", "Return", NULL);
    PP_TEST_WAIT (converged (f, client) && app_text_is (f, "opened 😀\nfrom a file\n"), 20000);

    g_free (out);
    out = run ("xdotool", "key", "ctrl+shift+s", NULL);
    pause_ms (1500);
    g_free (out);
    out = run ("xdotool", "key", "ctrl+a", NULL);
    type_into_app (f, out_path);
    g_free (out);
    out = run ("xdotool", "key", "Return", NULL);
    /* A new file is written in place, not renamed into it: wait for all of it. */
    PP_TEST_WAIT (file_is (out_path, "opened 😀\nfrom a file\n"), 20000);

    g_free (out);
    out = run ("xdotool", "key", "ctrl+z", NULL);
    PP_TEST_WAIT (converged (f, client) && !app_text_is (f, "opened 😀\nfrom a file\n"), 10000);
    g_assert_true (app_text_is (f, text));

    g_unlink (in);
    g_unlink (out_path);
  }
}

int
main (int   argc,
      char *argv[])
{
  /* Not ISOLATE_DIRS: the proxy resolver of libsoup needs the system schemas;
   * the app gets its own XDG_CONFIG_HOME and XDG_DATA_HOME below. */
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pairpad/app/e2e/type-with-others", Fixture, NULL,
              fixture_setup, test_type_with_others, fixture_teardown);
  g_test_add ("/pairpad/app/e2e/view-link", Fixture, "view",
              fixture_setup, test_view_link, fixture_teardown);

  return g_test_run ();
}
