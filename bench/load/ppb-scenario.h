/* ppb-scenario.h: the load scenarios shared with the other servers' load driver.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Constant data: one row per scenario of the shared result format. */
typedef struct
{
  const char *name;
  guint       n_rooms;
  guint       clients_per_room;
  guint       typists_per_room;
  guint       interval_ms;        /* between keystrokes; 0 = lock-step on acks */
  double      duration_s;         /* default length of the measured phase */
  gsize       initial_bytes;      /* text each room is created with */
  gboolean    measure_rss;        /* idle: server RSS per connection */
  gboolean    measure_welcome;    /* bigdoc: time for a newcomer to get the document */
  const char *description;        /* for --help */
} PpbScenario;

const PpbScenario *ppb_scenario_lookup       (const char *name);
char              *ppb_scenario_dup_help     (void);
char              *ppb_scenario_dup_names    (void);

G_END_DECLS
