/* pairpad-identity.h: who you are in rooms: your name and color, from the settings.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

const char * const *pairpad_identity_get_colors (void);
char               *pairpad_identity_clean_name (const char *name);
char               *pairpad_identity_dup_name   (GSettings  *settings);
char               *pairpad_identity_dup_color  (GSettings  *settings);

G_END_DECLS
