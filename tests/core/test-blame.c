/* test-blame.c: PpBlame against a model that records an author per code point.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-blame"

#include "config.h"

#include "test-utils.h"

static void
assert_matches (PpBlame *blame,
                GArray  *model)
{
  guint n_spans;
  const PpBlameSpan *spans = pp_blame_get_spans (blame, &n_spans);
  gsize at = 0;

  g_assert_cmpuint (pp_blame_get_length (blame), ==, model->len);
  for (guint i = 0; i < n_spans; i++)
    {
      g_assert_cmpuint (spans[i].length, >, 0);
      if (i > 0)
        g_assert_cmpuint (spans[i].author, !=, spans[i - 1].author);
      for (gsize k = 0; k < spans[i].length; k++, at++)
        g_assert_cmpuint (g_array_index (model, guint, at), ==, spans[i].author);
    }
  g_assert_cmpuint (at, ==, model->len);
}

/* Three authors edit at random; every step agrees with the model. */
static void
test_random (void)
{
  g_autoptr(PpBlame) blame = pp_blame_new (5, PP_BLAME_NOBODY);
  g_autoptr(GArray) model = g_array_new (FALSE, FALSE, sizeof (guint));
  guint nobody = PP_BLAME_NOBODY;

  for (guint i = 0; i < 5; i++)
    g_array_append_val (model, nobody);

  for (guint step = 0; step < 3000; step++)
    {
      guint author = g_test_rand_int_range (0, 3);
      gsize length = model->len;
      gsize pos = g_test_rand_int_range (0, length + 1);
      g_autoptr(PpTextOp) op = NULL;

      if (length > 0 && g_test_rand_int_range (0, 3) == 0)
        {
          gsize count = g_test_rand_int_range (1, MIN (length - MIN (pos, length - 1), 8) + 1);

          pos = MIN (pos, length - 1);
          count = MIN (count, length - pos);
          op = pp_text_op_new_delete (pos, count);
          g_array_remove_range (model, pos, count);
        }
      else
        {
          guint n = g_test_rand_int_range (1, 4);
          g_autofree char *text = g_strnfill (n, 'a' + author);

          op = pp_text_op_new_insert (pos, text);
          for (guint k = 0; k < n; k++)
            g_array_insert_val (model, pos, author);
        }

      g_assert_true (pp_blame_apply (blame, op, author, NULL));
      assert_matches (blame, model);
    }
}

/* An op that reaches past the end is refused and changes nothing. */
static void
test_out_of_range (void)
{
  g_autoptr(PpBlame) blame = pp_blame_new (3, 0);
  g_autoptr(PpTextOp) op = pp_text_op_new_delete (2, 5);
  g_autoptr(GError) error = NULL;
  guint n_spans;

  g_assert_false (pp_blame_apply (blame, op, 1, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_assert_cmpuint (pp_blame_get_length (blame), ==, 3);
  g_assert_cmpuint (pp_blame_get_spans (blame, &n_spans)[0].author, ==, 0);
  g_assert_cmpuint (n_spans, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/blame/random", test_random);
  g_test_add_func ("/pp/blame/out-of-range", test_out_of_range);

  return g_test_run ();
}
