/* pairpad-completion-proposal.c: one completion the daemon offered: what it shows and inserts.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-completion-proposal"

#include "config.h"

#include "pairpad-completion-proposal.h"

/* An immutable item of one answer of POST /api/v1/rooms/{id}/complete.
 * How it is shown and inserted is PairpadCompletionProvider's business. */

struct _PairpadCompletionProposal
{
  GObject                parent_instance;

  /* Owned */
  char                  *label;
  char                  *insert;

  PairpadCompletionKind  kind;

  /* Flags */
  guint                  replaces_word : 1;
};

static void proposal_iface_init (GtkSourceCompletionProposalInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PairpadCompletionProposal, pairpad_completion_proposal,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROPOSAL,
                                                      proposal_iface_init))

static char *
pairpad_completion_proposal_get_typed_text (GtkSourceCompletionProposal *proposal)
{
  return g_strdup (PAIRPAD_COMPLETION_PROPOSAL (proposal)->label);
}

static void
proposal_iface_init (GtkSourceCompletionProposalInterface *iface)
{
  iface->get_typed_text = pairpad_completion_proposal_get_typed_text;
}

static void
pairpad_completion_proposal_finalize (GObject *object)
{
  PairpadCompletionProposal *self = (PairpadCompletionProposal *)object;

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->insert, g_free);

  G_OBJECT_CLASS (pairpad_completion_proposal_parent_class)->finalize (object);
}

static void
pairpad_completion_proposal_class_init (PairpadCompletionProposalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pairpad_completion_proposal_finalize;
}

static void
pairpad_completion_proposal_init (PairpadCompletionProposal *self)
{
}

/* The protocol's "word", "keyword", "snippet" or "model"; FALSE for anything else. */
gboolean
pairpad_completion_kind_parse (const char            *text,
                               PairpadCompletionKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (g_strcmp0 (text, "word") == 0)
    *kind = PAIRPAD_COMPLETION_KIND_WORD;
  else if (g_strcmp0 (text, "keyword") == 0)
    *kind = PAIRPAD_COMPLETION_KIND_KEYWORD;
  else if (g_strcmp0 (text, "snippet") == 0)
    *kind = PAIRPAD_COMPLETION_KIND_SNIPPET;
  else if (g_strcmp0 (text, "model") == 0)
    *kind = PAIRPAD_COMPLETION_KIND_MODEL;
  else
    return FALSE;

  return TRUE;
}

/* @replaces_word: whether @insert replaces the word before the caret (the
 * answer's prefix_length code points), or goes in at the caret, replacing
 * nothing ("replace": 0, a model's continuation). */
PairpadCompletionProposal *
pairpad_completion_proposal_new (const char            *label,
                                 const char            *insert,
                                 PairpadCompletionKind  kind,
                                 gboolean               replaces_word)
{
  PairpadCompletionProposal *self;

  g_return_val_if_fail (label != NULL, NULL);
  g_return_val_if_fail (insert != NULL, NULL);

  self = g_object_new (PAIRPAD_TYPE_COMPLETION_PROPOSAL, NULL);
  self->label = g_strdup (label);
  self->insert = g_strdup (insert);
  self->kind = kind;
  self->replaces_word = !!replaces_word;

  return self;
}

const char *
pairpad_completion_proposal_get_label (PairpadCompletionProposal *self)
{
  g_return_val_if_fail (PAIRPAD_IS_COMPLETION_PROPOSAL (self), NULL);

  return self->label;
}

/* What replaces the word before the caret, or goes in at the caret. */
const char *
pairpad_completion_proposal_get_insert (PairpadCompletionProposal *self)
{
  g_return_val_if_fail (PAIRPAD_IS_COMPLETION_PROPOSAL (self), NULL);

  return self->insert;
}

PairpadCompletionKind
pairpad_completion_proposal_get_kind (PairpadCompletionProposal *self)
{
  g_return_val_if_fail (PAIRPAD_IS_COMPLETION_PROPOSAL (self), PAIRPAD_COMPLETION_KIND_WORD);

  return self->kind;
}

gboolean
pairpad_completion_proposal_replaces_word (PairpadCompletionProposal *self)
{
  g_return_val_if_fail (PAIRPAD_IS_COMPLETION_PROPOSAL (self), TRUE);

  return self->replaces_word;
}
