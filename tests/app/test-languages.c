/* test-languages.c: the Monaco ↔ GtkSourceView language id mapping.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-languages"

#include "config.h"

#include "pairpad-languages.h"

typedef struct
{
  const char *wire;
  const char *normalized;
  const char *source_id;
} Case;

static const Case cases[] = {
  { "python", "python", "python3" },
  { "Python", "python", "python3" },
  { "py", "python", "python3" },
  { "javascript", "javascript", "js" },
  { "csharp", "csharp", "c-sharp" },
  { "c-sharp", "csharp", "c-sharp" },
  { "shell", "shell", "sh" },
  { "bash", "shell", "sh" },
  { "cpp", "cpp", "cpp" },
  { "c++", "cpp", "cpp" },
  { "dockerfile", "dockerfile", "docker" },
  { "objective-c", "objective-c", "objc" },
  { "plaintext", "plaintext", NULL },
  { "graphql", "graphql", NULL },
  { "klingon", "plaintext", NULL },
  { "", "plaintext", NULL },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;

  g_assert_cmpstr (pairpad_languages_normalize (c->wire), ==, c->normalized);
  g_assert_cmpstr (pairpad_languages_to_source_id (c->wire), ==, c->source_id);
}

static void
test_null (void)
{
  g_assert_cmpint (pairpad_languages_find (NULL), ==, -1);
  g_assert_cmpstr (pairpad_languages_normalize (NULL), ==, "plaintext");
  g_assert_null (pairpad_languages_to_source_id (NULL));
  g_assert_cmpstr (pairpad_languages_from_source_id (NULL), ==, "plaintext");
}

/* Every language with a GtkSourceView id maps back to itself, and the list
 * starts with plain text (the dropdown's default). */
static void
test_round_trip (void)
{
  g_assert_cmpstr (pairpad_languages_get_nth (0)->id, ==, "plaintext");

  for (guint i = 0; i < pairpad_languages_get_n_items (); i++)
    {
      const PairpadLanguage *language = pairpad_languages_get_nth (i);

      g_assert_cmpint (pairpad_languages_find (language->id), ==, i);
      if (language->source_id != NULL)
        g_assert_cmpstr (pairpad_languages_from_source_id (language->source_id), ==, language->id);
    }

  g_assert_cmpstr (pairpad_languages_from_source_id ("chdr"), ==, "c");
  g_assert_cmpstr (pairpad_languages_from_source_id ("python"), ==, "python");
  g_assert_cmpstr (pairpad_languages_from_source_id ("vala"), ==, "plaintext");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pairpad/languages/case/%s",
                                               *cases[i].wire ? cases[i].wire : "empty");

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/pairpad/languages/null", test_null);
  g_test_add_func ("/pairpad/languages/round-trip", test_round_trip);

  return g_test_run ();
}
