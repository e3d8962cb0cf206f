/* test-history-dialog.c: the history dialog: versions, authors, checkpoints, restore.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-history-dialog"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <pairpad.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "pairpad-history-dialog.h"
#include "pairpad-room-view.h"

/* A real daemon and a room made on the start page, so the app holds its
 * owner key, as in test-share. The dialog is opened from the room view's
 * own action and used through its actions and rows; what the room and the
 * daemon have afterwards is checked on the room view and over REST. */

#define FIRST_DRAFT "def greet ():\n    print (\"hello\")\n"
#define OWNER_NAME  "Ada"
#define OWNER_COLOR "#e66100"

typedef struct
{
  PpTestDaemon    *daemon;
  GSettings       *settings;
  GPtrArray       *opened;
  char            *room;
  PairpadRoomView *owner;
} Fixture;

static PairpadRoomView *
open_room (Fixture *f)
{
  return pp_test_room_view_open (f->daemon->base_url, f->room, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(GStrv) opened = NULL;
  GtkWidget *start_view;

  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  /* The owner's name and color, which the dialog shows as the author's. */
  g_settings_set_string (f->settings, "user-name", OWNER_NAME);
  g_settings_set_string (f->settings, "user-color", OWNER_COLOR);
  f->opened = g_ptr_array_new_with_free_func (g_free);

  start_view = pp_test_start_view_new (f->opened);
  pp_test_window_new (start_view, 720, 420);
  opened = pp_test_create_room (start_view, f->opened);
  f->room = g_strdup (opened[1]);

  f->owner = open_room (f);
  PP_TEST_WAIT (pp_test_room_view_is_in (f->owner), 10000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  pp_test_destroy_windows ();
  g_clear_pointer (&f->settings, pp_test_settings_reset_and_unref);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  g_clear_pointer (&f->room, g_free);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
}

static PairpadHistoryDialog *
open_history (PairpadRoomView *view)
{
  PairpadHistoryDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "room.history", NULL));
  dialog = PAIRPAD_HISTORY_DIALOG (pp_test_find_toplevel (PAIRPAD_TYPE_HISTORY_DIALOG));
  g_assert_nonnull (dialog);
  /* It opens on the room as it is now. */
  PP_TEST_WAIT (pairpad_history_dialog_get_shown_version (dialog) ==
                pp_client_session_get_version (pairpad_room_view_get_session (view)), 10000);

  return dialog;
}

static AdwMessageDialog *
wait_message_dialog (void)
{
  PP_TEST_WAIT (pp_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL, 5000);
  return ADW_MESSAGE_DIALOG (pp_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

/* As a click on the button of @response does: answered, then closed. */
static void
answer (AdwMessageDialog *message,
        const char       *response)
{
  g_assert_true (adw_message_dialog_has_response (message, response));
  adw_message_dialog_response (message, response);
  gtk_window_close (GTK_WINDOW (message));
  PP_TEST_WAIT (pp_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL, 5000);
}

/* The daemon's checkpoints of the room, as {v, name, created_at} objects. */
static JsonArray *
get_checkpoints (Fixture   *f,
                 JsonNode **node)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/rooms/%s/checkpoints", f->room);
  guint status;

  *node = pp_test_daemon_request (f->daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  return json_object_get_array_member (json_node_get_object (*node), "checkpoints");
}

/* Whether the preview's text at @offset is tinted in @color. */
static gboolean
is_tinted (GtkTextBuffer *buffer,
           int            offset,
           const char    *color)
{
  g_autoptr(GSList) tags = NULL;
  GdkRGBA want;
  GtkTextIter iter;

  g_assert_true (gdk_rgba_parse (&want, color));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      g_autofree char *name = NULL;
      g_autoptr(GdkRGBA) rgba = NULL;

      g_object_get (l->data, "name", &name, "background-rgba", &rgba, NULL);
      if (name != NULL && g_str_has_prefix (name, "author-") && rgba != NULL &&
          ABS (rgba->red - want.red) < 0.01 && ABS (rgba->green - want.green) < 0.01 &&
          ABS (rgba->blue - want.blue) < 0.01 && rgba->alpha < 1)
        return TRUE;
    }

  return FALSE;
}

/* Text typed, a checkpoint saved in the dialog, then everything deleted:
 * the checkpoint's version shows the old text in its author's color, and
 * restoring it brings the text back in the room and on the daemon, as one
 * new version. */
static void
test_checkpoint_and_restore (Fixture       *f,
                             gconstpointer  data)
{
  PpClientSession *session;
  PairpadHistoryDialog *dialog;
  AdwMessageDialog *message;
  GtkTextBuffer *preview;
  g_autoptr(JsonNode) checkpoints_node = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *daemon_text = NULL;
  g_autofree char *room_text = NULL;
  GtkWidget *entry, *row;
  JsonArray *checkpoints;
  gint64 checkpoint_v, before_restore, version;

  if (f->daemon == NULL)
    return;

  session = pairpad_room_view_get_session (f->owner);
  pp_test_room_view_type (f->owner, "def greet ():\n");
  pp_test_room_view_type (f->owner, "    print (\"hello\")\n");
  g_assert_cmpint (pp_client_session_get_version (session), ==, 2);

  /* A checkpoint, named in the dialog. */
  dialog = open_history (f->owner);
  g_assert_true (pp_test_shows (dialog, "No checkpoints yet"));
  pp_test_click (GTK_WIDGET (dialog), "history.save-checkpoint");
  message = wait_message_dialog ();
  entry = pp_test_find_widget (GTK_WIDGET (message), GTK_TYPE_ENTRY, NULL);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "First draft");
  answer (message, "save");
  PP_TEST_WAIT ((row = pp_test_find_row (GTK_WIDGET (dialog), "First draft")) != NULL, 10000);
  checkpoints = get_checkpoints (f, &checkpoints_node);
  g_assert_cmpuint (json_array_get_length (checkpoints), ==, 1);
  checkpoint_v = json_object_get_int_member (json_array_get_object_element (checkpoints, 0), "v");
  g_assert_cmpint (checkpoint_v, ==, 2);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Everything deleted, and more typed, in the room. */
  gtk_text_buffer_set_text (pp_test_room_view_buffer (f->owner), "", -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (session) == 0, 10000);
  pp_test_room_view_type (f->owner, "gone");
  gtk_text_buffer_set_text (pp_test_room_view_buffer (f->owner), "", -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (session) == 0, 10000);
  before_restore = pp_client_session_get_version (session);
  g_assert_cmpint (before_restore, >, checkpoint_v);

  /* Opened again: the checkpoint is a row, and the room is empty now. */
  dialog = open_history (f->owner);
  preview = gtk_text_view_get_buffer (GTK_TEXT_VIEW (
              pp_test_find_widget (GTK_WIDGET (dialog), GTK_SOURCE_TYPE_VIEW, NULL)));
  g_assert_cmpint (gtk_text_buffer_get_char_count (preview), ==, 0);
  PP_TEST_WAIT ((row = pp_test_find_row (GTK_WIDGET (dialog), "First draft")) != NULL, 10000);

  /* Dragging across versions loads only where the scale stops. */
  for (version = 0; version <= before_restore; version++)
    pairpad_history_dialog_select_version (dialog, version);
  pairpad_history_dialog_select_version (dialog, 1);
  PP_TEST_WAIT (pairpad_history_dialog_get_shown_version (dialog) == 1, 10000);
  shown = pp_test_buffer_dup_text (preview);
  g_assert_cmpstr (shown, ==, "def greet ():\n");
  g_clear_pointer (&shown, g_free);

  /* The checkpoint's row jumps to its version. */
  gtk_widget_activate (row);
  PP_TEST_WAIT (pairpad_history_dialog_get_shown_version (dialog) == checkpoint_v, 10000);
  shown = pp_test_buffer_dup_text (preview);
  g_assert_cmpstr (shown, ==, FIRST_DRAFT);
  g_assert_true (is_tinted (preview, 0, OWNER_COLOR));
  g_assert_true (is_tinted (preview, (int) strlen (FIRST_DRAFT) - 1,
                            OWNER_COLOR));
  /* The legend names the author. */
  g_assert_true (pp_test_shows (dialog, OWNER_NAME));
  g_assert_true (pp_test_can_click (GTK_WIDGET (dialog), "history.save-as"));
  pp_test_save_screenshot (GTK_WIDGET (dialog), NULL, "app-history.png");

  /* Cancelled, nothing happens; confirmed, the room has the text again. */
  pp_test_click (GTK_WIDGET (dialog), "history.restore");
  answer (wait_message_dialog (), "cancel");
  pp_test_click (GTK_WIDGET (dialog), "history.restore");
  answer (wait_message_dialog (), "restore");

  PP_TEST_WAIT (pp_client_session_get_version (session) == before_restore + 1, 10000);
  room_text = pp_test_buffer_dup_text (pp_test_room_view_buffer (f->owner));
  g_assert_cmpstr (room_text, ==, FIRST_DRAFT);
  daemon_text = pp_test_daemon_dup_text (f->daemon, f->room, &version);
  g_assert_cmpstr (daemon_text, ==, FIRST_DRAFT);
  g_assert_cmpint (version, ==, before_restore + 1);
  PP_TEST_WAIT (pp_test_shows (dialog, "restored"), 5000);
}

/* Someone who may only watch reads the history and saves a copy, but
 * neither restores nor names checkpoints. */
static void
test_viewer (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) node = NULL;
  PairpadHistoryDialog *dialog;
  PairpadRoomView *guest;
  guint status;

  if (f->daemon == NULL)
    return;

  pp_test_room_view_type (f->owner, "watch this");
  key = pp_test_secrets_dup (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                             f->daemon->base_url, f->room);
  path = g_strdup_printf ("/api/v1/rooms/%s/access", f->room);
  node = pp_test_daemon_request_with_token (f->daemon, "PATCH", path, "{\"access\": \"view\"}",
                                            key, &status);
  g_assert_cmpuint (status, ==, 200);

  /* Someone else's app: no owner key. */
  pp_test_secrets_forget (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                          f->daemon->base_url, f->room);
  guest = open_room (f);
  PP_TEST_WAIT (pp_test_room_view_is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (guest)), ==, PP_ROLE_VIEWER);

  dialog = open_history (guest);
  g_assert_true (pp_test_can_click (GTK_WIDGET (dialog), "history.save-as"));
  g_assert_false (pp_test_can_click (GTK_WIDGET (dialog), "history.restore"));
  g_assert_false (pp_test_can_click (GTK_WIDGET (dialog), "history.save-checkpoint"));
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/history/checkpoint-and-restore", Fixture, NULL,
              fixture_setup, test_checkpoint_and_restore, fixture_teardown);
  g_test_add ("/pairpad/history/viewer", Fixture, NULL,
              fixture_setup, test_viewer, fixture_teardown);

  return g_test_run ();
}
