/* pairpad-start-view.h: the first page: server address, new room, join by link, recent rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_START_VIEW (pairpad_start_view_get_type ())

G_DECLARE_FINAL_TYPE (PairpadStartView, pairpad_start_view, PAIRPAD, START_VIEW, GtkWidget)

GtkWidget *pairpad_start_view_new (void);

G_END_DECLS
