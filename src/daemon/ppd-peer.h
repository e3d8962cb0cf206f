/* ppd-peer.h: one WebSocket client: framing, limits, liveness and back-pressure.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <pairpad.h>

#include "ppd-config.h"
#include "ppd-metrics.h"

G_BEGIN_DECLS

/* Close codes of PROTOCOL.md. */
typedef enum
{
  PPD_CLOSE_GOING_AWAY = 1001,
  PPD_CLOSE_BAD_HELLO = 4400,
  PPD_CLOSE_FORBIDDEN = 4403,
  PPD_CLOSE_NOT_FOUND = 4404,
  PPD_CLOSE_VERSION = 4409,
  PPD_CLOSE_TOO_LARGE = 4413,
  PPD_CLOSE_RATE_LIMITED = 4429,
} PpdCloseCode;

#define PPD_TYPE_PEER (ppd_peer_get_type ())

G_DECLARE_FINAL_TYPE (PpdPeer, ppd_peer, PPD, PEER, GObject)

PpdPeer    *ppd_peer_new             (GIOStream               *stream,
                                      GSocket                 *socket,
                                      const PpdConfig         *config,
                                      PpdMetrics              *metrics,
                                      PpPoller               *poller);
const char *ppd_peer_get_address     (PpdPeer                 *self);
const char *ppd_peer_get_account_name (PpdPeer                *self);
void        ppd_peer_set_account_name (PpdPeer                *self,
                                      const char              *name);
gboolean    ppd_peer_is_open         (PpdPeer                 *self);
void        ppd_peer_start           (PpdPeer                 *self);
GBytes     *ppd_peer_frame_new       (const char              *json,
                                      gsize                    n_bytes);
void        ppd_peer_send_frame      (PpdPeer                 *self,
                                      GBytes                  *frame);
void        ppd_peer_send            (PpdPeer                 *self,
                                      const char              *json,
                                      gsize                    n_bytes);
void        ppd_peer_send_message    (PpdPeer                 *self,
                                      const PpMessage         *message);
void        ppd_peer_send_message_allowing
                                     (PpdPeer                 *self,
                                      const PpMessage         *message);
void        ppd_peer_send_error      (PpdPeer                 *self,
                                      PpProtocolError          code,
                                      const char              *message,
                                      gboolean                 has_seq,
                                      gint64                   seq);
void        ppd_peer_fail            (PpdPeer                 *self,
                                      PpProtocolError          code,
                                      const char              *message,
                                      PpdCloseCode             close_code);
void        ppd_peer_close           (PpdPeer                 *self,
                                      gushort                  code,
                                      const char              *reason);
void        ppd_peer_abort           (PpdPeer                 *self);
gboolean    ppd_peer_check_health    (PpdPeer                 *self);
gboolean    ppd_peer_check_hello     (PpdPeer                 *self);

G_END_DECLS
