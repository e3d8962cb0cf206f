/* pp-text-op.h: text operations with the semantics of ot-text-unicode 4.x.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "pp-types.h"

G_BEGIN_DECLS

/**
 * PpOpKind:
 * @PP_OP_SKIP: keep @count code points (JSON: a positive integer)
 * @PP_OP_INSERT: insert @text (JSON: a non-empty string)
 * @PP_OP_DELETE: delete @count code points (JSON: `{"d": N}`, or `{"d": "S"}`
 *   when @text is set, which makes the delete invertible)
 */
typedef enum
{
  PP_OP_SKIP,
  PP_OP_INSERT,
  PP_OP_DELETE,
} PpOpKind;

/**
 * PpOpComponent:
 * @kind: what the component does
 * @count: length in Unicode code points (for inserts: of @text)
 * @text: (nullable): the inserted text, or the deleted text of an invertible delete;
 *   valid UTF-8 without surrogates, @n_bytes long, NUL-terminated
 * @n_bytes: length of @text in bytes
 */
typedef struct
{
  PpOpKind  kind;
  gsize     count;
  char     *text;
  gsize     n_bytes;
} PpOpComponent;

/**
 * PpTextOpBuilder:
 *
 * Builds a normalized #PpTextOp component by component: zero counts and empty
 * strings are dropped, adjacent components of one kind merge, and a trailing
 * skip is trimmed by pp_text_op_builder_end(). A stack value; initialize with
 * pp_text_op_builder_init() and finish with pp_text_op_builder_end() or
 * pp_text_op_builder_clear().
 */
typedef struct
{
  /*< private >*/
  GArray *components;
  GString *text;
} PpTextOpBuilder;

GType            pp_text_op_get_type               (void) G_GNUC_CONST;
#define PP_TYPE_TEXT_OP (pp_text_op_get_type ())

PpTextOp        *pp_text_op_new_identity           (void);
PpTextOp        *pp_text_op_new_insert             (gsize             pos,
                                                    const char       *text);
PpTextOp        *pp_text_op_new_delete             (gsize             pos,
                                                    gsize             count);
PpTextOp        *pp_text_op_new_diff               (const char       *from,
                                                    const char       *to);
PpTextOp        *pp_text_op_new_from_json          (JsonNode         *node,
                                                    GError          **error);
PpTextOp        *pp_text_op_new_from_string        (const char       *json,
                                                    GError          **error);
PpTextOp        *pp_text_op_ref                    (PpTextOp         *self);
void             pp_text_op_unref                  (PpTextOp         *self);

JsonNode        *pp_text_op_to_json                (const PpTextOp   *self);
char            *pp_text_op_to_string              (const PpTextOp   *self);

guint            pp_text_op_get_n_components       (const PpTextOp   *self);
const PpOpComponent *
                 pp_text_op_get_component          (const PpTextOp   *self,
                                                    guint             index);
gboolean         pp_text_op_is_identity            (const PpTextOp   *self);
gsize            pp_text_op_get_base_length        (const PpTextOp   *self);
gssize           pp_text_op_get_length_delta       (const PpTextOp   *self);
gboolean         pp_text_op_is_invertible          (const PpTextOp   *self);
gboolean         pp_text_op_equal                  (const PpTextOp   *a,
                                                    const PpTextOp   *b);

char            *pp_text_op_apply                  (const PpTextOp   *self,
                                                    const char       *text,
                                                    GError          **error);
PpTextOp        *pp_text_op_transform              (const PpTextOp   *self,
                                                    const PpTextOp   *other,
                                                    PpSide            side);
PpTextOp        *pp_text_op_compose                (const PpTextOp   *self,
                                                    const PpTextOp   *next);
PpTextOp        *pp_text_op_make_invertible        (const PpTextOp   *self,
                                                    const char       *text,
                                                    GError          **error);
PpTextOp        *pp_text_op_invert                 (const PpTextOp   *self,
                                                    GError          **error);
gint64           pp_text_op_transform_position     (const PpTextOp   *self,
                                                    gint64            pos,
                                                    gboolean          own);
void             pp_text_op_transform_ranges       (const PpTextOp   *self,
                                                    PpRange          *ranges,
                                                    guint             n_ranges,
                                                    gboolean          own);

void             pp_text_op_builder_init           (PpTextOpBuilder  *builder);
void             pp_text_op_builder_skip           (PpTextOpBuilder  *builder,
                                                    gsize             count);
void             pp_text_op_builder_insert         (PpTextOpBuilder  *builder,
                                                    const char       *text,
                                                    gssize            n_bytes);
void             pp_text_op_builder_delete         (PpTextOpBuilder  *builder,
                                                    gsize             count);
void             pp_text_op_builder_delete_text    (PpTextOpBuilder  *builder,
                                                    const char       *text,
                                                    gssize            n_bytes);
void             pp_text_op_builder_append         (PpTextOpBuilder  *builder,
                                                    const PpOpComponent *component);
PpTextOp        *pp_text_op_builder_end            (PpTextOpBuilder  *builder);
void             pp_text_op_builder_clear          (PpTextOpBuilder  *builder);

gboolean         pp_utf8_validate_unicode          (const char       *text,
                                                    gssize            n_bytes,
                                                    GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTextOp, pp_text_op_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpTextOpBuilder, pp_text_op_builder_clear)

G_END_DECLS
