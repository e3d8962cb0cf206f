/* pairpad-room-view.c: one room: the editor, its people, its language and its connection.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-room-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <pairpad.h>

#include "pairpad-accounts.h"
#include "pairpad-application.h"
#include "pairpad-buffer-binding.h"
#include "pairpad-completion-provider.h"
#include "pairpad-connection.h"
#include "pairpad-history-dialog.h"
#include "pairpad-identity.h"
#include "pairpad-languages.h"
#include "pairpad-link.h"
#include "pairpad-overview-ruler.h"
#include "pairpad-rest-client.h"
#include "pairpad-room-view.h"
#include "pairpad-secrets.h"
#include "pairpad-share-dialog.h"
#include "pairpad-source-view.h"

/* PairpadRoomView owns the room's PpClientSession, its PairpadConnection
 * and the PairpadBufferBinding between the session and the editor's
 * buffer, and shows their state. Text flows only through the binding.
 *
 * Following someone (driver and navigator): our view shows what theirs
 * shows, moving with every presence and edit, until we click, type or
 * scroll. What we see goes out with our presence so others can follow us.
 *
 * Access: the session presents the room's owner key when PairpadSecrets
 * has it (this app made the room), else the share link's token it was
 * opened with, else the one it was last opened with (kept in PairpadSecrets
 * beside the room's entry in Recent Rooms, since the link there has none),
 * else nothing. The daemon answers with our role; the editor and the
 * room's settings are read-only while the session may not edit, and the
 * owner gets the share dialog. A refusal (a turned-off link, a deleted
 * room) ends the connection for good and says why.
 *
 * Identity: where we signed in to the server (PairpadAccounts), the
 * WebSocket upgrade carries the account's token, and the daemon shows us to
 * everyone under the account's name, marked verified, as it does for the
 * others who signed in. Signing in or out while the room is open joins
 * again as the new self. */

#define VIEW_SEND_DELAY_MS 100

struct _PairpadRoomView
{
  GtkWidget             parent_instance;

  /* Owned */
  PpClientSession      *session;
  PairpadConnection    *connection;
  PairpadBufferBinding *binding;
  PairpadCompletionProvider *completion;
  PairpadRestClient    *rest;
  GCancellable         *cancellable;
  GtkFileChooserNative *file_chooser;
  char                 *server;
  char                 *room;
  char                 *link;
  char                 *share_token;  /* (nullable) the share link's we were opened with */
  char                 *owner_key;    /* (nullable) this app made the room */
  char                 *account_token; /* (nullable) signed in to the server: sent on connecting */
  char                 *account;      /* (nullable) the name the server knows that token by */
  char                 *refusal;      /* (nullable) why the daemon refused us, for people */
  GSettings            *settings;
  char                 *test_text_file;
  guint                 test_write_source;
  guint                 view_source;

  /* Borrowed */
  GtkWindow            *share_dialog;  /* weak */
  GtkWindow            *history_dialog; /* weak */

  /* Template widgets */
  AdwWindowTitle       *window_title;
  GtkMenuButton        *title_button;
  GtkPopover           *title_popover;
  GtkEntry             *title_entry;
  GtkDropDown          *language_dropdown;
  GtkMenuButton        *people_button;
  GtkListBox           *people_list;
  GtkLabel             *people_count;
  GtkWidget            *share_settings_button;
  GtkRevealer          *banner;
  GtkLabel             *banner_label;
  GtkWidget            *retry_button;
  GtkRevealer          *access_banner;
  GtkImage             *access_icon;
  GtkLabel             *access_label;
  GtkWidget            *unlock_button;
  GtkRevealer          *follow_banner;
  GtkLabel             *follow_label;
  PairpadSourceView    *source_view;
  PairpadOverviewRuler *ruler;

  /* Flags */
  gboolean              updating_language;
  gboolean              was_online;
  gboolean              started;        /* keys and tokens looked up, the connection runs */
  gboolean              joined;         /* a welcome came, at least once */
  gboolean              refused_edits;  /* a forbidden error came while we were in */
  gboolean              share_token_kept; /* @share_token is the one in PairpadSecrets */
};

G_DEFINE_FINAL_TYPE (PairpadRoomView, pairpad_room_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkTextBuffer *
get_buffer (PairpadRoomView *self)
{
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
}

static GtkSourceCompletion *
get_completion (PairpadRoomView *self)
{
  return gtk_source_view_get_completion (GTK_SOURCE_VIEW (self->source_view));
}

static void
toast (PairpadRoomView *self,
       const char      *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  /* libadwaita 1.2 parses toast titles as markup; file names are not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

static void
update_style_scheme (PairpadRoomView *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (manager) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (get_buffer (self)),
                                      gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

static void
update_meta (PairpadRoomView *self)
{
  const char *language = pp_client_session_get_language (self->session);
  const char *source_id = pairpad_languages_to_source_id (language);
  GtkSourceLanguageManager *manager = gtk_source_language_manager_get_default ();
  GtkSourceLanguage *source_language = NULL;
  const char *title = pairpad_room_view_get_title (self);
  int index = pairpad_languages_find (language);

  if (source_id != NULL)
    source_language = gtk_source_language_manager_get_language (manager, source_id);
  gtk_source_buffer_set_language (GTK_SOURCE_BUFFER (get_buffer (self)), source_language);

  self->updating_language = TRUE;
  gtk_drop_down_set_selected (self->language_dropdown, index < 0 ? 0 : (guint) index);
  self->updating_language = FALSE;

  adw_window_title_set_title (self->window_title, title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);

  if (pp_client_session_get_state (self->session) >= PP_CLIENT_SESSION_SYNCED &&
      PAIRPAD_IS_APPLICATION (g_application_get_default ()))
    pairpad_application_add_recent_room (PAIRPAD_APPLICATION (g_application_get_default ()),
                                         self->link, title);
}

static const PpUserInfo *
find_user (PairpadRoomView *self,
           const char      *user)
{
  GPtrArray *users = pp_client_session_get_users (self->session);

  for (guint i = 0; user != NULL && i < users->len; i++)
    {
      const PpUserInfo *info = g_ptr_array_index (users, i);

      if (g_strcmp0 (info->user, user) == 0)
        return info;
    }

  return NULL;
}

/* "follows you", "follows Ada": who navigates behind whom. */
static char *
dup_follows_label (PairpadRoomView  *self,
                   const PpUserInfo *user)
{
  const PpUserInfo *leader;

  if (user->follow == NULL)
    return NULL;
  if (g_strcmp0 (user->follow, pp_client_session_get_user (self->session)) == 0)
    return g_strdup (_("follows you"));
  if ((leader = find_user (self, user->follow)) != NULL)
    return g_strdup_printf (_("follows %s"), leader->name);

  return NULL;
}

/* "owner", "watching" (a viewer), or nothing for an editor. */
static const char *
role_label (PpRole role)
{
  switch (role)
    {
    case PP_ROLE_OWNER:
      return _("owner");
    case PP_ROLE_VIEWER:
      return _("watching");
    case PP_ROLE_EDITOR:
    default:
      return NULL;
    }
}

/* @verified_name: (nullable): the account's name the daemon vouches for */
static GtkWidget *
person_row_new (const char *color,
                const char *name,
                const char *verified_name,
                PpRole      role,
                const char *follow_status)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *markup = NULL;
  g_autofree char *status = NULL;

  if (role_label (role) != NULL && follow_status != NULL)
    /* TRANSLATORS: a person's role and whom they follow: "watching · follows you" */
    status = g_strdup_printf (_("%s · %s"), role_label (role), follow_status);
  else
    status = g_strdup (role_label (role) != NULL ? role_label (role) : follow_status);

  /* The color comes from the network: only a valid #rrggbb goes into markup. */
  if (color != NULL && pp_protocol_color_is_valid (color))
    markup = g_strdup_printf ("<span foreground=\"%s\">●</span>", color);
  gtk_label_set_markup (GTK_LABEL (dot), markup != NULL ? markup : "○");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  /* A name that is an account's, not one anybody could type. */
  if (verified_name != NULL)
    {
      GtkWidget *check = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      /* TRANSLATORS: the tooltip of a person's "verified" mark; %s is an account's name */
      g_autofree char *tooltip = g_strdup_printf (_("Signed in as %s"), verified_name);

      gtk_widget_set_tooltip_text (check, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_widget_add_css_class (check, "accent");
      gtk_widget_add_css_class (check, "verified");
      gtk_box_append (GTK_BOX (box), check);
    }
  /* Viewers carry an eye, as in the banner a viewer sees. */
  if (role == PP_ROLE_VIEWER)
    {
      GtkWidget *eye = gtk_image_new_from_icon_name ("view-reveal-symbolic");

      gtk_widget_add_css_class (eye, "dim-label");
      gtk_box_append (GTK_BOX (box), eye);
    }
  if (status != NULL)
    {
      GtkWidget *status_label = gtk_label_new (status);

      gtk_widget_add_css_class (status_label, "dim-label");
      gtk_box_append (GTK_BOX (box), status_label);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  return row;
}

static void
update_follow_banner (PairpadRoomView *self)
{
  const PpUserInfo *leader = find_user (self, pp_client_session_get_following (self->session));

  if (leader != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("You are following %s. Click, type or scroll to stop."),
                                               leader->name);

      gtk_label_set_label (self->follow_label, text);
    }
  gtk_revealer_set_reveal_child (self->follow_banner, leader != NULL);
}

static void
reveal_followed (PairpadRoomView *self)
{
  const PpUserInfo *leader = find_user (self, pp_client_session_get_following (self->session));

  if (leader == NULL)
    return;

  pairpad_source_view_reveal (self->source_view,
                              leader->has_view ? &leader->view : NULL,
                              leader->sel->len > 0 ? g_array_index (leader->sel, PpRange, 0).head : -1);
}

static void
follow (PairpadRoomView *self,
        const char      *user)
{
  /* Nobody to follow once they have left. */
  if (find_user (self, user) == NULL)
    user = NULL;

  pp_client_session_set_following (self->session, user);
  update_follow_banner (self);
  reveal_followed (self);
}

static gpointer
copy_user (gconstpointer user,
           gpointer      data)
{
  return pp_user_info_ref ((PpUserInfo *) user);
}

/* The marks of everyone else, drawn from one snapshot of the session's users. */
static void
update_marks (PairpadRoomView *self)
{
  GPtrArray *users = pp_client_session_get_users (self->session);
  g_autoptr(GPtrArray) snapshot = g_ptr_array_copy (users, copy_user, NULL);

  g_ptr_array_set_free_func (snapshot, (GDestroyNotify) pp_user_info_unref);
  pairpad_source_view_set_users (self->source_view, snapshot);
  pairpad_overview_ruler_set_users (self->ruler, snapshot);
}

static void
update_people (PairpadRoomView *self)
{
  GPtrArray *users = pp_client_session_get_users (self->session);
  const char *following = pp_client_session_get_following (self->session);
  g_autofree char *count = NULL;
  g_autofree char *me = NULL;
  GtkWidget *child, *row;

  update_marks (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->people_list))) != NULL)
    gtk_list_box_remove (self->people_list, child);

  for (guint i = 0; i < users->len; i++)
    {
      const PpUserInfo *user = g_ptr_array_index (users, i);
      gboolean followed = g_strcmp0 (user->user, following) == 0;
      g_autofree char *status = dup_follows_label (self, user);
      g_autofree char *tooltip = NULL;

      row = person_row_new (user->color, user->name, user->verified ? user->name : NULL,
                            user->role, followed ? _("following") : status);
      tooltip = followed ? g_strdup_printf (_("Stop following %s"), user->name)
                         : g_strdup_printf (_("Follow %s: your view moves with theirs"), user->name);
      gtk_widget_set_tooltip_text (row, tooltip);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "room.follow");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", followed ? "" : user->user);
      gtk_list_box_append (self->people_list, row);
    }

  /* Signed in, the others see the account's name, whatever we chose. */
  me = g_strdup_printf (_("%s (you)"), self->account != NULL
                                       ? self->account
                                       : pp_client_session_get_name (self->session));
  row = person_row_new (pp_client_session_get_color (self->session), me, self->account,
                        self->joined ? pp_client_session_get_role (self->session) : PP_ROLE_EDITOR,
                        NULL);
  gtk_widget_set_tooltip_text (row, self->account != NULL
                                    ? _("Change your color (others see your account’s name)")
                                    : _("Change your name and color"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "app.preferences");
  gtk_list_box_append (self->people_list, row);

  count = g_strdup_printf ("%u", users->len + 1);
  gtk_label_set_label (self->people_count, count);

  /* Whom we follow may have left. */
  if (following != NULL && find_user (self, following) == NULL)
    follow (self, NULL);
  update_follow_banner (self);
}

static void
on_user_joined (PairpadRoomView  *self,
                const PpUserInfo *user)
{
  update_people (self);
}

static void
on_presence (PairpadRoomView  *self,
             const PpUserInfo *user)
{
  /* A presence comes with every move of a caret: redraw the marks, and
   * rebuild the list (whose rows say who follows whom) only while it shows;
   * opening it rebuilds it anyway. */
  update_marks (self);
  if (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (self->people_button))))
    update_people (self);
  if (g_strcmp0 (user->user, pp_client_session_get_following (self->session)) == 0)
    reveal_followed (self);
}

static void
on_remote_op (PairpadRoomView *self)
{
  /* The binding has applied it; the one we follow may have moved with it. */
  if (pp_client_session_get_following (self->session) != NULL)
    reveal_followed (self);
}

/* Clicks, keys and scrolling in the editor take back the wheel. */
static void
on_user_interaction (PairpadRoomView *self)
{
  if (pp_client_session_get_following (self->session) != NULL)
    follow (self, NULL);
}

static gboolean
on_scroll (PairpadRoomView *self)
{
  on_user_interaction (self);

  return GDK_EVENT_PROPAGATE;
}

static gboolean
on_key_pressed (PairpadRoomView       *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));

  /* Modifiers alone are not a move; shortcuts like Ctrl+P are. */
  if (event == NULL || !gdk_key_event_is_modifier (event))
    on_user_interaction (self);

  return GDK_EVENT_PROPAGATE;
}

static gboolean
send_view (gpointer data)
{
  PairpadRoomView *self = data;
  PpRange range;

  self->view_source = 0;
  pairpad_source_view_get_visible_range (self->source_view, &range);
  pp_client_session_set_view (self->session, &range);

  return G_SOURCE_REMOVE;
}

/* Scrolling fires per frame: what we see goes out at most every 100 ms. */
static void
queue_send_view (PairpadRoomView *self)
{
  if (self->view_source == 0)
    self->view_source = g_timeout_add (VIEW_SEND_DELAY_MS, send_view, self);
}

static void
on_identity_changed (PairpadRoomView *self)
{
  g_autofree char *name = pairpad_identity_dup_name (self->settings);
  g_autofree char *color = pairpad_identity_dup_color (self->settings);

  if (g_strcmp0 (name, pp_client_session_get_name (self->session)) == 0 &&
      g_strcmp0 (color, pp_client_session_get_color (self->session)) == 0)
    return;

  /* The protocol sends name and color in hello only. Unsent edits wait in
   * the session and go out after the new welcome, exactly once. */
  pp_client_session_set_identity (self->session, name, color);
  if (self->started)
    pairpad_connection_reconnect (self->connection);
  update_people (self);
}

/* May we type? Not before the first welcome (there is no document yet),
 * not while the session may not edit, and not once the room refused us. */
static gboolean
is_editable (PairpadRoomView *self)
{
  return self->joined && pp_client_session_can_edit (self->session) &&
         pairpad_connection_get_state (self->connection) != PAIRPAD_CONNECTION_FAILED;
}

static gboolean
is_owner (PairpadRoomView *self)
{
  return self->joined && self->owner_key != NULL &&
         pp_client_session_get_role (self->session) == PP_ROLE_OWNER &&
         pairpad_connection_get_state (self->connection) != PAIRPAD_CONNECTION_FAILED;
}

static void
update_undo_actions (PairpadRoomView *self)
{
  gboolean editable = is_editable (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.undo",
                                 editable && pairpad_buffer_binding_get_can_undo (self->binding));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.redo",
                                 editable && pairpad_buffer_binding_get_can_redo (self->binding));
}

/* The editor, the room's language and title, and the banner that says why
 * they cannot be changed, from the session's role and the room's lock. */
static void
update_access (PairpadRoomView *self)
{
  PairpadConnectionState state = pairpad_connection_get_state (self->connection);
  gboolean editable = is_editable (self);
  const char *text = NULL;
  const char *icon = NULL;

  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->source_view), editable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->language_dropdown), editable);
  /* Nothing to go back through before the room is there. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.history",
                                 self->joined && state != PAIRPAD_CONNECTION_FAILED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->title_entry), editable);
  /* The title stays as legible as ever; it just does not open. */
  gtk_widget_set_can_target (GTK_WIDGET (self->title_button), editable);
  gtk_widget_set_can_focus (GTK_WIDGET (self->title_button), editable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "room.edit-title", editable);
  if (!editable)
    gtk_popover_popdown (self->title_popover);
  update_undo_actions (self);

  gtk_widget_set_visible (self->share_settings_button, is_owner (self));
  if (!is_owner (self) && self->share_dialog != NULL)
    gtk_window_destroy (self->share_dialog);

  if (self->joined && state != PAIRPAD_CONNECTION_FAILED &&
      !pp_client_session_can_edit (self->session))
    {
      if (pp_client_session_is_locked (self->session) && is_owner (self))
        {
          icon = "changes-prevent-symbolic";
          text = _("Locked — nobody can edit, you included, until you unlock the room");
        }
      else if (pp_client_session_is_locked (self->session))
        {
          icon = "changes-prevent-symbolic";
          text = _("Locked by the owner — nobody can edit");
        }
      else
        {
          icon = "view-reveal-symbolic";
          text = _("View only — you can watch and follow, but not edit");
        }
    }

  if (text != NULL)
    {
      gtk_image_set_from_icon_name (self->access_icon, icon);
      gtk_label_set_label (self->access_label, text);
    }
  gtk_widget_set_visible (self->unlock_button,
                          is_owner (self) && pp_client_session_is_locked (self->session));
  gtk_revealer_set_reveal_child (self->access_banner, text != NULL);

  /* The header says it too, where "Connected" would be. */
  if (state == PAIRPAD_CONNECTION_ONLINE && text != NULL)
    adw_window_title_set_subtitle (self->window_title,
                                   pp_client_session_is_locked (self->session) ? _("Locked")
                                                                               : _("View only"));
}

static void
update_connection (PairpadRoomView *self)
{
  PairpadConnectionState state = pairpad_connection_get_state (self->connection);
  guint n_unsent = pp_client_session_get_n_unsent (self->session);
  gboolean gone = state == PAIRPAD_CONNECTION_FAILED &&
                  pairpad_connection_get_close_code (self->connection) == PAIRPAD_CLOSE_NOT_FOUND;
  g_autofree char *text = NULL;
  const char *subtitle;

  switch (state)
    {
    case PAIRPAD_CONNECTION_ONLINE:
      self->was_online = TRUE;
      subtitle = _("Connected");
      break;

    case PAIRPAD_CONNECTION_CONNECTING:
      subtitle = self->was_online ? _("Reconnecting…") : _("Connecting…");
      break;

    case PAIRPAD_CONNECTION_WAITING:
      subtitle = _("Offline");
      break;

    case PAIRPAD_CONNECTION_FAILED:
    default:
      subtitle = _("Cannot open this room");
      break;
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (state == PAIRPAD_CONNECTION_FAILED)
    {
      self->refused_edits = FALSE;
      text = g_strdup (self->refusal != NULL
                       ? self->refusal
                       : _("This room does not exist, or the server refused to open it."));
    }
  else if (state != PAIRPAD_CONNECTION_ONLINE && (self->was_online || state == PAIRPAD_CONNECTION_WAITING))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Offline: reconnecting. %u edit is not sent yet.",
                                         "Offline: reconnecting. %u edits are not sent yet.",
                                         n_unsent),
                            n_unsent);

  if (text != NULL)
    gtk_label_set_label (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner, text != NULL);
  /* A room that does not exist (any more) cannot come back; a refusal
   * might (the owner may open the room up again). */
  gtk_widget_set_visible (self->retry_button, !gone);

  /* Its link in the recent rooms, and its owner key, would only fail. */
  if (gone)
    {
      GApplication *app = g_application_get_default ();

      if (PAIRPAD_IS_APPLICATION (app))
        pairpad_application_remove_recent_room (PAIRPAD_APPLICATION (app), self->link);
      if (self->owner_key != NULL)
        pairpad_secrets_forget_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY,
                                      self->server, self->room, NULL, NULL, NULL);
      if (self->share_token != NULL)
        pairpad_secrets_forget_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_SHARE_TOKEN,
                                      self->server, self->room, NULL, NULL, NULL);
      g_clear_pointer (&self->owner_key, g_free);
      self->share_token_kept = FALSE;
    }

  update_access (self);
}

static gboolean
write_test_text (gpointer data)
{
  PairpadRoomView *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tmp = NULL;
  GtkTextIter start, end;

  self->test_write_source = 0;
  gtk_text_buffer_get_bounds (get_buffer (self), &start, &end);
  text = gtk_text_buffer_get_text (get_buffer (self), &start, &end, TRUE);
  if (!g_file_set_contents (self->test_text_file, text, -1, &error))
    g_warning ("test hook: %s", error->message);

  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed (PairpadRoomView *self)
{
  /* Local edits move the others' positions too, and what we see. */
  update_marks (self);
  queue_send_view (self);

  if (self->test_text_file != NULL && self->test_write_source == 0)
    self->test_write_source = g_timeout_add (20, write_test_text, self);
}

static void
on_language_selected (PairpadRoomView *self)
{
  guint selected = gtk_drop_down_get_selected (self->language_dropdown);
  const PairpadLanguage *language;

  if (self->updating_language || selected >= pairpad_languages_get_n_items ())
    return;

  language = pairpad_languages_get_nth (selected);
  if (g_strcmp0 (pairpad_languages_normalize (pp_client_session_get_language (self->session)),
                 language->id) != 0)
    pp_client_session_set_meta (self->session, language->id, NULL);
}

static void
on_title_popover_show (PairpadRoomView *self)
{
  const char *title = pp_client_session_get_title (self->session);

  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), title != NULL ? title : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->title_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->title_entry), 0, -1);
}

/* The title changes for everyone once the server echoes the meta back
 * (update_meta), like the language; an empty title shows "Untitled Room". */
static void
on_title_entry_activate (PairpadRoomView *self)
{
  const char *current = pp_client_session_get_title (self->session);
  g_autofree char *title = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_entry)));

  g_strstrip (title);
  if (g_strcmp0 (title, current != NULL ? current : "") != 0)
    pp_client_session_set_meta (self->session, NULL, title);
  gtk_popover_popdown (self->title_popover);
}

/* The daemon's refusals, which are English, in the user's language. */
static const struct
{
  const char *daemon;
  const char *text;
} refusals[] = {
  { "This share link no longer works: ask the room's owner for a new one",
    N_("This share link no longer works: ask the room’s owner for a new one") },
  { "The owner turned off the share link you joined with",
    N_("This share link no longer works: the owner turned it off or replaced it") },
  { "This room is private: you need a share link from its owner",
    N_("This room is private: you need a share link from its owner") },
  { "The owner made the room private: you need a share link",
    N_("The owner made this room private: you need a share link from them") },
  { "The room is full", N_("This room is full: try again later") },
  { "The owner deleted this room", N_("The owner deleted this room") },
  { "No such room", N_("This room does not exist") },
};

static char *
dup_refusal (PairpadRoomView *self,
             const char      *message)
{
  /* Whoever deleted it knows; the others are told who did. */
  if (g_strcmp0 (message, "The owner deleted this room") == 0 &&
      pp_client_session_get_role (self->session) == PP_ROLE_OWNER)
    return g_strdup (_("You deleted this room"));

  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    if (g_strcmp0 (message, refusals[i].daemon) == 0)
      return g_strdup (_(refusals[i].text));

  /* A newer daemon's: still meant for people, if not translated. */
  return g_strdup (message);
}

static void
on_session_error (PairpadRoomView *self,
                  int              code,
                  const char      *message)
{
  switch (code)
    {
    case PP_PROTOCOL_ERROR_RESYNC:
      toast (self, _("Some offline edits could not be merged and were dropped"));
      break;

    /* Before a close: 4403/4404 at the door shows it in the banner; a
     * forbidden edit once in gets us in again (as a viewer), see
     * on_joined(). */
    case PP_PROTOCOL_ERROR_FORBIDDEN:
    case PP_PROTOCOL_ERROR_NOT_FOUND:
      g_free (self->refusal);
      self->refusal = dup_refusal (self, message);
      self->refused_edits = code == PP_PROTOCOL_ERROR_FORBIDDEN;
      break;

    default:
      break;
    }
}

static void
on_access_changed (PairpadRoomView *self)
{
  update_people (self);
  update_connection (self);
}

static void
on_joined (PairpadRoomView *self)
{
  self->joined = TRUE;

  /* Edits refused, or dropped at the welcome because the room became
   * read-only for us while they were on their way. */
  if (self->refused_edits)
    toast (self, _("Your last edits were not saved: you can no longer edit this room"));
  self->refused_edits = FALSE;
  g_clear_pointer (&self->refusal, g_free);

  /* The share link let us in: kept for Recent Rooms, whose link has no
   * token (and which keeps nothing when it is turned off). */
  if (self->share_token != NULL && self->owner_key == NULL && !self->share_token_kept &&
      g_settings_get_uint (self->settings, "max-recent-rooms") > 0)
    {
      pairpad_secrets_store_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_SHARE_TOKEN,
                                   self->server, self->room, self->share_token, NULL, NULL, NULL);
      self->share_token_kept = TRUE;
    }

  update_people (self);
  update_connection (self);
}

static char *
dup_display_name (GFile *file)
{
  const char *path = g_file_peek_path (file);

  return path != NULL ? g_filename_display_basename (path) : g_file_get_parse_name (file);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  GFile *file = G_FILE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = dup_display_name (file);
  g_autofree char *message = NULL;
  gsize length;

  if (!g_file_load_contents_finish (file, result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
          toast (self, message);
        }
      return;
    }

  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate_len (contents, length, NULL))
    {
      message = g_strdup_printf (_("“%s” is not a UTF-8 text file"), name);
      toast (self, message);
      return;
    }

  if (!pairpad_buffer_binding_replace_text (self->binding, contents, &error))
    {
      /* The binding's errors are not for users; say what went wrong here. */
      message = g_strdup_printf (_("Could not open “%s”: %s"), name,
                                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED)
                                 ? _("The room is not open yet")
                                 : g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
                                 ? _("You cannot edit this room")
                                 : _("The file contains characters a room cannot hold"));
      toast (self, message);
      return;
    }

  message = g_strdup_printf (_("Opened “%s”"), name);
  toast (self, message);
}

static void
on_file_saved (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  GFile *file = G_FILE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = dup_display_name (file);
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (file, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);
    }
  else
    {
      message = g_strdup_printf (_("Saved “%s”"), name);
    }
  toast (self, message);
}

static void
on_file_chooser_response (PairpadRoomView *self,
                          int              response,
                          GtkNativeDialog *chooser)
{
  g_autoptr(GFile) file = NULL;
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)) == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->file_chooser);

  if (file == NULL)
    return;

  /* Each callback holds a reference; dispose cancels, and the callbacks
   * return quietly on G_IO_ERROR_CANCELLED. */
  if (save)
    {
      g_autoptr(GBytes) bytes = NULL;
      GtkTextIter start, end;
      char *text;

      gtk_text_buffer_get_bounds (get_buffer (self), &start, &end);
      text = gtk_text_buffer_get_text (get_buffer (self), &start, &end, TRUE);
      bytes = g_bytes_new_take (text, strlen (text));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                           self->cancellable, on_file_saved, g_object_ref (self));
    }
  else
    {
      g_file_load_contents_async (file, self->cancellable, on_file_loaded, g_object_ref (self));
    }
}

static void
run_file_chooser (PairpadRoomView      *self,
                  GtkFileChooserAction  action)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean save = action == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);

  self->file_chooser = gtk_file_chooser_native_new (save ? _("Save Room Text As") : _("Open File Into Room"),
                                                    GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    action,
                                                    save ? _("_Save") : _("_Open"),
                                                    _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->file_chooser), TRUE);
  if (save)
    {
      g_autofree char *name = g_strdelimit (g_strdup (pairpad_room_view_get_title (self)), "/", '-');

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->file_chooser), name);
    }
  g_signal_connect_object (self->file_chooser, "response", G_CALLBACK (on_file_chooser_response),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->file_chooser));
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->link);
  toast (self, _("Room link copied"));
}

/* Owners only: the share dialog, one per room. */
static void
share_settings_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (!is_owner (self))
    return;

  if (self->share_dialog == NULL)
    {
      self->share_dialog = GTK_WINDOW (pairpad_share_dialog_new (parent, self->session, self->rest,
                                                                 self->server, self->room,
                                                                 self->owner_key));
      g_object_add_weak_pointer (G_OBJECT (self->share_dialog), (gpointer *) &self->share_dialog);
    }

  gtk_window_present (self->share_dialog);
}

/* The room's history, one dialog per room, asking the daemon with the
 * token we joined with (the owner key wins, as on joining). */
static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWindow *parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  if (!self->joined)
    return;

  if (self->history_dialog == NULL)
    {
      const char *token = self->owner_key != NULL ? self->owner_key : self->share_token;

      self->history_dialog = GTK_WINDOW (pairpad_history_dialog_new (parent, self->session,
                                                                     self->rest, self->server,
                                                                     self->room, token));
      g_object_add_weak_pointer (G_OBJECT (self->history_dialog),
                                 (gpointer *) &self->history_dialog);
    }

  gtk_window_present (self->history_dialog);
}

static void
on_unlocked (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_widget_set_sensitive (self->unlock_button, TRUE);
  /* Success shows as the access frame that follows, for everyone at once. */
  if (node == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not unlock the room: %s"), error->message);

      toast (self, text);
    }
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (widget);
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonObject) object = json_object_new ();

  if (!is_owner (self))
    return;

  json_object_set_boolean_member (object, "locked", FALSE);
  body = json_node_init_object (json_node_alloc (), object);
  path = g_strdup_printf ("/api/v1/rooms/%s/access", self->room);
  gtk_widget_set_sensitive (self->unlock_button, FALSE);
  pairpad_rest_client_request_async (self->rest, self->server, "PATCH", path, body,
                                     self->owner_key, self->cancellable, on_unlocked,
                                     g_object_ref (self));
}

static void
follow_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (widget);
  const char *user = g_variant_get_string (param, NULL);

  follow (self, *user != '\0' ? user : NULL);
  gtk_menu_button_popdown (self->people_button);
  update_people (self);
}

static void
stop_following_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  follow (PAIRPAD_ROOM_VIEW (widget), NULL);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  pairpad_connection_retry_now (PAIRPAD_ROOM_VIEW (widget)->connection);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  pairpad_buffer_binding_undo (PAIRPAD_ROOM_VIEW (widget)->binding);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  pairpad_buffer_binding_redo (PAIRPAD_ROOM_VIEW (widget)->binding);
}

static void
edit_title_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  gtk_menu_button_popup (PAIRPAD_ROOM_VIEW (widget)->title_button);
}

static void
people_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  gtk_menu_button_popup (PAIRPAD_ROOM_VIEW (widget)->people_button);
}

static void
pairpad_room_view_dispose (GObject *object)
{
  PairpadRoomView *self = (PairpadRoomView *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->test_write_source, g_source_remove);
  g_clear_handle_id (&self->view_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->file_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->file_chooser));
  g_clear_object (&self->file_chooser);
  if (self->share_dialog != NULL)
    {
      GtkWindow *dialog = self->share_dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->share_dialog);
      self->share_dialog = NULL;
      gtk_window_destroy (dialog);
    }
  if (self->history_dialog != NULL)
    {
      GtkWindow *dialog = self->history_dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->history_dialog);
      self->history_dialog = NULL;
      gtk_window_destroy (dialog);
    }
  g_clear_object (&self->binding);
  g_clear_object (&self->connection);
  /* The view's completion would keep it, and with it the session. */
  if (self->completion != NULL)
    gtk_source_completion_remove_provider (get_completion (self),
                                           GTK_SOURCE_COMPLETION_PROVIDER (self->completion));
  g_clear_object (&self->completion);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->rest);
  g_clear_object (&self->settings);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_ROOM_VIEW);
  /* The template's root box has no id, so it is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (pairpad_room_view_parent_class)->dispose (object);
}

static void
pairpad_room_view_finalize (GObject *object)
{
  PairpadRoomView *self = (PairpadRoomView *)object;

  g_clear_pointer (&self->server, g_free);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->link, g_free);
  g_clear_pointer (&self->share_token, g_free);
  g_clear_pointer (&self->owner_key, g_free);
  g_clear_pointer (&self->account_token, g_free);
  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->refusal, g_free);
  g_clear_pointer (&self->test_text_file, g_free);

  G_OBJECT_CLASS (pairpad_room_view_parent_class)->finalize (object);
}

static void
pairpad_room_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PairpadRoomView *self = PAIRPAD_ROOM_VIEW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, pairpad_room_view_get_title (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pairpad_room_view_class_init (PairpadRoomViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_room_view_dispose;
  object_class->finalize = pairpad_room_view_finalize;
  object_class->get_property = pairpad_room_view_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PAIRPAD_TYPE_SOURCE_VIEW);
  g_type_ensure (PAIRPAD_TYPE_OVERVIEW_RULER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/pairpad/Pairpad/pairpad-room-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, window_title);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, title_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, title_popover);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, title_entry);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, people_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, people_list);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, people_count);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, share_settings_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, banner);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, access_banner);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, access_icon);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, access_label);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, follow_banner);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, follow_label);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, source_view);
  gtk_widget_class_bind_template_child (widget_class, PairpadRoomView, ruler);
  gtk_widget_class_bind_template_callback (widget_class, on_title_popover_show);
  gtk_widget_class_bind_template_callback (widget_class, on_title_entry_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "room.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "room.share-settings", NULL,
                                   share_settings_action);
  gtk_widget_class_install_action (widget_class, "room.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "room.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "room.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "room.follow", "s", follow_action);
  gtk_widget_class_install_action (widget_class, "room.stop-following", NULL, stop_following_action);
  gtk_widget_class_install_action (widget_class, "room.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "room.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "room.people", NULL, people_action);
  gtk_widget_class_install_action (widget_class, "room.edit-title", NULL, edit_title_action);
}

static void
add_capture_shortcut (GtkShortcutController *controller,
                      const char            *accel,
                      const char            *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (accel),
                                                          gtk_named_action_new (action)));
}

static void
pairpad_room_view_init (PairpadRoomView *self)
{
  GtkStringList *labels = gtk_string_list_new (NULL);
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  for (guint i = 0; i < pairpad_languages_get_n_items (); i++)
    gtk_string_list_append (labels, pairpad_languages_get_nth (i)->label);
  gtk_drop_down_set_model (self->language_dropdown, G_LIST_MODEL (labels));
  g_object_unref (labels);

  /* Capture phase: the text view must not see these first, its own undo
   * would undo other people's edits (it is off in the buffer anyway). */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control>z", "room.undo");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control><Shift>z", "room.redo");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control>y", "room.redo");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control><Shift>c", "room.share");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control>p", "room.people");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "F2", "room.edit-title");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control>h", "room.history");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control>o", "win.open-file");
  add_capture_shortcut (GTK_SHORTCUT_CONTROLLER (controller), "<Control><Shift>s", "win.save-as");
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Capture phase too: the view must not swallow what ends following. */
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (on_scroll), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->source_view), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_key_pressed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->source_view), controller);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "pressed", G_CALLBACK (on_user_interaction), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->source_view), controller);

  pairpad_overview_ruler_set_view (self->ruler, GTK_TEXT_VIEW (self->source_view));
  self->settings = g_settings_new (PAIRPAD_APPLICATION_ID);
  self->rest = pairpad_rest_client_new ();

  self->test_text_file = g_strdup (g_getenv ("PAIRPAD_TEST_TEXT_FILE"));
}

static void
on_account (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  g_autofree char *user = NULL;
  PairpadAuthMode mode;

  /* No answer: we are whoever the room shows, unverified as far as we know. */
  if (!pairpad_accounts_query_finish (PAIRPAD_ACCOUNTS (source), result, &mode, NULL, &user, NULL))
    return;

  g_free (self->account);
  self->account = self->account_token != NULL && mode == PAIRPAD_AUTH_MODE_ACCOUNTS
                  ? g_steal_pointer (&user) : NULL;
  update_people (self);
}

/* Which name the token goes by on the server, for our own row. */
static void
query_account (PairpadRoomView *self)
{
  g_clear_pointer (&self->account, g_free);
  if (self->account_token != NULL)
    pairpad_accounts_query_async (pairpad_accounts_get_default (), self->server, self->cancellable,
                                  on_account, g_object_ref (self));
  update_people (self);
}

static void
on_account_token (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  gboolean changed;

  token = pairpad_accounts_lookup_token_finish (PAIRPAD_ACCOUNTS (source), result, &error);
  if (error != NULL)
    return;

  changed = g_strcmp0 (token, self->account_token) != 0;
  g_free (self->account_token);
  self->account_token = g_steal_pointer (&token);
  pairpad_connection_set_bearer (self->connection, self->account_token);

  if (!self->started)
    {
      /* The owner key wins: it grants everything a link could. */
      pp_client_session_set_token (self->session,
                                   self->owner_key != NULL ? self->owner_key : self->share_token);
      pairpad_completion_provider_set_token (self->completion,
                                             self->owner_key != NULL ? self->owner_key
                                                                     : self->share_token);
      self->started = TRUE;
      pairpad_connection_start (self->connection);
      query_account (self);
    }
  else if (changed)
    {
      /* Signed in or out meanwhile: join again as who we are now. */
      pairpad_connection_reconnect (self->connection);
      query_account (self);
    }
}

static void
lookup_account_token (PairpadRoomView *self)
{
  pairpad_accounts_lookup_token_async (pairpad_accounts_get_default (), self->server,
                                       self->cancellable, on_account_token, g_object_ref (self));
}

/* Someone signed in or out of the room's server, in any window. */
static void
on_accounts_changed (PairpadRoomView *self,
                     const char      *server)
{
  if (self->started && g_strcmp0 (server, self->server) == 0)
    lookup_account_token (self);
}

static void
on_kept_share_token (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, &error);
  if (error != NULL)
    return;

  /* A link pasted meanwhile is newer. */
  if (self->share_token == NULL && token != NULL)
    {
      self->share_token = g_steal_pointer (&token);
      self->share_token_kept = TRUE;
    }
  lookup_account_token (self);
}

static void
on_owner_key (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PairpadRoomView) self = data;
  g_autoptr(GError) error = NULL;

  self->owner_key = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, &error);
  if (error != NULL)
    return;

  /* Opened without a link's token (from Recent Rooms, say): the one it
   * was last opened with, if any. */
  if (self->owner_key == NULL && self->share_token == NULL)
    {
      pairpad_secrets_lookup_async (PAIRPAD_SECRETS (source), PAIRPAD_SECRET_SHARE_TOKEN,
                                    self->server, self->room, self->cancellable,
                                    on_kept_share_token, g_object_ref (self));
      return;
    }

  lookup_account_token (self);
}

/* @token (nullable): a share link's, presented unless the owner key is
 * found in PairpadSecrets. */
PairpadRoomView *
pairpad_room_view_new (const char *server,
                       const char *room,
                       const char *token)
{
  PairpadRoomView *self;
  g_autofree char *ws_url = NULL;
  g_autofree char *client = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;
  GtkAdjustment *vadjustment;

  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (pairpad_link_room_is_valid (room), NULL);

  self = g_object_new (PAIRPAD_TYPE_ROOM_VIEW, NULL);
  self->server = g_strdup (server);
  self->room = g_strdup (room);
  self->share_token = g_strdup (token);
  self->link = pairpad_link_build (server, room);
  ws_url = pairpad_link_build_ws_url (server, room);

  /* One client id per window: seq counters are per client id, so two
   * windows (or two runs) must never share one. */
  uuid = g_uuid_string_random ();
  client = g_strconcat ("gtk-", uuid, NULL);
  name = pairpad_identity_dup_name (self->settings);
  color = pairpad_identity_dup_color (self->settings);
  self->session = pp_client_session_new (client, name, color);
  self->binding = pairpad_buffer_binding_new (get_buffer (self), self->session);
  self->connection = pairpad_connection_new (self->session, ws_url);
  self->completion = pairpad_completion_provider_new (self->session, self->rest, server, room);
  gtk_source_completion_add_provider (get_completion (self),
                                      GTK_SOURCE_COMPLETION_PROVIDER (self->completion));

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (get_buffer (self), "changed",
                           G_CALLBACK (on_buffer_changed), self, G_CONNECT_SWAPPED);
  /* Typing and pasting are user actions; remote edits are not. */
  g_signal_connect_object (get_buffer (self), "end-user-action",
                           G_CALLBACK (on_user_interaction), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->language_dropdown, "notify::selected",
                           G_CALLBACK (on_language_selected), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->binding, "notify::can-undo",
                           G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->binding, "notify::can-redo",
                           G_CALLBACK (update_undo_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (update_connection), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->session, "notify::n-unsent", G_CALLBACK (update_connection), self);
  g_signal_connect_swapped (self->session, "meta-changed", G_CALLBACK (update_meta), self);
  g_signal_connect_swapped (self->session, "joined", G_CALLBACK (update_meta), self);
  g_signal_connect_swapped (self->session, "joined", G_CALLBACK (on_joined), self);
  g_signal_connect_swapped (self->session, "access-changed", G_CALLBACK (on_access_changed), self);
  g_signal_connect_swapped (self->session, "user-joined", G_CALLBACK (on_user_joined), self);
  g_signal_connect_swapped (self->session, "user-left", G_CALLBACK (update_people), self);
  g_signal_connect_swapped (self->session, "presence", G_CALLBACK (on_presence), self);
  g_signal_connect_object (gtk_menu_button_get_popover (self->people_button), "show",
                           G_CALLBACK (update_people), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->session, "remote-op", G_CALLBACK (on_remote_op), self);
  g_signal_connect_swapped (self->session, "joined", G_CALLBACK (queue_send_view), self);
  g_signal_connect_swapped (self->session, "error", G_CALLBACK (on_session_error), self);
  g_signal_connect_object (self->settings, "changed::user-name",
                           G_CALLBACK (on_identity_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::user-color",
                           G_CALLBACK (on_identity_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pairpad_accounts_get_default (), "changed",
                           G_CALLBACK (on_accounts_changed), self, G_CONNECT_SWAPPED);

  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->source_view));
  g_signal_connect_object (vadjustment, "value-changed",
                           G_CALLBACK (queue_send_view), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "changed",
                           G_CALLBACK (queue_send_view), self, G_CONNECT_SWAPPED);

  update_style_scheme (self);
  update_meta (self);
  update_people (self);
  update_undo_actions (self);
  update_connection (self);
  pairpad_secrets_lookup_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY, server,
                                room, self->cancellable, on_owner_key, g_object_ref (self));
  if (self->test_text_file != NULL)
    on_buffer_changed (self);

  return self;
}

const char *
pairpad_room_view_get_link (PairpadRoomView *self)
{
  g_return_val_if_fail (PAIRPAD_IS_ROOM_VIEW (self), NULL);

  return self->link;
}

const char *
pairpad_room_view_get_title (PairpadRoomView *self)
{
  const char *title;

  g_return_val_if_fail (PAIRPAD_IS_ROOM_VIEW (self), NULL);

  title = pp_client_session_get_title (self->session);
  return title != NULL && *title != '\0' ? title : _("Untitled Room");
}

/* Asks for a file and replaces the room's text with it, as one edit of ours. */
void
pairpad_room_view_open_file (PairpadRoomView *self)
{
  g_return_if_fail (PAIRPAD_IS_ROOM_VIEW (self));

  if (self->joined && !is_editable (self))
    {
      toast (self, _("You cannot edit this room"));
      return;
    }

  run_file_chooser (self, GTK_FILE_CHOOSER_ACTION_OPEN);
}

/* Asks for a file and writes the room's text as it is now into it. */
void
pairpad_room_view_save_as (PairpadRoomView *self)
{
  g_return_if_fail (PAIRPAD_IS_ROOM_VIEW (self));

  run_file_chooser (self, GTK_FILE_CHOOSER_ACTION_SAVE);
}

/* A share link's @token for the room already open here: presented from now
 * on, at once, unless we hold the owner key (which grants more). */
void
pairpad_room_view_set_share_token (PairpadRoomView *self,
                                   const char      *token)
{
  g_return_if_fail (PAIRPAD_IS_ROOM_VIEW (self));

  if (g_strcmp0 (token, self->share_token) == 0)
    return;

  g_free (self->share_token);
  self->share_token = g_strdup (token);
  self->share_token_kept = FALSE;
  if (!self->started || self->owner_key != NULL)
    return;

  pp_client_session_set_token (self->session, self->share_token);
  pairpad_completion_provider_set_token (self->completion, self->share_token);
  if (pairpad_connection_get_state (self->connection) == PAIRPAD_CONNECTION_FAILED)
    pairpad_connection_retry_now (self->connection);
  else
    pairpad_connection_reconnect (self->connection);
}

/* Returns: (transfer none): the room's session, for the tests */
PpClientSession *
pairpad_room_view_get_session (PairpadRoomView *self)
{
  g_return_val_if_fail (PAIRPAD_IS_ROOM_VIEW (self), NULL);

  return self->session;
}

/* Returns: (transfer none): the editor, for the tests */
PairpadSourceView *
pairpad_room_view_get_source_view (PairpadRoomView *self)
{
  g_return_val_if_fail (PAIRPAD_IS_ROOM_VIEW (self), NULL);

  return self->source_view;
}

/* The provider on the editor's completion: the daemon's completions. */
PairpadCompletionProvider *
pairpad_room_view_get_completion_provider (PairpadRoomView *self)
{
  g_return_val_if_fail (PAIRPAD_IS_ROOM_VIEW (self), NULL);

  return self->completion;
}
