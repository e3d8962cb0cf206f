/* ppd-identity.h: who sent a request: an account's session, or the user a trusted proxy names.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ppd-context.h"

G_BEGIN_DECLS

gboolean  ppd_identity_check_request       (PpdContext          *context,
                                            SoupServerMessage   *msg);
char     *ppd_identity_dup_session_token   (PpdContext          *context,
                                            SoupServerMessage   *msg);
void      ppd_identity_lookup_async        (PpdContext          *context,
                                            SoupServerMessage   *msg,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
char     *ppd_identity_lookup_finish       (PpdContext          *context,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
