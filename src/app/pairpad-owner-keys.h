/* pairpad-owner-keys.h: the owner keys of the rooms this app created, kept in the keyring.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PAIRPAD_TYPE_OWNER_KEYS (pairpad_owner_keys_get_type ())

G_DECLARE_FINAL_TYPE (PairpadOwnerKeys, pairpad_owner_keys, PAIRPAD, OWNER_KEYS, GObject)

PairpadOwnerKeys *pairpad_owner_keys_new           (void);
PairpadOwnerKeys *pairpad_owner_keys_get_default   (void);
void              pairpad_owner_keys_store_async   (PairpadOwnerKeys     *self,
                                                    const char           *server,
                                                    const char           *room,
                                                    const char           *key,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean          pairpad_owner_keys_store_finish  (PairpadOwnerKeys     *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void              pairpad_owner_keys_lookup_async  (PairpadOwnerKeys     *self,
                                                    const char           *server,
                                                    const char           *room,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
char             *pairpad_owner_keys_lookup_finish (PairpadOwnerKeys     *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
void              pairpad_owner_keys_forget_async  (PairpadOwnerKeys     *self,
                                                    const char           *server,
                                                    const char           *room,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean          pairpad_owner_keys_forget_finish (PairpadOwnerKeys     *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
