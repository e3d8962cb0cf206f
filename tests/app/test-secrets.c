/* test-secrets.c: owner keys, share links and sign-ins in the keyring, or in memory without one.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-secrets"

#include "config.h"

#include "app-harness.h"

/* meson runs this twice: inside with-test-keyring.sh (a private bus with
 * its own GNOME Keyring: secrets outlive the process's memory) and with no
 * session bus (memory only, said once). Each run checks what its case
 * promises and skips the other's test. */

#define SERVER "http://127.0.0.1:8000"
#define KEY    "q1Vb0-3_mZ8xWk2cJpA7nRt5YhLdE9sUoGfIvBw4aCe"
#define LINK   "Zm9vYmFyYmF6cXV4LXNoYXJlLWxpbmstdG9rZW4x"
#define TOKEN  "pa.dGhlLWFwcC10b2tlbi1vZi1hbi1hY2NvdW50LWhlcmU"

static guint n_no_keyring_warnings;

static char *
lookup (PairpadSecrets    *secrets,
        PairpadSecretKind  kind,
        const char        *server,
        const char        *room)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  pairpad_secrets_lookup_async (secrets, kind, server, room, NULL, pp_test_keep_result, &result);
  PP_TEST_WAIT (result != NULL, 10000);
  secret = pairpad_secrets_lookup_finish (secrets, result, &error);
  g_assert_no_error (error);

  return secret;
}

/* Returns: whether the keyring has it */
static gboolean
store (PairpadSecrets    *secrets,
       PairpadSecretKind  kind,
       const char        *room,
       const char        *secret)
{
  return pp_test_secrets_store (secrets, kind, SERVER, room, secret);
}

static void
forget (PairpadSecrets    *secrets,
        PairpadSecretKind  kind,
        const char        *room)
{
  pp_test_secrets_forget (secrets, kind, SERVER, room);
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
  g_autoptr(GAsyncResult) stored = NULL;

  /* In memory before the keyring answers. */
  pairpad_secrets_store_async (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY, NULL,
                               pp_test_keep_result, &stored);
  assert_lookup (secrets, PAIRPAD_SECRET_OWNER_KEY, SERVER, "room-a", KEY);
  PP_TEST_WAIT (stored != NULL, 10000);
  pairpad_secrets_store_finish (secrets, stored, NULL);
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
  pp_test_allow_keyring_warning (&n_no_keyring_warnings);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pairpad/secrets/same-process", test_same_process);
  g_test_add_func ("/pairpad/secrets/keyring", test_keyring);
  g_test_add_func ("/pairpad/secrets/no-keyring", test_no_keyring);

  return g_test_run ();
}
