/* fuzz-websocket.c: libFuzzer target for PpWsReader, the framing every client byte goes through.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-websocket"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pairpad.h>

/* The input is what a client sends, cut into pieces as TCP might deliver
 * it (the first byte picks the piece size). Properties checked:
 *  - reading never crashes and never logs a critical or a warning;
 *  - no message is larger than the limit, and the reader never holds more
 *    than the limit plus one piece and a header;
 *  - every text message is UTF-8;
 *  - after an error other than a refused message, every call returns it;
 *  - a message re-framed by a client (masked) reads back the same. */

#define LIMIT 4096

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_writer_default_set_use_stderr (TRUE);

  return 0;
}

static void
check_reframed (const PpWsFrame *message)
{
  static const guint8 mask[4] = { 0x3c, 0x99, 0x01, 0xfe };
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
  g_autoptr(GBytes) wire = pp_ws_frame_new (message->opcode, message->payload,
                                            message->payload_size, mask);
  PpWsFrame again;

  pp_ws_reader_push (reader, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));

  if (pp_ws_reader_next (reader, &again) != PP_WS_READ_MESSAGE ||
      again.opcode != message->opcode || again.payload_size != message->payload_size ||
      memcmp (again.payload, message->payload, again.payload_size) != 0)
    abort ();
}

/* Character by character, unlike the reader (which validates runs). */
static gboolean
is_utf8 (const guint8 *data,
         gsize         size)
{
  const char *p = (const char *) data;
  const char *end = p + size;

  while (p < end)
    {
      gunichar c;

      /* U+0000 is a character; g_utf8_get_char_validated() refuses it. */
      if (*p == '\0')
        {
          p++;
          continue;
        }

      c = g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        return FALSE;
      p = g_utf8_next_char (p);
    }

  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
  gsize piece;
  gboolean failed = FALSE;

  if (size == 0)
    return 0;

  piece = 1 + data[0] % 64;
  data++;
  size--;

  for (gsize offset = 0; offset < size && !failed; offset += piece)
    {
      PpWsFrame frame;
      PpWsReadResult result;

      pp_ws_reader_push (reader, data + offset, MIN (piece, size - offset));
      if (pp_ws_reader_get_buffered (reader) > LIMIT + piece + PP_WS_MAX_HEADER_SIZE)
        abort ();

      while ((result = pp_ws_reader_next (reader, &frame)) != PP_WS_READ_NEED_MORE)
        {
          if (result == PP_WS_READ_MESSAGE)
            {
              if (frame.payload_size > LIMIT ||
                  (frame.opcode == PP_WS_OPCODE_TEXT && !is_utf8 (frame.payload,
                                                                  frame.payload_size)))
                abort ();
              check_reframed (&frame);
            }
          else if (result == PP_WS_READ_ERROR)
            {
              if (frame.error == NULL || frame.close_code < 1000)
                abort ();
              if (frame.close_code != PP_WS_CLOSE_TOO_BIG)
                {
                  gushort code = frame.close_code;

                  if (pp_ws_reader_next (reader, &frame) != PP_WS_READ_ERROR ||
                      frame.close_code != code)
                    abort ();
                  failed = TRUE;
                  break;
                }
            }
          else if (result == PP_WS_READ_CLOSE)
            {
              if (frame.close_code < 1000)
                abort ();
            }
        }
    }

  return 0;
}
