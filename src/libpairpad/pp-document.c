/* pp-document.c: the text of a room at a version, edited by validated ops.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-document"

#include "config.h"

#include "pp-document.h"
#include "pp-error.h"
#include "pp-rope.h"

/* PpDocument owns the text (a PpRope, so an op costs O(components × log n)
 * whatever the document size) and checks every op against it before
 * touching it. It does not own history, transform or versioning policy:
 * the version is a number its owner sets. */

struct _PpDocument
{
  /* Owned */
  PpRope *rope;

  gint64  version;
  gsize   max_length;
};

/**
 * pp_document_new:
 * @text: (nullable): initial UTF-8 text, already validated
 * @n_bytes: length of @text in bytes, or -1 if it is NUL-terminated
 * @version: the version @text is at
 *
 * Creates a document with the default maximum length,
 * %PP_DOCUMENT_DEFAULT_MAX_LENGTH. The initial text is not checked against it.
 *
 * Returns: (transfer full): a new document
 */
PpDocument *
pp_document_new (const char *text,
                 gssize      n_bytes,
                 gint64      version)
{
  PpDocument *self;

  g_return_val_if_fail (text != NULL || n_bytes <= 0, NULL);

  self = g_new0 (PpDocument, 1);
  self->rope = pp_rope_new (text, text != NULL ? n_bytes : 0);
  self->version = version;
  self->max_length = PP_DOCUMENT_DEFAULT_MAX_LENGTH;

  return self;
}

/**
 * pp_document_copy:
 * @self: a document
 *
 * Returns: (transfer full): an independent copy of @self (text, version and
 *   maximum length), made in O(n)
 */
PpDocument *
pp_document_copy (const PpDocument *self)
{
  PpDocument *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (PpDocument, 1);
  copy->rope = pp_rope_copy (self->rope);
  copy->version = self->version;
  copy->max_length = self->max_length;

  return copy;
}

/**
 * pp_document_free:
 * @self: (nullable) (transfer full): a document
 */
void
pp_document_free (PpDocument *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->rope, pp_rope_free);
  g_free (self);
}

/**
 * pp_document_get_version:
 * @self: a document
 *
 * Returns: the version last set by the owner
 */
gint64
pp_document_get_version (const PpDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->version;
}

/**
 * pp_document_set_version:
 * @self: a document
 * @version: the version the text is now at
 */
void
pp_document_set_version (PpDocument *self,
                         gint64      version)
{
  g_return_if_fail (self != NULL);

  self->version = version;
}

/**
 * pp_document_get_length:
 * @self: a document
 *
 * Returns: the length of the text in Unicode code points
 */
gsize
pp_document_get_length (const PpDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return pp_rope_get_length (self->rope);
}

/**
 * pp_document_get_max_length:
 * @self: a document
 *
 * Returns: the length in code points that no op may grow the document past
 */
gsize
pp_document_get_max_length (const PpDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->max_length;
}

/**
 * pp_document_set_max_length:
 * @self: a document
 * @max_length: a length in code points
 *
 * Sets the limit that pp_document_check_op() enforces. A document already
 * longer than @max_length stays as it is and may still shrink.
 */
void
pp_document_set_max_length (PpDocument *self,
                            gsize       max_length)
{
  g_return_if_fail (self != NULL);

  self->max_length = max_length;
}

/**
 * pp_document_get_rope:
 * @self: a document
 *
 * Returns: (transfer none): the text, to read without copying it out
 */
const PpRope *
pp_document_get_rope (const PpDocument *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->rope;
}

/**
 * pp_document_dup_text:
 * @self: a document
 *
 * Returns: (transfer full): the whole text, NUL-terminated
 */
char *
pp_document_dup_text (const PpDocument *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return pp_rope_dup_text (self->rope);
}

/**
 * pp_document_check_op:
 * @self: a document
 * @op: an op to apply to the text of @self
 * @error: return location for a #PP_TEXT_OP_ERROR
 *
 * Checks, without changing anything, that @op applies to @self: its skips and
 * deletes stay inside the text (%PP_TEXT_OP_ERROR_OUT_OF_RANGE), the text of
 * each `{"d": "S"}` is what the document holds there
 * (%PP_TEXT_OP_ERROR_MISMATCH), and the result does not grow past the
 * maximum length (%PP_TEXT_OP_ERROR_TOO_LARGE). An op that leaves an
 * over-long document no longer than it was is accepted, so that a lowered
 * limit still lets people delete.
 *
 * Costs O(components × log n) plus the size of the delete texts.
 *
 * Returns: %TRUE if @op can be applied
 */
gboolean
pp_document_check_op (const PpDocument  *self,
                      const PpTextOp    *op,
                      GError           **error)
{
  gsize length;
  gsize pos = 0;
  gsize inserted = 0;
  gsize deleted = 0;
  gsize new_length;
  guint n_components;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = pp_rope_get_length (self->rope);
  n_components = pp_text_op_get_n_components (op);

  /* @pos counts code points of the original text. */
  for (i = 0; i < n_components; i++)
    {
      const PpOpComponent *c = pp_text_op_get_component (op, i);

      switch (c->kind)
        {
        case PP_OP_SKIP:
          if (c->count > length - pos)
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE,
                           "Skip of %" G_GSIZE_FORMAT " at position %" G_GSIZE_FORMAT
                           " passes the end of the document (length %" G_GSIZE_FORMAT ")",
                           c->count, pos, length);
              return FALSE;
            }
          pos += c->count;
          break;

        case PP_OP_INSERT:
          if (c->text == NULL)
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                           "Insert at position %" G_GSIZE_FORMAT " has no text", pos);
              return FALSE;
            }
          if (c->count > G_MAXSIZE - inserted)
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_TOO_LARGE,
                           "The op inserts too much text");
              return FALSE;
            }
          inserted += c->count;
          break;

        case PP_OP_DELETE:
          if (c->count > length - pos)
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE,
                           "Delete of %" G_GSIZE_FORMAT " at position %" G_GSIZE_FORMAT
                           " passes the end of the document (length %" G_GSIZE_FORMAT ")",
                           c->count, pos, length);
              return FALSE;
            }
          if (c->text != NULL && !pp_rope_range_equals (self->rope, pos, c->text, c->n_bytes))
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH,
                           "Deleted text at position %" G_GSIZE_FORMAT
                           " does not match the document",
                           pos);
              return FALSE;
            }
          pos += c->count;
          deleted += c->count;
          break;

        default:
          g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                       "Component %u has an unknown kind", i);
          return FALSE;
        }
    }

  /* A trailing skip past the end, which normalization dropped from the
   * components but the op remembers. */
  if (pp_text_op_get_base_length (op) > length)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE,
                   "The op reaches position %" G_GSIZE_FORMAT ", past the end of the document "
                   "(length %" G_GSIZE_FORMAT ")", pp_text_op_get_base_length (op), length);
      return FALSE;
    }

  /* deleted <= length: every delete stayed inside the text. */
  new_length = length - deleted;
  if (inserted > G_MAXSIZE - new_length)
    new_length = G_MAXSIZE;
  else
    new_length += inserted;

  if (new_length > self->max_length && new_length > length)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_TOO_LARGE,
                   "The document would grow to %" G_GSIZE_FORMAT
                   " code points, more than the limit of %" G_GSIZE_FORMAT,
                   new_length, self->max_length);
      return FALSE;
    }

  return TRUE;
}

/**
 * pp_document_apply:
 * @self: a document
 * @op: an op to apply to the text of @self
 * @error: return location for a #PP_TEXT_OP_ERROR
 *
 * Checks @op with pp_document_check_op() and applies it. On error the
 * document is unchanged. The version is not touched. Costs
 * O(components × log n) plus the size of the texts in @op.
 *
 * Returns: %TRUE if @op was applied
 */
gboolean
pp_document_apply (PpDocument      *self,
                   const PpTextOp  *op,
                   GError         **error)
{
  gsize pos = 0;
  guint n_components;
  guint i;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!pp_document_check_op (self, op, error))
    return FALSE;

  /* Here @pos counts code points of the text being built: inserted text
   * shifts everything after it, deleted text closes up. */
  n_components = pp_text_op_get_n_components (op);
  for (i = 0; i < n_components; i++)
    {
      const PpOpComponent *c = pp_text_op_get_component (op, i);

      switch (c->kind)
        {
        case PP_OP_SKIP:
          pos += c->count;
          break;

        case PP_OP_INSERT:
          pp_rope_insert (self->rope, pos, c->text, c->n_bytes);
          pos += c->count;
          break;

        case PP_OP_DELETE:
          pp_rope_delete (self->rope, pos, c->count);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}
