/* pairpad-connection.h: the WebSocket that carries one PpClientSession, reconnecting with backoff.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

G_BEGIN_DECLS

typedef enum
{
  PAIRPAD_CONNECTION_CONNECTING,
  PAIRPAD_CONNECTION_ONLINE,
  PAIRPAD_CONNECTION_WAITING,   /* lost; the next attempt is scheduled */
  PAIRPAD_CONNECTION_FAILED,    /* will not retry: the room does not exist, or refused us */
} PairpadConnectionState;

/* The room protocol's close codes that end a connection for good. */
#define PAIRPAD_CLOSE_FORBIDDEN 4403
#define PAIRPAD_CLOSE_NOT_FOUND 4404

#define PAIRPAD_TYPE_CONNECTION (pairpad_connection_get_type ())

G_DECLARE_FINAL_TYPE (PairpadConnection, pairpad_connection, PAIRPAD, CONNECTION, GObject)

PairpadConnection      *pairpad_connection_new             (PpClientSession   *session,
                                                            const char        *ws_url);
void                    pairpad_connection_set_bearer      (PairpadConnection *self,
                                                            const char        *token);
void                    pairpad_connection_start           (PairpadConnection *self);
void                    pairpad_connection_retry_now       (PairpadConnection *self);
void                    pairpad_connection_reconnect       (PairpadConnection *self);
PairpadConnectionState  pairpad_connection_get_state       (PairpadConnection *self);
guint                   pairpad_connection_get_retry_delay (PairpadConnection *self);
guint                   pairpad_connection_get_close_code  (PairpadConnection *self);
guint                   pairpad_connection_next_delay_ms   (guint              attempt,
                                                            guint              jitter_percent);

G_END_DECLS
