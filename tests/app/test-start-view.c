/* test-start-view.c: the start page against a real pairpadd: new rooms, links, recent rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-start-view"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "pairpad-application.h"
#include "pairpad-languages.h"

/* Rows are found by the titles people read, as a screen reader would. */

typedef struct
{
  PpTestDaemon *daemon;
  GSettings    *settings;
  GtkWidget    *view;
  GPtrArray    *opened;   /* "server room" */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  f->opened = g_ptr_array_new_with_free_func (g_free);
  f->view = pp_test_start_view_new (f->opened);
  pp_test_window_new (f->view, 720, 640);
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

static void
test_create (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *title_row, *language_row;
  g_autofree char *prefix = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) room = NULL;
  const char *id;
  guint status;
  int python;

  if (f->daemon == NULL)
    return;

  title_row = pp_test_find_row (f->view, "Title");
  language_row = pp_test_find_row (f->view, "Language");
  g_assert_nonnull (title_row);
  g_assert_nonnull (language_row);
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Standup notes 🙂");
  python = pairpad_languages_find ("python");
  g_assert_cmpint (python, >=, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (language_row), (guint) python);

  g_assert_true (gtk_widget_activate_action (f->view, "start.create", NULL));
  PP_TEST_WAIT (f->opened->len == 1, 10000);

  /* The page opens the room the server made, with what was asked for. */
  prefix = g_strconcat (f->daemon->base_url, " ", NULL);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->opened, 0), prefix));
  id = (const char *) g_ptr_array_index (f->opened, 0) + strlen (prefix);
  path = g_strconcat ("/api/v1/rooms/", id, NULL);
  room = pp_test_daemon_request (f->daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (room), "title"), ==,
                   "Standup notes 🙂");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (room), "language"), ==,
                   "python");
  /* Ready for the next one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "");
}

/* A daemon where everyone picks a name (--auth none, the default): the page
 * says nothing of accounts, and anyone makes rooms. */
static void
test_no_accounts (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *create, *row;

  if (f->daemon == NULL)
    return;

  /* Time for the page to ask the daemon, which answers at once. */
  pp_test_wait_ms (1000);
  g_assert_false (gtk_widget_get_mapped (pp_test_find_button (f->view, "start.sign-in")));
  g_assert_false (gtk_widget_get_mapped (pp_test_find_button (f->view, "start.sign-out")));
  row = pp_test_find_row (f->view, "Not signed in");
  g_assert_true (row == NULL || !gtk_widget_get_mapped (row));
  create = pp_test_find_button (f->view, "start.create");
  g_assert_true (gtk_widget_get_mapped (create) && gtk_widget_is_sensitive (create));
}

static void
test_create_unreachable (Fixture       *f,
                         gconstpointer  data)
{
  if (f->daemon == NULL)
    return;

  /* Nothing listens there: nothing opens... */
  g_settings_set_string (f->settings, "server-url", "http://127.0.0.1:1");
  g_assert_true (gtk_widget_activate_action (f->view, "start.create", NULL));
  pp_test_wait_ms (1000);
  g_assert_cmpuint (f->opened->len, ==, 0);

  /* ...and once the address is right, trying again works. */
  g_settings_set_string (f->settings, "server-url", f->daemon->base_url);
  g_assert_true (gtk_widget_activate_action (f->view, "start.create", NULL));
  PP_TEST_WAIT (f->opened->len == 1, 10000);
}

static void
test_join_by_link (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *room = NULL;
  g_autofree char *link = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *link_row;

  if (f->daemon == NULL)
    return;

  link_row = pp_test_find_row (f->view, "Room Link");
  g_assert_nonnull (link_row);

  /* Not a room link: nothing opens, the text stays for fixing. */
  gtk_editable_set_text (GTK_EDITABLE (link_row), "http://example.org/not-a-room");
  g_signal_emit_by_name (link_row, "apply");
  g_assert_cmpuint (f->opened->len, ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (link_row)), ==, "http://example.org/not-a-room");

  /* A pasted link, with the spaces and slash a copy brings along. */
  room = pp_test_daemon_create_room (f->daemon, "hello");
  link = g_strdup_printf ("  %s/r/%s/ \n", f->daemon->base_url, room);
  gtk_editable_set_text (GTK_EDITABLE (link_row), link);
  g_signal_emit_by_name (link_row, "apply");
  g_assert_cmpuint (f->opened->len, ==, 1);
  expected = g_strdup_printf ("%s %s", f->daemon->base_url, room);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, expected);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (link_row)), ==, "");

  /* A bare id is looked up on the server of the page. */
  gtk_editable_set_text (GTK_EDITABLE (link_row), room);
  g_signal_emit_by_name (link_row, "apply");
  g_assert_cmpuint (f->opened->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 1), ==, expected);
}

static void
test_recent_rooms (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PairpadApplication) app = pairpad_application_new ();
  g_autoptr(GVariant) recent = NULL;
  g_autofree char *expected = NULL;
  GtkWidget *row;

  if (f->daemon == NULL)
    return;

  /* Twelve rooms, one of them twice: the ten newest, each once. */
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *link = g_strdup_printf ("%s/r/room%02u", f->daemon->base_url, i);
      g_autofree char *title = g_strdup_printf ("Room %02u", i);

      pairpad_application_add_recent_room (app, link, title);
    }
  {
    g_autofree char *link = g_strdup_printf ("%s/r/room05", f->daemon->base_url);

    pairpad_application_add_recent_room (app, link, "Room 05, renamed");
  }
  recent = g_settings_get_value (f->settings, "recent-rooms");
  g_assert_cmpuint (g_variant_n_children (recent), ==, 10);

  /* The page lists them, newest first, and opens one when clicked. */
  g_assert_nonnull (pp_test_find_row (f->view, "Room 05, renamed"));
  g_assert_nonnull (pp_test_find_row (f->view, "Room 11"));
  g_assert_null (pp_test_find_row (f->view, "Room 05"));
  g_assert_null (pp_test_find_row (f->view, "Room 01"));
  row = pp_test_find_row (f->view, "Room 11");
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_cmpuint (f->opened->len, ==, 1);
  expected = g_strdup_printf ("%s room11", f->daemon->base_url);
  g_assert_cmpstr (g_ptr_array_index (f->opened, 0), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/start-view/create", Fixture, NULL,
              fixture_setup, test_create, fixture_teardown);
  g_test_add ("/pairpad/start-view/no-accounts", Fixture, NULL,
              fixture_setup, test_no_accounts, fixture_teardown);
  g_test_add ("/pairpad/start-view/create-unreachable", Fixture, NULL,
              fixture_setup, test_create_unreachable, fixture_teardown);
  g_test_add ("/pairpad/start-view/join-by-link", Fixture, NULL,
              fixture_setup, test_join_by_link, fixture_teardown);
  g_test_add ("/pairpad/start-view/recent-rooms", Fixture, NULL,
              fixture_setup, test_recent_rooms, fixture_teardown);

  return g_test_run ();
}
