/* test-rope.c: PpRope against a plain UTF-8 string model.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-rope"

#include "config.h"

#include <string.h>

#include <pairpad.h>

#include "pp-rope-private.h"
#include "test-utils.h"

static void
assert_rope_sound (const PpRope *rope)
{
  g_autofree char *problem = _pp_rope_check_invariants (rope);

  g_assert_cmpstr (problem, ==, NULL);
}

static void
assert_rope_text (const PpRope *rope,
                  const char   *expected)
{
  g_autofree char *text = pp_rope_dup_text (rope);

  g_assert_cmpuint (pp_rope_get_n_bytes (rope), ==, strlen (expected));
  g_assert_cmpuint (pp_rope_get_length (rope), ==, g_utf8_strlen (expected, -1));
  g_assert_cmpstr (text, ==, expected);
  assert_rope_sound (rope);
}

/* Byte offset of code point @pos in @text; the model side of every check. */
static gsize
model_byte (const char *text,
            gsize       pos)
{
  return g_utf8_offset_to_pointer (text, pos) - text;
}

static void
test_rope_empty (void)
{
  g_autoptr(PpRope) rope = pp_rope_new (NULL, 0);
  g_autoptr(PpRope) from_empty = pp_rope_new ("", -1);
  g_autoptr(PpRope) copy = NULL;
  g_autofree char *range = NULL;

  assert_rope_text (rope, "");
  assert_rope_text (from_empty, "");
  g_assert_true (pp_rope_range_equals (rope, 0, "", 0));
  g_assert_false (pp_rope_range_equals (rope, 0, "a", 1));
  range = pp_rope_dup_range (rope, 0, 0);
  g_assert_cmpstr (range, ==, "");
  g_assert_cmpuint (_pp_rope_get_height (rope), ==, 0);

  pp_rope_delete (rope, 0, 0);
  pp_rope_insert (rope, 0, "", 0);
  pp_rope_insert (rope, 0, "", -1);
  assert_rope_text (rope, "");

  copy = pp_rope_copy (rope);
  assert_rope_text (copy, "");

  pp_rope_insert (rope, 0, "🙂", -1);
  assert_rope_text (rope, "🙂");
  assert_rope_text (copy, "");
}

static void
test_rope_insert_edges (void)
{
  g_autoptr(PpRope) rope = pp_rope_new ("bcd", -1);
  g_autofree char *range = NULL;

  pp_rope_insert (rope, 0, "a", -1);
  assert_rope_text (rope, "abcd");
  pp_rope_insert (rope, 4, "é", -1);
  assert_rope_text (rope, "abcdé");
  pp_rope_insert (rope, 5, "𝄞🚀", -1);
  assert_rope_text (rope, "abcdé𝄞🚀");
  pp_rope_insert (rope, 6, "中", -1);
  assert_rope_text (rope, "abcdé𝄞中🚀");
  /* @n_bytes limits the text: only "xy" of "xyz". */
  pp_rope_insert (rope, 0, "xyz", 2);
  assert_rope_text (rope, "xyabcdé𝄞中🚀");

  g_assert_true (pp_rope_range_equals (rope, 7, "𝄞中", strlen ("𝄞中")));
  g_assert_false (pp_rope_range_equals (rope, 7, "𝄞文", strlen ("𝄞文")));
  g_assert_true (pp_rope_range_equals (rope, 9, "🚀", strlen ("🚀")));
  g_assert_false (pp_rope_range_equals (rope, 9, "🚀!", strlen ("🚀!")));
  g_assert_true (pp_rope_range_equals (rope, 10, "", 0));
  range = pp_rope_dup_range (rope, 6, 3);
  g_assert_cmpstr (range, ==, "é𝄞中");
}

static void
test_rope_delete_edges (void)
{
  g_autoptr(PpRope) rope = pp_rope_new ("a🙂bc中d", -1);

  pp_rope_delete (rope, 0, 1);
  assert_rope_text (rope, "🙂bc中d");
  pp_rope_delete (rope, 4, 1);
  assert_rope_text (rope, "🙂bc中");
  pp_rope_delete (rope, 1, 2);
  assert_rope_text (rope, "🙂中");
  pp_rope_delete (rope, 2, 0);
  assert_rope_text (rope, "🙂中");
  pp_rope_delete (rope, 0, 2);
  assert_rope_text (rope, "");

  pp_rope_insert (rope, 0, "again", -1);
  assert_rope_text (rope, "again");
}

static void
test_rope_delete_everything_large (void)
{
  g_autofree char *text = pp_test_random_text (200000);
  g_autoptr(PpRope) rope = pp_rope_new (text, -1);
  gsize length = pp_rope_get_length (rope);

  assert_rope_text (rope, text);
  g_assert_cmpuint (_pp_rope_get_n_chunks (rope), >, 100);

  /* Everything but the first and last code point, then the rest. */
  pp_rope_delete (rope, 1, length - 2);
  g_assert_cmpuint (pp_rope_get_length (rope), ==, 2);
  assert_rope_sound (rope);
  pp_rope_delete (rope, 0, 2);
  assert_rope_text (rope, "");
}

static void
test_rope_embedded_nul (void)
{
  g_autoptr(PpRope) rope = pp_rope_new ("a\0b", 3);
  g_autofree char *range = NULL;

  g_assert_cmpuint (pp_rope_get_length (rope), ==, 3);
  g_assert_cmpuint (pp_rope_get_n_bytes (rope), ==, 3);
  pp_rope_insert (rope, 3, "\0c", 2);
  g_assert_cmpuint (pp_rope_get_length (rope), ==, 5);
  g_assert_true (pp_rope_range_equals (rope, 1, "\0b\0", 3));
  g_assert_false (pp_rope_range_equals (rope, 1, "\0b\0d", 4));
  range = pp_rope_dup_range (rope, 2, 3);
  g_assert_cmpmem (range, 3, "b\0c", 3);
}

static void
test_rope_huge_insert (void)
{
  g_autofree char *paste = pp_test_random_text (640 * 1024);
  g_autoptr(GString) model = g_string_new ("int main (void)\n{\n  return 0;\n}\n");
  g_autoptr(PpRope) rope = pp_rope_new (model->str, model->len);
  gsize paste_chars = g_utf8_strlen (paste, -1);

  g_assert_cmpuint (strlen (paste), >=, 1024 * 1024);

  pp_rope_insert (rope, 18, paste, -1);
  g_string_insert (model, 18, paste);
  assert_rope_text (rope, model->str);
  g_assert_true (pp_rope_range_equals (rope, 18, paste, strlen (paste)));

  /* And a second paste right inside the first one. */
  pp_rope_insert (rope, 18 + paste_chars / 2, paste, -1);
  g_string_insert (model, model_byte (model->str, 18 + paste_chars / 2), paste);
  assert_rope_text (rope, model->str);

  pp_rope_delete (rope, 18, 2 * paste_chars);
  assert_rope_text (rope, "int main (void)\n{\n  return 0;\n}\n");
}

static void
test_rope_build_large (void)
{
  g_autofree char *unit = pp_test_random_text (4096);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PpRope) rope = NULL;
  g_autoptr(PpRope) copy = NULL;
  g_autofree char *dup = NULL;
  g_autofree char *range = NULL;
  gsize n_chars = 0;
  gsize chunks;

  while (text->len < 5 * 1024 * 1024)
    {
      g_string_append (text, unit);
      n_chars += 4096;
    }

  rope = pp_rope_new (text->str, text->len);
  g_assert_cmpuint (pp_rope_get_n_bytes (rope), ==, text->len);
  g_assert_cmpuint (pp_rope_get_length (rope), ==, n_chars);
  assert_rope_sound (rope);

  /* Chunks are filled: about 1.5 KiB each, and the tree is shallow. */
  chunks = _pp_rope_get_n_chunks (rope);
  g_assert_cmpuint (chunks, <=, text->len / 1024);
  g_assert_cmpuint (_pp_rope_get_height (rope), <=, 16);

  dup = pp_rope_dup_text (rope);
  g_assert_true (strcmp (dup, text->str) == 0);

  range = pp_rope_dup_range (rope, n_chars - 4096 - 10, 4096);
  g_assert_true (pp_rope_range_equals (rope, n_chars - 4096 - 10, range, strlen (range)));
  g_assert_true (pp_rope_range_equals (rope, 4096, unit, strlen (unit)));
  g_assert_false (pp_rope_range_equals (rope, 4095, unit, strlen (unit)));

  copy = pp_rope_copy (rope);
  pp_rope_delete (rope, 0, n_chars / 2);
  g_assert_cmpuint (pp_rope_get_length (copy), ==, n_chars);
  g_assert_cmpuint (pp_rope_get_length (rope), ==, n_chars - n_chars / 2);
  assert_rope_sound (rope);
  assert_rope_sound (copy);
}

/* Typing and backspacing one character at a time must not leave a trail of
 * tiny chunks behind. */
static void
test_rope_no_degradation (void)
{
  g_autofree char *text = pp_test_random_text (50000);
  g_autoptr(PpRope) rope = pp_rope_new (text, -1);
  gsize n_chars = 50000;
  gsize cursor = 1234;
  guint i;

  for (i = 0; i < 20000; i++)
    {
      pp_rope_insert (rope, cursor++, i % 7 == 0 ? "ж" : "x", -1);
      n_chars++;
    }
  assert_rope_sound (rope);

  for (i = 0; i < 60000; i++)
    {
      gsize pos = g_test_rand_int_range (0, n_chars);

      pp_rope_delete (rope, pos, 1);
      n_chars--;
      if (i % 10000 == 0)
        assert_rope_sound (rope);
    }
  g_assert_cmpuint (pp_rope_get_length (rope), ==, n_chars);
  assert_rope_sound (rope);

  for (i = 0; i < 30000; i++)
    {
      pp_rope_insert (rope, g_test_rand_int_range (0, n_chars + 1), "🙂", -1);
      n_chars++;
    }
  assert_rope_sound (rope);

  /* Invariant: every chunk of a multi-chunk rope holds at least 512 bytes. */
  g_assert_cmpuint (_pp_rope_get_n_chunks (rope), <=, pp_rope_get_n_bytes (rope) / 512 + 1);
}

static void
check_range (const PpRope *rope,
             const char   *model,
             gsize         model_chars)
{
  gsize pos = g_test_rand_int_range (0, model_chars + 1);
  gsize count = g_test_rand_int_range (0, MIN (model_chars - pos, 6000) + 1);
  gsize from = model_byte (model, pos);
  gsize to = from + model_byte (model + from, count);
  g_autofree char *range = pp_rope_dup_range (rope, pos, count);
  g_autofree char *altered = NULL;
  gsize last;

  g_assert_cmpuint (strlen (range), ==, to - from);
  g_assert_true (memcmp (range, model + from, to - from) == 0);
  g_assert_true (pp_rope_range_equals (rope, pos, model + from, to - from));

  if (count == 0)
    return;

  /* Same length in code points, one different character. */
  last = g_utf8_prev_char (range + strlen (range)) - range;
  altered = g_strdup_printf ("%.*s%s", (int) last, range,
                             g_str_has_prefix (range + last, "q") ? "🙂" : "q");
  g_assert_false (pp_rope_range_equals (rope, pos, altered, strlen (altered)));
  /* One code point too many. */
  g_clear_pointer (&altered, g_free);
  altered = g_strconcat (range, "z", NULL);
  if (pos + count < model_chars && model[to] == 'z')
    g_assert_true (pp_rope_range_equals (rope, pos, altered, strlen (altered)));
  else
    g_assert_false (pp_rope_range_equals (rope, pos, altered, strlen (altered)));
}

static void
test_rope_random (void)
{
  g_autoptr(GString) model = g_string_new (NULL);
  g_autoptr(PpRope) rope = NULL;
  gsize model_chars = 0;
  guint i;

  {
    g_autofree char *initial = pp_test_random_text (g_test_rand_int_range (0, 8000));

    g_string_assign (model, initial);
    model_chars = g_utf8_strlen (initial, -1);
    rope = pp_rope_new (initial, -1);
  }

  for (i = 0; i < 20000; i++)
    {
      int what = g_test_rand_int_range (0, 100);

      /* Drift towards 5k..40k code points, so the tree has depth. */
      if (model_chars > 40000 && what < 50)
        what += 50;

      if (what < 40)
        {
          guint n = g_test_rand_int_range (0, 10) == 0 ? g_test_rand_int_range (100, 5000)
                                                        : g_test_rand_int_range (1, 4);
          g_autofree char *text = pp_test_random_text (n);
          gsize pos = g_test_rand_int_range (0, model_chars + 1);

          pp_rope_insert (rope, pos, text, -1);
          g_string_insert (model, model_byte (model->str, pos), text);
          model_chars += n;
        }
      else if (what < 75)
        {
          gsize pos = g_test_rand_int_range (0, model_chars + 1);
          gsize limit = g_test_rand_int_range (0, 5) == 0 ? 8000 : 4;
          gsize max = MIN (model_chars - pos, limit);
          gsize count = g_test_rand_int_range (0, max + 1);
          gsize from = model_byte (model->str, pos);
          gsize to = from + model_byte (model->str + from, count);

          pp_rope_delete (rope, pos, count);
          g_string_erase (model, from, to - from);
          model_chars -= count;
        }
      else
        {
          check_range (rope, model->str, model_chars);
        }

      g_assert_cmpuint (pp_rope_get_length (rope), ==, model_chars);
      g_assert_cmpuint (pp_rope_get_n_bytes (rope), ==, model->len);
      if (i % 100 == 0)
        assert_rope_text (rope, model->str);
    }

  assert_rope_text (rope, model->str);

  {
    g_autoptr(PpRope) copy = pp_rope_copy (rope);

    assert_rope_text (copy, model->str);
    pp_rope_insert (copy, 0, "only in the copy", -1);
    assert_rope_text (rope, model->str);
  }
}

static void
test_rope_out_of_range (void)
{
  g_autoptr(PpRope) rope = pp_rope_new ("héllo", -1);
  char *range;

  g_test_expect_message ("pp-rope", G_LOG_LEVEL_CRITICAL, "*pos <= *");
  pp_rope_insert (rope, 6, "x", -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("pp-rope", G_LOG_LEVEL_CRITICAL, "*count <= length - pos*");
  pp_rope_delete (rope, 3, 3);
  g_test_assert_expected_messages ();

  g_test_expect_message ("pp-rope", G_LOG_LEVEL_CRITICAL, "*count <= length - pos*");
  range = pp_rope_dup_range (rope, 5, 1);
  g_test_assert_expected_messages ();
  g_assert_null (range);

  g_test_expect_message ("pp-rope", G_LOG_LEVEL_CRITICAL, "*pos <= length*");
  g_assert_false (pp_rope_range_equals (rope, 6, "", 0));
  g_test_assert_expected_messages ();

  /* Past the end by content, not by position: just FALSE. */
  g_assert_false (pp_rope_range_equals (rope, 5, "x", 1));
  g_assert_false (pp_rope_range_equals (rope, 4, "oo", 2));

  assert_rope_text (rope, "héllo");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/rope/empty", test_rope_empty);
  g_test_add_func ("/pp/rope/insert/edges", test_rope_insert_edges);
  g_test_add_func ("/pp/rope/insert/huge", test_rope_huge_insert);
  g_test_add_func ("/pp/rope/delete/edges", test_rope_delete_edges);
  g_test_add_func ("/pp/rope/delete/everything", test_rope_delete_everything_large);
  g_test_add_func ("/pp/rope/embedded-nul", test_rope_embedded_nul);
  g_test_add_func ("/pp/rope/build/large", test_rope_build_large);
  g_test_add_func ("/pp/rope/no-degradation", test_rope_no_degradation);
  g_test_add_func ("/pp/rope/random", test_rope_random);
  g_test_add_func ("/pp/rope/out-of-range", test_rope_out_of_range);

  return g_test_run ();
}
