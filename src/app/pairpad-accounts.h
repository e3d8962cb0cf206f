/* pairpad-accounts.h: signing in to servers that have accounts, and who we are on each.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pairpad-rest-client.h"
#include "pairpad-secrets.h"

G_BEGIN_DECLS

#define PAIRPAD_ACCOUNTS_ERROR (pairpad_accounts_error_quark ())

typedef enum
{
  PAIRPAD_ACCOUNTS_ERROR_FAILED,          /* any other refusal */
  PAIRPAD_ACCOUNTS_ERROR_UNREACHABLE,     /* no answer at all */
  PAIRPAD_ACCOUNTS_ERROR_INVALID,         /* not a name or password the server takes */
  PAIRPAD_ACCOUNTS_ERROR_WRONG_PASSWORD,  /* or no such name: the server does not say which */
  PAIRPAD_ACCOUNTS_ERROR_NAME_TAKEN,
  PAIRPAD_ACCOUNTS_ERROR_RATE_LIMITED,    /* too many attempts: wait a minute */
  PAIRPAD_ACCOUNTS_ERROR_NO_ACCOUNTS,     /* the server has no accounts (any more) */
} PairpadAccountsError;

/* GET /api/v1/auth's "mode": who the server says people are. */
typedef enum
{
  PAIRPAD_AUTH_MODE_NONE,          /* everyone picks a name */
  PAIRPAD_AUTH_MODE_ACCOUNTS,      /* people sign in with a name and password */
  PAIRPAD_AUTH_MODE_PROXY_HEADER,  /* a reverse proxy signs people in */
} PairpadAuthMode;

#define PAIRPAD_TYPE_ACCOUNTS (pairpad_accounts_get_type ())

G_DECLARE_FINAL_TYPE (PairpadAccounts, pairpad_accounts, PAIRPAD, ACCOUNTS, GObject)

GQuark           pairpad_accounts_error_quark        (void);
gboolean         pairpad_accounts_check_credentials  (const char           *name,
                                                      const char           *password,
                                                      gboolean              new_account,
                                                      GError              **error);
PairpadAccounts *pairpad_accounts_new                (PairpadSecrets       *secrets);
PairpadAccounts *pairpad_accounts_get_default        (void);
void             pairpad_accounts_query_async        (PairpadAccounts      *self,
                                                      const char           *server,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         pairpad_accounts_query_finish       (PairpadAccounts      *self,
                                                      GAsyncResult         *result,
                                                      PairpadAuthMode      *mode,
                                                      gboolean             *accounts_only,
                                                      char                **user,
                                                      GError              **error);
void             pairpad_accounts_lookup_token_async (PairpadAccounts      *self,
                                                      const char           *server,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
char            *pairpad_accounts_lookup_token_finish
                                                     (PairpadAccounts      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void             pairpad_accounts_sign_in_async      (PairpadAccounts      *self,
                                                      const char           *server,
                                                      const char           *name,
                                                      const char           *password,
                                                      gboolean              new_account,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
char            *pairpad_accounts_sign_in_finish     (PairpadAccounts      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void             pairpad_accounts_sign_out_async     (PairpadAccounts      *self,
                                                      const char           *server,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         pairpad_accounts_sign_out_finish    (PairpadAccounts      *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
