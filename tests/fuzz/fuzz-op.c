/* fuzz-op.c: libFuzzer target for text ops: apply, transform, compose, invert and TP1.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-op"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pairpad.h>

/* The input is a document and two ops, in one of two encodings chosen by
 * the low bit of the first byte:
 *
 *  0: JSON text, "DOC\0OP_A\0OP_B", parsed like the network would be
 *     (pp_text_op_new_from_string), so malformed ops are exercised too;
 *  1: bytes read as a recipe (see read_op()), which reaches valid,
 *     overlapping ops far more often than mutated JSON does.
 *
 * Then apply, transform (both sides), compose, make_invertible/invert,
 * transform_ranges and the JSON round trip must not crash or log a
 * critical, and when both ops apply to the document, TP1 must hold:
 *
 *   apply (apply (doc, a), transform (b, a, RIGHT))
 *     == apply (apply (doc, b), transform (a, b, LEFT))
 */

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct
{
  const uint8_t *p;
  const uint8_t *end;
} Reader;

/* Multi-byte, astral, combining and plain characters. */
static const char * const alphabet[] = {
  "a", "b", "c", " ", "\n", "é", "ж", "中", "🙂", "😀", "𝄞", "\xcc\x81", "{", "\"",
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_writer_default_set_use_stderr (TRUE);

  return 0;
}

static guint
read_byte (Reader *r)
{
  return r->p < r->end ? *r->p++ : 0;
}

static void
append_chars (Reader  *r,
              GString *s,
              guint    n)
{
  for (guint i = 0; i < n; i++)
    g_string_append (s, alphabet[read_byte (r) % G_N_ELEMENTS (alphabet)]);
}

/* One op as a recipe of components, each two bytes or more: kind, count.
 * Deletes by text usually copy the document's text so they match. */
static PpTextOp *
read_op (Reader     *r,
         const char *doc)
{
  g_auto(PpTextOpBuilder) builder;
  guint n = read_byte (r) % 8;
  glong doc_len = g_utf8_strlen (doc, -1);
  glong pos = 0;

  pp_text_op_builder_init (&builder);

  for (guint i = 0; i < n; i++)
    {
      guint kind = read_byte (r);
      guint count = read_byte (r) % 8 + 1;

      switch (kind % 4)
        {
        case 0:
          pp_text_op_builder_skip (&builder, count);
          pos += count;
          break;

        case 1:
          {
            g_autoptr(GString) text = g_string_new (NULL);

            append_chars (r, text, count % 3 + 1);
            pp_text_op_builder_insert (&builder, text->str, text->len);
          }
          break;

        case 2:
          pp_text_op_builder_delete (&builder, count);
          pos += count;
          break;

        default:
          {
            g_autoptr(GString) text = g_string_new (NULL);

            if ((kind & 0x80) == 0 && pos + (glong) count <= doc_len)
              {
                const char *start = g_utf8_offset_to_pointer (doc, pos);
                const char *stop = g_utf8_offset_to_pointer (start, count);

                g_string_append_len (text, start, stop - start);
              }
            else
              append_chars (r, text, count);

            pp_text_op_builder_delete_text (&builder, text->str, text->len);
            pos += count;
          }
          break;
        }
    }

  return pp_text_op_builder_end (&builder);
}

static char *
apply_or_null (const PpTextOp *op,
               const char     *text)
{
  g_autoptr(GError) error = NULL;
  char *result = pp_text_op_apply (op, text, &error);

  if ((result == NULL) != (error != NULL))
    abort ();
  if (error != NULL && error->domain != PP_TEXT_OP_ERROR)
    abort ();

  return result;
}

static void
check_document (const char     *doc,
                const PpTextOp *op,
                const char     *expected)
{
  g_autoptr(PpDocument) document = pp_document_new (doc, -1, 0);
  g_autoptr(GError) error = NULL;
  gboolean fits = pp_document_check_op (document, op, NULL);
  gboolean applied = pp_document_apply (document, op, &error);

  if (fits != applied || applied != (expected != NULL))
    {
      g_autofree char *json = pp_text_op_to_string (op);

      g_printerr ("PpDocument and pp_text_op_apply disagree on %s\n", json);
      abort ();
    }

  if (applied)
    {
      g_autofree char *text = pp_document_dup_text (document);

      if (strcmp (text, expected) != 0)
        abort ();
    }
}

static void
check_json_round_trip (const PpTextOp *op)
{
  g_autofree char *json = pp_text_op_to_string (op);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) again = pp_text_op_new_from_string (json, &error);

  if (again == NULL || !pp_text_op_equal (op, again))
    {
      g_printerr ("op does not survive JSON: %s (%s)\n", json, error ? error->message : "differs");
      abort ();
    }
}

static void
check_invert (const PpTextOp *op,
              const char     *doc,
              const char     *after)
{
  g_autoptr(PpTextOp) invertible = NULL;
  g_autoptr(PpTextOp) inverse = NULL;
  g_autofree char *back = NULL;

  if (after == NULL)
    return;

  invertible = pp_text_op_make_invertible (op, doc, NULL);
  if (invertible == NULL)
    abort ();
  inverse = pp_text_op_invert (invertible, NULL);
  if (inverse == NULL)
    abort ();
  back = apply_or_null (inverse, after);
  if (back == NULL || strcmp (back, doc) != 0)
    {
      g_autofree char *json = pp_text_op_to_string (op);

      g_printerr ("invert does not undo %s\n", json);
      abort ();
    }
}

static void
check_ops (const char     *doc,
           const PpTextOp *a,
           const PpTextOp *b)
{
  g_autofree char *after_a = apply_or_null (a, doc);
  g_autofree char *after_b = apply_or_null (b, doc);
  g_autoptr(PpTextOp) a_left = pp_text_op_transform (a, b, PP_SIDE_LEFT);
  g_autoptr(PpTextOp) b_right = pp_text_op_transform (b, a, PP_SIDE_RIGHT);
  g_autoptr(PpTextOp) a_right = pp_text_op_transform (a, b, PP_SIDE_RIGHT);
  g_autoptr(PpTextOp) b_left = pp_text_op_transform (b, a, PP_SIDE_LEFT);
  g_autoptr(PpTextOp) ab = pp_text_op_compose (a, b);
  PpRange ranges[3] = { { 0, 0 }, { 1, 5 }, { 7, 2 } };

  check_document (doc, a, after_a);
  check_document (doc, b, after_b);
  check_json_round_trip (a);
  check_json_round_trip (b);
  check_json_round_trip (a_left);
  check_json_round_trip (ab);
  check_invert (a, doc, after_a);

  pp_text_op_transform_ranges (a, ranges, G_N_ELEMENTS (ranges), TRUE);
  pp_text_op_transform_ranges (b, ranges, G_N_ELEMENTS (ranges), FALSE);
  (void) pp_text_op_transform_position (a, g_utf8_strlen (doc, -1) + 3, FALSE);

  /* compose (a, b) applied to doc == b applied to a's result */
  if (after_a != NULL)
    {
      g_autofree char *then_b = apply_or_null (b, after_a);
      g_autofree char *composed = apply_or_null (ab, doc);

      if (then_b != NULL && (composed == NULL || strcmp (composed, then_b) != 0))
        {
          g_autofree char *ja = pp_text_op_to_string (a);
          g_autofree char *jb = pp_text_op_to_string (b);

          g_printerr ("compose broken: %s then %s\n", ja, jb);
          abort ();
        }
    }

  /* TP1, both tie-breaks */
  if (after_a != NULL && after_b != NULL)
    {
      g_autofree char *ab1 = apply_or_null (b_right, after_a);
      g_autofree char *ba1 = apply_or_null (a_left, after_b);
      g_autofree char *ab2 = apply_or_null (b_left, after_a);
      g_autofree char *ba2 = apply_or_null (a_right, after_b);

      if (ab1 == NULL || ba1 == NULL || strcmp (ab1, ba1) != 0 ||
          ab2 == NULL || ba2 == NULL || strcmp (ab2, ba2) != 0)
        {
          g_autofree char *ja = pp_text_op_to_string (a);
          g_autofree char *jb = pp_text_op_to_string (b);

          g_printerr ("TP1 fails: doc \"%s\" a %s b %s\n", doc, ja, jb);
          abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PpTextOp) a = NULL;
  g_autoptr(PpTextOp) b = NULL;
  g_autofree char *doc = NULL;

  if (size == 0 || size > 4096)
    return 0;

  if ((data[0] & 1) == 0)
    {
      /* DOC \0 OP_A \0 OP_B, each NUL-terminated by the split */
      gsize len = size - 1;
      g_autofree char *copy = g_malloc (len + 1);
      const char *parts[3] = { NULL, NULL, NULL };
      const char *p = copy;

      memcpy (copy, data + 1, len);
      copy[len] = '\0';

      for (guint i = 0; i < 3; i++)
        {
          gsize used = p - copy;

          if (used > len)
            return 0;
          parts[i] = p;
          p += strlen (p) + 1;
        }

      if (!pp_utf8_validate_unicode (parts[0], -1, NULL))
        return 0;

      a = pp_text_op_new_from_string (parts[1], NULL);
      b = pp_text_op_new_from_string (parts[2], NULL);
      if (a == NULL || b == NULL)
        return 0;
      doc = g_strdup (parts[0]);
    }
  else
    {
      Reader r = { data + 1, data + size };
      g_autoptr(GString) text = g_string_new (NULL);

      append_chars (&r, text, read_byte (&r) % 24);
      doc = g_string_free (g_steal_pointer (&text), FALSE);
      a = read_op (&r, doc);
      b = read_op (&r, doc);
    }

  check_ops (doc, a, b);

  return 0;
}
