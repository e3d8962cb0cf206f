/* ppb-rest.h: the daemon's REST calls the benchmark needs: create a room, read its text.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

char     *ppb_rest_dup_ws_url          (const char           *base_url,
                                        const char           *room,
                                        GError              **error);
void      ppb_rest_create_room_async   (SoupSession          *session,
                                        const char           *base_url,
                                        const char           *text,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *ppb_rest_create_room_finish  (SoupSession          *session,
                                        GAsyncResult         *result,
                                        GError              **error);
void      ppb_rest_get_text_async      (SoupSession          *session,
                                        const char           *base_url,
                                        const char           *room,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
char     *ppb_rest_get_text_finish     (SoupSession          *session,
                                        GAsyncResult         *result,
                                        gint64               *version,
                                        GError              **error);

G_END_DECLS
