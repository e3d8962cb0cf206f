/* pp-blame.c: who wrote each part of a text, carried through ops.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-blame"

#include "config.h"

#include "pp-blame.h"
#include "pp-error.h"

/* The text as runs of one author each, adjacent runs always of different
 * authors. An op rebuilds the runs in one pass over both: skips copy runs,
 * deletes drop them, inserts add a run of the op's author. What an op does
 * not reach is kept. Linear in runs plus components, like applying the op. */

struct _PpBlame
{
  GArray *spans;    /* of PpBlameSpan */
  gsize   length;
};

static void
push (GArray *spans,
      gsize   length,
      guint   author)
{
  PpBlameSpan *last = spans->len > 0 ? &g_array_index (spans, PpBlameSpan, spans->len - 1) : NULL;
  PpBlameSpan span = { length, author };

  if (length == 0)
    return;
  if (last != NULL && last->author == author)
    last->length += length;
  else
    g_array_append_val (spans, span);
}

/**
 * pp_blame_new:
 * @length: of the text, in code points
 * @author: who wrote all of it, or %PP_BLAME_NOBODY
 *
 * Returns: (transfer full): the authorship of a text nobody has edited yet
 */
PpBlame *
pp_blame_new (gsize length,
              guint author)
{
  PpBlame *self = g_new0 (PpBlame, 1);

  self->spans = g_array_new (FALSE, FALSE, sizeof (PpBlameSpan));
  push (self->spans, length, author);
  self->length = length;

  return self;
}

void
pp_blame_free (PpBlame *self)
{
  if (self == NULL)
    return;

  g_array_unref (self->spans);
  g_free (self);
}

/**
 * pp_blame_apply:
 * @self: the authorship of the text @op applies to
 * @op: an op of that text
 * @author: who made @op: its inserts become theirs
 * @error: a #GError
 *
 * Returns: %FALSE with %PP_TEXT_OP_ERROR_OUT_OF_RANGE when @op reaches past
 *   the end of the text; @self is unchanged then
 */
gboolean
pp_blame_apply (PpBlame        *self,
                const PpTextOp *op,
                guint           author,
                GError        **error)
{
  g_autoptr(GArray) out = NULL;
  guint n = pp_text_op_get_n_components (op);
  guint index = 0;      /* the run being consumed */
  gsize offset = 0;     /* code points of it already consumed */
  gsize length = self->length;

  g_return_val_if_fail (self != NULL, FALSE);

  if (pp_text_op_get_base_length (op) > self->length)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE,
                   "the op reaches %" G_GSIZE_FORMAT " code points into a text of %"
                   G_GSIZE_FORMAT, pp_text_op_get_base_length (op), self->length);
      return FALSE;
    }

  out = g_array_sized_new (FALSE, FALSE, sizeof (PpBlameSpan), self->spans->len + 2);
  for (guint c = 0; c < n; c++)
    {
      const PpOpComponent *component = pp_text_op_get_component (op, c);
      gsize count = component->count;

      if (component->kind == PP_OP_INSERT)
        {
          push (out, count, author);
          length += count;
          continue;
        }

      /* Skip copies, delete drops, @count code points of the old runs. */
      while (count > 0)
        {
          PpBlameSpan *span = &g_array_index (self->spans, PpBlameSpan, index);
          gsize take = MIN (count, span->length - offset);

          if (component->kind == PP_OP_SKIP)
            push (out, take, span->author);
          else
            length -= take;
          count -= take;
          offset += take;
          if (offset == span->length)
            {
              index++;
              offset = 0;
            }
        }
    }

  /* What the op does not reach is kept. */
  if (index < self->spans->len)
    {
      PpBlameSpan *span = &g_array_index (self->spans, PpBlameSpan, index);

      push (out, span->length - offset, span->author);
      for (index++; index < self->spans->len; index++)
        {
          span = &g_array_index (self->spans, PpBlameSpan, index);
          push (out, span->length, span->author);
        }
    }

  g_array_unref (self->spans);
  self->spans = g_steal_pointer (&out);
  self->length = length;

  return TRUE;
}

gsize
pp_blame_get_length (PpBlame *self)
{
  return self->length;
}

/**
 * pp_blame_get_spans:
 * @self: an authorship
 * @n_spans: (out): how many
 *
 * Returns: (array length=n_spans): the runs from the start of the text, no
 *   two neighbours by the same author, lengths adding up to the text's
 */
const PpBlameSpan *
pp_blame_get_spans (PpBlame *self,
                    guint   *n_spans)
{
  *n_spans = self->spans->len;

  return (const PpBlameSpan *) (gpointer) self->spans->data;
}
