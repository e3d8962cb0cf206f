/* pairpad-application.c: the desktop app: windows, actions, room links from the command line.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-application"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <gtksourceview/gtksource.h>

#include "pairpad-application.h"
#include "pairpad-link.h"
#include "pairpad-preferences-window.h"
#include "pairpad-screenshot.h"
#include "pairpad-secrets.h"
#include "pairpad-window.h"

struct _PairpadApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;
  guint           screenshot_source;
};

G_DEFINE_FINAL_TYPE (PairpadApplication, pairpad_application, ADW_TYPE_APPLICATION)

/* Test hook: with $PAIRPAD_TEST_SCREENSHOT set, SIGUSR1 saves the active
 * window there as PNG (rendered by GTK itself, so no X tools are needed). */
static gboolean
on_sigusr1 (gpointer data)
{
  PairpadApplication *self = data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *path = g_getenv ("PAIRPAD_TEST_SCREENSHOT");
  g_autoptr(GError) error = NULL;

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      window = windows != NULL ? windows->data : NULL;
    }
  if (window != NULL && path != NULL &&
      !pairpad_screenshot_save (GTK_WIDGET (window), path, &error))
    g_warning ("screenshot: %s", error->message);

  return G_SOURCE_CONTINUE;
}

static void
pairpad_application_activate (GApplication *app)
{
  PairpadWindow *window = pairpad_window_new (PAIRPAD_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
}

static void
pairpad_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  PairpadApplication *self = PAIRPAD_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autofree char *server = NULL;
      g_autofree char *room = NULL;
      g_autofree char *token = NULL;
      g_autoptr(GError) error = NULL;

      if (!pairpad_link_parse (uri, NULL, &server, &room, &token, &error))
        {
          g_printerr ("%s\n", error->message);
          continue;
        }

      pairpad_application_open_room (self, server, room, token);
    }
}

static void
pairpad_application_startup (GApplication *app)
{
  PairpadApplication *self = PAIRPAD_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (pairpad_application_parent_class)->startup (app);

  /* GtkSourceView's own styles, which its completion window needs to have
   * a size before its rows are filled in, and its translations. */
  gtk_source_init ();

  gtk_css_provider_load_from_resource (css, "/io/github/pairpad/Pairpad/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (PAIRPAD_APPLICATION_ID);

  if (g_getenv ("PAIRPAD_TEST_SCREENSHOT") != NULL)
    self->screenshot_source = g_unix_signal_add (SIGUSR1, on_sigusr1, self);
}

static void
pairpad_application_dispose (GObject *object)
{
  PairpadApplication *self = (PairpadApplication *)object;

  g_clear_handle_id (&self->screenshot_source, g_source_remove);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pairpad_application_parent_class)->dispose (object);
}

static void
pairpad_application_class_init (PairpadApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = pairpad_application_dispose;
  app_class->activate = pairpad_application_activate;
  app_class->open = pairpad_application_open;
  app_class->startup = pairpad_application_startup;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       data)
{
  pairpad_application_activate (G_APPLICATION (data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       data)
{
  const char *developers[] = { "The Pairpad Authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (data)),
                         "application-name", _("Pairpad"),
                         "application-icon", PAIRPAD_APPLICATION_ID,
                         "developer-name", "The Pairpad Authors",
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "website", "https://github.com/pairpad/pairpad",
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));

  gtk_window_present (GTK_WINDOW (pairpad_preferences_window_new (parent)));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "new-window", new_window_action },
  { "about", about_action },
};

static void
pairpad_application_init (PairpadApplication *self)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *help_accels[] = { "<Control>question", NULL };
  static const char *undo_accels[] = { "<Control>z", NULL };
  static const char *redo_accels[] = { "<Control><Shift>z", "<Control>y", NULL };
  static const char *share_accels[] = { "<Control><Shift>c", NULL };
  static const char *people_accels[] = { "<Control>p", NULL };
  static const char *edit_title_accels[] = { "F2", NULL };
  static const char *history_accels[] = { "<Control>h", NULL };
  static const char *open_file_accels[] = { "<Control>o", NULL };
  static const char *save_as_accels[] = { "<Control><Shift>s", NULL };

  self->settings = g_settings_new (PAIRPAD_APPLICATION_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window", new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  /* Shown in menus; the room view's capture-phase shortcuts do the work. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.undo", undo_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.redo", redo_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.share", share_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.people", people_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.edit-title", edit_title_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "room.history", history_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open-file", open_file_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.save-as", save_as_accels);
}

PairpadApplication *
pairpad_application_new (void)
{
  return g_object_new (PAIRPAD_TYPE_APPLICATION,
                       "application-id", PAIRPAD_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/pairpad/Pairpad",
                       NULL);
}

/* (nullable): the window showing that room. */
GtkWindow *
pairpad_application_find_room (PairpadApplication *self,
                               const char         *server,
                               const char         *room)
{
  g_autofree char *link = pairpad_link_build (server, room);

  g_return_val_if_fail (PAIRPAD_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (PAIRPAD_IS_WINDOW (l->data) && g_strcmp0 (pairpad_window_get_link (l->data), link) == 0)
      return l->data;

  return NULL;
}

/* One window per room: presents the room's window, or opens it in a new
 * one. A share link's @token (nullable) for a room already open goes to
 * its window: a new link may grant more than the one it joined with. */
void
pairpad_application_open_room (PairpadApplication *self,
                               const char         *server,
                               const char         *room,
                               const char         *token)
{
  GtkWindow *window;

  g_return_if_fail (PAIRPAD_IS_APPLICATION (self));

  window = pairpad_application_find_room (self, server, room);
  if (window == NULL)
    {
      window = GTK_WINDOW (pairpad_window_new (self));
      pairpad_window_open_room (PAIRPAD_WINDOW (window), server, room, token);
    }
  else if (token != NULL)
    {
      pairpad_room_view_set_share_token (pairpad_window_get_room_view (PAIRPAD_WINDOW (window)),
                                         token);
    }

  gtk_window_present (window);
}

/* A room's share link token is kept with its entry in Recent Rooms (the
 * link there has none): it goes when the entry goes. */
static void
forget_share_token (const char *link)
{
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;

  if (pairpad_link_parse (link, NULL, &server, &room, NULL, NULL))
    pairpad_secrets_forget_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_SHARE_TOKEN,
                                  server, room, NULL, NULL, NULL);
}

/* Most recent first, without duplicates, at most max-recent-rooms. */
void
pairpad_application_add_recent_room (PairpadApplication *self,
                                     const char         *link,
                                     const char         *title)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *old_link, *old_title;
  guint max, n = 1;

  g_return_if_fail (PAIRPAD_IS_APPLICATION (self));

  old = g_settings_get_value (self->settings, "recent-rooms");
  max = g_settings_get_uint (self->settings, "max-recent-rooms");
  if (max == 0)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  g_variant_builder_add (&builder, "(ss)", link, title != NULL ? title : "");
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "(&s&s)", &old_link, &old_title))
    {
      if (g_strcmp0 (old_link, link) == 0)
        continue;
      if (n++ >= max)
        forget_share_token (old_link);
      else
        g_variant_builder_add (&builder, "(ss)", old_link, old_title);
    }

  {
    g_autoptr(GVariant) recent = g_variant_ref_sink (g_variant_builder_end (&builder));

    if (!g_variant_equal (recent, old))
      g_settings_set_value (self->settings, "recent-rooms", recent);
  }
}

/* For a room that is gone: its link would only fail. */
void
pairpad_application_remove_recent_room (PairpadApplication *self,
                                        const char         *link)
{
  g_autoptr(GVariant) old = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *old_link, *old_title;
  gboolean found = FALSE;

  g_return_if_fail (PAIRPAD_IS_APPLICATION (self));
  g_return_if_fail (link != NULL);

  old = g_settings_get_value (self->settings, "recent-rooms");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "(&s&s)", &old_link, &old_title))
    {
      if (g_strcmp0 (old_link, link) == 0)
        found = TRUE;
      else
        g_variant_builder_add (&builder, "(ss)", old_link, old_title);
    }
  forget_share_token (link);

  if (found)
    g_settings_set_value (self->settings, "recent-rooms", g_variant_builder_end (&builder));
  else
    g_variant_builder_clear (&builder);
}
