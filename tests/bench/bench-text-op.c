/* bench-text-op.c: throughput of PpTextOp on typical editing ops.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-text-op
 *
 * Prints ops/s for apply, transform, compose, transform_position, parse and
 * serialize, with small editing ops (typing, backspace, replacing a word)
 * at random places in a ~10 KiB source file with some non-ASCII text. The
 * numbers are for comparing builds; nothing here asserts on time.
 */
#define G_LOG_DOMAIN "bench-text-op"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <pairpad.h>

#define DOC_BYTES (10 * 1024)
#define N_OPS 1024
#define MIN_DURATION_USEC (G_USEC_PER_SEC / 2)

static const char * const lines[] = {
  "static void\n",
  "pp_example_update (PpExample *self,\n",
  "                   guint      n_items)\n",
  "{\n",
  "  g_autoptr(GError) error = NULL;\n",
  "  /* Grüße, 中文 comment with an emoji 🙂 */\n",
  "  for (guint i = 0; i < n_items; i++)\n",
  "    self->total += compute (i, \"naïve café\");\n",
  "}\n",
  "\n",
};

static const char * const typed[] = {
  "a", "e", " ", "(", ";", "\n", "é", "中", "🙂", "if", "self", "NULL",
};

static char *
make_document (GRand *rand,
               gsize *n_chars)
{
  GString *s = g_string_new (NULL);

  while (s->len < DOC_BYTES)
    g_string_append (s, lines[g_rand_int_range (rand, 0, G_N_ELEMENTS (lines))]);

  *n_chars = g_utf8_strlen (s->str, s->len);
  return g_string_free (s, FALSE);
}

/* One keystroke-sized edit valid on a document of @n_chars code points. */
static PpTextOp *
make_edit (GRand      *rand,
           const char *doc,
           gsize       n_chars)
{
  PpTextOpBuilder builder;
  gsize pos = g_rand_int_range (rand, 0, (gint32) n_chars);
  guint kind = g_rand_int_range (rand, 0, 10);

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, pos);

  if (kind < 6)
    {
      pp_text_op_builder_insert (&builder, typed[g_rand_int_range (rand, 0, G_N_ELEMENTS (typed))], -1);
    }
  else if (kind < 8)
    {
      pp_text_op_builder_delete (&builder, MIN (n_chars - pos, (gsize) g_rand_int_range (rand, 1, 4)));
    }
  else
    {
      /* Replace a word, with the invertible delete an editor would send. */
      const char *start = g_utf8_offset_to_pointer (doc, pos);
      const char *end = g_utf8_offset_to_pointer (start, MIN (n_chars - pos, 5));

      pp_text_op_builder_delete_text (&builder, start, end - start);
      pp_text_op_builder_insert (&builder, "replacement", -1);
    }

  return pp_text_op_builder_end (&builder);
}

static void
report (const char *what,
        guint64     n,
        gint64      usec,
        guint64     checksum)
{
  printf ("%-20s %12.0f ops/s   (%" G_GUINT64_FORMAT " ops, %.3f s, checksum %" G_GUINT64_FORMAT ")\n",
          what, (double) n * G_USEC_PER_SEC / MAX (usec, 1), n, usec / (double) G_USEC_PER_SEC,
          checksum);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261126);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
  g_autoptr(GPtrArray) nexts = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_op_unref);
  g_autoptr(GPtrArray) jsons = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *doc = NULL;
  gsize n_chars;
  gint64 start;
  gint64 elapsed;
  guint64 n;
  guint64 checksum;

  doc = make_document (rand, &n_chars);
  for (guint i = 0; i < N_OPS; i++)
    {
      PpTextOp *op = make_edit (rand, doc, n_chars);
      g_autofree char *after = pp_text_op_apply (op, doc, NULL);
      gsize after_chars = g_utf8_strlen (after, -1);

      g_ptr_array_add (ops, op);
      g_ptr_array_add (others, make_edit (rand, doc, n_chars));
      g_ptr_array_add (nexts, make_edit (rand, after, after_chars));
      g_ptr_array_add (jsons, pp_text_op_to_string (op));
    }

  printf ("document: %zu bytes, %zu code points; %u distinct ops\n",
          strlen (doc), n_chars, N_OPS);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        {
          g_autofree char *result = pp_text_op_apply (g_ptr_array_index (ops, i), doc, NULL);

          checksum += result[0];
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("apply (10 KiB doc):", n, elapsed, checksum);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        {
          g_autoptr(PpTextOp) t = pp_text_op_transform (g_ptr_array_index (ops, i),
                                                        g_ptr_array_index (others, i),
                                                        i & 1 ? PP_SIDE_LEFT : PP_SIDE_RIGHT);

          checksum += pp_text_op_get_n_components (t);
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("transform:", n, elapsed, checksum);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        {
          g_autoptr(PpTextOp) c = pp_text_op_compose (g_ptr_array_index (ops, i),
                                                      g_ptr_array_index (nexts, i));

          checksum += pp_text_op_get_n_components (c);
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("compose:", n, elapsed, checksum);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        checksum += pp_text_op_transform_position (g_ptr_array_index (ops, i), i * 7 % n_chars, i & 1);
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("transform_position:", n, elapsed, checksum);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        {
          g_autoptr(PpTextOp) op = pp_text_op_new_from_string (g_ptr_array_index (jsons, i), NULL);

          checksum += pp_text_op_get_n_components (op);
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("parse (string):", n, elapsed, checksum);

  n = checksum = 0;
  start = g_get_monotonic_time ();
  do
    {
      for (guint i = 0; i < N_OPS; i++, n++)
        {
          g_autofree char *json = pp_text_op_to_string (g_ptr_array_index (ops, i));

          checksum += json[1];
        }
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_DURATION_USEC);
  report ("serialize (string):", n, elapsed, checksum);

  return 0;
}
