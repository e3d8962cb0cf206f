/* test-utils.c: helpers shared by the Pairpad test suites.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-utils"

#include "config.h"

#include <stdarg.h>

#include "test-utils.h"

gboolean
pp_test_wait_until (PpTestCondition  condition,
                    gpointer         user_data,
                    guint            timeout_ms,
                    const char      *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_test_fail_printf ("timed out after %u ms waiting for %s", timeout_ms, what);
          return FALSE;
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (200);
    }

  return TRUE;
}

char *
pp_test_read_data_file (const char *first_component,
                        ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *part;
  char *contents = NULL;
  va_list args;

  g_ptr_array_add (parts, (gpointer) g_test_get_dir (G_TEST_DIST));
  va_start (args, first_component);
  for (part = first_component; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  path = g_build_filenamev ((char **) parts->pdata);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  return contents;
}

/* Weighted so that every class shows up in short texts. */
static const char * const sample_chars[] = {
  "a", "b", "c", "x", "y", "z", " ", " ", "\n", "{", "}", ";",
  "é", "ß", "ж", "中", "文", "€",
  "🙂", "😀", "𝄞", "🚀",
  "e\xcc\x81", /* e + combining acute: two code points */
  "\xcc\x88",  /* a lone combining diaeresis */
};

char *
pp_test_random_text (guint n_chars)
{
  GString *s = g_string_new (NULL);
  guint n = 0;

  while (n < n_chars)
    {
      const char *c = sample_chars[g_test_rand_int_range (0, G_N_ELEMENTS (sample_chars))];
      glong len = g_utf8_strlen (c, -1);

      if (n + len > n_chars)
        continue;
      g_string_append (s, c);
      n += len;
    }

  return g_string_free (s, FALSE);
}
