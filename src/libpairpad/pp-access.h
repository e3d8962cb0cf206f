/* pp-access.h: who may do what in a room: roles and the room's general access.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * PpRole:
 * @PP_ROLE_VIEWER: sees the room live; may not change its text or settings
 * @PP_ROLE_EDITOR: edits the text and the room's language and title
 * @PP_ROLE_OWNER: an editor who also holds the owner key: shares, locks, deletes
 *
 * What a session may do, on the wire "viewer", "editor" and "owner". While
 * the room is locked nobody edits, whatever the role.
 */
typedef enum
{
  PP_ROLE_VIEWER,
  PP_ROLE_EDITOR,
  PP_ROLE_OWNER,
} PpRole;

/**
 * PpGeneralAccess:
 * @PP_GENERAL_ACCESS_EDIT: anyone with the room link edits (the default)
 * @PP_GENERAL_ACCESS_VIEW: anyone with the room link views
 * @PP_GENERAL_ACCESS_RESTRICTED: nobody gets in without a share link
 *
 * What the room link alone grants, on the wire "edit", "view", "restricted".
 */
typedef enum
{
  PP_GENERAL_ACCESS_EDIT,
  PP_GENERAL_ACCESS_VIEW,
  PP_GENERAL_ACCESS_RESTRICTED,
} PpGeneralAccess;

/**
 * PpLinkKind:
 * @PP_LINK_EDIT: a share link whose holders edit
 * @PP_LINK_VIEW: a share link whose holders view
 */
typedef enum
{
  PP_LINK_EDIT,
  PP_LINK_VIEW,
} PpLinkKind;

#define PP_N_LINK_KINDS 2

const char *pp_role_to_string            (PpRole           role);
gboolean    pp_role_from_string          (const char      *str,
                                          PpRole          *role);
const char *pp_general_access_to_string  (PpGeneralAccess  access);
gboolean    pp_general_access_from_string (const char     *str,
                                          PpGeneralAccess *access);
const char *pp_link_kind_to_string       (PpLinkKind       kind);
gboolean    pp_link_kind_from_string     (const char      *str,
                                          PpLinkKind      *kind);

G_END_DECLS
