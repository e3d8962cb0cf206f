/* ppd-cluster-rooms.h: keeps this daemon's rooms in step with the other daemons of a cluster.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ppd-cluster.h"
#include "ppd-room-registry.h"

G_BEGIN_DECLS

#define PPD_TYPE_CLUSTER_ROOMS (ppd_cluster_rooms_get_type ())

G_DECLARE_FINAL_TYPE (PpdClusterRooms, ppd_cluster_rooms, PPD, CLUSTER_ROOMS, GObject)

PpdClusterRooms *ppd_cluster_rooms_new          (const PpdConfig *config,
                                                 PpdRoomRegistry *registry,
                                                 PpdStore        *store,
                                                 PpdMetrics      *metrics);
void             ppd_cluster_rooms_stop         (PpdClusterRooms *self);
gboolean         ppd_cluster_rooms_is_connected (PpdClusterRooms *self);
void             ppd_cluster_rooms_tell_access_changed
                                                (PpdClusterRooms *self,
                                                 const char      *room);
void             ppd_cluster_rooms_tell_deleted (PpdClusterRooms *self,
                                                 const char      *room);

G_END_DECLS
