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

#include "daemon-harness.h"
#include "keyring-fallback.h"
#include "pairpad-application.h"
#include "pairpad-link.h"
#include "pairpad-room-view.h"
#include "pairpad-screenshot.h"
#include "pairpad-secrets.h"
#include "pairpad-share-dialog.h"
#include "pairpad-start-view.h"

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
  GPtrArray       *opened;     /* "server room token", from the start page */
  char            *room;
  PairpadRoomView *owner;
} Fixture;

static void
on_open_room (Fixture    *f,
              const char *server,
              const char *room,
              const char *token)
{
  g_ptr_array_add (f->opened, g_strdup_printf ("%s %s %s", server, room,
                                               token != NULL ? token : "-"));
}

/* Destroyed at teardown, as every window is. */
static GtkWindow *
window_new (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *overlay = adw_toast_overlay_new ();

  gtk_window_set_default_size (window, 720, 420);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), child);
  gtk_window_set_child (window, overlay);
  gtk_window_present (window);

  return window;
}

/* A widget under @root of @type whose text (a label's, a row's title, an
 * entry's) contains @text, or any of that type when @text is NULL. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *text)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      const char *have = NULL;

      if (GTK_IS_LABEL (root))
        have = gtk_label_get_label (GTK_LABEL (root));
      else if (ADW_IS_PREFERENCES_ROW (root))
        have = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
      else if (GTK_IS_EDITABLE (root))
        have = gtk_editable_get_text (GTK_EDITABLE (root));

      if (text == NULL || (have != NULL && strstr (have, text) != NULL))
        return root;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A label that says @text where people can see it. */
static gboolean
shows (gpointer    widget,
       const char *text)
{
  GtkWidget *label = find_widget (widget, GTK_TYPE_LABEL, text);

  return label != NULL && gtk_widget_get_mapped (label);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *action)
{
  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static PpClientSession *
session_of (PairpadRoomView *view)
{
  return pairpad_room_view_get_session (view);
}

static gboolean
is_in (PairpadRoomView *view)
{
  return pp_client_session_get_state (session_of (view)) >= PP_CLIENT_SESSION_SYNCED;
}

static gboolean
is_editable (PairpadRoomView *view)
{
  return gtk_text_view_get_editable (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (view)));
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Into $PAIRPAD_SCREENSHOTS, when set, to look at. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  const char *dir = g_getenv ("PAIRPAD_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gint64 until = g_get_monotonic_time () + 400 * 1000;
  gulong id;

  if (dir == NULL)
    return;

  /* Past the banners' and toasts' transitions; then one frame drawn. */
  PP_TEST_WAIT (g_get_monotonic_time () > until, 1000);
  clock = gtk_widget_get_frame_clock (window);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (set_flag), &painted);
  gtk_widget_queue_draw (window);
  PP_TEST_WAIT (painted, 5000);
  g_signal_handler_disconnect (clock, id);

  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  pairpad_screenshot_save (window, path, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  pairpad_secrets_forget_finish (PAIRPAD_SECRETS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* From now on this process is someone else's app: it has no owner key.
 * (The owner's view keeps the one it joined with.) */
static void
forget_owner_key (Fixture *f)
{
  gboolean done = FALSE;

  pairpad_secrets_forget_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                                f->daemon->base_url, f->room, NULL, on_forgotten, &done);
  PP_TEST_WAIT (done, 10000);
}

static PairpadRoomView *
open_room (Fixture    *f,
           const char *token)
{
  PairpadRoomView *view = pairpad_room_view_new (f->daemon->base_url, f->room, token);

  window_new (GTK_WIDGET (view));
  return view;
}

/* A share link pasted into the start page: what it opens, token and all. */
static PairpadRoomView *
open_link (Fixture    *f,
           const char *link)
{
  GtkWidget *link_row = find_widget (f->start_view, ADW_TYPE_ENTRY_ROW, "Room Link");
  g_auto(GStrv) opened = NULL;
  guint n = f->opened->len;

  gtk_editable_set_text (GTK_EDITABLE (link_row), link);
  g_signal_emit_by_name (link_row, "apply");
  g_assert_cmpuint (f->opened->len, ==, n + 1);
  opened = g_strsplit (g_ptr_array_index (f->opened, n), " ", 3);
  g_assert_cmpstr (opened[0], ==, f->daemon->base_url);
  g_assert_cmpstr (opened[1], ==, f->room);

  return open_room (f, g_strcmp0 (opened[2], "-") != 0 ? opened[2] : NULL);
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

  f->settings = g_settings_new (PAIRPAD_APPLICATION_ID);
  g_settings_set_string (f->settings, "server-url", f->daemon->base_url);
  f->opened = g_ptr_array_new_with_free_func (g_free);

  /* The owner makes the room on the start page, and opens it. */
  f->start_view = pairpad_start_view_new ();
  g_signal_connect_swapped (f->start_view, "open-room", G_CALLBACK (on_open_room), f);
  window_new (f->start_view);
  g_assert_true (gtk_widget_activate_action (f->start_view, "start.create", NULL));
  PP_TEST_WAIT (f->opened->len == 1, 10000);
  opened = g_strsplit (g_ptr_array_index (f->opened, 0), " ", 3);
  g_assert_cmpstr (opened[2], ==, "-");
  f->room = g_strdup (opened[1]);

  f->owner = open_room (f, NULL);
  PP_TEST_WAIT (is_in (f->owner), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (f->owner)), ==, PP_ROLE_OWNER);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GtkWindow *window;

  while ((window = find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (window);
  if (f->settings != NULL)
    {
      g_settings_reset (f->settings, "server-url");
      g_settings_reset (f->settings, "recent-rooms");
    }
  g_clear_object (&f->settings);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  g_clear_pointer (&f->room, g_free);
  g_clear_pointer (&f->daemon, pp_test_daemon_free);
}

/* Clicks the owner's Share button; the dialog, once it shows the settings. */
static GtkWidget *
open_share_dialog (Fixture *f)
{
  GtkWidget *button = find_button (GTK_WIDGET (f->owner), "room.share-settings");
  GtkWidget *dialog, *access_row;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
  dialog = GTK_WIDGET (find_toplevel (PAIRPAD_TYPE_SHARE_DIALOG));
  g_assert_nonnull (dialog);

  access_row = find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");
  g_assert_nonnull (access_row);
  PP_TEST_WAIT (gtk_widget_get_mapped (access_row) && gtk_widget_is_sensitive (access_row), 10000);

  return dialog;
}

/* Each change is done once the daemon answered and the controls take input again. */
static void
wait_idle (GtkWidget *dialog)
{
  GtkWidget *access_row = find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");

  PP_TEST_WAIT (gtk_widget_is_sensitive (access_row), 10000);
}

static void
set_general_access (GtkWidget       *dialog,
                    PpGeneralAccess  access)
{
  GtkWidget *access_row = find_widget (dialog, ADW_TYPE_COMBO_ROW, "General Access");

  adw_combo_row_set_selected (ADW_COMBO_ROW (access_row), access);
  wait_idle (dialog);
}

static void
answer_message_dialog (const char *response)
{
  AdwMessageDialog *message;

  PP_TEST_WAIT (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL, 5000);
  message = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
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

  id = g_signal_connect_swapped (session_of (other), "presence", G_CALLBACK (set_flag),
                                 &presence);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 1);
  gtk_text_buffer_place_cursor (buffer, &iter);
  PP_TEST_WAIT (presence, 5000);
  g_signal_handler_disconnect (session_of (other), id);
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
  PP_TEST_WAIT (pp_client_session_get_general_access (session_of (f->owner)) ==
                PP_GENERAL_ACCESS_VIEW, 10000);
  /* The owner still edits. */
  g_assert_true (is_editable (f->owner));
  g_assert_null (find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "View only"));
  save_screenshot (dialog, "app-share-dialog.png");

  forget_owner_key (f);
  guest = open_room (f, NULL);
  PP_TEST_WAIT (is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (guest)), ==, PP_ROLE_VIEWER);
  PP_TEST_WAIT (shows (guest, "View only"), 5000);
  g_assert_false (is_editable (guest));
  g_assert_false (gtk_widget_get_sensitive (find_widget (GTK_WIDGET (guest), GTK_TYPE_DROP_DOWN,
                                                         NULL)));
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (guest),
                                                      "room.share-settings")));

  /* Not even a program gets text in: nothing changes, nothing is sent. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (guest)));
  gtk_text_buffer_insert_at_cursor (buffer, "sneaky", -1);
  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, 0);
  g_assert_cmpuint (pp_client_session_get_n_unsent (session_of (guest)), ==, 0);

  /* Each sees the other's role in the people list, also once they moved
   * their carets (a presence frame carries no role). */
  PP_TEST_WAIT (find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching") != NULL, 5000);
  PP_TEST_WAIT (find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner") != NULL, 5000);
  owner_buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                   pairpad_room_view_get_source_view (f->owner)));
  gtk_text_buffer_insert_at_cursor (owner_buffer, "hello", -1);
  PP_TEST_WAIT (gtk_text_buffer_get_char_count (buffer) == 5, 5000);
  move_caret (f->owner, guest);
  move_caret (guest, f->owner);
  g_assert_nonnull (find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching"));
  g_assert_nonnull (find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner"));
  close_popover (find_widget (GTK_WIDGET (f->owner), GTK_TYPE_LABEL, "watching"));
  close_popover (find_widget (GTK_WIDGET (guest), GTK_TYPE_LABEL, "owner"));
  save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (guest))), "app-view-only.png");

  /* Locked: nobody edits, and the owner can unlock from the banner. */
  lock_switch = find_widget (dialog, GTK_TYPE_SWITCH, NULL);
  gtk_switch_set_active (GTK_SWITCH (lock_switch), TRUE);
  wait_idle (dialog);
  PP_TEST_WAIT (shows (guest, "Locked by the owner"), 5000);
  PP_TEST_WAIT (shows (f->owner, "you included"), 5000);
  g_assert_false (is_editable (f->owner));
  g_assert_false (is_editable (guest));
  g_assert_true (gtk_widget_get_visible (find_button (GTK_WIDGET (f->owner), "room.unlock")));
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (guest), "room.unlock")));
  save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (f->owner))),
                   "app-locked-owner.png");

  g_signal_emit_by_name (find_button (GTK_WIDGET (f->owner), "room.unlock"), "clicked");
  PP_TEST_WAIT (is_editable (f->owner), 10000);
  /* The dialog follows what happened elsewhere. */
  PP_TEST_WAIT (!gtk_switch_get_active (GTK_SWITCH (lock_switch)), 5000);
  PP_TEST_WAIT (shows (guest, "View only"), 5000);

  set_general_access (dialog, PP_GENERAL_ACCESS_EDIT);
  PP_TEST_WAIT (is_editable (guest), 10000);
  /* Gone, once the banner has slid away. */
  PP_TEST_WAIT (!shows (guest, "View only"), 5000);
  g_assert_cmpint (pp_client_session_get_role (session_of (guest)), ==, PP_ROLE_EDITOR);
  gtk_text_buffer_insert_at_cursor (buffer, "now allowed", -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (session_of (guest)) == 0, 10000);
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
  g_assert_null (find_widget (dialog, GTK_TYPE_ENTRY, "#token="));
  g_assert_true (gtk_widget_activate_action (dialog, "share.create-link", "s", "edit"));
  PP_TEST_WAIT ((entry = find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL, 10000);
  old_link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_assert_true (g_str_has_prefix (old_link, f->daemon->base_url));
  save_screenshot (dialog, "app-share-dialog-links.png");

  forget_owner_key (f);

  /* Without the link: the door is shut, and the banner says why. */
  stranger = open_room (f, NULL);
  PP_TEST_WAIT (shows (stranger, "This room is private"), 10000);
  g_assert_false (is_editable (stranger));

  /* With it, pasted into the start page: in, as an editor. */
  holder = open_link (f, old_link);
  PP_TEST_WAIT (is_in (holder), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (holder)), ==, PP_ROLE_EDITOR);
  g_assert_true (is_editable (holder));

  /* The owner replaces the link, after a warning. */
  g_assert_true (gtk_widget_activate_action (dialog, "share.new-link", "s", "edit"));
  answer_message_dialog ("replace");
  PP_TEST_WAIT ((entry = find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL &&
                g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), old_link) != 0, 10000);
  new_link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));

  /* Out at once, told why, and not trying again. */
  PP_TEST_WAIT (shows (holder, "This share link no longer works"), 10000);
  g_assert_false (is_editable (holder));
  g_assert_false (is_in (holder));
  save_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (holder))), "app-link-replaced.png");

  /* The old link opens nothing; the new one does. */
  late = open_link (f, old_link);
  PP_TEST_WAIT (shows (late, "This share link no longer works"), 10000);
  late = open_link (f, new_link);
  PP_TEST_WAIT (is_in (late), 10000);
  g_assert_true (is_editable (late));
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  char **key = data;

  *key = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, NULL);
  if (*key == NULL)
    *key = g_strdup ("");
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  pairpad_secrets_store_finish (PAIRPAD_SECRETS (source), result, NULL);
  *(gboolean *) data = TRUE;
}

/* The app's owner key of the room, "" when it has none. */
static char *
lookup_owner_key (Fixture *f)
{
  char *key = NULL;

  pairpad_secrets_lookup_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                                f->daemon->base_url, f->room, NULL, on_looked_up, &key);
  PP_TEST_WAIT (key != NULL, 10000);

  return key;
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
  gboolean stored = FALSE;
  guint status;

  if (f->daemon == NULL)
    return;

  dialog = open_share_dialog (f);
  key = lookup_owner_key (f);
  g_assert_true (pairpad_link_token_is_valid (key));
  forget_owner_key (f);
  guest = open_room (f, NULL);
  PP_TEST_WAIT (is_in (guest), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (guest)), ==, PP_ROLE_EDITOR);
  /* Back with the owner's app, which is this process. */
  pairpad_secrets_store_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                               f->daemon->base_url, f->room, key, NULL, on_stored, &stored);
  PP_TEST_WAIT (stored, 10000);

  /* Cancelling deletes nothing. */
  g_assert_true (gtk_widget_activate_action (dialog, "share.delete-room", NULL));
  answer_message_dialog ("cancel");
  g_assert_true (gtk_widget_activate_action (dialog, "share.delete-room", NULL));
  answer_message_dialog ("delete");

  PP_TEST_WAIT (shows (guest, "The owner deleted this room"), 10000);
  PP_TEST_WAIT (shows (f->owner, "You deleted this room"), 10000);
  g_assert_false (is_editable (guest));
  g_assert_false (gtk_widget_get_visible (find_button (GTK_WIDGET (guest), "room.retry")));
  PP_TEST_WAIT (find_toplevel (PAIRPAD_TYPE_SHARE_DIALOG) == NULL, 5000);

  path = g_strconcat ("/api/v1/rooms/", f->room, NULL);
  node = pp_test_daemon_request (f->daemon, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 404);
  after = lookup_owner_key (f);
  g_assert_cmpstr (after, ==, "");
}

static void
on_share_token_looked_up (GObject      *source,
                          GAsyncResult *result,
                          gpointer      data)
{
  char **token = data;

  *token = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, NULL);
  if (*token == NULL)
    *token = g_strdup ("");
}

/* The share link's token a fresh start of the app finds for the room, ""
 * when there is none. */
static char *
dup_kept_share_token (Fixture *f)
{
  g_autoptr(PairpadSecrets) next_run = pairpad_secrets_new ();
  char *token = NULL;

  pairpad_secrets_lookup_async (next_run, PAIRPAD_SECRET_SHARE_TOKEN, f->daemon->base_url,
                                f->room, NULL, on_share_token_looked_up, &token);
  PP_TEST_WAIT (token != NULL, 10000);

  return token;
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
  PP_TEST_WAIT ((entry = find_widget (dialog, GTK_TYPE_ENTRY, "#token=")) != NULL, 10000);
  link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  token = g_strdup (strstr (link, "#token=") + strlen ("#token="));
  gtk_window_destroy (GTK_WINDOW (dialog));
  forget_owner_key (f);

  /* Someone else's app joins with the link, then closes the room. */
  holder = open_link (f, link);
  PP_TEST_WAIT (is_in (holder), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (holder)), ==, PP_ROLE_EDITOR);
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (holder))));

  /* The settings list the room by its plain link; the token is elsewhere. */
  room_link = pairpad_link_build (f->daemon->base_url, f->room);
  recent = g_settings_get_value (f->settings, "recent-rooms");
  recent_text = g_variant_print (recent, FALSE);
  g_assert_nonnull (strstr (recent_text, room_link));
  g_assert_null (strstr (recent_text, token));
  /* And there for the next start of the app, once the keyring has it. */
  if (keyring_is_available ())
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
  PP_TEST_WAIT ((row = find_widget (f->start_view, ADW_TYPE_ACTION_ROW, "Untitled Room")) != NULL,
                5000);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_cmpuint (f->opened->len, ==, 3);
  opened = g_strsplit (g_ptr_array_index (f->opened, 2), " ", 3);
  g_assert_cmpstr (opened[1], ==, f->room);
  g_assert_cmpstr (opened[2], ==, "-");
  again = open_room (f, NULL);
  PP_TEST_WAIT (is_in (again), 10000);
  g_assert_cmpint (pp_client_session_get_role (session_of (again)), ==, PP_ROLE_EDITOR);
  g_assert_true (is_editable (again));

  /* It was the kept token that let it in: without it, the door is shut. */
  {
    gboolean done = FALSE;

    pairpad_secrets_forget_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_SHARE_TOKEN,
                                  f->daemon->base_url, f->room, NULL, on_forgotten, &done);
    PP_TEST_WAIT (done, 10000);
  }
  without = open_room (f, NULL);
  PP_TEST_WAIT (shows (without, "This room is private"), 10000);
  g_assert_false (is_in (without));
}

int
main (int   argc,
      char *argv[])
{
  keyring_fallback_allow ();
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  adw_init ();
  /* The app's own styles (its banners), for screenshots as people see them. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/pairpad/Pairpad/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

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
