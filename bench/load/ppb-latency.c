/* ppb-latency.c: matches each op a client sends with its arrival at the other clients.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-latency"

#include "config.h"

#include "ppb-latency.h"

/* The daemon's op broadcast names the author's client id and seq, and seqs
 * count up from 1 per client, so the send time of every op is kept in an
 * array per client indexed by seq. All clients live in this one process
 * and read the same monotonic clock.
 *
 * Only ops sent inside the measured window count: as ops_sent, and as one
 * latency sample per receiving client, even when it arrives after the
 * window closed (so the slowest ops at the end are not left out). Acks
 * count when they arrive inside the window. */

struct _PpbLatency
{
  GHashTable *sent;          /* client id → GArray of gint64 send times, by seq */
  PpbStats   *stats;
  gint64      window_start;
  gint64      window_end;
  guint64     n_sent;
  guint64     n_acked;
  guint64     n_unmatched;   /* received ops with no known send time: a bug */
};

static gboolean
in_window (PpbLatency *self,
           gint64      time)
{
  return time >= self->window_start && time < self->window_end;
}

PpbLatency *
ppb_latency_new (void)
{
  PpbLatency *self = g_new0 (PpbLatency, 1);

  self->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_array_unref);
  self->stats = ppb_stats_new ();
  /* Closed until the warm-up is over. */
  self->window_start = G_MAXINT64;
  self->window_end = G_MAXINT64;

  return self;
}

void
ppb_latency_free (PpbLatency *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->sent);
  ppb_stats_free (self->stats);
  g_free (self);
}

void
ppb_latency_start_window (PpbLatency *self,
                          gint64      now)
{
  g_return_if_fail (self != NULL);

  self->window_start = now;
  self->window_end = G_MAXINT64;
}

void
ppb_latency_end_window (PpbLatency *self,
                        gint64      now)
{
  g_return_if_fail (self != NULL);

  self->window_end = now;
}

void
ppb_latency_sent (PpbLatency *self,
                  const char *client,
                  gint64      seq,
                  gint64      now)
{
  GArray *times;

  g_return_if_fail (self != NULL);
  g_return_if_fail (seq > 0);

  times = g_hash_table_lookup (self->sent, client);
  if (times == NULL)
    {
      times = g_array_new (FALSE, TRUE, sizeof (gint64));
      g_hash_table_insert (self->sent, g_strdup (client), times);
    }

  if ((gint64) times->len <= seq)
    g_array_set_size (times, seq + 1);
  /* A resent op (same seq) keeps its first send time. */
  if (g_array_index (times, gint64, seq) == 0)
    g_array_index (times, gint64, seq) = now;

  if (in_window (self, now))
    self->n_sent++;
}

void
ppb_latency_acked (PpbLatency *self,
                   gint64      now)
{
  g_return_if_fail (self != NULL);

  if (in_window (self, now))
    self->n_acked++;
}

void
ppb_latency_received (PpbLatency *self,
                      const char *client,
                      gint64      seq,
                      gint64      now)
{
  GArray *times;
  gint64 sent_at;

  g_return_if_fail (self != NULL);

  times = g_hash_table_lookup (self->sent, client);
  if (times == NULL || seq <= 0 || seq >= (gint64) times->len ||
      (sent_at = g_array_index (times, gint64, seq)) == 0)
    {
      self->n_unmatched++;
      return;
    }

  if (in_window (self, sent_at))
    ppb_stats_add (self->stats, now - sent_at);
}

guint64
ppb_latency_get_ops_sent (PpbLatency *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_sent;
}

guint64
ppb_latency_get_ops_acked (PpbLatency *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_acked;
}

guint64
ppb_latency_get_n_unmatched (PpbLatency *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_unmatched;
}

PpbStats *
ppb_latency_get_stats (PpbLatency *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->stats;
}
