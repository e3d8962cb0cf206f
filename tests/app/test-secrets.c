/* test-secrets.c: owner keys, share links and sign-ins in the keyring, or in memory without one.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-secrets"

#include "config.h"

#include "pairpad-secrets.h"
#include "test-utils.h"

/* meson runs this twice: inside with-test-keyring.sh (a private bus with
 * its own GNOME Keyring: secrets outlive the process's memory) and with no
 * session bus (memory only, said once). Each run checks what its case
 * promises and skips the other's test. */

#define SERVER "http://127.0.0.1:8000"
#define KEY    "q1Vb0-3_mZ8xWk2cJpA7nRt5YhLdE9sUoGfIvBw4aCe"
#define LINK   "Zm9vYmFyYmF6cXV4LXNoYXJlLWxpbmstdG9rZW4x"
#define TOKEN  "pa.dGhlLWFwcC10b2tlbi1vZi1hbi1hY2NvdW50LWhlcmU"

static guint n_no_keyring_warnings;

/* g_test_init() makes warnings fatal; the one that says there is no
 * keyring is expected here. Structured logging, so a writer, not
 * g_test_log_set_fatal_handler(). */
static GLogWriterOutput
count_keyring_warning (GLogLevelFlags   log_level,
                       const GLogField *fields,
                       gsize            n_fields,
                       gpointer         data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 &&
        g_strcmp0 (fields[i].value, "pairpad-secrets") == 0 &&
        (log_level & G_LOG_LEVEL_WARNING))
      {
        n_no_keyring_warnings++;
        return g_log_writer_standard_streams (log_level, fields, n_fields, data);
      }

  return g_log_writer_default (log_level, fields, n_fields, data);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *secret;
  GError   *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->secret, g_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Result *r = data;

  r->ok = pairpad_secrets_store_finish (PAIRPAD_SECRETS (source), result, &r->error);
  r->done = TRUE;
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  r->secret = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, &r->error);
  r->done = TRUE;
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  r->ok = pairpad_secrets_forget_finish (PAIRPAD_SECRETS (source), result, &r->error);
  r->done = TRUE;
}

static char *
lookup (PairpadSecrets    *secrets,
        PairpadSecretKind  kind,
        const char        *server,
        const char        *room)
{
  Result r = { 0, };

  pairpad_secrets_lookup_async (secrets, kind, server, room, NULL, on_looked_up, &r);
  PP_TEST_WAIT (r.done, 10000);
  g_assert_no_error (r.error);

  return r.secret;
}

static gboolean
store (PairpadSecrets    *secrets,
       PairpadSecretKind  kind,
       const char        *room,
       const char        *secret)
{
  Result r = { 0, };
  gboolean ok;

  pairpad_secrets_store_async (secrets, kind, SERVER, room, secret, NULL, on_stored, &r);
  PP_TEST_WAIT (r.done, 10000);
  ok = r.ok;
  result_clear (&r);

  return ok;
}

static void
forget (PairpadSecrets    *secrets,
        PairpadSecretKind  kind,
        const char        *room)
{
  Result r = { 0, };

  pairpad_secrets_forget_async (secrets, kind, SERVER, room, NULL, on_forgotten, &r);
  PP_TEST_WAIT (r.done, 10000);
  result_clear (&r);
}

static void
assert_lookup (PairpadSecrets    *secrets,
               PairpadSecretKind  kind,
               const char        *server,
               const char        *room,
               const char        *expected)
{
  g_autofree char *secret = lookup (secrets, kind, server, room);

  g_assert_cmpstr (secret, ==, expected);
}

/* Whatever the keyring does: a stored secret is found at once, by kind,
 * server and room, and a forgotten one is not. */
static void
test_same_process (void)
{
  g_autoptr(PairpadSecrets) secrets = pairpad_secrets_new ();
  Result r = { 0, };

  /* In memory before the keyring answers. */
  pairpad_secrets_store_async (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY, NULL,
                               on_stored, &r);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY);
  PP_TEST_WAIT (r.done, 10000);
  result_clear (&r);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY);

  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-b", NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, "http://127.0.0.1:8001", "room-a", NULL);

  /* The kinds never mix: a share link's token for the room is not its
   * owner key, and an account's token belongs to the server alone. */
  store (secrets, PAIRPAD_SECRET_SHARE_TOKEN, "room-a", LINK);
  store (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, NULL, TOKEN);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY);
  assert_lookup (secrets, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-a", LINK);
  assert_lookup (secrets, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-b", NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, SERVER, NULL, TOKEN);
  assert_lookup (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, "http://127.0.0.1:8001", NULL, NULL);

  forget (secrets, PAIRPAD_SECRET_OWNER_KEY, "room-a");
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-a", LINK);
  forget (secrets, PAIRPAD_SECRET_SHARE_TOKEN, "room-a");
  forget (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-a", NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, SERVER, NULL, NULL);
}

/* With a keyring, every kind is there for the next run of the app. */
static void
test_keyring (void)
{
  g_autoptr(PairpadSecrets) secrets = pairpad_secrets_new ();
  g_autoptr(PairpadSecrets) next_run = NULL;
  g_autoptr(PairpadSecrets) run_after = NULL;

  if (!store (secrets, PAIRPAD_SECRET_OWNER_KEY, "room-kept", KEY))
    {
      g_test_skip ("no Secret Service here");
      return;
    }
  g_assert_true (store (secrets, PAIRPAD_SECRET_SHARE_TOKEN, "room-kept", LINK));
  g_assert_true (store (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, NULL, TOKEN));

  next_run = pairpad_secrets_new ();
  assert_lookup (next_run, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-kept", KEY);
  assert_lookup (next_run, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-kept", LINK);
  assert_lookup (next_run, PAIRPAD_SECRET_ACCOUNT_TOKEN, SERVER, NULL, TOKEN);

  forget (next_run, PAIRPAD_SECRET_OWNER_KEY, "room-kept");
  forget (next_run, PAIRPAD_SECRET_ACCOUNT_TOKEN, NULL);

  run_after = pairpad_secrets_new ();
  assert_lookup (run_after, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-kept", NULL);
  assert_lookup (run_after, PAIRPAD_SECRET_ACCOUNT_TOKEN, SERVER, NULL, NULL);
  /* Only what was forgotten. */
  assert_lookup (run_after, PAIRPAD_SECRET_SHARE_TOKEN, SERVER, "room-kept", LINK);
  forget (run_after, PAIRPAD_SECRET_SHARE_TOKEN, "room-kept");
  g_assert_cmpuint (n_no_keyring_warnings, ==, 0);
}

/* Without one, secrets live as long as the process, and that is said once. */
static void
test_no_keyring (void)
{
  g_autoptr(PairpadSecrets) secrets = pairpad_secrets_new ();

  n_no_keyring_warnings = 0;
  if (store (secrets, PAIRPAD_SECRET_OWNER_KEY, "room-1", KEY))
    {
      g_test_skip ("there is a Secret Service here");
      return;
    }

  g_assert_false (store (secrets, PAIRPAD_SECRET_OWNER_KEY, "room-2", KEY));
  g_assert_false (store (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, NULL, TOKEN));
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-3", NULL);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-2", KEY);
  assert_lookup (secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, SERVER, NULL, TOKEN);
  g_assert_cmpuint (n_no_keyring_warnings, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (count_keyring_warning, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pairpad/secrets/same-process", test_same_process);
  g_test_add_func ("/pairpad/secrets/keyring", test_keyring);
  g_test_add_func ("/pairpad/secrets/no-keyring", test_no_keyring);

  return g_test_run ();
}
