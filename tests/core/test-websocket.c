/* test-websocket.c: RFC 6455 framing: headers, masking, fragments, limits, errors.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-websocket"

#include "config.h"

#include <string.h>

#include "test-utils.h"

#define LIMIT 1024

static const guint8 mask[4] = { 0xa1, 0x5e, 0x07, 0xf3 };

/* One client frame as a browser sends it: masked. @first_byte carries FIN,
 * RSV and the opcode. */
static void
append_frame (GByteArray *out,
              guint8      first_byte,
              const void *payload,
              gsize       n_bytes,
              gboolean    masked)
{
  g_autoptr(GBytes) frame = pp_ws_frame_new (first_byte & 0x0f, payload, n_bytes,
                                             masked ? mask : NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);
  guint start = out->len;

  g_byte_array_append (out, data, size);
  out->data[start] = first_byte;
}

static PpWsReadResult
read_one (const GByteArray *wire,
          PpWsFrame        *frame,
          PpWsReader      **reader_out)
{
  PpWsReader *reader = pp_ws_reader_new (TRUE, LIMIT);

  pp_ws_reader_push (reader, wire->data, wire->len);
  *reader_out = reader;
  return pp_ws_reader_next (reader, frame);
}

static void
test_header_sizes (void)
{
  const struct { guint64 size; gsize header; } cases[] = {
    { 0, 2 }, { 125, 2 }, { 126, 4 }, { 65535, 4 }, { 65536, 10 }, { G_GUINT64_CONSTANT (1) << 40, 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 header[PP_WS_MAX_HEADER_SIZE];

      g_assert_cmpuint (pp_ws_frame_header_write (header, PP_WS_OPCODE_TEXT, cases[i].size, NULL),
                        ==, cases[i].header);
      g_assert_cmpuint (pp_ws_frame_header_write (header, PP_WS_OPCODE_TEXT, cases[i].size, mask),
                        ==, cases[i].header + 4);
      g_assert_cmphex (header[0], ==, 0x81);
      g_assert_cmphex (header[1] & 0x80, ==, 0x80);
    }
}

/* What a server sends, a client-side reader reads back, at every size
 * class boundary. */
static void
test_server_frames_round_trip (void)
{
  const gsize sizes[] = { 0, 1, 125, 126, 1000, 65535, 65536, 200000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *text = g_malloc (sizes[i] + 1);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(PpWsReader) reader = pp_ws_reader_new (FALSE, 1 << 20);
      PpWsFrame frame;
      gsize n_bytes;
      const guint8 *data;

      memset (text, 'a' + i, sizes[i]);
      bytes = pp_ws_frame_new (PP_WS_OPCODE_TEXT, text, sizes[i], NULL);
      data = g_bytes_get_data (bytes, &n_bytes);
      pp_ws_reader_push (reader, data, n_bytes);
      g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_MESSAGE);
      g_assert_cmpint (frame.opcode, ==, PP_WS_OPCODE_TEXT);
      g_assert_cmpmem (frame.payload, frame.payload_size, text, sizes[i]);
      g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_NEED_MORE);
    }
}

/* Bytes arrive as TCP delivers them: cut anywhere. Every cut gives the
 * same two messages. */
static void
test_split_anywhere (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  const char *first = "{\"type\":\"hello\",\"client\":\"c\"}";
  g_autofree char *second = g_strnfill (300, 'x');

  append_frame (wire, 0x81, first, strlen (first), TRUE);
  append_frame (wire, 0x81, second, 300, TRUE);

  for (guint cut = 0; cut <= wire->len; cut++)
    {
      g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
      g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
      PpWsFrame frame;
      PpWsReadResult result;

      pp_ws_reader_push (reader, wire->data, cut);
      while ((result = pp_ws_reader_next (reader, &frame)) == PP_WS_READ_MESSAGE)
        g_ptr_array_add (messages, g_strndup ((const char *) frame.payload, frame.payload_size));
      g_assert_cmpint (result, ==, PP_WS_READ_NEED_MORE);
      pp_ws_reader_push (reader, wire->data + cut, wire->len - cut);
      while ((result = pp_ws_reader_next (reader, &frame)) == PP_WS_READ_MESSAGE)
        g_ptr_array_add (messages, g_strndup ((const char *) frame.payload, frame.payload_size));
      g_assert_cmpint (result, ==, PP_WS_READ_NEED_MORE);

      g_assert_cmpuint (messages->len, ==, 2);
      g_assert_cmpstr (messages->pdata[0], ==, first);
      g_assert_cmpstr (messages->pdata[1], ==, second);
      g_assert_cmpuint (pp_ws_reader_get_buffered (reader), ==, 0);
    }
}

/* Masking is its own inverse, at every alignment the word loop meets. */
static void
test_mask_round_trip (void)
{
  for (gsize n = 0; n < 40; n++)
    {
      guint8 data[40];
      guint8 copy[40];

      for (gsize i = 0; i < n; i++)
        data[i] = copy[i] = i * 7;
      pp_ws_apply_mask (data, n, mask);
      for (gsize i = 0; i < n; i++)
        g_assert_cmphex (data[i], ==, copy[i] ^ mask[i % 4]);
      pp_ws_apply_mask (data, n, mask);
      g_assert_cmpmem (data, n, copy, n);
    }
}

/* A message in three fragments with a ping between them: the ping is
 * answered at once, the message comes whole. */
static void
test_fragments_with_control_between (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(PpWsReader) reader = NULL;
  PpWsFrame frame;

  append_frame (wire, 0x01, "{\"type\":", 8, TRUE);
  append_frame (wire, 0x89, "hi", 2, TRUE);
  append_frame (wire, 0x00, "\"meta\"", 6, TRUE);
  append_frame (wire, 0x80, "}", 1, TRUE);

  g_assert_cmpint (read_one (wire, &frame, &reader), ==, PP_WS_READ_PING);
  g_assert_cmpmem (frame.payload, frame.payload_size, "hi", 2);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_MESSAGE);
  g_assert_cmpint (frame.opcode, ==, PP_WS_OPCODE_TEXT);
  g_assert_cmpmem (frame.payload, frame.payload_size, "{\"type\":\"meta\"}", 15);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_NEED_MORE);
}

static void
test_close_frames (void)
{
  g_autoptr(GBytes) close = pp_ws_close_frame_new (4413, "too_large");
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (FALSE, LIMIT);
  g_autofree char *long_reason = g_strnfill (200, 'e');
  g_autoptr(GString) accented = g_string_new (NULL);
  g_autoptr(GBytes) cut = NULL;
  PpWsFrame frame;
  gsize n_bytes;
  const guint8 *data = g_bytes_get_data (close, &n_bytes);

  pp_ws_reader_push (reader, data, n_bytes);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_CLOSE);
  g_assert_cmpuint (frame.close_code, ==, 4413);
  g_assert_cmpmem (frame.payload, frame.payload_size, "too_large", 9);

  /* A long reason is cut to fit, never inside a character. */
  for (guint i = 0; i < 100; i++)
    g_string_append (accented, "é");
  cut = pp_ws_close_frame_new (1000, accented->str);
  data = g_bytes_get_data (cut, &n_bytes);
  g_assert_cmpuint (n_bytes, <=, 2 + 125);
  pp_ws_reader_push (reader, data, n_bytes);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_CLOSE);
  g_assert_true (g_utf8_validate_len ((const char *) frame.payload, frame.payload_size, NULL));
  g_assert_cmpuint (frame.payload_size, ==, 122);
}

/* A one-byte close payload at the very end of what arrived: refused, and
 * nothing past it is read (the fuzzer found the read past the end). */
static void
test_close_one_byte_alone (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(PpWsReader) reader = NULL;
  PpWsFrame frame;

  append_frame (wire, 0x88, "\x03", 1, TRUE);
  g_assert_cmpint (read_one (wire, &frame, &reader), ==, PP_WS_READ_ERROR);
  g_assert_cmpuint (frame.close_code, ==, PP_WS_CLOSE_PROTOCOL_ERROR);
}

/* U+0000 is valid UTF-8 in a text frame; the JSON layer refuses it later,
 * with the protocol's error rather than a close. */
static void
test_nul_is_utf8 (void)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autoptr(PpWsReader) reader = NULL;
  PpWsFrame frame;

  append_frame (wire, 0x81, "a\0b", 3, TRUE);
  g_assert_cmpint (read_one (wire, &frame, &reader), ==, PP_WS_READ_MESSAGE);
  g_assert_cmpuint (frame.payload_size, ==, 3);
}

/* Each is a protocol violation: the reader names the close code, and
 * keeps naming it (nothing after a violation is read). */
static void
test_violations (void)
{
  g_autofree char *big = g_malloc0 (LIMIT + 1);
  const struct
  {
    const char *name;
    guint8      first_byte;
    const char *payload;
    gsize       n_bytes;
    gboolean    masked;
    gushort     code;
  } cases[] = {
    { "unmasked", 0x81, "{}", 2, FALSE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "reserved-bit", 0xc1, "{}", 2, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "data-opcode-3", 0x83, "{}", 2, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "control-opcode-b", 0x8b, "", 0, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "continuation-first", 0x80, "{}", 2, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "fragmented-ping", 0x09, "", 0, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "long-ping", 0x89, big, 126, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "close-one-byte", 0x88, "\x03", 1, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "close-code-999", 0x88, "\x03\xe7", 2, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "close-code-1005", 0x88, "\x03\xed", 2, TRUE, PP_WS_CLOSE_PROTOCOL_ERROR },
    { "close-reason-not-utf8", 0x88, "\x03\xe8\xff", 3, TRUE, PP_WS_CLOSE_BAD_DATA },
    { "text-not-utf8", 0x81, "[\"\xc0\xaf\"]", 6, TRUE, PP_WS_CLOSE_BAD_DATA },
    { "text-surrogate", 0x81, "\xed\xa0\x80", 3, TRUE, PP_WS_CLOSE_BAD_DATA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) wire = g_byte_array_new ();
      g_autoptr(PpWsReader) reader = NULL;
      PpWsFrame frame;

      g_test_message ("%s", cases[i].name);
      append_frame (wire, cases[i].first_byte, cases[i].payload, cases[i].n_bytes,
                    cases[i].masked);
      append_frame (wire, 0x81, "{}", 2, TRUE);
      g_assert_cmpint (read_one (wire, &frame, &reader), ==, PP_WS_READ_ERROR);
      g_assert_cmpuint (frame.close_code, ==, cases[i].code);
      g_assert_nonnull (frame.error);
      g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_ERROR);
      g_assert_cmpuint (frame.close_code, ==, cases[i].code);
    }
}

/* An oversized message is refused from its header: nothing of its payload
 * needs to arrive, fragments count together, and what follows the refused
 * message is read as usual (the client's answer to our close frame). */
static void
test_limit_from_header (void)
{
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
  g_autoptr(PpWsReader) fragments = pp_ws_reader_new (TRUE, LIMIT);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *half = g_malloc0 (LIMIT / 2 + 1);
  guint8 header[PP_WS_MAX_HEADER_SIZE];
  gsize header_size = pp_ws_frame_header_write (header, PP_WS_OPCODE_TEXT,
                                                G_GUINT64_CONSTANT (1) << 40, mask);
  PpWsFrame frame;

  pp_ws_reader_push (reader, header, header_size);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_ERROR);
  g_assert_cmpuint (frame.close_code, ==, PP_WS_CLOSE_TOO_BIG);
  g_assert_cmpint (pp_ws_reader_next (reader, &frame), ==, PP_WS_READ_NEED_MORE);

  append_frame (wire, 0x01, half, LIMIT / 2 + 1, TRUE);
  append_frame (wire, 0x00, half, LIMIT / 2 + 1, TRUE);
  append_frame (wire, 0x89, "", 0, TRUE);
  append_frame (wire, 0x80, half, 10, TRUE);
  append_frame (wire, 0x88, "\x03\xe8", 2, TRUE);
  pp_ws_reader_push (fragments, wire->data, wire->len);
  g_assert_cmpint (pp_ws_reader_next (fragments, &frame), ==, PP_WS_READ_ERROR);
  g_assert_cmpuint (frame.close_code, ==, PP_WS_CLOSE_TOO_BIG);
  g_assert_cmpint (pp_ws_reader_next (fragments, &frame), ==, PP_WS_READ_PING);
  g_assert_cmpint (pp_ws_reader_next (fragments, &frame), ==, PP_WS_READ_CLOSE);
  g_assert_cmpuint (frame.close_code, ==, 1000);
}

/* A refused message that trickles in, then a good one: the refused bytes
 * are dropped as they come, never kept. */
static void
test_skip_refused_message (void)
{
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *big = g_malloc0 (LIMIT * 8);
  guint n_errors = 0, n_messages = 0;

  append_frame (wire, 0x82, big, LIMIT * 8, TRUE);
  append_frame (wire, 0x81, "{}", 2, TRUE);

  for (guint i = 0; i < wire->len; i += 100)
    {
      PpWsFrame frame;
      PpWsReadResult result;

      pp_ws_reader_push (reader, wire->data + i, MIN (100, wire->len - i));
      g_assert_cmpuint (pp_ws_reader_get_buffered (reader), <=, 200);
      while ((result = pp_ws_reader_next (reader, &frame)) != PP_WS_READ_NEED_MORE)
        {
          if (result == PP_WS_READ_ERROR)
            {
              g_assert_cmpuint (frame.close_code, ==, PP_WS_CLOSE_TOO_BIG);
              n_errors++;
            }
          else
            {
              g_assert_cmpint (result, ==, PP_WS_READ_MESSAGE);
              g_assert_cmpmem (frame.payload, frame.payload_size, "{}", 2);
              n_messages++;
            }
        }
    }

  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpuint (n_messages, ==, 1);
}

/* From a stream as the daemon reads it: straight into the buffer, with a
 * refused message between two good ones dropped as it is read. */
static void
test_read_from_stream (void)
{
  g_autoptr(PpWsReader) reader = pp_ws_reader_new (TRUE, LIMIT);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *big = g_malloc0 (LIMIT * 200);
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  guint n_errors = 0;
  gssize n;

  append_frame (wire, 0x81, "first", 5, TRUE);
  append_frame (wire, 0x82, big, LIMIT * 200, TRUE);
  append_frame (wire, 0x81, "second", 6, TRUE);
  input = g_memory_input_stream_new_from_data (g_memdup2 (wire->data, wire->len), wire->len,
                                               g_free);

  while ((n = pp_ws_reader_read (reader, G_POLLABLE_INPUT_STREAM (input), NULL)) > 0)
    {
      PpWsFrame frame;
      PpWsReadResult result;

      g_assert_cmpuint (pp_ws_reader_get_buffered (reader), <=, 64 * 1024 + 64);
      while ((result = pp_ws_reader_next (reader, &frame)) != PP_WS_READ_NEED_MORE)
        {
          if (result == PP_WS_READ_ERROR)
            n_errors++;
          else
            g_ptr_array_add (messages, g_strndup ((const char *) frame.payload,
                                                  frame.payload_size));
        }
    }

  g_assert_cmpint (n, ==, 0);
  g_assert_cmpuint (n_errors, ==, 1);
  g_assert_cmpuint (messages->len, ==, 2);
  g_assert_cmpstr (messages->pdata[0], ==, "first");
  g_assert_cmpstr (messages->pdata[1], ==, "second");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/websocket/header-sizes", test_header_sizes);
  g_test_add_func ("/pp/websocket/server-frames-round-trip", test_server_frames_round_trip);
  g_test_add_func ("/pp/websocket/split-anywhere", test_split_anywhere);
  g_test_add_func ("/pp/websocket/mask-round-trip", test_mask_round_trip);
  g_test_add_func ("/pp/websocket/fragments-with-control-between",
                   test_fragments_with_control_between);
  g_test_add_func ("/pp/websocket/close-frames", test_close_frames);
  g_test_add_func ("/pp/websocket/close-one-byte-alone", test_close_one_byte_alone);
  g_test_add_func ("/pp/websocket/nul-is-utf8", test_nul_is_utf8);
  g_test_add_func ("/pp/websocket/violations", test_violations);
  g_test_add_func ("/pp/websocket/limit-from-header", test_limit_from_header);
  g_test_add_func ("/pp/websocket/skip-refused-message", test_skip_refused_message);
  g_test_add_func ("/pp/websocket/read-from-stream", test_read_from_stream);

  return g_test_run ();
}
