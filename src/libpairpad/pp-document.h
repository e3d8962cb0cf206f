/* pp-document.h: the text of a room at a version, edited by validated ops.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include "pp-types.h"
#include "pp-text-op.h"

G_BEGIN_DECLS

/* pp_document_apply() validates the whole op first (range, delete text,
 * max length) and changes nothing when it fails. It does not touch the
 * version: the owner decides what a version is (the daemon counts log
 * entries; a client session holds local edits on top of a version). */

#define PP_DOCUMENT_DEFAULT_MAX_LENGTH (16 * 1024 * 1024)

PpDocument  *pp_document_new             (const char        *text,
                                          gssize             n_bytes,
                                          gint64             version);
PpDocument  *pp_document_copy            (const PpDocument  *self);
void         pp_document_free            (PpDocument        *self);

gint64       pp_document_get_version     (const PpDocument  *self);
void         pp_document_set_version     (PpDocument        *self,
                                          gint64             version);
gsize        pp_document_get_length      (const PpDocument  *self);
gsize        pp_document_get_max_length  (const PpDocument  *self);
void         pp_document_set_max_length  (PpDocument        *self,
                                          gsize              max_length);
const PpRope *pp_document_get_rope       (const PpDocument  *self);
char        *pp_document_dup_text        (const PpDocument  *self);

gboolean     pp_document_check_op        (const PpDocument  *self,
                                          const PpTextOp    *op,
                                          GError           **error);
gboolean     pp_document_apply           (PpDocument        *self,
                                          const PpTextOp    *op,
                                          GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpDocument, pp_document_free)

G_END_DECLS
