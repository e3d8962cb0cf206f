/* ppd-access.h: a room's access settings, its owner key and share links.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <pairpad.h>

G_BEGIN_DECLS

/* What a room stores about who may enter: hashes only, never a key or a
 * token. A plain value; owned by whoever holds it. */
typedef struct
{
  char            *owner_hash;                   /* (nullable) no owner: rooms of old */
  PpGeneralAccess  general;
  gboolean         locked;
  char            *link_hash[PP_N_LINK_KINDS];   /* (nullable) the link is off */
  gint64           link_gen[PP_N_LINK_KINDS];    /* bumped by every new link */
} PpdAccess;

/* What a presented token turned out to be. */
typedef enum
{
  PPD_CREDENTIAL_NONE,       /* no token: the room link alone */
  PPD_CREDENTIAL_OWNER,
  PPD_CREDENTIAL_EDIT_LINK,
  PPD_CREDENTIAL_VIEW_LINK,
  PPD_CREDENTIAL_INVALID,    /* a token that opens nothing (revoked, rotated, made up) */
} PpdCredential;

void           ppd_access_clear        (PpdAccess       *access);
void           ppd_access_copy         (PpdAccess       *dst,
                                        const PpdAccess *src);
char          *ppd_access_new_random_token (gsize      n_bytes);
char          *ppd_access_init_owned   (PpdAccess       *access);
char          *ppd_access_hash         (const char      *token);
gboolean       ppd_access_hash_equal   (const char      *a,
                                        const char      *b);
PpdCredential  ppd_access_check_hash   (const PpdAccess *access,
                                        const char      *hash);
PpdCredential  ppd_access_check        (const PpdAccess *access,
                                        const char      *token);
gboolean       ppd_access_get_role     (const PpdAccess *access,
                                        PpdCredential    credential,
                                        PpRole          *role);
gboolean       ppd_access_get_token_role (const PpdAccess *access,
                                        const char      *token,
                                        PpRole          *role);
const char    *ppd_access_explain_refusal (const PpdAccess *access,
                                        PpdCredential    credential);
void           ppd_access_new_link     (PpdAccess       *access,
                                        const char      *owner_key,
                                        const char      *room,
                                        PpLinkKind       kind);
void           ppd_access_revoke_link  (PpdAccess       *access,
                                        PpLinkKind       kind);
JsonNode      *ppd_access_to_json      (const PpdAccess *access,
                                        const char      *owner_key,
                                        const char      *room);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpdAccess, ppd_access_clear)

G_END_DECLS
