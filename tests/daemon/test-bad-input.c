/* test-bad-input.c: the real pairpadd against bad input, on SQLite and PostgreSQL.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-bad-input"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "daemon-harness.h"

/* PROTOCOL.md: "Invalid input changes nothing". Every case runs in a fresh
 * room that a well-behaved client (the watcher) has joined, and proves four
 * things: the sender got the right error frame (with the op's seq when it is
 * about an op) and, when the error is fatal, the right close code; after a
 * non-fatal error the same session still works; the document did not change
 * and the watcher received nothing; and the daemon still serves (/healthz,
 * and a new client joins and edits). One daemon per backend and
 * configuration serves every case; the last case of a backend stops it with
 * SIGTERM and wants exit status 0, which under ASan also means no leak. */

#define ROOM_TEXT "héllo 🙂 wörld"   /* 13 code points, 17 bytes */
#define LIMITED_DOCUMENT_CHARS 1000
#define LIMITED_OPS_PER_SECOND 20
#define TIMEOUT_MS 10000
/* Not a close code: the connection ended without a close frame. */

#define HELLO "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\"}"
#define OP(v, seq, op) "{\"type\":\"op\",\"v\":" #v ",\"seq\":" #seq ",\"op\":" op "}"

typedef enum
{
  DAEMON_DEFAULT,
  DAEMON_LIMITED,    /* small document and frame-rate limits */
  N_DAEMONS,
} DaemonKind;

typedef enum
{
  FRAME_TEXT,        /* @frame as a text frame */
  FRAME_BUILT,       /* @build () as a text frame */
  FRAME_RAW_TEXT,    /* @frame's bytes as a text frame, not checked for UTF-8 */
  FRAME_BINARY,      /* @frame's bytes as a binary frame */
} FrameKind;

typedef struct
{
  const char  *name;
  DaemonKind   daemon;
  gsize        room_chars;   /* the room holds that many "a", or ROOM_TEXT when 0 */
  gboolean     hello;        /* a valid hello, and its welcome, come first */
  FrameKind    kind;
  const char  *frame;
  char      *(*build)        (void);
  const char  *code;         /* of the error frame; NULL: no error frame at all */
  gint64       seq;          /* the error's "seq"; 0: it has none */
  gushort      close_code;   /* 0: the session stays open */
} BadFrame;

typedef struct
{
  const char  *name;
  DaemonKind   daemon;
  const char  *method;
  const char  *path;         /* "{room}" stands for the id of the case's room */
  const char  *body;
  char      *(*build_body)   (void);
  guint        status;
  const char  *code;
} BadRequest;

typedef struct
{
  const char  *name;
  const char  *id;
} BadRoom;

typedef struct
{
  PpBackend     backend;
  gconstpointer item;          /* a BadFrame, a BadRequest or a BadRoom */
} CaseData;

/* A fresh room, a watcher in it, and what the room held before the case. */
typedef struct
{
  PpTestDaemon *daemon;      /* borrowed from daemons[][] */
  char         *room;
  PpTestClient *watcher;
  char         *text;
  gint64        version;
  guint         n_ops;       /* ops the watcher must have received */
  guint         n_meta;      /* what the watcher counted after joining */
  guint         n_presence;
} Scene;

static PpTestDaemon *daemons[2][N_DAEMONS];

/* Frame builders */

static char *
repeat (const char *unit,
        guint       n)
{
  GString *s = g_string_sized_new (strlen (unit) * n);

  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);

  return g_string_free (s, FALSE);
}

static char *
build_deep_nesting (void)
{
  return g_strnfill (100000, '[');
}

static char *
build_deep_op (void)
{
  g_autofree char *open = g_strnfill (5000, '[');
  g_autofree char *close = g_strnfill (5000, ']');

  return g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[%s%s]}", open, close);
}

/* Over the 1 MiB limit but within the 2 MiB libsoup accepts for the
 * daemon to judge. */
static char *
build_large_frame (void)
{
  g_autofree char *text = g_strnfill (1536 * 1024, 'a');

  return g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"%s\"]}", text);
}

/* Over what libsoup itself accepts (twice the limit). */
static char *
build_huge_frame (void)
{
  g_autofree char *text = g_strnfill (3 * 1024 * 1024, 'a');

  return g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"%s\"]}", text);
}

static char *
build_name_65_emoji (void)
{
  g_autofree char *name = repeat ("🙂", 65);

  return g_strdup_printf ("{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"%s\"}", name);
}

static char *
build_client_65 (void)
{
  g_autofree char *client = g_strnfill (65, 'c');

  return g_strdup_printf ("{\"type\":\"hello\",\"client\":\"%s\",\"name\":\"Mallory\"}", client);
}

static char *
build_title_257 (void)
{
  g_autofree char *title = repeat ("é", 257);

  return g_strdup_printf ("{\"type\":\"meta\",\"title\":\"%s\"}", title);
}

static char *
build_language_65 (void)
{
  g_autofree char *language = g_strnfill (65, 'l');

  return g_strdup_printf ("{\"type\":\"meta\",\"language\":\"%s\"}", language);
}

static char *
build_33_ranges (void)
{
  g_autofree char *ranges = repeat ("[1,2],", 32);

  return g_strdup_printf ("{\"type\":\"presence\",\"v\":0,\"sel\":[%s[1,2]]}", ranges);
}

static char *
build_body_title_257 (void)
{
  g_autofree char *title = g_strnfill (257, 't');

  return g_strdup_printf ("{\"title\":\"%s\"}", title);
}

static char *
build_body_language_65 (void)
{
  g_autofree char *language = g_strnfill (65, 'l');

  return g_strdup_printf ("{\"language\":\"%s\"}", language);
}

static char *
build_body_text_too_long (void)
{
  g_autofree char *text = g_strnfill (LIMITED_DOCUMENT_CHARS + 1, 'a');

  return g_strdup_printf ("{\"text\":\"%s\"}", text);
}

/* Refused from its Content-Length, before the body is read. */
static char *
build_body_oversized (void)
{
  g_autofree char *text = g_strnfill (LIMITED_DOCUMENT_CHARS * 4 + 128 * 1024, 'a');

  return g_strdup_printf ("{\"text\":\"%s\"}", text);
}

static char *
build_body_deep (void)
{
  return g_strnfill (100000, '[');
}

/* The table of bad frames. Unless a case says otherwise the room holds
 * ROOM_TEXT (13 code points, 17 bytes) at version 0. */
static const BadFrame bad_frames[] = {
  /* Not a frame of the protocol at all */
  { "not-json-first", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT, "hello", NULL,
    "bad_message", 0, 4400 },
  { "not-json", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"op\",", NULL,
    "bad_message", 0, 0 },
  { "empty-frame", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "", NULL, "bad_message", 0, 0 },
  { "trailing-data", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"meta\"} {}", NULL,
    "bad_message", 0, 0 },
  { "byte-order-mark", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "\xef\xbb\xbf{\"type\":\"meta\"}", NULL,
    "bad_message", 0, 0 },
  { "single-quotes", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{'type':'meta'}", NULL,
    "bad_message", 0, 0 },
  /* RFC 6455 §8.1: a text frame that is not UTF-8 fails the connection
   * with 1007, before any JSON parsing. */
  { "invalid-utf8", DAEMON_DEFAULT, 0, TRUE, FRAME_RAW_TEXT,
    OP (0, 1, "[\"\xff\xfe\"]"), NULL, NULL, 0, 1007 },
  { "invalid-utf8-surrogate-bytes", DAEMON_DEFAULT, 0, TRUE, FRAME_RAW_TEXT,
    OP (0, 1, "[\"\xed\xa0\x80\"]"), NULL, NULL, 0, 1007 },
  { "invalid-utf8-overlong", DAEMON_DEFAULT, 0, TRUE, FRAME_RAW_TEXT,
    OP (0, 1, "[\"\xc0\xaf\"]"), NULL, NULL, 0, 1007 },
  { "array-not-object", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "[{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"x\"]}]", NULL, "bad_message", 0, 0 },
  { "string-not-object", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "\"op\"", NULL,
    "bad_message", 0, 0 },
  { "null-not-object", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "null", NULL, "bad_message", 0, 0 },
  { "missing-type", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"v\":0,\"seq\":1,\"op\":[\"x\"]}", NULL,
    "bad_message", 0, 0 },
  { "unknown-type", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"explode\"}", NULL,
    "bad_message", 0, 0 },
  { "numeric-type", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":1}", NULL,
    "bad_message", 0, 0 },
  { "null-type", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":null}", NULL,
    "bad_message", 0, 0 },
  { "server-type", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"ack\",\"seq\":1,\"v\":1}",
    NULL, "bad_message", 0, 0 },
  { "deep-nesting", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_deep_nesting,
    "bad_message", 0, 0 },
  { "deep-nesting-first", DAEMON_DEFAULT, 0, FALSE, FRAME_BUILT, NULL, build_deep_nesting,
    "bad_message", 0, 4400 },
  { "deep-nesting-in-op", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_deep_op,
    "bad_message", 0, 0 },

  /* hello */
  { "first-not-hello", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT, OP (0, 1, "[\"x\"]"), NULL,
    "bad_message", 0, 4400 },
  { "binary-first", DAEMON_DEFAULT, 0, FALSE, FRAME_BINARY, HELLO, NULL, "bad_message", 0, 4400 },
  { "binary-after-hello", DAEMON_DEFAULT, 0, TRUE, FRAME_BINARY, OP (0, 1, "[\"x\"]"), NULL,
    "bad_message", 0, 0 },
  { "hello-twice", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, HELLO, NULL, "bad_message", 0, 0 },
  { "hello-client-short", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"abc\",\"name\":\"Mallory\"}", NULL, "bad_message", 0, 4400 },
  { "hello-client-chars", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory 0001!\",\"name\":\"Mallory\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-client-non-ascii", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallöry-0001\",\"name\":\"Mallory\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-client-long", DAEMON_DEFAULT, 0, FALSE, FRAME_BUILT, NULL, build_client_65,
    "bad_message", 0, 4400 },
  { "hello-client-number", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":12345678,\"name\":\"Mallory\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-client-missing", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"name\":\"Mallory\"}", NULL, "bad_message", 0, 4400 },
  { "hello-name-long", DAEMON_DEFAULT, 0, FALSE, FRAME_BUILT, NULL, build_name_65_emoji,
    "bad_message", 0, 4400 },
  { "hello-name-empty", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-name-missing", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\"}", NULL, "bad_message", 0, 4400 },
  { "hello-name-lone-surrogate", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"\\udc00\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-color-name", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"color\":\"red\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-color-not-hex", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"color\":\"#12345g\"}",
    NULL, "bad_message", 0, 4400 },
  { "hello-color-long", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"color\":\"#1234567\"}",
    NULL, "bad_message", 0, 4400 },
  { "hello-v-newer", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"v\":5}", NULL,
    "bad_version", 0, 4409 },
  { "hello-v-negative", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"v\":-1}", NULL,
    "bad_message", 0, 4400 },
  { "hello-v-fraction", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"v\":0.5}", NULL,
    "bad_message", 0, 4400 },
  { "hello-v-string", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"v\":\"0\"}", NULL,
    "bad_message", 0, 4400 },
  { "hello-v-over-int64", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\","
    "\"v\":9223372036854775808}", NULL, "bad_message", 0, 4400 },
  { "hello-token-number", DAEMON_DEFAULT, 0, FALSE, FRAME_TEXT,
    "{\"type\":\"hello\",\"client\":\"mallory-0001\",\"name\":\"Mallory\",\"token\":7}", NULL,
    "bad_message", 0, 4400 },

  /* op: fields and versions */
  { "op-v-newer", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (5, 1, "[\"x\"]"), NULL,
    "bad_version", 1, 0 },
  { "op-v-max", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (9223372036854775807, 1, "[\"x\"]"), NULL,
    "bad_version", 1, 0 },
  { "op-v-negative", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (-1, 1, "[\"x\"]"), NULL,
    "bad_message", 1, 0 },
  { "op-v-string", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP ("0", 1, "[\"x\"]"), NULL,
    "bad_message", 1, 0 },
  { "op-v-missing", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"op\",\"seq\":1,\"op\":[\"x\"]}", NULL, "bad_message", 1, 0 },
  { "op-seq-zero", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 0, "[\"x\"]"), NULL,
    "bad_message", 0, 0 },
  { "op-seq-negative", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, -1, "[\"x\"]"), NULL,
    "bad_message", 0, 0 },
  { "op-seq-fraction", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1.5, "[\"x\"]"), NULL,
    "bad_message", 0, 0 },
  { "op-seq-missing", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"op\",\"v\":0,\"op\":[\"x\"]}", NULL, "bad_message", 0, 0 },
  { "op-seq-gap", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 2, "[\"x\"]"), NULL,
    "bad_op", 2, 0 },
  { "op-missing", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"op\",\"v\":0,\"seq\":1}", NULL,
    "bad_message", 1, 0 },

  /* op: the op itself */
  { "op-not-array", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "\"x\""), NULL,
    "bad_op", 1, 0 },
  { "op-object", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "{\"d\":1}"), NULL,
    "bad_op", 1, 0 },
  { "op-null", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "null"), NULL, "bad_op", 1, 0 },
  { "op-zero-skip", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[0,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-negative-skip", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[-1,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-negative-delete", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[{\"d\":-2}]"), NULL,
    "bad_op", 1, 0 },
  { "op-zero-delete", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[{\"d\":0}]"), NULL,
    "bad_op", 1, 0 },
  { "op-empty-insert", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-empty-delete-text", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[{\"d\":\"\"}]"),
    NULL, "bad_op", 1, 0 },
  { "op-float-skip", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[1.5,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-integral-float-skip", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[1.0,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-exponent-skip", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[1e0,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-float-delete", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[{\"d\":0.5}]"), NULL,
    "bad_op", 1, 0 },
  { "op-skip-over-int64", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[99999999999999999999,\"x\"]"), NULL, "bad_op", 1, 0 },
  { "op-skip-int64-max", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[9223372036854775807,\"x\"]"), NULL, "bad_op", 1, 0 },
  { "op-bool-component", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[true]"), NULL,
    "bad_op", 1, 0 },
  { "op-null-component", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[null]"), NULL,
    "bad_op", 1, 0 },
  { "op-nested-array", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[[1]]"), NULL,
    "bad_op", 1, 0 },
  { "op-unknown-object", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[{\"i\":\"x\"}]"), NULL,
    "bad_op", 1, 0 },
  { "op-delete-extra-member", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[{\"d\":1,\"x\":2}]"), NULL, "bad_op", 1, 0 },
  /* Code points, not bytes: 13 fits, 14 does not, though the text has 17 bytes. */
  { "op-skip-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[14,\"x\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-trailing-skip-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[100]"), NULL,
    "bad_op", 1, 0 },
  { "op-insert-then-skip-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[\"x\",100]"), NULL, "bad_op", 1, 0 },
  { "op-skip-just-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[\"x\",14]"), NULL, "bad_op", 1, 0 },
  { "op-delete-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[10,{\"d\":4}]"), NULL,
    "bad_op", 1, 0 },
  { "op-delete-text-mismatch", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[{\"d\":\"hello\"}]"), NULL, "bad_op", 1, 0 },
  { "op-delete-text-past-end", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[6,{\"d\":\"🙂 wörld!\"}]"), NULL, "bad_op", 1, 0 },
  { "op-lone-high-surrogate", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"\\ud800\"]"),
    NULL, "bad_op", 1, 0 },
  { "op-lone-low-surrogate", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"a\\udc00b\"]"),
    NULL, "bad_op", 1, 0 },
  { "op-surrogates-reversed", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[\"\\ude42\\ud83d\"]"), NULL, "bad_op", 1, 0 },
  { "op-lone-surrogate-in-delete", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    OP (0, 1, "[{\"d\":\"\\ud800\"}]"), NULL, "bad_op", 1, 0 },
  { "op-nul", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"a\\u0000b\"]"), NULL,
    "bad_op", 1, 0 },
  { "op-bad-escape", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"\\x41\"]"), NULL,
    "bad_message", 0, 0 },
  { "op-raw-control-character", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, OP (0, 1, "[\"a\tb\"]"),
    NULL, "bad_message", 0, 0 },

  /* Limits */
  { "frame-too-large", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_large_frame,
    "too_large", 0, 4413 },
  { "frame-too-large-first", DAEMON_DEFAULT, 0, FALSE, FRAME_BUILT, NULL, build_large_frame,
    "too_large", 0, 4413 },
  /* A huge frame is refused from its header, before its payload is read
   * into memory, with the same error and close code. */
  { "frame-huge", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_huge_frame,
    "too_large", 0, 4413 },
  { "document-too-large", DAEMON_LIMITED, LIMITED_DOCUMENT_CHARS - 5, TRUE, FRAME_TEXT,
    OP (0, 1, "[\"0123456789\"]"), NULL, "too_large", 1, 0 },
  { "document-too-large-at-end", DAEMON_LIMITED, LIMITED_DOCUMENT_CHARS - 2, TRUE, FRAME_TEXT,
    OP (0, 1, "[998,\"xyz\"]"), NULL, "too_large", 1, 0 },

  /* presence */
  { "presence-33-ranges", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_33_ranges,
    "bad_message", 0, 0 },
  { "presence-outside", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0,\"sel\":[[0,14]]}", NULL, "bad_message", 0, 0 },
  { "presence-view-outside", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0,\"sel\":[[0,0]],\"view\":[0,100]}", NULL, "bad_message", 0, 0 },
  { "presence-view-reversed", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0,\"sel\":[[0,0]],\"view\":[5,2]}", NULL, "bad_message", 0, 0 },
  { "presence-negative", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0,\"sel\":[[-1,0]]}", NULL, "bad_message", 0, 0 },
  { "presence-not-pairs", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0,\"sel\":[[1,2,3]]}", NULL, "bad_message", 0, 0 },
  { "presence-sel-missing", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":0}", NULL, "bad_message", 0, 0 },
  { "presence-v-newer", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"presence\",\"v\":3,\"sel\":[[0,0]]}", NULL, "bad_version", 0, 0 },

  /* meta */
  { "meta-title-257", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_title_257,
    "bad_message", 0, 0 },
  { "meta-title-number", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"meta\",\"title\":5}",
    NULL, "bad_message", 0, 0 },
  { "meta-title-null", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT, "{\"type\":\"meta\",\"title\":null}",
    NULL, "bad_message", 0, 0 },
  { "meta-language-empty", DAEMON_DEFAULT, 0, TRUE, FRAME_TEXT,
    "{\"type\":\"meta\",\"language\":\"\"}", NULL, "bad_message", 0, 0 },
  { "meta-language-long", DAEMON_DEFAULT, 0, TRUE, FRAME_BUILT, NULL, build_language_65,
    "bad_message", 0, 0 },
};

/* The REST battery; each runs next to a fresh room, which must not change. */
static const BadRequest bad_requests[] = {
  { "rest-create-not-json", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "{\"title\":", NULL,
    400, "bad_message" },
  { "rest-create-array", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "[\"title\"]", NULL,
    400, "bad_message" },
  { "rest-create-string", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "\"room\"", NULL,
    400, "bad_message" },
  { "rest-create-language-number", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "{\"language\":5}",
    NULL, 400, "bad_message" },
  { "rest-create-language-empty", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "{\"language\":\"\"}",
    NULL, 400, "bad_message" },
  { "rest-create-language-long", DAEMON_DEFAULT, "POST", "/api/v1/rooms", NULL,
    build_body_language_65, 400, "bad_message" },
  { "rest-create-title-257", DAEMON_DEFAULT, "POST", "/api/v1/rooms", NULL, build_body_title_257,
    400, "bad_message" },
  { "rest-create-title-null", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "{\"title\":null}", NULL,
    400, "bad_message" },
  { "rest-create-text-lone-surrogate", DAEMON_DEFAULT, "POST", "/api/v1/rooms",
    "{\"text\":\"a\\ud800\"}", NULL, 400, "bad_message" },
  { "rest-create-text-nul", DAEMON_DEFAULT, "POST", "/api/v1/rooms", "{\"text\":\"a\\u0000\"}",
    NULL, 400, "bad_message" },
  { "rest-create-deep", DAEMON_DEFAULT, "POST", "/api/v1/rooms", NULL, build_body_deep,
    400, "bad_message" },
  { "rest-create-text-too-long", DAEMON_LIMITED, "POST", "/api/v1/rooms", NULL,
    build_body_text_too_long, 413, "too_large" },
  { "rest-create-body-oversized", DAEMON_LIMITED, "POST", "/api/v1/rooms", NULL,
    build_body_oversized, 413, "too_large" },
  { "rest-rooms-get", DAEMON_DEFAULT, "GET", "/api/v1/rooms", NULL, NULL, 405, "bad_message" },
  { "rest-room-unknown", DAEMON_DEFAULT, "GET", "/api/v1/rooms/no-such-room-0123456789", NULL,
    NULL, 404, "not_found" },
  { "rest-room-bad-id", DAEMON_DEFAULT, "GET", "/api/v1/rooms/bad!room", NULL, NULL,
    404, "not_found" },
  { "rest-room-put", DAEMON_DEFAULT, "PUT", "/api/v1/rooms/{room}", NULL, NULL,
    405, "bad_message" },
  { "rest-room-delete-no-key", DAEMON_DEFAULT, "DELETE", "/api/v1/rooms/{room}", NULL, NULL,
    401, "forbidden" },
  { "rest-room-unknown-route", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/nothing", NULL, NULL,
    404, "not_found" },
  { "rest-ops-unknown-room", DAEMON_DEFAULT, "GET", "/api/v1/rooms/no-such-room-0123456789/ops",
    NULL, NULL, 404, "not_found" },
  { "rest-ops-since-word", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/ops?since=abc", NULL, NULL,
    400, "bad_message" },
  { "rest-ops-since-negative", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/ops?since=-1", NULL,
    NULL, 400, "bad_message" },
  { "rest-ops-since-newer", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/ops?since=5", NULL, NULL,
    400, "bad_version" },
  { "rest-ops-limit-word", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/ops?limit=all", NULL,
    NULL, 400, "bad_message" },
  { "rest-ops-limit-over-max", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/ops?limit=10001",
    NULL, NULL, 400, "bad_message" },
  { "rest-text-v-negative", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/text?v=-1", NULL, NULL,
    400, "bad_message" },
  { "rest-text-v-word", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/text?v=latest", NULL, NULL,
    400, "bad_message" },
  { "rest-text-v-newer", DAEMON_DEFAULT, "GET", "/api/v1/rooms/{room}/text?v=1", NULL, NULL,
    400, "bad_version" },
  { "rest-text-v-over-int64", DAEMON_DEFAULT, "GET",
    "/api/v1/rooms/{room}/text?v=9223372036854775808", NULL, NULL, 400, "bad_message" },
  { "rest-ws-without-upgrade", DAEMON_DEFAULT, "GET", "/api/v1/rooms/x/ws", NULL, NULL,
    400, "bad_message" },
  { "rest-unknown-path", DAEMON_DEFAULT, "GET", "/api/v2/rooms", NULL, NULL, 404, "not_found" },
};

/* Rooms a WebSocket may name that do not exist, most of which cannot. */
static const BadRoom bad_rooms[] = {
  { "unknown-room", "no-such-room-0123456789" },
  { "room-id-bad-character", "bad!room" },
  { "room-id-dot", "bad.room" },
  { "room-id-non-ascii", "b%C3%A4d-room" },
  { "room-id-too-long", "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr" },
};

/* Daemons, shared by the cases of a backend */

static PpTestDaemon *
get_daemon (PpBackend  backend,
            DaemonKind kind)
{
  PpTestDaemon *daemon = daemons[backend][kind];

  if (daemon != NULL)
    return daemon;

  if (kind == DAEMON_LIMITED)
    daemon = pp_test_daemon_new (backend,
                                 "--max-document-chars", G_STRINGIFY (LIMITED_DOCUMENT_CHARS),
                                 "--max-ops-per-second", G_STRINGIFY (LIMITED_OPS_PER_SECOND),
                                 NULL);
  else
    daemon = pp_test_daemon_new (backend, NULL);

  /* Skipped: no PostgreSQL server. */
  if (daemon == NULL)
    return NULL;

  pp_test_daemon_start (daemon);
  daemons[backend][kind] = daemon;

  return daemon;
}

static void
test_stop_daemons (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  gboolean any = FALSE;

  for (guint kind = 0; kind < N_DAEMONS; kind++)
    {
      g_autoptr(PpTestDaemon) daemon = g_steal_pointer (&daemons[backend][kind]);

      if (daemon == NULL)
        continue;

      any = TRUE;
      g_assert_cmpint (pp_test_daemon_stop (daemon, SIGTERM), ==, 0);
    }

  if (!any)
    g_test_skip ("No daemon ran for this backend");
}

/* Scenes */

static void
scene_clear (Scene *s)
{
  g_clear_pointer (&s->watcher, pp_test_client_free);
  g_clear_pointer (&s->room, g_free);
  g_clear_pointer (&s->text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scene, scene_clear)

static gboolean
scene_begin (Scene      *s,
             PpBackend   backend,
             DaemonKind  kind,
             const char *text)
{
  s->daemon = get_daemon (backend, kind);
  if (s->daemon == NULL)
    return FALSE;

  s->room = pp_test_daemon_create_room (s->daemon, text);
  s->watcher = pp_test_client_new (s->daemon, s->room, "watcher-0001", "Watcher");
  pp_test_client_join (s->watcher);
  s->n_meta = s->watcher->n_meta;
  s->n_presence = s->watcher->n_presence;
  s->text = pp_test_daemon_dup_text (s->daemon, s->room, &s->version);

  return TRUE;
}

/* What the room holds now is the baseline for scene_assert_unchanged(). */
static void
scene_update (Scene *s)
{
  g_free (s->text);
  s->text = pp_test_daemon_dup_text (s->daemon, s->room, &s->version);
}

static void
scene_assert_watcher_quiet (Scene *s)
{
  g_assert_cmpuint (s->watcher->n_remote_ops, ==, s->n_ops);
  g_assert_cmpuint (s->watcher->n_errors, ==, 0);
  g_assert_cmpuint (s->watcher->n_presence, ==, s->n_presence);
  g_assert_cmpuint (s->watcher->n_meta, ==, s->n_meta);
  g_assert_false (s->watcher->closed);
}

static void
scene_assert_unchanged (Scene *s)
{
  g_autofree char *text = NULL;
  gint64 version = -1;

  text = pp_test_daemon_dup_text (s->daemon, s->room, &version);
  g_assert_cmpstr (text, ==, s->text);
  g_assert_cmpint (version, ==, s->version);
  scene_assert_watcher_quiet (s);
}

/* The watcher receives @n_more ops from others, and nothing else. */
static void
scene_expect_ops (Scene *s,
                  guint  n_more)
{
  s->n_ops += n_more;
  PP_TEST_WAIT (s->watcher->n_remote_ops >= s->n_ops || s->watcher->closed, TIMEOUT_MS);
  scene_assert_watcher_quiet (s);
}

/* /healthz answers, and a new client joins and edits; the watcher gets
 * that edit, after anything else the room broadcast, and agrees with the
 * daemon on the text. */
static void
scene_assert_alive (Scene *s)
{
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(PpTestClient) probe = NULL;
  g_autofree char *text = NULL;
  g_autofree char *watcher_text = NULL;
  guint status = 0;

  health = pp_test_daemon_request (s->daemon, "GET", "/healthz", NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (health);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"), ==,
                   "ok");

  probe = pp_test_client_new (s->daemon, s->room, "probe-0001", "Probe");
  pp_test_client_join (probe);
  pp_test_client_insert (probe, 0, "?");
  PP_TEST_WAIT (probe->n_acks == 1 || probe->closed, TIMEOUT_MS);
  g_assert_cmpuint (probe->n_acks, ==, 1);
  g_assert_cmpuint (probe->n_errors, ==, 0);
  scene_expect_ops (s, 1);

  text = pp_test_daemon_dup_text (s->daemon, s->room, NULL);
  watcher_text = pp_test_client_dup_text (s->watcher);
  g_assert_true (g_str_has_prefix (text, "?"));
  g_assert_cmpstr (watcher_text, ==, text);
}

/* Sockets */

/* A hand-made frame, for what libsoup refuses to send: FIN, @opcode, and
 * the client's mask (RFC 6455 §5.2), written under libsoup's queue, which
 * is idle while the test does not iterate the main context. */
static void
socket_send_raw (PpTestSocket  *socket,
                 guint8         opcode,
                 const guint8  *data,
                 gsize          n_bytes)
{
  GIOStream *stream = soup_websocket_connection_get_io_stream (socket->ws);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint32 mask_value = g_random_int ();
  guint8 mask[4];
  guint8 header[4];
  gsize header_len;

  g_assert_cmpuint (n_bytes, <, 65536);
  header[0] = 0x80 | opcode;
  if (n_bytes < 126)
    {
      header[1] = 0x80 | n_bytes;
      header_len = 2;
    }
  else
    {
      header[1] = 0x80 | 126;
      header[2] = n_bytes >> 8;
      header[3] = n_bytes & 0xff;
      header_len = 4;
    }
  memcpy (mask, &mask_value, sizeof mask);
  g_byte_array_append (frame, header, header_len);
  g_byte_array_append (frame, mask, sizeof mask);
  for (gsize i = 0; i < n_bytes; i++)
    {
      guint8 c = data[i] ^ mask[i % 4];

      g_byte_array_append (frame, &c, 1);
    }

  g_output_stream_write_all (out, frame->data, frame->len, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (out, NULL, &error);
  g_assert_no_error (error);
}

static PpTestSocket *
scene_open_socket (Scene    *s,
                   gboolean  hello)
{
  PpTestSocket *socket = pp_test_socket_new (s->daemon, s->room);

  if (hello)
    {
      g_autoptr(JsonNode) welcome = NULL;

      pp_test_socket_send (socket, HELLO);
      welcome = pp_test_socket_wait_frame (socket, "welcome", TIMEOUT_MS);
      g_assert_nonnull (welcome);
    }

  return socket;
}

/* The next error frame: @code, a message, and "seq" only when @seq > 0. */
static void
assert_error (PpTestSocket *socket,
              const char   *code,
              gint64        seq)
{
  g_autoptr(JsonNode) node = pp_test_socket_wait_frame (socket, "error", TIMEOUT_MS);
  JsonObject *error;
  const char *message;

  g_assert_nonnull (node);
  error = json_node_get_object (node);
  message = json_object_get_string_member_with_default (error, "message", NULL);
  g_test_message ("error %s: %s", json_object_get_string_member_with_default (error, "code", "?"),
                  message);

  g_assert_cmpstr (json_object_get_string_member_with_default (error, "code", NULL), ==, code);
  g_assert_nonnull (message);
  g_assert_cmpstr (message, !=, "");
  if (seq > 0)
    {
      g_assert_true (json_object_has_member (error, "seq"));
      g_assert_cmpint (json_object_get_int_member (error, "seq"), ==, seq);
    }
  else
    g_assert_false (json_object_has_member (error, "seq"));
}

static void
assert_ack (PpTestSocket *socket,
            gint64        seq,
            gint64        version)
{
  g_autoptr(JsonNode) node = pp_test_socket_wait_frame (socket, "ack", TIMEOUT_MS);
  JsonObject *ack;

  g_assert_nonnull (node);
  ack = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (ack, "seq"), ==, seq);
  g_assert_cmpint (json_object_get_int_member (ack, "v"), ==, version);
}

static void
assert_closed (PpTestSocket *socket,
               gushort       code)
{
  g_assert_true (pp_test_socket_wait_closed (socket, TIMEOUT_MS));
  g_assert_cmpuint (socket->close_code, ==, code);
}

/* The session still works: an op on the current version is acked. */
static void
assert_still_open (Scene        *s,
                   PpTestSocket *socket,
                   gint64        seq)
{
  g_autofree char *frame = g_strdup_printf ("{\"type\":\"op\",\"v\":%" G_GINT64_FORMAT ",\"seq\":%"
                                            G_GINT64_FORMAT ",\"op\":[\"!\"]}", s->version, seq);

  g_assert_false (socket->closed);
  pp_test_socket_send (socket, frame);
  assert_ack (socket, seq, s->version + 1);
  g_assert_false (socket->closed);
  g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);
  scene_expect_ops (s, 1);
}

/* The table of bad frames */

static void
send_bad_frame (PpTestSocket   *socket,
                const BadFrame *bad)
{
  g_autofree char *built = NULL;

  switch (bad->kind)
    {
    case FRAME_TEXT:
      pp_test_socket_send (socket, bad->frame);
      break;

    case FRAME_BUILT:
      built = bad->build ();
      pp_test_socket_send (socket, built);
      break;

    case FRAME_RAW_TEXT:
      socket_send_raw (socket, 0x1, (const guint8 *) bad->frame, strlen (bad->frame));
      break;

    case FRAME_BINARY:
      pp_test_socket_send_binary (socket, bad->frame, strlen (bad->frame));
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
test_bad_frame (gconstpointer data)
{
  const CaseData *d = data;
  const BadFrame *bad = d->item;
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autofree char *room_text = bad->room_chars ? g_strnfill (bad->room_chars, 'a')
                                               : g_strdup (ROOM_TEXT);

  if (!scene_begin (&s, d->backend, bad->daemon, room_text))
    return;

  socket = scene_open_socket (&s, bad->hello);
  send_bad_frame (socket, bad);

  if (bad->code != NULL)
    assert_error (socket, bad->code, bad->seq);

  if (bad->close_code != 0)
    {
      assert_closed (socket, bad->close_code);
      g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);
      scene_assert_unchanged (&s);
    }
  else
    {
      scene_assert_unchanged (&s);
      assert_still_open (&s, socket, 1);
    }

  scene_assert_alive (&s);
}

/* WebSockets to rooms that do not exist: not_found, 4404. */
static void
test_bad_room (gconstpointer data)
{
  const CaseData *d = data;
  const BadRoom *bad = d->item;
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;

  if (!scene_begin (&s, d->backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  /* Nothing is sent: the daemon may close before a hello could go out. */
  socket = pp_test_socket_new (s.daemon, bad->id);
  assert_error (socket, "not_found", 0);
  assert_closed (socket, 4404);

  scene_assert_unchanged (&s);
  scene_assert_alive (&s);
}

/* The REST battery */

static void
test_bad_request (gconstpointer data)
{
  const CaseData *d = data;
  const BadRequest *bad = d->item;
  g_auto(Scene) s = { 0, };
  g_autoptr(JsonNode) response = NULL;
  g_autoptr(GString) path = NULL;
  g_autofree char *body = NULL;
  JsonObject *error;
  guint status = 0;

  if (!scene_begin (&s, d->backend, bad->daemon, ROOM_TEXT))
    return;

  path = g_string_new (bad->path);
  g_string_replace (path, "{room}", s.room, 0);
  body = bad->build_body ? bad->build_body () : g_strdup (bad->body);

  response = pp_test_daemon_request (s.daemon, bad->method, path->str, body, &status);
  g_assert_cmpuint (status, ==, bad->status);
  g_assert_nonnull (response);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (response));
  error = json_object_get_object_member (json_node_get_object (response), "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member_with_default (error, "code", NULL), ==, bad->code);
  g_assert_nonnull (json_object_get_string_member_with_default (error, "message", NULL));

  scene_assert_unchanged (&s);
  scene_assert_alive (&s);
}

/* Cases that need more than one frame */

/* A client that floods: rate_limited, 4429. The ops that went in before the
 * limit are ordinary edits; nothing after it is applied. */
static void
test_flood (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  gint64 version = -1;
  const guint n_frames = 10 * LIMITED_OPS_PER_SECOND;

  if (!scene_begin (&s, backend, DAEMON_LIMITED, ROOM_TEXT))
    return;

  socket = scene_open_socket (&s, TRUE);
  for (guint seq = 1; seq <= n_frames; seq++)
    {
      g_autofree char *frame = g_strdup_printf ("{\"type\":\"op\",\"v\":0,\"seq\":%u,"
                                                "\"op\":[\"x\"]}", seq);

      pp_test_socket_send (socket, frame);
    }

  assert_error (socket, "rate_limited", 0);
  assert_closed (socket, 4429);
  g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);

  text = pp_test_daemon_dup_text (s.daemon, s.room, &version);
  g_test_message ("%" G_GINT64_FORMAT " of %u ops went in before the limit", version, n_frames);
  g_assert_cmpint (version, >=, 1);
  g_assert_cmpint (version, <, n_frames);
  expected = g_strnfill (version, 'x');
  g_assert_true (g_str_has_prefix (text, expected));
  g_assert_cmpstr (text + version, ==, ROOM_TEXT);

  scene_update (&s);
  scene_expect_ops (&s, version);
  scene_assert_alive (&s);
}

/* Valid input as a control: an op made on an older version is transformed
 * past what its sender had not seen. */
static void
test_stale_op (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autoptr(JsonNode) op = NULL;
  g_autofree char *text = NULL;
  g_autofree char *watcher_text = NULL;
  gint64 version = -1;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  socket = scene_open_socket (&s, TRUE);
  pp_test_client_insert (s.watcher, 0, "XYZ");
  PP_TEST_WAIT (s.watcher->n_acks == 1, TIMEOUT_MS);
  op = pp_test_socket_wait_frame (socket, "op", TIMEOUT_MS);
  g_assert_nonnull (op);

  /* Made at version 0, before "XYZ": after "héllo ". */
  pp_test_socket_send (socket, OP (0, 1, "[6,\"!\"]"));
  assert_ack (socket, 1, 2);
  scene_expect_ops (&s, 1);

  text = pp_test_daemon_dup_text (s.daemon, s.room, &version);
  g_assert_cmpstr (text, ==, "XYZhéllo !🙂 wörld");
  g_assert_cmpint (version, ==, 2);
  watcher_text = pp_test_client_dup_text (s.watcher);
  g_assert_cmpstr (watcher_text, ==, text);
  g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);

  scene_assert_alive (&s);
}

/* An op is judged against the document its sender saw: past the end there,
 * it is refused even where the newer document is long enough. */
static void
test_stale_op_past_end (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  static const char * const frames[] = {
    OP (0, 1, "[15,\"!\"]"),
    OP (0, 1, "[15]"),
    OP (0, 1, "[14,{\"d\":1}]"),
  };
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autoptr(JsonNode) op = NULL;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  socket = scene_open_socket (&s, TRUE);
  pp_test_client_insert (s.watcher, 0, "XYZ");
  PP_TEST_WAIT (s.watcher->n_acks == 1, TIMEOUT_MS);
  op = pp_test_socket_wait_frame (socket, "op", TIMEOUT_MS);
  g_assert_nonnull (op);
  scene_update (&s);
  g_assert_cmpint (s.version, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      pp_test_socket_send (socket, frames[i]);
      assert_error (socket, "bad_op", 1);
      scene_assert_unchanged (&s);
    }

  assert_still_open (&s, socket, 1);
  scene_assert_alive (&s);
}

/* Exactly once: a seq already in the log is acked with its version again,
 * whatever the op says, and not applied twice; a gap is refused without
 * using up the seq. */
static void
test_exactly_once (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  socket = scene_open_socket (&s, TRUE);
  pp_test_socket_send (socket, OP (0, 1, "[\"A\"]"));
  assert_ack (socket, 1, 1);
  scene_expect_ops (&s, 1);
  scene_update (&s);
  g_assert_cmpstr (s.text, ==, "A" ROOM_TEXT);

  pp_test_socket_send (socket, OP (0, 1, "[\"A\"]"));
  assert_ack (socket, 1, 1);
  pp_test_socket_send (socket, OP (1, 1, "[\"B\"]"));
  assert_ack (socket, 1, 1);
  scene_assert_unchanged (&s);

  pp_test_socket_send (socket, OP (1, 3, "[\"C\"]"));
  assert_error (socket, "bad_op", 3);
  scene_assert_unchanged (&s);

  assert_still_open (&s, socket, 2);
  scene_assert_alive (&s);
}

/* The resend of a client that lost its connection before the ack. */
static void
test_exactly_once_reconnect (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) first = NULL;
  g_autoptr(PpTestSocket) second = NULL;
  g_autoptr(JsonNode) welcome = NULL;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  first = scene_open_socket (&s, TRUE);
  pp_test_socket_send (first, OP (0, 1, "[\"A\"]"));
  assert_ack (first, 1, 1);
  scene_expect_ops (&s, 1);
  scene_update (&s);
  g_clear_pointer (&first, pp_test_socket_free);

  second = pp_test_socket_new (s.daemon, s.room);
  pp_test_socket_send (second, "{\"type\":\"hello\",\"client\":\"mallory-0001\","
                               "\"name\":\"Mallory\",\"v\":0}");
  welcome = pp_test_socket_wait_frame (second, "welcome", TIMEOUT_MS);
  g_assert_nonnull (welcome);
  pp_test_socket_send (second, OP (0, 1, "[\"A\"]"));
  assert_ack (second, 1, 1);
  scene_assert_unchanged (&s);

  assert_still_open (&s, second, 2);
  scene_assert_alive (&s);
}

/* Valid input as a control: an op right behind the hello, before the
 * welcome arrived (a reconnecting client that resends), is taken in order. */
static void
test_op_pipelined (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autoptr(JsonNode) welcome = NULL;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  socket = pp_test_socket_new (s.daemon, s.room);
  pp_test_socket_send (socket, HELLO);
  pp_test_socket_send (socket, OP (0, 1, "[\"!\"]"));
  welcome = pp_test_socket_wait_frame (socket, "welcome", TIMEOUT_MS);
  g_assert_nonnull (welcome);
  assert_ack (socket, 1, 1);
  scene_expect_ops (&s, 1);
  g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);

  scene_assert_alive (&s);
}

/* Unknown fields are ignored (PROTOCOL.md): not bad input at all. */
static void
test_unknown_fields (gconstpointer data)
{
  PpBackend backend = GPOINTER_TO_INT (data);
  g_auto(Scene) s = { 0, };
  g_autoptr(PpTestSocket) socket = NULL;
  g_autoptr(JsonNode) welcome = NULL;

  if (!scene_begin (&s, backend, DAEMON_DEFAULT, ROOM_TEXT))
    return;

  socket = pp_test_socket_new (s.daemon, s.room);
  pp_test_socket_send (socket, "{\"type\":\"hello\",\"client\":\"mallory-0001\","
                               "\"name\":\"Mallory\",\"future\":{\"x\":[1,2.5,null]},"
                               "\"flag\":true}");
  welcome = pp_test_socket_wait_frame (socket, "welcome", TIMEOUT_MS);
  g_assert_nonnull (welcome);
  pp_test_socket_send (socket, "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"!\"],"
                               "\"extra\":[[[]]]}");
  assert_ack (socket, 1, 1);
  scene_expect_ops (&s, 1);
  g_assert_cmpuint (pp_test_socket_count_frames (socket, "error"), ==, 0);

  scene_assert_alive (&s);
}

/* Registration */

/* Room for every CaseData; freed after the run, whichever cases ran. */
static CaseData *case_data;
static guint n_case_data;

static void
add_case (PpBackend      backend,
          const char    *name,
          gconstpointer  item,
          GTestDataFunc  func)
{
  g_autofree char *path = g_strdup_printf ("/pp/daemon/bad-input/%s/%s",
                                           pp_backend_name (backend), name);
  CaseData *d = &case_data[n_case_data++];

  d->backend = backend;
  d->item = item;
  g_test_add_data_func (path, d, func);
}

static void
add_func (PpBackend      backend,
          const char    *name,
          GTestDataFunc  func)
{
  g_autofree char *path = g_strdup_printf ("/pp/daemon/bad-input/%s/%s",
                                           pp_backend_name (backend), name);

  g_test_add_data_func (path, GINT_TO_POINTER (backend), func);
}

int
main (int   argc,
      char *argv[])
{
  static const PpBackend backends[] = { PP_BACKEND_SQLITE, PP_BACKEND_POSTGRESQL };
  int status;

  g_test_init (&argc, &argv, NULL);

  case_data = g_new0 (CaseData, G_N_ELEMENTS (backends) *
                                (G_N_ELEMENTS (bad_frames) + G_N_ELEMENTS (bad_rooms) +
                                 G_N_ELEMENTS (bad_requests)));

  for (guint b = 0; b < G_N_ELEMENTS (backends); b++)
    {
      PpBackend backend = backends[b];

      for (guint i = 0; i < G_N_ELEMENTS (bad_frames); i++)
        add_case (backend, bad_frames[i].name, &bad_frames[i], test_bad_frame);

      for (guint i = 0; i < G_N_ELEMENTS (bad_rooms); i++)
        add_case (backend, bad_rooms[i].name, &bad_rooms[i], test_bad_room);

      for (guint i = 0; i < G_N_ELEMENTS (bad_requests); i++)
        add_case (backend, bad_requests[i].name, &bad_requests[i], test_bad_request);

      add_func (backend, "flood", test_flood);
      add_func (backend, "stale-op", test_stale_op);
      add_func (backend, "stale-op-past-end", test_stale_op_past_end);
      add_func (backend, "exactly-once", test_exactly_once);
      add_func (backend, "exactly-once-reconnect", test_exactly_once_reconnect);
      add_func (backend, "unknown-fields", test_unknown_fields);
      add_func (backend, "op-pipelined-after-hello", test_op_pipelined);

      /* Last: registration order is run order within a suite. */
      add_func (backend, "shutdown", test_stop_daemons);
    }

  status = g_test_run ();

  /* Cases selected with -p may leave a daemon running. */
  for (guint b = 0; b < G_N_ELEMENTS (daemons); b++)
    for (guint kind = 0; kind < N_DAEMONS; kind++)
      g_clear_pointer (&daemons[b][kind], pp_test_daemon_free);
  g_free (case_data);

  return status;
}
