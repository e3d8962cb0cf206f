/* pairpad-accounts.c: signing in to servers that have accounts, and who we are on each.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-accounts"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pairpad-accounts.h"

/* PairpadAccounts signs in to a server (POST /api/v1/auth/tokens, after
 * /signup for a new account), keeps the app token it gets in
 * PairpadSecrets, one per server, and ends it at sign-out (DELETE
 * /api/v1/auth/tokens/current). Who we are is always the server's answer
 * to GET /api/v1/auth with that token: a token that expired or was ended
 * elsewhere shows as nobody signed in, and is forgotten.
 *
 * The token is sent on the WebSocket upgrade and on POST /api/v1/rooms,
 * never on a room's owner routes, where the owner key is the bearer. It is
 * never logged. ::changed tells the start pages and rooms to ask again. */

#define SESSION_TOKEN_PREFIX "pa."

struct _PairpadAccounts
{
  GObject            parent_instance;

  /* Owned */
  PairpadSecrets    *secrets;
  PairpadRestClient *rest;
};

G_DEFINE_FINAL_TYPE (PairpadAccounts, pairpad_accounts, G_TYPE_OBJECT)

G_DEFINE_QUARK (pairpad-accounts-error-quark, pairpad_accounts_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One call in flight: what it was asked, and what it learned so far. */
typedef struct
{
  char            *server;
  char            *token;       /* (nullable) the app token in use */
  char            *name;
  char            *password;    /* wiped when freed */
  gboolean         new_account;

  PairpadAuthMode  mode;
  gboolean         accounts_only;
  char            *user;
} Call;

static void
call_free (Call *call)
{
  g_free (call->server);
  g_free (call->token);
  g_free (call->name);
  if (call->password != NULL)
    memset (call->password, 0, strlen (call->password));
  g_free (call->password);
  g_free (call->user);
  g_free (call);
}

static Call *
call_new (const char *server)
{
  Call *call = g_new0 (Call, 1);

  call->server = g_strdup (server);

  return call;
}

static gboolean
is_session_token (const char *token)
{
  return token != NULL && g_str_has_prefix (token, SESSION_TOKEN_PREFIX) &&
         strlen (token) <= 512;
}

/* The REST client's error, said for signing in or out. */
static GError *
new_error (const GError *rest_error,
           gboolean      signing_in)
{
  if (rest_error->domain == G_IO_ERROR)
    return g_error_copy (rest_error);

  g_assert (rest_error->domain == PAIRPAD_REST_ERROR);

  switch (rest_error->code)
    {
    case PAIRPAD_REST_ERROR_UNREACHABLE:
      return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_UNREACHABLE,
                                  rest_error->message);

    case PAIRPAD_REST_ERROR_NOT_ALLOWED:
      if (signing_in)
        return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_WRONG_PASSWORD,
                                    _("Wrong name or password"));
      break;

    case PAIRPAD_REST_ERROR_CONFLICT:
      return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_NAME_TAKEN,
                                  _("That name is taken: choose another one"));

    case PAIRPAD_REST_ERROR_INVALID:
      return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_INVALID,
                                  _("The server does not take this name or password"));

    case PAIRPAD_REST_ERROR_RATE_LIMITED:
      return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_RATE_LIMITED,
                                  _("Too many attempts: wait a minute, then try again"));

    case PAIRPAD_REST_ERROR_NOT_FOUND:
      return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_NO_ACCOUNTS,
                                  _("This server has no accounts"));

    default:
      break;
    }

  return g_error_new_literal (PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_FAILED,
                              rest_error->message);
}

static void
emit_changed (PairpadAccounts *self,
              const char      *server)
{
  g_signal_emit (self, signals[CHANGED], 0, server);
}

/* Each operation is one task with a Call for @server. */
static GTask *
new_call_task (PairpadAccounts     *self,
               const char          *server,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call_new (server), (GDestroyNotify) call_free);

  return task;
}

/* Takes ownership of @task. */
static void
send_request (GTask               *task,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              const char          *bearer,
              GAsyncReadyCallback  callback)
{
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  pairpad_rest_client_request_async (self->rest, call->server, method, path, body, bearer,
                                     g_task_get_cancellable (task), callback, task);
}

/* POST {"name", "password"} to @path; takes ownership of @task. */
static void
send_credentials (GTask               *task,
                  const char          *path,
                  GAsyncReadyCallback  callback)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;

  json_object_set_string_member (object, "name", call->name);
  json_object_set_string_member (object, "password", call->password);
  body = json_node_init_object (json_node_alloc (), object);
  send_request (task, "POST", path, body, NULL, callback);
}

/* The app token we hold for the call's server; takes ownership of @task,
 * and @callback calls take_token(). */
static void
look_up_token (GTask               *task,
               GAsyncReadyCallback  callback)
{
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  pairpad_secrets_lookup_async (self->secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, call->server, NULL,
                                g_task_get_cancellable (task), callback, task);
}

/* Into call->token, NULL unless it is one; FALSE (and @task returned)
 * when the lookup was cancelled. */
static gboolean
take_token (GTask        *task,
            GAsyncResult *result)
{
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->token = pairpad_secrets_lookup_finish (self->secrets, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }
  if (!is_session_token (call->token))
    g_clear_pointer (&call->token, g_free);

  return TRUE;
}

static void
on_token_forgotten (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  pairpad_secrets_forget_finish (PAIRPAD_SECRETS (source), result, NULL);
  emit_changed (self, call->server);
  g_task_return_boolean (task, TRUE);
}

/* Not cancellable: the token opens nothing any more, whoever still waits.
 * Takes ownership of @task. */
static void
forget_token (GTask *task)
{
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  pairpad_secrets_forget_async (self->secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, call->server, NULL,
                                NULL, on_token_forgotten, task);
}

/* Query: the token, then GET /api/v1/auth with it */

/* The server knows nothing of the token we hold (it expired, or was ended
 * from elsewhere): forgotten, unless a sign-in replaced it meanwhile. */
static void
on_dead_token_checked (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr(GTask) task = data;
  Call *call = g_task_get_task_data (task);
  g_autofree char *token = pairpad_secrets_lookup_finish (PAIRPAD_SECRETS (source), result, NULL);

  if (g_strcmp0 (token, call->token) != 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_debug ("the app token for %s no longer signs in: forgotten", call->server);
  forget_token (g_steal_pointer (&task));
}

static void
on_auth_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *mode;
  JsonNode *user;

  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  /* A daemon from before accounts: everyone picks a name. */
  if (g_error_matches (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_FOUND))
    {
      call->mode = PAIRPAD_AUTH_MODE_NONE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (root == NULL)
    {
      g_task_return_error (task, new_error (error, FALSE));
      return;
    }

  mode = pairpad_rest_get_string (root, "mode");
  if (g_strcmp0 (mode, "accounts") == 0)
    call->mode = PAIRPAD_AUTH_MODE_ACCOUNTS;
  else if (g_strcmp0 (mode, "proxy-header") == 0)
    call->mode = PAIRPAD_AUTH_MODE_PROXY_HEADER;
  else
    call->mode = PAIRPAD_AUTH_MODE_NONE;
  call->accounts_only = g_strcmp0 (pairpad_rest_get_string (root, "room_creation"),
                                   "accounts") == 0;
  user = pairpad_rest_get_member (root, "user", JSON_TYPE_OBJECT);
  call->user = g_strdup (pairpad_rest_get_string (user, "name"));

  if (call->mode == PAIRPAD_AUTH_MODE_ACCOUNTS && call->token != NULL && call->user == NULL)
    {
      pairpad_secrets_lookup_async (self->secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, call->server,
                                    NULL, NULL, on_dead_token_checked, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
on_query_token (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  Call *call = g_task_get_task_data (task);

  if (take_token (task, result))
    send_request (g_steal_pointer (&task), "GET", "/api/v1/auth", NULL, call->token,
                  on_auth_answer);
}

/* Sign-in: /signup for a new account, then /tokens */

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  /* Without a keyring it is kept in memory, as PairpadSecrets said. */
  pairpad_secrets_store_finish (PAIRPAD_SECRETS (source), result, NULL);
  emit_changed (self, call->server);
  g_task_return_pointer (task, g_strdup (call->user), g_free);
}

static void
on_token_answer (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  g_autoptr(GTask) task = data;
  PairpadAccounts *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *name, *token;

  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (root == NULL)
    {
      if (call->new_account && g_error_matches (error, PAIRPAD_REST_ERROR,
                                                PAIRPAD_REST_ERROR_RATE_LIMITED))
        g_task_return_new_error (task, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_RATE_LIMITED,
                                 _("Your account is ready, but there were too many attempts to "
                                   "sign in: wait a minute, then sign in"));
      else
        g_task_return_error (task, new_error (error, TRUE));
      return;
    }

  name = pairpad_rest_get_string (root, "name");
  token = pairpad_rest_get_string (root, "token");
  if (name == NULL || *name == '\0' || !is_session_token (token))
    {
      g_task_return_new_error (task, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_FAILED,
                               _("The server sent an answer Pairpad does not understand"));
      return;
    }

  /* As the account spells it, whatever case was typed. */
  call->user = g_strdup (name);
  /* Kept whatever happens to the caller: the server made the token. */
  pairpad_secrets_store_async (self->secrets, PAIRPAD_SECRET_ACCOUNT_TOKEN, call->server, NULL,
                               token, NULL, on_token_stored, g_steal_pointer (&task));
}

static void
on_signed_up (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  /* The answer also sets a browser's cookie, which this client has no jar for. */
  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  if (root == NULL)
    {
      g_task_return_error (task, new_error (error, FALSE));
      return;
    }

  send_credentials (g_steal_pointer (&task), "/api/v1/auth/tokens", on_token_answer);
}

/* Sign-out */

static void
on_token_ended (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr(GTask) task = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = pairpad_rest_client_request_finish (PAIRPAD_REST_CLIENT (source), result, &error);
  /* 401: the token had ended already; 404: the server has no accounts any
   * more. Either way it opens nothing: forget it. Otherwise it still works,
   * and is kept, so that signing out can be tried again. */
  if (root == NULL &&
      !g_error_matches (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_ALLOWED) &&
      !g_error_matches (error, PAIRPAD_REST_ERROR, PAIRPAD_REST_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, new_error (error, FALSE));
      return;
    }

  forget_token (g_steal_pointer (&task));
}

static void
on_sign_out_token (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  g_autoptr(GTask) task = data;
  Call *call = g_task_get_task_data (task);

  if (!take_token (task, result))
    return;

  if (call->token == NULL)
    forget_token (g_steal_pointer (&task));
  else
    send_request (g_steal_pointer (&task), "DELETE", "/api/v1/auth/tokens/current", NULL,
                  call->token, on_token_ended);
}

/* Lookup */

static void
on_token_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(GTask) task = data;
  Call *call = g_task_get_task_data (task);

  if (take_token (task, result))
    g_task_return_pointer (task, g_steal_pointer (&call->token), g_free);
}

static void
pairpad_accounts_dispose (GObject *object)
{
  PairpadAccounts *self = (PairpadAccounts *)object;

  g_clear_object (&self->secrets);
  g_clear_object (&self->rest);

  G_OBJECT_CLASS (pairpad_accounts_parent_class)->dispose (object);
}

static void
pairpad_accounts_class_init (PairpadAccountsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pairpad_accounts_dispose;

  /* ::changed (server): someone signed in or out there, or the token we
   * held for it turned out to open nothing. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
pairpad_accounts_init (PairpadAccounts *self)
{
  self->rest = pairpad_rest_client_new ();
}

/* The server's rules for names (3–32 of [A-Za-z0-9_.-]) and passwords
 * (8–1024 bytes), so that a new account's mistakes are said before
 * anything is sent. Signing in only needs both. */
gboolean
pairpad_accounts_check_credentials (const char  *name,
                                    const char  *password,
                                    gboolean     new_account,
                                    GError     **error)
{
  gsize n_name = name != NULL ? strlen (name) : 0;
  gsize n_password = password != NULL ? strlen (password) : 0;

  if (n_name == 0 || n_password == 0)
    {
      g_set_error_literal (error, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_INVALID,
                           _("Enter your name and password"));
      return FALSE;
    }

  if (!new_account)
    return TRUE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '.' && *p != '-')
      {
        n_name = 0;
        break;
      }
  if (n_name < 3 || n_name > 32)
    {
      g_set_error_literal (error, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_INVALID,
                           _("A name has 3 to 32 characters: letters A–Z and a–z, digits, "
                             "“.”, “_” or “-”"));
      return FALSE;
    }

  if (n_password < 8)
    {
      g_set_error_literal (error, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_INVALID,
                           _("A password has at least 8 characters"));
      return FALSE;
    }
  if (n_password > 1024 || !g_utf8_validate (password, -1, NULL))
    {
      g_set_error_literal (error, PAIRPAD_ACCOUNTS_ERROR, PAIRPAD_ACCOUNTS_ERROR_INVALID,
                           _("This password is too long"));
      return FALSE;
    }

  return TRUE;
}

/* @secrets: where tokens are kept */
PairpadAccounts *
pairpad_accounts_new (PairpadSecrets *secrets)
{
  PairpadAccounts *self;

  g_return_val_if_fail (PAIRPAD_IS_SECRETS (secrets), NULL);

  self = g_object_new (PAIRPAD_TYPE_ACCOUNTS, NULL);
  self->secrets = g_object_ref (secrets);

  return self;
}

/* Returns: (transfer none): the one the app uses, for the whole process */
PairpadAccounts *
pairpad_accounts_get_default (void)
{
  static PairpadAccounts *instance;

  if (instance == NULL)
    instance = pairpad_accounts_new (pairpad_secrets_get_default ());

  return instance;
}

/* Asks @server who we are there, with the app token we hold for it. */
void
pairpad_accounts_query_async (PairpadAccounts     *self,
                              const char          *server,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (PAIRPAD_IS_ACCOUNTS (self));
  g_return_if_fail (server != NULL);

  look_up_token (new_call_task (self, server, pairpad_accounts_query_async,
                                cancellable, callback, user_data),
                 on_query_token);
}

/* @mode: (out): how people are known there
 * @accounts_only: (out): whether only signed-in people may create rooms
 * @user: (out) (transfer full) (nullable): the signed-in name, or NULL */
gboolean
pairpad_accounts_query_finish (PairpadAccounts  *self,
                               GAsyncResult     *result,
                               PairpadAuthMode  *mode,
                               gboolean         *accounts_only,
                               char            **user,
                               GError          **error)
{
  Call *call;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  call = g_task_get_task_data (G_TASK (result));
  if (mode != NULL)
    *mode = call->mode;
  if (accounts_only != NULL)
    *accounts_only = call->accounts_only;
  if (user != NULL)
    *user = g_strdup (call->user);

  return TRUE;
}

/* The app token to send to @server, if we signed in there. */
void
pairpad_accounts_lookup_token_async (PairpadAccounts     *self,
                                     const char          *server,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (PAIRPAD_IS_ACCOUNTS (self));
  g_return_if_fail (server != NULL);

  look_up_token (new_call_task (self, server, pairpad_accounts_lookup_token_async,
                                cancellable, callback, user_data),
                 on_token_looked_up);
}

/* Returns: (transfer full) (nullable): the token, NULL when not signed in
 * (with @error only when cancelled) */
char *
pairpad_accounts_lookup_token_finish (PairpadAccounts  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Signs in to @server as @name, creating the account first when
 * @new_account; the token is kept before the call returns. */
void
pairpad_accounts_sign_in_async (PairpadAccounts     *self,
                                const char          *server,
                                const char          *name,
                                const char          *password,
                                gboolean             new_account,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Call *call;

  g_return_if_fail (PAIRPAD_IS_ACCOUNTS (self));
  g_return_if_fail (server != NULL);

  task = new_call_task (self, server, pairpad_accounts_sign_in_async,
                        cancellable, callback, user_data);
  if (!pairpad_accounts_check_credentials (name, password, new_account, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = g_task_get_task_data (task);
  call->name = g_strdup (name);
  call->password = g_strdup (password);
  call->new_account = new_account;

  if (new_account)
    send_credentials (g_steal_pointer (&task), "/api/v1/auth/signup", on_signed_up);
  else
    send_credentials (g_steal_pointer (&task), "/api/v1/auth/tokens", on_token_answer);
}

/* Returns: (transfer full): the account's name, as the server spells it */
char *
pairpad_accounts_sign_in_finish (PairpadAccounts  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ends the app token on @server, then forgets it. When the server cannot
 * be reached the token is kept, and we stay signed in. */
void
pairpad_accounts_sign_out_async (PairpadAccounts     *self,
                                 const char          *server,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (PAIRPAD_IS_ACCOUNTS (self));
  g_return_if_fail (server != NULL);

  look_up_token (new_call_task (self, server, pairpad_accounts_sign_out_async,
                                cancellable, callback, user_data),
                 on_sign_out_token);
}

gboolean
pairpad_accounts_sign_out_finish (PairpadAccounts  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
