/* ppb-socket.h: a lean WebSocket client connection, thousands per process.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <pairpad.h>

G_BEGIN_DECLS

#define PPB_TYPE_SOCKET (ppb_socket_get_type ())

G_DECLARE_FINAL_TYPE (PpbSocket, ppb_socket, PPB, SOCKET, GObject)

PpbSocket *ppb_socket_new       (PpPoller     *poller,
                                 const char   *ws_url,
                                 const char   *protocol);
void       ppb_socket_open      (PpbSocket    *self);
void       ppb_socket_send_text (PpbSocket    *self,
                                 const char   *text,
                                 gsize         n_bytes);
void       ppb_socket_close     (PpbSocket    *self,
                                 gushort       code);
gboolean   ppb_socket_is_open   (PpbSocket    *self);

G_END_DECLS
