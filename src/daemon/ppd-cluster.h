/* ppd-cluster.h: the daemons of a cluster telling each other what happened, over Redis.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

#include "ppd-config.h"
#include "ppd-metrics.h"

G_BEGIN_DECLS

#define PPD_TYPE_CLUSTER (ppd_cluster_get_type ())

G_DECLARE_FINAL_TYPE (PpdCluster, ppd_cluster, PPD, CLUSTER, GObject)

PpdCluster *ppd_cluster_new          (const PpdConfig *config,
                                      PpdMetrics      *metrics);
void        ppd_cluster_start        (PpdCluster      *self);
void        ppd_cluster_stop         (PpdCluster      *self);
gboolean    ppd_cluster_is_connected (PpdCluster      *self);
void        ppd_cluster_follow       (PpdCluster      *self,
                                      const char      *room);
void        ppd_cluster_unfollow     (PpdCluster      *self,
                                      const char      *room);
void        ppd_cluster_publish      (PpdCluster      *self,
                                      const char      *room,
                                      const PpMessage *message);
void        ppd_cluster_publish_control
                                     (PpdCluster      *self,
                                      const char      *room,
                                      const char      *word);

G_END_DECLS
