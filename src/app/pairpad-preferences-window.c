/* pairpad-preferences-window.c: your name and color in rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pairpad-application.h"
#include "pairpad-identity.h"
#include "pairpad-preferences-window.h"

/* Writes the settings only; every open room watches them and reconnects
 * with the new name and color (the protocol sends them in hello only). */

struct _PairpadPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  GSettings            *settings;

  /* Template widgets */
  AdwEntryRow          *name_row;
  GtkBox               *color_box;

  /* Flags */
  gboolean              updating_colors;
};

G_DEFINE_FINAL_TYPE (PairpadPreferencesWindow, pairpad_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* One CSS class per color of the palette, added to the display once. */
static void
ensure_swatch_styles (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      const char * const *colors = pairpad_identity_get_colors ();
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      g_autoptr(GString) css = g_string_new (NULL);

      for (guint i = 0; colors[i] != NULL; i++)
        g_string_append_printf (css, "button.color-swatch-%u { background: %s; }\n", i, colors[i]);
      gtk_css_provider_load_from_data (provider, css->str, (gssize) css->len);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&done, 1);
    }
}

static void
update_name (PairpadPreferencesWindow *self)
{
  g_autofree char *name = pairpad_identity_dup_name (self->settings);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

static void
update_colors (PairpadPreferencesWindow *self)
{
  g_autofree char *color = pairpad_identity_dup_color (self->settings);
  const char * const *colors = pairpad_identity_get_colors ();
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->color_box));

  self->updating_colors = TRUE;
  for (guint i = 0; child != NULL; i++, child = gtk_widget_get_next_sibling (child))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), g_strcmp0 (colors[i], color) == 0);
  self->updating_colors = FALSE;
}

static void
on_name_apply (PairpadPreferencesWindow *self)
{
  g_autofree char *name = pairpad_identity_clean_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));

  /* An empty name means "the name of my account". */
  g_settings_set_string (self->settings, "user-name", name != NULL ? name : "");
  update_name (self);
}

static void
on_color_toggled (PairpadPreferencesWindow *self,
                  GtkToggleButton          *button)
{
  if (self->updating_colors || !gtk_toggle_button_get_active (button))
    return;

  g_settings_set_string (self->settings, "user-color",
                         g_object_get_data (G_OBJECT (button), "pairpad-color"));
}

static void
pairpad_preferences_window_dispose (GObject *object)
{
  PairpadPreferencesWindow *self = (PairpadPreferencesWindow *)object;

  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (pairpad_preferences_window_parent_class)->dispose (object);
}

static void
pairpad_preferences_window_class_init (PairpadPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pairpad/Pairpad/pairpad-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadPreferencesWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadPreferencesWindow, color_box);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply);
}

static void
pairpad_preferences_window_init (PairpadPreferencesWindow *self)
{
  const char * const *colors = pairpad_identity_get_colors ();
  GtkToggleButton *group = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_swatch_styles ();
  self->settings = g_settings_new (PAIRPAD_APPLICATION_ID);

  for (guint i = 0; colors[i] != NULL; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      g_autofree char *css_class = g_strdup_printf ("color-swatch-%u", i);

      gtk_widget_add_css_class (button, "color-swatch");
      gtk_widget_add_css_class (button, css_class);
      /* The hex code is what a screen reader can say of a color. */
      gtk_widget_set_tooltip_text (button, colors[i]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, colors[i], -1);
      g_object_set_data (G_OBJECT (button), "pairpad-color", (gpointer) colors[i]);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      g_signal_connect_object (button, "toggled", G_CALLBACK (on_color_toggled), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (self->color_box, button);
    }

  g_signal_connect_object (self->settings, "changed::user-name", G_CALLBACK (update_name), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::user-color", G_CALLBACK (update_colors), self,
                           G_CONNECT_SWAPPED);
  update_name (self);
  update_colors (self);
}

PairpadPreferencesWindow *
pairpad_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (PAIRPAD_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
