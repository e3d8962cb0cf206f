/* pairpad-share-dialog.h: the owner's controls: general access, share links, lock, deletion.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <pairpad.h>

#include "pairpad-rest-client.h"

G_BEGIN_DECLS

#define PAIRPAD_TYPE_SHARE_DIALOG (pairpad_share_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PairpadShareDialog, pairpad_share_dialog, PAIRPAD, SHARE_DIALOG, AdwWindow)

PairpadShareDialog *pairpad_share_dialog_new (GtkWindow         *parent,
                                              PpClientSession   *session,
                                              PairpadRestClient *rest,
                                              const char        *server,
                                              const char        *room,
                                              const char        *owner_key);

G_END_DECLS
