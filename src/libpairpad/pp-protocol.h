/* pp-protocol.h: the frames of the Pairpad wire protocol, version 1, as typed values.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "pp-types.h"
#include "pp-access.h"
#include "pp-completion.h"
#include "pp-error.h"
#include "pp-text-op.h"

G_BEGIN_DECLS

#define PP_PROTOCOL_SUBPROTOCOL "pairpad.v1"

/* The most items a complete may ask for (extension). */
#define PP_PROTOCOL_MAX_COMPLETIONS 50

typedef enum
{
  PP_MESSAGE_HELLO,       /* client → server */
  PP_MESSAGE_OP,          /* both: client op (v, seq, op) / log entry (entry) */
  PP_MESSAGE_PRESENCE,    /* both; from the server it carries user */
  PP_MESSAGE_META,        /* both; from the server it carries user, language and title */
  PP_MESSAGE_WELCOME,     /* server → client */
  PP_MESSAGE_ACK,
  PP_MESSAGE_JOIN,
  PP_MESSAGE_LEAVE,
  PP_MESSAGE_ERROR,
  PP_MESSAGE_ACCESS,      /* server → client: the room's access settings changed */
  PP_MESSAGE_COMPLETE,    /* client → server: ask for completions (extension) */
  PP_MESSAGE_COMPLETIONS, /* server → client: the answer to a complete (extension) */
  PP_MESSAGE_UNKNOWN,     /* from a server: a type this version does not know */
} PpMessageType;

typedef enum
{
  PP_DIRECTION_FROM_CLIENT,
  PP_DIRECTION_FROM_SERVER,
} PpDirection;

/**
 * PpProtocolLimits:
 * Limits a parser enforces; pp_protocol_limits_init_default() fills in the
 * defaults of PROTOCOL.md.
 */
typedef struct
{
  gsize max_frame_bytes;      /* 1 MiB */
  guint max_json_depth;       /* 64: nesting beyond this is bad_message */
  guint max_name_chars;       /* 64 */
  guint max_language_chars;   /* 64 */
  guint max_title_chars;      /* 256 */
  guint max_ranges;           /* 32 */
} PpProtocolLimits;

/**
 * PpLogEntry:
 * One op of a room's log: @op took the room from version @v - 1 to @v.
 * Immutable and reference counted, shared by the room, the store thread and
 * every frame that carries it.
 */
struct _PpLogEntry
{
  gint64     v;
  PpTextOp  *op;
  char      *user;     /* session id of the author at the time */
  char      *client;
  gint64     seq;
  char      *name;     /* (nullable) the author's display name */
  gint64     created_at;  /* µs since the epoch, 0 when unknown */
  /*< private >*/
  gatomicrefcount ref_count;
};

/**
 * PpUserInfo:
 * A user object of PROTOCOL.md: one session in a room.
 */
struct _PpUserInfo
{
  char      *user;
  char      *client;
  char      *name;
  char      *color;    /* "#rrggbb" */
  gint64     v;        /* the version @sel refers to */
  GArray    *sel;      /* of PpRange */
  gboolean   has_view;
  PpRange    view;     /* anchor = first, head = last */
  char      *follow;   /* (nullable) the session it follows (extension) */
  PpRole     role;     /* absent on the wire: editor */
  gboolean   verified; /* @name is a signed-in account's, not self-chosen */
  /*< private >*/
  gatomicrefcount ref_count;
};

/**
 * PpMessage:
 * One frame. Which fields are meaningful depends on @type (and, for
 * %PP_MESSAGE_OP, %PP_MESSAGE_PRESENCE and %PP_MESSAGE_META, on the
 * direction); the rest are zero/NULL. Immutable once built.
 *
 *  type      from client                     from server
 *  hello     client name color? has_v/v token?
 *  op        v seq op                        entry
 *  presence  v sel has_view/view follow?     user v sel has_view/view follow?
 *  meta      language? title?                user language title
 *  welcome                                   user v language title users
 *                                            + text, or ops (has_ops)
 *                                            role access locked
 *  access                                    role access locked roles
 *  ack                                       seq v
 *  join                                      user_info
 *  leave                                     user
 *  error                                     code message has_seq/seq has_id/id
 *  complete  id v position max (0: default)
 *  completions                               id v prefix_length provider fallback? items
 */
struct _PpMessage
{
  PpMessageType    type;
  PpDirection      direction;

  char            *client;
  char            *name;
  char            *color;
  char            *token;
  char            *user;
  char            *language;
  char            *title;
  char            *text;
  char            *message;

  gboolean         has_v;
  gint64           v;
  gboolean         has_seq;
  gint64           seq;

  PpTextOp        *op;
  PpLogEntry      *entry;
  GArray          *sel;        /* of PpRange */
  gboolean         has_view;
  PpRange          view;
  char            *follow;     /* presence: the session followed (extension) */
  PpUserInfo      *user_info;
  GPtrArray       *users;      /* of PpUserInfo */
  gboolean         has_ops;
  GPtrArray       *ops;        /* of PpLogEntry */
  PpProtocolError  code;
  PpRole           role;       /* welcome, access: the recipient's own */
  PpGeneralAccess  access;
  gboolean         locked;
  GHashTable      *roles;      /* access: session id → PpRole (as a pointer) */
  gboolean         has_id;
  gint64           id;         /* complete, completions, error: the request's, chosen by the client */
  gint64           position;   /* complete: code points into the text at v */
  gint64           max;        /* complete: items wanted, 0 for the daemon's default */
  gint64           prefix_length;  /* completions: code points before the cursor items replace */
  char            *provider;   /* completions: "built-in" or "model" */
  char            *fallback;   /* completions: why the model gave nothing */
  GPtrArray       *items;      /* completions: of PpCompletionItem */

  /*< private >*/
  gatomicrefcount  ref_count;
};

void              pp_protocol_limits_init_default  (PpProtocolLimits       *limits);
gboolean          pp_protocol_client_id_is_valid   (const char             *client);
gboolean          pp_protocol_color_is_valid       (const char             *color);

#define PP_TYPE_LOG_ENTRY (pp_log_entry_get_type ())
#define PP_TYPE_USER_INFO (pp_user_info_get_type ())
#define PP_TYPE_MESSAGE (pp_message_get_type ())

GType             pp_log_entry_get_type            (void) G_GNUC_CONST;
PpLogEntry       *pp_log_entry_new                 (gint64                  v,
                                                    PpTextOp               *op,
                                                    const char             *user,
                                                    const char             *client,
                                                    gint64                  seq,
                                                    const char             *name,
                                                    gint64                  created_at);
PpLogEntry       *pp_log_entry_ref                 (PpLogEntry             *self);
void              pp_log_entry_unref               (PpLogEntry             *self);
JsonNode         *pp_log_entry_to_json             (const PpLogEntry       *self,
                                                    gboolean                with_type);
PpLogEntry       *pp_log_entry_new_from_json       (JsonNode               *node,
                                                    GError                **error);

GType             pp_user_info_get_type            (void) G_GNUC_CONST;
PpUserInfo       *pp_user_info_new                 (const char             *user,
                                                    const char             *client,
                                                    const char             *name,
                                                    const char             *color,
                                                    gint64                  v);
PpUserInfo       *pp_user_info_copy                (const PpUserInfo       *self);
PpUserInfo       *pp_user_info_ref                 (PpUserInfo             *self);
void              pp_user_info_unref               (PpUserInfo             *self);
JsonNode         *pp_user_info_to_json             (const PpUserInfo       *self);

GType             pp_message_get_type              (void) G_GNUC_CONST;
PpMessage        *pp_message_ref                   (PpMessage              *self);
void              pp_message_unref                 (PpMessage              *self);

/* Parsing: checks size, UTF-8, JSON depth and every field of the type for
 * the given direction; errors are PP_PROTOCOL_ERROR (BAD_MESSAGE, BAD_OP or
 * TOO_LARGE) with a message fit for a person. */
PpMessage        *pp_message_parse                 (const char             *frame,
                                                    gsize                   n_bytes,
                                                    PpDirection             direction,
                                                    const PpProtocolLimits *limits,
                                                    GError                **error);
gboolean          pp_message_peek_seq              (const char             *frame,
                                                    gsize                   n_bytes,
                                                    const PpProtocolLimits *limits,
                                                    gint64                 *seq);
const char       *pp_message_type_to_string        (PpMessageType           type);

/* Building: each returns a new message; pp_message_to_json() encodes any
 * message (of either direction) as one frame. */
PpMessage        *pp_message_new_hello             (const char             *client,
                                                    const char             *name,
                                                    const char             *color,
                                                    gboolean                has_v,
                                                    gint64                  v,
                                                    const char             *token);
PpMessage        *pp_message_new_client_op         (gint64                  v,
                                                    gint64                  seq,
                                                    PpTextOp               *op);
PpMessage        *pp_message_new_client_presence   (gint64                  v,
                                                    const PpRange          *sel,
                                                    guint                   n_sel,
                                                    const PpRange          *view);
PpMessage        *pp_message_new_client_meta       (const char             *language,
                                                    const char             *title);
PpMessage        *pp_message_new_welcome           (const char             *user,
                                                    gint64                  v,
                                                    const char             *language,
                                                    const char             *title,
                                                    GPtrArray              *users,
                                                    const char             *text,
                                                    GPtrArray              *ops);
PpMessage        *pp_message_new_access            (PpRole                  role,
                                                    PpGeneralAccess         access,
                                                    gboolean                locked,
                                                    GHashTable             *roles);
PpMessage        *pp_message_new_ack               (gint64                  seq,
                                                    gint64                  v);
PpMessage        *pp_message_new_server_op         (PpLogEntry             *entry);
PpMessage        *pp_message_new_server_presence   (const char             *user,
                                                    gint64                  v,
                                                    const PpRange          *sel,
                                                    guint                   n_sel,
                                                    const PpRange          *view);
PpMessage        *pp_message_new_server_meta       (const char             *user,
                                                    const char             *language,
                                                    const char             *title);
PpMessage        *pp_message_new_join              (PpUserInfo             *user_info);
PpMessage        *pp_message_new_leave             (const char             *user);
PpMessage        *pp_message_new_complete          (gint64                  id,
                                                    gint64                  v,
                                                    gint64                  position,
                                                    gint64                  max);
PpMessage        *pp_message_new_completions       (gint64                  id,
                                                    gint64                  v,
                                                    gint64                  prefix_length,
                                                    const char             *provider,
                                                    const char             *fallback,
                                                    GPtrArray              *items);
PpMessage        *pp_message_new_error             (PpProtocolError         code,
                                                    const char             *message,
                                                    gboolean                has_seq,
                                                    gint64                  seq);

char             *pp_message_to_json               (const PpMessage        *self,
                                                    gsize                  *n_bytes);
JsonNode         *pp_message_to_node               (const PpMessage        *self);

/* A JSON helper shared by every part: parse @n_bytes of @data into a node
 * after checking UTF-8 and nesting depth (json-glib recurses per level). */
JsonNode         *pp_json_parse                    (const char             *data,
                                                    gsize                   n_bytes,
                                                    guint                   max_depth,
                                                    GError                **error);
char             *pp_json_to_string                (JsonNode               *node,
                                                    gsize                  *n_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpLogEntry, pp_log_entry_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpUserInfo, pp_user_info_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMessage, pp_message_unref)

G_END_DECLS
