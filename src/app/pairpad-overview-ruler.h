/* pairpad-overview-ruler.h: a strip beside the scrollbar marking where everyone is in the document.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <pairpad.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_OVERVIEW_RULER (pairpad_overview_ruler_get_type ())

G_DECLARE_FINAL_TYPE (PairpadOverviewRuler, pairpad_overview_ruler, PAIRPAD, OVERVIEW_RULER, GtkWidget)

void pairpad_overview_ruler_set_view   (PairpadOverviewRuler *self,
                                        GtkTextView          *view);
void pairpad_overview_ruler_set_users  (PairpadOverviewRuler *self,
                                        GPtrArray            *users);

G_END_DECLS
