/* pairpad-completion-proposal.h: one completion the daemon offered: what it shows and inserts.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>

G_BEGIN_DECLS

typedef enum
{
  PAIRPAD_COMPLETION_KIND_WORD,    /* from the room's text */
  PAIRPAD_COMPLETION_KIND_KEYWORD, /* of the room's language */
  PAIRPAD_COMPLETION_KIND_SNIPPET, /* of the room's language */
  PAIRPAD_COMPLETION_KIND_MODEL,   /* what a language model says follows the caret */
} PairpadCompletionKind;

#define PAIRPAD_TYPE_COMPLETION_PROPOSAL (pairpad_completion_proposal_get_type ())

G_DECLARE_FINAL_TYPE (PairpadCompletionProposal, pairpad_completion_proposal,
                      PAIRPAD, COMPLETION_PROPOSAL, GObject)

gboolean                   pairpad_completion_kind_parse   (const char            *text,
                                                            PairpadCompletionKind *kind);

PairpadCompletionProposal *pairpad_completion_proposal_new (const char            *label,
                                                            const char            *insert,
                                                            PairpadCompletionKind  kind,
                                                            gboolean               replaces_word);

const char            *pairpad_completion_proposal_get_label     (PairpadCompletionProposal *self);
const char            *pairpad_completion_proposal_get_insert    (PairpadCompletionProposal *self);
PairpadCompletionKind  pairpad_completion_proposal_get_kind      (PairpadCompletionProposal *self);
gboolean               pairpad_completion_proposal_replaces_word (PairpadCompletionProposal *self);

G_END_DECLS
