/* ppb-latency.h: matches each op a client sends with its arrival at the other clients.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "ppb-stats.h"

G_BEGIN_DECLS

typedef struct _PpbLatency PpbLatency;

PpbLatency *ppb_latency_new              (void);
void        ppb_latency_free             (PpbLatency *self);
void        ppb_latency_start_window     (PpbLatency *self,
                                          gint64      now);
void        ppb_latency_end_window       (PpbLatency *self,
                                          gint64      now);
void        ppb_latency_sent             (PpbLatency *self,
                                          const char *client,
                                          gint64      seq,
                                          gint64      now);
void        ppb_latency_acked            (PpbLatency *self,
                                          gint64      now);
void        ppb_latency_received         (PpbLatency *self,
                                          const char *client,
                                          gint64      seq,
                                          gint64      now);
guint64     ppb_latency_get_ops_sent     (PpbLatency *self);
guint64     ppb_latency_get_ops_acked    (PpbLatency *self);
guint64     ppb_latency_get_n_unmatched  (PpbLatency *self);
PpbStats   *ppb_latency_get_stats        (PpbLatency *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpbLatency, ppb_latency_free)

G_END_DECLS
