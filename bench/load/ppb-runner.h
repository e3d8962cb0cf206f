/* ppb-runner.h: runs one scenario against a daemon and measures it.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ppb-result.h"
#include "ppb-scenario.h"

G_BEGIN_DECLS

typedef struct
{
  const char *url;              /* the daemon's base URL, http://HOST:PORT */
  double      duration_s;       /* of the measured phase; <= 0 for the scenario's default */
  double      warmup_s;
  GPid        server_pid;       /* 0: no CPU or RSS figures */
  guint32     seed;
  guint       max_handshakes;   /* connections being opened at once */
} PpbOptions;

PpbResult *ppb_runner_run (const PpbScenario *scenario,
                           const PpbOptions  *options);

G_END_DECLS
