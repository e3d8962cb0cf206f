/* pp-text-op.c: text operations with the semantics of ot-text-unicode 4.0.0.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-text-op"

#include "config.h"

#include <string.h>

#include "pp-error.h"
#include "pp-text-op.h"

/*
 * PpTextOp is an immutable, normalized list of components (see PROTOCOL.md,
 * "Operations"). transform, compose, invert and transformPosition follow
 * ot-text-unicode 4.0.0 (https://github.com/ottypes/text, dist/type.js)
 * component for component, including where it carries the text of invertible
 * deletes and where it drops it; tests/vectors/gen-ot-vectors.mjs checks that
 * against the package itself.
 *
 * Deliberate differences, all on the strict side:
 *  - parsing refuses what checkOp lets through (non-integer or huge counts,
 *    invalid Unicode, NUL) and normalizes instead of refusing adjacent or
 *    trailing skips;
 *  - apply and make_invertible refuse deletes past the end of the document
 *    and `{"d":"S"}` texts that do not match it.
 *
 * Counts are Unicode code points. Texts are kept as UTF-8 with their byte
 * length, and are walked only over the spans an operation touches.
 *
 * Memory: an op is one allocation (header, components, then every text with a
 * NUL terminator), so it can be shared read-only between threads.
 */

/* Counts above this are refused when parsing: a document is far smaller (16 Mi
 * code points by default), and sums of counts then never overflow. */
#define PP_TEXT_OP_MAX_COUNT ((gint64) G_MAXINT32)

struct _PpTextOp
{
  gatomicrefcount ref_count;
  /* What the op as received reaches, a trailing skip included: normalizing
   * drops that skip, but a skip past the end must still be refused. */
  gsize           declared_length;
  guint           n_components;
  PpOpComponent   components[];
};

/* Builder element: texts live in builder->text, addressed by offset because
 * the GString may move while it grows. Only the last element can grow, so its
 * text is always at the end of the GString. */
typedef struct
{
  PpOpKind  kind;
  gboolean  has_text;
  gsize     count;
  gsize     text_offset;
  gsize     n_bytes;
} BuilderComponent;

/* One piece taken from an op by OpIter; @text is borrowed from the op. */
typedef struct
{
  PpOpKind    kind;
  gsize       count;
  const char *text;
  gsize       n_bytes;
} Piece;

/* Walks an op the way ot-text-unicode's makeTake() does. */
typedef struct
{
  const PpTextOp *op;
  guint           idx;
  gsize           offset;       /* code points of components[idx] already taken */
  gsize           byte_offset;  /* the same, in bytes of its text */
} OpIter;

G_DEFINE_BOXED_TYPE (PpTextOp, pp_text_op, pp_text_op_ref, pp_text_op_unref)

#define TAKE_ALL G_MAXSIZE

#define HIGH_BITS G_GUINT64_CONSTANT (0x8080808080808080)

static inline guint
count_continuation_bytes (guint64 word)
{
  /* A continuation byte is 10xxxxxx: bit 7 set and bit 6 clear. */
  guint64 mask = word & ~(word << 1) & HIGH_BITS;

#if defined(__GNUC__)
  return __builtin_popcountll (mask);
#else
  guint n = 0;

  for (; mask != 0; mask &= mask - 1)
    n++;
  return n;
#endif
}

/* Advances from the code point at @p over @n code points, not past @end;
 * returns NULL if [p, end) holds fewer. This is the hot loop of apply, so it
 * counts lead bytes eight at a time instead of decoding characters. */
static const char *
utf8_forward (const char *p,
              const char *end,
              gsize       n)
{
  while (end - p >= 8)
    {
      guint64 word;
      guint leads;

      memcpy (&word, p, sizeof word);
      leads = 8 - count_continuation_bytes (word);
      if (leads > n)
        break;
      p += 8;
      n -= leads;
    }

  /* Stop at the next lead byte once @n of them have been passed. */
  for (; p < end; p++)
    {
      if (((guchar) *p & 0xc0) != 0x80)
        {
          if (n == 0)
            return p;
          n--;
        }
    }

  return n == 0 ? p : NULL;
}

static inline BuilderComponent *
builder_last (PpTextOpBuilder *builder)
{
  if (builder->components == NULL || builder->components->len == 0)
    return NULL;

  return &g_array_index (builder->components, BuilderComponent, builder->components->len - 1);
}

static inline void
builder_append_text (PpTextOpBuilder *builder,
                     const char      *text,
                     gsize            n_bytes)
{
  if (builder->text == NULL)
    builder->text = g_string_sized_new (MAX (n_bytes, 64));
  g_string_append_len (builder->text, text, n_bytes);
}

/* The append of ot-text-unicode (makeAppend): drops empty components and
 * merges one into the last when they are of the same kind. Two deletes keep
 * their text only if both have one. @text must be NULL for skips, non-NULL
 * for inserts, and @count must be its length in code points. */
static void
builder_push (PpTextOpBuilder *builder,
              PpOpKind         kind,
              gsize            count,
              const char      *text,
              gsize            n_bytes)
{
  BuilderComponent *last;
  BuilderComponent bc;

  if (count == 0)
    return;

  last = builder_last (builder);
  if (last != NULL && last->kind == kind)
    {
      switch (kind)
        {
        case PP_OP_SKIP:
          break;

        case PP_OP_INSERT:
          builder_append_text (builder, text, n_bytes);
          last->n_bytes += n_bytes;
          break;

        case PP_OP_DELETE:
          if (last->has_text && text != NULL)
            {
              builder_append_text (builder, text, n_bytes);
              last->n_bytes += n_bytes;
            }
          else if (last->has_text)
            {
              /* Its text is the tail of the GString, see BuilderComponent. */
              g_string_truncate (builder->text, last->text_offset);
              last->has_text = FALSE;
              last->n_bytes = 0;
            }
          break;

        default:
          g_assert_not_reached ();
        }

      last->count += count;
      return;
    }

  if (builder->components == NULL)
    builder->components = g_array_sized_new (FALSE, FALSE, sizeof (BuilderComponent), 8);

  bc.kind = kind;
  bc.count = count;
  bc.has_text = text != NULL;
  bc.text_offset = builder->text != NULL ? builder->text->len : 0;
  bc.n_bytes = text != NULL ? n_bytes : 0;
  if (text != NULL)
    builder_append_text (builder, text, n_bytes);

  g_array_append_val (builder->components, bc);
}

static inline void
builder_push_piece (PpTextOpBuilder *builder,
                    const Piece     *piece)
{
  builder_push (builder, piece->kind, piece->count, piece->text, piece->n_bytes);
}

static inline void
op_iter_init (OpIter         *iter,
              const PpTextOp *op)
{
  iter->op = op;
  iter->idx = 0;
  iter->offset = 0;
  iter->byte_offset = 0;
}

static inline gboolean
op_iter_peek_is_insert (const OpIter *iter)
{
  return iter->idx < iter->op->n_components &&
         iter->op->components[iter->idx].kind == PP_OP_INSERT;
}

/* ot-text-unicode's take(n, indivisibleField): takes up to @n code points of
 * the op (TAKE_ALL: the rest of the current component), except that a
 * component of kind @indivisible is always taken whole. Past the end the op
 * skips forever; returns FALSE only for TAKE_ALL there. */
static gboolean
op_iter_take (OpIter   *iter,
              gsize     n,
              PpOpKind  indivisible,
              Piece    *piece)
{
  const PpOpComponent *c;
  gsize remaining;

  if (iter->idx == iter->op->n_components)
    {
      if (n == TAKE_ALL)
        return FALSE;
      piece->kind = PP_OP_SKIP;
      piece->count = n;
      piece->text = NULL;
      piece->n_bytes = 0;
      return TRUE;
    }

  c = &iter->op->components[iter->idx];
  remaining = c->count - iter->offset;
  piece->kind = c->kind;

  if (n == TAKE_ALL || remaining <= n || c->kind == indivisible)
    {
      piece->count = remaining;
      if (c->text != NULL)
        {
          piece->text = c->text + iter->byte_offset;
          piece->n_bytes = c->n_bytes - iter->byte_offset;
        }
      else
        {
          piece->text = NULL;
          piece->n_bytes = 0;
        }
      iter->idx++;
      iter->offset = 0;
      iter->byte_offset = 0;
      return TRUE;
    }

  piece->count = n;
  if (c->text != NULL)
    {
      const char *start = c->text + iter->byte_offset;
      const char *stop = utf8_forward (start, c->text + c->n_bytes, n);

      piece->text = start;
      piece->n_bytes = stop - start;
      iter->byte_offset += piece->n_bytes;
    }
  else
    {
      piece->text = NULL;
      piece->n_bytes = 0;
    }
  iter->offset += n;

  return TRUE;
}

/* JSON numbers: only integer-typed ones, in 1..PP_TEXT_OP_MAX_COUNT. */
static gboolean
parse_count (JsonNode  *node,
             guint      index,
             gsize     *count,
             GError   **error)
{
  gint64 value;

  if (json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: counts must be integers", index);
      return FALSE;
    }

  value = json_node_get_int (node);
  if (value <= 0)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: counts must be positive", index);
      return FALSE;
    }
  if (value > PP_TEXT_OP_MAX_COUNT)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: count exceeds %" G_GINT64_FORMAT,
                   index, PP_TEXT_OP_MAX_COUNT);
      return FALSE;
    }

  *count = (gsize) value;
  return TRUE;
}

static gboolean
parse_text (JsonNode    *node,
            guint        index,
            const char **text,
            gsize       *n_bytes,
            gsize       *count,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *str = json_node_get_string (node);
  gsize len = str != NULL ? strlen (str) : 0;

  if (len == 0)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: strings must not be empty", index);
      return FALSE;
    }

  if (!pp_utf8_validate_unicode (str, len, &local_error))
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: %s", index, local_error->message);
      return FALSE;
    }

  *text = str;
  *n_bytes = len;
  *count = g_utf8_strlen (str, len);
  return TRUE;
}

static gboolean
parse_component (PpTextOpBuilder  *builder,
                 JsonNode         *node,
                 guint             index,
                 GError          **error)
{
  const char *text;
  gsize n_bytes;
  gsize count;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
          {
            if (!parse_count (node, index, &count, error))
              return FALSE;
            builder_push (builder, PP_OP_SKIP, count, NULL, 0);
            return TRUE;
          }

        if (type == G_TYPE_STRING)
          {
            if (!parse_text (node, index, &text, &n_bytes, &count, error))
              return FALSE;
            builder_push (builder, PP_OP_INSERT, count, text, n_bytes);
            return TRUE;
          }

        g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                     "component %u: expected a number, a string or {\"d\": ...}", index);
        return FALSE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonNode *d;

        if (json_object_get_size (object) != 1 ||
            (d = json_object_get_member (object, "d")) == NULL)
          {
            g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                         "component %u: a delete must have exactly one member, \"d\"", index);
            return FALSE;
          }

        if (JSON_NODE_HOLDS_VALUE (d))
          {
            GType type = json_node_get_value_type (d);

            if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
              {
                if (!parse_count (d, index, &count, error))
                  return FALSE;
                builder_push (builder, PP_OP_DELETE, count, NULL, 0);
                return TRUE;
              }

            if (type == G_TYPE_STRING)
              {
                if (!parse_text (d, index, &text, &n_bytes, &count, error))
                  return FALSE;
                builder_push (builder, PP_OP_DELETE, count, text, n_bytes);
                return TRUE;
              }
          }

        g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                     "component %u: \"d\" must be a positive integer or a non-empty string",
                     index);
        return FALSE;
      }

    case JSON_NODE_ARRAY:
    case JSON_NODE_NULL:
    default:
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "component %u: expected a number, a string or {\"d\": ...}", index);
      return FALSE;
    }
}

/* json-glib 1.6 is lenient in ways that change meaning: it truncates a
 * string at "\u0000", and accepts single quotes, comments, hex and
 * leading-zero numbers, and anything after the first value. This pass
 * refuses those before parsing, so that
 * pp_text_op_new_from_string() accepts only what JSON.parse() reads the same
 * way. Outside strings only JSON's own characters are allowed. */
static gboolean
check_json_text (const char  *json,
                 gsize        len,
                 GError     **error)
{
  gboolean in_string = FALSE;
  gboolean closed = FALSE;
  guint depth = 0;
  gsize i = 0;

  while (i < len)
    {
      guchar c = json[i];

      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            goto invalid;
          else if (c == '\\')
            {
              if (i + 1 < len && json[i + 1] == 'u' &&
                  i + 5 < len && memcmp (json + i + 2, "0000", 4) == 0)
                {
                  g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                               "strings must not contain U+0000");
                  return FALSE;
                }
              i++;
            }
          i++;
          continue;
        }

      /* json-glib 1.6 reads "[1] [2]" as [1]: nothing may follow the op. */
      if (closed && !g_ascii_isspace (c))
        goto invalid;

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        depth++;
      else if ((c == ']' || c == '}') && depth > 0)
        closed = --depth == 0;
      else if (c == '0' && i + 1 < len && g_ascii_isdigit (json[i + 1]) &&
               (i == 0 || !g_ascii_isdigit (json[i - 1])))
        goto invalid;
      else if (strchr (" \t\r\n[]{}:,-+.0123456789eEaflnrstu", c) == NULL || c == '\0')
        goto invalid;

      i++;
    }

  return TRUE;

invalid:
  g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
               "op is not strict JSON (offset %" G_GSIZE_FORMAT ")", i);
  return FALSE;
}

static void
set_out_of_range (GError **error,
                  guint    index)
{
  g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE,
               "component %u goes past the end of the document", index);
}

/**
 * pp_utf8_validate_unicode:
 * @text: the bytes to check
 * @n_bytes: their length, or -1 if @text is NUL-terminated
 * @error: return location for a #GError
 *
 * Checks that @text is valid UTF-8 of Unicode scalar values: no surrogates
 * (which also rules out CESU-8 encoded lone surrogates) and no U+0000, since
 * documents are NUL-terminated strings and a NUL would silently truncate them.
 *
 * Returns: %TRUE if valid; otherwise %FALSE with %PP_TEXT_OP_ERROR_INVALID
 */
gboolean
pp_utf8_validate_unicode (const char  *text,
                          gssize       n_bytes,
                          GError     **error)
{
  const char *end = NULL;

  g_return_val_if_fail (text != NULL || n_bytes == 0, FALSE);

  if (n_bytes < 0)
    n_bytes = strlen (text);

  /* With an explicit length, g_utf8_validate_len() also refuses NUL bytes. */
  if (!g_utf8_validate_len (text, n_bytes, &end))
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "invalid UTF-8 or U+0000 at byte %" G_GSIZE_FORMAT,
                   (gsize) (end - text));
      return FALSE;
    }

  return TRUE;
}

/**
 * pp_text_op_builder_init:
 * @builder: an uninitialized #PpTextOpBuilder
 *
 * Prepares @builder; it allocates nothing until the first component.
 */
void
pp_text_op_builder_init (PpTextOpBuilder *builder)
{
  g_return_if_fail (builder != NULL);

  builder->components = NULL;
  builder->text = NULL;
}

/**
 * pp_text_op_builder_skip:
 * @builder: a #PpTextOpBuilder
 * @count: code points to keep; 0 adds nothing
 */
void
pp_text_op_builder_skip (PpTextOpBuilder *builder,
                         gsize            count)
{
  g_return_if_fail (builder != NULL);

  builder_push (builder, PP_OP_SKIP, count, NULL, 0);
}

/**
 * pp_text_op_builder_insert:
 * @builder: a #PpTextOpBuilder
 * @text: valid UTF-8 without U+0000
 * @n_bytes: length of @text, or -1 if it is NUL-terminated
 *
 * Adds an insert; an empty @text adds nothing.
 */
void
pp_text_op_builder_insert (PpTextOpBuilder *builder,
                           const char      *text,
                           gssize           n_bytes)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (text != NULL || n_bytes == 0);

  if (n_bytes < 0)
    n_bytes = strlen (text);
  g_return_if_fail (pp_utf8_validate_unicode (text, n_bytes, NULL));

  builder_push (builder, PP_OP_INSERT, g_utf8_strlen (text, n_bytes), text, n_bytes);
}

/**
 * pp_text_op_builder_delete:
 * @builder: a #PpTextOpBuilder
 * @count: code points to delete; 0 adds nothing
 *
 * Adds a delete by count (not invertible).
 */
void
pp_text_op_builder_delete (PpTextOpBuilder *builder,
                           gsize            count)
{
  g_return_if_fail (builder != NULL);

  builder_push (builder, PP_OP_DELETE, count, NULL, 0);
}

/**
 * pp_text_op_builder_delete_text:
 * @builder: a #PpTextOpBuilder
 * @text: the deleted text: valid UTF-8 without U+0000
 * @n_bytes: length of @text, or -1 if it is NUL-terminated
 *
 * Adds an invertible delete of @text; an empty @text adds nothing. Next to a
 * delete by count, the merged delete loses its text (as ot-text-unicode does).
 */
void
pp_text_op_builder_delete_text (PpTextOpBuilder *builder,
                                const char      *text,
                                gssize           n_bytes)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (text != NULL || n_bytes == 0);

  if (n_bytes < 0)
    n_bytes = strlen (text);
  g_return_if_fail (pp_utf8_validate_unicode (text, n_bytes, NULL));

  builder_push (builder, PP_OP_DELETE, g_utf8_strlen (text, n_bytes), text, n_bytes);
}

/**
 * pp_text_op_builder_append:
 * @builder: a #PpTextOpBuilder
 * @component: a component, for example one of another #PpTextOp
 *
 * Adds a copy of @component; its @count must match its @text.
 */
void
pp_text_op_builder_append (PpTextOpBuilder     *builder,
                           const PpOpComponent *component)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (component != NULL);
  g_return_if_fail (component->kind != PP_OP_INSERT || component->text != NULL);

  builder_push (builder,
                component->kind,
                component->count,
                component->kind == PP_OP_SKIP ? NULL : component->text,
                component->n_bytes);
}

/**
 * pp_text_op_builder_end:
 * @builder: a #PpTextOpBuilder
 *
 * Trims a trailing skip and returns the op; @builder is cleared and may be
 * reused after pp_text_op_builder_init().
 *
 * Returns: (transfer full): the normalized op
 */
PpTextOp *
pp_text_op_builder_end (PpTextOpBuilder *builder)
{
  PpTextOp *self;
  guint n = 0;
  gsize text_bytes = 0;
  gsize header;
  char *text_out;

  g_return_val_if_fail (builder != NULL, NULL);

  if (builder->components != NULL)
    {
      n = builder->components->len;
      if (n > 0 && g_array_index (builder->components, BuilderComponent, n - 1).kind == PP_OP_SKIP)
        n--;
    }

  for (guint i = 0; i < n; i++)
    {
      const BuilderComponent *bc = &g_array_index (builder->components, BuilderComponent, i);

      if (bc->has_text)
        text_bytes += bc->n_bytes + 1;
    }

  header = G_STRUCT_OFFSET (PpTextOp, components) + n * sizeof (PpOpComponent);
  self = g_malloc (header + text_bytes);
  g_atomic_ref_count_init (&self->ref_count);
  self->n_components = n;
  self->declared_length = 0;
  text_out = (char *) self + header;

  for (guint i = 0; i < n; i++)
    {
      const BuilderComponent *bc = &g_array_index (builder->components, BuilderComponent, i);
      PpOpComponent *c = &self->components[i];

      c->kind = bc->kind;
      c->count = bc->count;
      if (bc->has_text)
        {
          memcpy (text_out, builder->text->str + bc->text_offset, bc->n_bytes);
          text_out[bc->n_bytes] = '\0';
          c->text = text_out;
          c->n_bytes = bc->n_bytes;
          text_out += bc->n_bytes + 1;
        }
      else
        {
          c->text = NULL;
          c->n_bytes = 0;
        }
    }

  pp_text_op_builder_clear (builder);

  return self;
}

/**
 * pp_text_op_builder_clear:
 * @builder: a #PpTextOpBuilder
 *
 * Frees what @builder holds; safe to call more than once.
 */
void
pp_text_op_builder_clear (PpTextOpBuilder *builder)
{
  g_return_if_fail (builder != NULL);

  g_clear_pointer (&builder->components, g_array_unref);
  if (builder->text != NULL)
    {
      g_string_free (builder->text, TRUE);
      builder->text = NULL;
    }
}

/**
 * pp_text_op_new_identity:
 *
 * Returns: (transfer full): the op `[]`
 */
PpTextOp *
pp_text_op_new_identity (void)
{
  PpTextOpBuilder builder;

  pp_text_op_builder_init (&builder);
  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_new_insert:
 * @pos: where to insert, in code points
 * @text: valid UTF-8 without U+0000
 *
 * Returns: (transfer full): `[pos, "text"]` (`[]` if @text is empty)
 */
PpTextOp *
pp_text_op_new_insert (gsize       pos,
                       const char *text)
{
  PpTextOpBuilder builder;

  g_return_val_if_fail (text != NULL, NULL);

  pp_text_op_builder_init (&builder);
  if (*text != '\0')
    {
      pp_text_op_builder_skip (&builder, pos);
      pp_text_op_builder_insert (&builder, text, -1);
    }
  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_new_delete:
 * @pos: where to delete, in code points
 * @count: how many code points
 *
 * Returns: (transfer full): `[pos, {"d": count}]` (`[]` if @count is 0)
 */
PpTextOp *
pp_text_op_new_delete (gsize pos,
                       gsize count)
{
  PpTextOpBuilder builder;

  pp_text_op_builder_init (&builder);
  if (count > 0)
    {
      pp_text_op_builder_skip (&builder, pos);
      pp_text_op_builder_delete (&builder, count);
    }
  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_new_diff:
 * @from: a text, valid UTF-8
 * @to: another, valid UTF-8
 *
 * The op that turns @from into @to: what the two share at their start and
 * at their end is kept, the middle of @from is deleted (with its text, so
 * the op is invertible) and the middle of @to inserted.
 *
 * Returns: (transfer full): the op, `[]` when the texts are equal
 */
PpTextOp *
pp_text_op_new_diff (const char *from,
                     const char *to)
{
  PpTextOpBuilder builder;
  gsize from_len = strlen (from);
  gsize to_len = strlen (to);
  gsize prefix = 0;
  gsize suffix = 0;

  g_return_val_if_fail (from != NULL && to != NULL, NULL);

  /* Byte-wise, then back to the start of a character on both sides. */
  while (prefix < from_len && prefix < to_len && from[prefix] == to[prefix])
    prefix++;
  while (prefix > 0 && (from[prefix] & 0xC0) == 0x80)
    prefix--;
  while (suffix < from_len - prefix && suffix < to_len - prefix &&
         from[from_len - 1 - suffix] == to[to_len - 1 - suffix])
    suffix++;
  while (suffix > 0 && (from[from_len - suffix] & 0xC0) == 0x80)
    suffix--;

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, g_utf8_strlen (from, prefix));
  if (from_len - suffix > prefix)
    pp_text_op_builder_delete_text (&builder, from + prefix, from_len - suffix - prefix);
  if (to_len - suffix > prefix)
    pp_text_op_builder_insert (&builder, to + prefix, to_len - suffix - prefix);

  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_new_from_json:
 * @node: a JSON node, typically from the network
 * @error: return location for a #GError
 *
 * Parses and normalizes an op. Strict: the node must be an array whose
 * components are integer-typed JSON numbers in 1..2³¹-1, non-empty strings,
 * or objects with the single member "d" holding such a number or string.
 * Strings must be valid Unicode without U+0000. Adjacent components of one
 * kind are merged and a trailing skip is dropped, like ot-text-unicode's
 * normalize().
 *
 * Note that json-glib has already cut a string at a `\u0000` escape before
 * this sees it; pp_text_op_new_from_string() checks the raw text for that.
 *
 * Returns: (transfer full) (nullable): the normalized op, or %NULL with
 *   %PP_TEXT_OP_ERROR_INVALID naming the bad component
 */
PpTextOp *
pp_text_op_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };
  JsonArray *array;
  PpTextOp *op;
  gsize declared_length = 0;
  guint n;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "op must be a JSON array");
      return NULL;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      if (!parse_component (&builder, json_array_get_element (array, i), i, error))
        return NULL;
    }

  for (guint i = 0; builder.components != NULL && i < builder.components->len; i++)
    {
      const BuilderComponent *c = &g_array_index (builder.components, BuilderComponent, i);

      if (c->kind != PP_OP_INSERT)
        declared_length += c->count;
    }

  op = pp_text_op_builder_end (&builder);
  op->declared_length = declared_length;
  return op;
}

/**
 * pp_text_op_new_from_string:
 * @json: JSON text
 * @error: return location for a #GError
 *
 * Like pp_text_op_new_from_json(), from text. The text must also be strict
 * JSON (json-glib 1.6 alone accepts comments, single quotes, hex numbers and
 * truncates strings at `\u0000`).
 *
 * Returns: (transfer full) (nullable): the normalized op, or %NULL with
 *   %PP_TEXT_OP_ERROR_INVALID
 */
PpTextOp *
pp_text_op_new_from_string (const char  *json,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (json);
  if (!check_json_text (json, len, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, len, &local_error))
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "op is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID,
                   "op must be a JSON array");
      return NULL;
    }

  return pp_text_op_new_from_json (root, error);
}

/**
 * pp_text_op_ref:
 * @self: a #PpTextOp
 *
 * Returns: (transfer full): @self
 */
PpTextOp *
pp_text_op_ref (PpTextOp *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * pp_text_op_unref:
 * @self: (transfer full): a #PpTextOp
 */
void
pp_text_op_unref (PpTextOp *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    g_free (self);
}

/**
 * pp_text_op_to_json:
 * @self: a #PpTextOp
 *
 * Returns: (transfer full): the canonical JSON array of @self
 */
JsonNode *
pp_text_op_to_json (const PpTextOp *self)
{
  JsonArray *array;
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  array = json_array_sized_new (self->n_components);
  for (guint i = 0; i < self->n_components; i++)
    {
      const PpOpComponent *c = &self->components[i];
      JsonObject *object;

      switch (c->kind)
        {
        case PP_OP_SKIP:
          json_array_add_int_element (array, (gint64) c->count);
          break;

        case PP_OP_INSERT:
          json_array_add_string_element (array, c->text);
          break;

        case PP_OP_DELETE:
          object = json_object_new ();
          if (c->text != NULL)
            json_object_set_string_member (object, "d", c->text);
          else
            json_object_set_int_member (object, "d", (gint64) c->count);
          json_array_add_object_element (array, object);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);

  return node;
}

/**
 * pp_text_op_to_string:
 * @self: a #PpTextOp
 *
 * Returns: (transfer full): the canonical JSON text of @self, e.g. `[1,"X",{"d":2}]`
 */
char *
pp_text_op_to_string (const PpTextOp *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  node = pp_text_op_to_json (self);
  return json_to_string (node, FALSE);
}

/**
 * pp_text_op_get_n_components:
 * @self: a #PpTextOp
 *
 * Returns: the number of components
 */
guint
pp_text_op_get_n_components (const PpTextOp *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_components;
}

/**
 * pp_text_op_get_component:
 * @self: a #PpTextOp
 * @index: less than pp_text_op_get_n_components()
 *
 * Returns: (transfer none): the component, valid as long as @self
 */
const PpOpComponent *
pp_text_op_get_component (const PpTextOp *self,
                          guint           index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_components, NULL);

  return &self->components[index];
}

/**
 * pp_text_op_is_identity:
 * @self: a #PpTextOp
 *
 * Returns: whether @self is `[]`
 */
gboolean
pp_text_op_is_identity (const PpTextOp *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->n_components == 0;
}

/**
 * pp_text_op_get_base_length:
 * @self: a #PpTextOp
 *
 * Returns: skipped plus deleted code points: the least document length
 *   @self can apply to. For an op parsed from JSON this counts the trailing
 *   skip that normalization dropped, so a skip past the end is still seen.
 */
gsize
pp_text_op_get_base_length (const PpTextOp *self)
{
  gsize length = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->n_components; i++)
    {
      if (self->components[i].kind != PP_OP_INSERT)
        length += self->components[i].count;
    }

  return MAX (length, self->declared_length);
}

/**
 * pp_text_op_get_length_delta:
 * @self: a #PpTextOp
 *
 * Returns: inserted minus deleted code points
 */
gssize
pp_text_op_get_length_delta (const PpTextOp *self)
{
  gssize delta = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->n_components; i++)
    {
      const PpOpComponent *c = &self->components[i];

      if (c->kind == PP_OP_INSERT)
        delta += (gssize) c->count;
      else if (c->kind == PP_OP_DELETE)
        delta -= (gssize) c->count;
    }

  return delta;
}

/**
 * pp_text_op_is_invertible:
 * @self: a #PpTextOp
 *
 * Returns: whether every delete of @self carries its text
 */
gboolean
pp_text_op_is_invertible (const PpTextOp *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->n_components; i++)
    {
      if (self->components[i].kind == PP_OP_DELETE && self->components[i].text == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * pp_text_op_equal:
 * @a: a #PpTextOp
 * @b: a #PpTextOp
 *
 * Compares component by component; `{"d": 2}` and `{"d": "ab"}` differ.
 *
 * Returns: whether @a and @b serialize to the same JSON
 */
gboolean
pp_text_op_equal (const PpTextOp *a,
                  const PpTextOp *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->n_components != b->n_components)
    return FALSE;

  for (guint i = 0; i < a->n_components; i++)
    {
      const PpOpComponent *ca = &a->components[i];
      const PpOpComponent *cb = &b->components[i];

      if (ca->kind != cb->kind || ca->count != cb->count)
        return FALSE;
      if ((ca->text == NULL) != (cb->text == NULL))
        return FALSE;
      if (ca->text != NULL &&
          (ca->n_bytes != cb->n_bytes || memcmp (ca->text, cb->text, ca->n_bytes) != 0))
        return FALSE;
    }

  return TRUE;
}

/**
 * pp_text_op_apply:
 * @self: a #PpTextOp
 * @text: the document: valid UTF-8
 * @error: return location for a #GError
 *
 * Applies @self to @text in one pass. Stricter than ot-text-unicode: a skip
 * or delete past the end is %PP_TEXT_OP_ERROR_OUT_OF_RANGE, and a
 * `{"d": "S"}` whose S is not the document text there is
 * %PP_TEXT_OP_ERROR_MISMATCH.
 *
 * Returns: (transfer full) (nullable): the new document, or %NULL on error
 */
char *
pp_text_op_apply (const PpTextOp  *self,
                  const char      *text,
                  GError         **error)
{
  GString *out;
  const char *p;
  const char *end;
  gsize doc_bytes;
  gsize insert_bytes = 0;
  guint i;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  doc_bytes = strlen (text);
  for (i = 0; i < self->n_components; i++)
    {
      if (self->components[i].kind == PP_OP_INSERT)
        insert_bytes += self->components[i].n_bytes;
    }

  out = g_string_sized_new (doc_bytes + insert_bytes + 1);
  p = text;
  end = text + doc_bytes;

  for (i = 0; i < self->n_components; i++)
    {
      const PpOpComponent *c = &self->components[i];
      const char *next;

      switch (c->kind)
        {
        case PP_OP_SKIP:
          next = utf8_forward (p, end, c->count);
          if (next == NULL)
            goto out_of_range;
          g_string_append_len (out, p, next - p);
          p = next;
          break;

        case PP_OP_INSERT:
          g_string_append_len (out, c->text, c->n_bytes);
          break;

        case PP_OP_DELETE:
          if (c->text != NULL)
            {
              /* Equal bytes are the same code points: no walk needed. */
              if ((gsize) (end - p) < c->n_bytes || memcmp (p, c->text, c->n_bytes) != 0)
                {
                  if (utf8_forward (p, end, c->count) == NULL)
                    goto out_of_range;
                  goto mismatch;
                }
              p += c->n_bytes;
            }
          else
            {
              next = utf8_forward (p, end, c->count);
              if (next == NULL)
                goto out_of_range;
              p = next;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  /* A trailing skip that normalization dropped must fit too, as in
   * pp_document_apply(). */
  {
    gsize reached = pp_text_op_get_base_length (self);
    gsize walked = 0;

    for (guint k = 0; k < self->n_components; k++)
      if (self->components[k].kind != PP_OP_INSERT)
        walked += self->components[k].count;

    if (reached > walked && utf8_forward (p, end, reached - walked) == NULL)
      goto out_of_range;
  }

  g_string_append_len (out, p, end - p);

  return g_string_free (out, FALSE);

out_of_range:
  set_out_of_range (error, i);
  g_string_free (out, TRUE);
  return NULL;

mismatch:
  g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH,
               "component %u deletes text that is not in the document", i);
  g_string_free (out, TRUE);
  return NULL;
}

/**
 * pp_text_op_transform:
 * @self: the op to transform
 * @other: a concurrent op made on the same document
 * @side: who wins ties between inserts at one position
 *
 * ot-text-unicode's `transform(self, other, side)`: returns @self rewritten to
 * apply after @other. Neither op is checked against a document.
 *
 * ```
 *        doc
 *   self/   \other
 *      /     \
 *      \     /
 * other'\   /self' = transform (self, other, side)
 * ```
 *
 * Returns: (transfer full): the transformed op
 */
PpTextOp *
pp_text_op_transform (const PpTextOp *self,
                      const PpTextOp *other,
                      PpSide          side)
{
  PpTextOpBuilder builder;
  OpIter iter;
  Piece piece;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (other != NULL, NULL);
  g_return_val_if_fail (side == PP_SIDE_LEFT || side == PP_SIDE_RIGHT, NULL);

  pp_text_op_builder_init (&builder);
  op_iter_init (&iter, self);

  for (guint i = 0; i < other->n_components; i++)
    {
      const PpOpComponent *c2 = &other->components[i];
      gsize length;

      switch (c2->kind)
        {
        case PP_OP_SKIP:
          /* Our inserts inside the skipped span stay whole. */
          length = c2->count;
          while (length > 0)
            {
              op_iter_take (&iter, length, PP_OP_INSERT, &piece);
              builder_push_piece (&builder, &piece);
              if (piece.kind != PP_OP_INSERT)
                length -= piece.count;
            }
          break;

        case PP_OP_INSERT:
          /* On a tie the left op's insert goes first; then skip theirs. */
          if (side == PP_SIDE_LEFT && op_iter_peek_is_insert (&iter))
            {
              op_iter_take (&iter, TAKE_ALL, PP_OP_INSERT, &piece);
              builder_push_piece (&builder, &piece);
            }
          builder_push (&builder, PP_OP_SKIP, c2->count, NULL, 0);
          break;

        case PP_OP_DELETE:
          /* Text they deleted is gone: our skips and deletes over it vanish,
           * our inserts inside it survive. */
          length = c2->count;
          while (length > 0)
            {
              op_iter_take (&iter, length, PP_OP_INSERT, &piece);
              if (piece.kind == PP_OP_INSERT)
                builder_push_piece (&builder, &piece);
              else
                length -= piece.count;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  while (op_iter_take (&iter, TAKE_ALL, PP_OP_INSERT, &piece))
    builder_push_piece (&builder, &piece);

  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_compose:
 * @self: the first op
 * @next: an op that applies to the result of @self
 *
 * ot-text-unicode's `compose(self, next)`: one op with the effect of @self
 * then @next. Deletes of @next over text @self inserted cancel out; deletes
 * of @next over skipped text keep @next's text if it has one.
 *
 * Returns: (transfer full): the composed op
 */
PpTextOp *
pp_text_op_compose (const PpTextOp *self,
                    const PpTextOp *next)
{
  PpTextOpBuilder builder;
  OpIter iter;
  Piece piece;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (next != NULL, NULL);

  pp_text_op_builder_init (&builder);
  op_iter_init (&iter, self);

  for (guint i = 0; i < next->n_components; i++)
    {
      const PpOpComponent *c = &next->components[i];
      const char *del_text;
      const char *del_end;
      gsize length;
      gsize offset;

      switch (c->kind)
        {
        case PP_OP_SKIP:
          length = c->count;
          while (length > 0)
            {
              op_iter_take (&iter, length, PP_OP_DELETE, &piece);
              builder_push_piece (&builder, &piece);
              if (piece.kind != PP_OP_DELETE)
                length -= piece.count;
            }
          break;

        case PP_OP_INSERT:
          builder_push (&builder, PP_OP_INSERT, c->count, c->text, c->n_bytes);
          break;

        case PP_OP_DELETE:
          /* @del_text walks along @offset through the text of @c, if any. */
          length = c->count;
          offset = 0;
          del_text = c->text;
          del_end = c->text != NULL ? c->text + c->n_bytes : NULL;
          while (offset < length)
            {
              op_iter_take (&iter, length - offset, PP_OP_DELETE, &piece);
              switch (piece.kind)
                {
                case PP_OP_SKIP:
                  if (del_text != NULL)
                    {
                      const char *stop = utf8_forward (del_text, del_end, piece.count);

                      builder_push (&builder, PP_OP_DELETE, piece.count, del_text, stop - del_text);
                      del_text = stop;
                    }
                  else
                    {
                      builder_push (&builder, PP_OP_DELETE, piece.count, NULL, 0);
                    }
                  offset += piece.count;
                  break;

                case PP_OP_INSERT:
                  if (del_text != NULL)
                    del_text = utf8_forward (del_text, del_end, piece.count);
                  offset += piece.count;
                  break;

                case PP_OP_DELETE:
                  builder_push_piece (&builder, &piece);
                  break;

                default:
                  g_assert_not_reached ();
                }
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

  while (op_iter_take (&iter, TAKE_ALL, PP_OP_DELETE, &piece))
    builder_push_piece (&builder, &piece);

  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_make_invertible:
 * @self: a #PpTextOp
 * @text: the document @self applies to
 * @error: return location for a #GError
 *
 * Fills in the text of every delete by count from @text, as
 * ot-text-unicode's makeInvertible(). Stricter: an op that goes past the
 * end of @text fails with %PP_TEXT_OP_ERROR_OUT_OF_RANGE, and a
 * `{"d": "S"}` that does not match @text with %PP_TEXT_OP_ERROR_MISMATCH.
 *
 * Returns: (transfer full) (nullable): the invertible op, or %NULL on error
 */
PpTextOp *
pp_text_op_make_invertible (const PpTextOp  *self,
                            const char      *text,
                            GError         **error)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };
  const char *p;
  const char *end;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  p = text;
  end = text + strlen (text);

  for (guint i = 0; i < self->n_components; i++)
    {
      const PpOpComponent *c = &self->components[i];
      const char *next;

      switch (c->kind)
        {
        case PP_OP_SKIP:
          next = utf8_forward (p, end, c->count);
          if (next == NULL)
            {
              set_out_of_range (error, i);
              return NULL;
            }
          builder_push (&builder, PP_OP_SKIP, c->count, NULL, 0);
          p = next;
          break;

        case PP_OP_INSERT:
          builder_push (&builder, PP_OP_INSERT, c->count, c->text, c->n_bytes);
          break;

        case PP_OP_DELETE:
          next = utf8_forward (p, end, c->count);
          if (next == NULL)
            {
              set_out_of_range (error, i);
              return NULL;
            }
          if (c->text != NULL &&
              ((gsize) (next - p) != c->n_bytes || memcmp (p, c->text, c->n_bytes) != 0))
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH,
                           "component %u deletes text that is not in the document", i);
              return NULL;
            }
          builder_push (&builder, PP_OP_DELETE, c->count, p, next - p);
          p = next;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_invert:
 * @self: an invertible #PpTextOp (see pp_text_op_make_invertible())
 * @error: return location for a #GError
 *
 * ot-text-unicode's invert(): inserts become deletes and the reverse.
 *
 * Returns: (transfer full) (nullable): the inverse, or %NULL with
 *   %PP_TEXT_OP_ERROR_NOT_INVERTIBLE if a delete lacks its text
 */
PpTextOp *
pp_text_op_invert (const PpTextOp  *self,
                   GError         **error)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < self->n_components; i++)
    {
      const PpOpComponent *c = &self->components[i];

      switch (c->kind)
        {
        case PP_OP_SKIP:
          builder_push (&builder, PP_OP_SKIP, c->count, NULL, 0);
          break;

        case PP_OP_INSERT:
          builder_push (&builder, PP_OP_DELETE, c->count, c->text, c->n_bytes);
          break;

        case PP_OP_DELETE:
          if (c->text == NULL)
            {
              g_set_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_NOT_INVERTIBLE,
                           "component %u deletes by count; make the op invertible first", i);
              return NULL;
            }
          builder_push (&builder, PP_OP_INSERT, c->count, c->text, c->n_bytes);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return pp_text_op_builder_end (&builder);
}

/**
 * pp_text_op_transform_position:
 * @self: a #PpTextOp
 * @pos: a position in the document before @self, in code points
 * @own: whether @self was made by the owner of the caret at @pos
 *
 * With @own %FALSE this is ot-text-unicode's transformPosition(): an insert
 * exactly at @pos leaves it before the insert, and a position inside a
 * deleted span moves to the start of the span. With @own %TRUE an insert
 * exactly at @pos moves it after the insert, where its author's caret is.
 *
 * Returns: the position in the document after @self
 */
gint64
pp_text_op_transform_position (const PpTextOp *self,
                               gint64          pos,
                               gboolean        own)
{
  gint64 at = 0;

  g_return_val_if_fail (self != NULL, pos);

  for (guint i = 0; i < self->n_components && (pos > at || (own && pos == at)); i++)
    {
      const PpOpComponent *c = &self->components[i];

      switch (c->kind)
        {
        case PP_OP_SKIP:
          at += (gint64) c->count;
          break;

        case PP_OP_INSERT:
          at += (gint64) c->count;
          pos += (gint64) c->count;
          break;

        case PP_OP_DELETE:
          pos -= MIN ((gint64) c->count, pos - at);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return pos;
}

/**
 * pp_text_op_transform_ranges:
 * @self: a #PpTextOp
 * @ranges: (array length=n_ranges) (inout): selections to move
 * @n_ranges: length of @ranges
 * @own: whether @self was made by the owner of the selections
 *
 * Moves the anchor and head of each range with
 * pp_text_op_transform_position(), as ot-text-unicode's transformSelection().
 */
void
pp_text_op_transform_ranges (const PpTextOp *self,
                             PpRange        *ranges,
                             guint           n_ranges,
                             gboolean        own)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ranges != NULL || n_ranges == 0);

  for (guint i = 0; i < n_ranges; i++)
    {
      ranges[i].anchor = pp_text_op_transform_position (self, ranges[i].anchor, own);
      ranges[i].head = pp_text_op_transform_position (self, ranges[i].head, own);
    }
}
