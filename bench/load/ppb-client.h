/* ppb-client.h: one simulated user: a WebSocket carrying a PpClientSession, and a typist.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

#include "ppb-latency.h"

G_BEGIN_DECLS

#define PPB_TYPE_CLIENT (ppb_client_get_type ())

G_DECLARE_FINAL_TYPE (PpbClient, ppb_client, PPB, CLIENT, GObject)

PpbClient       *ppb_client_new              (PpPoller    *poller,
                                              const char  *ws_url,
                                              const char  *client_id,
                                              PpbLatency  *latency);
void             ppb_client_connect          (PpbClient   *self);
void             ppb_client_close            (PpbClient   *self);
void             ppb_client_start_typing     (PpbClient   *self,
                                              guint        interval_ms,
                                              guint32      seed);
void             ppb_client_stop_typing      (PpbClient   *self);
PpClientSession *ppb_client_get_session      (PpbClient   *self);
gboolean         ppb_client_is_joined        (PpbClient   *self);
gboolean         ppb_client_is_open          (PpbClient   *self);
gboolean         ppb_client_is_synced        (PpbClient   *self);
gint64           ppb_client_get_join_time    (PpbClient   *self);
const char      *ppb_client_get_error        (PpbClient   *self);

G_END_DECLS
