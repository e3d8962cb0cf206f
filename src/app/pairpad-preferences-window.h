/* pairpad-preferences-window.h: your name and color in rooms.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_PREFERENCES_WINDOW (pairpad_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (PairpadPreferencesWindow, pairpad_preferences_window, PAIRPAD, PREFERENCES_WINDOW, AdwPreferencesWindow)

PairpadPreferencesWindow *pairpad_preferences_window_new (GtkWindow *parent);

G_END_DECLS
