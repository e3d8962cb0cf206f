/* pp-client-session.h: the client side of a room, independent of any transport or editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include "pp-types.h"
#include "pp-protocol.h"
#include "pp-document.h"

G_BEGIN_DECLS

/**
 * PpClientSessionState:
 * @PP_CLIENT_SESSION_OFFLINE: no transport; local edits accumulate
 * @PP_CLIENT_SESSION_JOINING: hello sent, waiting for welcome
 * @PP_CLIENT_SESSION_SYNCED: joined, nothing unacknowledged
 * @PP_CLIENT_SESSION_AWAITING_ACK: joined, one op in flight
 * @PP_CLIENT_SESSION_AWAITING_WITH_BUFFER: joined, one op in flight and later edits buffered
 */
typedef enum
{
  PP_CLIENT_SESSION_OFFLINE,
  PP_CLIENT_SESSION_JOINING,
  PP_CLIENT_SESSION_SYNCED,
  PP_CLIENT_SESSION_AWAITING_ACK,
  PP_CLIENT_SESSION_AWAITING_WITH_BUFFER,
} PpClientSessionState;

#define PP_TYPE_CLIENT_SESSION_STATE (pp_client_session_state_get_type ())
GType pp_client_session_state_get_type (void) G_GNUC_CONST;

#define PP_TYPE_CLIENT_SESSION (pp_client_session_get_type ())

G_DECLARE_FINAL_TYPE (PpClientSession, pp_client_session, PP, CLIENT_SESSION, GObject)

PpClientSession      *pp_client_session_new                  (const char       *client,
                                                               const char       *name,
                                                               const char       *color);
const char           *pp_client_session_get_client           (PpClientSession  *self);
const char           *pp_client_session_get_name             (PpClientSession  *self);
const char           *pp_client_session_get_color            (PpClientSession  *self);
const char           *pp_client_session_get_user             (PpClientSession  *self);
PpClientSessionState  pp_client_session_get_state            (PpClientSession  *self);
gint64                pp_client_session_get_version          (PpClientSession  *self);
gint64                pp_client_session_get_next_seq         (PpClientSession  *self);
guint                 pp_client_session_get_n_unsent         (PpClientSession  *self);
const char           *pp_client_session_get_language         (PpClientSession  *self);
const char           *pp_client_session_get_title            (PpClientSession  *self);
const PpDocument     *pp_client_session_get_document         (PpClientSession  *self);
char                 *pp_client_session_dup_text             (PpClientSession  *self);
GPtrArray            *pp_client_session_get_users            (PpClientSession  *self);

void                  pp_client_session_connected            (PpClientSession  *self);
void                  pp_client_session_disconnected         (PpClientSession  *self);
gboolean              pp_client_session_receive              (PpClientSession  *self,
                                                               const char       *frame,
                                                               gsize             n_bytes,
                                                               GError          **error);
PpMessage            *pp_client_session_parse                (PpClientSession  *self,
                                                               const char       *frame,
                                                               gsize             n_bytes,
                                                               GError          **error);
gboolean              pp_client_session_receive_message      (PpClientSession  *self,
                                                               PpMessage        *msg,
                                                               GError          **error);
gboolean              pp_client_session_local_op             (PpClientSession  *self,
                                                               PpTextOp         *op,
                                                               GError          **error);
void                  pp_client_session_set_selection        (PpClientSession  *self,
                                                               const PpRange    *ranges,
                                                               guint             n_ranges);
void                  pp_client_session_set_view             (PpClientSession  *self,
                                                               const PpRange    *view);
void                  pp_client_session_set_following        (PpClientSession  *self,
                                                               const char       *user);
const char           *pp_client_session_get_following        (PpClientSession  *self);
void                  pp_client_session_set_identity         (PpClientSession  *self,
                                                               const char       *name,
                                                               const char       *color);
void                  pp_client_session_set_meta             (PpClientSession  *self,
                                                               const char       *language,
                                                               const char       *title);
void                  pp_client_session_set_token            (PpClientSession  *self,
                                                               const char       *token);
PpRole                pp_client_session_get_role             (PpClientSession  *self);
PpGeneralAccess       pp_client_session_get_general_access   (PpClientSession  *self);
gboolean              pp_client_session_is_locked            (PpClientSession  *self);
gboolean              pp_client_session_can_edit             (PpClientSession  *self);

G_END_DECLS
