/* test-owner-keys.c: owner keys kept in the keyring, or in memory when there is none.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-owner-keys"

#include "config.h"

#include "pairpad-owner-keys.h"
#include "test-utils.h"

/* meson runs this twice: inside with-test-keyring.sh (a private bus with
 * its own GNOME Keyring: keys outlive the process's memory) and with no
 * session bus (memory only, said once). Each run checks what its case
 * promises and skips the other's test. */

#define SERVER "http://127.0.0.1:8000"
#define KEY    "q1Vb0-3_mZ8xWk2cJpA7nRt5YhLdE9sUoGfIvBw4aCe"

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
        g_strcmp0 (fields[i].value, "pairpad-owner-keys") == 0 &&
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
  char     *key;
  GError   *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->key, g_free);
  g_clear_error (&r->error);
  r->done = FALSE;
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Result *r = data;

  r->ok = pairpad_owner_keys_store_finish (PAIRPAD_OWNER_KEYS (source), result, &r->error);
  r->done = TRUE;
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  r->key = pairpad_owner_keys_lookup_finish (PAIRPAD_OWNER_KEYS (source), result, &r->error);
  r->done = TRUE;
}

static void
on_forgotten (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Result *r = data;

  r->ok = pairpad_owner_keys_forget_finish (PAIRPAD_OWNER_KEYS (source), result, &r->error);
  r->done = TRUE;
}

static char *
lookup (PairpadOwnerKeys *keys,
        const char       *server,
        const char       *room)
{
  Result r = { 0, };

  pairpad_owner_keys_lookup_async (keys, server, room, NULL, on_looked_up, &r);
  PP_TEST_WAIT (r.done, 10000);
  g_assert_no_error (r.error);

  return r.key;
}

static gboolean
store (PairpadOwnerKeys *keys,
       const char       *room,
       const char       *key)
{
  Result r = { 0, };
  gboolean ok;

  pairpad_owner_keys_store_async (keys, SERVER, room, key, NULL, on_stored, &r);
  PP_TEST_WAIT (r.done, 10000);
  ok = r.ok;
  result_clear (&r);

  return ok;
}

/* Whatever the keyring does: a stored key is found at once, by room and
 * server, and a forgotten one is not. */
static void
test_same_process (void)
{
  g_autoptr(PairpadOwnerKeys) keys = pairpad_owner_keys_new ();
  Result r = { 0, };
  char *key;

  /* In memory before the keyring answers. */
  pairpad_owner_keys_store_async (keys, SERVER, "room-a", KEY, NULL, on_stored, &r);
  key = lookup (keys, SERVER, "room-a");
  g_assert_cmpstr (key, ==, KEY);
  g_free (key);
  PP_TEST_WAIT (r.done, 10000);
  result_clear (&r);
  key = lookup (keys, SERVER, "room-a");
  g_assert_cmpstr (key, ==, KEY);
  g_free (key);

  key = lookup (keys, SERVER, "room-b");
  g_assert_null (key);
  key = lookup (keys, "http://127.0.0.1:8001", "room-a");
  g_assert_null (key);

  pairpad_owner_keys_forget_async (keys, SERVER, "room-a", NULL, on_forgotten, &r);
  PP_TEST_WAIT (r.done, 10000);
  result_clear (&r);
  key = lookup (keys, SERVER, "room-a");
  g_assert_null (key);
}

/* With a keyring, the key is there for the next run of the app. */
static void
test_keyring (void)
{
  g_autoptr(PairpadOwnerKeys) keys = pairpad_owner_keys_new ();
  g_autoptr(PairpadOwnerKeys) next_run = NULL;
  g_autoptr(PairpadOwnerKeys) run_after = NULL;
  Result r = { 0, };
  char *key;

  if (!store (keys, "room-kept", KEY))
    {
      g_test_skip ("no Secret Service here");
      return;
    }

  next_run = pairpad_owner_keys_new ();
  key = lookup (next_run, SERVER, "room-kept");
  g_assert_cmpstr (key, ==, KEY);
  g_free (key);

  pairpad_owner_keys_forget_async (next_run, SERVER, "room-kept", NULL, on_forgotten, &r);
  PP_TEST_WAIT (r.done, 10000);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  result_clear (&r);

  run_after = pairpad_owner_keys_new ();
  key = lookup (run_after, SERVER, "room-kept");
  g_assert_null (key);
  g_assert_cmpuint (n_no_keyring_warnings, ==, 0);
}

/* Without one, keys live as long as the process, and that is said once. */
static void
test_no_keyring (void)
{
  g_autoptr(PairpadOwnerKeys) keys = pairpad_owner_keys_new ();
  char *key;

  n_no_keyring_warnings = 0;
  if (store (keys, "room-1", KEY))
    {
      g_test_skip ("there is a Secret Service here");
      return;
    }

  g_assert_false (store (keys, "room-2", KEY));
  key = lookup (keys, SERVER, "room-3");
  g_assert_null (key);
  key = lookup (keys, SERVER, "room-2");
  g_assert_cmpstr (key, ==, KEY);
  g_free (key);
  g_assert_cmpuint (n_no_keyring_warnings, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_log_set_writer_func (count_keyring_warning, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pairpad/owner-keys/same-process", test_same_process);
  g_test_add_func ("/pairpad/owner-keys/keyring", test_keyring);
  g_test_add_func ("/pairpad/owner-keys/no-keyring", test_no_keyring);

  return g_test_run ();
}
