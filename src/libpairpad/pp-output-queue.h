/* pp-output-queue.h: frames waiting for a non-blocking socket.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PpOutputQueue PpOutputQueue;

PpOutputQueue *pp_output_queue_new      (void);
void           pp_output_queue_free     (PpOutputQueue          *self);
void           pp_output_queue_push     (PpOutputQueue          *self,
                                         GBytes                 *bytes);
gboolean       pp_output_queue_flush    (PpOutputQueue          *self,
                                         GPollableOutputStream  *stream,
                                         GError                **error);
gboolean       pp_output_queue_is_empty (PpOutputQueue          *self);
gsize          pp_output_queue_get_size (PpOutputQueue          *self);
void           pp_output_queue_clear    (PpOutputQueue          *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpOutputQueue, pp_output_queue_free)

G_END_DECLS
