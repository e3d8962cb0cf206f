/* pairpad-geometry.h: where other people's marks go, as pure arithmetic the tests can check.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

double pairpad_geometry_ruler_mark_y (double line_y,
                                      double line_height,
                                      double content_height,
                                      double height,
                                      double mark_height);
double pairpad_geometry_label_y      (double caret_y,
                                      double caret_height,
                                      double label_height,
                                      double visible_top);

G_END_DECLS
