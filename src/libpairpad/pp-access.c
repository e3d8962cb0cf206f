/* pp-access.c: who may do what in a room: roles and the room's general access.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-access"

#include "config.h"

#include "pp-access.h"

static const char * const roles[] = { "viewer", "editor", "owner" };
static const char * const general_accesses[] = { "edit", "view", "restricted" };
static const char * const link_kinds[] = { "edit", "view" };

static gboolean
lookup (const char * const *names,
        guint               n_names,
        const char         *str,
        int                *value)
{
  for (guint i = 0; str != NULL && i < n_names; i++)
    {
      if (g_str_equal (str, names[i]))
        {
          *value = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
pp_role_to_string (PpRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (roles), NULL);

  return roles[role];
}

gboolean
pp_role_from_string (const char *str,
                     PpRole     *role)
{
  int value;

  if (!lookup (roles, G_N_ELEMENTS (roles), str, &value))
    return FALSE;
  *role = value;
  return TRUE;
}

const char *
pp_general_access_to_string (PpGeneralAccess access)
{
  g_return_val_if_fail ((guint) access < G_N_ELEMENTS (general_accesses), NULL);

  return general_accesses[access];
}

gboolean
pp_general_access_from_string (const char      *str,
                               PpGeneralAccess *access)
{
  int value;

  if (!lookup (general_accesses, G_N_ELEMENTS (general_accesses), str, &value))
    return FALSE;
  *access = value;
  return TRUE;
}

const char *
pp_link_kind_to_string (PpLinkKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (link_kinds), NULL);

  return link_kinds[kind];
}

gboolean
pp_link_kind_from_string (const char *str,
                          PpLinkKind *kind)
{
  int value;

  if (!lookup (link_kinds, G_N_ELEMENTS (link_kinds), str, &value))
    return FALSE;
  *kind = value;
  return TRUE;
}
