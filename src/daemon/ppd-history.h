/* ppd-history.h: a room's past over REST: authorship, checkpoints, restore, download.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ppd-context.h"

G_BEGIN_DECLS

typedef enum
{
  PPD_HISTORY_BLAME,             /* GET  /api/v1/rooms/{id}/blame?v=N */
  PPD_HISTORY_LIST_CHECKPOINTS,  /* GET  /api/v1/rooms/{id}/checkpoints */
  PPD_HISTORY_ADD_CHECKPOINT,    /* POST /api/v1/rooms/{id}/checkpoints {name} */
  PPD_HISTORY_RESTORE,           /* POST /api/v1/rooms/{id}/restore {v} */
  PPD_HISTORY_DOWNLOAD,          /* GET  /api/v1/rooms/{id}/download?v=N */
} PpdHistoryAction;

void ppd_history_handle (PpdContext         *context,
                         SoupServerMessage  *msg,
                         PpdRoom            *room,
                         PpdHistoryAction    action,
                         gint64              version);

G_END_DECLS
