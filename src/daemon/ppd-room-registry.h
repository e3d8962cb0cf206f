/* ppd-room-registry.h: the rooms in memory, their loading, unloading and group commits.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ppd-config.h"
#include "ppd-metrics.h"
#include "ppd-room.h"
#include "ppd-store.h"

G_BEGIN_DECLS

/* A room just created, and its owner key, which exists nowhere else. */
typedef struct
{
  PpdRoomInfo  info;
  char        *owner_key;
} PpdCreatedRoom;

void             ppd_created_room_free                 (PpdCreatedRoom      *created);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdCreatedRoom, ppd_created_room_free)

#define PPD_TYPE_ROOM_REGISTRY (ppd_room_registry_get_type ())

G_DECLARE_FINAL_TYPE (PpdRoomRegistry, ppd_room_registry, PPD, ROOM_REGISTRY, GObject)

PpdRoomRegistry *ppd_room_registry_new                 (PpdStore            *store,
                                                        const PpdConfig     *config,
                                                        PpdMetrics          *metrics);
guint            ppd_room_registry_get_n_rooms         (PpdRoomRegistry     *self);
PpdRoom         *ppd_room_registry_lookup              (PpdRoomRegistry     *self,
                                                        const char          *id);
GPtrArray       *ppd_room_registry_dup_rooms           (PpdRoomRegistry     *self);
void             ppd_room_registry_forget_room         (PpdRoomRegistry     *self,
                                                        PpdRoom             *room);
guint            ppd_room_registry_get_n_connections   (PpdRoomRegistry     *self);
gboolean         ppd_room_id_is_valid                  (const char          *id);

void             ppd_room_registry_create_room_async   (PpdRoomRegistry     *self,
                                                        const char          *language,
                                                        const char          *title,
                                                        const char          *text,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
PpdCreatedRoom  *ppd_room_registry_create_room_finish  (PpdRoomRegistry     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             ppd_room_registry_get_room_async      (PpdRoomRegistry     *self,
                                                        const char          *id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
PpdRoom         *ppd_room_registry_get_room_finish     (PpdRoomRegistry     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             ppd_room_registry_delete_room_async   (PpdRoomRegistry     *self,
                                                        PpdRoom             *room,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         ppd_room_registry_delete_room_finish  (PpdRoomRegistry     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void             ppd_room_registry_shutdown_async      (PpdRoomRegistry     *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         ppd_room_registry_shutdown_finish     (PpdRoomRegistry     *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
