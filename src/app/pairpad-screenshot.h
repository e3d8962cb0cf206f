/* pairpad-screenshot.h: a widget rendered into a PNG file, for the tests and the README.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean pairpad_screenshot_save (GtkWidget   *widget,
                                  const char  *path,
                                  GError     **error);

G_END_DECLS
