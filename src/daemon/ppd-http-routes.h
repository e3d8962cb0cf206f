/* ppd-http-routes.h: the REST API and the room WebSocket endpoint.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ppd-context.h"

G_BEGIN_DECLS

void ppd_http_routes_register (PpdContext *context);

G_END_DECLS
