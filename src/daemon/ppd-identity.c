/* ppd-identity.c: who sent a request: an account's session, or the user a trusted proxy names.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-identity"

#include "config.h"

#include "ppd-accounts.h"
#include "ppd-http-responses.h"
#include "ppd-identity.h"

/* A request's identity is a verified name, or none. Where it comes from
 * depends on --auth:
 *
 * - accounts: a session token, from the pairpad_session cookie (browsers,
 *   whose WebSockets cannot carry other credentials) or from
 *   "Authorization: Bearer pa.…" (the desktop app). A token that opens no
 *   session (signed out, expired, made up) is no identity, not an error:
 *   the person is anonymous until they sign in again.
 * - proxy-header=HEADER: the reverse proxy that authenticated the person
 *   names them in HEADER. It is believed only from --trusted-proxy
 *   addresses; from anywhere else the request is refused, so that spoofing
 *   shows instead of passing as an anonymous request.
 *
 * Nothing here decides what an identity may do. */

static const char *
get_proxy_header (const PpdConfig   *config,
                  SoupServerMessage *msg)
{
  if (config->auth_mode != PPD_AUTH_PROXY_HEADER)
    return NULL;

  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                       config->auth_header);
}

/* What a room would take as hello.name. */
static gboolean
is_valid_user_name (const PpdConfig *config,
                    const char      *name)
{
  glong n_chars;

  if (!pp_utf8_validate_unicode (name, -1, NULL))
    return FALSE;

  n_chars = g_utf8_strlen (name, -1);
  if (n_chars < 1 || (gulong) n_chars > config->limits.max_name_chars)
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

/* FALSE when @msg was answered: it carries the proxy header but does not
 * come from a trusted proxy (403), or the header names nobody usable (400).
 * An empty header is a proxy saying "nobody signed in". */
gboolean
ppd_identity_check_request (PpdContext        *context,
                            SoupServerMessage *msg)
{
  const PpdConfig *config = ppd_context_get_config (context);
  const char *name = get_proxy_header (config, msg);
  g_autofree char *message = NULL;

  if (name == NULL)
    return TRUE;

  if (!ppd_http_is_from_trusted_proxy (context, msg))
    {
      g_info ("Refused a request from %s: it carries %s but is not from a trusted proxy",
              soup_server_message_get_remote_host (msg), config->auth_header);
      message = g_strdup_printf ("%s is only accepted from the configured proxies",
                                 config->auth_header);
      ppd_http_respond_error (context, msg, SOUP_STATUS_FORBIDDEN, PP_PROTOCOL_ERROR_FORBIDDEN,
                              message);
      return FALSE;
    }

  if (*name != '\0' && !is_valid_user_name (config, name))
    {
      message = g_strdup_printf ("%s must name the user in 1 to %u characters", config->auth_header,
                                 config->limits.max_name_chars);
      ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                              message);
      return FALSE;
    }

  return TRUE;
}

/* The account session token @msg carries (a bearer token first, then the
 * cookie), or NULL; whether it opens a session is for the store to say. */
char *
ppd_identity_dup_session_token (PpdContext        *context,
                                SoupServerMessage *msg)
{
  const char *bearer;
  g_autofree char *cookie = NULL;

  if (ppd_context_get_config (context)->auth_mode != PPD_AUTH_ACCOUNTS)
    return NULL;

  bearer = ppd_http_get_session_bearer (msg);
  if (bearer != NULL)
    return g_strdup (bearer);

  cookie = ppd_http_dup_cookie (msg, PPD_SESSION_COOKIE);
  return ppd_accounts_is_session_token (cookie) ? g_steal_pointer (&cookie) : NULL;
}

static void
on_session_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  char *name = ppd_store_get_session_finish (PPD_STORE (source), result, &error);

  if (name != NULL)
    g_task_return_pointer (task, name, g_free);
  else if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
    g_task_return_pointer (task, NULL, NULL);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

/* Reads what it needs from @msg before returning: @msg may be gone by the
 * time the answer comes. */
void
ppd_identity_lookup_async (PpdContext          *context,
                           SoupServerMessage   *msg,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  const PpdConfig *config = ppd_context_get_config (context);
  g_autoptr(GTask) task = g_task_new (context, cancellable, callback, user_data);
  g_autofree char *token = NULL;
  g_autofree char *hash = NULL;
  const char *name;

  g_task_set_source_tag (task, ppd_identity_lookup_async);

  switch (config->auth_mode)
    {
    case PPD_AUTH_PROXY_HEADER:
      /* ppd_identity_check_request() refused the rest already; checked
       * again so that no caller can let a spoofed name through. */
      name = get_proxy_header (config, msg);
      if (name != NULL && *name != '\0' && ppd_http_is_from_trusted_proxy (context, msg) &&
          is_valid_user_name (config, name))
        {
          g_task_return_pointer (task, g_strdup (name), g_free);
          return;
        }
      break;

    case PPD_AUTH_ACCOUNTS:
      token = ppd_identity_dup_session_token (context, msg);
      if (token == NULL)
        break;
      hash = ppd_access_hash (token);
      ppd_store_get_session_async (ppd_context_get_store (context), hash, cancellable,
                                   on_session_read, g_steal_pointer (&task));
      return;

    case PPD_AUTH_NONE:
    default:
      break;
    }

  g_task_return_pointer (task, NULL, NULL);
}

/* The verified name, or NULL: anonymous when @error is not set, the store
 * failed when it is. */
char *
ppd_identity_lookup_finish (PpdContext    *context,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, context), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ppd_identity_lookup_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
