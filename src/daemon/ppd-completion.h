/* ppd-completion.h: completions for a place in a room's text, over REST and the WebSocket.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ppd-context.h"
#include "ppd-peer.h"

G_BEGIN_DECLS

void ppd_completion_handle       (PpdContext        *context,
                                  SoupServerMessage *msg,
                                  PpdRoom           *room);
void ppd_completion_handle_frame (PpdContext        *context,
                                  PpdRoom           *room,
                                  PpdPeer           *peer,
                                  const char        *client,
                                  const PpMessage   *message);

G_END_DECLS
