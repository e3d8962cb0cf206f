/* pairpad-window.c: a top-level window: the start page, then one room.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pairpad-link.h"
#include "pairpad-room-view.h"
#include "pairpad-start-view.h"
#include "pairpad-window.h"

/* One window shows one room at most (the application keeps it that way by
 * presenting the window that already has a room instead of opening it twice). */

struct _PairpadWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  GSettings            *settings;

  /* Borrowed */
  PairpadRoomView      *room_view;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  PairpadStartView     *start_view;
};

G_DEFINE_FINAL_TYPE (PairpadWindow, pairpad_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_open_room (PairpadWindow *self,
              const char    *server,
              const char    *room,
              const char    *token)
{
  PairpadApplication *app = PAIRPAD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  /* A second room goes to (or finds) another window. */
  if (self->room_view != NULL || pairpad_application_find_room (app, server, room) != NULL)
    {
      pairpad_application_open_room (app, server, room, token);
      return;
    }

  pairpad_window_open_room (self, server, room, token);
}

static void
on_room_title (PairpadWindow *self)
{
  g_autofree char *title = g_strdup_printf ("%s — Pairpad",
                                            pairpad_room_view_get_title (self->room_view));

  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
open_file_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       data)
{
  PairpadWindow *self = data;

  if (self->room_view != NULL)
    pairpad_room_view_open_file (self->room_view);
}

static void
save_as_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  PairpadWindow *self = data;

  if (self->room_view != NULL)
    pairpad_room_view_save_as (self->room_view);
}

static const GActionEntry win_actions[] = {
  { "open-file", open_file_action },
  { "save-as", save_as_action },
};

static void
set_room_actions_enabled (PairpadWindow *self,
                          gboolean       enabled)
{
  for (guint i = 0; i < G_N_ELEMENTS (win_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), win_actions[i].name);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
    }
}

static void
pairpad_window_dispose (GObject *object)
{
  PairpadWindow *self = (PairpadWindow *)object;

  g_clear_object (&self->settings);
  self->room_view = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_WINDOW);

  G_OBJECT_CLASS (pairpad_window_parent_class)->dispose (object);
}

static void
pairpad_window_class_init (PairpadWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_window_dispose;

  g_type_ensure (PAIRPAD_TYPE_START_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pairpad/Pairpad/pairpad-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PairpadWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PairpadWindow, start_view);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
pairpad_window_init (PairpadWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Room actions, disabled on the start page. */
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  set_room_actions_enabled (self, FALSE);

  self->settings = g_settings_new (PAIRPAD_APPLICATION_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->start_view, "open-room", G_CALLBACK (on_open_room), self,
                           G_CONNECT_SWAPPED);
}

PairpadWindow *
pairpad_window_new (PairpadApplication *application)
{
  return g_object_new (PAIRPAD_TYPE_WINDOW, "application", application, NULL);
}

/* @token (nullable): a share link's, presented unless this app holds the
 * room's owner key. */
void
pairpad_window_open_room (PairpadWindow *self,
                          const char    *server,
                          const char    *room,
                          const char    *token)
{
  g_return_if_fail (PAIRPAD_IS_WINDOW (self));
  g_return_if_fail (self->room_view == NULL);

  self->room_view = pairpad_room_view_new (server, room, token);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->room_view), "room");
  gtk_stack_set_visible_child (self->stack, GTK_WIDGET (self->room_view));
  g_signal_connect_object (self->room_view, "notify::title", G_CALLBACK (on_room_title), self,
                           G_CONNECT_SWAPPED);
  on_room_title (self);
  set_room_actions_enabled (self, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->room_view));
}

/* (nullable): the room link, once a room is open. */
const char *
pairpad_window_get_link (PairpadWindow *self)
{
  g_return_val_if_fail (PAIRPAD_IS_WINDOW (self), NULL);

  return self->room_view != NULL ? pairpad_room_view_get_link (self->room_view) : NULL;
}

/* Returns: (transfer none) (nullable): the room, once one is open */
PairpadRoomView *
pairpad_window_get_room_view (PairpadWindow *self)
{
  g_return_val_if_fail (PAIRPAD_IS_WINDOW (self), NULL);

  return self->room_view;
}
