/* pairpad-buffer-binding.h: GtkTextBuffer ↔ PpClientSession, the only bridge between them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <pairpad.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_BUFFER_BINDING (pairpad_buffer_binding_get_type ())

G_DECLARE_FINAL_TYPE (PairpadBufferBinding, pairpad_buffer_binding, PAIRPAD, BUFFER_BINDING, GObject)

PairpadBufferBinding *pairpad_buffer_binding_new      (GtkTextBuffer        *buffer,
                                                       PpClientSession      *session);
gboolean              pairpad_buffer_binding_undo     (PairpadBufferBinding *self);
gboolean              pairpad_buffer_binding_redo     (PairpadBufferBinding *self);
gboolean              pairpad_buffer_binding_get_can_undo (PairpadBufferBinding *self);
gboolean              pairpad_buffer_binding_get_can_redo (PairpadBufferBinding *self);
gboolean              pairpad_buffer_binding_replace_text (PairpadBufferBinding *self,
                                                           const char           *text,
                                                           GError              **error);

G_END_DECLS
