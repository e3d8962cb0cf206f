/* pairpad-history-dialog.h: a room's past versions, who wrote them, checkpoints and restore.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <pairpad.h>

#include "pairpad-rest-client.h"

G_BEGIN_DECLS

#define PAIRPAD_TYPE_HISTORY_DIALOG (pairpad_history_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PairpadHistoryDialog, pairpad_history_dialog, PAIRPAD, HISTORY_DIALOG,
                      AdwWindow)

PairpadHistoryDialog *pairpad_history_dialog_new              (GtkWindow            *parent,
                                                               PpClientSession      *session,
                                                               PairpadRestClient    *rest,
                                                               const char           *server,
                                                               const char           *room,
                                                               const char           *token);
gint64                pairpad_history_dialog_get_shown_version (PairpadHistoryDialog *self);
void                  pairpad_history_dialog_select_version    (PairpadHistoryDialog *self,
                                                               gint64                version);

G_END_DECLS
