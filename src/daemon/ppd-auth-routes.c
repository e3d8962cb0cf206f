/* ppd-auth-routes.c: the /api/v1/auth endpoints: sign-up, sign-in, sign-out, app tokens.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-auth-routes"

#include "config.h"

#include <string.h>

#include "ppd-accounts.h"
#include "ppd-auth-routes.h"
#include "ppd-http-responses.h"
#include "ppd-identity.h"

/* GET /api/v1/auth answers in every --auth mode (clients ask it what to
 * show); the rest exists only with --auth accounts. Hashing a password and
 * every store job run off the main thread: the message is paused, held by
 * a Call through the chain of callbacks, and answered by the last one.
 * Sign-in answers an unknown name exactly as a wrong password, after the
 * same hashing work, so neither the answer nor its timing tells which
 * names exist (sign-up has to tell: "That name is taken"). Both count
 * against the client address's sign-in limit. */

#define AUTH_PREFIX "/api/v1/auth"
/* A name and a password of the largest sizes allowed, with room to spare. */
#define MAX_BODY_BYTES (16 * 1024)

typedef enum
{
  ACTION_STATUS,       /* GET /api/v1/auth */
  ACTION_SIGN_UP,      /* POST /api/v1/auth/signup */
  ACTION_SIGN_IN,      /* POST /api/v1/auth/signin */
  ACTION_SIGN_OUT,     /* POST /api/v1/auth/signout */
  ACTION_NEW_TOKEN,    /* POST /api/v1/auth/tokens */
  ACTION_DROP_TOKEN,   /* DELETE /api/v1/auth/tokens/current */
} Action;

typedef struct
{
  PpdContext        *context;
  SoupServerMessage *msg;
  Action             action;
  char              *name;       /* (nullable) as sent, then as stored */
  char              *password;   /* (nullable) */
  char              *token;      /* (nullable) the session's token */
} Call;

static void
clear_secret (char **secret)
{
  if (*secret != NULL)
    explicit_bzero (*secret, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

static void
call_free (Call *call)
{
  g_object_unref (call->context);
  g_object_unref (call->msg);
  g_free (call->name);
  clear_secret (&call->password);
  clear_secret (&call->token);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* Takes @name and @password. */
static Call *
call_new (PpdContext        *context,
          SoupServerMessage *msg,
          Action             action,
          char              *name,
          char              *password)
{
  Call *call = g_new0 (Call, 1);

  call->context = g_object_ref (context);
  call->msg = g_object_ref (msg);
  call->action = action;
  call->name = name;
  call->password = password;
  /* Replaced before the unpause; libsoup wants a status once the handler returns. */
  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_pause (msg);

  return call;
}

static PpdStore *
call_get_store (Call *call)
{
  return ppd_context_get_store (call->context);
}

/* The call's last step: answered, or failed here with a warning. */
static void
call_respond_unavailable (Call         *call,
                          const GError *error)
{
  g_warning ("Accounts: %s", error->message);
  ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                          PP_PROTOCOL_ERROR_INTERNAL,
                          "Accounts are unavailable right now; try again later");
}

/* Whether the browser reached the daemon over TLS: its own, or a trusted
 * proxy's that says so. */
static gboolean
is_https (PpdContext        *context,
          SoupServerMessage *msg)
{
  const char *proto;

  if (ppd_context_get_config (context)->tls_cert != NULL)
    return TRUE;
  if (!ppd_http_is_from_trusted_proxy (context, msg))
    return FALSE;

  proto = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                        "X-Forwarded-Proto");
  return proto != NULL && g_ascii_strcasecmp (proto, "https") == 0;
}

/* Lax keeps the cookie off other sites' cross-site requests; HttpOnly keeps
 * it from scripts. An empty @token with @max_age 0 removes it. */
static void
set_session_cookie (PpdContext        *context,
                    SoupServerMessage *msg,
                    const char        *token,
                    int                max_age)
{
  g_autofree char *cookie = g_strdup_printf ("%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
                                             PPD_SESSION_COOKIE, token, max_age,
                                             is_https (context, msg) ? "; Secure" : "");

  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie",
                               cookie);
}

static void
respond_no_content (SoupServerMessage *msg)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* {"name"}, and the token for the desktop app. */
static void
respond_signed_in (Call  *call,
                   guint  status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, call->name);
  if (call->action == ACTION_NEW_TOKEN)
    {
      /* Shown this once: the daemon keeps only its hash. */
      json_builder_set_member_name (builder, "token");
      json_builder_add_string_value (builder, call->token);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (call->msg, status, node);
}

/* Sessions: after sign-up, sign-in, or for the desktop app */

static void
on_session_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_create_session_finish (PPD_STORE (source), result, &error))
    call_respond_unavailable (call, error);
  else if (call->action == ACTION_NEW_TOKEN)
    {
      g_info ("%s signed in an app", call->name);
      respond_signed_in (call, SOUP_STATUS_CREATED);
    }
  else
    {
      g_info ("%s signed %s", call->name, call->action == ACTION_SIGN_UP ? "up" : "in");
      set_session_cookie (call->context, call->msg, call->token, PPD_SESSION_LIFETIME_S);
      respond_signed_in (call, call->action == ACTION_SIGN_UP ? SOUP_STATUS_CREATED
                                                              : SOUP_STATUS_OK);
    }

  soup_server_message_unpause (call->msg);
}

/* Takes @call. */
static void
start_session (Call *call)
{
  g_autofree char *hash = NULL;
  gint64 expires_at = g_get_real_time () + (gint64) PPD_SESSION_LIFETIME_S * G_USEC_PER_SEC;

  call->token = ppd_accounts_new_session_token ();
  hash = ppd_access_hash (call->token);
  ppd_store_create_session_async (call_get_store (call), hash, call->name,
                                  call->action == ACTION_NEW_TOKEN ? "token" : "cookie",
                                  expires_at, NULL, on_session_stored, call);
}

/* POST /api/v1/auth/signup */

static void
on_account_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_create_account_finish (PPD_STORE (source), result, &error))
    {
      if (g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_EXISTS))
        ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_CONFLICT,
                                PP_PROTOCOL_ERROR_BAD_MESSAGE, "That name is taken");
      else
        call_respond_unavailable (call, error);
      soup_server_message_unpause (call->msg);
      return;
    }

  start_session (g_steal_pointer (&call));
}

static void
on_password_hashed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = ppd_accounts_hash_password_finish (result, &error);

  if (hash == NULL)
    {
      g_warning ("Cannot hash a password: %s", error->message);
      ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                              PP_PROTOCOL_ERROR_INTERNAL, "The account could not be created");
      soup_server_message_unpause (call->msg);
      return;
    }

  clear_secret (&call->password);
  ppd_store_create_account_async (call_get_store (call), call->name, hash, NULL,
                                  on_account_stored, call);
  call = NULL;   /* on_account_stored() has it */
}

/* POST /api/v1/auth/signin and /api/v1/auth/tokens */

static void
on_password_verified (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;

  clear_secret (&call->password);
  if (!ppd_accounts_verify_password_finish (result, &error))
    {
      if (g_error_matches (error, PPD_ACCOUNTS_ERROR, PPD_ACCOUNTS_ERROR_WRONG_PASSWORD))
        ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_UNAUTHORIZED,
                                PP_PROTOCOL_ERROR_FORBIDDEN, "Wrong name or password");
      else
        {
          g_warning ("Cannot verify a password: %s", error->message);
          ppd_http_respond_error (call->context, call->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                  PP_PROTOCOL_ERROR_INTERNAL, "The password could not be checked");
        }
      soup_server_message_unpause (call->msg);
      return;
    }

  start_session (g_steal_pointer (&call));
}

/* Takes @call. @hash: (nullable): the account's, or none: no such account. */
static void
verify_password (Call       *call,
                 const char *hash)
{
  ppd_accounts_verify_password_async (call->password, hash, NULL, on_password_verified, call);
}

static void
on_account_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdAccount) account = ppd_store_get_account_finish (PPD_STORE (source), result, &error);

  if (account == NULL && !g_error_matches (error, PPD_STORE_ERROR, PPD_STORE_ERROR_NOT_FOUND))
    {
      call_respond_unavailable (call, error);
      soup_server_message_unpause (call->msg);
      return;
    }

  /* Signed in as the account spells its name, whatever case was typed. */
  if (account != NULL)
    {
      g_free (call->name);
      call->name = g_strdup (account->name);
    }
  verify_password (g_steal_pointer (&call), account ? account->password_hash : NULL);
}

/* POST /api/v1/auth/signout and DELETE /api/v1/auth/tokens/current */

static void
on_session_deleted (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_store_delete_session_finish (PPD_STORE (source), result, &error))
    call_respond_unavailable (call, error);
  else
    {
      if (call->action == ACTION_SIGN_OUT)
        set_session_cookie (call->context, call->msg, "", 0);
      respond_no_content (call->msg);
    }

  soup_server_message_unpause (call->msg);
}

/* Takes @token. */
static void
end_session (PpdContext        *context,
             SoupServerMessage *msg,
             Action             action,
             char              *token)
{
  g_autofree char *hash = ppd_access_hash (token);
  Call *call = call_new (context, msg, action, NULL, NULL);

  call->token = token;
  ppd_store_delete_session_async (ppd_context_get_store (context), hash, NULL,
                                  on_session_deleted, call);
}

/* GET /api/v1/auth */

static void
on_identity (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(Call) call = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = ppd_identity_lookup_finish (PPD_CONTEXT (source), result, &error);
  const PpdConfig *config = ppd_context_get_config (call->context);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (error != NULL)
    {
      call_respond_unavailable (call, error);
      soup_server_message_unpause (call->msg);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, ppd_auth_mode_to_string (config->auth_mode));
  json_builder_set_member_name (builder, "room_creation");
  json_builder_add_string_value (builder,
                                 ppd_room_creation_to_string (config->room_creation_mode));
  json_builder_set_member_name (builder, "user");
  if (name != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "verified");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  ppd_http_respond_json (call->msg, SOUP_STATUS_OK, node);
  soup_server_message_unpause (call->msg);
}

/* Requests */

/* {"name", "password"}, both strings. */
static gboolean
read_credentials (PpdContext         *context,
                  SoupServerMessage  *msg,
                  char              **name,
                  char              **password,
                  GError            **error)
{
  g_autoptr(JsonObject) body = ppd_http_parse_body_object (context, msg, error);
  JsonNode *name_node;
  JsonNode *password_node;

  if (body == NULL)
    return FALSE;

  name_node = json_object_get_member (body, "name");
  password_node = json_object_get_member (body, "password");
  if (name_node == NULL || !JSON_NODE_HOLDS_VALUE (name_node) ||
      json_node_get_value_type (name_node) != G_TYPE_STRING ||
      password_node == NULL || !JSON_NODE_HOLDS_VALUE (password_node) ||
      json_node_get_value_type (password_node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "Send a name and a password: {\"name\": \"…\", \"password\": \"…\"}");
      return FALSE;
    }

  *name = json_node_dup_string (name_node);
  *password = json_node_dup_string (password_node);
  return TRUE;
}

/* FALSE when the client's address used up its attempts, and was told so. */
static gboolean
take_attempt (PpdContext        *context,
              SoupServerMessage *msg)
{
  g_autofree char *address = ppd_http_dup_client_address (context, msg);

  if (address == NULL ||
      ppd_address_limits_take_sign_in (ppd_context_get_address_limits (context), address))
    return TRUE;

  ppd_http_respond_error (context, msg, 429 /* Too Many Requests */, PP_PROTOCOL_ERROR_RATE_LIMITED,
                          "Too many attempts from your address: try again in a minute");
  return FALSE;
}

static void
respond_bad_request (PpdContext        *context,
                     SoupServerMessage *msg,
                     const GError      *error)
{
  ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                          error->message);
}

static void
sign_up (PpdContext        *context,
         SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *password = NULL;
  Call *call;

  if (!read_credentials (context, msg, &name, &password, &error) ||
      !ppd_accounts_check_name (name, &error) ||
      !ppd_accounts_check_password (password, &error))
    {
      respond_bad_request (context, msg, error);
      clear_secret (&password);
      return;
    }

  if (!take_attempt (context, msg))
    {
      clear_secret (&password);
      return;
    }

  call = call_new (context, msg, ACTION_SIGN_UP, g_steal_pointer (&name),
                   g_steal_pointer (&password));
  ppd_accounts_hash_password_async (call->password, NULL, on_password_hashed, call);
}

/* Sign-in proper, or a token for the desktop app. */
static void
sign_in (PpdContext        *context,
         SoupServerMessage *msg,
         Action             action)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *password = NULL;
  Call *call;

  if (!read_credentials (context, msg, &name, &password, &error))
    {
      respond_bad_request (context, msg, error);
      clear_secret (&password);
      return;
    }

  /* Only the length is checked: whatever else a password breaks, it is
   * simply wrong, and rules may change after accounts were made. */
  if (strlen (password) > PPD_PASSWORD_MAX_BYTES)
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_BAD_REQUEST, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                              "The password is too long");
      clear_secret (&password);
      return;
    }

  if (!take_attempt (context, msg))
    {
      clear_secret (&password);
      return;
    }

  call = call_new (context, msg, action, g_steal_pointer (&name), g_steal_pointer (&password));
  /* A name no account can have is not looked up, but costs the same. */
  if (!ppd_accounts_check_name (call->name, NULL))
    verify_password (call, NULL);
  else
    ppd_store_get_account_async (call_get_store (call), call->name, NULL, on_account_read, call);
}

static void
sign_out (PpdContext        *context,
          SoupServerMessage *msg)
{
  char *token = ppd_identity_dup_session_token (context, msg);

  if (token != NULL)
    {
      end_session (context, msg, ACTION_SIGN_OUT, token);
      return;
    }

  set_session_cookie (context, msg, "", 0);
  respond_no_content (msg);
}

static void
drop_token (PpdContext        *context,
            SoupServerMessage *msg)
{
  const char *token = ppd_http_get_session_bearer (msg);

  if (token == NULL)
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_UNAUTHORIZED, PP_PROTOCOL_ERROR_FORBIDDEN,
                              "Send the app's token as “Authorization: Bearer TOKEN”");
      return;
    }

  end_session (context, msg, ACTION_DROP_TOKEN, g_strdup (token));
}

static gboolean
parse_path (const char  *path,
            Action      *action,
            const char **method)
{
  /* Plain strings: SOUP_METHOD_* are interned at run time. */
  static const struct
  {
    const char *path;
    Action      action;
    const char *method;
  } routes[] = {
    { "", ACTION_STATUS, "GET" },
    { "/", ACTION_STATUS, "GET" },
    { "/signup", ACTION_SIGN_UP, "POST" },
    { "/signin", ACTION_SIGN_IN, "POST" },
    { "/signout", ACTION_SIGN_OUT, "POST" },
    { "/tokens", ACTION_NEW_TOKEN, "POST" },
    { "/tokens/current", ACTION_DROP_TOKEN, "DELETE" },
  };

  if (!g_str_has_prefix (path, AUTH_PREFIX))
    return FALSE;

  path += strlen (AUTH_PREFIX);
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (path, routes[i].path))
      {
        *action = routes[i].action;
        *method = routes[i].method;
        return TRUE;
      }

  return FALSE;
}

static void
auth_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           data)
{
  PpdContext *context = data;
  const PpdConfig *config = ppd_context_get_config (context);
  const char *method = soup_server_message_get_method (msg);
  const char *allowed;
  Action action;

  if (ppd_context_is_stopping (context))
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                              PP_PROTOCOL_ERROR_INTERNAL, "The daemon is shutting down");
      return;
    }

  if (!ppd_http_check_origin (context, msg) || !ppd_identity_check_request (context, msg))
    return;

  if (!parse_path (path, &action, &allowed))
    {
      ppd_http_respond_error (context, msg, SOUP_STATUS_NOT_FOUND, PP_PROTOCOL_ERROR_NOT_FOUND,
                              "No such resource");
      return;
    }

  if (!g_str_equal (method, allowed) &&
      !(action == ACTION_STATUS && g_str_equal (method, SOUP_METHOD_HEAD)))
    {
      g_autofree char *message = g_strdup_printf ("Use %s here", allowed);

      ppd_http_respond_error (context, msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                              PP_PROTOCOL_ERROR_BAD_MESSAGE, message);
      return;
    }

  if (action != ACTION_STATUS && config->auth_mode != PPD_AUTH_ACCOUNTS)
    {
      g_autofree char *message = g_strdup_printf ("This daemon has no accounts (it runs with "
                                                  "--auth %s)", config->auth);

      ppd_http_respond_error (context, msg, SOUP_STATUS_NOT_FOUND, PP_PROTOCOL_ERROR_NOT_FOUND,
                              message);
      return;
    }

  switch (action)
    {
    case ACTION_STATUS:
      ppd_identity_lookup_async (context, msg, NULL, on_identity,
                                 call_new (context, msg, action, NULL, NULL));
      break;
    case ACTION_SIGN_UP:
      sign_up (context, msg);
      break;
    case ACTION_SIGN_IN:
    case ACTION_NEW_TOKEN:
      sign_in (context, msg, action);
      break;
    case ACTION_SIGN_OUT:
      sign_out (context, msg);
      break;
    case ACTION_DROP_TOKEN:
      drop_token (context, msg);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A body larger than any credentials. */
static void
body_limit_handler (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           data)
{
  ppd_http_refuse_large_body (data, msg, MAX_BODY_BYTES, "The request body is too large");
}

void
ppd_auth_routes_register (PpdContext *context)
{
  SoupServer *server = ppd_context_get_server (context);

  soup_server_add_early_handler (server, AUTH_PREFIX, body_limit_handler, context, NULL);
  soup_server_add_handler (server, AUTH_PREFIX, auth_handler, context, NULL);
}
