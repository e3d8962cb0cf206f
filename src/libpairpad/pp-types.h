/* pp-types.h: forward declarations and enums shared across libpairpad.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _PpTextOp        PpTextOp;
typedef struct _PpRope          PpRope;
typedef struct _PpDocument      PpDocument;
typedef struct _PpMessage       PpMessage;
typedef struct _PpLogEntry      PpLogEntry;
typedef struct _PpUserInfo      PpUserInfo;

/**
 * PpSide:
 * @PP_SIDE_LEFT: the op being transformed wins ties (goes first at equal positions)
 * @PP_SIDE_RIGHT: the other op wins ties
 *
 * The tie-break of transform, as in ot-text-unicode's `"left"`/`"right"`.
 */
typedef enum
{
  PP_SIDE_LEFT,
  PP_SIDE_RIGHT,
} PpSide;

/**
 * PpRange:
 * @anchor: where the selection started, in code points
 * @head: where the caret is, in code points
 *
 * A selection range; a caret is a range with @anchor == @head.
 */
typedef struct
{
  gint64 anchor;
  gint64 head;
} PpRange;

G_END_DECLS
