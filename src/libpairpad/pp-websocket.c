/* pp-websocket.c: RFC 6455 framing, without any I/O.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-websocket"

#include "config.h"

#include <string.h>

#include "pp-websocket.h"

/* The daemon serves every peer from one thread, so it owns the sockets and
 * does the framing itself: one poll source for all of them instead of
 * libsoup's sources and timers per connection (see ppd-poller.c). Only
 * what the protocol needs is here: no extensions, and a message is handed
 * over whole, up to a size limit checked before its payload is buffered. */

#define MAX_CONTROL_PAYLOAD 125
#define READ_CHUNK (64 * 1024)
#define MAX_CLOSE_REASON (MAX_CONTROL_PAYLOAD - 2)

struct _PpWsReader
{
  GByteArray *buffer;          /* received bytes; frames start at @pos */
  gsize       pos;
  GByteArray *message;         /* a fragmented message being assembled */
  PpWsOpcode  message_opcode;
  gsize       max_message_size;
  char       *error;
  gushort     error_code;
  guint64     skip;            /* payload bytes of a refused message yet to drop */

  /* Flags */
  guint       masked : 1;      /* frames must be masked (a server's reader) */
  guint       in_message : 1;
  guint       message_done : 1; /* @message was handed out: clear it first */
  guint       skip_message : 1; /* drop the refused message's fragments */
  guint       failed : 1;
};

gsize
pp_ws_frame_header_write (guint8        header[PP_WS_MAX_HEADER_SIZE],
                          PpWsOpcode    opcode,
                          guint64       payload_size,
                          const guint8 *mask)
{
  gsize n = 2;

  header[0] = 0x80 | opcode;
  if (payload_size < 126)
    header[1] = payload_size;
  else if (payload_size <= G_MAXUINT16)
    {
      header[1] = 126;
      header[2] = payload_size >> 8;
      header[3] = payload_size & 0xff;
      n = 4;
    }
  else
    {
      header[1] = 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = (payload_size >> (56 - 8 * i)) & 0xff;
      n = 10;
    }

  if (mask != NULL)
    {
      header[1] |= 0x80;
      memcpy (header + n, mask, 4);
      n += 4;
    }

  return n;
}

/* One whole frame. A server's is unmasked (@mask NULL): the same bytes
 * serve every recipient of a broadcast. A client masks with 4 bytes. */
GBytes *
pp_ws_frame_new (PpWsOpcode    opcode,
                 const void   *payload,
                 gsize         payload_size,
                 const guint8 *mask)
{
  guint8 header[PP_WS_MAX_HEADER_SIZE];
  gsize header_size = pp_ws_frame_header_write (header, opcode, payload_size, mask);
  guint8 *frame = g_malloc (header_size + payload_size);

  memcpy (frame, header, header_size);
  if (payload_size > 0)
    memcpy (frame + header_size, payload, payload_size);
  if (mask != NULL)
    pp_ws_apply_mask (frame + header_size, payload_size, mask);

  return g_bytes_new_take (frame, header_size + payload_size);
}

/* The reason is cut at a character boundary to fit a control frame. */
GBytes *
pp_ws_close_frame_new (gushort     code,
                       const char *reason)
{
  guint8 payload[MAX_CONTROL_PAYLOAD];
  gsize reason_size = reason ? strlen (reason) : 0;

  if (reason_size > MAX_CLOSE_REASON)
    {
      reason_size = MAX_CLOSE_REASON;
      while (reason_size > 0 && (reason[reason_size] & 0xc0) == 0x80)
        reason_size--;
    }

  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  if (reason_size > 0)
    memcpy (payload + 2, reason, reason_size);

  return pp_ws_frame_new (PP_WS_OPCODE_CLOSE, payload, 2 + reason_size, NULL);
}

/* Eight bytes at a time: masking is on the path of every client frame. */
void
pp_ws_apply_mask (guint8       *data,
                  gsize         n_bytes,
                  const guint8  mask[4])
{
  guint8 mask8[8];
  guint64 mask64;
  gsize i = 0;

  for (guint k = 0; k < 8; k++)
    mask8[k] = mask[k & 3];
  memcpy (&mask64, mask8, 8);

  for (; i + 8 <= n_bytes; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      word ^= mask64;
      memcpy (data + i, &word, 8);
    }
  for (; i < n_bytes; i++)
    data[i] ^= mask8[i & 7];
}

/* UTF-8 as RFC 6455 means it: U+0000 is a character like any other,
 * although g_utf8_validate_len() stops at it. */
static gboolean
is_utf8 (const guint8 *data,
         gsize         n_bytes)
{
  const char *p = (const char *) data;
  const char *end = p + n_bytes;
  const char *stop;

  while (!g_utf8_validate_len (p, end - p, &stop))
    {
      if (*stop != '\0')
        return FALSE;
      p = stop + 1;
    }

  return TRUE;
}

static gboolean
is_valid_close_code (guint code)
{
  if (code >= 3000 && code <= 4999)
    return TRUE;

  return code >= 1000 && code <= 1011 && code != 1004 && code != 1005 && code != 1006;
}

PpWsReader *
pp_ws_reader_new (gboolean masked,
                  gsize    max_message_size)
{
  PpWsReader *self = g_new0 (PpWsReader, 1);

  self->buffer = g_byte_array_new ();
  self->message = g_byte_array_new ();
  self->masked = masked;
  self->max_message_size = max_message_size;

  return self;
}

void
pp_ws_reader_free (PpWsReader *self)
{
  if (self == NULL)
    return;

  g_byte_array_unref (self->buffer);
  g_byte_array_unref (self->message);
  g_free (self->error);
  g_free (self);
}

/* Copies @data after what is buffered; consumed frames are dropped first,
 * so the buffer holds at most one partial frame plus the new bytes. After
 * an error nothing more is kept. */
void
pp_ws_reader_push (PpWsReader *self,
                   const void *data,
                   gsize       n_bytes)
{
  if (self->failed)
    return;

  if (self->skip > 0 && self->pos == self->buffer->len)
    {
      gsize dropped = MIN (self->skip, n_bytes);

      self->skip -= dropped;
      data = (const guint8 *) data + dropped;
      n_bytes -= dropped;
    }

  /* An idle connection keeps no large buffer: one that held a big
   * message is let go once it is read. */
  if (self->pos == self->buffer->len && self->buffer->len > READ_CHUNK)
    {
      g_byte_array_unref (self->buffer);
      self->buffer = g_byte_array_new ();
      self->pos = 0;
    }
  else if (self->pos > 0)
    {
      g_byte_array_remove_range (self->buffer, 0, self->pos);
      self->pos = 0;
    }
  g_byte_array_append (self->buffer, data, n_bytes);
}

/* Reads what @input has, up to READ_CHUNK bytes, into the reader: the
 * bytes read, 0 at the end of the stream, or -1 with @error
 * (G_IO_ERROR_WOULD_BLOCK when there is nothing to read now). Call it
 * until it would block, handling frames in between: a stream may hold
 * bytes no poll reports (read along with an HTTP request, or decrypted). */
gssize
pp_ws_reader_read (PpWsReader            *self,
                   GPollableInputStream  *input,
                   GError               **error)
{
  guint8 chunk[READ_CHUNK];
  gssize n = g_pollable_input_stream_read_nonblocking (input, chunk, sizeof chunk, NULL, error);

  if (n > 0)
    pp_ws_reader_push (self, chunk, n);

  return n;
}

gsize
pp_ws_reader_get_buffered (PpWsReader *self)
{
  return self->buffer->len - self->pos + self->message->len;
}

static PpWsReadResult
fail (PpWsReader    *self,
      PpWsFrame     *frame,
      PpWsCloseCode  code,
      char          *message)
{
  if (!self->failed)
    {
      self->failed = TRUE;
      g_free (self->error);
      self->error = message;
      self->error_code = code;
    }
  else
    g_free (message);

  frame->close_code = self->error_code;
  frame->error = self->error;
  return PP_WS_READ_ERROR;
}

static PpWsReadResult
read_close (PpWsReader   *self,
            PpWsFrame    *frame,
            const guint8 *payload,
            gsize         size)
{
  if (size == 0)
    {
      frame->close_code = PP_WS_CLOSE_NO_STATUS;
      return PP_WS_READ_CLOSE;
    }

  if (size == 1)
    return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR, g_strdup ("Invalid close code"));
  frame->close_code = (payload[0] << 8) | payload[1];
  if (!is_valid_close_code (frame->close_code))
    return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR, g_strdup ("Invalid close code"));
  if (!is_utf8 (payload + 2, size - 2))
    return fail (self, frame, PP_WS_CLOSE_BAD_DATA, g_strdup ("Close reason is not UTF-8"));

  frame->payload = payload + 2;
  frame->payload_size = size - 2;
  return PP_WS_READ_CLOSE;
}

static PpWsReadResult
deliver_message (PpWsReader   *self,
                 PpWsFrame    *frame,
                 PpWsOpcode    opcode,
                 const guint8 *payload,
                 gsize         size)
{
  if (opcode == PP_WS_OPCODE_TEXT && !is_utf8 (payload, size))
    return fail (self, frame, PP_WS_CLOSE_BAD_DATA, g_strdup ("Text message is not UTF-8"));

  frame->opcode = opcode;
  frame->payload = payload;
  frame->payload_size = size;
  return PP_WS_READ_MESSAGE;
}

/* Drops what is buffered of a refused payload; FALSE while more is due. */
static gboolean
drop_skipped (PpWsReader *self)
{
  gsize dropped = MIN (self->skip, self->buffer->len - self->pos);

  self->pos += dropped;
  self->skip -= dropped;

  return self->skip == 0;
}

/* The next complete message or control frame. Fragments are gathered until
 * the message is whole; a control frame may come between them. A message
 * over the size limit is an error with PP_WS_CLOSE_TOO_BIG that reading
 * can go on after (the message is skipped); after any other error every
 * call returns the same error. */
PpWsReadResult
pp_ws_reader_next (PpWsReader *self,
                   PpWsFrame  *frame)
{
  memset (frame, 0, sizeof *frame);

  if (self->failed)
    return fail (self, frame, 0, NULL);

  if (self->message_done)
    {
      if (self->message->len > READ_CHUNK)
        {
          g_byte_array_unref (self->message);
          self->message = g_byte_array_new ();
        }
      else
        g_byte_array_set_size (self->message, 0);
      self->message_done = FALSE;
    }

  if (!drop_skipped (self))
    return PP_WS_READ_NEED_MORE;

  for (;;)
    {
      guint8 *p = self->buffer->data + self->pos;
      gsize available = self->buffer->len - self->pos;
      gsize header_size = 2;
      guint64 size;
      gboolean fin, masked;
      PpWsOpcode opcode;
      guint8 *payload;

      if (available < 2)
        return PP_WS_READ_NEED_MORE;

      fin = (p[0] & 0x80) != 0;
      opcode = p[0] & 0x0f;
      masked = (p[1] & 0x80) != 0;
      size = p[1] & 0x7f;

      if ((p[0] & 0x70) != 0)
        return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                     g_strdup ("Reserved bits are set but no extension was agreed"));
      if (masked != self->masked)
        return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                     g_strdup (self->masked ? "Client frames must be masked"
                                            : "Server frames must not be masked"));

      if (opcode >= PP_WS_OPCODE_CLOSE)
        {
          if (opcode > PP_WS_OPCODE_PONG)
            return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                         g_strdup_printf ("Unknown control opcode %u", opcode));
          if (!fin || size > MAX_CONTROL_PAYLOAD)
            return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                         g_strdup ("Control frames must be whole and at most 125 bytes"));
        }
      else if (opcode > PP_WS_OPCODE_BINARY)
        return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                     g_strdup_printf ("Unknown data opcode %u", opcode));
      else if ((opcode == PP_WS_OPCODE_CONTINUATION) != self->in_message)
        return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                     g_strdup (self->in_message ? "A fragmented message was interrupted"
                                                : "Continuation frame without a message"));

      if (size == 126)
        header_size += 2;
      else if (size == 127)
        header_size += 8;
      if (masked)
        header_size += 4;
      if (available < header_size)
        return PP_WS_READ_NEED_MORE;

      if (size == 126)
        size = (p[2] << 8) | p[3];
      else if (size == 127)
        {
          size = 0;
          for (guint i = 0; i < 8; i++)
            size = (size << 8) | p[2 + i];
          if (size >> 63)
            return fail (self, frame, PP_WS_CLOSE_PROTOCOL_ERROR,
                         g_strdup ("Invalid payload length"));
        }

      /* The rest of a refused message goes unread. */
      if (opcode == PP_WS_OPCODE_CONTINUATION && self->skip_message)
        {
          self->pos += header_size;
          self->skip = size;
          self->skip_message = !fin;
          self->in_message = !fin;
          if (!drop_skipped (self))
            return PP_WS_READ_NEED_MORE;
          continue;
        }

      /* Refused from the header alone: a huge message is never buffered,
       * and reading goes on after it (the client's close frame follows). */
      if (opcode < PP_WS_OPCODE_CLOSE && size + self->message->len > self->max_message_size)
        {
          g_free (self->error);
          self->error = g_strdup_printf ("Message of %" G_GUINT64_FORMAT " bytes is over the "
                                         "limit of %" G_GSIZE_FORMAT,
                                         size + self->message->len, self->max_message_size);
          frame->close_code = PP_WS_CLOSE_TOO_BIG;
          frame->error = self->error;
          g_byte_array_set_size (self->message, 0);
          self->pos += header_size;
          self->skip = size;
          self->skip_message = !fin;
          self->in_message = !fin;
          drop_skipped (self);
          return PP_WS_READ_ERROR;
        }

      if (available - header_size < size)
        {
          /* Room for the whole frame at once: a 10 MiB welcome arriving
           * in 64 KiB reads would otherwise be copied at every doubling. */
          guint len = self->buffer->len;

          g_byte_array_set_size (self->buffer, self->pos + header_size + size);
          g_byte_array_set_size (self->buffer, len);
          return PP_WS_READ_NEED_MORE;
        }

      payload = p + header_size;
      if (masked)
        pp_ws_apply_mask (payload, size, p + header_size - 4);
      self->pos += header_size + size;

      switch (opcode)
        {
        case PP_WS_OPCODE_PING:
        case PP_WS_OPCODE_PONG:
          frame->opcode = opcode;
          frame->payload = payload;
          frame->payload_size = size;
          return opcode == PP_WS_OPCODE_PING ? PP_WS_READ_PING : PP_WS_READ_PONG;

        case PP_WS_OPCODE_CLOSE:
          frame->opcode = opcode;
          return read_close (self, frame, payload, size);

        case PP_WS_OPCODE_TEXT:
        case PP_WS_OPCODE_BINARY:
          if (fin)
            return deliver_message (self, frame, opcode, payload, size);
          self->in_message = TRUE;
          self->message_opcode = opcode;
          g_byte_array_append (self->message, payload, size);
          break;

        case PP_WS_OPCODE_CONTINUATION:
        default:
          g_byte_array_append (self->message, payload, size);
          if (fin)
            {
              self->in_message = FALSE;
              self->message_done = TRUE;
              return deliver_message (self, frame, self->message_opcode,
                                      self->message->data, self->message->len);
            }
          break;
        }
    }
}
