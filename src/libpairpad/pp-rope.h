/* pp-rope.h: a balanced tree of UTF-8 chunks; edits cost O(log n) in the text size.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include "pp-types.h"

G_BEGIN_DECLS

/* All positions and lengths count Unicode code points. Input text must be
 * valid UTF-8 (callers validate network input first); out-of-range positions
 * are programmer errors guarded by g_return_if_fail. A rope is mutable and
 * belongs to one thread. */

PpRope     *pp_rope_new             (const char   *text,
                                     gssize        n_bytes);
PpRope     *pp_rope_copy            (const PpRope *self);
void        pp_rope_free            (PpRope       *self);

gsize       pp_rope_get_length      (const PpRope *self);
gsize       pp_rope_get_n_bytes     (const PpRope *self);

void        pp_rope_insert          (PpRope       *self,
                                     gsize         pos,
                                     const char   *text,
                                     gssize        n_bytes);
void        pp_rope_delete          (PpRope       *self,
                                     gsize         pos,
                                     gsize         count);

char       *pp_rope_dup_text        (const PpRope *self);
char       *pp_rope_dup_range       (const PpRope *self,
                                     gsize         pos,
                                     gsize         count);
gboolean    pp_rope_range_equals    (const PpRope *self,
                                     gsize         pos,
                                     const char   *text,
                                     gsize         n_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRope, pp_rope_free)

G_END_DECLS
