/* pairpad-link.h: room links (http://host:8000/r/{id}[#token=…]) and the URLs derived from them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PAIRPAD_LINK_ERROR (pairpad_link_error_quark ())

typedef enum
{
  PAIRPAD_LINK_ERROR_FAILED,
  PAIRPAD_LINK_ERROR_BAD_SERVER,
  PAIRPAD_LINK_ERROR_BAD_ROOM,
  PAIRPAD_LINK_ERROR_BAD_TOKEN,
} PairpadLinkError;

GQuark    pairpad_link_error_quark        (void);
char     *pairpad_link_normalize_server   (const char  *text,
                                           GError     **error);
gboolean  pairpad_link_parse              (const char  *text,
                                           const char  *default_server,
                                           char       **server,
                                           char       **room,
                                           char       **token,
                                           GError     **error);
gboolean  pairpad_link_room_is_valid      (const char  *room);
gboolean  pairpad_link_token_is_valid     (const char  *token);
char     *pairpad_link_build              (const char  *server,
                                           const char  *room);
char     *pairpad_link_build_share        (const char  *server,
                                           const char  *room,
                                           const char  *token);
char     *pairpad_link_build_ws_url       (const char  *server,
                                           const char  *room);
char     *pairpad_link_build_api_url      (const char  *server,
                                           const char  *path);

G_END_DECLS
