/* pairpad-sign-in-dialog.h: signing in to a server, or creating an account there.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_SIGN_IN_DIALOG (pairpad_sign_in_dialog_get_type ())

G_DECLARE_FINAL_TYPE (PairpadSignInDialog, pairpad_sign_in_dialog, PAIRPAD, SIGN_IN_DIALOG,
                      AdwWindow)

PairpadSignInDialog *pairpad_sign_in_dialog_new (GtkWindow  *parent,
                                                 const char *server);

G_END_DECLS
