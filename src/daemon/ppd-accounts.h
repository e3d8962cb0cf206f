/* ppd-accounts.h: account names, password hashing and session tokens (--auth accounts).
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PPD_ACCOUNTS_ERROR (ppd_accounts_error_quark ())

typedef enum
{
  PPD_ACCOUNTS_ERROR_FAILED,
  PPD_ACCOUNTS_ERROR_INVALID,          /* a name or password that breaks the rules */
  PPD_ACCOUNTS_ERROR_WRONG_PASSWORD,   /* or no such account: the two look the same */
} PpdAccountsError;

/* A session lasts this long, in a browser's cookie as in the desktop app. */
#define PPD_SESSION_LIFETIME_S (30 * 24 * 60 * 60)
#define PPD_SESSION_COOKIE "pairpad_session"
/* Every session token starts with this. Room tokens (owner keys, share
 * links) are base64url, which has no ".": no room token can look like one. */
#define PPD_SESSION_TOKEN_PREFIX "pa."

#define PPD_ACCOUNT_NAME_MIN 3
#define PPD_ACCOUNT_NAME_MAX 32
#define PPD_PASSWORD_MIN_BYTES 8
#define PPD_PASSWORD_MAX_BYTES 1024

GQuark    ppd_accounts_error_quark            (void);
gboolean  ppd_accounts_check_name             (const char           *name,
                                               GError              **error);
gboolean  ppd_accounts_check_password         (const char           *password,
                                               GError              **error);
char     *ppd_accounts_new_session_token      (void);
gboolean  ppd_accounts_is_session_token       (const char           *token);

void      ppd_accounts_hash_password_async    (const char           *password,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char     *ppd_accounts_hash_password_finish   (GAsyncResult         *result,
                                               GError              **error);
void      ppd_accounts_verify_password_async  (const char           *password,
                                               const char           *hash,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean  ppd_accounts_verify_password_finish (GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
