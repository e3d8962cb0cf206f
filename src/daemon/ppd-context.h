/* ppd-context.h: owns everything the daemon runs: settings, store, rooms, HTTP server.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ppd-address-limits.h"
#include "ppd-cluster-rooms.h"
#include "ppd-config.h"
#include "ppd-metrics.h"
#include "ppd-model-completion.h"
#include "ppd-room-registry.h"
#include "ppd-static.h"
#include "ppd-store.h"

G_BEGIN_DECLS

#define PPD_TYPE_CONTEXT (ppd_context_get_type ())

G_DECLARE_FINAL_TYPE (PpdContext, ppd_context, PPD, CONTEXT, GObject)

PpdContext      *ppd_context_new            (PpdConfig           *config,
                                             GError             **error);
const PpdConfig *ppd_context_get_config     (PpdContext          *self);
PpdStore        *ppd_context_get_store      (PpdContext          *self);
PpdRoomRegistry *ppd_context_get_registry   (PpdContext          *self);
PpdMetrics      *ppd_context_get_metrics    (PpdContext          *self);
PpdModelCompletion *ppd_context_get_model_completion
                                            (PpdContext          *self);
PpdClusterRooms *ppd_context_get_cluster    (PpdContext          *self);
PpPoller        *ppd_context_get_poller     (PpdContext          *self);
PpdAddressLimits *ppd_context_get_address_limits
                                            (PpdContext          *self);
SoupServer      *ppd_context_get_server     (PpdContext          *self);
PpdStatic       *ppd_context_get_web        (PpdContext          *self);
gboolean         ppd_context_is_stopping    (PpdContext          *self);

void             ppd_context_start_async    (PpdContext          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean         ppd_context_start_finish   (PpdContext          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
void             ppd_context_stop_async     (PpdContext          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean         ppd_context_stop_finish    (PpdContext          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
