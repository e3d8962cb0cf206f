/* ppd-room.h: one live room: its document, its log tail, its sessions.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

#include "ppd-config.h"
#include "ppd-metrics.h"
#include "ppd-peer.h"
#include "ppd-store.h"

G_BEGIN_DECLS

#define PPD_TYPE_ROOM (ppd_room_get_type ())

G_DECLARE_FINAL_TYPE (PpdRoom, ppd_room, PPD, ROOM, GObject)

typedef enum
{
  PPD_ROOM_REMOTE_APPLIED,
  PPD_ROOM_REMOTE_KNOWN,
  PPD_ROOM_REMOTE_GAP,
  PPD_ROOM_REMOTE_BUSY,
} PpdRoomRemote;

typedef void (*PpdRoomReadFunc) (PpdRoom    *room,
                                 gint64      version,
                                 const char *text,
                                 gpointer    user_data);

PpdRoom        *ppd_room_new                (PpdRoomRecord   *record,
                                             const PpdConfig *config,
                                             PpdMetrics      *metrics,
                                             GError         **error);
const char     *ppd_room_get_id             (PpdRoom         *self);
const char     *ppd_room_get_language       (PpdRoom         *self);
const char     *ppd_room_get_title          (PpdRoom         *self);
gint64          ppd_room_get_created_at     (PpdRoom         *self);
gint64          ppd_room_get_updated_at     (PpdRoom         *self);
gint64          ppd_room_get_version        (PpdRoom         *self);
guint           ppd_room_get_n_users        (PpdRoom         *self);
guint           ppd_room_get_n_connections  (PpdRoom         *self);
gboolean        ppd_room_is_idle            (PpdRoom         *self);

void            ppd_room_add_peer           (PpdRoom         *self,
                                             PpdPeer         *peer);
void            ppd_room_close_all          (PpdRoom         *self,
                                             gushort          code,
                                             const char      *reason);
void            ppd_room_check_health       (PpdRoom         *self);
void            ppd_room_read               (PpdRoom         *self,
                                             PpdRoomReadFunc  func,
                                             gpointer         user_data,
                                             GDestroyNotify   destroy);

/* The commit pipeline, driven by the registry. */
gboolean        ppd_room_collect_commit     (PpdRoom         *self,
                                             PpdCommitBatch  *batch);
void            ppd_room_committed          (PpdRoom         *self);
void            ppd_room_commit_failed      (PpdRoom         *self);
void            ppd_room_commit_conflicted  (PpdRoom         *self);
void            ppd_room_request_commit     (PpdRoom         *self);
gboolean        ppd_room_is_committing      (PpdRoom         *self);

/* Cluster mode: what the other daemons did, driven by the registry. */
PpdRoomRemote   ppd_room_apply_remote       (PpdRoom         *self,
                                             PpLogEntry      *entry);
void            ppd_room_apply_remote_message
                                            (PpdRoom         *self,
                                             const char      *node,
                                             PpMessage       *message);
void            ppd_room_forget_node        (PpdRoom         *self,
                                             const char      *node);
void            ppd_room_announce           (PpdRoom         *self);
GStrv           ppd_room_dup_local_users    (PpdRoom         *self);
gboolean        ppd_room_apply_roster       (PpdRoom            *self,
                                             const char         *node,
                                             const char * const *users);
const PpdAccess *ppd_room_get_access         (PpdRoom         *self);
void            ppd_room_set_access         (PpdRoom         *self,
                                             const PpdAccess *access);
void            ppd_room_delete             (PpdRoom         *self);
gboolean        ppd_room_is_deleted         (PpdRoom         *self);
const char     *ppd_room_get_client_color   (PpdRoom         *self,
                                             const char      *client);
gboolean        ppd_room_take_new_snapshot  (PpdRoom         *self);
gint64          ppd_room_replace_text       (PpdRoom         *self,
                                             const char      *text,
                                             const char      *name,
                                             GError         **error);

G_END_DECLS
