/* pairpad-window.h: a top-level window: the start page, then one room.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pairpad-application.h"
#include "pairpad-room-view.h"

G_BEGIN_DECLS

#define PAIRPAD_TYPE_WINDOW (pairpad_window_get_type ())

G_DECLARE_FINAL_TYPE (PairpadWindow, pairpad_window, PAIRPAD, WINDOW, AdwApplicationWindow)

PairpadWindow   *pairpad_window_new           (PairpadApplication *application);
void             pairpad_window_open_room     (PairpadWindow      *self,
                                               const char         *server,
                                               const char         *room,
                                               const char         *token);
const char      *pairpad_window_get_link      (PairpadWindow      *self);
PairpadRoomView *pairpad_window_get_room_view (PairpadWindow      *self);

G_END_DECLS
