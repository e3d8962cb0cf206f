/* ppd-access.c: a room's access settings, its owner key and share links.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-access"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "ppd-access.h"

/* The owner key is 256 random bits, handed out once when the room is
 * created. A share link's token is derived from it (HMAC-SHA-256 of the
 * room, the kind and the link's generation, cut to 144 bits), so the owner
 * can be shown the current links again at any time while the daemon keeps
 * nothing but SHA-256 hashes: a copy of the database opens no room. Every
 * token is a capability of at least 128 unguessable bits, so a plain hash
 * is enough (a slow password hash guards against guessing low-entropy
 * secrets, which these are not). */

#define OWNER_KEY_BYTES 32
#define LINK_TOKEN_BYTES 18

void
ppd_access_clear (PpdAccess *access)
{
  g_clear_pointer (&access->owner_hash, g_free);
  for (guint i = 0; i < PP_N_LINK_KINDS; i++)
    g_clear_pointer (&access->link_hash[i], g_free);
}

void
ppd_access_copy (PpdAccess       *dst,
                 const PpdAccess *src)
{
  *dst = *src;
  dst->owner_hash = g_strdup (src->owner_hash);
  for (guint i = 0; i < PP_N_LINK_KINDS; i++)
    dst->link_hash[i] = g_strdup (src->link_hash[i]);
}

static char *
base64url (const guint8 *bytes,
           gsize         n_bytes)
{
  char *text = g_base64_encode (bytes, n_bytes);
  char *padding = strchr (text, '=');

  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (padding != NULL)
    *padding = '\0';

  return text;
}

/* @n_bytes from the kernel's CSPRNG, base64url without padding. */
char *
ppd_access_new_random_token (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);

  if (getrandom (bytes, n_bytes, 0) != (gssize) n_bytes)
    g_error ("The kernel has no random bytes to give: %s", g_strerror (errno));

  return base64url (bytes, n_bytes);
}

/* Fills @access for a new room: edit for everyone with the link, no share
 * links yet. Returns the owner key, which exists nowhere else after this. */
char *
ppd_access_init_owned (PpdAccess *access)
{
  g_autofree char *key = ppd_access_new_random_token (OWNER_KEY_BYTES);

  memset (access, 0, sizeof *access);
  access->owner_hash = ppd_access_hash (key);
  access->general = PP_GENERAL_ACCESS_EDIT;

  return g_steal_pointer (&key);
}

char *
ppd_access_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* Hashes are compared without an early exit, so timing does not tell how
 * much of a guess was right. */
gboolean
ppd_access_hash_equal (const char *a,
                       const char *b)
{
  gsize n;
  guint8 diff = 0;

  if (a == NULL || b == NULL || (n = strlen (a)) != strlen (b))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    diff |= a[i] ^ b[i];

  return diff == 0;
}

PpdCredential
ppd_access_check_hash (const PpdAccess *access,
                       const char      *hash)
{
  if (hash == NULL)
    return PPD_CREDENTIAL_NONE;
  if (ppd_access_hash_equal (hash, access->owner_hash))
    return PPD_CREDENTIAL_OWNER;
  if (ppd_access_hash_equal (hash, access->link_hash[PP_LINK_EDIT]))
    return PPD_CREDENTIAL_EDIT_LINK;
  if (ppd_access_hash_equal (hash, access->link_hash[PP_LINK_VIEW]))
    return PPD_CREDENTIAL_VIEW_LINK;

  return PPD_CREDENTIAL_INVALID;
}

/* @token: (nullable): as presented (hello.token, a bearer token) */
PpdCredential
ppd_access_check (const PpdAccess *access,
                  const char      *token)
{
  g_autofree char *hash = NULL;

  if (token == NULL || *token == '\0')
    return PPD_CREDENTIAL_NONE;

  hash = ppd_access_hash (token);
  return ppd_access_check_hash (access, hash);
}

/* FALSE: @credential does not let its holder in. */
gboolean
ppd_access_get_role (const PpdAccess *access,
                     PpdCredential    credential,
                     PpRole          *role)
{
  switch (credential)
    {
    case PPD_CREDENTIAL_OWNER:
      *role = PP_ROLE_OWNER;
      return TRUE;
    case PPD_CREDENTIAL_EDIT_LINK:
      *role = PP_ROLE_EDITOR;
      return TRUE;
    case PPD_CREDENTIAL_VIEW_LINK:
      *role = PP_ROLE_VIEWER;
      return TRUE;
    case PPD_CREDENTIAL_NONE:
      if (access->general == PP_GENERAL_ACCESS_RESTRICTED)
        return FALSE;
      *role = access->general == PP_GENERAL_ACCESS_EDIT ? PP_ROLE_EDITOR : PP_ROLE_VIEWER;
      return TRUE;
    case PPD_CREDENTIAL_INVALID:
    default:
      return FALSE;
    }
}

/* The role @token (nullable) gives; FALSE: it lets its holder nowhere. */
gboolean
ppd_access_get_token_role (const PpdAccess *access,
                           const char      *token,
                           PpRole          *role)
{
  return ppd_access_get_role (access, ppd_access_check (access, token), role);
}

/* Why ppd_access_get_role() said no, for a person. */
const char *
ppd_access_explain_refusal (const PpdAccess *access,
                            PpdCredential    credential)
{
  if (credential == PPD_CREDENTIAL_INVALID)
    return "This share link no longer works: ask the room's owner for a new one";

  return "This room is private: you need a share link from its owner";
}

static char *
link_token (const char *owner_key,
            const char *room,
            PpLinkKind  kind,
            gint64      gen)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) owner_key,
                                      strlen (owner_key));
  g_autofree char *message = g_strdup_printf ("pairpad share link\n%s\n%s\n%" G_GINT64_FORMAT,
                                              room, pp_link_kind_to_string (kind), gen);
  guint8 digest[32];
  gsize n_digest = sizeof digest;

  g_hmac_update (hmac, (const guchar *) message, -1);
  g_hmac_get_digest (hmac, digest, &n_digest);

  return base64url (digest, LINK_TOKEN_BYTES);
}

/* A new link of @kind replaces the old one, whose holders lose access. */
void
ppd_access_new_link (PpdAccess  *access,
                     const char *owner_key,
                     const char *room,
                     PpLinkKind  kind)
{
  g_autofree char *token = NULL;

  access->link_gen[kind]++;
  token = link_token (owner_key, room, kind, access->link_gen[kind]);
  g_free (access->link_hash[kind]);
  access->link_hash[kind] = ppd_access_hash (token);
}

void
ppd_access_revoke_link (PpdAccess  *access,
                        PpLinkKind  kind)
{
  g_clear_pointer (&access->link_hash[kind], g_free);
}

/* What the owner sees: {access, locked, links: {edit, view}}, each link its
 * token or null when it is off. */
JsonNode *
ppd_access_to_json (const PpdAccess *access,
                    const char      *owner_key,
                    const char      *room)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access");
  json_builder_add_string_value (builder, pp_general_access_to_string (access->general));
  json_builder_set_member_name (builder, "locked");
  json_builder_add_boolean_value (builder, access->locked);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_object (builder);
  for (PpLinkKind kind = 0; kind < PP_N_LINK_KINDS; kind++)
    {
      json_builder_set_member_name (builder, pp_link_kind_to_string (kind));
      if (access->link_hash[kind] != NULL)
        {
          g_autofree char *token = link_token (owner_key, room, kind, access->link_gen[kind]);

          json_builder_add_string_value (builder, token);
        }
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
