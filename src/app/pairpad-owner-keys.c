/* pairpad-owner-keys.c: the owner keys of the rooms this app created, kept in the keyring.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-owner-keys"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "pairpad-owner-keys.h"

/* PairpadOwnerKeys keeps each owner key in the Secret Service (GNOME
 * Keyring, KWallet, the Flatpak secret portal) under the schema
 * io.github.pairpad.Pairpad.OwnerKey, with the server's base URL and the
 * room id as attributes, and in memory for the life of the process.
 *
 * The daemon shows an owner key once, when the room is made: losing it
 * loses the room's controls for good. So memory is the first copy, filled
 * before the keyring answers, and the only one when there is no Secret
 * Service (a bare X session, the tests); that is said once, as a warning.
 * While a key is on its way to the keyring the application is held, so
 * quitting at once does not lose it.
 *
 * It does not decide who is owner (the daemon does, from the key the
 * session presents) and never logs a key. */

struct _PairpadOwnerKeys
{
  GObject     parent_instance;

  /* Owned */
  GHashTable *keys;       /* "server room" → key, wiped when freed */

  /* Flags */
  gboolean    no_keyring; /* the Secret Service failed once: memory only */
};

G_DEFINE_FINAL_TYPE (PairpadOwnerKeys, pairpad_owner_keys, G_TYPE_OBJECT)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.pairpad.Pairpad.OwnerKey", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "room", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static char *
memory_key (const char *server,
            const char *room)
{
  return g_strconcat (server, " ", room, NULL);
}

/* Memory only from now on, said once. */
static void
keyring_failed (PairpadOwnerKeys *self,
                const GError     *error)
{
  if (self->no_keyring)
    return;

  self->no_keyring = TRUE;
  g_warning ("No keyring (%s): owner keys of new rooms are kept only until Pairpad quits",
             error->message);
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

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadOwnerKeys *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  release_application ();
  if (!secret_password_store_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        keyring_failed (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadOwnerKeys *self = g_task_get_source_object (task);
  const char *id = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *secure = secret_password_lookup_finish (result, &error);
  char *key = g_strdup (secure);

  /* libsecret may hand out non-pageable memory, which g_free() must not see. */
  secret_password_free (secure);
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_free (key);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* No keyring is no key: the room opens as for anyone else. */
      keyring_failed (self, error);
    }

  if (key != NULL)
    g_hash_table_replace (self->keys, g_strdup (id), g_strdup (key));
  g_task_return_pointer (task, key, g_free);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadOwnerKeys *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  release_application ();
  /* FALSE without an error: there was nothing to clear. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        keyring_failed (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
return_no_keyring (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "No keyring: kept in memory only");
}

static void
pairpad_owner_keys_finalize (GObject *object)
{
  PairpadOwnerKeys *self = (PairpadOwnerKeys *)object;

  g_clear_pointer (&self->keys, g_hash_table_unref);

  G_OBJECT_CLASS (pairpad_owner_keys_parent_class)->finalize (object);
}

static void
pairpad_owner_keys_class_init (PairpadOwnerKeysClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pairpad_owner_keys_finalize;
}

static void
pairpad_owner_keys_init (PairpadOwnerKeys *self)
{
  self->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) secret_password_free);
}

PairpadOwnerKeys *
pairpad_owner_keys_new (void)
{
  return g_object_new (PAIRPAD_TYPE_OWNER_KEYS, NULL);
}

/* Returns: (transfer none): the one the app uses, for the whole process */
PairpadOwnerKeys *
pairpad_owner_keys_get_default (void)
{
  static PairpadOwnerKeys *instance;

  if (instance == NULL)
    instance = pairpad_owner_keys_new ();

  return instance;
}

/* Keeps @key for the room: in memory at once, then in the keyring. The
 * result says whether the keyring has it; either way lookups find it from
 * now on in this process. */
void
pairpad_owner_keys_store_async (PairpadOwnerKeys    *self,
                                const char          *server,
                                const char          *room,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (PAIRPAD_IS_OWNER_KEYS (self));
  g_return_if_fail (server != NULL && room != NULL && key != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_owner_keys_store_async);
  g_hash_table_replace (self->keys, memory_key (server, room), g_strdup (key));

  if (self->no_keyring)
    {
      return_no_keyring (task);
      return;
    }

  /* TRANSLATORS: the name of a secret in the keyring (Seahorse shows it);
   * the first %s is a room id, the second a server address */
  label = g_strdup_printf (_("Pairpad owner key of room %s on %s"), room, server);
  hold_application ();
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, key, cancellable,
                         on_stored, g_steal_pointer (&task),
                         "server", server, "room", room, NULL);
}

gboolean
pairpad_owner_keys_store_finish (PairpadOwnerKeys  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
pairpad_owner_keys_lookup_async (PairpadOwnerKeys    *self,
                                 const char          *server,
                                 const char          *room,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;
  const char *known;

  g_return_if_fail (PAIRPAD_IS_OWNER_KEYS (self));
  g_return_if_fail (server != NULL && room != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_owner_keys_lookup_async);
  id = memory_key (server, room);

  if ((known = g_hash_table_lookup (self->keys, id)) != NULL)
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
  secret_password_lookup (get_schema (), cancellable, on_looked_up, g_steal_pointer (&task),
                          "server", server, "room", room, NULL);
}

/* Returns: (transfer full) (nullable): the room's owner key, NULL if this
 * app does not have it (with @error only when cancelled) */
char *
pairpad_owner_keys_lookup_finish (PairpadOwnerKeys  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Drops the room's key, from memory at once and from the keyring: for a
 * room that was deleted. */
void
pairpad_owner_keys_forget_async (PairpadOwnerKeys    *self,
                                 const char          *server,
                                 const char          *room,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (PAIRPAD_IS_OWNER_KEYS (self));
  g_return_if_fail (server != NULL && room != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pairpad_owner_keys_forget_async);
  id = memory_key (server, room);
  g_hash_table_remove (self->keys, id);

  if (self->no_keyring)
    {
      return_no_keyring (task);
      return;
    }

  hold_application ();
  secret_password_clear (get_schema (), cancellable, on_cleared, g_steal_pointer (&task),
                         "server", server, "room", room, NULL);
}

gboolean
pairpad_owner_keys_forget_finish (PairpadOwnerKeys  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
