/* test-geometry.c: where remote carets' labels and overview marks are drawn.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-geometry"

#include "config.h"

#include "pairpad-geometry.h"

static void
test_ruler_long_document (void)
{
  /* 1000 lines of 20 px on a 500 px ruler: scale 1/40. */
  g_assert_cmpfloat_with_epsilon (pairpad_geometry_ruler_mark_y (0, 20, 20000, 500, 3), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (pairpad_geometry_ruler_mark_y (10000, 20, 20000, 500, 3),
                                  250.25 - 1.5, 1e-9);
  /* The last line stays inside the ruler. */
  g_assert_cmpfloat_with_epsilon (pairpad_geometry_ruler_mark_y (19980, 20, 20000, 500, 3),
                                  497, 1e-9);
  /* Lines further down are further down: the order survives the scale. */
  for (double y = 0; y < 19980; y += 20)
    g_assert_cmpfloat (pairpad_geometry_ruler_mark_y (y, 20, 20000, 500, 3), <=,
                       pairpad_geometry_ruler_mark_y (y + 20, 20, 20000, 500, 3));
}

static void
test_ruler_short_document (void)
{
  /* Shorter than the ruler: marks sit level with their lines. */
  g_assert_cmpfloat_with_epsilon (pairpad_geometry_ruler_mark_y (40, 20, 120, 500, 3),
                                  48.5, 1e-9);
  /* A ruler too small for a mark. */
  g_assert_cmpfloat (pairpad_geometry_ruler_mark_y (40, 20, 120, 2, 3), ==, 0);
  /* A line past the content (a stale position) is clamped, not drawn outside. */
  g_assert_cmpfloat (pairpad_geometry_ruler_mark_y (900, 20, 120, 500, 3), ==, 497);
}

static void
test_label (void)
{
  /* Above the caret when there is room. */
  g_assert_cmpfloat (pairpad_geometry_label_y (100, 18, 14, 0), ==, 86);
  /* Below it on the first line... */
  g_assert_cmpfloat (pairpad_geometry_label_y (6, 18, 14, 0), ==, 24);
  /* ...and at the top of the screen, scrolled down. */
  g_assert_cmpfloat (pairpad_geometry_label_y (1000, 18, 14, 990), ==, 1018);
  g_assert_cmpfloat (pairpad_geometry_label_y (1004, 18, 14, 990), ==, 990);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pairpad/geometry/ruler/long-document", test_ruler_long_document);
  g_test_add_func ("/pairpad/geometry/ruler/short-document", test_ruler_short_document);
  g_test_add_func ("/pairpad/geometry/label", test_label);

  return g_test_run ();
}
