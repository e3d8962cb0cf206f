/* bench-completion.c: the built-in completions on a 10,000-line document.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-completion [--lines N]
 * Builds a C-like document of N lines (default 10,000) with a few hundred
 * distinct identifiers, then asks for completions at 2,000 places where a
 * word is being typed, and prints the median, p99 and worst time.
 */
#define G_LOG_DOMAIN "bench-completion"

#include "config.h"

#include <locale.h>
#include <pairpad.h>

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  int n_lines = 10000;
  GOptionEntry entries[] = {
    { "lines", 'n', 0, G_OPTION_ARG_INT, &n_lines, "Lines of the document (default 10000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  static const char * const stems[] = { "buffer", "count", "index", "length", "parse", "value",
                                        "result", "node", "token", "error" };
  guint n_queries = 2000;
  gsize length;

  setlocale (LC_ALL, "");
  g_option_context_set_summary (context, "Times Pairpad's built-in completions.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  for (int i = 0; i < n_lines; i++)
    g_string_append_printf (text, "  %s_%u = %s_%u + %u;  /* line %d */\n",
                            stems[g_rand_int_range (rand, 0, G_N_ELEMENTS (stems))],
                            g_rand_int_range (rand, 0, 40),
                            stems[g_rand_int_range (rand, 0, G_N_ELEMENTS (stems))],
                            g_rand_int_range (rand, 0, 40), g_rand_int_range (rand, 0, 100), i);
  length = g_utf8_strlen (text->str, -1);

  for (guint q = 0; q < n_queries; q++)
    {
      /* The end of a word's first two or three letters somewhere. */
      gsize at = g_rand_int_range (rand, 0, length - 8);
      g_autoptr(GPtrArray) items = NULL;
      gint64 t0;
      gint64 elapsed;

      while (at < length && !g_ascii_isalpha (text->str[at]))
        at++;
      at += g_rand_int_range (rand, 1, 4);
      t0 = g_get_monotonic_time ();
      items = pp_completion_suggest (text->str, at, "c", 10, NULL);
      elapsed = g_get_monotonic_time () - t0;
      g_array_append_val (times, elapsed);
    }

  g_array_sort (times, compare_gint64);
  g_print ("completions on %d lines (%" G_GSIZE_FORMAT " characters), %u requests: "
           "median %.2f ms, p99 %.2f ms, max %.2f ms\n", n_lines, length, n_queries,
           g_array_index (times, gint64, n_queries / 2) / 1000.0,
           g_array_index (times, gint64, n_queries * 99 / 100) / 1000.0,
           g_array_index (times, gint64, n_queries - 1) / 1000.0);

  return 0;
}
