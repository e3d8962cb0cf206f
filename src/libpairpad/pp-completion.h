/* pp-completion.h: built-in completions: words of the document, keywords, snippets.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PP_COMPLETION_WORD,      /* an identifier or word found in the document */
  PP_COMPLETION_KEYWORD,   /* a keyword of the room's language */
  PP_COMPLETION_SNIPPET,   /* a short template of the room's language */
  PP_COMPLETION_MODEL,     /* a language model's text: inserted at the cursor, replacing nothing */
} PpCompletionKind;

/**
 * PpCompletionItem:
 * @label: what a list shows
 * @insert: what replaces the prefix when it is taken (inserted at the
 *   cursor for %PP_COMPLETION_MODEL)
 * @kind: where it comes from
 * @score: higher first
 */
typedef struct
{
  char             *label;
  char             *insert;
  PpCompletionKind  kind;
  double            score;
} PpCompletionItem;

const char       *pp_completion_kind_to_string   (PpCompletionKind  kind);
gboolean          pp_completion_kind_from_string (const char       *name,
                                                  PpCompletionKind *kind);
PpCompletionItem *pp_completion_item_new         (const char       *label,
                                                  const char       *insert,
                                                  PpCompletionKind  kind,
                                                  double            score);
void              pp_completion_item_free        (PpCompletionItem *item);
GPtrArray        *pp_completion_suggest          (const char       *text,
                                                  gsize             position,
                                                  const char       *language,
                                                  guint             max,
                                                  gsize            *prefix_length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpCompletionItem, pp_completion_item_free)

G_END_DECLS
