/* pairpad-geometry.c: where other people's marks go, as pure arithmetic the tests can check.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-geometry"

#include "config.h"

#include "pairpad-geometry.h"

/**
 * pairpad_geometry_ruler_mark_y:
 * @line_y: the top of the marked line, in buffer coordinates
 * @line_height: its height
 * @content_height: the height of the whole buffer, margins included
 * @height: the height of the ruler
 * @mark_height: the height of one mark
 *
 * The top of a mark in an overview ruler. The ruler stands for the whole
 * document like the scrollbar it lies on, so a line sits at the same
 * fraction of the ruler as of the content, with a mark centred on it and
 * kept inside the ruler. A document shorter than the view is drawn at
 * scale 1, so its marks sit level with their lines.
 *
 * Returns: a y coordinate in [0, @height - @mark_height]
 */
double
pairpad_geometry_ruler_mark_y (double line_y,
                               double line_height,
                               double content_height,
                               double height,
                               double mark_height)
{
  double scale, y;

  if (height <= mark_height)
    return 0;

  scale = content_height > height ? height / content_height : 1.0;
  y = (line_y + line_height / 2) * scale - mark_height / 2;

  return CLAMP (y, 0, height - mark_height);
}

/**
 * pairpad_geometry_label_y:
 * @caret_y: the top of the caret, in buffer coordinates
 * @caret_height: its height
 * @label_height: the height of the name label
 * @visible_top: the top of the visible part of the buffer
 *
 * A name label sits just above its caret, so it hides the line before
 * rather than the text being typed; where there is no room above (the
 * first line, or the top of the screen) it goes below.
 *
 * Returns: the top of the label, in buffer coordinates
 */
double
pairpad_geometry_label_y (double caret_y,
                          double caret_height,
                          double label_height,
                          double visible_top)
{
  double above = caret_y - label_height;

  return above >= MAX (visible_top, 0) ? above : caret_y + caret_height;
}
