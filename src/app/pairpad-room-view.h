/* pairpad-room-view.h: one room: the editor, its people, its language and its connection.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <pairpad.h>

#include "pairpad-completion-provider.h"
#include "pairpad-source-view.h"

G_BEGIN_DECLS

#define PAIRPAD_TYPE_ROOM_VIEW (pairpad_room_view_get_type ())

G_DECLARE_FINAL_TYPE (PairpadRoomView, pairpad_room_view, PAIRPAD, ROOM_VIEW, GtkWidget)

PairpadRoomView   *pairpad_room_view_new             (const char      *server,
                                                     const char      *room,
                                                     const char      *token);
void               pairpad_room_view_set_share_token (PairpadRoomView *self,
                                                     const char      *token);
const char        *pairpad_room_view_get_link        (PairpadRoomView *self);
const char        *pairpad_room_view_get_title       (PairpadRoomView *self);
void               pairpad_room_view_open_file       (PairpadRoomView *self);
void               pairpad_room_view_save_as         (PairpadRoomView *self);
PpClientSession   *pairpad_room_view_get_session     (PairpadRoomView *self);
PairpadSourceView *pairpad_room_view_get_source_view (PairpadRoomView *self);
PairpadCompletionProvider *
                   pairpad_room_view_get_completion_provider (PairpadRoomView *self);

G_END_DECLS
