/* test-identity.c: your name and color in rooms, as the settings give them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-identity"

#include "config.h"

#include <pairpad.h>

#include "pairpad-identity.h"

static void
test_clean_name (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Ada", "Ada" },
    { "  Ada   Lovelace \n", "Ada Lovelace" },
    { "Ada\tLovelace", "Ada Lovelace" },
    { "Zoë 😀", "Zoë 😀" },
    { "", NULL },
    { " \t\n ", NULL },
    { "\x01\x02", NULL },
    { "bad \xff utf-8", NULL },
  };
  g_autofree char *long_name = NULL;
  g_autofree char *cut = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = pairpad_identity_clean_name (cases[i].in);

      g_assert_cmpstr (clean, ==, cases[i].out);
    }

  /* The protocol takes 1 to 64 characters, not bytes. */
  long_name = g_strnfill (100, 'x');
  cut = pairpad_identity_clean_name (long_name);
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, 64);
  g_clear_pointer (&cut, g_free);
  g_clear_pointer (&long_name, g_free);
  long_name = g_strjoinv ("", (char *[]) { "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
                                           "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
                                           "😀😀", NULL });
  cut = pairpad_identity_clean_name (long_name);
  g_assert_cmpint (g_utf8_strlen (cut, -1), ==, 64);
  g_assert_true (g_utf8_validate (cut, -1, NULL));
}

static void
test_colors (void)
{
  const char * const *colors = pairpad_identity_get_colors ();
  guint n = 0;

  for (; colors[n] != NULL; n++)
    g_assert_true (pp_protocol_color_is_valid (colors[n]));
  g_assert_cmpuint (n, >=, 8);
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("io.github.pairpad.Pairpad");
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;

  /* Nothing chosen: the account's name, and the server picks a color. */
  g_settings_reset (settings, "user-name");
  g_settings_reset (settings, "user-color");
  name = pairpad_identity_dup_name (settings);
  g_assert_nonnull (name);
  g_assert_cmpint (g_utf8_strlen (name, -1), >=, 1);
  g_assert_cmpint (g_utf8_strlen (name, -1), <=, 64);
  g_assert_null (pairpad_identity_dup_color (settings));

  g_settings_set_string (settings, "user-name", "  Grace   Hopper ");
  g_settings_set_string (settings, "user-color", "#30a46c");
  g_clear_pointer (&name, g_free);
  name = pairpad_identity_dup_name (settings);
  color = pairpad_identity_dup_color (settings);
  g_assert_cmpstr (name, ==, "Grace Hopper");
  g_assert_cmpstr (color, ==, "#30a46c");

  /* A hand-edited value the protocol would refuse is ignored. */
  g_settings_set_string (settings, "user-color", "red");
  g_clear_pointer (&color, g_free);
  color = pairpad_identity_dup_color (settings);
  g_assert_null (color);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pairpad/identity/clean-name", test_clean_name);
  g_test_add_func ("/pairpad/identity/colors", test_colors);
  g_test_add_func ("/pairpad/identity/settings", test_settings);

  return g_test_run ();
}
