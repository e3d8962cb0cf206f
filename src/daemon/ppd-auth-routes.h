/* ppd-auth-routes.h: the /api/v1/auth endpoints: sign-up, sign-in, sign-out, app tokens.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ppd-context.h"

G_BEGIN_DECLS

void ppd_auth_routes_register (PpdContext *context);

G_END_DECLS
