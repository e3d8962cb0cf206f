/* pp-websocket.h: RFC 6455 framing, without any I/O.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  PP_WS_OPCODE_CONTINUATION = 0x0,
  PP_WS_OPCODE_TEXT = 0x1,
  PP_WS_OPCODE_BINARY = 0x2,
  PP_WS_OPCODE_CLOSE = 0x8,
  PP_WS_OPCODE_PING = 0x9,
  PP_WS_OPCODE_PONG = 0xA,
} PpWsOpcode;

/* RFC 6455 §7.4.1 */
typedef enum
{
  PP_WS_CLOSE_NORMAL = 1000,
  PP_WS_CLOSE_GOING_AWAY = 1001,
  PP_WS_CLOSE_PROTOCOL_ERROR = 1002,
  PP_WS_CLOSE_NO_STATUS = 1005,
  PP_WS_CLOSE_BAD_DATA = 1007,
  PP_WS_CLOSE_TOO_BIG = 1009,
} PpWsCloseCode;

#define PP_WS_MAX_HEADER_SIZE 14

gsize   pp_ws_frame_header_write (guint8        header[PP_WS_MAX_HEADER_SIZE],
                                  PpWsOpcode    opcode,
                                  guint64       payload_size,
                                  const guint8 *mask);
GBytes *pp_ws_frame_new          (PpWsOpcode    opcode,
                                  const void   *payload,
                                  gsize         payload_size,
                                  const guint8 *mask);
GBytes *pp_ws_close_frame_new    (gushort       code,
                                  const char   *reason);
void    pp_ws_apply_mask         (guint8       *data,
                                  gsize         n_bytes,
                                  const guint8  mask[4]);

typedef enum
{
  PP_WS_READ_NEED_MORE,  /* no complete frame is buffered */
  PP_WS_READ_MESSAGE,    /* a whole text or binary message */
  PP_WS_READ_PING,
  PP_WS_READ_PONG,
  PP_WS_READ_CLOSE,      /* the close code (1005 when none) and reason */
  PP_WS_READ_ERROR,      /* the connection must close with the code */
} PpWsReadResult;

/* What pp_ws_reader_next() found. The payload points into the reader and
 * stays valid until the next call. */
typedef struct
{
  PpWsOpcode    opcode;      /* TEXT or BINARY for a message */
  const guint8 *payload;
  gsize         payload_size;
  gushort       close_code;  /* CLOSE and ERROR */
  const char   *error;       /* ERROR: why, for logs and close reasons */
} PpWsFrame;

typedef struct _PpWsReader PpWsReader;

PpWsReader     *pp_ws_reader_new     (gboolean      masked,
                                      gsize         max_message_size);
void            pp_ws_reader_free    (PpWsReader   *self);
void            pp_ws_reader_push    (PpWsReader   *self,
                                      const void   *data,
                                      gsize         n_bytes);
PpWsReadResult  pp_ws_reader_next    (PpWsReader   *self,
                                      PpWsFrame    *frame);
gssize          pp_ws_reader_read    (PpWsReader            *self,
                                      GPollableInputStream  *input,
                                      GError               **error);
gsize           pp_ws_reader_get_buffered
                                     (PpWsReader   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpWsReader, pp_ws_reader_free)

G_END_DECLS
