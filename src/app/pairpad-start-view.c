/* pairpad-start-view.c: the first page: server address, new room, join by link, recent rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-start-view"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pairpad-accounts.h"
#include "pairpad-application.h"
#include "pairpad-languages.h"
#include "pairpad-link.h"
#include "pairpad-rest-client.h"
#include "pairpad-secrets.h"
#include "pairpad-sign-in-dialog.h"
#include "pairpad-start-view.h"

/* PairpadStartView asks the server for new rooms (POST /api/v1/rooms),
 * keeps the owner key of each in PairpadSecrets, and emits ::open-room;
 * it never connects to a room itself.
 *
 * It also shows who we are on the server, as PairpadAccounts learns it
 * from GET /api/v1/auth: nothing where everyone picks a name, "Signed in
 * as" with a way in or out where the server has accounts. New rooms are
 * asked for with the account's token, and cannot be asked for without one
 * where only signed-in people may create rooms. */

/* The server address is a setting written at each keystroke: ask the
 * server only once the typing pauses. */
#define QUERY_DELAY_MS 400

struct _PairpadStartView
{
  GtkWidget          parent_instance;

  /* Owned */
  GSettings         *settings;
  PairpadRestClient *rest;
  GCancellable      *cancellable;
  GCancellable      *auth_cancellable;  /* the question in flight to GET /api/v1/auth */
  char              *auth_server;       /* (nullable) the server the answer below is from */
  char              *user;              /* (nullable) signed in there as */
  PairpadAuthMode    mode;
  guint              query_source;

  /* Template widgets */
  AdwEntryRow       *server_row;
  GtkWidget         *account_group;
  AdwActionRow      *account_row;
  GtkWidget         *account_spinner;
  GtkWidget         *sign_in_button;
  GtkWidget         *sign_out_button;
  AdwEntryRow       *title_row;
  AdwComboRow       *language_row;
  GtkWidget         *create_hint;
  AdwEntryRow       *link_row;
  GtkWidget         *recent_group;
  GtkListBox        *recent_list;

  /* Flags */
  gboolean           auth_known;     /* the answer is there, for the server typed */
  gboolean           accounts_only;  /* only signed-in people may create rooms there */
  gboolean           creating;
  gboolean           signing_out;
};

G_DEFINE_FINAL_TYPE (PairpadStartView, pairpad_start_view, GTK_TYPE_WIDGET)

/* A new room on its way: where, and what was asked for. */
typedef struct
{
  char     *server;
  JsonNode *body;
} CreateRequest;

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
  /* libadwaita 1.2 parses toast titles as markup; messages are not. */
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (escaped));
}

static void
create_request_free (CreateRequest *request)
{
  g_free (request->server);
  json_node_unref (request->body);
  g_free (request);
}

static char *
dup_server (PairpadStartView  *self,
            GError           **error)
{
  return pairpad_link_normalize_server (gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                        error);
}

/* Only signed-in people may create rooms there, and we are not. */
static gboolean
is_create_blocked (PairpadStartView *self)
{
  return self->auth_known && self->accounts_only && self->user == NULL;
}

static void
update_create (PairpadStartView *self)
{
  gboolean blocked = is_create_blocked (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "start.create", !self->creating && !blocked);
  gtk_widget_set_visible (self->create_hint, blocked);
}

static void
update_account (PairpadStartView *self)
{
  gboolean accounts = self->auth_known && self->mode == PAIRPAD_AUTH_MODE_ACCOUNTS;
  gboolean proxy = self->auth_known && self->mode == PAIRPAD_AUTH_MODE_PROXY_HEADER;

  /* Where everyone picks a name there is nothing to say; behind a signing
   * proxy, only who it says we are. */
  gtk_widget_set_visible (self->account_group, accounts || (proxy && self->user != NULL));

  if (self->user != NULL)
    {
      /* TRANSLATORS: %s is the name of an account on the server */
      g_autofree char *title = g_strdup_printf (_("Signed in as %s"), self->user);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), title);
      adw_action_row_set_subtitle (self->account_row,
                                   proxy ? _("Your server signed you in")
                                         : _("Others see this name, marked as signed in"));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), _("Not signed in"));
      adw_action_row_set_subtitle (self->account_row,
                                   self->accounts_only
                                   ? _("Sign in to create rooms on this server")
                                   : _("Sign in to show others a verified name"));
    }

  gtk_widget_set_visible (self->sign_in_button, accounts && self->user == NULL);
  gtk_widget_set_visible (self->sign_out_button, accounts && self->user != NULL);
  gtk_widget_set_sensitive (self->sign_out_button, !self->signing_out);
  gtk_widget_set_visible (self->account_spinner, self->signing_out);
  gtk_spinner_set_spinning (GTK_SPINNER (self->account_spinner), self->signing_out);

  update_create (self);
}

static void
forget_auth (PairpadStartView *self)
{
  g_cancellable_cancel (self->auth_cancellable);
  g_clear_object (&self->auth_cancellable);
  g_clear_pointer (&self->auth_server, g_free);
  g_clear_pointer (&self->user, g_free);
  self->auth_known = FALSE;
  self->accounts_only = FALSE;
  self->mode = PAIRPAD_AUTH_MODE_NONE;
}

static void
on_auth_state (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PairpadStartView) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *user = NULL;
  PairpadAuthMode mode;
  gboolean accounts_only;

  if (!pairpad_accounts_query_finish (PAIRPAD_ACCOUNTS (source), result, &mode, &accounts_only,
                                      &user, &error))
    {
      /* A server that does not answer says nothing of accounts; creating
       * a room there says why it failed. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("no answer from %s: %s", self->auth_server, error->message);
      return;
    }

  self->auth_known = TRUE;
  self->mode = mode;
  self->accounts_only = accounts_only;
  g_free (self->user);
  self->user = mode != PAIRPAD_AUTH_MODE_NONE ? g_steal_pointer (&user) : NULL;
  update_account (self);
}

/* Who are we on the server typed? */
static void
query_auth (PairpadStartView *self)
{
  g_autofree char *server = dup_server (self, NULL);
  gboolean same = g_strcmp0 (server, self->auth_server) == 0;

  g_clear_handle_id (&self->query_source, g_source_remove);
  g_cancellable_cancel (self->auth_cancellable);
  g_clear_object (&self->auth_cancellable);
  /* Another server: what we knew is about the last one. */
  if (!same)
    {
      forget_auth (self);
      update_account (self);
    }
  if (server == NULL)
    return;

  g_free (self->auth_server);
  self->auth_server = g_steal_pointer (&server);
  self->auth_cancellable = g_cancellable_new ();
  pairpad_accounts_query_async (pairpad_accounts_get_default (), self->auth_server,
                                self->auth_cancellable, on_auth_state, g_object_ref (self));
}

static gboolean
query_auth_cb (gpointer data)
{
  PairpadStartView *self = data;

  self->query_source = 0;
  query_auth (self);

  return G_SOURCE_REMOVE;
}

static void
on_server_changed (PairpadStartView *self)
{
  g_autofree char *server = dup_server (self, NULL);

  /* What we knew is about another server now. */
  if (g_strcmp0 (server, self->auth_server) != 0)
    {
      forget_auth (self);
      update_account (self);
    }

  g_clear_handle_id (&self->query_source, g_source_remove);
  self->query_source = g_timeout_add (QUERY_DELAY_MS, query_auth_cb, self);
}

/* Someone signed in or out there, in this window or another. */
static void
on_accounts_changed (PairpadStartView *self,
                     const char       *server)
{
  g_autofree char *ours = dup_server (self, NULL);

  if (g_strcmp0 (server, ours) == 0)
    query_auth (self);
}

static void
on_signed_out (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr(PairpadStartView) self = data;
  g_autoptr(GError) error = NULL;

  if (!pairpad_accounts_sign_out_finish (PAIRPAD_ACCOUNTS (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      {
        /* TRANSLATORS: %s says why, like "Could not reach the server: …" */
        g_autofree char *text = g_strdup_printf (_("Could not sign out: %s"), error->message);

        toast (self, text);
      }
    }

  self->signing_out = FALSE;
  update_account (self);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PairpadStartView *self = PAIRPAD_START_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *server = dup_server (self, &error);

  if (server == NULL)
    {
      toast (self, error->message);
      return;
    }

  gtk_window_present (GTK_WINDOW (pairpad_sign_in_dialog_new (GTK_IS_WINDOW (root)
                                                              ? GTK_WINDOW (root) : NULL,
                                                              server)));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  PairpadStartView *self = PAIRPAD_START_VIEW (widget);

  if (self->auth_server == NULL || self->signing_out)
    return;

  self->signing_out = TRUE;
  update_account (self);
  pairpad_accounts_sign_out_async (pairpad_accounts_get_default (), self->auth_server,
                                   self->cancellable, on_signed_out, g_object_ref (self));
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadStartView *self = g_task_get_source_object (task);
  const char *server = ((CreateRequest *) g_task_get_task_data (task))->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *id, *owner_key;

  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->creating = FALSE;
  update_create (self);
  if (root == NULL)
    {
      /* The server lets only people with an account create rooms: we
       * did not know, or our sign-in ended. Ask again who we are. */
      if (g_error_matches (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_ALLOWED))
        {
          toast (self, _("Only people with an account can create rooms on this server: "
                         "sign in first"));
          query_auth (self);
        }
      else
        toast (self, error->message);
      return;
    }

  id = pairpad_rest_get_string (root, "id");
  owner_key = pairpad_rest_get_string (root, "owner_key");
  if (!pairpad_link_room_is_valid (id))
    {
      toast (self, _("The server did not create a room"));
      return;
    }

  /* Shown once: kept before anything else happens. The room view finds it
   * there and joins as the owner. (A daemon from before owners sends none.) */
  if (pairpad_link_token_is_valid (owner_key))
    pairpad_secrets_store_async (pairpad_secrets_get_default (), PAIRPAD_SECRET_OWNER_KEY, server,
                                 id, owner_key, NULL, NULL, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), "");
  g_signal_emit (self, signals[OPEN_ROOM], 0, server, id, NULL);
}

/* The account's token goes with the request, where there is one. */
static void
on_create_token (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadStartView *self = g_task_get_source_object (task);
  CreateRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = pairpad_accounts_lookup_token_finish (PAIRPAD_ACCOUNTS (source), result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->creating = FALSE;
          update_create (self);
        }
      return;
    }

  pairpad_rest_client_request_async (self->rest, request->server, "POST", "/api/v1/rooms",
                                     request->body, token, self->cancellable, on_created,
                                     g_steal_pointer (&task));
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
  CreateRequest *request;
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

  request = g_new0 (CreateRequest, 1);
  request->server = g_strdup (server);
  request->body = g_steal_pointer (&node);
  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_source_tag (task, create_action);
  g_task_set_task_data (task, request, (GDestroyNotify) create_request_free);
  self->creating = TRUE;
  update_create (self);
  pairpad_accounts_lookup_token_async (pairpad_accounts_get_default (), server, self->cancellable,
                                       on_create_token, task);
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

  g_clear_handle_id (&self->query_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_auth (self);
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
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, account_group);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, account_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, account_spinner);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, title_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, language_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, create_hint);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, link_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, recent_group);
  gtk_widget_class_bind_template_child (widget_class, PairpadStartView, recent_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "start.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "start.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "start.sign-out", NULL, sign_out_action);
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
  g_signal_connect_object (self->settings, "changed::server-url", G_CALLBACK (on_server_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (pairpad_accounts_get_default (), "changed",
                           G_CALLBACK (on_accounts_changed), self, G_CONNECT_SWAPPED);
  update_recent (self);
  update_account (self);
  query_auth (self);
}

GtkWidget *
pairpad_start_view_new (void)
{
  return g_object_new (PAIRPAD_TYPE_START_VIEW, NULL);
}
