/* pairpad-link.c: room links (http://host:8000/r/{id}[#token=…]) and the URLs derived from them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-link"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pairpad-link.h"

G_DEFINE_QUARK (pairpad-link-error-quark, pairpad_link_error)

/* The daemon's rule (ppd_room_id_is_valid): 1–64 of [A-Za-z0-9_-]. */
gboolean
pairpad_link_room_is_valid (const char *room)
{
  gsize len = 0;

  if (room == NULL)
    return FALSE;

  for (const char *p = room; *p != '\0'; p++, len++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return len >= 1 && len <= 64;
}

/* Owner keys and share link tokens are base64url (43 characters today);
 * anything else would only be refused by the daemon. */
gboolean
pairpad_link_token_is_valid (const char *token)
{
  gsize len = 0;

  if (token == NULL)
    return FALSE;

  for (const char *p = token; *p != '\0'; p++, len++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;

  return len >= 1 && len <= 256;
}

static GUri *
parse_http_uri (const char  *text,
                GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (*stripped == '\0')
    {
      g_set_error (error, PAIRPAD_LINK_ERROR, PAIRPAD_LINK_ERROR_BAD_SERVER,
                   _("The server address is empty"));
      return NULL;
    }

  /* "localhost:8000" is what people type; it parses as scheme "localhost". */
  if (strstr (stripped, "://") == NULL)
    with_scheme = g_strconcat ("http://", stripped, NULL);
  else
    with_scheme = g_strdup (stripped);

  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, PAIRPAD_LINK_ERROR, PAIRPAD_LINK_ERROR_BAD_SERVER,
                   _("“%s” is not an http:// or https:// address"), stripped);
      return NULL;
    }

  return g_steal_pointer (&uri);
}

/* "scheme://host[:port]", lower-case scheme, no path or trailing slash. */
static char *
server_of (GUri *uri)
{
  g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  g_autofree char *host = g_ascii_strdown (g_uri_get_host (uri), -1);
  gboolean ipv6 = strchr (host, ':') != NULL;
  int port = g_uri_get_port (uri);
  gboolean default_port = port == -1 ||
                          (port == 80 && strcmp (scheme, "http") == 0) ||
                          (port == 443 && strcmp (scheme, "https") == 0);

  if (default_port)
    return g_strdup_printf ("%s://%s%s%s", scheme, ipv6 ? "[" : "", host, ipv6 ? "]" : "");

  return g_strdup_printf ("%s://%s%s%s:%d", scheme, ipv6 ? "[" : "", host, ipv6 ? "]" : "", port);
}

char *
pairpad_link_normalize_server (const char  *text,
                               GError     **error)
{
  g_autoptr(GUri) uri = parse_http_uri (text, error);

  if (uri == NULL)
    return NULL;

  return server_of (uri);
}

/* The token of a share link's fragment (already percent-decoded by
 * g_uri_parse), "token=TOKEN"; other fields, as in "a=b&token=TOKEN", are
 * skipped. NULL when the fragment has none; FALSE when it has one that
 * cannot be a token. */
static gboolean
parse_fragment_token (const char  *fragment,
                      char       **token)
{
  g_auto(GStrv) fields = NULL;

  *token = NULL;
  if (fragment == NULL)
    return TRUE;

  fields = g_strsplit (fragment, "&", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *value;

      if (!g_str_has_prefix (fields[i], "token="))
        continue;
      value = fields[i] + strlen ("token=");
      if (!pairpad_link_token_is_valid (value))
        {
          g_clear_pointer (token, g_free);
          return FALSE;
        }

      g_free (*token);
      *token = g_strdup (value);
    }

  return TRUE;
}

/* Accepts a room link (http://host:8000/r/ID, with or without a trailing
 * slash, query or fragment) or, with @default_server, a bare room id. A
 * share link's fragment "#token=TOKEN" goes to @token (NULL when the link
 * has none); pass NULL for @token to ignore it. */
gboolean
pairpad_link_parse (const char  *text,
                    const char  *default_server,
                    char       **server,
                    char       **room,
                    char       **token,
                    GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *fragment_token = NULL;
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) parts = NULL;
  const char *id = NULL;
  guint n = 0;

  g_return_val_if_fail (server != NULL, FALSE);
  g_return_val_if_fail (room != NULL, FALSE);

  if (default_server != NULL && pairpad_link_room_is_valid (stripped))
    {
      g_autofree char *normalized = pairpad_link_normalize_server (default_server, error);

      if (normalized == NULL)
        return FALSE;
      *server = g_steal_pointer (&normalized);
      *room = g_strdup (stripped);
      if (token != NULL)
        *token = NULL;
      return TRUE;
    }

  uri = parse_http_uri (stripped, error);
  if (uri == NULL)
    return FALSE;

  parts = g_strsplit (g_uri_get_path (uri), "/", -1);
  /* Non-empty path segments: exactly "r" and the id. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] == '\0')
        continue;
      if (n == 0 && strcmp (parts[i], "r") != 0)
        break;
      if (n == 1)
        id = parts[i];
      n++;
    }

  if (n != 2 || !pairpad_link_room_is_valid (id))
    {
      g_set_error (error, PAIRPAD_LINK_ERROR, PAIRPAD_LINK_ERROR_BAD_ROOM,
                   _("“%s” is not a room link like http://localhost:8000/r/abc"), stripped);
      return FALSE;
    }

  if (!parse_fragment_token (g_uri_get_fragment (uri), &fragment_token))
    {
      g_set_error (error, PAIRPAD_LINK_ERROR, PAIRPAD_LINK_ERROR_BAD_TOKEN,
                   _("The share link “%s” is cut short or garbled: copy it again"), stripped);
      return FALSE;
    }

  *server = server_of (uri);
  *room = g_strdup (id);
  if (token != NULL)
    *token = g_steal_pointer (&fragment_token);
  return TRUE;
}

char *
pairpad_link_build (const char *server,
                    const char *room)
{
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (pairpad_link_room_is_valid (room), NULL);

  return g_strdup_printf ("%s/r/%s", server, room);
}

/* The link the browser client reads too: the token rides in the fragment,
 * which browsers never send to the server (nor to its logs). */
char *
pairpad_link_build_share (const char *server,
                          const char *room,
                          const char *token)
{
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (pairpad_link_room_is_valid (room), NULL);
  g_return_val_if_fail (pairpad_link_token_is_valid (token), NULL);

  return g_strdup_printf ("%s/r/%s#token=%s", server, room, token);
}

char *
pairpad_link_build_ws_url (const char *server,
                           const char *room)
{
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (pairpad_link_room_is_valid (room), NULL);

  if (g_str_has_prefix (server, "https://"))
    return g_strdup_printf ("wss://%s/api/v1/rooms/%s/ws", server + strlen ("https://"), room);
  if (g_str_has_prefix (server, "http://"))
    return g_strdup_printf ("ws://%s/api/v1/rooms/%s/ws", server + strlen ("http://"), room);

  g_return_val_if_reached (NULL);
}

/* @path starts with a slash: "/api/v1/rooms". */
char *
pairpad_link_build_api_url (const char *server,
                            const char *path)
{
  g_return_val_if_fail (server != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  return g_strconcat (server, path, NULL);
}
