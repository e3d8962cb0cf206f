/* bench-document.c: cost of single-character edits on 1 MiB and 10 MiB documents.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "bench-document"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pairpad.h>

#include "pp-rope-private.h"

/* Prints numbers only; nothing here is asserted. The edit cost should not
 * depend on the document size: compare the µs/op columns of both sizes. */

#define N_OPS 100000

static const char * const code_lines[] = {
  "static gboolean\n",
  "pp_widget_update (PpWidget *self,\n",
  "                  gsize     n_items)\n",
  "{\n",
  "  g_autoptr(GError) error = NULL;\n",
  "  /* Größe prüfen: ≤ 16 Mi code points */\n",
  "  if (n_items > self->max_items)\n",
  "    return FALSE;\n",
  "  // TODO: 日本語のコメント 🙂\n",
  "  for (guint i = 0; i < n_items; i++)\n",
  "    self->total += items[i].weight * 0.5;\n",
  "  g_debug (\"updated %u items → %s\", n_items, \"ok ✓\");\n",
  "}\n",
  "\n",
  "#define PP_WIDGET_LIMIT (1 << 20)  /* naïve café 🚀 */\n",
};

static const char * const one_chars[] = { "x", "x", "x", " ", "é", "中", "🙂" };

static char *
make_code (GRand *rand,
           gsize  n_bytes)
{
  GString *text = g_string_sized_new (n_bytes + 128);

  while (text->len < n_bytes)
    g_string_append (text, code_lines[g_rand_int_range (rand, 0, G_N_ELEMENTS (code_lines))]);

  return g_string_free (text, FALSE);
}

static double
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_size (GRand      *rand,
            const char *label,
            gsize       n_bytes)
{
  g_autofree char *text = make_code (rand, n_bytes);
  g_autoptr(PpDocument) doc = NULL;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
  g_autofree char *dup = NULL;
  g_autoptr(PpMessage) welcome = NULL;
  g_autoptr(PpMessage) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *frame = NULL;
  PpProtocolLimits limits;
  gsize frame_len;
  double build_ms, dup_ms, encode_ms, parse_ms, insert_ms, delete_ms;
  gsize length;
  gint64 start;
  guint i;

  start = g_get_monotonic_time ();
  doc = pp_document_new (text, -1, 0);
  build_ms = elapsed_ms (start);

  start = g_get_monotonic_time ();
  dup = pp_document_dup_text (doc);
  dup_ms = elapsed_ms (start);

  /* A newcomer's welcome carries the whole text: the daemon encodes it,
   * the client parses it. */
  start = g_get_monotonic_time ();
  welcome = pp_message_new_welcome ("u1", 0, "c", "", NULL, dup, NULL);
  frame = pp_message_to_json (welcome, &frame_len);
  encode_ms = elapsed_ms (start);

  pp_protocol_limits_init_default (&limits);
  limits.max_frame_bytes = G_MAXSIZE;
  start = g_get_monotonic_time ();
  parsed = pp_message_parse (frame, frame_len, PP_DIRECTION_FROM_SERVER, &limits, &error);
  parse_ms = elapsed_ms (start);
  if (parsed == NULL)
    g_error ("welcome: %s", error->message);

  /* Ops are built up front so that only pp_document_apply() is timed. */
  length = pp_document_get_length (doc);
  for (i = 0; i < N_OPS; i++)
    {
      gsize pos = g_rand_int_range (rand, 0, length + i + 1);
      const char *c = one_chars[g_rand_int_range (rand, 0, G_N_ELEMENTS (one_chars))];

      g_ptr_array_add (ops, pp_text_op_new_insert (pos, c));
    }

  start = g_get_monotonic_time ();
  for (i = 0; i < ops->len; i++)
    {
      if (!pp_document_apply (doc, g_ptr_array_index (ops, i), NULL))
        g_error ("insert %u failed", i);
    }
  insert_ms = elapsed_ms (start);

  g_ptr_array_set_size (ops, 0);
  length = pp_document_get_length (doc);
  for (i = 0; i < N_OPS; i++)
    g_ptr_array_add (ops, pp_text_op_new_delete (g_rand_int_range (rand, 0, length - i), 1));

  start = g_get_monotonic_time ();
  for (i = 0; i < ops->len; i++)
    {
      if (!pp_document_apply (doc, g_ptr_array_index (ops, i), NULL))
        g_error ("delete %u failed", i);
    }
  delete_ms = elapsed_ms (start);

  printf ("%-7s welcome frame %.2f MiB: encode %7.2f ms  parse %7.2f ms\n",
          label, frame_len / (1024.0 * 1024.0), encode_ms, parse_ms);
  printf ("%-7s %9.2f MiB %11" G_GSIZE_FORMAT " cp  build %7.2f ms  dup_text %7.2f ms  "
          "insert %6.3f µs/op %9.0f ops/s  delete %6.3f µs/op %9.0f ops/s  "
          "(%" G_GSIZE_FORMAT " chunks, height %u)\n",
          label, strlen (text) / (1024.0 * 1024.0), pp_document_get_length (doc),
          build_ms, dup_ms,
          insert_ms * 1000.0 / N_OPS, N_OPS / (insert_ms / 1000.0),
          delete_ms * 1000.0 / N_OPS, N_OPS / (delete_ms / 1000.0),
          _pp_rope_get_n_chunks (pp_document_get_rope (doc)),
          _pp_rope_get_height (pp_document_get_rope (doc)));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (argc > 1 ? (guint32) atoi (argv[1]) : 20261126);

  printf ("%d single-character ops per size through pp_document_apply()\n", N_OPS);
  bench_size (rand, "1MiB", 1024 * 1024);
  bench_size (rand, "10MiB", 10 * 1024 * 1024);

  return EXIT_SUCCESS;
}
