/* ppd-room-admin.h: what a room's owner does over REST: access, share links, lock, delete.
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
  PPD_ROOM_ADMIN_GET_ACCESS,    /* GET    /api/v1/rooms/{id}/access */
  PPD_ROOM_ADMIN_SET_ACCESS,    /* PATCH  /api/v1/rooms/{id}/access {access?, locked?} */
  PPD_ROOM_ADMIN_NEW_LINK,      /* POST   /api/v1/rooms/{id}/links/{edit|view} */
  PPD_ROOM_ADMIN_REVOKE_LINK,   /* DELETE /api/v1/rooms/{id}/links/{edit|view} */
  PPD_ROOM_ADMIN_DELETE_ROOM,   /* DELETE /api/v1/rooms/{id} */
} PpdRoomAdminAction;

void ppd_room_admin_handle (PpdContext         *context,
                            SoupServerMessage  *msg,
                            PpdRoom            *room,
                            PpdRoomAdminAction  action,
                            PpLinkKind          kind);

G_END_DECLS
