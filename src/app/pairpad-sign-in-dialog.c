/* pairpad-sign-in-dialog.c: signing in to a server, or creating an account there.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-sign-in-dialog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pairpad-accounts.h"
#include "pairpad-sign-in-dialog.h"

/* PairpadSignInDialog asks for a name and a password and hands them to
 * PairpadAccounts, which keeps the token; it closes once signed in, and
 * whoever shows who is signed in learns it from PairpadAccounts::changed.
 * It says what went wrong in the dialog itself, next to what to fix. The
 * password stays in the entry only: it is never kept or logged here. */

struct _PairpadSignInDialog
{
  AdwWindow             parent_instance;

  /* Owned */
  GCancellable         *cancellable;
  char                 *server;

  /* Template widgets */
  GtkSpinner           *spinner;
  GtkLabel             *intro_label;
  GtkWidget            *fields;
  AdwEntryRow          *name_row;
  AdwPasswordEntryRow  *password_row;
  GtkLabel             *error_label;

  /* Flags */
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (PairpadSignInDialog, pairpad_sign_in_dialog, ADW_TYPE_WINDOW)

static void
set_busy (PairpadSignInDialog *self,
          gboolean             busy)
{
  self->busy = busy;
  /* An entry that goes insensitive while focused keeps blinking its
   * cursor, and GTK 4.8 warns about it: the focus leaves first. */
  if (busy)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_set_sensitive (self->fields, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.sign-in", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.create-account", !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (PairpadSignInDialog *self,
            const GError        *error)
{
  GtkWidget *fix = GTK_WIDGET (self->password_row);

  gtk_label_set_label (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);

  /* Where the mistake most likely is. */
  if (g_error_matches (error, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_NAME_TAKEN) ||
      *gtk_editable_get_text (GTK_EDITABLE (self->name_row)) == '\0')
    fix = GTK_WIDGET (self->name_row);
  gtk_widget_grab_focus (fix);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(PairpadSignInDialog) self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  name = pairpad_accounts_sign_in_finish (PAIRPAD_ACCOUNTS (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (name == NULL)
    {
      show_error (self, error);
      return;
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
sign_in (PairpadSignInDialog *self,
         gboolean             new_account)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->busy)
    return;

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  /* Said at once, without a round trip. */
  if (!pairpad_accounts_check_credentials (name, password, new_account, &error))
    {
      show_error (self, error);
      return;
    }

  set_busy (self, TRUE);
  pairpad_accounts_sign_in_async (pairpad_accounts_get_default (), self->server, name, password,
                                  new_account, self->cancellable, on_signed_in,
                                  g_object_ref (self));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sign_in (PAIRPAD_SIGN_IN_DIALOG (widget), FALSE);
}

static void
create_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  sign_in (PAIRPAD_SIGN_IN_DIALOG (widget), TRUE);
}

static void
on_name_activated (PairpadSignInDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_password_activated (PairpadSignInDialog *self)
{
  sign_in (self, FALSE);
}

static void
pairpad_sign_in_dialog_dispose (GObject *object)
{
  PairpadSignInDialog *self = (PairpadSignInDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), PAIRPAD_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (pairpad_sign_in_dialog_parent_class)->dispose (object);
}

static void
pairpad_sign_in_dialog_finalize (GObject *object)
{
  PairpadSignInDialog *self = (PairpadSignInDialog *)object;

  g_clear_pointer (&self->server, g_free);

  G_OBJECT_CLASS (pairpad_sign_in_dialog_parent_class)->finalize (object);
}

static void
pairpad_sign_in_dialog_class_init (PairpadSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_sign_in_dialog_dispose;
  object_class->finalize = pairpad_sign_in_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/pairpad/Pairpad/"
                                                             "pairpad-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, fields);
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, PairpadSignInDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_name_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "sign-in.create-account", NULL,
                                   create_account_action);
}

static void
pairpad_sign_in_dialog_init (PairpadSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/* @server: the normalized base URL ("https://pairpad.example.org") */
PairpadSignInDialog *
pairpad_sign_in_dialog_new (GtkWindow  *parent,
                            const char *server)
{
  PairpadSignInDialog *self;
  g_autofree char *intro = NULL;
  const char *host;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);
  self->server = g_strdup (server);

  /* People know the server by its host; the scheme is noise here. */
  host = strstr (server, "://");
  /* TRANSLATORS: %s is a server address, like pairpad.example.org */
  intro = g_strdup_printf (_("Sign in to your account on %s, or create one there. Others then "
                             "see your account’s name, marked as signed in."),
                           host != NULL ? host + 3 : server);
  gtk_label_set_label (self->intro_label, intro);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));

  return self;
}
