/* ppb-stats.c: latency samples and their percentiles.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-stats"

#include "config.h"

#include <math.h>

#include "ppb-stats.h"

/* Every sample is kept (a 20 s run at a few thousand ops per second is a
 * few hundred KiB), so percentiles are exact, not estimated from buckets.
 * Samples are microseconds of g_get_monotonic_time(); results are in ms,
 * NAN when there is no sample. */

struct _PpbStats
{
  GArray   *samples;   /* gint64, µs */
  gboolean  sorted;
};

static gint
compare_samples (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
ensure_sorted (PpbStats *self)
{
  if (self->sorted)
    return;

  g_array_sort (self->samples, compare_samples);
  self->sorted = TRUE;
}

PpbStats *
ppb_stats_new (void)
{
  PpbStats *self = g_new0 (PpbStats, 1);

  self->samples = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 4096);
  self->sorted = TRUE;

  return self;
}

void
ppb_stats_free (PpbStats *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->samples);
  g_free (self);
}

void
ppb_stats_add (PpbStats *self,
               gint64    sample_us)
{
  g_return_if_fail (self != NULL);

  g_array_append_val (self->samples, sample_us);
  self->sorted = FALSE;
}

guint
ppb_stats_get_n_samples (PpbStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->samples->len;
}

/* Nearest rank: the smallest sample with at least @percent % of the
 * samples at or below it. */
double
ppb_stats_get_percentile (PpbStats *self,
                          double    percent)
{
  guint rank;

  g_return_val_if_fail (self != NULL, NAN);
  g_return_val_if_fail (percent > 0 && percent <= 100, NAN);

  if (self->samples->len == 0)
    return NAN;

  ensure_sorted (self);
  rank = (guint) ceil (percent / 100.0 * self->samples->len);
  rank = CLAMP (rank, 1, self->samples->len);

  return g_array_index (self->samples, gint64, rank - 1) / 1000.0;
}

double
ppb_stats_get_max (PpbStats *self)
{
  return ppb_stats_get_percentile (self, 100);
}
