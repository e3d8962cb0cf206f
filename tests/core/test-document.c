/* test-document.c: PpDocument applies checked ops atomically.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-document"

#include "config.h"

#include <string.h>

#include <pairpad.h>

#include "test-utils.h"

static void
assert_document_text (const PpDocument *doc,
                      const char       *expected)
{
  g_autofree char *text = pp_document_dup_text (doc);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (pp_document_get_length (doc), ==, g_utf8_strlen (expected, -1));
  g_assert_cmpuint (pp_rope_get_n_bytes (pp_document_get_rope (doc)), ==, strlen (expected));
}

static PpTextOp *
op_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  PpTextOp *op = pp_text_op_new_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);

  return op;
}

static void
test_document_new (void)
{
  g_autoptr(PpDocument) doc = pp_document_new ("héllo 🙂", -1, 7);
  g_autoptr(PpDocument) empty = pp_document_new (NULL, -1, 0);
  g_autoptr(PpDocument) prefix = pp_document_new ("héllo 🙂", 3, 0);
  g_autoptr(PpDocument) copy = NULL;
  g_autoptr(PpTextOp) op = op_from_json ("[\"!\"]");

  assert_document_text (doc, "héllo 🙂");
  assert_document_text (empty, "");
  assert_document_text (prefix, "hé");
  g_assert_cmpint (pp_document_get_version (doc), ==, 7);
  g_assert_cmpuint (pp_document_get_max_length (doc), ==, PP_DOCUMENT_DEFAULT_MAX_LENGTH);
  g_assert_cmpuint (PP_DOCUMENT_DEFAULT_MAX_LENGTH, ==, 16 * 1024 * 1024);

  pp_document_set_version (doc, 9);
  pp_document_set_max_length (doc, 100);
  copy = pp_document_copy (doc);
  g_assert_cmpint (pp_document_get_version (copy), ==, 9);
  g_assert_cmpuint (pp_document_get_max_length (copy), ==, 100);
  assert_document_text (copy, "héllo 🙂");

  g_assert_true (pp_document_apply (copy, op, NULL));
  assert_document_text (copy, "!héllo 🙂");
  assert_document_text (doc, "héllo 🙂");
}

typedef struct
{
  const char *initial;
  const char *op;
  const char *expected;
} ApplyCase;

static const ApplyCase apply_cases[] = {
  { "", "[]", "" },
  { "", "[\"abc\"]", "abc" },
  { "abc", "[3, \"d\"]", "abcd" },
  { "abc", "[{\"d\": 3}]", "" },
  { "abc", "[{\"d\": \"abc\"}]", "" },
  { "a🙂b", "[1, {\"d\": \"🙂\"}, \"中\"]", "a中b" },
  { "a🙂b", "[1, \"中\", {\"d\": 1}]", "a中b" },
  /* Positions shift as the op goes: the skip counts original text. */
  { "0123456789", "[\"ab\", 2, {\"d\": 2}, \"XYZ\", 3, {\"d\": \"78\"}, \"é\"]",
    "ab01XYZ456é9" },
  { "e\xcc\x81t\xc3\xa9", "[1, {\"d\": 1}, 1, \"\xcc\x88\"]", "et\xcc\x88\xc3\xa9" },
  { "𝄞𝄞𝄞", "[1, {\"d\": \"𝄞\"}, 1, \"🚀🚀\"]", "𝄞𝄞🚀🚀" },
};

static void
test_document_apply (gconstpointer data)
{
  const ApplyCase *test = data;
  g_autoptr(PpDocument) doc = pp_document_new (test->initial, -1, 42);
  g_autoptr(PpTextOp) op = op_from_json (test->op);
  g_autoptr(GError) error = NULL;

  g_assert_true (pp_document_check_op (doc, op, &error));
  g_assert_no_error (error);
  assert_document_text (doc, test->initial);

  g_assert_true (pp_document_apply (doc, op, &error));
  g_assert_no_error (error);
  assert_document_text (doc, test->expected);
  g_assert_cmpint (pp_document_get_version (doc), ==, 42);
}

typedef struct
{
  const char    *initial;
  const char    *op;
  PpTextOpError  code;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "", "[1, \"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "", "[{\"d\": 1}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[6, \"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[{\"d\": 6}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[3, {\"d\": 3}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[{\"d\": \"héllo!\"}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  /* The insert does not make room for a later skip. */
  { "héllo", "[\"abc\", 6, \"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[{\"d\": 2}, \"zz\", 2, {\"d\": 2}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "🙂🙂", "[2, \"x\", 1, \"y\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
  { "héllo", "[{\"d\": \"hello\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  { "héllo", "[1, {\"d\": \"é\"}, \"x\", {\"d\": \"m\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  { "a🙂b", "[1, {\"d\": \"😀\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  /* Same code point count, different bytes; and a decomposed é. */
  { "a🙂b", "[1, {\"d\": \"x\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  { "héllo", "[1, {\"d\": \"e\xcc\x81\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  { "héllo", "[\"12345\", {\"d\": \"h\"}, \"x\", 3, {\"d\": \"x\"}]", PP_TEXT_OP_ERROR_MISMATCH },
};

static void
test_document_error (gconstpointer data)
{
  const ErrorCase *test = data;
  g_autoptr(PpDocument) doc = pp_document_new (test->initial, -1, 3);
  g_autoptr(PpTextOp) op = op_from_json (test->op);
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_document_check_op (doc, op, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, (int) test->code);
  g_test_message ("%s on \"%s\": %s", test->op, test->initial, error->message);
  g_clear_error (&error);
  assert_document_text (doc, test->initial);

  g_assert_false (pp_document_apply (doc, op, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, (int) test->code);
  assert_document_text (doc, test->initial);
  g_assert_cmpint (pp_document_get_version (doc), ==, 3);

  /* A NULL error works too. */
  g_assert_false (pp_document_apply (doc, op, NULL));
  assert_document_text (doc, test->initial);
}

static void
test_document_error_messages (void)
{
  g_autoptr(PpDocument) doc = pp_document_new ("héllo", -1, 0);
  g_autoptr(PpTextOp) skip = op_from_json ("[\"ab\", 4, {\"d\": 2}]");
  g_autoptr(PpTextOp) mismatch = op_from_json ("[2, {\"d\": \"x\"}]");
  g_autoptr(GError) error = NULL;

  /* Positions in messages are in the document the op applies to. */
  g_assert_false (pp_document_apply (doc, skip, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_assert_nonnull (strstr (error->message, "position 4"));
  g_assert_nonnull (strstr (error->message, "length 5"));
  g_clear_error (&error);

  g_assert_false (pp_document_apply (doc, mismatch, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "position 2"));
  /* Never the document text, which could be someone else's. */
  g_assert_null (strstr (error->message, "llo"));
}

static void
assert_too_large (PpDocument *doc,
                  const char *json)
{
  g_autoptr(PpTextOp) op = op_from_json (json);
  g_autofree char *before = pp_document_dup_text (doc);
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_document_apply (doc, op, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_TOO_LARGE);
  assert_document_text (doc, before);
}

static void
assert_applies (PpDocument *doc,
                const char *json,
                const char *expected)
{
  g_autoptr(PpTextOp) op = op_from_json (json);
  g_autoptr(GError) error = NULL;

  g_assert_true (pp_document_apply (doc, op, &error));
  g_assert_no_error (error);
  assert_document_text (doc, expected);
}

static void
test_document_too_large (void)
{
  g_autoptr(PpDocument) doc = pp_document_new ("héllo", -1, 0);

  pp_document_set_max_length (doc, 10);
  assert_too_large (doc, "[\"🙂🙂🙂🙂🙂🙂\"]");
  assert_too_large (doc, "[{\"d\": 1}, \"abcdefg\"]");
  assert_applies (doc, "[5, \"🙂🙂🙂🙂🙂\"]", "héllo🙂🙂🙂🙂🙂");
  assert_too_large (doc, "[\"x\"]");
  assert_applies (doc, "[{\"d\": 1}, \"H\"]", "Héllo🙂🙂🙂🙂🙂");

  /* A lowered limit: the document may shrink or stay, not grow. */
  pp_document_set_max_length (doc, 3);
  assert_applies (doc, "[5, {\"d\": 1}]", "Héllo🙂🙂🙂🙂");
  assert_applies (doc, "[{\"d\": 1}, \"h\"]", "héllo🙂🙂🙂🙂");
  assert_too_large (doc, "[{\"d\": 1}, \"hh\"]");

  pp_document_set_max_length (doc, 0);
  assert_applies (doc, "[{\"d\": 9}]", "");
  assert_too_large (doc, "[\"x\"]");
  assert_applies (doc, "[]", "");
}

static void
test_document_too_large_default (void)
{
  gsize limit = PP_DOCUMENT_DEFAULT_MAX_LENGTH;
  g_autofree char *text = g_strnfill (limit - 1, 'a');
  g_autoptr(PpDocument) doc = pp_document_new (text, -1, 0);
  g_autoptr(PpTextOp) two = pp_text_op_new_insert (limit / 2, "ab");
  g_autoptr(PpTextOp) one = pp_text_op_new_insert (limit - 1, "🙂");
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (pp_document_get_length (doc), ==, limit - 1);
  g_assert_false (pp_document_apply (doc, two, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_cmpuint (pp_document_get_length (doc), ==, limit - 1);

  g_assert_true (pp_document_apply (doc, one, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pp_document_get_length (doc), ==, limit);
  g_assert_true (pp_rope_range_equals (pp_document_get_rope (doc), limit - 2, "a🙂",
                                       strlen ("a🙂")));
}

static void
test_document_version (void)
{
  g_autoptr(PpDocument) doc = pp_document_new ("abc", -1, G_MAXINT64 - 1);
  g_autoptr(PpTextOp) op = pp_text_op_new_delete (1, 1);
  g_autoptr(PpTextOp) bad = pp_text_op_new_delete (1, 5);

  g_assert_true (pp_document_apply (doc, op, NULL));
  g_assert_cmpint (pp_document_get_version (doc), ==, G_MAXINT64 - 1);
  g_assert_false (pp_document_apply (doc, bad, NULL));
  g_assert_cmpint (pp_document_get_version (doc), ==, G_MAXINT64 - 1);

  pp_document_set_version (doc, -1);
  g_assert_cmpint (pp_document_get_version (doc), ==, -1);
  assert_document_text (doc, "ac");
}

/* Builds a random op over @text (n_chars long) with the builder, and the
 * text it should produce, by a plain string walk. */
static PpTextOp *
random_op (const char  *text,
           gsize        n_chars,
           char       **out_expected)
{
  g_auto(PpTextOpBuilder) builder;
  GString *expected = g_string_new (NULL);
  const char *p = text;
  gsize pos = 0;

  pp_text_op_builder_init (&builder);

  while (pos < n_chars && g_test_rand_int_range (0, 6) != 0)
    {
      gsize count = g_test_rand_int_range (1, MIN (n_chars - pos, 300) + 1);
      const char *end = g_utf8_offset_to_pointer (p, count);

      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          {
            g_autofree char *insert = pp_test_random_text (g_test_rand_int_range (1, 40));

            pp_text_op_builder_insert (&builder, insert, -1);
            g_string_append (expected, insert);
          }
          break;

        case 1:
          pp_text_op_builder_skip (&builder, count);
          g_string_append_len (expected, p, end - p);
          p = end;
          pos += count;
          break;

        case 2:
          pp_text_op_builder_delete (&builder, count);
          p = end;
          pos += count;
          break;

        default:
          pp_text_op_builder_delete_text (&builder, p, end - p);
          p = end;
          pos += count;
          break;
        }
    }

  if (pos == n_chars && g_test_rand_int_range (0, 2) == 0)
    {
      pp_text_op_builder_insert (&builder, "🚀", -1);
      g_string_append (expected, "🚀");
    }

  g_string_append (expected, p);
  *out_expected = g_string_free (expected, FALSE);

  return pp_text_op_builder_end (&builder);
}

static void
test_document_random (void)
{
  g_autofree char *initial = pp_test_random_text (20000);
  g_autoptr(PpDocument) doc = pp_document_new (initial, -1, 0);
  g_autofree char *text = g_strdup (initial);
  guint i;

  for (i = 0; i < 500; i++)
    {
      g_autofree char *expected = NULL;
      g_autoptr(PpTextOp) op = random_op (text, g_utf8_strlen (text, -1), &expected);
      g_autoptr(GError) error = NULL;

      g_assert_true (pp_document_apply (doc, op, &error));
      g_assert_no_error (error);
      assert_document_text (doc, expected);
      g_free (text);
      text = g_steal_pointer (&expected);
    }
}

/* Normalization drops a trailing skip, yet one past the end is still refused. */
static void
test_document_trailing_skip (void)
{
  g_autoptr(PpDocument) doc = pp_document_new ("héllo", -1, 0);
  g_autoptr(PpTextOp) far = op_from_json ("[100]");
  g_autoptr(PpTextOp) after_insert = op_from_json ("[\"x\", 6]");
  g_autoptr(PpTextOp) exact = op_from_json ("[\"x\", 5]");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_false (pp_document_apply (doc, far, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_false (pp_document_apply (doc, after_insert, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  g_assert_true (pp_document_apply (doc, exact, &error));
  g_assert_no_error (error);
  text = pp_document_dup_text (doc);
  g_assert_cmpstr (text, ==, "xhéllo");
}

int
main (int   argc,
      char *argv[])
{
  guint i;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/document/new", test_document_new);
  for (i = 0; i < G_N_ELEMENTS (apply_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/document/apply/%u", i);

      g_test_add_data_func (path, &apply_cases[i], test_document_apply);
    }
  for (i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/document/error/%u", i);

      g_test_add_data_func (path, &error_cases[i], test_document_error);
    }
  g_test_add_func ("/pp/document/error/messages", test_document_error_messages);
  g_test_add_func ("/pp/document/error/trailing-skip", test_document_trailing_skip);
  g_test_add_func ("/pp/document/too-large", test_document_too_large);
  g_test_add_func ("/pp/document/too-large/default", test_document_too_large_default);
  g_test_add_func ("/pp/document/version", test_document_version);
  g_test_add_func ("/pp/document/random", test_document_random);

  return g_test_run ();
}
