/* ppb-scenario.c: the load scenarios shared with the other servers' load driver.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-scenario"

#include "config.h"

#include <string.h>

#include "ppb-scenario.h"

/* These rows are the shared result format's definitions; the Node driver
 * for ShareDB and y-websocket runs the same ones, so change both or
 * neither. In the descriptions "~" is a space --help does not break. */
static const PpbScenario scenarios[] = {
  {
    "pair", 1, 2, 2, 20, 10.0, 0, FALSE, FALSE,
    "1 room, 2~clients, each types one character every 20~ms at a random "
    "place. The latency of two people pairing.",
  },
  {
    "classroom", 1, 50, 5, 50, 10.0, 0, FALSE, FALSE,
    "1 room, 50~clients; 5 of them type one character every 50~ms and "
    "everyone receives. Fan-out: each op is one sample per receiver.",
  },
  {
    "rooms", 200, 2, 2, 200, 10.0, 0, FALSE, FALSE,
    "200~rooms of 2~clients, each typing one character every 200~ms. Many "
    "quiet rooms: CPU per connection and group commits across rooms.",
  },
  {
    "saturation", 1, 4, 4, 0, 20.0, 0, FALSE, FALSE,
    "1 room, 4~clients in lock-step: each sends its next one-character op "
    "the moment the previous one is acked, so every keystroke is its own "
    "protocol op. Throughput, and server CPU time per acked op.",
  },
  {
    "idle", 5000, 2, 0, 0, 5.0, 0, TRUE, FALSE,
    "10,000~idle clients in 5,000~rooms, opened --handshakes at a time "
    "and held for the duration; all must stay connected. Server memory "
    "per connection (RSS after connecting minus before, per client).",
  },
  {
    "bigdoc", 1, 2, 2, 20, 10.0, 10 * 1024 * 1024, FALSE, TRUE,
    "1 room created with 10~MiB of text, 2~clients typing as in pair; "
    "afterwards, the time a new client takes from connecting to having "
    "the whole document (median of 3 newcomers).",
  },
};

const PpbScenario *
ppb_scenario_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      if (g_strcmp0 (scenarios[i].name, name) == 0)
        return &scenarios[i];
    }

  return NULL;
}

/* "pair, classroom, …": for error messages. */
char *
ppb_scenario_dup_names (void)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", scenarios[i].name);

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The scenario part of --help, wrapped at 79 columns. */
char *
ppb_scenario_dup_help (void)
{
  g_autoptr(GString) help = g_string_new ("Scenarios (--scenario NAME; default duration of the "
                                          "measured phase):\n");

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_auto(GStrv) words = g_strsplit (scenarios[i].description, " ", -1);
      g_autofree char *head = g_strdup_printf ("  %-10s (%g s)", scenarios[i].name,
                                               scenarios[i].duration_s);
      gsize column = strlen (head);

      g_string_append (help, head);
      for (guint w = 0; words[w] != NULL; w++)
        {
          gsize length = strlen (words[w]);

          if (column + 1 + length > 79)
            {
              g_string_append (help, "\n               ");
              column = 15;
            }
          else
            {
              g_string_append_c (help, ' ');
              column++;
            }
          for (const char *c = words[w]; *c != '\0'; c++)
            g_string_append_c (help, *c == '~' ? ' ' : *c);
          column += length;
        }
      g_string_append_c (help, '\n');
    }

  return g_string_free (g_steal_pointer (&help), FALSE);
}
