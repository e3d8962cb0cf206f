/* app-harness.c: the app's real widgets in windows, found and used as people use them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "app-harness"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "app-harness.h"
#include "pairpad-application.h"
#include "pairpad-screenshot.h"
#include "pairpad-start-view.h"

/* Widgets are found the way people find them: by the text they read and
 * the buttons they click, never by the app's private names. */

/* The settings keys any app test changes; all of them go back to their
 * defaults between tests, since the memory backend lives as long as the
 * process. */
static const char * const touched_keys[] = {
  "server-url",
  "user-name",
  "user-color",
  "recent-rooms",
};

/* Without a keyring the app says so once, as a warning (pairpad-secrets),
 * and keeps secrets in memory: not a failure of a test, but g_test_init()
 * makes every warning fatal. The app logs structured, so this takes a log
 * writer; g_test_log_set_fatal_handler() would not see the message. */
static GLogWriterOutput
keyring_warning_writer (GLogLevelFlags   log_level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         data)
{
  guint *n_warnings = data;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 &&
        g_strcmp0 (fields[i].value, "pairpad-secrets") == 0 &&
        (log_level & G_LOG_LEVEL_WARNING))
      {
        if (n_warnings != NULL)
          (*n_warnings)++;
        return g_log_writer_standard_streams (log_level, fields, n_fields, NULL);
      }

  return g_log_writer_default (log_level, fields, n_fields, NULL);
}

typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);

/* Depth first, @root included. */
static GtkWidget *
find_first (GtkWidget     *root,
            WidgetMatch    match,
            gconstpointer  data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_first (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  GType       type;
  const char *text;
} TextMatch;

static gboolean
has_text (GtkWidget     *widget,
          gconstpointer  data)
{
  const TextMatch *match = data;
  const char *have = NULL;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (widget, match->type))
    return FALSE;

  if (GTK_IS_LABEL (widget))
    have = gtk_label_get_label (GTK_LABEL (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    have = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  else if (GTK_IS_EDITABLE (widget))
    have = gtk_editable_get_text (GTK_EDITABLE (widget));

  return match->text == NULL || (have != NULL && strstr (have, match->text) != NULL);
}

static gboolean
has_title (GtkWidget     *widget,
           gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
has_action (GtkWidget     *widget,
            gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static void
record_opened (GPtrArray  *opened,
               const char *server,
               const char *room,
               const char *token)
{
  g_ptr_array_add (opened, token != NULL ? g_strdup_printf ("%s %s %s", server, room, token)
                                         : g_strdup_printf ("%s %s", server, room));
}

/* One frame drawn after the transitions (banners slide for 250 ms), so
 * that the picture is what shows. */
static void
wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  pp_test_wait_ms (400);
  pp_test_wait_for_layout ();
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (pp_test_set_flag), &painted);
  gtk_widget_queue_draw (widget);
  PP_TEST_WAIT (painted, 5000);
  g_signal_handler_disconnect (clock, id);
}

void
pp_test_allow_keyring_warning (guint *n_warnings)
{
  g_log_set_writer_func (keyring_warning_writer, n_warnings, NULL);
}

gboolean
pp_test_app_init (int    *argc,
                  char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  pp_test_allow_keyring_warning (NULL);
  g_test_init (argc, argv, NULL);

  if (!gtk_init_check ())
    {
      g_test_skip ("no display");
      return FALSE;
    }
  adw_init ();
  /* As the app's startup does: GtkSourceView's own styles (its completion
   * window's) and translations. */
  gtk_source_init ();

  /* The app's own styles (its banners), for screenshots as people see them. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/pairpad/Pairpad/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  return TRUE;
}

/* @child in a toast overlay, as in the app's window. Destroyed by
 * pp_test_destroy_windows(), as every window is. */
GtkWindow *
pp_test_window_new (GtkWidget *child,
                    int        width,
                    int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *overlay = adw_toast_overlay_new ();

  gtk_window_set_default_size (window, width, height);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), child);
  gtk_window_set_child (window, overlay);
  gtk_window_present (window);

  return window;
}

/* Every window the test opened, and those the app opened meanwhile. */
void
pp_test_destroy_windows (void)
{
  GtkWindow *window;

  while ((window = pp_test_find_toplevel (GTK_TYPE_WINDOW)) != NULL)
    gtk_window_destroy (window);
}

/* Returns: (transfer none) (nullable): a shown window of @type */
GtkWindow *
pp_test_find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

/* A widget under @root of @type whose text (a label's, a row's title, an
 * entry's) contains @text, or any of that type when @text is NULL. */
GtkWidget *
pp_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *text)
{
  TextMatch match = { type, text };

  return find_first (root, has_text, &match);
}

/* A row titled exactly @title, as a screen reader reads it. */
GtkWidget *
pp_test_find_row (GtkWidget  *root,
                  const char *title)
{
  return find_first (root, has_title, title);
}

/* The button under @root that activates @action ("start.create"). */
GtkWidget *
pp_test_find_button (GtkWidget  *root,
                     const char *action)
{
  return find_first (root, has_action, action);
}

/* Something that says @text where people can see it: a label, or a row's title. */
gboolean
pp_test_shows (gpointer    widget,
               const char *text)
{
  GtkWidget *found = pp_test_find_widget (widget, GTK_TYPE_LABEL, text);

  if (found == NULL)
    found = pp_test_find_widget (widget, ADW_TYPE_PREFERENCES_ROW, text);

  return found != NULL && gtk_widget_get_mapped (found);
}

/* A button people can see and click. */
gboolean
pp_test_can_click (GtkWidget  *root,
                   const char *action)
{
  GtkWidget *button = pp_test_find_button (root, action);

  return button != NULL && gtk_widget_get_mapped (button) && gtk_widget_is_sensitive (button);
}

void
pp_test_click (GtkWidget  *root,
               const char *action)
{
  g_assert_true (pp_test_can_click (root, action));
  g_signal_emit_by_name (pp_test_find_button (root, action), "clicked");
}

/* The app's settings, as a fresh start finds them, with @server on the
 * start page. */
GSettings *
pp_test_settings_new (const char *server)
{
  GSettings *settings = g_settings_new (PAIRPAD_APPLICATION_ID);

  for (gsize i = 0; i < G_N_ELEMENTS (touched_keys); i++)
    g_settings_reset (settings, touched_keys[i]);
  g_settings_set_string (settings, "server-url", server);

  return settings;
}

/* For the next test: whatever this one changed goes back to its default. */
void
pp_test_settings_reset_and_unref (GSettings *settings)
{
  for (gsize i = 0; i < G_N_ELEMENTS (touched_keys); i++)
    g_settings_reset (settings, touched_keys[i]);
  g_object_unref (settings);
}

/* The start page; each room it opens is added to @opened as "server room",
 * or "server room token" for a share link. Not in a window yet. */
GtkWidget *
pp_test_start_view_new (GPtrArray *opened)
{
  GtkWidget *view = pairpad_start_view_new ();

  g_signal_connect_swapped (view, "open-room", G_CALLBACK (record_opened), opened);

  return view;
}

/* Creates a room with @start_view's button, as a person does; returns what
 * @opened recorded for it, split: the server, the room id, the token if any. */
GStrv
pp_test_create_room (GtkWidget *start_view,
                     GPtrArray *opened)
{
  guint before = opened->len;

  g_assert_true (gtk_widget_activate_action (start_view, "start.create", NULL));
  PP_TEST_WAIT (opened->len == before + 1, 10000);

  return g_strsplit (g_ptr_array_index (opened, before), " ", 3);
}

/* A GSourceFunc, or a signal handler (connected swapped), that sets the
 * gboolean at @flag. */
gboolean
pp_test_set_flag (gpointer flag)
{
  *(gboolean *) flag = TRUE;

  return G_SOURCE_REMOVE;
}

/* A GAsyncReadyCallback: a reference to @result into the GAsyncResult *
 * at @data, for the test to wait for and finish the call with. */
void
pp_test_keep_result (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* The main context runs meanwhile. */
void
pp_test_wait_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  PP_TEST_WAIT (g_get_monotonic_time () > until, ms + 1000);
}

/* Until text views have measured their lines: they do so in idles of a
 * higher priority than this one. No timeout: the flag lives on this
 * stack, and a lower idle always runs in the end. */
void
pp_test_wait_for_layout (void)
{
  gboolean done = FALSE;

  g_idle_add_full (G_PRIORITY_LOW, pp_test_set_flag, &done, NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Into $PAIRPAD_SCREENSHOTS, when set, to look at. With @popover
 * (nullable), that popover is drawn where it shows over @window (the
 * window's own picture leaves popovers out). */
void
pp_test_save_screenshot (GtkWidget  *window,
                         GtkWidget  *popover,
                         const char *name)
{
  const char *dir = g_getenv ("PAIRPAD_SCREENSHOTS");
  g_autofree char *path = NULL;
  g_autofree char *popover_path = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *base, *top, *canvas;
  cairo_t *cr;
  double window_x, window_y, popover_x, popover_y;
  int x, y, width, height;

  if (dir == NULL)
    return;

  wait_painted (window);
  if (popover != NULL)
    wait_painted (popover);
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  pairpad_screenshot_save (window, path, &error);
  g_assert_no_error (error);
  g_test_message ("screenshot: %s", path);
  if (popover == NULL)
    return;

  popover_path = g_strconcat (path, ".popover.png", NULL);
  pairpad_screenshot_save (popover, popover_path, &error);
  g_assert_no_error (error);

  /* Popups are placed relative to their parent's surface; the widgets
   * sit inside their surfaces by their transforms (shadows, margins). */
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  x = gdk_popup_get_position_x (GDK_POPUP (gtk_native_get_surface (GTK_NATIVE (popover)))) +
      (int) (popover_x - window_x);
  y = gdk_popup_get_position_y (GDK_POPUP (gtk_native_get_surface (GTK_NATIVE (popover)))) +
      (int) (popover_y - window_y);

  base = cairo_image_surface_create_from_png (path);
  top = cairo_image_surface_create_from_png (popover_path);
  g_assert_cmpint (cairo_surface_status (base), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_surface_status (top), ==, CAIRO_STATUS_SUCCESS);
  width = MAX (cairo_image_surface_get_width (base), x + cairo_image_surface_get_width (top));
  height = MAX (cairo_image_surface_get_height (base), y + cairo_image_surface_get_height (top));
  canvas = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (canvas);
  cairo_set_source_surface (cr, base, 0, 0);
  cairo_paint (cr);
  cairo_set_source_surface (cr, top, x, y);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (canvas, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (canvas);
  cairo_surface_destroy (top);
  cairo_surface_destroy (base);
  g_unlink (popover_path);
}

/* Returns: (transfer full): the secret, "" when there is none */
char *
pp_test_secrets_dup (PairpadSecrets    *secrets,
                     PairpadSecretKind  kind,
                     const char        *server,
                     const char        *room)
{
  g_autoptr(GAsyncResult) result = NULL;
  char *secret;

  pairpad_secrets_lookup_async (secrets, kind, server, room, NULL, pp_test_keep_result, &result);
  PP_TEST_WAIT (result != NULL, 10000);
  secret = pairpad_secrets_lookup_finish (secrets, result, NULL);

  return secret != NULL ? secret : g_strdup ("");
}

/* Returns: whether the keyring has it (memory has it either way) */
gboolean
pp_test_secrets_store (PairpadSecrets    *secrets,
                       PairpadSecretKind  kind,
                       const char        *server,
                       const char        *room,
                       const char        *secret)
{
  g_autoptr(GAsyncResult) result = NULL;

  pairpad_secrets_store_async (secrets, kind, server, room, secret, NULL, pp_test_keep_result,
                               &result);
  PP_TEST_WAIT (result != NULL, 10000);

  return pairpad_secrets_store_finish (secrets, result, NULL);
}

void
pp_test_secrets_forget (PairpadSecrets    *secrets,
                        PairpadSecretKind  kind,
                        const char        *server,
                        const char        *room)
{
  g_autoptr(GAsyncResult) result = NULL;

  pairpad_secrets_forget_async (secrets, kind, server, room, NULL, pp_test_keep_result, &result);
  PP_TEST_WAIT (result != NULL, 10000);
  pairpad_secrets_forget_finish (secrets, result, NULL);
}

/* Whether this run has a Secret Service (with-test-keyring.sh gives it one
 * where gnome-keyring-daemon is installed): what a test may expect to
 * find there after the app quits. */
gboolean
pp_test_keyring_is_available (void)
{
  g_autoptr(PairpadSecrets) probe = pairpad_secrets_new ();

  return pp_test_secrets_store (probe, PAIRPAD_SECRET_SHARE_TOKEN, "http://probe.invalid",
                                "probe", "probe");
}

/* A room view in a window of its own, joining @room with @token (nullable). */
PairpadRoomView *
pp_test_room_view_open (const char *base_url,
                        const char *room,
                        const char *token)
{
  PairpadRoomView *view = pairpad_room_view_new (base_url, room, token);

  pp_test_window_new (GTK_WIDGET (view), 720, 420);
  return view;
}

/* Joined: the welcome came and nothing is left to catch up. */
gboolean
pp_test_room_view_is_in (PairpadRoomView *view)
{
  return pp_client_session_get_state (pairpad_room_view_get_session (view)) >=
         PP_CLIENT_SESSION_SYNCED;
}

GtkTextBuffer *
pp_test_room_view_buffer (PairpadRoomView *view)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (pairpad_room_view_get_source_view (view)));
}

/* Types @text at @view's caret, and waits until the daemon acknowledged it. */
void
pp_test_room_view_type (PairpadRoomView *view,
                        const char      *text)
{
  gtk_text_buffer_insert_at_cursor (pp_test_room_view_buffer (view), text, -1);
  PP_TEST_WAIT (pp_client_session_get_n_unsent (pairpad_room_view_get_session (view)) == 0, 10000);
}

char *
pp_test_buffer_dup_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}
