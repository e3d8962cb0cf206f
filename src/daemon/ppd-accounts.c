/* ppd-accounts.c: account names, password hashing and session tokens (--auth accounts).
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-accounts"

#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <string.h>

#include "ppd-access.h"
#include "ppd-accounts.h"

/* Passwords are hashed with yescrypt (libxcrypt's crypt_r, as /etc/shadow
 * is on Debian) at libxcrypt's default cost: tens of milliseconds and some
 * MiB of memory per hash, so that a stolen database is slow to guess from.
 * That is far too long for the main thread: hashing runs in GLib's worker
 * threads. Session tokens are 256 random bits and, like room tokens, are
 * kept only as SHA-256 hashes (see ppd-access.c); a slow hash would add
 * nothing to a secret nobody can guess. This file knows nothing of HTTP or
 * the store. */

#define SESSION_TOKEN_BYTES 32

G_DEFINE_QUARK (ppd-accounts-error-quark, ppd_accounts_error)

typedef struct
{
  char *password;
  char *hash;       /* (nullable) the stored hash to verify against */
} HashData;

static void
hash_data_free (gpointer data)
{
  HashData *d = data;

  /* The password stays in memory no longer than needed. */
  if (d->password != NULL)
    explicit_bzero (d->password, strlen (d->password));
  g_free (d->password);
  g_free (d->hash);
  g_free (d);
}

/* Names go into URLs, logs and other people's screens: plain ASCII keeps
 * them unambiguous, and makes case-insensitive uniqueness exact. */
gboolean
ppd_accounts_check_name (const char  *name,
                         GError     **error)
{
  gsize n_bytes = strlen (name);

  if (n_bytes < PPD_ACCOUNT_NAME_MIN || n_bytes > PPD_ACCOUNT_NAME_MAX)
    {
      g_set_error (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_INVALID,
                   "A name is %d to %d characters long", PPD_ACCOUNT_NAME_MIN,
                   PPD_ACCOUNT_NAME_MAX);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.' && *p != '-')
      {
        g_set_error_literal (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_INVALID,
                             "A name may use only the letters A to Z and a to z, digits, "
                             "and “_”, “.” and “-”");
        return FALSE;
      }

  return TRUE;
}

gboolean
ppd_accounts_check_password (const char  *password,
                             GError     **error)
{
  gsize n_bytes = strlen (password);

  if (!g_utf8_validate (password, n_bytes, NULL))
    g_set_error_literal (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_INVALID,
                         "The password is not valid text");
  else if (n_bytes < PPD_PASSWORD_MIN_BYTES)
    g_set_error (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_INVALID,
                 "The password is too short: use at least %d characters",
                 PPD_PASSWORD_MIN_BYTES);
  else if (n_bytes > PPD_PASSWORD_MAX_BYTES)
    g_set_error (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_INVALID,
                 "The password is too long: at most %d bytes", PPD_PASSWORD_MAX_BYTES);
  else
    return TRUE;

  return FALSE;
}

/* "pa." and 256 random bits, base64url. */
char *
ppd_accounts_new_session_token (void)
{
  g_autofree char *random = ppd_access_new_random_token (SESSION_TOKEN_BYTES);

  return g_strconcat (PPD_SESSION_TOKEN_PREFIX, random, NULL);
}

/* Whether @token (a cookie's or a bearer token) is meant as a session;
 * says nothing about whether the session exists. */
gboolean
ppd_accounts_is_session_token (const char *token)
{
  return token != NULL && g_str_has_prefix (token, PPD_SESSION_TOKEN_PREFIX);
}

/* Worker threads */

static gboolean
new_setting (char    *setting,
             gsize    size,
             GError **error)
{
  /* Random bytes from the kernel, the default yescrypt cost. */
  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, setting, size) == NULL)
    {
      int errsv = errno;

      g_set_error (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_FAILED,
                   "Cannot make a password salt: %s", g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

static void
hash_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HashData *d = task_data;
  g_autofree struct crypt_data *work = g_new0 (struct crypt_data, 1);
  g_autoptr(GError) error = NULL;
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  const char *hash;

  if (!new_setting (setting, sizeof setting, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  hash = crypt_r (d->password, setting, work);
  if (hash == NULL || hash[0] == '*')
    g_task_return_new_error (task, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_FAILED,
                             "Cannot hash the password: %s", g_strerror (errno));
  else
    g_task_return_pointer (task, g_strdup (hash), g_free);

  explicit_bzero (work, sizeof *work);
}

/* Without a stored hash (no such account) a new setting of the same cost
 * is hashed anyway: an unknown name takes as long as a wrong password. */
static void
verify_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  HashData *d = task_data;
  g_autofree struct crypt_data *work = g_new0 (struct crypt_data, 1);
  g_autoptr(GError) error = NULL;
  char dummy[CRYPT_GENSALT_OUTPUT_SIZE];
  const char *setting = d->hash;
  const char *hash;

  if (setting == NULL)
    {
      if (!new_setting (dummy, sizeof dummy, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      setting = dummy;
    }

  hash = crypt_r (d->password, setting, work);
  if (d->hash != NULL && hash != NULL && hash[0] != '*' && ppd_access_hash_equal (hash, d->hash))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_WRONG_PASSWORD,
                             "Wrong name or password");

  explicit_bzero (work, sizeof *work);
}

/* Public API: main thread */

static void
run_hash_task (gpointer             source_tag,
               GTaskThreadFunc      func,
               const char          *password,
               const char          *hash,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  HashData *d = g_new0 (HashData, 1);

  d->password = g_strdup (password);
  d->hash = g_strdup (hash);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, d, hash_data_free);
  g_task_run_in_thread (task, func);
}

/* A new crypt(3) hash of @password, with its own random salt. */
void
ppd_accounts_hash_password_async (const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (password != NULL);

  run_hash_task (ppd_accounts_hash_password_async, hash_in_thread, password, NULL,
                 cancellable, callback, user_data);
}

char *
ppd_accounts_hash_password_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ppd_accounts_hash_password_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* @hash: (nullable): the stored hash, or %NULL when there is no such
 * account: then the answer is PPD_ACCOUNTS_ERROR_WRONG_PASSWORD, after the
 * same work. */
void
ppd_accounts_verify_password_async (const char          *password,
                                    const char          *hash,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (password != NULL);

  run_hash_task (ppd_accounts_verify_password_async, verify_in_thread, password, hash,
                 cancellable, callback, user_data);
}

/* FALSE with PPD_ACCOUNTS_ERROR_WRONG_PASSWORD when the password does not match. */
gboolean
ppd_accounts_verify_password_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ppd_accounts_verify_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
