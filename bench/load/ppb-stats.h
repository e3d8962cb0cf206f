/* ppb-stats.h: latency samples and their percentiles.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PpbStats PpbStats;

PpbStats  *ppb_stats_new             (void);
void       ppb_stats_free            (PpbStats *self);
void       ppb_stats_add             (PpbStats *self,
                                      gint64    sample_us);
guint      ppb_stats_get_n_samples   (PpbStats *self);
double     ppb_stats_get_percentile  (PpbStats *self,
                                      double    percent);
double     ppb_stats_get_max         (PpbStats *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpbStats, ppb_stats_free)

G_END_DECLS
