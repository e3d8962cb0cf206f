/* pairpad-secrets.h: owner keys, share links and sign-ins, kept in the keyring.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a secret opens; each kind is its own schema in the keyring. */
typedef enum
{
  PAIRPAD_SECRET_OWNER_KEY,      /* a room this app created: server and room */
  PAIRPAD_SECRET_SHARE_TOKEN,    /* a share link's token a room was joined with: server and room */
  PAIRPAD_SECRET_ACCOUNT_TOKEN,  /* a signed-in account's app token: server only */
} PairpadSecretKind;

#define PAIRPAD_TYPE_SECRETS (pairpad_secrets_get_type ())

G_DECLARE_FINAL_TYPE (PairpadSecrets, pairpad_secrets, PAIRPAD, SECRETS, GObject)

PairpadSecrets *pairpad_secrets_new           (void);
PairpadSecrets *pairpad_secrets_get_default   (void);
void            pairpad_secrets_store_async   (PairpadSecrets       *self,
                                               PairpadSecretKind     kind,
                                               const char           *server,
                                               const char           *room,
                                               const char           *secret,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        pairpad_secrets_store_finish  (PairpadSecrets       *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void            pairpad_secrets_lookup_async  (PairpadSecrets       *self,
                                               PairpadSecretKind     kind,
                                               const char           *server,
                                               const char           *room,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char           *pairpad_secrets_lookup_finish (PairpadSecrets       *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void            pairpad_secrets_forget_async  (PairpadSecrets       *self,
                                               PairpadSecretKind     kind,
                                               const char           *server,
                                               const char           *room,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        pairpad_secrets_forget_finish (PairpadSecrets       *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
