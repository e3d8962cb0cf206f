/* test-text-op.c: unit and property tests of PpTextOp.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-text-op"

#include "config.h"

#include <string.h>

#include <pairpad.h>

#include "test-utils.h"

#define N_PROPERTY_ITERATIONS 500

static PpTextOp *
op_from_string (const char *json)
{
  g_autoptr(GError) error = NULL;
  PpTextOp *op = pp_text_op_new_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);

  return op;
}

static void
assert_op (const PpTextOp *op,
           const char     *expected)
{
  g_autofree char *json = pp_text_op_to_string (op);

  g_assert_cmpstr (json, ==, expected);
}

static char *
apply_ok (const PpTextOp *op,
          const char     *text)
{
  g_autoptr(GError) error = NULL;
  char *result = pp_text_op_apply (op, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

/* A random op valid on @doc, built the way editors and the vectors do:
 * skips, inserts, deletes by count and by text. */
static PpTextOp *
random_op (const char *doc)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };
  gsize len = g_utf8_strlen (doc, -1);
  gsize pos = 0;
  const char *p = doc;
  guint n = g_test_rand_int_range (0, 7);

  pp_text_op_builder_init (&builder);

  for (guint i = 0; i < n; i++)
    {
      gsize left = len - pos;
      guint r = g_test_rand_int_range (0, 10);

      if (r < 3 && left > 0)
        {
          gsize k = g_test_rand_int_range (1, MIN (left, 6) + 1);

          pp_text_op_builder_skip (&builder, k);
          p = g_utf8_offset_to_pointer (p, k);
          pos += k;
        }
      else if (r < 6 || left == 0)
        {
          g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 6));

          pp_text_op_builder_insert (&builder, text, -1);
        }
      else
        {
          gsize k = g_test_rand_int_range (1, MIN (left, 6) + 1);
          const char *q = g_utf8_offset_to_pointer (p, k);

          if (g_test_rand_bit ())
            pp_text_op_builder_delete (&builder, k);
          else
            pp_text_op_builder_delete_text (&builder, p, q - p);
          p = q;
          pos += k;
        }
    }

  return pp_text_op_builder_end (&builder);
}

static char *
random_doc (void)
{
  return pp_test_random_text (g_test_rand_int_range (0, 40));
}

/* Parsing and serializing */

typedef struct
{
  const char *input;
  const char *normalized;
} RoundTrip;

static const RoundTrip round_trips[] = {
  { "[]", "[]" },
  { "[1]", "[]" },
  { "[1,2]", "[]" },
  { "[1,2,\"x\"]", "[3,\"x\"]" },
  { "[\"a\",\"b\"]", "[\"ab\"]" },
  { "[3,\"hi\",5,{\"d\":8}]", "[3,\"hi\",5,{\"d\":8}]" },
  { "[{\"d\":\"ab\"},{\"d\":1}]", "[{\"d\":3}]" },
  { "[{\"d\":1},{\"d\":\"ab\"}]", "[{\"d\":3}]" },
  { "[{\"d\":\"ab\"},{\"d\":\"c\"}]", "[{\"d\":\"abc\"}]" },
  { "[\"A\",{\"d\":1}]", "[\"A\",{\"d\":1}]" },
  { "[{\"d\":1},\"A\"]", "[{\"d\":1},\"A\"]" },
  { " [ 1 , \"é🙂\" ] ", "[1,\"é🙂\"]" },
  { "[\"\\u00e9\\ud83d\\ude00\"]", "[\"é😀\"]" },
  { "[2,{\"d\":\"\\\"\\\\/\"}]", "[2,{\"d\":\"\\\"\\\\/\"}]" },
  { "[2147483647,\"x\"]", "[2147483647,\"x\"]" },
};

static void
test_parse_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_trips); i++)
    {
      g_autoptr(PpTextOp) op = op_from_string (round_trips[i].input);
      g_autoptr(PpTextOp) again = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = pp_text_op_to_string (op);

      g_assert_cmpstr (json, ==, round_trips[i].normalized);

      again = op_from_string (json);
      g_assert_true (pp_text_op_equal (op, again));

      node = pp_text_op_to_json (op);
      g_clear_pointer (&again, pp_text_op_unref);
      again = pp_text_op_new_from_json (node, NULL);
      g_assert_nonnull (again);
      g_assert_true (pp_text_op_equal (op, again));
    }
}

static void
test_parse_components (void)
{
  g_autoptr(PpTextOp) op = op_from_string ("[2,\"a😀é\",{\"d\":3},1,{\"d\":\"中🙂\"}]");
  const PpOpComponent *c;

  g_assert_cmpuint (pp_text_op_get_n_components (op), ==, 5);

  c = pp_text_op_get_component (op, 0);
  g_assert_cmpint (c->kind, ==, PP_OP_SKIP);
  g_assert_cmpuint (c->count, ==, 2);
  g_assert_null (c->text);

  c = pp_text_op_get_component (op, 1);
  g_assert_cmpint (c->kind, ==, PP_OP_INSERT);
  g_assert_cmpuint (c->count, ==, 3);
  g_assert_cmpuint (c->n_bytes, ==, 1 + 4 + 2);
  g_assert_cmpstr (c->text, ==, "a😀é");

  c = pp_text_op_get_component (op, 2);
  g_assert_cmpint (c->kind, ==, PP_OP_DELETE);
  g_assert_cmpuint (c->count, ==, 3);
  g_assert_null (c->text);

  c = pp_text_op_get_component (op, 4);
  g_assert_cmpint (c->kind, ==, PP_OP_DELETE);
  g_assert_cmpuint (c->count, ==, 2);
  g_assert_cmpuint (c->n_bytes, ==, 3 + 4);
  g_assert_cmpstr (c->text, ==, "中🙂");

  g_assert_cmpuint (pp_text_op_get_base_length (op), ==, 2 + 3 + 1 + 2);
  g_assert_cmpint (pp_text_op_get_length_delta (op), ==, 3 - 3 - 2);
  g_assert_false (pp_text_op_is_invertible (op));
  g_assert_false (pp_text_op_is_identity (op));
}

typedef struct
{
  const char *name;
  const char *json;
  PpTextOpError code;
  int component;  /* the index the message must name, or -1 where json-glib
                   * itself may refuse the text first */
} InvalidOp;

static const InvalidOp invalid_ops[] = {
  { "empty-input", "", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "object-root", "{\"d\":1}", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "string-root", "\"abc\"", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "number-root", "5", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "null-root", "null", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "zero-skip", "[0]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "negative-skip", "[1,\"a\",-3]", PP_TEXT_OP_ERROR_INVALID, 2 },
  { "float-skip", "[1.5]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "integral-float-skip", "[2.0]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "exponent-skip", "[1e3]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "above-cap", "[2147483648,\"x\"]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "int64-max", "[9223372036854775807]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "huge", "[99999999999999999999]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "huge-negative", "[-9223372036854775809]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "empty-insert", "[1,\"\"]", PP_TEXT_OP_ERROR_INVALID, 1 },
  { "delete-zero", "[{\"d\":0}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-negative", "[{\"d\":-1}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-float", "[{\"d\":1.5}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-empty-text", "[1,{\"d\":\"\"}]", PP_TEXT_OP_ERROR_INVALID, 1 },
  { "delete-null", "[{\"d\":null}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-bool", "[{\"d\":true}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-array", "[{\"d\":[1]}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "delete-object", "[{\"d\":{\"d\":1}}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "empty-object", "[1,{}]", PP_TEXT_OP_ERROR_INVALID, 1 },
  { "extra-member", "[{\"d\":1,\"x\":2}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "wrong-member", "[{\"i\":\"a\"}]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "nested-array", "[[1]]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "null-component", "[1,null]", PP_TEXT_OP_ERROR_INVALID, 1 },
  { "true-component", "[true]", PP_TEXT_OP_ERROR_INVALID, 0 },
  { "false-component", "[\"a\",false]", PP_TEXT_OP_ERROR_INVALID, 1 },
  { "lone-high-surrogate", "[\"\\ud800\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "lone-high-surrogate-in-delete", "[{\"d\":\"a\\ud800b\"}]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "lone-low-surrogate", "[\"\\udc00x\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "lone-low-surrogate-in-delete", "[1,{\"d\":\"\\udfff\"}]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "reversed-surrogates", "[\"\\ude00\\ud83d\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "nul-escape", "[\"a\\u0000b\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "invalid-utf8", "[\"\xff\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "overlong-utf8", "[\"\xc0\xaf\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "encoded-surrogate", "[\"\xed\xa0\x80\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "raw-control-char", "[\"a\nb\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "trailing-junk", "[1] x", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "second-value", "[1] [2]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "trailing-comma", "[1,]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "unterminated", "[1,\"a\"", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "single-quotes", "['a']", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "comment", "[1 /* two */]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "hex-number", "[0x10]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "leading-zero", "[01,\"a\"]", PP_TEXT_OP_ERROR_INVALID, -1 },
  { "nan", "[NaN]", PP_TEXT_OP_ERROR_INVALID, -1 },
};

static void
test_parse_invalid (gconstpointer data)
{
  const InvalidOp *io = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) op = pp_text_op_new_from_string (io->json, &error);

  g_assert_null (op);
  g_assert_error (error, PP_TEXT_OP_ERROR, (int) io->code);
  g_test_message ("%s: %s", io->name, error->message);

  if (io->component >= 0)
    {
      g_autofree char *where = g_strdup_printf ("component %d", io->component);

      g_assert_nonnull (strstr (error->message, where));
    }
}

/* Nodes that never went through json-glib's parser. */
static void
test_parse_invalid_nodes (void)
{
  g_autoptr(JsonNode) null_node = json_node_new (JSON_NODE_NULL);
  g_autoptr(JsonNode) double_node = NULL;
  g_autoptr(JsonNode) surrogate_node = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) op = NULL;

  op = pp_text_op_new_from_json (null_node, &error);
  g_assert_null (op);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID);
  g_clear_error (&error);

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, 1);
  json_builder_add_double_value (builder, 2.0);
  json_builder_end_array (builder);
  double_node = json_builder_get_root (builder);
  op = pp_text_op_new_from_json (double_node, &error);
  g_assert_null (op);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "component 1"));
  g_clear_error (&error);

  /* A CESU-8 lone surrogate, as some JSON parsers decode "\ud800". */
  json_builder_reset (builder);
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "d");
  json_builder_add_string_value (builder, "a\xed\xa0\x80");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  surrogate_node = json_builder_get_root (builder);
  op = pp_text_op_new_from_json (surrogate_node, &error);
  g_assert_null (op);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "component 0"));
  g_clear_error (&error);

  g_assert_true (pp_utf8_validate_unicode ("a😀é", -1, NULL));
  g_assert_true (pp_utf8_validate_unicode ("", 0, NULL));
  g_assert_false (pp_utf8_validate_unicode ("a\0b", 3, &error));
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (pp_utf8_validate_unicode ("\xed\xb0\x80", -1, NULL));
  g_assert_false (pp_utf8_validate_unicode ("\xf4\x90\x80\x80", -1, NULL));
  g_assert_false (pp_utf8_validate_unicode ("\xf0\x9f\x98", -1, NULL));
}

static void
test_serialize (void)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  JsonArray *array;

  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, 4);
  pp_text_op_builder_insert (&builder, "q\"\\\n\t😀", -1);
  pp_text_op_builder_delete (&builder, 2);
  pp_text_op_builder_skip (&builder, 1);
  pp_text_op_builder_delete_text (&builder, "é中", -1);
  op = pp_text_op_builder_end (&builder);

  json = pp_text_op_to_string (op);
  g_assert_cmpstr (json, ==, "[4,\"q\\\"\\\\\\n\\t😀\",{\"d\":2},1,{\"d\":\"é中\"}]");

  node = pp_text_op_to_json (op);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "q\"\\\n\t😀");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 2), "d"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 4), "d"),
                   ==, "é中");

  again = op_from_string (json);
  g_assert_true (pp_text_op_equal (op, again));
}

/* Construction */

static void
test_constructors (void)
{
  g_autoptr(PpTextOp) identity = pp_text_op_new_identity ();
  g_autoptr(PpTextOp) ins = pp_text_op_new_insert (3, "hi");
  g_autoptr(PpTextOp) ins0 = pp_text_op_new_insert (0, "🙂");
  g_autoptr(PpTextOp) ins_empty = pp_text_op_new_insert (2, "");
  g_autoptr(PpTextOp) del = pp_text_op_new_delete (2, 3);
  g_autoptr(PpTextOp) del0 = pp_text_op_new_delete (0, 1);
  g_autoptr(PpTextOp) del_empty = pp_text_op_new_delete (5, 0);
  g_autoptr(PpTextOp) ref = NULL;
  PpTextOp *copy;

  assert_op (identity, "[]");
  g_assert_true (pp_text_op_is_identity (identity));
  g_assert_true (pp_text_op_is_invertible (identity));
  g_assert_cmpuint (pp_text_op_get_base_length (identity), ==, 0);
  assert_op (ins, "[3,\"hi\"]");
  g_assert_cmpuint (pp_text_op_get_base_length (ins), ==, 3);
  g_assert_cmpint (pp_text_op_get_length_delta (ins), ==, 2);
  assert_op (ins0, "[\"🙂\"]");
  g_assert_cmpint (pp_text_op_get_length_delta (ins0), ==, 1);
  assert_op (ins_empty, "[]");
  assert_op (del, "[2,{\"d\":3}]");
  g_assert_cmpuint (pp_text_op_get_base_length (del), ==, 5);
  g_assert_cmpint (pp_text_op_get_length_delta (del), ==, -3);
  assert_op (del0, "[{\"d\":1}]");
  assert_op (del_empty, "[]");

  ref = pp_text_op_ref (ins);
  g_assert_true (ref == ins);
  copy = g_boxed_copy (PP_TYPE_TEXT_OP, ins);
  g_assert_true (copy == ins);
  g_boxed_free (PP_TYPE_TEXT_OP, copy);
  g_assert_true (G_TYPE_IS_BOXED (PP_TYPE_TEXT_OP));
}

static void
test_builder (void)
{
  g_auto(PpTextOpBuilder) builder = { NULL, NULL };
  g_auto(PpTextOpBuilder) abandoned = { NULL, NULL };
  g_autoptr(PpTextOp) op = NULL;
  g_autoptr(PpTextOp) copy = NULL;

  /* TOOLCHAIN.md §9: normalize([0,"a",0,"b",2,{d:1},{d:2},3]) */
  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, 0);
  pp_text_op_builder_insert (&builder, "a", -1);
  pp_text_op_builder_skip (&builder, 0);
  pp_text_op_builder_insert (&builder, "bXYZ", 1);
  pp_text_op_builder_skip (&builder, 2);
  pp_text_op_builder_delete (&builder, 1);
  pp_text_op_builder_delete (&builder, 2);
  pp_text_op_builder_skip (&builder, 3);
  op = pp_text_op_builder_end (&builder);
  assert_op (op, "[\"ab\",2,{\"d\":3}]");
  g_clear_pointer (&op, pp_text_op_unref);

  /* A delete with text merged with one by count loses the text. */
  pp_text_op_builder_init (&builder);
  pp_text_op_builder_delete_text (&builder, "ab", -1);
  pp_text_op_builder_delete (&builder, 1);
  pp_text_op_builder_insert (&builder, "", 0);
  pp_text_op_builder_delete_text (&builder, "c", -1);
  pp_text_op_builder_insert (&builder, "Q", -1);
  pp_text_op_builder_delete_text (&builder, "", -1);
  pp_text_op_builder_insert (&builder, "R", -1);
  pp_text_op_builder_delete_text (&builder, "xy", 1);
  pp_text_op_builder_delete_text (&builder, "😀", -1);
  op = pp_text_op_builder_end (&builder);
  assert_op (op, "[{\"d\":4},\"QR\",{\"d\":\"x😀\"}]");

  /* append copies components of another op. */
  pp_text_op_builder_init (&builder);
  pp_text_op_builder_skip (&builder, 1);
  for (guint i = 0; i < pp_text_op_get_n_components (op); i++)
    pp_text_op_builder_append (&builder, pp_text_op_get_component (op, i));
  copy = pp_text_op_builder_end (&builder);
  assert_op (copy, "[1,{\"d\":4},\"QR\",{\"d\":\"x😀\"}]");

  /* Cleared without end by g_auto. */
  pp_text_op_builder_init (&abandoned);
  pp_text_op_builder_insert (&abandoned, "leak?", -1);
  pp_text_op_builder_delete_text (&abandoned, "no", -1);
}

static void
test_equal (void)
{
  g_autoptr(PpTextOp) a = op_from_string ("[1,{\"d\":2}]");
  g_autoptr(PpTextOp) b = op_from_string ("[1,{\"d\":\"ab\"}]");
  g_autoptr(PpTextOp) c = op_from_string ("[1,{\"d\":\"ac\"}]");
  g_autoptr(PpTextOp) d = op_from_string ("[1,{\"d\":1},{\"d\":1}]");
  g_autoptr(PpTextOp) e = op_from_string ("[1,\"x\"]");
  g_autoptr(PpTextOp) f = op_from_string ("[\"x\"]");

  g_assert_true (pp_text_op_equal (a, a));
  g_assert_true (pp_text_op_equal (a, d));
  g_assert_false (pp_text_op_equal (a, b));
  g_assert_false (pp_text_op_equal (b, c));
  g_assert_false (pp_text_op_equal (e, f));
  g_assert_false (pp_text_op_equal (a, e));
}

/* apply */

static void
test_apply (void)
{
  static const struct {
    const char *doc;
    const char *op;
    const char *result;
  } cases[] = {
    { "", "[]", "" },
    { "abc", "[]", "abc" },
    { "", "[\"x\"]", "x" },
    { "abc", "[3,\"x\"]", "abcx" },
    { "abc", "[1,{\"d\":\"x\"}]", NULL },
    { "a😀bc", "[1,{\"d\":\"😀\"}]", "abc" },
    { "a😀bc", "[2,\"X\"]", "a😀Xbc" },
    { "e\xcc\x81z", "[1,{\"d\":1},\"!\"]", "e!z" },
    { "hello world", "[5,\" big\"]", "hello big world" },
    { "abcdefghijklmnopqrstuvwxyz", "[20,{\"d\":3},\"-\"]", "abcdefghijklmnopqrst-xyz" },
    { "中文中文中文中文中文中文", "[9,{\"d\":\"文中\"}]", "中文中文中文中文中文" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTextOp) op = op_from_string (cases[i].op);
      g_autoptr(GError) error = NULL;
      g_autofree char *result = pp_text_op_apply (op, cases[i].doc, &error);

      if (cases[i].result == NULL)
        {
          g_assert_null (result);
          g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpstr (result, ==, cases[i].result);
        }
    }
}

static void
test_apply_errors (void)
{
  static const struct {
    const char *doc;
    const char *op;
    PpTextOpError code;
  } cases[] = {
    { "", "[1,\"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "abc", "[4,\"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    /* A trailing skip is dropped when the op is normalized, yet must fit,
     * as in pp_document_apply() (found by fuzz-op). */
    { "c", "[11]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "c", "[\"x\",3]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "a😀", "[3,\"x\"]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "abc", "[2,{\"d\":2}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "abc", "[{\"d\":4}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "abc", "[2,{\"d\":\"cd\"}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "abc", "[1,{\"d\":\"c\"}]", PP_TEXT_OP_ERROR_MISMATCH },
    { "abc", "[1,{\"d\":\"bC\"}]", PP_TEXT_OP_ERROR_MISMATCH },
    { "éx", "[{\"d\":\"e\\u0301\"}]", PP_TEXT_OP_ERROR_MISMATCH },
    { "é", "[{\"d\":\"e\\u0301\"}]", PP_TEXT_OP_ERROR_OUT_OF_RANGE },
    { "a😀", "[1,{\"d\":\"😁\"}]", PP_TEXT_OP_ERROR_MISMATCH },
    { "abcdef", "[1,{\"d\":1},2,{\"d\":\"x\"}]", PP_TEXT_OP_ERROR_MISMATCH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTextOp) op = op_from_string (cases[i].op);
      g_autoptr(GError) error = NULL;
      g_autofree char *result = pp_text_op_apply (op, cases[i].doc, &error);

      g_assert_null (result);
      g_assert_error (error, PP_TEXT_OP_ERROR, (int) cases[i].code);
    }
}

/* Every position of a long mixed text, to cover apply's word-at-a-time walk
 * at each alignment and the end of the document. */
static void
test_apply_long (void)
{
  g_autofree char *doc = pp_test_random_text (600);
  gsize len = g_utf8_strlen (doc, -1);
  g_autoptr(GError) error = NULL;

  for (gsize k = 0; k <= len; k++)
    {
      const char *at = g_utf8_offset_to_pointer (doc, k);
      g_autoptr(PpTextOp) ins = pp_text_op_new_insert (k, "X");
      g_autoptr(PpTextOp) del = pp_text_op_new_delete (k, 1);
      g_autoptr(PpTextOp) del_rest = pp_text_op_new_delete (k, len - k);
      g_autoptr(PpTextOp) del_too_much = pp_text_op_new_delete (k, len - k + 1);
      g_autofree char *inserted = apply_ok (ins, doc);
      g_autofree char *expected = g_strdup_printf ("%.*sX%s", (int) (at - doc), doc, at);
      g_autofree char *deleted = pp_text_op_apply (del, doc, &error);
      g_autofree char *truncated = apply_ok (del_rest, doc);
      g_autofree char *too_much = NULL;

      g_assert_cmpstr (inserted, ==, expected);
      g_assert_cmpmem (truncated, strlen (truncated), doc, at - doc);

      if (k == len)
        {
          g_assert_null (deleted);
          g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
          g_clear_error (&error);
        }
      else
        {
          g_autofree char *expected_del = g_strdup_printf ("%.*s%s", (int) (at - doc), doc,
                                                           g_utf8_next_char (at));

          g_assert_no_error (error);
          g_assert_cmpstr (deleted, ==, expected_del);
        }

      too_much = pp_text_op_apply (del_too_much, doc, &error);
      g_assert_null (too_much);
      g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
      g_clear_error (&error);
    }

  {
    g_autoptr(PpTextOp) past = pp_text_op_new_insert (len + 1, "X");
    g_autofree char *none = pp_text_op_apply (past, doc, &error);

    g_assert_null (none);
    g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  }
}

/* transform: the table of TOOLCHAIN.md §9 */

typedef struct
{
  const char *doc;
  const char *a;
  const char *b;
  const char *a_left;   /* transform (a, b, left) */
  const char *b_right;  /* transform (b, a, right) */
  const char *result;   /* a first on ties */
  const char *a_right;  /* transform (a, b, right) */
  const char *b_left;   /* transform (b, a, left) */
  const char *result2;  /* b first on ties */
} TransformCase;

static const TransformCase transform_cases[] = {
  { "abc", "[1,\"X\"]", "[1,\"Y\"]",
    "[1,\"X\"]", "[2,\"Y\"]", "aXYbc",
    "[2,\"X\"]", "[1,\"Y\"]", "aYXbc" },
  { "abcdef", "[1,{\"d\":2}]", "[2,\"Z\"]",
    "[1,{\"d\":1},1,{\"d\":1}]", "[1,\"Z\"]", "aZdef",
    "[1,{\"d\":1},1,{\"d\":1}]", "[1,\"Z\"]", "aZdef" },
  { "abcdef", "[1,{\"d\":3}]", "[2,{\"d\":3}]",
    "[1,{\"d\":1}]", "[1,{\"d\":1}]", "af",
    "[1,{\"d\":1}]", "[1,{\"d\":1}]", "af" },
  { "a😀bc", "[2,\"X\"]", "[1,{\"d\":\"😀\"}]",
    "[1,\"X\"]", "[1,{\"d\":\"😀\"}]", "aXbc",
    "[1,\"X\"]", "[1,{\"d\":\"😀\"}]", "aXbc" },
  { "hello world", "[5,\" big\"]", "[{\"d\":5},\"HELLO\"]",
    "[\" big\"]", "[{\"d\":5},4,\"HELLO\"]", " bigHELLO world",
    "[5,\" big\"]", "[{\"d\":5},\"HELLO\"]", "HELLO big world" },
  { "abcdef", "[2,{\"d\":\"cd\"}]", "[2,{\"d\":\"cd\"}]",
    "[]", "[]", "abef",
    "[]", "[]", "abef" },
};

static void
test_transform_table (gconstpointer data)
{
  const TransformCase *tc = data;
  g_autoptr(PpTextOp) a = op_from_string (tc->a);
  g_autoptr(PpTextOp) b = op_from_string (tc->b);
  g_autoptr(PpTextOp) a_left = pp_text_op_transform (a, b, PP_SIDE_LEFT);
  g_autoptr(PpTextOp) b_right = pp_text_op_transform (b, a, PP_SIDE_RIGHT);
  g_autoptr(PpTextOp) a_right = pp_text_op_transform (a, b, PP_SIDE_RIGHT);
  g_autoptr(PpTextOp) b_left = pp_text_op_transform (b, a, PP_SIDE_LEFT);
  g_autofree char *doc_a = apply_ok (a, tc->doc);
  g_autofree char *doc_b = apply_ok (b, tc->doc);
  g_autofree char *ab = NULL;
  g_autofree char *ba = NULL;
  g_autofree char *ab2 = NULL;
  g_autofree char *ba2 = NULL;

  assert_op (a_left, tc->a_left);
  assert_op (b_right, tc->b_right);
  assert_op (a_right, tc->a_right);
  assert_op (b_left, tc->b_left);

  ab = apply_ok (b_right, doc_a);
  ba = apply_ok (a_left, doc_b);
  g_assert_cmpstr (ab, ==, tc->result);
  g_assert_cmpstr (ba, ==, tc->result);

  ab2 = apply_ok (b_left, doc_a);
  ba2 = apply_ok (a_right, doc_b);
  g_assert_cmpstr (ab2, ==, tc->result2);
  g_assert_cmpstr (ba2, ==, tc->result2);
}

static void
test_transform_extra (void)
{
  static const struct {
    const char *a;
    const char *b;
    PpSide side;
    const char *expected;
  } cases[] = {
    { "[{\"d\":1},\"A\"]", "[\"B\"]", PP_SIDE_LEFT, "[1,{\"d\":1},\"A\"]" },
    { "[\"A\",{\"d\":1}]", "[\"B\"]", PP_SIDE_LEFT, "[\"A\",1,{\"d\":1}]" },
    { "[\"A\",{\"d\":1}]", "[\"B\"]", PP_SIDE_RIGHT, "[1,\"A\",{\"d\":1}]" },
    /* transform does not look at a document */
    { "[5,\"X\"]", "[1,\"Y\"]", PP_SIDE_LEFT, "[6,\"X\"]" },
    { "[]", "[1,\"Y\"]", PP_SIDE_LEFT, "[]" },
    { "[1,\"X\"]", "[]", PP_SIDE_RIGHT, "[1,\"X\"]" },
    /* an insert inside a span the other op deleted survives */
    { "[2,\"X\"]", "[1,{\"d\":3}]", PP_SIDE_LEFT, "[1,\"X\"]" },
    /* deletes keep the text of what is still there */
    { "[1,{\"d\":\"bcd\"}]", "[2,{\"d\":1}]", PP_SIDE_LEFT, "[1,{\"d\":\"bd\"}]" },
    { "[1,{\"d\":\"b😀d\"}]", "[2,\"Q\"]", PP_SIDE_RIGHT, "[1,{\"d\":\"b\"},1,{\"d\":\"😀d\"}]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTextOp) a = op_from_string (cases[i].a);
      g_autoptr(PpTextOp) b = op_from_string (cases[i].b);
      g_autoptr(PpTextOp) t = pp_text_op_transform (a, b, cases[i].side);

      assert_op (t, cases[i].expected);
    }
}

/* compose, invert */

static void
test_compose (void)
{
  static const struct {
    const char *a;
    const char *b;
    const char *expected;
  } cases[] = {
    { "[{\"d\":2}]", "[\"Q\"]", "[\"Q\",{\"d\":2}]" },
    { "[1,\"X\"]", "[{\"d\":2}]", "[{\"d\":1}]" },
    { "[1,{\"d\":\"b\"}]", "[1,{\"d\":\"c\"}]", "[1,{\"d\":\"bc\"}]" },
    { "[1,{\"d\":\"b\"}]", "[1,{\"d\":1}]", "[1,{\"d\":2}]" },
    { "[1,\"X\"]", "[{\"d\":\"aX\"}]", "[{\"d\":\"a\"}]" },
    { "[]", "[2,\"x\"]", "[2,\"x\"]" },
    { "[2,\"x\"]", "[]", "[2,\"x\"]" },
    { "[\"abc\"]", "[1,{\"d\":1}]", "[\"ac\"]" },
    { "[\"a😀c\"]", "[1,{\"d\":\"😀\"},1,\"!\"]", "[\"ac!\"]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTextOp) a = op_from_string (cases[i].a);
      g_autoptr(PpTextOp) b = op_from_string (cases[i].b);
      g_autoptr(PpTextOp) c = pp_text_op_compose (a, b);

      assert_op (c, cases[i].expected);
    }
}

static void
test_invert (void)
{
  g_autoptr(PpTextOp) op = op_from_string ("[1,\"X\",{\"d\":\"bc\"}]");
  g_autoptr(PpTextOp) inv = NULL;
  g_autoptr(PpTextOp) by_count = op_from_string ("[1,{\"d\":2}]");
  g_autoptr(PpTextOp) with_insert = op_from_string ("[1,{\"d\":2},\"Q\"]");
  g_autoptr(PpTextOp) invertible = NULL;
  g_autoptr(PpTextOp) none = NULL;
  g_autoptr(GError) error = NULL;

  inv = pp_text_op_invert (op, &error);
  g_assert_no_error (error);
  assert_op (inv, "[1,{\"d\":\"X\"},\"bc\"]");

  none = pp_text_op_invert (by_count, &error);
  g_assert_null (none);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_NOT_INVERTIBLE);
  g_clear_error (&error);

  invertible = pp_text_op_make_invertible (by_count, "abcd", &error);
  g_assert_no_error (error);
  assert_op (invertible, "[1,{\"d\":\"bc\"}]");
  g_assert_true (pp_text_op_is_invertible (invertible));
  g_clear_pointer (&invertible, pp_text_op_unref);

  /* invertWithDoc */
  invertible = pp_text_op_make_invertible (with_insert, "abcd", &error);
  g_assert_no_error (error);
  g_clear_pointer (&inv, pp_text_op_unref);
  inv = pp_text_op_invert (invertible, &error);
  g_assert_no_error (error);
  assert_op (inv, "[1,\"bc\",{\"d\":\"Q\"}]");
  g_clear_pointer (&invertible, pp_text_op_unref);

  /* make_invertible is strict about the document. */
  invertible = pp_text_op_make_invertible (by_count, "ab", &error);
  g_assert_null (invertible);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  invertible = pp_text_op_make_invertible (op, "ab", &error);
  g_assert_null (invertible);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);

  invertible = pp_text_op_make_invertible (op, "axyz", &error);
  g_assert_null (invertible);
  g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_MISMATCH);
  g_clear_error (&error);

  invertible = pp_text_op_make_invertible (op, "abcd", &error);
  g_assert_no_error (error);
  g_assert_true (pp_text_op_equal (invertible, op));
}

/* transform_position */

static void
test_transform_position (void)
{
  static const struct {
    const char *op;
    gint64 pos;
    gint64 theirs;
    gint64 own;
  } cases[] = {
    { "[1,\"XY\"]", 3, 5, 5 },
    { "[1,\"XY\"]", 1, 1, 3 },
    { "[1,\"XY\"]", 0, 0, 0 },
    { "[1,{\"d\":2}]", 2, 1, 1 },
    { "[1,{\"d\":2}]", 3, 1, 1 },
    { "[1,{\"d\":2}]", 4, 2, 2 },
    { "[1,{\"d\":2}]", 1, 1, 1 },
    { "[\"😀\"]", 0, 0, 1 },
    { "[\"😀\"]", 5, 6, 6 },
    { "[]", 7, 7, 7 },
    /* a replacement: the author's caret ends after the new text */
    { "[1,{\"d\":2},\"Q\"]", 3, 1, 2 },
    { "[1,{\"d\":2},\"Q\"]", 2, 1, 2 },
    { "[{\"d\":1},\"A\"]", 0, 0, 1 },
    { "[2,\"X\",3,\"Y\"]", 5, 6, 7 },
    { "[2,\"X\",3,\"Y\"]", 4, 5, 5 },
    { "[2,\"X\"]", -1, -1, -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTextOp) op = op_from_string (cases[i].op);
      PpRange ranges[2] = {
        { cases[i].pos, cases[i].pos },
        { 0, cases[i].pos },
      };

      g_assert_cmpint (pp_text_op_transform_position (op, cases[i].pos, FALSE), ==, cases[i].theirs);
      g_assert_cmpint (pp_text_op_transform_position (op, cases[i].pos, TRUE), ==, cases[i].own);

      pp_text_op_transform_ranges (op, ranges, G_N_ELEMENTS (ranges), FALSE);
      g_assert_cmpint (ranges[0].anchor, ==, cases[i].theirs);
      g_assert_cmpint (ranges[0].head, ==, cases[i].theirs);
      g_assert_cmpint (ranges[1].anchor, ==, pp_text_op_transform_position (op, 0, FALSE));
      g_assert_cmpint (ranges[1].head, ==, cases[i].theirs);

      ranges[0].anchor = ranges[0].head = cases[i].pos;
      pp_text_op_transform_ranges (op, ranges, 1, TRUE);
      g_assert_cmpint (ranges[0].anchor, ==, cases[i].own);
      g_assert_cmpint (ranges[0].head, ==, cases[i].own);
    }
}

/* Properties, on random texts with emoji and combining marks. --seed
 * reproduces a failure. */

static void
test_property_tp1 (void)
{
  for (guint i = 0; i < N_PROPERTY_ITERATIONS; i++)
    {
      g_autofree char *doc = random_doc ();
      g_autoptr(PpTextOp) a = random_op (doc);
      g_autoptr(PpTextOp) b = random_op (doc);
      g_autoptr(PpTextOp) a_left = pp_text_op_transform (a, b, PP_SIDE_LEFT);
      g_autoptr(PpTextOp) b_right = pp_text_op_transform (b, a, PP_SIDE_RIGHT);
      g_autoptr(PpTextOp) a_right = pp_text_op_transform (a, b, PP_SIDE_RIGHT);
      g_autoptr(PpTextOp) b_left = pp_text_op_transform (b, a, PP_SIDE_LEFT);
      g_autofree char *doc_a = apply_ok (a, doc);
      g_autofree char *doc_b = apply_ok (b, doc);
      g_autofree char *ab = apply_ok (b_right, doc_a);
      g_autofree char *ba = apply_ok (a_left, doc_b);
      g_autofree char *ab2 = apply_ok (b_left, doc_a);
      g_autofree char *ba2 = apply_ok (a_right, doc_b);
      g_autoptr(PpTextOp) ab_op = pp_text_op_compose (a, b_right);
      g_autoptr(PpTextOp) ba_op = pp_text_op_compose (b, a_left);
      g_autofree char *ab_composed = apply_ok (ab_op, doc);
      g_autofree char *ba_composed = apply_ok (ba_op, doc);

      g_assert_cmpstr (ab, ==, ba);
      g_assert_cmpstr (ab2, ==, ba2);
      g_assert_cmpstr (ab_composed, ==, ab);
      g_assert_cmpstr (ba_composed, ==, ab);
    }
}

static void
test_property_compose (void)
{
  for (guint i = 0; i < N_PROPERTY_ITERATIONS; i++)
    {
      g_autofree char *doc = random_doc ();
      g_autoptr(PpTextOp) a = random_op (doc);
      g_autofree char *doc_a = apply_ok (a, doc);
      g_autoptr(PpTextOp) b = random_op (doc_a);
      g_autofree char *doc_ab = apply_ok (b, doc_a);
      g_autoptr(PpTextOp) ab = pp_text_op_compose (a, b);
      g_autofree char *composed = apply_ok (ab, doc);

      g_assert_cmpstr (composed, ==, doc_ab);
      g_assert_cmpint ((gssize) g_utf8_strlen (doc, -1) + pp_text_op_get_length_delta (ab),
                       ==, g_utf8_strlen (doc_ab, -1));
      g_assert_cmpuint (pp_text_op_get_base_length (ab), <=, g_utf8_strlen (doc, -1));
    }
}

static void
test_property_invert (void)
{
  for (guint i = 0; i < N_PROPERTY_ITERATIONS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *doc = random_doc ();
      g_autoptr(PpTextOp) a = random_op (doc);
      g_autofree char *doc_a = apply_ok (a, doc);
      g_autoptr(PpTextOp) invertible = pp_text_op_make_invertible (a, doc, &error);
      g_autoptr(PpTextOp) inverse = NULL;
      g_autoptr(PpTextOp) twice = NULL;
      g_autofree char *undone = NULL;
      g_autofree char *redone = NULL;

      g_assert_no_error (error);
      g_assert_true (pp_text_op_is_invertible (invertible));
      inverse = pp_text_op_invert (invertible, &error);
      g_assert_no_error (error);

      undone = apply_ok (inverse, doc_a);
      g_assert_cmpstr (undone, ==, doc);

      twice = pp_text_op_invert (inverse, &error);
      g_assert_no_error (error);
      g_assert_true (pp_text_op_equal (twice, invertible));
      redone = apply_ok (twice, doc);
      g_assert_cmpstr (redone, ==, doc_a);
    }
}

static void
test_property_round_trip (void)
{
  for (guint i = 0; i < N_PROPERTY_ITERATIONS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *doc = random_doc ();
      g_autoptr(PpTextOp) a = random_op (doc);
      g_autofree char *json = pp_text_op_to_string (a);
      g_autoptr(PpTextOp) decoded = pp_text_op_new_from_string (json, &error);
      g_autoptr(JsonNode) node = pp_text_op_to_json (a);
      g_autoptr(PpTextOp) from_node = pp_text_op_new_from_json (node, &error);
      g_autofree char *json2 = NULL;

      g_assert_no_error (error);
      g_assert_true (pp_text_op_equal (a, decoded));
      g_assert_true (pp_text_op_equal (a, from_node));
      json2 = pp_text_op_to_string (decoded);
      g_assert_cmpstr (json, ==, json2);
    }
}

/* Positions stay in the document and keep their order. */
static void
test_property_positions (void)
{
  for (guint i = 0; i < N_PROPERTY_ITERATIONS; i++)
    {
      g_autofree char *doc = random_doc ();
      g_autoptr(PpTextOp) a = random_op (doc);
      g_autofree char *doc_a = apply_ok (a, doc);
      gint64 len = g_utf8_strlen (doc, -1);
      gint64 len_a = g_utf8_strlen (doc_a, -1);
      gint64 prev = 0;
      gint64 prev_own = 0;

      for (gint64 pos = 0; pos <= len; pos++)
        {
          gint64 theirs = pp_text_op_transform_position (a, pos, FALSE);
          gint64 own = pp_text_op_transform_position (a, pos, TRUE);

          g_assert_cmpint (theirs, >=, prev);
          g_assert_cmpint (own, >=, prev_own);
          g_assert_cmpint (own, >=, theirs);
          g_assert_cmpint (own, <=, len_a);
          prev = theirs;
          prev_own = own;
        }
    }
}

/* The diff of two texts turns one into the other, whatever they share;
 * multi-byte characters that differ only in their last byte included. */
static void
test_diff (void)
{
  static const char * const texts[] = {
    "", "a", "abc", "abXc", "héllo", "hèllo", "🙂", "🙃", "x🙂y", "x🙃y", "🙂🙂", "aaaa", "aa",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    for (guint j = 0; j < G_N_ELEMENTS (texts); j++)
      {
        g_autoptr(PpTextOp) op = pp_text_op_new_diff (texts[i], texts[j]);
        g_autoptr(GError) error = NULL;
        g_autofree char *result = pp_text_op_apply (op, texts[i], &error);

        g_assert_no_error (error);
        g_assert_cmpstr (result, ==, texts[j]);
        g_assert_true (pp_text_op_is_invertible (op));
        if (i == j)
          g_assert_true (pp_text_op_is_identity (op));
      }

  for (guint round = 0; round < 200; round++)
    {
      g_autofree char *a = pp_test_random_text (g_test_rand_int_range (0, 40));
      g_autofree char *b = pp_test_random_text (g_test_rand_int_range (0, 40));
      g_autoptr(PpTextOp) op = pp_text_op_new_diff (a, b);
      g_autofree char *result = pp_text_op_apply (op, a, NULL);

      g_assert_cmpstr (result, ==, b);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/text-op/parse/round-trip", test_parse_round_trip);
  g_test_add_func ("/pp/text-op/parse/components", test_parse_components);
  g_test_add_func ("/pp/text-op/parse/invalid-nodes", test_parse_invalid_nodes);
  for (guint i = 0; i < G_N_ELEMENTS (invalid_ops); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/text-op/parse/invalid/%s", invalid_ops[i].name);

      g_test_add_data_func_full (path, (gpointer) &invalid_ops[i], test_parse_invalid, NULL);
    }
  g_test_add_func ("/pp/text-op/serialize", test_serialize);
  g_test_add_func ("/pp/text-op/constructors", test_constructors);
  g_test_add_func ("/pp/text-op/builder", test_builder);
  g_test_add_func ("/pp/text-op/equal", test_equal);
  g_test_add_func ("/pp/text-op/apply/valid", test_apply);
  g_test_add_func ("/pp/text-op/apply/errors", test_apply_errors);
  g_test_add_func ("/pp/text-op/apply/long", test_apply_long);
  for (guint i = 0; i < G_N_ELEMENTS (transform_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/text-op/transform/toolchain/%u", i + 1);

      g_test_add_data_func_full (path, (gpointer) &transform_cases[i], test_transform_table, NULL);
    }
  g_test_add_func ("/pp/text-op/transform/extra", test_transform_extra);
  g_test_add_func ("/pp/text-op/compose/cases", test_compose);
  g_test_add_func ("/pp/text-op/invert/cases", test_invert);
  g_test_add_func ("/pp/text-op/transform-position/cases", test_transform_position);
  g_test_add_func ("/pp/text-op/property/tp1", test_property_tp1);
  g_test_add_func ("/pp/text-op/property/compose", test_property_compose);
  g_test_add_func ("/pp/text-op/property/invert", test_property_invert);
  g_test_add_func ("/pp/text-op/property/round-trip", test_property_round_trip);
  g_test_add_func ("/pp/text-op/property/positions", test_property_positions);
  g_test_add_func ("/pp/text-op/diff", test_diff);

  return g_test_run ();
}
