/* test-framing.c: the daemon's WebSocket framing, byte by byte on a raw socket.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-framing"

#include "config.h"

#include <string.h>

#include "daemon-harness.h"

/* What browsers and libraries do that the other suites' clients do not:
 * fragments, pings from the client, frames split at any byte, many frames
 * in one segment, a frame sent along with the handshake, and every way of
 * breaking RFC 6455, each answered with its close code. */

#define TIMEOUT_MS 10000
#define HELLO "{\"type\":\"hello\",\"client\":\"framing-0001\",\"name\":\"Framer\"}"

/* One daemon for the whole suite (it starts slowly under the sanitizers);
 * a room of its own for each test. */
static PpTestDaemon *shared_daemon;

typedef struct
{
  PpTestDaemon *daemon;
  char         *room;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->daemon = shared_daemon;
  f->room = pp_test_daemon_create_room (f->daemon, "");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->room);
}

/* The next message's "type", skipping pings. */
static char *
read_message_type (PpTestRawClient *client)
{
  PpWsFrame frame;
  PpWsReadResult result;
  g_autoptr(JsonNode) node = NULL;

  while ((result = pp_test_raw_client_read (client, &frame, TIMEOUT_MS)) == PP_WS_READ_PING)
    ;
  g_assert_cmpint (result, ==, PP_WS_READ_MESSAGE);
  g_test_message ("received %.*s", (int) MIN (frame.payload_size, 200), frame.payload);
  node = pp_json_parse ((const char *) frame.payload, frame.payload_size, 64, NULL);
  g_assert_nonnull (node);

  return g_strdup (json_object_get_string_member (json_node_get_object (node), "type"));
}

static void
assert_message_type (PpTestRawClient *client,
                     const char      *type)
{
  g_autofree char *got = read_message_type (client);

  g_assert_cmpstr (got, ==, type);
}

/* The daemon's close frame with @code, then, once we answer, the end of
 * the connection. */
static void
assert_closed_with (PpTestRawClient *client,
                    gushort          code)
{
  PpWsFrame frame;
  PpWsReadResult result;

  while ((result = pp_test_raw_client_read (client, &frame, TIMEOUT_MS)) == PP_WS_READ_MESSAGE ||
         result == PP_WS_READ_PING)
    ;
  g_assert_cmpint (result, ==, PP_WS_READ_CLOSE);
  g_assert_cmpuint (frame.close_code, ==, code);
  pp_test_raw_client_send_frame (client, 0x88, "\x03\xe8", 2, TRUE);
  g_assert_true (pp_test_raw_client_wait_eof (client, TIMEOUT_MS));
}

static PpTestRawClient *
join (Fixture *f)
{
  PpTestRawClient *client = pp_test_raw_client_new (f->daemon, f->room, 0);

  pp_test_raw_client_send (client, HELLO);
  assert_message_type (client, "welcome");

  return client;
}

/* A masked text frame, as a client sends it, after what @wire holds. */
static void
append_text_frame (GByteArray *wire,
                   const char *text)
{
  static const guint8 mask[4] = { 9, 8, 7, 6 };
  g_autoptr(GBytes) frame = pp_ws_frame_new (PP_WS_OPCODE_TEXT, text, strlen (text), mask);

  g_byte_array_append (wire, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
}

static void
test_ping_answered (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = join (f);
  PpWsFrame frame;
  PpWsReadResult result;

  pp_test_raw_client_send_frame (client, 0x89, "are you there", 13, TRUE);
  while ((result = pp_test_raw_client_read (client, &frame, TIMEOUT_MS)) == PP_WS_READ_PING)
    ;
  g_assert_cmpint (result, ==, PP_WS_READ_PONG);
  g_assert_cmpmem (frame.payload, frame.payload_size, "are you there", 13);
}

/* The daemon pings a quiet client on its own (every --ping-interval). */
static void
test_daemon_pings (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = join (f);
  PpWsFrame frame;

  g_assert_cmpint (pp_test_raw_client_read (client, &frame, TIMEOUT_MS), ==, PP_WS_READ_PING);
}

/* hello in three fragments with a ping between them, an op in two. */
static void
test_fragments (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = pp_test_raw_client_new (f->daemon, f->room, 0);
  const char *op = "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"fragmented\"]}";
  gsize half = strlen (op) / 2;
  g_autofree char *text = NULL;
  PpWsFrame frame;

  pp_test_raw_client_send_frame (client, 0x01, HELLO, 10, TRUE);
  pp_test_raw_client_send_frame (client, 0x00, HELLO + 10, 20, TRUE);
  pp_test_raw_client_send_frame (client, 0x89, "", 0, TRUE);
  pp_test_raw_client_send_frame (client, 0x80, HELLO + 30, strlen (HELLO) - 30, TRUE);
  g_assert_cmpint (pp_test_raw_client_read (client, &frame, TIMEOUT_MS), ==, PP_WS_READ_PONG);
  assert_message_type (client, "welcome");

  pp_test_raw_client_send_frame (client, 0x01, op, half, TRUE);
  pp_test_raw_client_send_frame (client, 0x80, op + half, strlen (op) - half, TRUE);
  assert_message_type (client, "ack");

  text = pp_test_daemon_dup_text (f->daemon, f->room, NULL);
  g_assert_cmpstr (text, ==, "fragmented");
}

/* A frame that trickles in one byte at a time. */
static void
test_one_byte_at_a_time (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = pp_test_raw_client_new (f->daemon, f->room, 0);
  g_autoptr(GByteArray) wire = g_byte_array_new ();

  append_text_frame (wire, HELLO);

  for (guint i = 0; i < wire->len; i++)
    {
      pp_test_raw_client_send_bytes (client, wire->data + i, 1);
      g_usleep (500);
    }
  assert_message_type (client, "welcome");
}

/* Fifty ops in one write, all against version 0: each is acked, in
 * order, and stored. */
static void
test_many_frames_in_one_write (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = join (f);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *text = NULL;
  g_autofree char *expected = g_strnfill (50, 'x');

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *op = g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":%u,"
                                             "\"op\":[\"x\"]}", i + 1);

      append_text_frame (wire, op);
    }
  pp_test_raw_client_send_bytes (client, wire->data, wire->len);

  for (guint i = 0; i < 50; i++)
    assert_message_type (client, "ack");
  text = pp_test_daemon_dup_text (f->daemon, f->room, NULL);
  g_assert_cmpstr (text, ==, expected);
}

/* A client that sends its hello in the same segment as the handshake:
 * the bytes read along with the HTTP request are not lost. */
static void
test_hello_with_handshake (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address =
    g_inet_socket_address_new (loopback, f->daemon->port);
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  g_autofree char *request = NULL;
  g_autoptr(GString) response = g_string_new (NULL);
  PpTestRawClient client = { NULL, NULL };
  char byte;

  request = g_strdup_printf ("GET /api/v1/rooms/%s/ws HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n\r\n", f->room);
  g_byte_array_append (wire, (const guint8 *) request, strlen (request));
  append_text_frame (wire, HELLO);

  client.socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (client.socket, address, NULL, &error);
  g_assert_no_error (error);
  pp_test_raw_client_send_bytes (&client, wire->data, wire->len);

  while (!g_str_has_suffix (response->str, "\r\n\r\n") &&
         g_socket_receive (client.socket, &byte, 1, NULL, &error) == 1)
    g_string_append_c (response, byte);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  /* RFC 6455 §1.3: the accept value of the key above. */
  g_assert_nonnull (strstr (response->str, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

  client.reader = pp_ws_reader_new (FALSE, 1 << 20);
  assert_message_type (&client, "welcome");
  pp_ws_reader_free (client.reader);
  g_object_unref (client.socket);
}

/* The client closes: the daemon answers with the same code and ends the
 * connection; the other members hear that the client left. */
static void
test_close_answered (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PpTestRawClient) client = join (f);
  g_autoptr(PpTestRawClient) other = NULL;
  PpWsFrame frame;
  PpWsReadResult result;

  other = pp_test_raw_client_new (f->daemon, f->room, 0);
  pp_test_raw_client_send (other, "{\"type\":\"hello\",\"client\":\"framing-0002\",\"name\":\"Other\"}");
  assert_message_type (other, "welcome");
  assert_message_type (client, "join");

  pp_test_raw_client_send_frame (client, 0x88, "\x0f\xa0going", 7, TRUE);
  while ((result = pp_test_raw_client_read (client, &frame, TIMEOUT_MS)) == PP_WS_READ_PING)
    ;
  g_assert_cmpint (result, ==, PP_WS_READ_CLOSE);
  g_assert_cmpuint (frame.close_code, ==, 4000);
  g_assert_true (pp_test_raw_client_wait_eof (client, TIMEOUT_MS));

  assert_message_type (other, "leave");
}

/* A welcome far larger than a socket buffer, with text that needs every
 * kind of escape: it arrives whole and decodes to the room's text. */
static void
test_big_welcome (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestRawClient) client = NULL;
  g_autoptr(PpMessage) welcome = NULL;
  g_autoptr(GError) error = NULL;
  PpProtocolLimits limits;
  PpWsFrame frame;
  PpWsReadResult result;

  pp_protocol_limits_init_default (&limits);
  limits.max_frame_bytes = 64 * 1024 * 1024;
  while (text->len < 3 * 1024 * 1024)
    g_string_append (text, "line \"quoted\" \\ tab\t é€ 😀 \x01\n");
  room = pp_test_daemon_create_room (f->daemon, text->str);

  client = pp_test_raw_client_new (f->daemon, room, 0);
  pp_test_raw_client_send (client, HELLO);
  while ((result = pp_test_raw_client_read (client, &frame, TIMEOUT_MS)) == PP_WS_READ_PING)
    ;
  g_assert_cmpint (result, ==, PP_WS_READ_MESSAGE);
  welcome = pp_message_parse ((const char *) frame.payload, frame.payload_size,
                              PP_DIRECTION_FROM_SERVER, &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpint (welcome->type, ==, PP_MESSAGE_WELCOME);
  g_assert_true (g_str_equal (welcome->text, text->str));
}

typedef struct
{
  const char *name;
  guint8      first_byte;
  const char *payload;
  gsize       n_bytes;
  gboolean    masked;
  gushort     code;
} Violation;

static const Violation violations[] = {
  { "unmasked", 0x81, "{}", 2, FALSE, 1002 },
  { "reserved-bit", 0xc1, "{}", 2, TRUE, 1002 },
  { "data-opcode-3", 0x83, "{}", 2, TRUE, 1002 },
  { "control-opcode-b", 0x8b, "", 0, TRUE, 1002 },
  { "continuation-first", 0x80, "{}", 2, TRUE, 1002 },
  { "fragmented-ping", 0x09, "", 0, TRUE, 1002 },
  { "close-code-999", 0x88, "\x03\xe7", 2, TRUE, 1002 },
  { "text-not-utf8", 0x81, "\xff", 1, TRUE, 1007 },
};

/* Each breaks RFC 6455 after a good hello: the daemon closes with the
 * code the RFC gives, and the room serves the next client as before. */
static void
test_violation (Fixture       *f,
                gconstpointer  data)
{
  const Violation *v = data;
  g_autoptr(PpTestRawClient) client = join (f);
  g_autoptr(PpTestRawClient) next = NULL;

  pp_test_raw_client_send_frame (client, v->first_byte, v->payload, v->n_bytes, v->masked);
  assert_closed_with (client, v->code);

  next = join (f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp/daemon/framing/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("ping-answered", test_ping_answered);
  ADD ("daemon-pings", test_daemon_pings);
  ADD ("fragments", test_fragments);
  ADD ("one-byte-at-a-time", test_one_byte_at_a_time);
  ADD ("many-frames-in-one-write", test_many_frames_in_one_write);
  ADD ("hello-with-handshake", test_hello_with_handshake);
  ADD ("close-answered", test_close_answered);
  ADD ("big-welcome", test_big_welcome);
#undef ADD

  for (guint i = 0; i < G_N_ELEMENTS (violations); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/daemon/framing/violation/%s",
                                               violations[i].name);

      g_test_add (path, Fixture, &violations[i], fixture_set_up, test_violation,
                  fixture_tear_down);
    }

  shared_daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, "--ping-interval", "1", NULL);
  pp_test_daemon_start (shared_daemon);
  status = g_test_run ();
  pp_test_daemon_stop_cleanly (shared_daemon);
  pp_test_daemon_free (shared_daemon);

  return status;
}
