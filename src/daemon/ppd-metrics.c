/* ppd-metrics.c: counters and histograms of the daemon, served as Prometheus text.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-metrics"

#include "config.h"

#include "ppd-metrics.h"

/* Upper bounds of the commit latency buckets, in seconds. */
static const double commit_buckets[] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
};

#define N_ERROR_CODES (PP_PROTOCOL_ERROR_RATE_LIMITED + 1)

struct _PpdMetrics
{
  guint64     ops_applied;
  guint64     commits;
  guint64     commit_failures;
  guint64     commit_conflicts;
  guint64     remote_entries;
  int         cluster_up;       /* -1: no cluster */
  guint64     committed_entries;
  guint64     commit_bucket_counts[G_N_ELEMENTS (commit_buckets)];
  double      commit_seconds_sum;
  guint64     errors[N_ERROR_CODES];
  guint64     frames_received;
  guint64     frames_sent;
  GHashTable *dropped;     /* reason → guint64* */
  guint64     model_requests;
  GHashTable *fallbacks;   /* reason → guint64* */
};

/* Shown from the start, so that a rate can be taken before the first one. */
static const char * const fallback_reasons[] = {
  "timeout", "error", "malformed", "rate_limited",
};

PpdMetrics *
ppd_metrics_new (void)
{
  PpdMetrics *self = g_new0 (PpdMetrics, 1);

  self->cluster_up = -1;
  self->dropped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->fallbacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fallback_reasons); i++)
    g_hash_table_insert (self->fallbacks, g_strdup (fallback_reasons[i]), g_new0 (guint64, 1));
  return self;
}

void
ppd_metrics_free (PpdMetrics *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->dropped);
  g_hash_table_unref (self->fallbacks);
  g_free (self);
}

void
ppd_metrics_add_ops_applied (PpdMetrics *self,
                             guint       n)
{
  self->ops_applied += n;
}

void
ppd_metrics_observe_commit (PpdMetrics *self,
                            gint64      duration_us,
                            guint       n_entries)
{
  double seconds = duration_us / (double) G_USEC_PER_SEC;

  self->commits++;
  self->committed_entries += n_entries;
  self->commit_seconds_sum += seconds;
  for (guint i = 0; i < G_N_ELEMENTS (commit_buckets); i++)
    if (seconds <= commit_buckets[i])
      self->commit_bucket_counts[i]++;
}

void
ppd_metrics_count_error (PpdMetrics      *self,
                         PpProtocolError  code)
{
  if ((guint) code < N_ERROR_CODES)
    self->errors[code]++;
}

void
ppd_metrics_count_commit_failure (PpdMetrics *self)
{
  self->commit_failures++;
}

void
ppd_metrics_count_commit_conflict (PpdMetrics *self)
{
  self->commit_conflicts++;
}

void
ppd_metrics_add_remote_entries (PpdMetrics *self,
                                guint       n)
{
  self->remote_entries += n;
}

/* @up: whether this daemon hears the cluster (Redis), -1 when alone. */
void
ppd_metrics_set_cluster_up (PpdMetrics *self,
                            int         up)
{
  self->cluster_up = up;
}

static void
count_reason (GHashTable *table,
              const char *reason)
{
  guint64 *count = g_hash_table_lookup (table, reason);

  if (count == NULL)
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_strdup (reason), count);
    }
  (*count)++;
}

void
ppd_metrics_count_dropped (PpdMetrics *self,
                           const char *reason)
{
  count_reason (self->dropped, reason);
}

/* A request sent to the completion model (cache hits are not). */
void
ppd_metrics_count_model_request (PpdMetrics *self)
{
  self->model_requests++;
}

/* A completion answered by the built-in provider alone although a model is set. */
void
ppd_metrics_count_completion_fallback (PpdMetrics *self,
                                       const char *reason)
{
  count_reason (self->fallbacks, reason);
}

void
ppd_metrics_add_frames (PpdMetrics *self,
                        guint       received,
                        guint       sent)
{
  self->frames_received += received;
  self->frames_sent += sent;
}

char *
ppd_metrics_render (PpdMetrics *self,
                    guint       n_rooms,
                    guint       n_connections,
                    gboolean    store_available)
{
  GString *out = g_string_new (NULL);
  GHashTableIter iter;
  const char *reason;
  guint64 *count;

#define METRIC(name, type, help) \
  g_string_append (out, "# HELP " name " " help "\n# TYPE " name " " type "\n")

  METRIC ("pairpad_rooms", "gauge", "Rooms loaded in memory.");
  g_string_append_printf (out, "pairpad_rooms %u\n", n_rooms);
  METRIC ("pairpad_connections", "gauge", "Open WebSocket sessions.");
  g_string_append_printf (out, "pairpad_connections %u\n", n_connections);
  METRIC ("pairpad_store_up", "gauge", "1 when the last store job reached the database.");
  g_string_append_printf (out, "pairpad_store_up %d\n", store_available ? 1 : 0);
  METRIC ("pairpad_ops_applied_total", "counter", "Ops applied to rooms.");
  g_string_append_printf (out, "pairpad_ops_applied_total %" G_GUINT64_FORMAT "\n",
                          self->ops_applied);
  METRIC ("pairpad_frames_received_total", "counter", "WebSocket frames received.");
  g_string_append_printf (out, "pairpad_frames_received_total %" G_GUINT64_FORMAT "\n",
                          self->frames_received);
  METRIC ("pairpad_frames_sent_total", "counter", "WebSocket frames sent.");
  g_string_append_printf (out, "pairpad_frames_sent_total %" G_GUINT64_FORMAT "\n",
                          self->frames_sent);
  METRIC ("pairpad_committed_ops_total", "counter", "Log entries committed to the store.");
  g_string_append_printf (out, "pairpad_committed_ops_total %" G_GUINT64_FORMAT "\n",
                          self->committed_entries);
  METRIC ("pairpad_commit_failures_total", "counter", "Group commits the store refused.");
  g_string_append_printf (out, "pairpad_commit_failures_total %" G_GUINT64_FORMAT "\n",
                          self->commit_failures);
  if (self->cluster_up >= 0)
    {
      METRIC ("pairpad_cluster_up", "gauge", "1 while this daemon hears the others (Redis).");
      g_string_append_printf (out, "pairpad_cluster_up %d\n", self->cluster_up);
      METRIC ("pairpad_commit_conflicts_total", "counter",
              "Rooms whose commit another daemon's came before.");
      g_string_append_printf (out, "pairpad_commit_conflicts_total %" G_GUINT64_FORMAT "\n",
                              self->commit_conflicts);
      METRIC ("pairpad_remote_ops_total", "counter", "Log entries other daemons stored, taken in.");
      g_string_append_printf (out, "pairpad_remote_ops_total %" G_GUINT64_FORMAT "\n",
                              self->remote_entries);
    }

  METRIC ("pairpad_commit_duration_seconds", "histogram",
          "Time from queueing a group commit to its completion.");
  for (guint i = 0; i < G_N_ELEMENTS (commit_buckets); i++)
    g_string_append_printf (out, "pairpad_commit_duration_seconds_bucket{le=\"%g\"} %"
                            G_GUINT64_FORMAT "\n", commit_buckets[i],
                            self->commit_bucket_counts[i]);
  g_string_append_printf (out, "pairpad_commit_duration_seconds_bucket{le=\"+Inf\"} %"
                          G_GUINT64_FORMAT "\n", self->commits);
  g_string_append_printf (out, "pairpad_commit_duration_seconds_sum %.6f\n",
                          self->commit_seconds_sum);
  g_string_append_printf (out, "pairpad_commit_duration_seconds_count %" G_GUINT64_FORMAT "\n",
                          self->commits);

  METRIC ("pairpad_errors_total", "counter", "Error frames and responses sent, by code.");
  for (guint i = 0; i < N_ERROR_CODES; i++)
    g_string_append_printf (out, "pairpad_errors_total{code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            pp_protocol_error_code_to_string (i), self->errors[i]);

  METRIC ("pairpad_dropped_connections_total", "counter",
          "Sessions the daemon closed, by reason.");
  g_hash_table_iter_init (&iter, self->dropped);
  while (g_hash_table_iter_next (&iter, (gpointer *) &reason, (gpointer *) &count))
    g_string_append_printf (out, "pairpad_dropped_connections_total{reason=\"%s\"} %"
                            G_GUINT64_FORMAT "\n", reason, *count);

  METRIC ("pairpad_completion_model_requests_total", "counter",
          "Requests sent to the completion model.");
  g_string_append_printf (out, "pairpad_completion_model_requests_total %" G_GUINT64_FORMAT "\n",
                          self->model_requests);
  METRIC ("pairpad_completion_fallbacks_total", "counter",
          "Completions answered without the model, by reason.");
  g_hash_table_iter_init (&iter, self->fallbacks);
  while (g_hash_table_iter_next (&iter, (gpointer *) &reason, (gpointer *) &count))
    g_string_append_printf (out, "pairpad_completion_fallbacks_total{reason=\"%s\"} %"
                            G_GUINT64_FORMAT "\n", reason, *count);
#undef METRIC

  return g_string_free (out, FALSE);
}
