/* pp-blame.h: who wrote each part of a text, carried through ops.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include "pp-text-op.h"

G_BEGIN_DECLS

/* The author of text whose origin is not known (a room's initial text). */
#define PP_BLAME_NOBODY G_MAXUINT

/**
 * PpBlameSpan:
 * @length: code points
 * @author: the caller's number for whoever inserted them, or %PP_BLAME_NOBODY
 */
typedef struct
{
  gsize length;
  guint author;
} PpBlameSpan;

typedef struct _PpBlame PpBlame;

PpBlame           *pp_blame_new        (gsize           length,
                                        guint           author);
void               pp_blame_free       (PpBlame        *self);
gboolean           pp_blame_apply      (PpBlame        *self,
                                        const PpTextOp *op,
                                        guint           author,
                                        GError        **error);
gsize              pp_blame_get_length (PpBlame        *self);
const PpBlameSpan *pp_blame_get_spans  (PpBlame        *self,
                                        guint          *n_spans);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBlame, pp_blame_free)

G_END_DECLS
