/* test-share.c: the owner's share dialog, and what viewers and share link holders see.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-share"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <pairpad.h>

#include "app-harness.h"
#include "daemon-harness.h"
#include "pairpad-application.h"
#include "pairpad-link.h"
#include "pairpad-room-view.h"
#include "pairpad-share-dialog.h"

/* Every room here is made by the start page, as a person would, so the
 * app holds its owner key; the owner's changes go through the share
 * dialog's own controls and actions. The others are further room views in
 * this process, opened once the owner key is forgotten (or with a share
 * link pasted into the start page): each is someone else's app. What is
 * checked is what people rely on: whether the editor takes typing, which
 * banners show, what the people list says. */

typedef struct
{
  PpTestDaemon    *daemon;
  GSettings       *settings;
  GtkWidget       *start_view;
  GPtrArray       *opened;     /* "server room [token]", from the start page */
  char            *room;
  PairpadRoomView *owner;
} Fixture;

static gboolean
is_editable (PairpadRoomView *view)
{
  return gtk_text_view_get_editable (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (view)));
}

/* From now on this process is someone else's app: it has no owner key.
 * (The owner's view keeps the one it joined with.) */
static void
forget_owner_key (Fixture *f)
{
  pp_test_secrets_forget (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                          f->daemon->base_url, f->room);
}

static PairpadRoomView *
open_room (Fixture    *f,
           const char *token)
{
  return pp_test_room_view_open (f->daemon->base_url, f->room, token);
}

/* A share link pasted into the start page: what it opens, token and all. */
static PairpadRoomView *
open_link (Fixture    *f,
           const char *link)
{
  GtkWidget *link_row = pp_test_find_widget (f->start_view, ADW_TYPE_ENTRY_ROW, "Room Link");
  g_auto(GStrv) opened = NULL;
  guint n = f->opened->len;

  gtk_editable_set_text (GTK_EDITABLE (link_row), link);
  g_signal_emit_by_name (link_row, "apply");
  g_assert_cmpuint (f->opened->len, ==, n + 1);
  opened = g_strsplit (g_ptr_array_index (f->opened, n), " ", 3);
  g_assert_cmpstr (opened[0], ==, f->daemon->base_url);
  g_assert_cmpstr (opened[1], ==, f->room);

  return open_room (f, opened[2]);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(GStrv) opened = NULL;

  f->daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  if (f->daemon == NULL)
    return;
  pp_test_daemon_start (f->daemon);

  f->settings = pp_test_settings_new (f->daemon->base_url);
  f->opened = g_ptr_array_new_with_free_func (g_free);

  /* The owner makes the room on the start page, and opens it. */
  f->start_view = pp_test_start_view_new (f->opened);
  pp_test_window_new (f->start_view, 720, 420);
  opened = pp_test_create_room (f->start_view, f->opened);
  g_assert_null (opened[2]);
  f->room = g_strdup (opened[1]);

  f->owner = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_room_view_is_in (f->owner), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (f->owner)), ==, PP_ROLE_OWNER);
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

/* Clicks the owner's Share button; the dialog, once it shows the settings. */
static GtkWidget *
open_share_dialog (Fixture *f)
{
  GtkWidget *dialog, *access_row;

  pp_test_click (GTK_WIDGET (f->owner), "room.share-settings");
  dialog = GTK_WIDGET (pp_test_find_toplevel (PAIRPAD_TYPE_SHARE_DIALOG));
  g_assert_nonnull (dialog);

  access_row = pp_test_find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");
  g_assert_nonnull (access_row);
  PP_TEST_WAIT (gtk_widget_get_mapped (access_row) && gtk_widget_is_sensitive (access_row), 10000);

  return dialog;
}

/* Each change is done once the daemon answered and the controls take input again. */
static void
wait_idle (GtkWidget *dialog)
{
  GtkWidget *access_row = pp_test_find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");

  PP_TEST_WAIT (gtk_widget_is_sensitive (access_row), 10000);
}

static void
set_general_access (GtkWidget       *dialog,
                    PpGeneralAccess  access)
{
  GtkWidget *access_row = pp_test_find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");

  adw_combo_row_set_selected (ADW_COMBO_ROW (access_row), access);
  wait_idle (dialog);
}

static void
answer_message_dialog (const char *response)
{
  AdwMessageDialog *message;

  PP_TEST_WAIT (pp_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL, 5000);
  message = ADW_MESSAGE_DIALOG (pp_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (adw_message_dialog_has_response (message, response));
  adw_message_dialog_response (message, response);
}

/* Moves @view's caret: @other sees it move, and shows its people list
 * again (as a click on it would). */
static void
move_caret (PairpadRoomView *view,
            PairpadRoomView *other)
{
  GtkTextView *text_view = GTK_TEXT_VIEW (pairpad_room_view_get_source_view (view));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  gboolean presence = FALSE;
  GtkTextIter iter;
  gulong id;

  id = g_signal_connect_swapped (pairpad_room_view_get_session (other), "presence", G_CALLBACK (pp_test_set_flag),
                                 &presence);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 1);
  gtk_text_buffer_place_cursor (buffer, &iter);
  PP_TEST_WAIT (presence, 5000);
  g_signal_handler_disconnect (pairpad_room_view_get_session (other), id);
  gtk_widget_activate_action (GTK_WIDGET (other), "room.people", NULL);
}

/* Closes the popover @widget is in, as Escape would. */
static void
close_popover (GtkWidget *widget)
{
  GtkWidget *popover = gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER);

  g_assert_nonnull (popover);
  gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The owner makes the room view-only: someone who comes with the plain
 * room link watches, cannot type, and sees why; the owner sees them as a
 * watcher. Then a lock stops everyone, the owner included, and lifting
 * both gives the viewer the editor back, live. */
static void
test_view_only (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *dialog;
  PairpadRoomView *guest;
  GtkTextBuffer *buffer, *owner_buffer;
  GtkWidget *lock_switch;
  g_autofree char *text = NULL;

  if (f->daemon == NULL)
    return;

  g_assert_true (is_editable (f->owner));
  dialog = open_share_dialog (f);
  set_general_access (dialog, PP_GENERAL_ACCESS_VIEW);
  PP_TEST_WAIT (pp_client_session_get_general_access (pairpad_room_view_get_session (f->owner)) ==
                PP_GENERAL_ACCESS_VIEW, 10000);
  /* The owner still edits. */
  g_assert_true (is_editable (f->owner));
  g_assert_null (pp_test_find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "View only"));
  pp_test_save_screenshot (dialog, NULL, "app-share-dialog.png");

  forget_owner_key (f);
  guest = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_room_view_is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (guest)), ==, PP_ROLE_VIEWER);
  PP_TEST_WAIT (pp_test_shows (guest, "View only"), 5000);
  g_assert_false (is_editable (guest));
  g_assert_false (gtk_widget_get_sensitive (pp_test_find_widget (GTK_WIDGET (guest),
                                                                 GTK_TYPE_DROP_DOWN, NULL)));
  g_assert_false (gtk_widget_get_visible (pp_test_find_button (GTK_WIDGET (guest),
                                                               "room.share-settings")));

  /* Not even a program gets text in: nothing changes, nothing is sent. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (guest)));
  gtk_text_buffer_insert_at_cursor (buffer, "sneaky", -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
  g_assert_cmpuint (pp_client_session_get_n_unsent (pairpad_room_view_get_session (guest)), ==, 0);

  /* Each sees the other's role in the people list, also once they moved
   * their carets (a presence frame carries no role). */
  PP_TEST_WAIT (pp_test_find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching") != NULL,
                5000);
  PP_TEST_WAIT (pp_test_find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner") != NULL, 5000);
  owner_buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                   pairpad_room_view_get_source_view (f->owner)));
  gtk_text_buffer_insert_at_cursor (owner_buffer, "hello", -1);
  PP_TEST_WAIT (gtk_text_buffer_get_char_count (buffer) == 5, 5000);
  move_caret (f->owner, guest);
  move_caret (guest, f->owner);
  g_assert_nonnull (pp_test_find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching"));
  g_assert_nonnull (pp_test_find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner"));
  close_popover (pp_test_find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching"));
  close_popover (pp_test_find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner"));
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (guest))), NULL,
                           "app-view-only.png");

  /* Locked: nobody edits, and the owner can unlock from the banner. */
  lock_switch = pp_test_find_widget (dialog, GTK_TYPE_SWITCH, NULL);
  gtk_switch_set_active (GTK_SWITCH (lock_switch), TRUE);
  wait_idle (dialog);
  PP_TEST_WAIT (pp_test_shows (guest, "Locked by the owner"), 5000);
  PP_TEST_WAIT (pp_test_shows (f->owner, "you included"), 5000);
  g_assert_false (is_editable (f->owner));
  g_assert_false (is_editable (guest));
  g_assert_true (gtk_widget_get_visible (pp_test_find_button (GTK_WIDGET (f->owner),
                                                              "room.unlock")));
  g_assert_false (gtk_widget_get_visible (pp_test_find_button (GTK_WIDGET (guest), "room.unlock")));
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (f->owner))), NULL,
                           "app-locked-owner.png");

  g_signal_emit_by_name (pp_test_find_button (GTK_WIDGET (f->owner), "room.unlock"), "clicked");
  PP_TEST_WAIT (is_editable (f->owner), 10000);
  /* The dialog follows what happened elsewhere. */
  PP_TEST_WAIT (!gtk_switch_get_active (GTK_SWITCH (lock_switch)), 5000);
  PP_TEST_WAIT (pp_test_shows (guest, "View only"), 5000);

  set_general_access (dialog, PP_GENERAL_ACCESS_EDIT);
  PP_TEST_WAIT (is_editable (guest), 10000);
  /* Gone, once the banner has slid away. */
  PP_TEST_WAIT (!pp_test_shows (guest, "View only"), 5000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (guest)), ==, PP_ROLE_EDITOR);
  gtk_text_buffer_insert_at_cursor (buffer, "now allowed", -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (pairpad_room_view_get_session (guest)) == 0, 10000);
  text = pp_test_daemon_dup_text (f->daemon, f->room, NULL);
  g_assert_cmpstr (text, ==, "hnow allowedello");
}

/* A private room with an edit link: the link lets its holder edit, nobody
 * gets in without it, and a new link shuts out the old one's holders at
 * once, telling them why. */
static void
test_new_link_disconnects (Fixture       *f,
                           gconstpointer  data)
{
  GtkWidget *dialog, *entry;
  PairpadRoomView *holder, *stranger, *late;
  g_autofree char *old_link = NULL;
  g_autofree char *new_link = NULL;

  if (f->daemon == NULL)
    return;

  dialog = open_share_dialog (f);
  set_general_access (dialog, PP_GENERAL_ACCESS_RESTRICTED);
  g_assert_null (pp_test_find_widget (dialog, GTK_TYPE_ENTRY, "#token="));
  g_assert_true (gtk_widget_activate_action (dialog, "share.create-link", "s", "edit"));
  PP_TEST_WAIT ((entry = pp_test_find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL, 10000);
  old_link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_assert_true (g_str_has_prefix (old_link, f->daemon->base_url));
  pp_test_save_screenshot (dialog, NULL, "app-share-dialog-links.png");

  forget_owner_key (f);

  /* Without the link: the door is shut, and the banner says why. */
  stranger = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_shows (stranger, "This room is private"), 10000);
  g_assert_false (is_editable (stranger));

  /* With it, pasted into the start page: in, as an editor. */
  holder = open_link (f, old_link);
  PP_TEST_WAIT (pp_test_room_view_is_in (holder), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (holder)), ==, PP_ROLE_EDITOR);
  g_assert_true (is_editable (holder));

  /* The owner replaces the link, after a warning. */
  g_assert_true (gtk_widget_activate_action (dialog, "share.new-link", "s", "edit"));
  answer_message_dialog ("replace");
  PP_TEST_WAIT ((entry = pp_test_find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL &&
                g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), old_link) != 0, 10000);
  new_link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  /* Out at once, told why, and not trying again. */
  PP_TEST_WAIT (pp_test_shows (holder, "This share link no longer works"), 10000);
  g_assert_false (is_editable (holder));
  g_assert_false (pp_test_room_view_is_in (holder));
  pp_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (holder))), NULL,
                           "app-link-replaced.png");

  /* The old link opens nothing; the new one does. */
  late = open_link (f, old_link);
  PP_TEST_WAIT (pp_test_shows (late, "This share link no longer works"), 10000);
  late = open_link (f, new_link);
  PP_TEST_WAIT (pp_test_room_view_is_in (late), 10000);
  g_assert_true (is_editable (late));
}

/* The app's owner key of the room, "" when it has none. */
static char *
lookup_owner_key (Fixture *f)
{
  return pp_test_secrets_dup (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                              f->daemon->base_url, f->room);
}

/* Deleting the room, after a confirmation: everyone in it is told, and the
 * app lets go of the owner key, which opens nothing any more. */
static void
test_delete_room (Fixture       *f,
                  gconstpointer  data)
{
  GtkWidget *dialog;
  PairpadRoomView *guest;
  g_autofree char *key = NULL;
  g_autofree char *path = NULL;
  g_autofree char *after = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status;

  if (f->daemon == NULL)
    return;

  dialog = open_share_dialog (f);
  key = lookup_owner_key (f);
  g_assert_true (pairpad_link_token_is_valid (key));
  forget_owner_key (f);
  guest = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_room_view_is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (guest)), ==, PP_ROLE_EDITOR);
  /* Back with the owner's app, which is this process. */
  pp_test_secrets_store (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                         f->daemon->base_url, f->room, key);

  /* Cancelling deletes nothing. */
  g_assert_true (gtk_widget_activate_action (dialog, "share.delete-room", NULL));
  answer_message_dialog ("cancel");
  g_assert_true (gtk_widget_activate_action (dialog, "share.delete-room", NULL));
  answer_message_dialog ("delete");

  PP_TEST_WAIT (pp_test_shows (guest, "The owner deleted this room"), 10000);
  PP_TEST_WAIT (pp_test_shows (f->owner, "You deleted this room"), 10000);
  g_assert_false (is_editable (guest));
  g_assert_false (gtk_widget_get_visible (pp_test_find_button (GTK_WIDGET (guest), "room.retry")));
  PP_TEST_WAIT (pp_test_find_toplevel (PAIRPAD_TYPE_SHARE_DIALOG) == NULL, 5000);

  path = g_strconcat ("/api/v1/rooms/", f->room, NULL);
  node = pp_test_daemon_request (f->daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  after = lookup_owner_key (f);
  g_assert_cmpstr (after, ==, "");
}

/* The share link's token a fresh start of the app finds for the room, ""
 * when there is none. */
static char *
dup_kept_share_token (Fixture *f)
{
  g_autoptr(PairpadSecrets) next_run = pairpad_secrets_new ();

  return pp_test_secrets_dup (next_run, PAIRPAD_SECRET_SHARE_TOKEN, f->daemon->base_url, f->room);
}

/* A private room joined with a share link opens again from Recent Rooms,
 * whose link has no token: the app kept the link's token, in the keyring
 * rather than in the settings, and presents it. */
static void
test_recent_room_keeps_link (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PairpadApplication) app = pairpad_application_new ();
  g_autoptr(GVariant) recent = NULL;
  g_autofree char *recent_text = NULL;
  g_autofree char *link = NULL;
  g_autofree char *room_link = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *token = NULL;
  g_auto(GStrv) opened = NULL;
  GtkWidget *dialog, *entry, *row;
  PairpadRoomView *holder, *again, *without;

  if (f->daemon == NULL)
    return;

  dialog = open_share_dialog (f);
  set_general_access (dialog, PP_GENERAL_ACCESS_RESTRICTED);
  g_assert_true (gtk_widget_activate_action (dialog, "share.create-link", "s", "edit"));
  PP_TEST_WAIT ((entry = pp_test_find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL, 10000);
  link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  token = g_strdup (strstr (link, "#token=") + strlen ("#token="));
  gtk_window_destroy (GTK_WINDOW (dialog));
  forget_owner_key (f);

  /* Someone else's app joins with the link, then closes the room. */
  holder = open_link (f, link);
  PP_TEST_WAIT (pp_test_room_view_is_in (holder), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (holder)), ==, PP_ROLE_EDITOR);
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (holder))));

  /* The settings list the room by its plain link; the token is elsewhere. */
  room_link = pairpad_link_build (f->daemon->base_url, f->room);
  recent = g_settings_get_value (f->settings, "recent-rooms");
  recent_text = g_variant_print (recent, FALSE);
  g_assert_nonnull (strstr (recent_text, room_link));
  g_assert_null (strstr (recent_text, token));
  /* And there for the next start of the app, once the keyring has it. */
  if (pp_test_keyring_is_available ())
    {
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      while (g_strcmp0 (kept = dup_kept_share_token (f), token) != 0 &&
             g_get_monotonic_time () < deadline)
        g_clear_pointer (&kept, g_free);
      g_assert_cmpstr (kept, ==, token);
    }
  else
    g_test_message ("no Secret Service: the link is kept as long as the app runs");

  /* Opened from Recent Rooms: in again, as the link's editor. */
  PP_TEST_WAIT ((row = pp_test_find_widget (f->start_view, ADW_TYPE_ACTION_ROW,
                                            "Untitled Room")) != NULL, 5000);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_cmpuint (f->opened->len, ==, 3);
  opened = g_strsplit (g_ptr_array_index (f->opened, 2), " ", 3);
  g_assert_cmpstr (opened[1], ==, f->room);
  g_assert_null (opened[2]);
  again = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_room_view_is_in (again), 10000);
  g_assert_cmpint (pp_client_session_get_role (pairpad_room_view_get_session (again)), ==, PP_ROLE_EDITOR);
  g_assert_true (is_editable (again));

  /* It was the kept token that let it in: without it, the door is shut. */
  pp_test_secrets_forget (pairpad_secrets_get_default (), PAIRPAD_SECRET_SHARE_TOKEN,
                          f->daemon->base_url, f->room);
  without = open_room (f, NULL);
  PP_TEST_WAIT (pp_test_shows (without, "This room is private"), 10000);
  g_assert_false (pp_test_room_view_is_in (without));
}

int
main (int   argc,
      char *argv[])
{
  if (!pp_test_app_init (&argc, &argv))
    return g_test_run ();

  g_test_add ("/pairpad/share/view-only", Fixture, NULL,
              fixture_setup, test_view_only, fixture_teardown);
  g_test_add ("/pairpad/share/new-link-disconnects", Fixture, NULL,
              fixture_setup, test_new_link_disconnects, fixture_teardown);
  g_test_add ("/pairpad/share/delete-room", Fixture, NULL,
              fixture_setup, test_delete_room, fixture_teardown);
  g_test_add ("/pairpad/share/recent-room-keeps-link", Fixture, NULL,
              fixture_setup, test_recent_room_keeps_link, fixture_teardown);

  return g_test_run ();
}
