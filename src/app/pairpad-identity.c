/* pairpad-identity.c: who you are in rooms: your name and color, from the settings.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-identity"

#include "config.h"

#include <pairpad.h>

#include "pairpad-identity.h"

/* The web client offers the same colors (frontend/src/identity.ts), chosen
 * to read well as carets and labels on light and dark backgrounds. */
static const char * const colors[] = {
  "#e5484d", "#f76b15", "#d6a100", "#30a46c", "#12a594",
  "#0090ff", "#3e63dd", "#8e4ec6", "#d6409f", "#8d7a5e",
  NULL
};

/* Returns: (transfer none): the colors to choose from, %NULL-terminated */
const char * const *
pairpad_identity_get_colors (void)
{
  return colors;
}

/**
 * pairpad_identity_clean_name:
 * @name: a name as typed
 *
 * Collapses runs of white space, trims, and cuts to the protocol's 64
 * characters, as the web client does.
 *
 * Returns: (transfer full) (nullable): the name, or %NULL if nothing is left
 */
char *
pairpad_identity_clean_name (const char *name)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  gboolean space = FALSE;
  guint n_chars = 0;

  g_return_val_if_fail (name != NULL, NULL);

  if (!g_utf8_validate (name, -1, NULL))
    return NULL;

  for (const char *p = name; *p != '\0' && n_chars < 64; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = clean->len > 0;
          continue;
        }
      if (space)
        {
          g_string_append_c (clean, ' ');
          n_chars++;
          space = FALSE;
          if (n_chars == 64)
            break;
        }
      g_string_append_unichar (clean, c);
      n_chars++;
    }

  if (clean->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&clean), FALSE);
}

/**
 * pairpad_identity_dup_name:
 * @settings: the app's settings
 *
 * Returns: (transfer full): the name others see: the one you chose, else
 *   your real name, else your login
 */
char *
pairpad_identity_dup_name (GSettings *settings)
{
  g_autofree char *chosen = NULL;
  char *name;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  chosen = g_settings_get_string (settings, "user-name");
  if ((name = pairpad_identity_clean_name (chosen)) != NULL)
    return name;

  /* GLib says "Unknown" when the account has no real name. */
  if (g_strcmp0 (g_get_real_name (), "Unknown") != 0 &&
      (name = pairpad_identity_clean_name (g_get_real_name ())) != NULL)
    return name;

  if ((name = pairpad_identity_clean_name (g_get_user_name ())) != NULL)
    return name;

  return g_strdup ("?");
}

/**
 * pairpad_identity_dup_color:
 * @settings: the app's settings
 *
 * Returns: (transfer full) (nullable): your color as "#rrggbb", or %NULL to
 *   let the server pick one
 */
char *
pairpad_identity_dup_color (GSettings *settings)
{
  g_autofree char *color = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  color = g_settings_get_string (settings, "user-color");
  if (!pp_protocol_color_is_valid (color))
    return NULL;

  return g_steal_pointer (&color);
}
