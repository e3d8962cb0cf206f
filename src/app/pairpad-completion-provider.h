/* pairpad-completion-provider.h: the daemon's completions in the room's editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtksourceview/gtksource.h>
#include <pairpad.h>

#include "pairpad-rest-client.h"

G_BEGIN_DECLS

#define PAIRPAD_TYPE_COMPLETION_PROVIDER (pairpad_completion_provider_get_type ())

G_DECLARE_FINAL_TYPE (PairpadCompletionProvider, pairpad_completion_provider,
                      PAIRPAD, COMPLETION_PROVIDER, GObject)

PairpadCompletionProvider *pairpad_completion_provider_new       (PpClientSession   *session,
                                                                  PairpadRestClient *rest,
                                                                  const char        *server,
                                                                  const char        *room);
void                       pairpad_completion_provider_set_token (PairpadCompletionProvider *self,
                                                                  const char                *token);

G_END_DECLS
