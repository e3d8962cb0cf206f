/* ppb-result.h: the numbers of one run, as the shared JSON format and for a person.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* NAN (doubles) and -1 (integers) are JSON null. */
typedef struct
{
  char     *scenario;
  guint     clients;
  guint     rooms;
  double    duration_s;
  guint64   ops_sent;
  guint64   ops_acked;
  double    acked_per_s;
  double    latency_p50_ms;
  double    latency_p95_ms;
  double    latency_p99_ms;
  double    latency_max_ms;
  guint     latency_samples;
  double    server_cpu_pct;
  double    server_cpu_us_per_op;
  gint64    server_rss_kib;
  double    rss_per_conn_kib;
  double    welcome_ms;
  double    client_cpu_pct;       /* extension: this process, over the measured phase */
  gboolean  converged;
  char     *error;                /* (nullable) */
} PpbResult;

PpbResult *ppb_result_new       (const char *scenario);
void       ppb_result_free      (PpbResult  *self);
void       ppb_result_set_error (PpbResult  *self,
                                 const char *format,
                                 ...) G_GNUC_PRINTF (2, 3);
char      *ppb_result_to_json   (PpbResult  *self);
char      *ppb_result_to_text   (PpbResult  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpbResult, ppb_result_free)

G_END_DECLS
