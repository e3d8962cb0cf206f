/* keyring-fallback.h: lets app tests run where there is no Secret Service.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pairpad-secrets.h"
#include "test-utils.h"

/* Without a keyring the app says so once, as a warning (pairpad-secrets),
 * and keeps secrets in memory: not a failure of a test, but g_test_init()
 * makes every warning fatal. The app logs structured, so this takes a log
 * writer; g_test_log_set_fatal_handler() would not see the message. */
static GLogWriterOutput
keyring_fallback_writer (GLogLevelFlags   log_level,
                         const GLogField *fields,
                         gsize            n_fields,
                         gpointer         data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0 &&
        g_strcmp0 (fields[i].value, "pairpad-secrets") == 0 &&
        (log_level & G_LOG_LEVEL_WARNING))
      return g_log_writer_standard_streams (log_level, fields, n_fields, data);

  return g_log_writer_default (log_level, fields, n_fields, data);
}

/* Before g_test_init(); once per process. */
static inline void
keyring_fallback_allow (void)
{
  g_log_set_writer_func (keyring_fallback_writer, NULL, NULL);
}

static void
keyring_probe_stored (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  *(int *) data = pairpad_secrets_store_finish (PAIRPAD_SECRETS (source), result, NULL);
}

/* Whether this run has a Secret Service (with-test-keyring.sh gives it one
 * where gnome-keyring-daemon is installed): what a test may expect to
 * find there after the app quits. */
static inline gboolean
keyring_is_available (void)
{
  g_autoptr(PairpadSecrets) probe = pairpad_secrets_new ();
  int stored = -1;

  pairpad_secrets_store_async (probe, PAIRPAD_SECRET_SHARE_TOKEN, "http://probe.invalid",
                               "probe", "probe", NULL, keyring_probe_stored, &stored);
  PP_TEST_WAIT (stored >= 0, 10000);

  return stored == 1;
}
