/* pp-rope-private.h: debugging hooks of PpRope for the tests.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pairpad.h"

G_BEGIN_DECLS

/* Walks the whole tree (O(n)) and returns a description of the first broken
 * invariant (AVL balance, cached totals, chunk sizes, UTF-8 boundaries), or
 * NULL when the rope is sound. (transfer full) (nullable) */
char   *_pp_rope_check_invariants  (const PpRope *self);

/* The number of chunks, and the height of the tree (0 when empty). */
gsize   _pp_rope_get_n_chunks      (const PpRope *self);
guint   _pp_rope_get_height        (const PpRope *self);

G_END_DECLS
