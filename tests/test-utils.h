/* test-utils.h: helpers shared by the Pairpad test suites.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

G_BEGIN_DECLS

typedef gboolean (*PpTestCondition) (gpointer user_data);

/* Iterates the thread-default main context until @condition holds; fails
 * the test (g_test_fail + message) after @timeout_ms and returns FALSE. */
gboolean  pp_test_wait_until      (PpTestCondition  condition,
                                   gpointer         user_data,
                                   guint            timeout_ms,
                                   const char      *what);

/* Same, for an expression: PP_TEST_WAIT (x->done, 5000). */
#define PP_TEST_WAIT(expr, timeout_ms) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(expr)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          { \
            g_test_fail_printf ("timed out after %u ms waiting for: %s", \
                                (guint) (timeout_ms), #expr); \
            break; \
          } \
        if (!g_main_context_iteration (NULL, FALSE)) \
          g_usleep (200); \
      } \
  } G_STMT_END

/* Reads a file from G_TEST_SRCDIR-relative @path components; aborts on failure. */
char     *pp_test_read_data_file  (const char      *first_component,
                                   ...) G_GNUC_NULL_TERMINATED;

/* Random text drawn from g_test_rand_int: ASCII, multi-byte, astral (emoji),
 * combining marks and newlines, @n_chars code points long. */
char     *pp_test_random_text     (guint            n_chars);

G_END_DECLS
