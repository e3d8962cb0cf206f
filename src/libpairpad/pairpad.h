/* pairpad.h: the umbrella header of libpairpad, the only one consumers include.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define PP_INSIDE
#include "pp-types.h"
#include "pp-error.h"
#include "pp-access.h"
#include "pp-text-op.h"
#include "pp-blame.h"
#include "pp-rope.h"
#include "pp-document.h"
#include "pp-language.h"
#include "pp-completion.h"
#include "pp-protocol.h"
#include "pp-client-session.h"
#include "pp-output-queue.h"
#include "pp-poller.h"
#include "pp-websocket.h"
#undef PP_INSIDE
