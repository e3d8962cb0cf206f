/* pairpad-history-dialog.c: a room's past versions, who wrote them, checkpoints and restore.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-history-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "pairpad-history-dialog.h"
#include "pairpad-languages.h"

/* PairpadHistoryDialog shows the room's text at any version from 0 to the
 * session's current one, over the daemon's history API
 * (/api/v1/rooms/{id}/text, /blame, /checkpoints, /restore), each call
 * with the token the room view joined with. The preview tints each
 * author's text in their color; the checkpoints are marks on the scale and
 * rows to jump to.
 *
 * Moving the scale loads after a short pause, and only the newest version
 * asked for: a load in flight is cancelled by the next one. A restore is an
 * ordinary new op on the daemon, so the room view receives it like anyone's
 * edit; this dialog never touches the room's buffer. It does not decide who
 * may restore either: the session's role and lock make the buttons
 * sensitive, and the daemon has the last word. */

#define LOAD_DELAY_MS    100
#define TINT_ALPHA       0.3
#define MAX_NAME_CHARS   100

struct _PairpadHistoryDialog
{
  AdwWindow             parent_instance;

  /* Owned */
  PpClientSession      *session;
  PairpadRestClient    *rest;
  GCancellable         *cancellable;       /* restore, checkpoints, saving */
  GCancellable         *load_cancellable;  /* (nullable) the preview being loaded */
  GtkFileChooserNative *file_chooser;
  JsonNode             *loaded_text;       /* (nullable) answers for @loading_version */
  JsonNode             *loaded_blame;      /* (nullable) */
  char                 *server;
  char                 *room;
  char                 *token;             /* (nullable) */
  char                 *shown_text;        /* (nullable) the preview's text */
  gint64                shown_version;     /* -1 before the first load */
  gint64                loading_version;
  guint                 load_source;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkListBox           *checkpoint_list;
  GtkLabel             *version_label;
  GtkScale             *scale;
  GtkSourceView        *preview;
  GtkFlowBox           *legend;

  /* Flags */
  gboolean              busy;     /* a restore or a new checkpoint in flight */
  gboolean              loading;  /* a load is in flight */
};

G_DEFINE_FINAL_TYPE (PairpadHistoryDialog, pairpad_history_dialog, ADW_TYPE_WINDOW)

static void
toast (PairpadHistoryDialog *self,
       const char           *text)
{
  /* libadwaita 1.2 parses toast titles as markup. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static char *
dup_version_string (gint64 version)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, version);
}

static GtkTextBuffer *
get_preview_buffer (PairpadHistoryDialog *self)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->preview));
}

static gint64
get_selected_version (PairpadHistoryDialog *self)
{
  /* Never negative: the scale starts at 0. */
  return (gint64) (gtk_range_get_value (GTK_RANGE (self->scale)) + 0.5);
}

static gboolean
may_edit (PairpadHistoryDialog *self)
{
  return pp_client_session_get_state (self->session) >= PP_CLIENT_SESSION_SYNCED &&
         pp_client_session_can_edit (self->session);
}

static void
update_actions (PairpadHistoryDialog *self)
{
  gboolean shown = self->shown_text != NULL &&
                   self->shown_version == get_selected_version (self);
  /* Checkpoints are for any editor, even of a locked room; restores are not. */
  gboolean editor = pp_client_session_get_state (self->session) >= PP_CLIENT_SESSION_SYNCED &&
                    pp_client_session_get_role (self->session) != PP_ROLE_VIEWER;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.restore",
                                 may_edit (self) && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.save-as", shown);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.save-checkpoint",
                                 editor && !self->busy);
}

static void
update_version_label (PairpadHistoryDialog *self)
{
  g_autofree char *selected = dup_version_string (get_selected_version (self));
  g_autofree char *current = dup_version_string (pp_client_session_get_version (self->session));
  /* TRANSLATORS: the version shown, of the room's versions so far: "Version 12 of 30" */
  g_autofree char *text = g_strdup_printf (_("Version %s of %s"), selected, current);

  gtk_label_set_label (self->version_label, text);
}

/* The scale goes up to the room's version, and stays at the end when it
 * was there: the newest text, live. */
static void
update_range (PairpadHistoryDialog *self)
{
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->scale));
  double current = MAX (0, pp_client_session_get_version (self->session));
  gboolean at_end = gtk_adjustment_get_value (adjustment) >= gtk_adjustment_get_upper (adjustment);

  if (current == gtk_adjustment_get_upper (adjustment))
    return;

  gtk_adjustment_set_upper (adjustment, current);
  if (at_end)
    gtk_adjustment_set_value (adjustment, current);
  update_version_label (self);
}

static void
update_style_scheme (PairpadHistoryDialog *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (adw_style_manager_get_default ())
                   ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (get_preview_buffer (self)),
                                      gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

static void
update_language (PairpadHistoryDialog *self)
{
  const char *language_id = pp_client_session_get_language (self->session);
  const char *source_id = pairpad_languages_to_source_id (language_id);
  GtkSourceLanguage *language = NULL;

  if (source_id != NULL)
    language = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (),
                                                         source_id);
  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (get_preview_buffer (self)), language);
}

/* "#rrggbb" for @color when it is a color at all; Pango markup takes no rgb(). */
static char *
dup_hex_color (const char *color,
               GdkRGBA    *rgba)
{
  if (color == NULL || !gdk_rgba_parse (rgba, color))
    return NULL;

  return g_strdup_printf ("#%02x%02x%02x",
                          (guint) (CLAMP (rgba->red, 0, 1) * 255 + 0.5),
                          (guint) (CLAMP (rgba->green, 0, 1) * 255 + 0.5),
                          (guint) (CLAMP (rgba->blue, 0, 1) * 255 + 0.5));
}

/* One tag per author color, made once per dialog. */
static GtkTextTag *
get_author_tag (PairpadHistoryDialog *self,
                const char           *hex,
                const GdkRGBA        *rgba)
{
  GtkTextBuffer *buffer = get_preview_buffer (self);
  g_autofree char *name = g_strconcat ("author-", hex, NULL);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GdkRGBA tint = *rgba;

  if (tag != NULL)
    return tag;

  tint.alpha = TINT_ALPHA;
  return gtk_text_buffer_create_tag (buffer, name, "background-rgba", &tint, NULL);
}

static void
add_legend_entry (PairpadHistoryDialog *self,
                  const char           *hex,
                  const char           *name)
{
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *markup = NULL;
  GtkWidget *label;

  markup = hex != NULL ? g_strdup_printf ("<span foreground=\"%s\">⬤</span> %s", hex, escaped)
                       : g_strdup_printf ("⬤ %s", escaped);
  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_flow_box_append (self->legend, label);
}

static void
clear_legend (PairpadHistoryDialog *self)
{
  GtkFlowBoxChild *child;

  while ((child = gtk_flow_box_get_child_at_index (self->legend, 0)) != NULL)
    gtk_flow_box_remove (self->legend, GTK_WIDGET (child));
}

/* Tints the preview by {length, client, name, color} spans, from its start.
 * The spans come from the network: lengths are clamped to the text. */
static void
apply_blame (PairpadHistoryDialog *self,
             JsonArray            *spans)
{
  GtkTextBuffer *buffer = get_preview_buffer (self);
  g_autoptr(GHashTable) authors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int n_chars = gtk_text_buffer_get_char_count (buffer);
  gint64 offset = 0;

  clear_legend (self);
  for (guint i = 0; i < json_array_get_length (spans) && offset < n_chars; i++)
    {
      JsonNode *span = json_array_get_element (spans, i);
      JsonNode *length_node = pairpad_rest_get_member (span, "length", G_TYPE_INT64);
      const char *client = pairpad_rest_get_string (span, "client");
      const char *name = pairpad_rest_get_string (span, "name");
      g_autofree char *hex = NULL;
      gint64 length, end;
      GdkRGBA rgba;

      if (length_node == NULL || (length = json_node_get_int (length_node)) <= 0)
        continue;

      end = MIN (offset + length, (gint64) n_chars);
      hex = dup_hex_color (pairpad_rest_get_string (span, "color"), &rgba);
      if (hex != NULL)
        {
          GtkTextIter start_iter, end_iter;

          gtk_text_buffer_get_iter_at_offset (buffer, &start_iter, (int) offset);
          gtk_text_buffer_get_iter_at_offset (buffer, &end_iter, (int) end);
          gtk_text_buffer_apply_tag (buffer, get_author_tag (self, hex, &rgba),
                                     &start_iter, &end_iter);
        }
      offset = end;

      /* The room's initial text has no author. */
      if (!g_hash_table_add (authors, g_strdup (client != NULL ? client : "")))
        continue;
      add_legend_entry (self, hex, client == NULL ? _("Initial text")
                                   : name != NULL && *name != '\0' ? name : _("Someone"));
    }
}

static void
show_loaded (PairpadHistoryDialog *self)
{
  GtkTextBuffer *buffer = get_preview_buffer (self);
  const char *text = pairpad_rest_get_string (self->loaded_text, "text");
  JsonNode *spans = pairpad_rest_get_member (self->loaded_blame, "spans", JSON_TYPE_ARRAY);
  GtkTextIter start, end;

  self->loading = FALSE;
  if (text == NULL || spans == NULL)
    {
      toast (self, _("The server sent an answer Pairpad does not understand"));
      return;
    }

  g_free (self->shown_text);
  self->shown_text = g_strdup (text);
  self->shown_version = self->loading_version;
  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_all_tags (buffer, &start, &end);
  apply_blame (self, json_node_get_array (spans));
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
  update_actions (self);
}

/* Both answers of a load come here; the second one shows the version. */
static void
on_loaded (PairpadHistoryDialog  *self,
           GObject               *source,
           GAsyncResult          *result,
           JsonNode             **slot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  /* A newer load, or the dialog is gone: leave it alone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load this version: %s"),
                                               error->message);

      /* The other half is of no use now, and says nothing more. */
      g_cancellable_cancel (self->load_cancellable);
      self->loading = FALSE;
      toast (self, text);
      return;
    }

  *slot = g_steal_pointer (&node);
  if (self->loaded_text != NULL && self->loaded_blame != NULL)
    show_loaded (self);
}

static void
on_text_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  PairpadHistoryDialog *self = data;

  /* self is only touched when not cancelled, which dispose would have done. */
  on_loaded (self, source, result, &self->loaded_text);
}

static void
on_blame_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  PairpadHistoryDialog *self = data;

  on_loaded (self, source, result, &self->loaded_blame);
}

static void
request (PairpadHistoryDialog *self,
         const char           *method,
         const char           *path_suffix,
         JsonNode             *body,
         GCancellable         *cancellable,
         GAsyncReadyCallback   callback)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/rooms/%s%s", self->room, path_suffix);

  pairpad_rest_client_request_async (self->rest, self->server, method, path, body, self->token,
                                     cancellable, callback, self);
}

static gboolean
load_selected (gpointer data)
{
  PairpadHistoryDialog *self = data;
  gint64 version = get_selected_version (self);
  g_autofree char *text_path = NULL;
  g_autofree char *blame_path = NULL;

  self->load_source = 0;
  if (version == self->shown_version && !self->loading)
    return G_SOURCE_REMOVE;

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->loaded_text, json_node_unref);
  g_clear_pointer (&self->loaded_blame, json_node_unref);
  self->load_cancellable = g_cancellable_new ();
  self->loading_version = version;
  self->loading = TRUE;

  text_path = g_strdup_printf ("/text?v=%" G_GINT64_FORMAT, version);
  blame_path = g_strdup_printf ("/blame?v=%" G_GINT64_FORMAT, version);
  request (self, "GET", text_path, NULL, self->load_cancellable, on_text_loaded);
  request (self, "GET", blame_path, NULL, self->load_cancellable, on_blame_loaded);

  return G_SOURCE_REMOVE;
}

static void
on_value_changed (PairpadHistoryDialog *self)
{
  update_version_label (self);
  update_actions (self);
  g_clear_handle_id (&self->load_source, g_source_remove);
  self->load_source = g_timeout_add (LOAD_DELAY_MS, load_selected, self);
}

static void
on_checkpoint_activated (PairpadHistoryDialog *self,
                         GtkListBoxRow        *row)
{
  gint64 *version = g_object_get_data (G_OBJECT (row), "version");

  if (version != NULL)
    gtk_range_set_value (GTK_RANGE (self->scale), *version);
}

static char *
dup_created_at (const char *iso8601)
{
  g_autoptr(GDateTime) utc = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  /* TRANSLATORS: when a checkpoint was saved, a g_date_time_format() format */
  return local != NULL ? g_date_time_format (local, _("%b %-d, %Y, %H:%M")) : NULL;
}

static void
add_checkpoint (PairpadHistoryDialog *self,
                gint64                version,
                const char           *name,
                const char           *created_at)
{
  g_autofree char *version_text = dup_version_string (version);
  g_autofree char *when = dup_created_at (created_at);
  g_autofree char *subtitle = NULL;
  g_autofree char *mark = g_markup_escape_text (name, -1);
  GtkWidget *row = adw_action_row_new ();

  if (when != NULL)
    /* TRANSLATORS: a checkpoint's version and when it was saved:
     * "Version 12, Mar 3, 2026, 14:05" */
    subtitle = g_strdup_printf (_("Version %s, %s"), version_text, when);
  else
    subtitle = g_strdup_printf (_("Version %s"), version_text);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "version", g_memdup2 (&version, sizeof version), g_free);
  gtk_list_box_append (self->checkpoint_list, row);

  gtk_scale_add_mark (self->scale, version, GTK_POS_BOTTOM, mark);
}

static void
on_checkpoints (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  PairpadHistoryDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *checkpoints;
  GtkListBoxRow *row;
  JsonArray *array;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load the checkpoints: %s"),
                                               error->message);

      toast (self, text);
      return;
    }

  checkpoints = pairpad_rest_get_member (node, "checkpoints", JSON_TYPE_ARRAY);
  if (checkpoints == NULL)
    {
      toast (self, _("The server sent an answer Pairpad does not understand"));
      return;
    }

  while ((row = gtk_list_box_get_row_at_index (self->checkpoint_list, 0)) != NULL)
    gtk_list_box_remove (self->checkpoint_list, GTK_WIDGET (row));
  gtk_scale_clear_marks (self->scale);

  array = json_node_get_array (checkpoints);
  /* Oldest first from the daemon; the newest is the likeliest to be wanted. */
  for (guint i = json_array_get_length (array); i > 0; i--)
    {
      JsonNode *checkpoint = json_array_get_element (array, i - 1);
      JsonNode *version = pairpad_rest_get_member (checkpoint, "v", G_TYPE_INT64);
      const char *name = pairpad_rest_get_string (checkpoint, "name");

      if (version != NULL && name != NULL && json_node_get_int (version) >= 0)
        add_checkpoint (self, json_node_get_int (version), name,
                        pairpad_rest_get_string (checkpoint, "created_at"));
    }
}

static void
load_checkpoints (PairpadHistoryDialog *self)
{
  request (self, "GET", "/checkpoints", NULL, self->cancellable, on_checkpoints);
}

static void
set_busy (PairpadHistoryDialog *self,
          gboolean              busy)
{
  self->busy = busy;
  update_actions (self);
}

static void
on_restored (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PairpadHistoryDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonNode *restored;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not restore this version: %s"),
                                               error->message);

      toast (self, text);
      return;
    }

  /* The text itself arrives in the room as a new op, for everyone. */
  restored = pairpad_rest_get_member (node, "restored", G_TYPE_INT64);
  if (restored != NULL)
    {
      g_autofree char *version = dup_version_string (json_node_get_int (restored));
      g_autofree char *text = g_strdup_printf (_("Version %s restored"), version);

      toast (self, text);
    }
}

static void
on_restore_response (PairpadHistoryDialog *self,
                     const char           *response,
                     AdwMessageDialog     *dialog)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (g_strcmp0 (response, "restore") != 0 || !may_edit (self) || self->busy)
    return;

  object = json_object_new ();
  json_object_set_int_member (object, "v",
                              *(gint64 *) g_object_get_data (G_OBJECT (dialog), "version"));
  body = json_node_init_object (json_node_alloc (), object);
  set_busy (self, TRUE);
  request (self, "POST", "/restore", body, self->cancellable, on_restored);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PairpadHistoryDialog *self = PAIRPAD_HISTORY_DIALOG (widget);
  gint64 version = get_selected_version (self);
  g_autofree char *version_text = dup_version_string (version);
  g_autofree char *heading = g_strdup_printf (_("Restore Version %s?"), version_text);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("The room’s text becomes what it was "
                                                         "then, for everyone in it. This is one "
                                                         "new edit: the versions since stay in "
                                                         "the history.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "restore", _("_Restore"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "restore", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "version", g_memdup2 (&version, sizeof version),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_checkpoint_saved (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  PairpadHistoryDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not save the checkpoint: %s"),
                                               error->message);

      toast (self, text);
      return;
    }

  toast (self, _("Checkpoint saved"));
  load_checkpoints (self);
}

static char *
dup_checkpoint_name (AdwMessageDialog *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  return g_strstrip (g_strdup (gtk_editable_get_text (entry)));
}

static void
on_checkpoint_name_changed (AdwMessageDialog *dialog)
{
  g_autofree char *name = dup_checkpoint_name (dialog);

  adw_message_dialog_set_response_enabled (dialog, "save", *name != '\0');
}

static void
on_checkpoint_response (PairpadHistoryDialog *self,
                        const char           *response,
                        AdwMessageDialog     *dialog)
{
  g_autofree char *name = dup_checkpoint_name (dialog);
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (g_strcmp0 (response, "save") != 0 || *name == '\0' || self->busy)
    return;

  object = json_object_new ();
  json_object_set_string_member (object, "name", name);
  body = json_node_init_object (json_node_alloc (), object);
  set_busy (self, TRUE);
  request (self, "POST", "/checkpoints", body, self->cancellable, on_checkpoint_saved);
}

static void
save_checkpoint_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  PairpadHistoryDialog *self = PAIRPAD_HISTORY_DIALOG (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Save Checkpoint"),
                                                       _("A name for the room’s text as it is "
                                                         "now, to come back to later.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "save", FALSE);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");

  entry = gtk_entry_new ();
  gtk_entry_set_max_length (GTK_ENTRY (entry), MAX_NAME_CHARS);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Checkpoint Name"),
                                  -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_checkpoint_name_changed), dialog,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_checkpoint_response), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
on_file_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  PairpadHistoryDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          text = g_strdup_printf (_("Could not save the file: %s"), error->message);
          toast (self, text);
        }
      return;
    }

  basename = g_file_get_basename (G_FILE (source));
  text = g_strdup_printf (_("Saved “%s”"), basename);
  toast (self, text);
}

static void
on_file_chooser_response (PairpadHistoryDialog *self,
                          int                   response)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->shown_text != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->file_chooser));
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  if (file == NULL)
    return;

  bytes = g_bytes_new (self->shown_text, strlen (self->shown_text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_file_saved, self);
}

/* The room's title (or its id, as the daemon's download does), and the
 * extension of its language. */
static char *
dup_file_name (PairpadHistoryDialog *self)
{
  const char *title = pp_client_session_get_title (self->session);
  const char *language = pp_client_session_get_language (self->session);
  const char *extension = pp_language_get_extension (language);
  g_autofree char *stem = g_strdup (title != NULL && *title != '\0' ? title : self->room);

  return g_strconcat (g_strdelimit (stem, "/", '-'), extension, NULL);
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PairpadHistoryDialog *self = PAIRPAD_HISTORY_DIALOG (widget);
  g_autofree char *name = NULL;

  if (self->file_chooser != NULL || self->shown_text == NULL)
    return;

  name = dup_file_name (self);
  self->file_chooser = gtk_file_chooser_native_new (_("Save Version As"), GTK_WINDOW (self),
                                                    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
  g_signal_connect_object (self->file_chooser, "response", G_CALLBACK (on_file_chooser_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
pairpad_history_dialog_dispose (GObject *object)
{
  PairpadHistoryDialog *self = (PairpadHistoryDialog *)object;

  g_clear_handle_id (&self->load_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  g_clear_object (&self->session);
  g_clear_object (&self->rest);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_HISTORY_DIALOG);

  G_OBJECT_CLASS (pairpad_history_dialog_parent_class)->dispose (object);
}

static void
pairpad_history_dialog_finalize (GObject *object)
{
  PairpadHistoryDialog *self = (PairpadHistoryDialog *)object;

  g_clear_pointer (&self->loaded_text, json_node_unref);
  g_clear_pointer (&self->loaded_blame, json_node_unref);
  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->shown_text, g_free);

  G_OBJECT_CLASS (pairpad_history_dialog_parent_class)->finalize (object);
}

static void
pairpad_history_dialog_class_init (PairpadHistoryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_history_dialog_dispose;
  object_class->finalize = pairpad_history_dialog_finalize;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pairpad/Pairpad/"
                                                             "pairpad-history-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, checkpoint_list);
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, version_label);
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, scale);
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, PairpadHistoryDialog, legend);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_install_action (widget_class, "history.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "history.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "history.save-checkpoint", NULL,
                                   save_checkpoint_action);
}

static void
pairpad_history_dialog_init (PairpadHistoryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->shown_version = -1;

  g_signal_connect_object (self->scale, "value-changed", G_CALLBACK (on_value_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->checkpoint_list, "row-activated",
                           G_CALLBACK (on_checkpoint_activated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  update_style_scheme (self);
}

/* Borrows nothing: @session and @rest are referenced, the rest copied.
 * @token (nullable): the owner key or share link token the room was
 * joined with, sent as bearer token with every call. */
PairpadHistoryDialog *
pairpad_history_dialog_new (GtkWindow         *parent,
                            PpClientSession   *session,
                            PairpadRestClient *rest,
                            const char        *server,
                            const char        *room,
                            const char        *token)
{
  PairpadHistoryDialog *self;
  GtkAdjustment *adjustment;
  gint64 current;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);
  g_return_val_if_fail (PAIRPAD_IS_REST_CLIENT (rest), NULL);
  g_return_val_if_fail (server != NULL && room != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_HISTORY_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->rest = g_object_ref (rest);
  self->server = g_strdup (server);
  self->room = g_strdup (room);
  self->token = g_strdup (token);

  /* The newest version first, as the room shows it now. */
  current = MAX (0, pp_client_session_get_version (session));
  adjustment = gtk_range_get_adjustment (GTK_RANGE (self->scale));
  gtk_adjustment_set_upper (adjustment, current);
  gtk_adjustment_set_value (adjustment, current);

  g_signal_connect_object (session, "remote-op", G_CALLBACK (update_range), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "acked", G_CALLBACK (update_range), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "joined", G_CALLBACK (update_range), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "joined", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "access-changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::state", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "meta-changed", G_CALLBACK (update_language), self,
                           G_CONNECT_SWAPPED);

  update_language (self);
  update_version_label (self);
  update_actions (self);
  load_selected (self);
  load_checkpoints (self);

  return self;
}

/* Returns: the version the preview shows, -1 before the first has loaded */
gint64
pairpad_history_dialog_get_shown_version (PairpadHistoryDialog *self)
{
  g_return_val_if_fail (PAIRPAD_IS_HISTORY_DIALOG (self), -1);

  return self->shown_version;
}

/* Moves the scale to @version, as dragging it there would. */
void
pairpad_history_dialog_select_version (PairpadHistoryDialog *self,
                                       gint64                version)
{
  g_return_if_fail (PAIRPAD_IS_HISTORY_DIALOG (self));

  gtk_range_set_value (GTK_RANGE (self->scale), version);
}
