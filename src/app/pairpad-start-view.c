/* pairpad-start-view.c: the first page: server address, new room, join by link, recent rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-start-view"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pairpad-application.h"
#include "pairpad-languages.h"
#include "pairpad-link.h"
#include "pairpad-owner-keys.h"
#include "pairpad-rest-client.h"
#include "pairpad-start-view.h"

/* PairpadStartView asks the server for new rooms (POST /api/v1/rooms),
 * keeps the owner key of each in PairpadOwnerKeys, and emits ::open-room;
 * it never connects to a room itself. */

struct _PairpadStartView
{
  GtkWidget       parent_instance;

  /* Owned */
  GSettings         *settings;
  PairpadRestClient *rest;
  GCancellable      *cancellable;

  /* Template widgets */
  AdwEntryRow    *server_row;
  AdwEntryRow    *title_row;
  AdwComboRow    *language_row;
  AdwEntryRow    *link_row;
  GtkWidget      *recent_group;
  GtkListBox     *recent_list;
};

G_DEFINE_FINAL_TYPE (PairpadStartView, pairpad_start_view, GTK_TYPE_WIDGET)

enum {
  OPEN_ROOM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (PairpadStartView *self,
       const char       *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static char *
dup_server (PairpadStartView  *self,
            GError           **error)
{
  return pairpad_link_normalize_server (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                        error);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadStartView *self = g_task_get_source_object (task);
  const char *server = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *id = NULL;
  const char *owner_key = NULL;

  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          toast (self, error->message);
          gtk_widget_action_set_enabled (GTK_WIDGET (self), "start.create", TRUE);
        }
      return;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "start.create", TRUE);
  /* From the network: members of any type, or none (json_node_get_string()
   * is NULL for anything but a string). */
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *node;

      node = json_object_get_member (object, "id");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        id = json_node_get_string (node);
      node = json_object_get_member (object, "owner_key");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
        owner_key = json_node_get_string (node);
    }

  if (!pairpad_link_room_is_valid (id))
    {
      toast (self, _("The server did not create a room"));
      return;
    }

  /* Shown once: kept before anything else happens. The room view finds it
   * there and joins as the owner. (A daemon from before owners sends none.) */
  if (pairpad_link_token_is_valid (owner_key))
    pairpad_owner_keys_store_async (pairpad_owner_keys_get_default (), server, id, owner_key,
                                    NULL, NULL, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
  g_signal_emit (self, signals[OPEN_ROOM], 0, server, id, NULL);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  PairpadStartView *self = PAIRPAD_START_VIEW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *server = dup_server (self, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  GTask *task;
  guint selected = adw_combo_row_get_selected (self->language_row);

  if (server == NULL)
    {
      toast (self, error->message);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, selected < pairpad_languages_get_n_items ()
                                 ? pairpad_languages_get_nth (selected)->id
                                 : PAIRPAD_DEFAULT_LANGUAGE);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, gtk_editable_get_text (GTK_EDITABLE (self->title_row)));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, create_action);
  g_task_set_task_data (task, g_strdup (server), g_free);
  gtk_widget_action_set_enabled (widget, "start.create", FALSE);
  pairpad_rest_client_request_async (self->rest, server, "POST", "/api/v1/rooms", node, NULL,
                                     self->cancellable, on_created, task);
}

static void
on_link_apply (PairpadStartView *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *default_server = dup_server (self, NULL);
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;
  g_autofree char *token = NULL;

  if (!pairpad_link_parse (gtk_editable_get_text (GTK_EDITABLE (self->link_row)),
                           default_server, &server, &room, &token, &error))
    {
      toast (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->link_row), "");
  g_signal_emit (self, signals[OPEN_ROOM], 0, server, room, token);
}

static void
on_recent_activated (PairpadStartView *self,
                     GtkListBoxRow    *row)
{
  const char *link = g_object_get_data (G_OBJECT (row), "link");
  g_autofree char *server = NULL;
  g_autofree char *room = NULL;

  if (pairpad_link_parse (link, NULL, &server, &room, NULL, NULL))
    g_signal_emit (self, signals[OPEN_ROOM], 0, server, room, NULL);
}

static void
update_recent (PairpadStartView *self)
{
  g_autoptr(GVariant) recent = g_settings_get_value (self->settings, "recent-rooms");
  GVariantIter iter;
  const char *link, *title;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  g_variant_iter_init (&iter, recent);
  while (g_variant_iter_next (&iter, "(&s&s)", &link, &title))
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     *title != '\0' ? title : _("Untitled Room"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), link);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "link", g_strdup (link), g_free);
      gtk_list_box_append (self->recent_list, row);
    }

  gtk_widget_set_visible (self->recent_group, g_variant_n_children (recent) > 0);
}

static void
pairpad_start_view_dispose (GObject *object)
{
  PairpadStartView *self = (PairpadStartView *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->rest);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_START_VIEW);
  /* The template's root box has no id, so it is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pairpad_start_view_parent_class)->dispose (object);
}

static void
pairpad_start_view_class_init (PairpadStartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_start_view_dispose;

  /* ::open-room (server, room, token): the user chose a room; token
   * (nullable) is a share link's. */
  signals[OPEN_ROOM] =
    g_signal_new ("open-room", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE,
                  3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pairpad/Pairpad/pairpad-start-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, server_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, title_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, language_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, link_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, recent_group);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, recent_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "start.create", NULL, create_action);
}

static void
pairpad_start_view_init (PairpadStartView *self)
{
  GtkStringList *labels = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (PAIRPAD_APPLICATION_ID);
  self->rest = pairpad_rest_client_new ();
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < pairpad_languages_get_n_items (); i++)
    gtk_string_list_append (labels, pairpad_languages_get_nth (i)->label);
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (labels));
  g_object_unref (labels);

  g_settings_bind (self->settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->link_row, "apply", G_CALLBACK (on_link_apply), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->link_row, "entry-activated", G_CALLBACK (on_link_apply), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recent_list, "row-activated", G_CALLBACK (on_recent_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-rooms", G_CALLBACK (update_recent),
                           self, G_CONNECT_SWAPPED);
  update_recent (self);
}

GtkWidget *
pairpad_start_view_new (void)
{
  return g_object_new (PAIRPAD_TYPE_START_VIEW, NULL);
}
