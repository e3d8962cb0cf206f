/* test-room-view.c: a real PairpadRoomView in a window, joined to a real pairpadd with a protocol client.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-room-view"

#include "config.h"

#include <adwaita.h>
#include <pairpad.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "pairpad-room-view.h"

/* Follow mode, the view we announce, remote carets that move with the
 * text, and a change of name: what the people popover and the editor
 * promise, checked against what the daemon relays to another client. */

#define N_LINES 400

typedef struct
{
  PpTestDaemon    *daemon;
  char            *room;
  GtkWindow       *window;
  PairpadRoomView *view;
  PpTestClient    *robot;
} Fixture;

static GtkTextBuffer *
get_buffer (Fixture *f)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (f->view)));
}

static PpClientSession *
get_session (Fixture *f)
{
  return pairpad_room_view_get_session (f->view);
}

static gboolean
app_is_synced (Fixture *f)
{
  return pp_client_session_get_state (get_session (f)) == PP_CLIENT_SESSION_SYNCED;
}

static gint64
line_offset (guint line)
{
  /* Every line is "line NNN\n": 9 characters. */
  return (gint64) line * 9;
}

static const PpUserInfo *
find_user (PpClientSession *session,
           const char      *user)
{
  GPtrArray *users = pp_client_session_get_users (session);

  for (guint i = 0; i < users->len; i++)
    {
      const PpUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->user, user) == 0)
        return info;
    }

  return NULL;
}

/* The user the robot sees for the app's session. */
static const PpUserInfo *
app_as_seen (Fixture *f)
{
  return find_user (f->robot->session, pp_client_session_get_user (get_session (f)));
}

static int
first_visible_line (Fixture *f)
{
  PpRange range;
  GtkTextIter iter;

  pairpad_source_view_get_visible_range (pairpad_room_view_get_source_view (f->view), &range);
  gtk_text_buffer_get_iter_at_offset (get_buffer (f), &iter, (int) range.anchor);

  return gtk_text_iter_get_line (&iter);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);

  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  for (guint i = 0; i < N_LINES; i++)
    g_string_append_printf (text, "line %03u\n", i);
  f->room = pp_test_daemon_create_room (f->daemon, text->str);

  f->view = pairpad_room_view_new (f->daemon->base_url, f->room, NULL);
  f->window = pp_test_window_new (GTK_WIDGET (f->view), 600, 400);

  PP_TEST_WAIT (app_is_synced (f), 10000);

  f->robot = pp_test_client_new (f->daemon, f->room, "robot-client-1", "Robot");
  pp_test_client_join (f->robot);
  PP_TEST_WAIT (pp_client_session_get_users (get_session (f))->len == 1, 10000);
  PP_TEST_WAIT (app_as_seen (f) != NULL, 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->robot, pp_test_client_free);
  pp_test_destroy_windows ();
  g_clear_pointer (&f->room, g_free);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
}

/* The first line one can read: at least half of it on screen. (GTK keeps
 * the top line in place through edits above it, give or take the 6 px top
 * margin.) */
static char *
dup_first_visible_line (Fixture *f)
{
  GtkTextView *view = GTK_TEXT_VIEW (pairpad_room_view_get_source_view (f->view));
  GdkRectangle visible;
  GtkTextIter start, end;
  int line_top, height;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_line_at_y (view, &start, visible.y, &line_top);
  gtk_text_view_get_line_yrange (view, &start, &line_top, &height);
  if (visible.y - line_top > height / 2)
    gtk_text_iter_forward_line (&start);
  end = start;
  gtk_text_iter_forward_to_line_end (&end);

  return gtk_text_iter_get_text (&start, &end);
}

static void
scroll_to_line (Fixture *f,
                int      line)
{
  GtkTextView *view = GTK_TEXT_VIEW (pairpad_room_view_get_source_view (f->view));
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkTextIter iter;
  int y, height;

  PP_TEST_WAIT (gtk_adjustment_get_upper (vadjustment) > 300 * 10, 10000);
  /* Twice: the second time the lines around are measured, not estimated. */
  for (guint i = 0; i < 2; i++)
    {
      gtk_text_buffer_get_iter_at_line (get_buffer (f), &iter, line);
      gtk_text_view_get_line_yrange (view, &iter, &y, &height);
      gtk_adjustment_set_value (vadjustment, y + gtk_text_view_get_top_margin (view));
      pp_test_wait_for_layout ();
    }
}

static void
test_announces_view (Fixture       *f,
                     gconstpointer  data)
{
  GtkTextIter iter;

  if (f->daemon == NULL)
    return;

  /* The robot learns what the app shows, and again after it scrolls. */
  PP_TEST_WAIT (app_as_seen (f)->has_view, 10000);
  g_assert_cmpint (app_as_seen (f)->view.anchor, ==, 0);

  /* Scroll to line 200. */
  scroll_to_line (f, 200);
  PP_TEST_WAIT (app_as_seen (f)->view.anchor > line_offset (150), 10000);

  gtk_text_buffer_get_iter_at_offset (get_buffer (f), &iter, (int) app_as_seen (f)->view.anchor);
  g_assert_cmpint (gtk_text_iter_get_line (&iter), ==, first_visible_line (f));
  g_assert_cmpint (app_as_seen (f)->view.head, >, app_as_seen (f)->view.anchor);
}

/* Someone typing far above does not move what you read, nor your caret. */
static void
test_remote_edits_keep_view (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *top = NULL;
  g_autofree char *caret_line = NULL;
  GtkTextIter iter, end;

  if (f->daemon == NULL)
    return;

  gtk_text_buffer_get_iter_at_line_offset (get_buffer (f), &iter, 210, 2);
  gtk_text_buffer_place_cursor (get_buffer (f), &iter);
  scroll_to_line (f, 200);
  top = dup_first_visible_line (f);
  g_assert_cmpstr (top, ==, "line 200");

  for (guint i = 0; i < 30; i++)
    pp_test_client_insert (f->robot, 0, "more\nlines\n");
  PP_TEST_WAIT (pp_client_session_get_version (get_session (f)) >= 2 &&
                pp_test_client_is_synced (f->robot) &&
                pp_client_session_get_version (get_session (f)) ==
                pp_client_session_get_version (f->robot->session), 10000);
  pp_test_wait_for_layout ();

  /* Sixty lines came in above: without the view's anchor, line 140 would
   * be on top. GtkTextView measures lines it had only estimated as it
   * goes, so the anchor may settle a part of a line away. */
  g_clear_pointer (&top, g_free);
  top = dup_first_visible_line (f);
  if (g_strcmp0 (top, "line 199") != 0 && g_strcmp0 (top, "line 201") != 0)
    g_assert_cmpstr (top, ==, "line 200");

  gtk_text_buffer_get_iter_at_mark (get_buffer (f), &iter, gtk_text_buffer_get_insert (get_buffer (f)));
  g_assert_cmpint (gtk_text_iter_get_line_offset (&iter), ==, 2);
  gtk_text_iter_set_line_offset (&iter, 0);
  end = iter;
  gtk_text_iter_forward_to_line_end (&end);
  caret_line = gtk_text_iter_get_text (&iter, &end);
  g_assert_cmpstr (caret_line, ==, "line 210");
}

static void
test_follow (Fixture       *f,
             gconstpointer  data)
{
  const char *robot_user;
  PpRange view = { line_offset (300), line_offset (320) };
  PpRange caret = { line_offset (305), line_offset (305) };

  if (f->daemon == NULL)
    return;

  robot_user = pp_client_session_get_user (f->robot->session);
  pp_client_session_set_view (f->robot->session, &view);
  pp_client_session_set_selection (f->robot->session, &caret, 1);
  PP_TEST_WAIT (find_user (get_session (f), robot_user)->has_view, 10000);
  g_assert_cmpint (first_visible_line (f), ==, 0);

  /* Clicking the robot in the people list: the app shows what it shows,
   * and tells the room whom it follows. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "room.follow", "s", robot_user);
  g_assert_cmpstr (pp_client_session_get_following (get_session (f)), ==, robot_user);
  PP_TEST_WAIT (first_visible_line (f) == 300, 10000);
  PP_TEST_WAIT (g_strcmp0 (app_as_seen (f)->follow, robot_user) == 0, 10000);

  /* The robot's view moves with its edits: 50 lines above it. */
  for (guint i = 0; i < 50; i++)
    pp_test_client_insert (f->robot, 0, "new line\n");
  PP_TEST_WAIT (first_visible_line (f) == 350, 10000);
  pp_test_save_screenshot (GTK_WIDGET (f->window), NULL, "app-follow.png");

  /* And it scrolls on its own. */
  view.anchor = line_offset (10);
  view.head = line_offset (30);
  pp_client_session_set_view (f->robot->session, &view);
  PP_TEST_WAIT (first_visible_line (f) == 10, 10000);

  /* Typing takes the wheel back: following stops, for everyone to see. */
  gtk_text_buffer_begin_user_action (get_buffer (f));
  gtk_text_buffer_insert_at_cursor (get_buffer (f), "typed", -1);
  gtk_text_buffer_end_user_action (get_buffer (f));
  g_assert_null (pp_client_session_get_following (get_session (f)));
  PP_TEST_WAIT (app_as_seen (f)->follow == NULL, 10000);

  /* Following someone who leaves ends too. */
  gtk_widget_activate_action (GTK_WIDGET (f->view), "room.follow", "s", robot_user);
  g_assert_cmpstr (pp_client_session_get_following (get_session (f)), ==, robot_user);
  pp_test_client_disconnect (f->robot);
  PP_TEST_WAIT (pp_client_session_get_users (get_session (f))->len == 0, 10000);
  g_assert_null (pp_client_session_get_following (get_session (f)));
}

/* Where the app draws the robot's caret, from the positions its session
 * keeps transformed. */
static gboolean
get_robot_caret (Fixture      *f,
                 GdkRectangle *rect)
{
  const PpUserInfo *robot = find_user (get_session (f), pp_client_session_get_user (f->robot->session));

  if (robot == NULL || robot->sel->len == 0)
    return FALSE;
  pairpad_source_view_get_offset_location (pairpad_room_view_get_source_view (f->view),
                                           g_array_index (robot->sel, PpRange, 0).head, rect);
  return TRUE;
}

static void
test_remote_caret_follows_text (Fixture       *f,
                                gconstpointer  data)
{
  PpRange caret = { line_offset (3) + 5, line_offset (3) + 5 };
  GdkRectangle before, after, line;
  GtkTextIter iter;

  if (f->daemon == NULL)
    return;

  pp_client_session_set_selection (f->robot->session, &caret, 1);
  PP_TEST_WAIT (get_robot_caret (f, &before), 10000);
  pp_test_wait_for_layout ();
  g_assert_true (get_robot_caret (f, &before));
  gtk_text_buffer_get_iter_at_line_offset (get_buffer (f), &iter, 3, 5);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (f->view)),
                                   &iter, &line);
  g_assert_cmpint (line.y, >, 0);
  g_assert_cmpint (before.x, ==, line.x);
  g_assert_cmpint (before.y, ==, line.y);

  /* A line inserted above by the robot: one line lower, same column. */
  pp_test_client_insert (f->robot, 0, "inserted\n");
  PP_TEST_WAIT (pp_client_session_get_version (get_session (f)) == 1, 10000);
  pp_test_wait_for_layout ();
  g_assert_true (get_robot_caret (f, &after));
  g_assert_cmpint (after.x, ==, before.x);
  g_assert_cmpint (after.y, ==, before.y + line.height);

  /* Text typed before it on its line: same line, further right. */
  gtk_text_buffer_get_iter_at_line_offset (get_buffer (f), &iter, 4, 0);
  gtk_text_buffer_begin_user_action (get_buffer (f));
  gtk_text_buffer_insert (get_buffer (f), &iter, ">>", -1);
  gtk_text_buffer_end_user_action (get_buffer (f));
  pp_test_wait_for_layout ();
  before = after;
  g_assert_true (get_robot_caret (f, &after));
  g_assert_cmpint (after.y, ==, before.y);
  g_assert_cmpint (after.x, >, before.x);

  /* Both edits reached the robot too. */
  PP_TEST_WAIT (pp_test_client_is_synced (f->robot) &&
                pp_client_session_get_version (f->robot->session) == 2, 10000);
  {
    g_autofree char *text = pp_test_client_dup_text (f->robot);

    g_assert_true (g_str_has_prefix (text, "inserted\nline 000\nline 001\nline 002\n>>line 003\n"));
  }
}

static void
test_change_identity (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.pairpad.Pairpad");
  const char *old_user;

  if (f->daemon == NULL)
    return;

  old_user = pp_client_session_get_user (get_session (f));
  g_assert_nonnull (old_user);

  /* Unsent edits survive the reconnect that carries the new name. */
  gtk_text_buffer_begin_user_action (get_buffer (f));
  gtk_text_buffer_insert_at_cursor (get_buffer (f), "before rename\n", -1);
  gtk_text_buffer_end_user_action (get_buffer (f));
  g_settings_set_string (settings, "user-name", "Grace Hopper");
  g_settings_set_string (settings, "user-color", "#8e4ec6");

  PP_TEST_WAIT (app_is_synced (f) && app_as_seen (f) != NULL &&
                g_strcmp0 (app_as_seen (f)->name, "Grace Hopper") == 0 &&
                g_strcmp0 (app_as_seen (f)->color, "#8e4ec6") == 0, 10000);
  /* One person, not a ghost of the old session beside the new one. */
  PP_TEST_WAIT (pp_client_session_get_users (f->robot->session)->len == 1, 10000);

  PP_TEST_WAIT (pp_client_session_get_n_unsent (get_session (f)) == 0, 10000);
  {
    g_autofree char *rest = pp_test_daemon_dup_text (f->daemon, f->room, NULL);

    g_assert_true (g_str_has_prefix (rest, "before rename\n"));
  }

  g_settings_reset (settings, "user-name");
  g_settings_reset (settings, "user-color");
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/room-view/announces-view", Fixture, NULL,
              fixture_setup, test_announces_view, fixture_teardown);
  g_test_add ("/pairpad/room-view/remote-edits-keep-view", Fixture, NULL,
              fixture_setup, test_remote_edits_keep_view, fixture_teardown);
  g_test_add ("/pairpad/room-view/follow", Fixture, NULL,
              fixture_setup, test_follow, fixture_teardown);
  g_test_add ("/pairpad/room-view/remote-caret-follows-text", Fixture, NULL,
              fixture_setup, test_remote_caret_follows_text, fixture_teardown);
  g_test_add ("/pairpad/room-view/change-identity", Fixture, NULL,
              fixture_setup, test_change_identity, fixture_teardown);

  return g_test_run ();
}
