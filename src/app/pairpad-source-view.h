/* pairpad-source-view.h: a GtkSourceView that draws other people's carets and selections.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>
#include <pairpad.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_SOURCE_VIEW (pairpad_source_view_get_type ())

G_DECLARE_FINAL_TYPE (PairpadSourceView, pairpad_source_view, PAIRPAD, SOURCE_VIEW, GtkSourceView)

void pairpad_source_view_set_users           (PairpadSourceView *self,
                                              GPtrArray         *users);
void pairpad_source_view_get_offset_location (PairpadSourceView *self,
                                              gint64             offset,
                                              GdkRectangle      *rect);
void pairpad_source_view_get_visible_range   (PairpadSourceView *self,
                                              PpRange           *range);
void pairpad_source_view_reveal              (PairpadSourceView *self,
                                              const PpRange     *view,
                                              gint64             caret);

G_END_DECLS
