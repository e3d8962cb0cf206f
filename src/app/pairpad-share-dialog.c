/* pairpad-share-dialog.c: the owner's controls: general access, share links, lock, deletion.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-share-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "pairpad-link.h"
#include "pairpad-share-dialog.h"

/* PairpadShareDialog shows and changes a room's access settings over the
 * owner's REST API (/api/v1/rooms/{id}/access, /links/{edit,view}, the
 * room itself), every call with the owner key as bearer token. Each answer
 * is the whole settings object, and the dialog shows what it says: no
 * change shows before the daemon made it. Changes made elsewhere (another
 * window of the owner, the browser) arrive with the session's
 * ::access-changed; the links themselves only over REST.
 *
 * It does not join the room or keep the owner key anywhere: the room view
 * lends both. Calls in flight are cancelled with the dialog, and their
 * callbacks then leave it alone. */

struct _PairpadShareDialog
{
  AdwWindow          parent_instance;

  /* Owned */
  PpClientSession   *session;
  PairpadRestClient *rest;
  GCancellable      *cancellable;
  char              *server;
  char              *room;
  char              *owner_key;
  char              *links[PP_N_LINK_KINDS];  /* (nullable) tokens */

  PpGeneralAccess    access;
  gboolean           locked;

  /* Template widgets */
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  AdwStatusPage     *failed_page;
  AdwPreferencesPage *settings_page;
  AdwActionRow      *room_link_row;
  AdwComboRow       *access_row;
  GtkSwitch         *lock_switch;
  GtkStack          *edit_stack;
  GtkEntry          *edit_entry;
  GtkStack          *view_stack;
  GtkEntry          *view_entry;

  /* Flags */
  gboolean           loaded;
  gboolean           updating;
};

G_DEFINE_FINAL_TYPE (PairpadShareDialog, pairpad_share_dialog, ADW_TYPE_WINDOW)

static void
toast (PairpadShareDialog *self,
       const char         *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

/* The REST client's errors, said for this dialog. */
static const char *
describe_error (const GError *error)
{
  if (g_error_matches (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_ALLOWED))
    return _("The server did not accept this app’s owner key for the room");

  return error->message;
}

static char *
dup_link (PairpadShareDialog *self,
          PpLinkKind          kind)
{
  return self->links[kind] != NULL
    ? pairpad_link_build_share (self->server, self->room, self->links[kind])
    : NULL;
}

/* Everything on screen from the last known settings; the handlers of the
 * controls ignore what this does. */
static void
update (PairpadShareDialog *self)
{
  GtkStack *stacks[PP_N_LINK_KINDS] = { self->edit_stack, self->view_stack };
  GtkEntry *entries[PP_N_LINK_KINDS] = { self->edit_entry, self->view_entry };

  self->updating = TRUE;
  adw_combo_row_set_selected (self->access_row, self->access);
  gtk_switch_set_active (self->lock_switch, self->locked);
  for (PpLinkKind kind = 0; kind < PP_N_LINK_KINDS; kind++)
    {
      g_autofree char *link = dup_link (self, kind);

      gtk_editable_set_text (GTK_EDITABLE (entries[kind]), link != NULL ? link : "");
      gtk_stack_set_visible_child_name (stacks[kind], link != NULL ? "on" : "off");
    }
  self->updating = FALSE;

  if (self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "settings");
}

static void
set_busy (PairpadShareDialog *self,
          gboolean            busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_page), !busy);
}

/* {"access", "locked", "links": {"edit", "view"}}, as every answer has it. */
static gboolean
take_settings (PairpadShareDialog *self,
               JsonNode           *root)
{
  JsonNode *access_node = pairpad_rest_get_member (root, "access", G_TYPE_STRING);
  JsonNode *locked_node = pairpad_rest_get_member (root, "locked", G_TYPE_BOOLEAN);
  JsonNode *links_node = pairpad_rest_get_member (root, "links", JSON_TYPE_OBJECT);
  const char *tokens[PP_N_LINK_KINDS] = { NULL, NULL };
  PpGeneralAccess access;

  if (access_node == NULL || locked_node == NULL || links_node == NULL ||
      !pp_general_access_from_string (json_node_get_string (access_node), &access))
    return FALSE;

  for (PpLinkKind kind = 0; kind < PP_N_LINK_KINDS; kind++)
    {
      JsonObject *links = json_node_get_object (links_node);
      const char *name = pp_link_kind_to_string (kind);
      JsonNode *token = pairpad_rest_get_member (links_node, name, G_TYPE_STRING);

      /* A link that is off is null. */
      if (token == NULL && !(json_object_has_member (links, name) &&
                             JSON_NODE_HOLDS_NULL (json_object_get_member (links, name))))
        return FALSE;
      if (token != NULL && !pairpad_link_token_is_valid (json_node_get_string (token)))
        return FALSE;
      tokens[kind] = token != NULL ? json_node_get_string (token) : NULL;
    }

  self->access = access;
  self->locked = json_node_get_boolean (locked_node);
  for (PpLinkKind kind = 0; kind < PP_N_LINK_KINDS; kind++)
    {
      g_free (self->links[kind]);
      self->links[kind] = g_strdup (tokens[kind]);
    }
  self->loaded = TRUE;

  return TRUE;
}

/* The end of request(): FALSE when cancelled, and then the dialog is gone
 * and must not be touched. Otherwise @node is the answer, or NULL with
 * @error. */
static gboolean
request_finish (PairpadShareDialog  *self,
                GObject             *source,
                GAsyncResult        *result,
                JsonNode           **node,
                GError             **error)
{
  *node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, error);
  if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  set_busy (self, FALSE);
  return TRUE;
}

static void
on_settings (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  PairpadShareDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!request_finish (self, source, result, &node, &error))
    return;

  if (node != NULL && !take_settings (self, node))
    g_set_error_literal (&error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_BAD_ANSWER,
                         _("The server sent an answer Pairpad does not understand"));

  if (error != NULL && !self->loaded)
    {
      adw_status_page_set_description (self->failed_page, describe_error (error));
      gtk_stack_set_visible_child_name (self->stack, "failed");
      return;
    }

  /* A refused change: the controls go back to what is true. */
  if (error != NULL)
    toast (self, describe_error (error));
  update (self);
}

/* @path_suffix: "" or "/access", "/links/edit"… after /api/v1/rooms/{id}. */
static void
request (PairpadShareDialog  *self,
         const char          *method,
         const char          *path_suffix,
         JsonNode            *body,
         GAsyncReadyCallback  callback)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/rooms/%s%s", self->room, path_suffix);

  set_busy (self, TRUE);
  pairpad_rest_client_request_async (self->rest, self->server, method, path, body,
                                     self->owner_key, self->cancellable, callback, self);
}

static void
patch_settings (PairpadShareDialog *self,
                const char         *member,
                JsonNode           *value)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  json_object_set_member (object, member, value);
  body = json_node_init_object (json_node_alloc (), object);
  request (self, "PATCH", "/access", body, on_settings);
}

static void
on_access_selected (PairpadShareDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->access_row);
  JsonNode *value;

  if (self->updating || selected > PP_GENERAL_ACCESS_RESTRICTED || selected == self->access)
    return;

  value = json_node_init_string (json_node_alloc (), pp_general_access_to_string (selected));
  patch_settings (self, "access", value);
}

static void
on_lock_toggled (PairpadShareDialog *self)
{
  gboolean active = gtk_switch_get_active (self->lock_switch);

  if (self->updating || active == self->locked)
    return;

  patch_settings (self, "locked", json_node_init_boolean (json_node_alloc (), active));
}

/* What the daemon told everyone in the room, say after a change made in
 * the browser. */
static void
on_access_changed (PairpadShareDialog *self)
{
  if (!self->loaded)
    return;

  self->access = pp_client_session_get_general_access (self->session);
  self->locked = pp_client_session_is_locked (self->session);
  update (self);
}

static gboolean
get_kind (GVariant   *param,
          PpLinkKind *kind)
{
  return pp_link_kind_from_string (g_variant_get_string (param, NULL), kind);
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  PairpadShareDialog *self = PAIRPAD_SHARE_DIALOG (widget);
  g_autofree char *link = NULL;
  PpLinkKind kind;

  if (g_strcmp0 (g_variant_get_string (param, NULL), "room") == 0)
    {
      link = pairpad_link_build (self->server, self->room);
      gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), link);
      toast (self, _("Room link copied"));
      return;
    }

  if (!get_kind (param, &kind) || (link = dup_link (self, kind)) == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), link);
  toast (self, kind == PP_LINK_EDIT ? _("Edit link copied") : _("View link copied"));
}

/* POST makes a new link, DELETE turns it off; the answer is the settings. */
static void
request_link (PairpadShareDialog *self,
              const char         *method,
              PpLinkKind          kind)
{
  g_autofree char *suffix = g_strdup_printf ("/links/%s", pp_link_kind_to_string (kind));

  request (self, method, suffix, NULL, on_settings);
}

/* Asks first, for what cannot be undone: @callback gets the
 * ::response, "cancel" or @response. */
static AdwMessageDialog *
present_question (PairpadShareDialog *self,
                  const char         *heading,
                  const char         *body,
                  const char         *response,
                  const char         *response_label,
                  GCallback           callback)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    response, response_label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", callback, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
create_link_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  PpLinkKind kind;

  if (get_kind (param, &kind))
    request_link (PAIRPAD_SHARE_DIALOG (widget), "POST", kind);
}

static void
on_new_link_response (PairpadShareDialog *self,
                      const char         *response,
                      AdwMessageDialog   *dialog)
{
  if (g_strcmp0 (response, "replace") == 0)
    request_link (self, "POST", GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "kind")));
}

/* A new link shuts out everyone who has the old one: asked first. */
static void
new_link_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  PairpadShareDialog *self = PAIRPAD_SHARE_DIALOG (widget);
  AdwMessageDialog *dialog;
  const char *heading, *body;
  PpLinkKind kind;

  if (!get_kind (param, &kind))
    return;

  if (self->links[kind] == NULL)
    {
      request_link (self, "POST", kind);
      return;
    }

  heading = kind == PP_LINK_EDIT ? _("Replace the Edit Link?") : _("Replace the View Link?");
  body = _("The current link stops working at once, and everyone who joined with it is "
           "disconnected. Send the new link to those who should keep access.");
  dialog = present_question (self, heading, body, "replace", _("_Replace Link"),
                             G_CALLBACK (on_new_link_response));
  g_object_set_data (G_OBJECT (dialog), "kind", GINT_TO_POINTER (kind));
}

static void
turn_off_link_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  PpLinkKind kind;

  if (get_kind (param, &kind))
    request_link (PAIRPAD_SHARE_DIALOG (widget), "DELETE", kind);
}

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PairpadShareDialog *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!request_finish (self, source, result, &node, &error))
    return;

  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not delete the room: %s"),
                                               describe_error (error));

      toast (self, text);
      return;
    }

  /* The room view says the rest: the daemon has closed every session. */
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_delete_response (PairpadShareDialog *self,
                    const char         *response)
{
  if (g_strcmp0 (response, "delete") == 0)
    request (self, "DELETE", "", NULL, on_deleted);
}

static void
delete_room_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  present_question (PAIRPAD_SHARE_DIALOG (widget), _("Delete This Room?"),
                    _("Everyone in it is disconnected, and its text is gone for good. This "
                      "cannot be undone."),
                    "delete", _("_Delete Room"), G_CALLBACK (on_delete_response));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  PairpadShareDialog *self = PAIRPAD_SHARE_DIALOG (widget);

  gtk_stack_set_visible_child_name (self->stack, "loading");
  request (self, "GET", "/access", NULL, on_settings);
}

static void
pairpad_share_dialog_dispose (GObject *object)
{
  PairpadShareDialog *self = (PairpadShareDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->rest);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_SHARE_DIALOG);

  G_OBJECT_CLASS (pairpad_share_dialog_parent_class)->dispose (object);
}

static void
pairpad_share_dialog_finalize (GObject *object)
{
  PairpadShareDialog *self = (PairpadShareDialog *)object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->owner_key, g_free);
  for (PpLinkKind kind = 0; kind < PP_N_LINK_KINDS; kind++)
    g_clear_pointer (&self->links[kind], g_free);

  G_OBJECT_CLASS (pairpad_share_dialog_parent_class)->finalize (object);
}

static void
pairpad_share_dialog_class_init (PairpadShareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_share_dialog_dispose;
  object_class->finalize = pairpad_share_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pairpad/Pairpad/"
                                                             "pairpad-share-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, failed_page);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, settings_page);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, room_link_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, access_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, lock_switch);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, edit_stack);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, edit_entry);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, view_stack);
  gtk_widget_class_bind_template_child (widget_class, PairpadShareDialog, view_entry);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_install_action (widget_class, "share.copy-link", "s", copy_link_action);
  gtk_widget_class_install_action (widget_class, "share.create-link", "s", create_link_action);
  gtk_widget_class_install_action (widget_class, "share.new-link", "s", new_link_action);
  gtk_widget_class_install_action (widget_class, "share.turn-off-link", "s", turn_off_link_action);
  gtk_widget_class_install_action (widget_class, "share.delete-room", NULL, delete_room_action);
  gtk_widget_class_install_action (widget_class, "share.reload", NULL, reload_action);
}

static void
pairpad_share_dialog_init (PairpadShareDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_object (self->access_row, "notify::selected", G_CALLBACK (on_access_selected),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->lock_switch, "notify::active", G_CALLBACK (on_lock_toggled),
                           self, G_CONNECT_SWAPPED);
}

/* Borrows nothing: @session and @rest are referenced, the rest copied. */
PairpadShareDialog *
pairpad_share_dialog_new (GtkWindow         *parent,
                          PpClientSession   *session,
                          PairpadRestClient *rest,
                          const char        *server,
                          const char        *room,
                          const char        *owner_key)
{
  PairpadShareDialog *self;
  g_autofree char *link = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (PP_IS_CLIENT_SESSION (session), NULL);
  g_return_val_if_fail (PAIRPAD_IS_REST_CLIENT (rest), NULL);
  g_return_val_if_fail (server != NULL && room != NULL && owner_key != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_SHARE_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->rest = g_object_ref (rest);
  self->server = g_strdup (server);
  self->room = g_strdup (room);
  self->owner_key = g_strdup (owner_key);

  link = pairpad_link_build (server, room);
  adw_action_row_set_subtitle (self->room_link_row, link);
  g_signal_connect_swapped (session, "access-changed", G_CALLBACK (on_access_changed), self);
  reload_action (GTK_WIDGET (self), NULL, NULL);

  return self;
}
