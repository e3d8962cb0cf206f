/* test-text-op-vectors.c: PpTextOp against results of ot-text-unicode itself.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads the file named by $PP_OT_VECTORS, written by
 * tests/vectors/gen-ot-vectors.mjs, and requires the C results of apply,
 * transform (both sides), compose, make_invertible, invert and
 * transform_position to serialize exactly as the package's.
 */
#define G_LOG_DOMAIN "test-text-op-vectors"

#include "config.h"

#include <pairpad.h>

#include "test-utils.h"

#define MIN_CASES 20000
#define MAX_REPORTED_FAILURES 20

static JsonParser *vectors_parser;
static JsonArray *vectors_cases;

typedef struct
{
  guint cases;
  guint checks;
  guint failures;
} Tally;

static void
report_failure (Tally      *tally,
                guint       index,
                const char *what,
                const char *expected,
                const char *actual)
{
  tally->failures++;
  if (tally->failures <= MAX_REPORTED_FAILURES)
    g_test_message ("case %u: %s: expected %s, got %s", index, what, expected, actual);
  g_test_fail ();
}

/* Compares the canonical serializations: the package's JSON as json-glib
 * writes it, and pp_text_op_to_string(). */
static void
check_op (Tally          *tally,
          guint           index,
          const char     *what,
          const PpTextOp *actual,
          JsonNode       *expected)
{
  g_autofree char *expected_str = json_to_string (expected, FALSE);
  g_autofree char *actual_str = actual != NULL ? pp_text_op_to_string (actual) : g_strdup ("(error)");

  tally->checks++;
  if (g_strcmp0 (expected_str, actual_str) != 0)
    report_failure (tally, index, what, expected_str, actual_str);
}

static void
check_text (Tally      *tally,
            guint       index,
            const char *what,
            const char *actual,
            const char *expected)
{
  tally->checks++;
  if (g_strcmp0 (expected, actual) != 0)
    report_failure (tally, index, what, expected, actual != NULL ? actual : "(error)");
}

/* Ops in the file are normalized already: parsing and writing them back must
 * give the same JSON. */
static PpTextOp *
parse_op (Tally      *tally,
          guint       index,
          const char *what,
          JsonNode   *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTextOp) op = pp_text_op_new_from_json (node, &error);

  if (op == NULL)
    {
      g_autofree char *json = json_to_string (node, FALSE);

      report_failure (tally, index, what, json, error->message);
      return NULL;
    }

  check_op (tally, index, what, op, node);
  return g_steal_pointer (&op);
}

static char *
apply_op (const PpTextOp *op,
          const char     *text)
{
  g_autoptr(GError) error = NULL;
  char *result;

  if (op == NULL)
    return NULL;

  result = pp_text_op_apply (op, text, &error);
  if (result == NULL)
    g_test_message ("apply failed: %s", error->message);

  return result;
}

static void
check_case (Tally      *tally,
            guint       index,
            JsonObject *vc)
{
  g_autoptr(PpTextOp) a = NULL;
  g_autoptr(PpTextOp) b = NULL;
  g_autoptr(PpTextOp) c = NULL;
  g_autoptr(PpTextOp) tl = NULL;
  g_autoptr(PpTextOp) tr = NULL;
  g_autoptr(PpTextOp) composed = NULL;
  g_autoptr(PpTextOp) invertible = NULL;
  g_autoptr(PpTextOp) inverse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *apply_a = NULL;
  g_autofree char *apply_b = NULL;
  g_autofree char *apply_b_tl = NULL;
  g_autofree char *apply_b_tr = NULL;
  g_autofree char *apply_composed = NULL;
  g_autofree char *apply_a_c = NULL;
  g_autofree char *undone = NULL;
  const char *doc = json_object_get_string_member (vc, "doc");
  JsonArray *positions;

  a = parse_op (tally, index, "parse a", json_object_get_member (vc, "a"));
  b = parse_op (tally, index, "parse b", json_object_get_member (vc, "b"));
  c = parse_op (tally, index, "parse c", json_object_get_member (vc, "c"));
  if (a == NULL || b == NULL || c == NULL)
    return;

  apply_a = apply_op (a, doc);
  check_text (tally, index, "apply a", apply_a, json_object_get_string_member (vc, "apply_a"));
  apply_b = apply_op (b, doc);
  check_text (tally, index, "apply b", apply_b, json_object_get_string_member (vc, "apply_b"));
  if (apply_a == NULL || apply_b == NULL)
    return;

  tl = pp_text_op_transform (a, b, PP_SIDE_LEFT);
  check_op (tally, index, "transform left", tl, json_object_get_member (vc, "transform_left"));
  tr = pp_text_op_transform (a, b, PP_SIDE_RIGHT);
  check_op (tally, index, "transform right", tr, json_object_get_member (vc, "transform_right"));
  apply_b_tl = apply_op (tl, apply_b);
  check_text (tally, index, "apply transform left", apply_b_tl,
              json_object_get_string_member (vc, "apply_b_transform_left"));
  apply_b_tr = apply_op (tr, apply_b);
  check_text (tally, index, "apply transform right", apply_b_tr,
              json_object_get_string_member (vc, "apply_b_transform_right"));

  composed = pp_text_op_compose (a, c);
  check_op (tally, index, "compose", composed, json_object_get_member (vc, "compose"));
  apply_composed = apply_op (composed, doc);
  check_text (tally, index, "apply compose", apply_composed,
              json_object_get_string_member (vc, "apply_compose"));
  apply_a_c = apply_op (c, apply_a);
  check_text (tally, index, "apply c", apply_a_c, json_object_get_string_member (vc, "apply_a_c"));

  invertible = pp_text_op_make_invertible (a, doc, &error);
  g_assert_no_error (error);
  check_op (tally, index, "make invertible", invertible, json_object_get_member (vc, "invertible"));
  inverse = pp_text_op_invert (invertible, &error);
  g_assert_no_error (error);
  check_op (tally, index, "invert", inverse, json_object_get_member (vc, "inverse"));
  undone = apply_op (inverse, apply_a);
  check_text (tally, index, "apply inverse", undone, doc);

  if (!pp_text_op_is_invertible (a))
    {
      g_autoptr(PpTextOp) none = pp_text_op_invert (a, &error);

      g_assert_null (none);
      g_assert_error (error, PP_TEXT_OP_ERROR, PP_TEXT_OP_ERROR_NOT_INVERTIBLE);
      g_clear_error (&error);
    }

  positions = json_object_get_array_member (vc, "positions");
  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonArray *pair = json_array_get_array_element (positions, i);
      gint64 pos = json_array_get_int_element (pair, 0);
      gint64 expected = json_array_get_int_element (pair, 1);
      gint64 actual = pp_text_op_transform_position (a, pos, FALSE);

      tally->checks++;
      if (actual != expected)
        {
          g_autofree char *what = g_strdup_printf ("transform position %" G_GINT64_FORMAT, pos);
          g_autofree char *e = g_strdup_printf ("%" G_GINT64_FORMAT, expected);
          g_autofree char *r = g_strdup_printf ("%" G_GINT64_FORMAT, actual);

          report_failure (tally, index, what, e, r);
        }
    }
}

static void
test_vectors (void)
{
  Tally tally = { 0, 0, 0 };
  guint n;

  if (vectors_cases == NULL)
    {
      g_test_skip ("PP_OT_VECTORS is not set; run gen-ot-vectors.mjs");
      return;
    }

  n = json_array_get_length (vectors_cases);
  g_assert_cmpuint (n, >=, MIN_CASES);

  for (guint i = 0; i < n; i++)
    {
      check_case (&tally, i, json_array_get_object_element (vectors_cases, i));
      tally.cases++;
    }

  g_test_message ("checked %u ot-text-unicode cases, %u comparisons, %u failures",
                  tally.cases, tally.checks, tally.failures);
  g_assert_cmpuint (tally.failures, ==, 0);
}

static void
load_vectors (const char *path)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  vectors_parser = json_parser_new_immutable ();
  json_parser_load_from_file (vectors_parser, path, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (vectors_parser));
  g_assert_cmpstr (json_object_get_string_member (root, "package"), ==, "ot-text-unicode");
  g_test_message ("vectors from %s %s, seed %" G_GINT64_FORMAT,
                  json_object_get_string_member (root, "package"),
                  json_object_get_string_member (root, "version"),
                  json_object_get_int_member (root, "seed"));
  vectors_cases = json_object_get_array_member (root, "cases");
}

int
main (int   argc,
      char *argv[])
{
  const char *path;
  int ret;

  g_test_init (&argc, &argv, NULL);

  path = g_getenv ("PP_OT_VECTORS");
  if (path != NULL && *path != '\0')
    load_vectors (path);

  g_test_add_func ("/pp/text-op/vectors/ot-text-unicode", test_vectors);

  ret = g_test_run ();
  g_clear_object (&vectors_parser);

  return ret;
}
