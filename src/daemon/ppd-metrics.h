/* ppd-metrics.h: counters and histograms of the daemon, served as Prometheus text.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

G_BEGIN_DECLS

/* Main thread only. */
typedef struct _PpdMetrics PpdMetrics;

PpdMetrics *ppd_metrics_new                  (void);
void        ppd_metrics_free                 (PpdMetrics      *self);

void        ppd_metrics_add_ops_applied      (PpdMetrics      *self,
                                              guint            n);
void        ppd_metrics_observe_commit       (PpdMetrics      *self,
                                              gint64           duration_us,
                                              guint            n_entries);
void        ppd_metrics_count_error          (PpdMetrics      *self,
                                              PpProtocolError  code);
void        ppd_metrics_count_commit_failure (PpdMetrics      *self);
void        ppd_metrics_count_commit_conflict
                                             (PpdMetrics      *self);
void        ppd_metrics_add_remote_entries   (PpdMetrics      *self,
                                              guint            n);
void        ppd_metrics_set_cluster_up       (PpdMetrics      *self,
                                              int              up);
void        ppd_metrics_count_dropped        (PpdMetrics      *self,
                                              const char      *reason);
void        ppd_metrics_add_frames           (PpdMetrics      *self,
                                              guint            received,
                                              guint            sent);
void        ppd_metrics_count_model_request  (PpdMetrics      *self);
void        ppd_metrics_count_completion_fallback
                                             (PpdMetrics      *self,
                                              const char      *reason);
char       *ppd_metrics_render               (PpdMetrics      *self,
                                              guint            n_rooms,
                                              guint            n_connections,
                                              gboolean         store_available);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdMetrics, ppd_metrics_free)

G_END_DECLS
