/* test-completion.c: what the built-in completions offer, and in which order.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-completion"

#include "config.h"

#include <string.h>

#include "test-utils.h"

/* The labels offered with the cursor at the "|" of @marked. */
static GPtrArray *
suggest (const char *marked,
         const char *language,
         gsize      *prefix_length)
{
  const char *bar = strchr (marked, '|');
  g_autoptr(GString) text = g_string_new_len (marked, bar - marked);
  gsize position = g_utf8_strlen (marked, bar - marked);

  g_string_append (text, bar + 1);
  return pp_completion_suggest (text->str, position, language, 10, prefix_length);
}

static const char *
label_at (GPtrArray *items,
          guint      index)
{
  g_assert_cmpuint (index, <, items->len);
  return ((PpCompletionItem *) g_ptr_array_index (items, index))->label;
}

static gboolean
offers (GPtrArray  *items,
        const char *label)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (label_at (items, i), label))
      return TRUE;
  return FALSE;
}

/* Words of the document: the word being typed itself is not offered, a
 * frequent one ranks above a rare one, and one near the cursor above a far
 * one used as often. */
static void
test_words (void)
{
  gsize prefix_length = 0;
  g_autoptr(GPtrArray) items = suggest ("counter = 0\ncountdown = 1\ncounter += 1\ncounter -= 1\n"
                                        "print (cou|)\n", "python", &prefix_length);
  g_autoptr(GPtrArray) near = NULL;

  g_assert_cmpuint (prefix_length, ==, 3);
  g_assert_cmpstr (label_at (items, 0), ==, "counter");
  g_assert_true (offers (items, "countdown"));
  g_assert_false (offers (items, "cou"));
  g_assert_cmpuint (((PpCompletionItem *) g_ptr_array_index (items, 0))->kind, ==,
                    PP_COMPLETION_WORD);

  near = suggest ("alpha_far = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n" "x = 1\n"
                  "alpha_near = 2\nal|", NULL, NULL);
  g_assert_cmpstr (label_at (near, 0), ==, "alpha_near");
  g_assert_cmpstr (label_at (near, 1), ==, "alpha_far");
}

/* Keywords and snippets of the room's language; a capital in the prefix
 * asks for that case, a lower-case prefix matches any. */
static void
test_language (void)
{
  g_autoptr(GPtrArray) python = suggest ("whi|", "python", NULL);
  g_autoptr(GPtrArray) c = suggest ("int x;\nfo|", "c", NULL);
  g_autoptr(GPtrArray) exact = suggest ("Value value VALUE\nVa|", NULL, NULL);
  g_autoptr(GPtrArray) any = suggest ("Value value VALUE\nva|", NULL, NULL);
  PpCompletionItem *snippet = NULL;

  g_assert_true (offers (python, "while"));
  g_assert_true (offers (c, "for"));
  for (guint i = 0; i < c->len; i++)
    if (((PpCompletionItem *) g_ptr_array_index (c, i))->kind == PP_COMPLETION_SNIPPET)
      snippet = g_ptr_array_index (c, i);
  g_assert_nonnull (snippet);
  g_assert_true (g_str_has_prefix (snippet->insert, "for (int i = 0;"));

  g_assert_true (offers (exact, "Value"));
  g_assert_false (offers (exact, "value"));
  g_assert_cmpstr (label_at (any, 0), ==, "value");
  g_assert_true (offers (any, "Value") && offers (any, "VALUE"));
}

/* Nothing to complete: after a space, at the start, past the end. */
static void
test_nothing (void)
{
  gsize prefix_length = 99;
  g_autoptr(GPtrArray) space = suggest ("alpha |", "c", &prefix_length);
  g_autoptr(GPtrArray) start = suggest ("|alpha", "c", NULL);
  g_autoptr(GPtrArray) beyond = pp_completion_suggest ("ab abc", 1000, "c", 5, NULL);

  g_assert_cmpuint (space->len, ==, 0);
  g_assert_cmpuint (prefix_length, ==, 0);
  g_assert_cmpuint (start->len, ==, 0);
  /* Clamped to the end: "abc" is typed, and nothing longer starts so. */
  g_assert_cmpuint (beyond->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/completion/words", test_words);
  g_test_add_func ("/pp/completion/language", test_language);
  g_test_add_func ("/pp/completion/nothing", test_nothing);

  return g_test_run ();
}
