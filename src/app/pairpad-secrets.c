/* pairpad-secrets.c: owner keys, share links and sign-ins, kept in the keyring.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-secrets"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "pairpad-secrets.h"

/* PairpadSecrets keeps the app's bearer tokens in the Secret Service
 * (GNOME Keyring, KWallet, the Flatpak secret portal), each kind under its
 * own schema with the server's base URL (and the room id, for a room's
 * tokens) as attributes, and in memory for the life of the process:
 *
 *   io.github.pairpad.Pairpad.OwnerKey    server, room   rooms this app created
 *   io.github.pairpad.Pairpad.ShareLink   server, room   share links rooms were joined with
 *   io.github.pairpad.Pairpad.Account     server         the signed-in account's app token
 *
 * The daemon shows an owner key or an app token once: losing an owner key
 * loses the room's controls for good. So memory is the first copy, filled
 * before the keyring answers, and the only one when there is no Secret
 * Service (a bare X session, the tests); that is said once, as a warning.
 * While a secret is on its way to the keyring the application is held, so
 * quitting at once does not lose it.
 *
 * It does not decide what a token grants (the daemon does) and never logs
 * one. */

struct _PairpadSecrets
{
  GObject     parent_instance;

  /* Owned */
  GHashTable *secrets;    /* "kind server room" → secret, wiped when freed */

  /* Flags */
  gboolean    no_keyring; /* the Secret Service failed once: memory only */
};

G_DEFINE_FINAL_TYPE (PairpadSecrets, pairpad_secrets, G_TYPE_OBJECT)

static const SecretSchema *
get_schema (PairpadSecretKind kind)
{
  static const SecretSchema schemas[] = {
    [PAIRPAD_SECRET_OWNER_KEY] = {
      "io.github.pairpad.Pairpad.OwnerKey", SECRET_SCHEMA_NONE,
      {
        { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "room", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
      },
    },
    [PAIRPAD_SECRET_SHARE_TOKEN] = {
      "io.github.pairpad.Pairpad.ShareLink", SECRET_SCHEMA_NONE,
      {
        { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { "room", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
      },
    },
    [PAIRPAD_SECRET_ACCOUNT_TOKEN] = {
      "io.github.pairpad.Pairpad.Account", SECRET_SCHEMA_NONE,
      {
        { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
        { NULL, 0 },
      },
    },
  };

  g_assert ((guint) kind < G_N_ELEMENTS (schemas));

  return &schemas[kind];
}

static gboolean
has_room (PairpadSecretKind kind)
{
  return kind != PAIRPAD_SECRET_ACCOUNT_TOKEN;
}

/* What every call must name: a kind, a server, and a room for a room's secret. */
static gboolean
is_valid_place (PairpadSecretKind  kind,
                const char        *server,
                const char        *room)
{
  return kind <= PAIRPAD_SECRET_ACCOUNT_TOKEN && server != NULL &&
         (room != NULL || !has_room (kind));
}

/* The schema's attributes, to look the secret up by. libsecret keeps a
 * reference to the table while the call runs: it owns its values. */
static GHashTable *
new_attributes (PairpadSecretKind  kind,
                const char        *server,
                const char        *room)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, "server", g_strdup (server));
  if (has_room (kind))
    g_hash_table_insert (attributes, "room", g_strdup (room));

  return attributes;
}

static char *
memory_key (PairpadSecretKind  kind,
            const char        *server,
            const char        *room)
{
  return g_strdup_printf ("%d %s %s", kind, server, has_room (kind) ? room : "");
}

/* What Seahorse shows for the secret. */
static char *
dup_label (PairpadSecretKind  kind,
           const char        *server,
           const char        *room)
{
  switch (kind)
    {
    case PAIRPAD_SECRET_OWNER_KEY:
      /* TRANSLATORS: the name of a secret in the keyring (Seahorse shows it);
       * the first %s is a room id, the second a server address */
      return g_strdup_printf (_("Pairpad owner key of room %s on %s"), room, server);

    case PAIRPAD_SECRET_SHARE_TOKEN:
      /* TRANSLATORS: the name of a secret in the keyring (Seahorse shows it);
       * the first %s is a room id, the second a server address */
      return g_strdup_printf (_("Pairpad share link of room %s on %s"), room, server);

    case PAIRPAD_SECRET_ACCOUNT_TOKEN:
    default:
      /* TRANSLATORS: the name of a secret in the keyring (Seahorse shows it);
       * %s is a server address */
      return g_strdup_printf (_("Pairpad sign-in on %s"), server);
    }
}

/* Memory only from now on, said once. */
static void
keyring_failed (PairpadSecrets *self,
                const GError   *error)
{
  if (self->no_keyring)
    return;

  self->no_keyring = TRUE;
  g_warning ("No keyring (%s): owner keys of new rooms, share links and sign-ins are kept "
             "only until Pairpad quits", error->message);
}

static void
hold_application (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_hold (app);
}

static void
release_application (void)
{
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_application_release (app);
}

/* The end of a store or a clear, which held the application: @error
 * (owned, nullable) says whether the keyring did it. */
static void
return_keyring_result (GTask  *task,
                       GError *error)
{
  PairpadSecrets *self = g_task_get_source_object (task);

  release_application ();
  if (error == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    keyring_failed (self, error);
  g_task_return_error (task, error);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  secret_password_store_finish (result, &error);
  return_keyring_result (task, error);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadSecrets *self = g_task_get_source_object (task);
  const char *id = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secure = secret_password_lookup_finish (result, &error);
  char *secret = g_strdup (secure);

  /* libsecret may hand out non-pageable memory, which g_free() must not see. */
  secret_password_free (secure);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_free (secret);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* No keyring is no secret: the room opens as for anyone else. */
      keyring_failed (self, error);
    }

  if (secret != NULL)
    g_hash_table_replace (self->secrets, g_strdup (id), g_strdup (secret));
  g_task_return_pointer (task, secret, g_free);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  return_keyring_result (task, error);
}

static void
return_no_keyring (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "No keyring: kept in memory only");
}

static void
pairpad_secrets_finalize (GObject *object)
{
  PairpadSecrets *self = (PairpadSecrets *)object;

  g_clear_pointer (&self->secrets, g_hash_table_unref);

  G_OBJECT_CLASS (pairpad_secrets_parent_class)->finalize (object);
}

static void
pairpad_secrets_class_init (PairpadSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pairpad_secrets_finalize;
}

static void
pairpad_secrets_init (PairpadSecrets *self)
{
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) secret_password_free);
}

PairpadSecrets *
pairpad_secrets_new (void)
{
  return g_object_new (PAIRPAD_TYPE_SECRETS, NULL);
}

/* Returns: (transfer none): the one the app uses, for the whole process */
PairpadSecrets *
pairpad_secrets_get_default (void)
{
  static PairpadSecrets *instance;

  if (instance == NULL)
    instance = pairpad_secrets_new ();

  return instance;
}

/* Keeps @secret: in memory at once, then in the keyring. @room is the
 * room's id, ignored for an account token. The result says whether the
 * keyring has it; either way lookups find it from now on in this process. */
void
pairpad_secrets_store_async (PairpadSecrets      *self,
                             PairpadSecretKind    kind,
                             const char          *server,
                             const char          *room,
                             const char          *secret,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (PAIRPAD_IS_SECRETS (self));
  g_return_if_fail (is_valid_place (kind, server, room));
  g_return_if_fail (secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_secrets_store_async);
  g_hash_table_replace (self->secrets, memory_key (kind, server, room), g_strdup (secret));

  if (self->no_keyring)
    {
      return_no_keyring (task);
      return;
    }

  label = dup_label (kind, server, room);
  attributes = new_attributes (kind, server, room);
  hold_application ();
  secret_password_storev (get_schema (kind), attributes, SECRET_COLLECTION_DEFAULT, label, secret,
                          cancellable, on_stored, g_steal_pointer (&task));
}

gboolean
pairpad_secrets_store_finish (PairpadSecrets  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pairpad_secrets_lookup_async (PairpadSecrets      *self,
                              PairpadSecretKind    kind,
                              const char          *server,
                              const char          *room,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *id = NULL;
  const char *known;

  g_return_if_fail (PAIRPAD_IS_SECRETS (self));
  g_return_if_fail (is_valid_place (kind, server, room));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_secrets_lookup_async);
  id = memory_key (kind, server, room);

  if ((known = g_hash_table_lookup (self->secrets, id)) != NULL)
    {
      g_task_return_pointer (task, g_strdup (known), g_free);
      return;
    }

  if (self->no_keyring)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_set_task_data (task, g_steal_pointer (&id), g_free);
  attributes = new_attributes (kind, server, room);
  secret_password_lookupv (get_schema (kind), attributes, cancellable, on_looked_up,
                           g_steal_pointer (&task));
}

/* Returns: (transfer full) (nullable): the secret, NULL if this app does
 * not have it (with @error only when cancelled) */
char *
pairpad_secrets_lookup_finish (PairpadSecrets  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Drops the secret, from memory at once and from the keyring: for a room
 * that was deleted, an account signed out. */
void
pairpad_secrets_forget_async (PairpadSecrets      *self,
                              PairpadSecretKind    kind,
                              const char          *server,
                              const char          *room,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (PAIRPAD_IS_SECRETS (self));
  g_return_if_fail (is_valid_place (kind, server, room));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_secrets_forget_async);
  id = memory_key (kind, server, room);
  g_hash_table_remove (self->secrets, id);

  if (self->no_keyring)
    {
      return_no_keyring (task);
      return;
    }

  attributes = new_attributes (kind, server, room);
  hold_application ();
  secret_password_clearv (get_schema (kind), attributes, cancellable, on_cleared,
                          g_steal_pointer (&task));
}

gboolean
pairpad_secrets_forget_finish (PairpadSecrets  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
