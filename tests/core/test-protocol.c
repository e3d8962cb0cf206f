/* test-protocol.c: PpMessage parsing, validation and encoding against PROTOCOL.md.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-protocol"

#include "config.h"

#include <string.h>

#include <pairpad.h>

#include "test-utils.h"

/* The tables below are the source of tests/data/protocol/client-frames.json
 * and server-frames.json, which the browser client's tests read too.
 * The /pp/protocol/golden tests fail when a table and its file differ; after a
 * deliberate change, regenerate the files and review the diff:
 *
 *   PP_PROTOCOL_WRITE_GOLDEN=tests/data/protocol \
 *     build/tests/core/test-protocol -p /pp/protocol/golden
 */

#define X2(s) s s
#define X4(s) X2 (X2 (s))
#define X8(s) X2 (X4 (s))
#define X16(s) X4 (X4 (s))
#define X32(s) X2 (X16 (s))
#define X64(s) X4 (X16 (s))
#define X63(s) X32 (s) X16 (s) X8 (s) X4 (s) X2 (s) s

/* A frame as bytes: a literal may hold NUL bytes and invalid UTF-8. */
#define B(s) s, sizeof (s) - 1

#define HELLO_HEAD "{\"type\":\"hello\",\"client\":\"abcdefgh\","
#define OP_HEAD "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":"
#define RANGE ",[0,0]"

typedef struct
{
  const char      *name;
  const char      *text;     /* the frame, or the unit repeated @repeat times */
  gsize            n_bytes;
  guint            repeat;   /* 0: once */
  PpProtocolError  code;
} InvalidFrame;

typedef struct
{
  const char *name;
  const char *text;
  const char *encoded;       /* the canonical re-encoding; NULL: @text itself */
} ValidFrame;

#define BAD_MESSAGE PP_PROTOCOL_ERROR_BAD_MESSAGE
#define BAD_OP PP_PROTOCOL_ERROR_BAD_OP
#define TOO_LARGE PP_PROTOCOL_ERROR_TOO_LARGE

static const InvalidFrame invalid_client_frames[] = {
  /* Not a JSON object with a known type */
  { "truncated-json", B ("{\"type\":\"hello\","), 0, BAD_MESSAGE },
  { "not-json", B ("hello"), 0, BAD_MESSAGE },
  { "empty", B (""), 0, BAD_MESSAGE },
  { "whitespace-only", B ("  \n"), 0, BAD_MESSAGE },
  { "array-at-top", B ("[{\"type\":\"meta\"}]"), 0, BAD_MESSAGE },
  { "string-at-top", B ("\"meta\""), 0, BAD_MESSAGE },
  { "no-type", B ("{\"client\":\"abcdefgh\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "numeric-type", B ("{\"type\":1}"), 0, BAD_MESSAGE },
  { "null-type", B ("{\"type\":null}"), 0, BAD_MESSAGE },
  { "unknown-type", B ("{\"type\":\"bogus\"}"), 0, BAD_MESSAGE },
  { "type-wrong-case", B ("{\"type\":\"Hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "server-type-from-client", B ("{\"type\":\"ack\",\"seq\":1,\"v\":1}"), 0, BAD_MESSAGE },
  { "trailing-data", B ("{\"type\":\"meta\"} x"), 0, BAD_MESSAGE },
  { "two-objects", B ("{\"type\":\"meta\"}{\"type\":\"meta\"}"), 0, BAD_MESSAGE },
  { "single-quotes", B ("{'type':'meta'}"), 0, BAD_MESSAGE },
  { "trailing-comma", B ("{\"type\":\"meta\",}"), 0, BAD_MESSAGE },
  { "comment", B ("{\"type\":\"meta\"/* x */}"), 0, BAD_MESSAGE },
  { "leading-zero", B ("{\"type\":\"presence\",\"v\":01,\"sel\":[]}"), 0, BAD_MESSAGE },
  { "unknown-escape", B ("{\"type\":\"meta\",\"title\":\"\\x\"}"), 0, BAD_MESSAGE },
  { "raw-tab-in-string", B ("{\"type\":\"meta\",\"title\":\"a\tb\"}"), 0, BAD_MESSAGE },
  { "byte-order-mark", B ("\xef\xbb\xbf{\"type\":\"meta\"}"), 0, BAD_MESSAGE },

  /* Bytes and nesting */
  { "invalid-utf8", B (HELLO_HEAD "\"name\":\"\xff\"}"), 0, BAD_MESSAGE },
  { "utf8-overlong", B (HELLO_HEAD "\"name\":\"\xc0\xaf\"}"), 0, BAD_MESSAGE },
  { "utf8-encoded-surrogate", B (HELLO_HEAD "\"name\":\"\xed\xa0\x80\"}"), 0, BAD_MESSAGE },
  { "nul-byte", B ("{\"type\":\"meta\"}\0"), 0, BAD_MESSAGE },
  { "nul-byte-in-string", B ("{\"type\":\"meta\",\"title\":\"a\0b\"}"), 0, BAD_MESSAGE },
  { "deep-nesting-100000", B ("["), 100000, BAD_MESSAGE },
  { "deep-nesting-objects", B ("{\"a\":"), 100000, BAD_MESSAGE },
  { "depth-65", B ("{\"type\":\"meta\",\"x\":" X64 ("[") X64 ("]") "}"), 0, BAD_MESSAGE },
  { "frame-over-1mib", B (" "), 1024 * 1024 + 1, TOO_LARGE },

  /* hello */
  { "hello-without-client", B ("{\"type\":\"hello\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-short-client", B ("{\"type\":\"hello\",\"client\":\"abc1234\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-long-client", B ("{\"type\":\"hello\",\"client\":\"" X64 ("a") "b\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-client-space", B ("{\"type\":\"hello\",\"client\":\"abcd efgh\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-client-punctuation", B ("{\"type\":\"hello\",\"client\":\"abcdefg!\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-client-non-ascii", B ("{\"type\":\"hello\",\"client\":\"abcdéfgh\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-client-number", B ("{\"type\":\"hello\",\"client\":12345678,\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "hello-without-name", B (HELLO_HEAD "\"color\":\"#ff0000\"}"), 0, BAD_MESSAGE },
  { "hello-empty-name", B (HELLO_HEAD "\"name\":\"\"}"), 0, BAD_MESSAGE },
  { "hello-name-65-emoji", B (HELLO_HEAD "\"name\":\"" X64 ("🙂") "🙂\"}"), 0, BAD_MESSAGE },
  { "hello-name-number", B (HELLO_HEAD "\"name\":7}"), 0, BAD_MESSAGE },
  { "hello-name-lone-surrogate", B (HELLO_HEAD "\"name\":\"\\ud800\"}"), 0, BAD_MESSAGE },
  { "hello-name-nul-escape", B (HELLO_HEAD "\"name\":\"a\\u0000b\"}"), 0, BAD_MESSAGE },
  { "hello-color-short", B (HELLO_HEAD "\"name\":\"Ann\",\"color\":\"#12345\"}"), 0, BAD_MESSAGE },
  { "hello-color-word", B (HELLO_HEAD "\"name\":\"Ann\",\"color\":\"red\"}"), 0, BAD_MESSAGE },
  { "hello-color-not-hex", B (HELLO_HEAD "\"name\":\"Ann\",\"color\":\"#12345g\"}"), 0, BAD_MESSAGE },
  { "hello-color-null", B (HELLO_HEAD "\"name\":\"Ann\",\"color\":null}"), 0, BAD_MESSAGE },
  { "hello-v-negative", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":-1}"), 0, BAD_MESSAGE },
  { "hello-v-fraction", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":1.5}"), 0, BAD_MESSAGE },
  { "hello-v-float-integral", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":1.0}"), 0, BAD_MESSAGE },
  { "hello-v-exponent", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":1e3}"), 0, BAD_MESSAGE },
  { "hello-v-string", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":\"3\"}"), 0, BAD_MESSAGE },
  { "hello-v-true", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":true}"), 0, BAD_MESSAGE },
  { "hello-v-null", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":null}"), 0, BAD_MESSAGE },
  { "hello-v-over-int64", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":9223372036854775808}"), 0, BAD_MESSAGE },
  { "hello-v-under-int64", B (HELLO_HEAD "\"name\":\"Ann\",\"v\":-9223372036854775809}"), 0, BAD_MESSAGE },
  { "hello-token-number", B (HELLO_HEAD "\"name\":\"Ann\",\"token\":5}"), 0, BAD_MESSAGE },

  /* op */
  { "op-without-v", B ("{\"type\":\"op\",\"seq\":1,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-without-seq", B ("{\"type\":\"op\",\"v\":0,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-seq-zero", B ("{\"type\":\"op\",\"v\":0,\"seq\":0,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-seq-negative", B ("{\"type\":\"op\",\"v\":0,\"seq\":-3,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-seq-fraction", B ("{\"type\":\"op\",\"v\":0,\"seq\":1.5,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-v-negative", B ("{\"type\":\"op\",\"v\":-1,\"seq\":1,\"op\":[\"a\"]}"), 0, BAD_MESSAGE },
  { "op-without-op", B ("{\"type\":\"op\",\"v\":0,\"seq\":1}"), 0, BAD_MESSAGE },
  { "op-not-array-string", B (OP_HEAD "\"abc\"}"), 0, BAD_OP },
  { "op-not-array-object", B (OP_HEAD "{\"d\":1}}"), 0, BAD_OP },
  { "op-not-array-null", B (OP_HEAD "null}"), 0, BAD_OP },
  { "op-zero-skip", B (OP_HEAD "[0,\"a\"]}"), 0, BAD_OP },
  { "op-negative-skip", B (OP_HEAD "[-1,\"a\"]}"), 0, BAD_OP },
  { "op-fractional-skip", B (OP_HEAD "[1.5,\"a\"]}"), 0, BAD_OP },
  { "op-skip-over-int64", B (OP_HEAD "[99999999999999999999,\"a\"]}"), 0, BAD_OP },
  { "op-empty-insert", B (OP_HEAD "[\"\"]}"), 0, BAD_OP },
  { "op-lone-high-surrogate", B (OP_HEAD "[\"\\ud800\"]}"), 0, BAD_OP },
  { "op-lone-high-surrogate-mid", B (OP_HEAD "[2,\"a\\ud83dx\"]}"), 0, BAD_OP },
  { "op-lone-low-surrogate", B (OP_HEAD "[\"\\ude42\"]}"), 0, BAD_OP },
  { "op-reversed-surrogates", B (OP_HEAD "[\"\\ude42\\ud83d\"]}"), 0, BAD_OP },
  { "op-nul-escape", B (OP_HEAD "[\"a\\u0000b\"]}"), 0, BAD_OP },
  { "op-lone-surrogate-in-delete", B (OP_HEAD "[{\"d\":\"\\udfff\"}]}"), 0, BAD_OP },
  { "op-delete-zero", B (OP_HEAD "[{\"d\":0}]}"), 0, BAD_OP },
  { "op-delete-empty-text", B (OP_HEAD "[{\"d\":\"\"}]}"), 0, BAD_OP },
  { "op-delete-extra-member", B (OP_HEAD "[{\"d\":1,\"x\":2}]}"), 0, BAD_OP },
  { "op-delete-wrong-member", B (OP_HEAD "[{\"del\":1}]}"), 0, BAD_OP },
  { "op-component-null", B (OP_HEAD "[null]}"), 0, BAD_OP },
  { "op-component-true", B (OP_HEAD "[true]}"), 0, BAD_OP },
  { "op-component-array", B (OP_HEAD "[[1]]}"), 0, BAD_OP },

  /* presence */
  { "presence-without-v", B ("{\"type\":\"presence\",\"sel\":[]}"), 0, BAD_MESSAGE },
  { "presence-without-sel", B ("{\"type\":\"presence\",\"v\":0}"), 0, BAD_MESSAGE },
  { "presence-sel-not-list", B ("{\"type\":\"presence\",\"v\":0,\"sel\":{}}"), 0, BAD_MESSAGE },
  { "presence-33-ranges", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[0,0]" X32 (RANGE) "]}"), 0, BAD_MESSAGE },
  { "presence-negative-anchor", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[-1,2]]}"), 0, BAD_MESSAGE },
  { "presence-negative-head", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[1,-2]]}"), 0, BAD_MESSAGE },
  { "presence-range-of-three", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[1,2,3]]}"), 0, BAD_MESSAGE },
  { "presence-range-of-one", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[1]]}"), 0, BAD_MESSAGE },
  { "presence-range-float", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[[1.0,2]]}"), 0, BAD_MESSAGE },
  { "presence-range-flat", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[1,2]}"), 0, BAD_MESSAGE },
  { "presence-view-reversed", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[],\"view\":[5,2]}"), 0, BAD_MESSAGE },
  { "presence-view-of-one", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[],\"view\":[1]}"), 0, BAD_MESSAGE },
  { "presence-view-negative", B ("{\"type\":\"presence\",\"v\":0,\"sel\":[],\"view\":[-1,4]}"), 0, BAD_MESSAGE },

  /* meta */
  { "meta-title-257", B ("{\"type\":\"meta\",\"title\":\"" X64 ("abcd") "e\"}"), 0, BAD_MESSAGE },
  { "meta-title-number", B ("{\"type\":\"meta\",\"title\":1}"), 0, BAD_MESSAGE },
  { "meta-language-empty", B ("{\"type\":\"meta\",\"language\":\"\"}"), 0, BAD_MESSAGE },
  { "meta-language-65", B ("{\"type\":\"meta\",\"language\":\"" X64 ("x") "y\"}"), 0, BAD_MESSAGE },
  { "meta-language-null", B ("{\"type\":\"meta\",\"language\":null}"), 0, BAD_MESSAGE },
  /* complete (extension) */
  { "complete-without-id", B ("{\"type\":\"complete\",\"v\":0,\"position\":0}"), 0, BAD_MESSAGE },
  { "complete-id-zero", B ("{\"type\":\"complete\",\"id\":0,\"v\":0,\"position\":0}"), 0, BAD_MESSAGE },
  { "complete-without-v", B ("{\"type\":\"complete\",\"id\":1,\"position\":0}"), 0, BAD_MESSAGE },
  { "complete-without-position", B ("{\"type\":\"complete\",\"id\":1,\"v\":0}"), 0, BAD_MESSAGE },
  { "complete-position-negative", B ("{\"type\":\"complete\",\"id\":1,\"v\":0,\"position\":-1}"), 0, BAD_MESSAGE },
  { "complete-position-string", B ("{\"type\":\"complete\",\"id\":1,\"v\":0,\"position\":\"3\"}"), 0, BAD_MESSAGE },
  { "complete-max-zero", B ("{\"type\":\"complete\",\"id\":1,\"v\":0,\"position\":0,\"max\":0}"), 0, BAD_MESSAGE },
  { "complete-max-51", B ("{\"type\":\"complete\",\"id\":1,\"v\":0,\"position\":0,\"max\":51}"), 0, BAD_MESSAGE },
};

static const ValidFrame valid_client_frames[] = {
  { "hello-minimal", "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}", NULL },
  { "hello-full", "{\"type\":\"hello\",\"client\":\"Client_01-x\",\"name\":\"Ann\",\"color\":\"#A0b1C2\",\"v\":42,\"token\":\"s3cret\"}", NULL },
  { "hello-client-64", "{\"type\":\"hello\",\"client\":\"" X64 ("z") "\",\"name\":\"Ann\"}", NULL },
  { "hello-name-64-emoji", "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"" X64 ("🙂") "\"}", NULL },
  { "hello-v-zero", "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"v\":0}", NULL },
  { "hello-v-max", "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"v\":9223372036854775807}", NULL },
  { "hello-members-reordered",
    "{\"name\":\"Ann\",\"v\":3,\"client\":\"abcdefgh\",\"type\":\"hello\"}",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"v\":3}" },
  { "hello-unknown-fields",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"future\":{\"x\":[1,2.5,null]},\"flag\":true}",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}" },
  { "hello-whitespace",
    " {\n  \"type\" : \"hello\",\r\n\t\"client\" : \"abcdefgh\" , \"name\" : \"Ann\"\n} \n",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}" },
  { "hello-escapes",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"\\u0041\\/\\\"\\\\\\n\\ud83d\\ude42\"}",
    "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"A/\\\"\\\\\\n🙂\"}" },
  { "op-insert", "{\"type\":\"op\",\"v\":0,\"seq\":1,\"op\":[\"hi\"]}", NULL },
  { "op-identity", "{\"type\":\"op\",\"v\":7,\"seq\":2,\"op\":[]}", NULL },
  { "op-emoji", "{\"type\":\"op\",\"v\":3,\"seq\":9,\"op\":[2,\"🙂\",{\"d\":1}]}", NULL },
  { "op-surrogate-pair-escape",
    "{\"type\":\"op\",\"v\":3,\"seq\":9,\"op\":[\"\\ud83d\\ude42\"]}",
    "{\"type\":\"op\",\"v\":3,\"seq\":9,\"op\":[\"🙂\"]}" },
  { "op-delete-text", "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[4,{\"d\":\"ab🙂\"},\"x\"]}", NULL },
  { "op-normalized",
    "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[1,2,\"a\",\"b\",{\"d\":1},{\"d\":2},3]}",
    "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[3,\"ab\",{\"d\":3}]}" },
  { "op-depth-64",
    "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[\"a\"],\"x\":" X63 ("[") X63 ("]") "}",
    "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[\"a\"]}" },
  { "presence-caret", "{\"type\":\"presence\",\"v\":3,\"sel\":[[1,1]]}", NULL },
  { "presence-empty", "{\"type\":\"presence\",\"v\":0,\"sel\":[]}", NULL },
  { "presence-view", "{\"type\":\"presence\",\"v\":5,\"sel\":[[4,2],[7,9]],\"view\":[0,80]}", NULL },
  { "presence-32-ranges", "{\"type\":\"presence\",\"v\":0,\"sel\":[[0,0]" X16 (RANGE) X8 (RANGE) X4 (RANGE) X2 (RANGE) RANGE "]}", NULL },
  { "meta-empty", "{\"type\":\"meta\"}", NULL },
  { "meta-language", "{\"type\":\"meta\",\"language\":\"python\"}", NULL },
  { "meta-both", "{\"type\":\"meta\",\"language\":\"c\",\"title\":\"\"}", NULL },
  { "meta-title-256", "{\"type\":\"meta\",\"title\":\"" X64 ("🙂bc\\n") "\"}",
    "{\"type\":\"meta\",\"title\":\"" X64 ("🙂bc\\n") "\"}" },
  { "complete", "{\"type\":\"complete\",\"id\":7,\"v\":12,\"position\":40}", NULL },
  { "complete-max", "{\"type\":\"complete\",\"id\":8,\"v\":0,\"position\":0,\"max\":50}", NULL },
};

#define ENTRY(v, op) "{\"v\":" #v ",\"op\":" op ",\"user\":\"u1\",\"client\":\"abcdefgh\",\"seq\":1}"
#define USER(extra) "{\"user\":\"u2\",\"client\":\"abcdefgh\",\"name\":\"Bo\",\"color\":\"#000000\",\"v\":0,\"sel\":[]" extra "}"
#define WELCOME_HEAD "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":1,\"language\":\"c\",\"title\":\"\","

static const InvalidFrame invalid_server_frames[] = {
  { "hello-from-server", B ("{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}"), 0, BAD_MESSAGE },
  { "welcome-text-and-ops", B (WELCOME_HEAD "\"users\":[],\"text\":\"\",\"ops\":[]}"), 0, BAD_MESSAGE },
  { "welcome-neither-text-nor-ops", B (WELCOME_HEAD "\"users\":[]}"), 0, BAD_MESSAGE },
  { "welcome-without-users", B (WELCOME_HEAD "\"text\":\"\"}"), 0, BAD_MESSAGE },
  { "welcome-user-bad-color", B (WELCOME_HEAD "\"users\":[{\"user\":\"u2\",\"client\":\"abcdefgh\",\"name\":\"Bo\",\"color\":\"blue\",\"v\":0,\"sel\":[]}],\"text\":\"\"}"), 0, BAD_MESSAGE },
  { "welcome-user-without-sel", B (WELCOME_HEAD "\"users\":[{\"user\":\"u2\",\"client\":\"abcdefgh\",\"name\":\"Bo\",\"color\":\"#000000\",\"v\":0}],\"text\":\"\"}"), 0, BAD_MESSAGE },
  { "welcome-entry-bad-op", B (WELCOME_HEAD "\"users\":[],\"ops\":[" ENTRY (1, "[0]") "]}"), 0, BAD_OP },
  { "welcome-entry-v-zero", B (WELCOME_HEAD "\"users\":[],\"ops\":[" ENTRY (0, "[\"a\"]") "]}"), 0, BAD_MESSAGE },
  { "welcome-entry-not-object", B (WELCOME_HEAD "\"users\":[],\"ops\":[[\"a\"]]}"), 0, BAD_MESSAGE },
  { "ack-seq-zero", B ("{\"type\":\"ack\",\"seq\":0,\"v\":1}"), 0, BAD_MESSAGE },
  { "ack-v-zero", B ("{\"type\":\"ack\",\"seq\":1,\"v\":0}"), 0, BAD_MESSAGE },
  { "ack-v-string", B ("{\"type\":\"ack\",\"seq\":1,\"v\":\"1\"}"), 0, BAD_MESSAGE },
  { "op-without-client", B ("{\"type\":\"op\",\"v\":1,\"op\":[\"a\"],\"user\":\"u1\",\"seq\":1}"), 0, BAD_MESSAGE },
  { "op-empty-user", B ("{\"type\":\"op\",\"v\":1,\"op\":[\"a\"],\"user\":\"\",\"client\":\"abcdefgh\",\"seq\":1}"), 0, BAD_MESSAGE },
  { "op-lone-surrogate", B ("{\"type\":\"op\",\"v\":1,\"op\":[\"\\udc00\"],\"user\":\"u1\",\"client\":\"abcdefgh\",\"seq\":1}"), 0, BAD_OP },
  { "op-not-array", B ("{\"type\":\"op\",\"v\":1,\"op\":3,\"user\":\"u1\",\"client\":\"abcdefgh\",\"seq\":1}"), 0, BAD_OP },
  { "presence-without-user", B ("{\"type\":\"presence\",\"v\":1,\"sel\":[]}"), 0, BAD_MESSAGE },
  { "join-without-user", B ("{\"type\":\"join\"}"), 0, BAD_MESSAGE },
  { "join-user-is-string", B ("{\"type\":\"join\",\"user\":\"u2\"}"), 0, BAD_MESSAGE },
  { "join-user-view-reversed", B ("{\"type\":\"join\",\"user\":" USER (",\"view\":[3,1]") "}"), 0, BAD_MESSAGE },
  { "leave-user-number", B ("{\"type\":\"leave\",\"user\":2}"), 0, BAD_MESSAGE },
  { "meta-without-title", B ("{\"type\":\"meta\",\"user\":\"u1\",\"language\":\"c\"}"), 0, BAD_MESSAGE },
  { "meta-without-user", B ("{\"type\":\"meta\",\"language\":\"c\",\"title\":\"\"}"), 0, BAD_MESSAGE },
  { "completions-without-items", B ("{\"type\":\"completions\",\"id\":1,\"v\":0,\"prefix_length\":0,\"provider\":\"built-in\"}"), 0, BAD_MESSAGE },
  { "completions-item-without-insert", B ("{\"type\":\"completions\",\"id\":1,\"v\":0,\"prefix_length\":0,\"provider\":\"built-in\",\"items\":[{\"label\":\"x\",\"kind\":\"word\"}]}"), 0, BAD_MESSAGE },
  { "error-without-message", B ("{\"type\":\"error\",\"code\":\"bad_op\"}"), 0, BAD_MESSAGE },
  { "error-code-number", B ("{\"type\":\"error\",\"code\":2,\"message\":\"x\"}"), 0, BAD_MESSAGE },
  { "welcome-unknown-role", B (WELCOME_HEAD "\"users\":[],\"text\":\"\",\"role\":\"admin\"}"), 0, BAD_MESSAGE },
  { "welcome-locked-string", B (WELCOME_HEAD "\"users\":[],\"text\":\"\",\"locked\":\"yes\"}"), 0, BAD_MESSAGE },
  { "access-unknown-access", B ("{\"type\":\"access\",\"role\":\"viewer\",\"access\":\"all\",\"locked\":false}"), 0, BAD_MESSAGE },
  { "access-roles-array", B ("{\"type\":\"access\",\"role\":\"viewer\",\"access\":\"view\",\"locked\":false,\"roles\":[]}"), 0, BAD_MESSAGE },
  { "access-roles-unknown-role", B ("{\"type\":\"access\",\"role\":\"viewer\",\"access\":\"view\",\"locked\":false,\"roles\":{\"u2\":\"boss\"}}"), 0, BAD_MESSAGE },
  { "user-verified-string", B ("{\"type\":\"join\",\"user\":" USER (",\"verified\":\"yes\"") "}"), 0, BAD_MESSAGE },
};

#undef BAD_MESSAGE
#undef BAD_OP
#undef TOO_LARGE

/* Builders whose output is compared with server-frames.json. */

static PpTextOp *
op_from_string (const char *json)
{
  g_autoptr(GError) error = NULL;
  PpTextOp *op = pp_text_op_new_from_string (json, &error);

  g_assert_no_error (error);

  return op;
}

static PpUserInfo *
sample_user (const char *user,
             gboolean    with_view)
{
  PpUserInfo *info = pp_user_info_new (user, "Zq_8-client", "Zoë 🙂", "#1a2b3c", 12);
  PpRange ranges[] = { { 3, 3 }, { 10, 4 } };

  g_array_append_vals (info->sel, ranges, G_N_ELEMENTS (ranges));
  if (with_view)
    {
      info->has_view = TRUE;
      info->view = (PpRange) { 0, 40 };
    }

  return info;
}

static PpLogEntry *
sample_entry (gint64      v,
              const char *op,
              const char *name)
{
  g_autoptr(PpTextOp) text_op = op_from_string (op);

  return pp_log_entry_new (v, text_op, "u7", "abcdefgh", v + 100, name, 1700000000000000);
}

static PpMessage *
build_welcome_text (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);

  return pp_message_new_welcome ("u1", 0, "plaintext", "", users, "héllo 🙂\n\t\"quoted\"\\", NULL);
}

static PpMessage *
build_welcome_ops (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);

  g_ptr_array_add (users, sample_user ("u2", TRUE));
  g_ptr_array_add (users, sample_user ("u3", FALSE));
  g_ptr_array_add (ops, sample_entry (11, "[\"a🙂\"]", "Zoë"));
  g_ptr_array_add (ops, sample_entry (12, "[1,{\"d\":2}]", NULL));

  return pp_message_new_welcome ("u1", 12, "python", "Notes: draft #1", users, NULL, ops);
}

static PpMessage *
build_welcome_ops_empty (void)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();

  return pp_message_new_welcome ("u1", 12, "c", "", NULL, NULL, ops);
}

/* What a viewer of a locked room is welcomed with: watchers are marked. */
static PpMessage *
build_welcome_viewer (void)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
  PpUserInfo *owner = sample_user ("u2", FALSE);
  PpMessage *welcome;

  owner->role = PP_ROLE_OWNER;
  owner->verified = TRUE;
  g_ptr_array_add (users, owner);
  welcome = pp_message_new_welcome ("u1", 3, "c", "", users, "int x;", NULL);
  welcome->role = PP_ROLE_VIEWER;
  welcome->access = PP_GENERAL_ACCESS_VIEW;
  welcome->locked = TRUE;

  return welcome;
}

static PpMessage *
build_access (void)
{
  g_autoptr(GHashTable) roles = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (roles, "u2", GINT_TO_POINTER (PP_ROLE_VIEWER));
  return pp_message_new_access (PP_ROLE_EDITOR, PP_GENERAL_ACCESS_RESTRICTED, FALSE, roles);
}

static PpMessage *
build_ack (void)
{
  return pp_message_new_ack (3, 17);
}

static PpMessage *
build_op (void)
{
  g_autoptr(PpLogEntry) entry = sample_entry (18, "[5,\"x\",{\"d\":\"yz\"}]", "Zoë");

  return pp_message_new_server_op (entry);
}

static PpMessage *
build_op_without_name (void)
{
  g_autoptr(PpLogEntry) entry = sample_entry (19, "[]", NULL);

  return pp_message_new_server_op (entry);
}

static PpMessage *
build_presence (void)
{
  PpRange sel[] = { { 5, 5 } };

  return pp_message_new_server_presence ("u2", 18, sel, G_N_ELEMENTS (sel), NULL);
}

static PpMessage *
build_presence_view (void)
{
  PpRange sel[] = { { 1, 9 }, { 20, 12 } };
  PpRange view = { 0, 60 };

  return pp_message_new_server_presence ("u2", 18, sel, G_N_ELEMENTS (sel), &view);
}

static PpMessage *
build_join (void)
{
  g_autoptr(PpUserInfo) info = sample_user ("u4", FALSE);

  return pp_message_new_join (info);
}

static PpMessage *
build_join_view (void)
{
  g_autoptr(PpUserInfo) info = sample_user ("u4", TRUE);

  return pp_message_new_join (info);
}

static PpMessage *
build_leave (void)
{
  return pp_message_new_leave ("u4");
}

static PpMessage *
build_meta (void)
{
  return pp_message_new_server_meta ("u2", "rust", "Ünïcode ✓");
}

static PpMessage *
build_error (void)
{
  return pp_message_new_error (PP_PROTOCOL_ERROR_BAD_OP, "component 0: counts must be positive",
                               TRUE, 4);
}

static PpMessage *
build_error_without_seq (void)
{
  return pp_message_new_error (PP_PROTOCOL_ERROR_RESYNC, "your version is too old; rejoin",
                               FALSE, 0);
}

static PpMessage *
build_error_about_complete (void)
{
  g_autoptr(PpMessage) msg = pp_message_new_error (PP_PROTOCOL_ERROR_BAD_VERSION,
                                                   "“v” is newer than the room", FALSE, 0);

  msg->has_id = TRUE;
  msg->id = 7;

  return g_steal_pointer (&msg);
}

static PpMessage *
build_completions (PpCompletionKind  first_kind,
                   const char       *provider,
                   const char       *fallback)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_completion_item_free);

  g_ptr_array_add (items, pp_completion_item_new (first_kind == PP_COMPLETION_MODEL ? "_count + 1" : "total_count",
                                                  first_kind == PP_COMPLETION_MODEL ? "_count + 1\n" : "total_count",
                                                  first_kind, 0));
  g_ptr_array_add (items, pp_completion_item_new ("for", "for ", PP_COMPLETION_KEYWORD, 0));
  g_ptr_array_add (items, pp_completion_item_new ("for … in", "for ${1:x} in ${2:xs}:", PP_COMPLETION_SNIPPET, 0));

  return pp_message_new_completions (7, 12, 3, provider, fallback, items);
}

static PpMessage *
build_completions_built_in (void)
{
  return build_completions (PP_COMPLETION_WORD, "built-in", NULL);
}

static PpMessage *
build_completions_model (void)
{
  return build_completions (PP_COMPLETION_MODEL, "model", NULL);
}

static PpMessage *
build_completions_fallback (void)
{
  return build_completions (PP_COMPLETION_WORD, "built-in", "timeout");
}

typedef struct
{
  const char  *name;
  PpMessage *(*build) (void);
} ServerGolden;

static const ServerGolden server_goldens[] = {
  { "welcome-text", build_welcome_text },
  { "welcome-ops", build_welcome_ops },
  { "welcome-ops-empty", build_welcome_ops_empty },
  { "welcome-viewer", build_welcome_viewer },
  { "access", build_access },
  { "ack", build_ack },
  { "op", build_op },
  { "op-without-name", build_op_without_name },
  { "presence", build_presence },
  { "presence-view", build_presence_view },
  { "join", build_join },
  { "join-view", build_join_view },
  { "leave", build_leave },
  { "meta", build_meta },
  { "error", build_error },
  { "error-without-seq", build_error_without_seq },
  { "error-about-complete", build_error_about_complete },
  { "completions", build_completions_built_in },
  { "completions-model", build_completions_model },
  { "completions-fallback", build_completions_fallback },
};

static GBytes *
frame_bytes (const InvalidFrame *frame)
{
  guint repeat = MAX (frame->repeat, 1);
  GByteArray *bytes = g_byte_array_sized_new (frame->n_bytes * repeat);

  for (guint i = 0; i < repeat; i++)
    g_byte_array_append (bytes, (const guint8 *) frame->text, frame->n_bytes);

  return g_byte_array_free_to_bytes (bytes);
}

static void
test_invalid (gconstpointer data,
              PpDirection   direction)
{
  const InvalidFrame *frame = data;
  g_autoptr(GBytes) bytes = frame_bytes (frame);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;
  gsize n_bytes;
  const char *text = g_bytes_get_data (bytes, &n_bytes);

  msg = pp_message_parse (text, n_bytes, direction, NULL, &error);
  g_assert_null (msg);
  g_assert_error (error, PP_PROTOCOL_ERROR, (gint) frame->code);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), >, 0);
  g_test_message ("%s: %s", frame->name, error->message);
}

static void
test_invalid_client (gconstpointer data)
{
  test_invalid (data, PP_DIRECTION_FROM_CLIENT);
}

static void
test_invalid_server (gconstpointer data)
{
  test_invalid (data, PP_DIRECTION_FROM_SERVER);
}

/* parse → to_json → parse → to_json gives the same frame each time. */
static char *
assert_round_trip (const char  *text,
                   gsize        n_bytes,
                   PpDirection  direction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;
  g_autoptr(PpMessage) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *encoded_again = NULL;
  gsize n_encoded;

  msg = pp_message_parse (text, n_bytes, direction, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (msg);
  g_assert_cmpint (msg->direction, ==, direction);

  encoded = pp_message_to_json (msg, &n_encoded);
  g_assert_cmpuint (n_encoded, ==, strlen (encoded));

  again = pp_message_parse (encoded, n_encoded, direction, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->type, ==, msg->type);
  encoded_again = pp_message_to_json (again, NULL);
  g_assert_cmpstr (encoded_again, ==, encoded);

  return g_steal_pointer (&encoded);
}

static void
test_valid_client (gconstpointer data)
{
  const ValidFrame *frame = data;
  g_autofree char *encoded = assert_round_trip (frame->text, strlen (frame->text),
                                                PP_DIRECTION_FROM_CLIENT);

  g_assert_cmpstr (encoded, ==, frame->encoded != NULL ? frame->encoded : frame->text);
}

static char *
compact (JsonNode *node)
{
  return pp_json_to_string (node, NULL);
}

static JsonNode *
load_golden (const char *file)
{
  g_autofree char *contents = pp_test_read_data_file ("data", "protocol", file, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *root = pp_json_parse (contents, strlen (contents), 16, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return root;
}

static JsonObject *
find_case (JsonArray  *cases,
           const char *name)
{
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);

      if (g_strcmp0 (json_object_get_string_member (c, "name"), name) == 0)
        return c;
    }

  return NULL;
}

static void
test_server_golden (gconstpointer data)
{
  const ServerGolden *golden = data;
  g_autoptr(JsonNode) root = load_golden ("server-frames.json");
  g_autoptr(PpMessage) msg = golden->build ();
  g_autofree char *built = pp_message_to_json (msg, NULL);
  g_autofree char *expected = NULL;
  g_autofree char *round_trip = NULL;
  JsonObject *c;

  c = find_case (json_object_get_array_member (json_node_get_object (root), "valid"), golden->name);
  g_assert_nonnull (c);
  expected = compact (json_object_get_member (c, "frame"));

  g_assert_cmpstr (built, ==, expected);

  round_trip = assert_round_trip (expected, strlen (expected), PP_DIRECTION_FROM_SERVER);
  g_assert_cmpstr (round_trip, ==, expected);
}

/* The golden files, as the tables say they should be. */

static JsonNode *
invalid_to_json (const InvalidFrame *frames,
                 guint               n_frames)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < n_frames; i++)
    {
      const InvalidFrame *frame = &frames[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, frame->name);
      if (g_utf8_validate_len (frame->text, frame->n_bytes, NULL))
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, frame->text);
        }
      else
        {
          g_autofree char *base64 = g_base64_encode ((const guchar *) frame->text, frame->n_bytes);

          json_builder_set_member_name (builder, "base64");
          json_builder_add_string_value (builder, base64);
        }
      if (frame->repeat > 1)
        {
          json_builder_set_member_name (builder, "repeat");
          json_builder_add_int_value (builder, frame->repeat);
        }
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, pp_protocol_error_code_to_string (frame->code));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
expected_client_file (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) invalid = invalid_to_json (invalid_client_frames,
                                                 G_N_ELEMENTS (invalid_client_frames));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "about");
  json_builder_add_string_value (builder,
    "Client-to-server frames of PROTOCOL.md version 1, generated from tests/core/test-protocol.c. "
    "valid: frames a daemon accepts; 'text' is the exact frame, 'encoded' its canonical "
    "re-encoding when that differs. invalid: frames a daemon refuses with error 'code'; the "
    "frame is 'text' (exact) or 'base64' (bytes that are not UTF-8), repeated 'repeat' times "
    "when given. Default limits; unknown fields are ignored; null is no field's value.");
  json_builder_set_member_name (builder, "valid");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (valid_client_frames); i++)
    {
      const ValidFrame *frame = &valid_client_frames[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, frame->name);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, frame->text);
      if (frame->encoded != NULL && strcmp (frame->encoded, frame->text) != 0)
        {
          json_builder_set_member_name (builder, "encoded");
          json_builder_add_string_value (builder, frame->encoded);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "invalid");
  json_builder_add_value (builder, g_steal_pointer (&invalid));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
expected_server_file (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonNode) invalid = invalid_to_json (invalid_server_frames,
                                                 G_N_ELEMENTS (invalid_server_frames));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "about");
  json_builder_add_string_value (builder,
    "Server-to-client frames of PROTOCOL.md version 1, generated from tests/core/test-protocol.c. "
    "valid: frames exactly as the daemon encodes them (compact, members in this order). "
    "invalid: frames a client refuses with error 'code', given as in client-frames.json.");
  json_builder_set_member_name (builder, "valid");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (server_goldens); i++)
    {
      g_autoptr(PpMessage) msg = server_goldens[i].build ();
      g_autofree char *frame = pp_message_to_json (msg, NULL);
      g_autoptr(GError) error = NULL;
      JsonNode *node = pp_json_parse (frame, strlen (frame), 64, &error);

      g_assert_no_error (error);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, server_goldens[i].name);
      json_builder_set_member_name (builder, "frame");
      json_builder_add_value (builder, node);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "invalid");
  json_builder_add_value (builder, g_steal_pointer (&invalid));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
check_golden_file (const char *file,
                   JsonNode   *expected)
{
  const char *write_dir = g_getenv ("PP_PROTOCOL_WRITE_GOLDEN");
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, expected);
  text = json_generator_to_data (generator, NULL);

  if (write_dir != NULL)
    {
      g_autofree char *path = g_build_filename (write_dir, file, NULL);
      g_autofree char *with_newline = g_strconcat (text, "\n", NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (path, with_newline, -1, &error);
      g_assert_no_error (error);
      g_test_message ("wrote %s", path);
    }

  contents = pp_test_read_data_file ("data", "protocol", file, NULL);
  g_strchomp (contents);
  if (g_strcmp0 (contents, text) != 0)
    g_test_fail_printf ("%s differs from the tables in test-protocol.c; regenerate it "
                        "(see the top of test-protocol.c) and review the diff", file);
}

static void
test_golden_client_file (void)
{
  g_autoptr(JsonNode) expected = expected_client_file ();

  check_golden_file ("client-frames.json", expected);
}

static void
test_golden_server_file (void)
{
  g_autoptr(JsonNode) expected = expected_server_file ();

  check_golden_file ("server-frames.json", expected);
}

/* The golden invalid frames, decoded from the file the way a browser would,
 * fail with their codes: checks that the file format carries the bytes. */
static void
test_golden_invalid_from_file (void)
{
  g_autoptr(JsonNode) root = load_golden ("client-frames.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "invalid");

  g_assert_cmpuint (json_array_get_length (cases), ==, G_N_ELEMENTS (invalid_client_frames));

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(PpMessage) msg = NULL;
      g_autofree guchar *decoded = NULL;
      const guchar *unit;
      gsize n_unit;
      guint repeat = json_object_get_int_member_with_default (c, "repeat", 1);
      PpProtocolError code;

      if (json_object_has_member (c, "base64"))
        {
          decoded = g_base64_decode (json_object_get_string_member (c, "base64"), &n_unit);
          unit = decoded;
        }
      else
        {
          unit = (const guchar *) json_object_get_string_member (c, "text");
          n_unit = strlen ((const char *) unit);
        }

      for (guint j = 0; j < repeat; j++)
        g_byte_array_append (bytes, unit, n_unit);

      g_assert_true (pp_protocol_error_code_from_string (json_object_get_string_member (c, "code"),
                                                         &code));
      msg = pp_message_parse ((const char *) bytes->data, bytes->len, PP_DIRECTION_FROM_CLIENT,
                              NULL, &error);
      g_assert_error (error, PP_PROTOCOL_ERROR, (gint) code);
    }
}

/* JSON layer */

static void
assert_json_fails (const char *text,
                   gsize       n_bytes,
                   guint       max_depth)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = pp_json_parse (text, n_bytes, max_depth, &error);

  g_assert_null (node);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
}

static JsonNode *
assert_json_parses (const char *text,
                    guint       max_depth)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = pp_json_parse (text, strlen (text), max_depth, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static void
test_json_strings (void)
{
  g_autoptr(JsonNode) pair = assert_json_parses ("[\"\\ud83d\\ude42\",\"\\u00e9\\u4e2d\"]", 4);
  g_autoptr(JsonNode) escapes = assert_json_parses ("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 4);
  JsonArray *array = json_node_get_array (pair);

  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "🙂");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "é中");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (escapes), 0), ==,
                   "\"\\/\b\f\n\r\t");

  /* json-glib 1.6 would truncate at the NUL or produce CESU-8 (and swallow a
   * character) for these; pp_json_parse refuses them. */
  assert_json_fails (B ("[\"a\\u0000b\"]"), 4);
  assert_json_fails (B ("[\"\\ud800\"]"), 4);
  assert_json_fails (B ("[\"\\ud800x\"]"), 4);
  assert_json_fails (B ("[\"\\udc00\"]"), 4);
  assert_json_fails (B ("[\"\\ud800\\u0041\"]"), 4);
  assert_json_fails (B ("[\"\\ud800\\ud800\"]"), 4);
  assert_json_fails (B ("[\"\\u12\"]"), 4);
  assert_json_fails (B ("[\"\\u12g4\"]"), 4);
  assert_json_fails (B ("[\"abc"), 4);
  assert_json_fails (B ("[\"abc\\"), 4);
  assert_json_fails (B ("[\"\xed\xa0\x80\"]"), 4);
}

static void
test_json_numbers (void)
{
  g_autoptr(JsonNode) node = assert_json_parses ("[0,-0,9223372036854775807,-9223372036854775808,"
                                                 "1.5,-2e-3,1E+2]", 4);
  JsonArray *array = json_node_get_array (node);

  g_assert_cmpint (json_array_get_int_element (array, 2), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (array, 3), ==, G_MININT64);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 4)), ==, G_TYPE_DOUBLE);

  /* json-glib 1.6 wraps these around. */
  assert_json_fails (B ("[9223372036854775808]"), 4);
  assert_json_fails (B ("[-9223372036854775809]"), 4);
  assert_json_fails (B ("[18446744073709551616]"), 4);
  assert_json_fails (B ("[99999999999999999999999]"), 4);

  assert_json_fails (B ("[01]"), 4);
  assert_json_fails (B ("[-]"), 4);
  assert_json_fails (B ("[1.]"), 4);
  assert_json_fails (B ("[.5]"), 4);
  assert_json_fails (B ("[1e]"), 4);
  assert_json_fails (B ("[+1]"), 4);
  assert_json_fails (B ("[0x10]"), 4);
  assert_json_fails (B ("[NaN]"), 4);
  assert_json_fails (B ("[Infinity]"), 4);
  assert_json_fails (B ("[tru]"), 4);
  assert_json_fails (B ("[nul"), 4);
}

static void
test_json_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(JsonNode) ok = NULL;
  g_autoptr(JsonNode) empty_object = NULL;
  g_autoptr(JsonNode) scalar = NULL;

  for (guint i = 0; i < 64; i++)
    g_string_append (deep, "[");
  for (guint i = 0; i < 64; i++)
    g_string_append (deep, "]");

  ok = assert_json_parses (deep->str, 64);
  assert_json_fails (deep->str, deep->len, 63);

  empty_object = assert_json_parses ("{}", 1);
  assert_json_fails (B ("{}"), 0);
  scalar = assert_json_parses ("7", 0);

  /* Brackets inside strings are not nesting. */
  {
    g_autoptr(JsonNode) node = assert_json_parses ("[\"[[[[[[[[\\\"[[[[\"]", 1);

    g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==,
                     "[[[[[[[[\"[[[[");
  }

  /* A megabyte of "[" would overflow json-glib's recursion. */
  {
    gsize n = 1024 * 1024;
    g_autofree char *brackets = g_malloc (n);

    memset (brackets, '[', n);
    assert_json_fails (brackets, n, 64);
    memset (brackets, '{', n);
    assert_json_fails (brackets, n, 64);
  }
}

static void
test_json_grammar (void)
{
  g_autoptr(JsonNode) ws = assert_json_parses (" \t\r\n{ \"a\" : [ 1 , { } , [ ] , true , false , null ] } \n", 8);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (ws), "a")), ==, 6);

  assert_json_fails (B (""), 8);
  assert_json_fails (B (" "), 8);
  assert_json_fails (B ("{"), 8);
  assert_json_fails (B ("{\"a\"}"), 8);
  assert_json_fails (B ("{\"a\":}"), 8);
  assert_json_fails (B ("{\"a\" 1}"), 8);
  assert_json_fails (B ("{1:1}"), 8);
  assert_json_fails (B ("{\"a\":1,}"), 8);
  assert_json_fails (B ("[1,]"), 8);
  assert_json_fails (B ("[,1]"), 8);
  assert_json_fails (B ("[1 2]"), 8);
  assert_json_fails (B ("[1}"), 8);
  assert_json_fails (B ("{\"a\":1]"), 8);
  assert_json_fails (B ("]"), 8);
  assert_json_fails (B ("[]]"), 8);
  assert_json_fails (B ("[] []"), 8);
  assert_json_fails (B ("[]\f"), 8);
  assert_json_fails (B ("\v[]"), 8);
}

/* Not NUL-terminated input must not be read past its end (ASan checks). */
static void
test_json_unterminated_buffer (void)
{
  static const char *const frames[] = {
    "{\"type\":\"meta\"}", "[1", "[\"ab", "[\"\\u00", "[\"\\ud83d\\ude", "[12", "[tr", "{\"a\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      gsize n = strlen (frames[i]);
      g_autofree char *copy = g_memdup2 (frames[i], n);
      g_autoptr(GError) error = NULL;
      g_autoptr(PpMessage) msg = pp_message_parse (copy, n, PP_DIRECTION_FROM_CLIENT, NULL, &error);

      g_assert_true ((msg != NULL) == (i == 0));
    }
}

static void
test_json_to_string (void)
{
  g_autoptr(JsonNode) node = assert_json_parses ("{\"b\":[1,\"🙂\\n\"],\"a\":{}}", 8);
  gsize n_bytes;
  g_autofree char *text = pp_json_to_string (node, &n_bytes);

  g_assert_cmpstr (text, ==, "{\"b\":[1,\"🙂\\n\"],\"a\":{}}");
  g_assert_cmpuint (n_bytes, ==, strlen (text));
}

/* Limits, validators and boxed types */

static void
test_limits_default (void)
{
  PpProtocolLimits limits;

  pp_protocol_limits_init_default (&limits);
  g_assert_cmpuint (limits.max_frame_bytes, ==, 1024 * 1024);
  g_assert_cmpuint (limits.max_json_depth, ==, 64);
  g_assert_cmpuint (limits.max_name_chars, ==, 64);
  g_assert_cmpuint (limits.max_language_chars, ==, 64);
  g_assert_cmpuint (limits.max_title_chars, ==, 256);
  g_assert_cmpuint (limits.max_ranges, ==, 32);
}

static void
test_limits_custom (void)
{
  PpProtocolLimits limits;
  const char *hello = "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}";
  const char *presence = "{\"type\":\"presence\",\"v\":0,\"sel\":[[0,0],[1,1]]}";
  const char *meta = "{\"type\":\"meta\",\"language\":\"abc\",\"title\":\"abcd\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;

  pp_protocol_limits_init_default (&limits);
  limits.max_frame_bytes = strlen (hello);
  msg = pp_message_parse (hello, strlen (hello), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_no_error (error);
  g_clear_pointer (&msg, pp_message_unref);

  limits.max_frame_bytes = strlen (hello) - 1;
  msg = pp_message_parse (hello, strlen (hello), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  pp_protocol_limits_init_default (&limits);
  limits.max_name_chars = 2;
  msg = pp_message_parse (hello, strlen (hello), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  g_clear_error (&error);

  pp_protocol_limits_init_default (&limits);
  limits.max_ranges = 1;
  msg = pp_message_parse (presence, strlen (presence), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  g_clear_error (&error);

  pp_protocol_limits_init_default (&limits);
  limits.max_language_chars = 2;
  msg = pp_message_parse (meta, strlen (meta), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  g_clear_error (&error);

  pp_protocol_limits_init_default (&limits);
  limits.max_title_chars = 3;
  msg = pp_message_parse (meta, strlen (meta), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  g_clear_error (&error);

  pp_protocol_limits_init_default (&limits);
  limits.max_json_depth = 1;
  msg = pp_message_parse (presence, strlen (presence), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
  g_clear_error (&error);
}

static void
test_validators (void)
{
  g_assert_true (pp_protocol_client_id_is_valid ("abcdefgh"));
  g_assert_true (pp_protocol_client_id_is_valid ("A-Z_a-z0-9"));
  g_assert_true (pp_protocol_client_id_is_valid (X64 ("x")));
  g_assert_false (pp_protocol_client_id_is_valid (NULL));
  g_assert_false (pp_protocol_client_id_is_valid (""));
  g_assert_false (pp_protocol_client_id_is_valid ("abcdefg"));
  g_assert_false (pp_protocol_client_id_is_valid (X64 ("x") "y"));
  g_assert_false (pp_protocol_client_id_is_valid ("abcdefg."));
  g_assert_false (pp_protocol_client_id_is_valid ("abcdefgé"));

  g_assert_true (pp_protocol_color_is_valid ("#000000"));
  g_assert_true (pp_protocol_color_is_valid ("#aBcDeF"));
  g_assert_false (pp_protocol_color_is_valid (NULL));
  g_assert_false (pp_protocol_color_is_valid (""));
  g_assert_false (pp_protocol_color_is_valid ("#"));
  g_assert_false (pp_protocol_color_is_valid ("000000"));
  g_assert_false (pp_protocol_color_is_valid ("#00000"));
  g_assert_false (pp_protocol_color_is_valid ("#0000000"));
  g_assert_false (pp_protocol_color_is_valid ("#00000g"));
}

static void
test_error_codes (void)
{
  static const char *const frames[] = {
    "{\"type\":\"error\",\"code\":\"bad_message\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"bad_op\",\"message\":\"m\",\"seq\":3}",
    "{\"type\":\"error\",\"code\":\"bad_version\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"resync\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"too_large\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"not_found\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"rate_limited\",\"message\":\"m\"}",
    "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"m\"}",
  };
  static const PpProtocolError codes[] = {
    PP_PROTOCOL_ERROR_BAD_MESSAGE, PP_PROTOCOL_ERROR_BAD_OP, PP_PROTOCOL_ERROR_BAD_VERSION,
    PP_PROTOCOL_ERROR_RESYNC, PP_PROTOCOL_ERROR_TOO_LARGE, PP_PROTOCOL_ERROR_FORBIDDEN,
    PP_PROTOCOL_ERROR_NOT_FOUND, PP_PROTOCOL_ERROR_RATE_LIMITED, PP_PROTOCOL_ERROR_INTERNAL,
  };
  const char *future = "{\"type\":\"error\",\"code\":\"quota_exceeded\",\"message\":\"m\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;
  g_autofree char *encoded = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autofree char *round_trip = assert_round_trip (frames[i], strlen (frames[i]),
                                                       PP_DIRECTION_FROM_SERVER);
      g_autoptr(PpMessage) m = pp_message_parse (frames[i], strlen (frames[i]),
                                                 PP_DIRECTION_FROM_SERVER, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (m->code, ==, codes[i]);
      g_assert_cmpstr (round_trip, ==, frames[i]);
    }

  /* A code from a newer daemon is not an error; it reads as internal. */
  msg = pp_message_parse (future, strlen (future), PP_DIRECTION_FROM_SERVER, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (msg->code, ==, PP_PROTOCOL_ERROR_INTERNAL);
  g_assert_cmpstr (msg->message, ==, "m");
  g_assert_false (msg->has_seq);
  encoded = pp_message_to_json (msg, NULL);
  g_assert_cmpstr (encoded, ==, "{\"type\":\"error\",\"code\":\"internal\",\"message\":\"m\"}");
}

static void
test_parsed_fields (void)
{
  const char *hello = "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"color\":\"#010203\",\"v\":5,\"token\":\"t\"}";
  const char *op = "{\"type\":\"op\",\"v\":4,\"seq\":2,\"op\":[1,\"🙂\"]}";
  const char *presence = "{\"type\":\"presence\",\"user\":\"u9\",\"v\":4,\"sel\":[[1,2]],\"view\":[0,9]}";
  const char *entry_frame = "{\"type\":\"op\",\"v\":5,\"op\":[\"x\"],\"user\":\"u9\",\"client\":\"abcdefgh\",\"seq\":3,\"name\":\"Bo\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) m1 = pp_message_parse (hello, strlen (hello), PP_DIRECTION_FROM_CLIENT, NULL, &error);
  g_autoptr(PpMessage) m2 = pp_message_parse (op, strlen (op), PP_DIRECTION_FROM_CLIENT, NULL, &error);
  g_autoptr(PpMessage) m3 = pp_message_parse (presence, strlen (presence), PP_DIRECTION_FROM_SERVER, NULL, &error);
  g_autoptr(PpMessage) m4 = pp_message_parse (entry_frame, strlen (entry_frame), PP_DIRECTION_FROM_SERVER, NULL, &error);
  g_autofree char *op_json = NULL;
  const PpRange *sel;

  g_assert_no_error (error);

  g_assert_cmpint (m1->type, ==, PP_MESSAGE_HELLO);
  g_assert_cmpstr (m1->client, ==, "abcdefgh");
  g_assert_cmpstr (m1->name, ==, "Ann");
  g_assert_cmpstr (m1->color, ==, "#010203");
  g_assert_cmpstr (m1->token, ==, "t");
  g_assert_true (m1->has_v);
  g_assert_cmpint (m1->v, ==, 5);

  g_assert_cmpint (m2->type, ==, PP_MESSAGE_OP);
  g_assert_cmpint (m2->v, ==, 4);
  g_assert_cmpint (m2->seq, ==, 2);
  op_json = pp_text_op_to_string (m2->op);
  g_assert_cmpstr (op_json, ==, "[1,\"🙂\"]");
  g_assert_null (m2->entry);

  g_assert_cmpint (m3->type, ==, PP_MESSAGE_PRESENCE);
  g_assert_cmpstr (m3->user, ==, "u9");
  g_assert_cmpuint (m3->sel->len, ==, 1);
  sel = &g_array_index (m3->sel, PpRange, 0);
  g_assert_cmpint (sel->anchor, ==, 1);
  g_assert_cmpint (sel->head, ==, 2);
  g_assert_true (m3->has_view);
  g_assert_cmpint (m3->view.anchor, ==, 0);
  g_assert_cmpint (m3->view.head, ==, 9);

  g_assert_cmpint (m4->type, ==, PP_MESSAGE_OP);
  g_assert_nonnull (m4->entry);
  g_assert_null (m4->op);
  g_assert_cmpint (m4->entry->v, ==, 5);
  g_assert_cmpint (m4->entry->seq, ==, 3);
  g_assert_cmpstr (m4->entry->user, ==, "u9");
  g_assert_cmpstr (m4->entry->client, ==, "abcdefgh");
  g_assert_cmpstr (m4->entry->name, ==, "Bo");

  /* A presence from the server needs "user"; from a client it is ignored. */
  {
    g_autoptr(PpMessage) m5 = pp_message_parse (presence, strlen (presence),
                                                PP_DIRECTION_FROM_CLIENT, NULL, &error);
    g_autofree char *encoded = NULL;

    g_assert_no_error (error);
    g_assert_null (m5->user);
    encoded = pp_message_to_json (m5, NULL);
    g_assert_cmpstr (encoded, ==, "{\"type\":\"presence\",\"v\":4,\"sel\":[[1,2]],\"view\":[0,9]}");
  }
}

static void
test_log_entry_json (void)
{
  g_autoptr(PpLogEntry) entry = sample_entry (3, "[2,\"ab\"]", "Zoë");
  g_autoptr(JsonNode) with_type = pp_log_entry_to_json (entry, TRUE);
  g_autoptr(JsonNode) without_type = pp_log_entry_to_json (entry, FALSE);
  g_autofree char *a = compact (with_type);
  g_autofree char *b = compact (without_type);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpLogEntry) decoded = NULL;
  g_autoptr(JsonNode) bad = assert_json_parses ("{\"v\":1,\"op\":[0],\"user\":\"u\",\"client\":\"abcdefgh\",\"seq\":1}", 8);
  g_autoptr(JsonNode) not_object = assert_json_parses ("[1]", 8);
  g_autoptr(PpLogEntry) none = NULL;

  g_assert_cmpstr (a, ==, "{\"type\":\"op\",\"v\":3,\"op\":[2,\"ab\"],\"user\":\"u7\",\"client\":\"abcdefgh\",\"seq\":103,\"name\":\"Zoë\"}");
  g_assert_cmpstr (b, ==, "{\"v\":3,\"op\":[2,\"ab\"],\"user\":\"u7\",\"client\":\"abcdefgh\",\"seq\":103,\"name\":\"Zoë\"}");

  /* "type" is ignored when decoding. */
  decoded = pp_log_entry_new_from_json (with_type, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->v, ==, 3);
  g_assert_cmpint (decoded->seq, ==, 103);
  g_assert_cmpstr (decoded->name, ==, "Zoë");
  g_assert_cmpint (decoded->created_at, ==, 0);
  g_assert_true (pp_text_op_equal (decoded->op, entry->op));

  none = pp_log_entry_new_from_json (bad, &error);
  g_assert_null (none);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_OP);
  g_clear_error (&error);

  none = pp_log_entry_new_from_json (not_object, &error);
  g_assert_null (none);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
}

/* The seq an error about a refused op must carry, from frames that do not parse. */
static void
test_peek_seq (void)
{
  static const struct
  {
    const char *frame;
    gint64      seq;     /* 0: none */
  } cases[] = {
    { "{\"type\":\"op\",\"v\":0,\"seq\":7,\"op\":[0,\"a\"]}", 7 },
    { "{\"seq\":3,\"op\":\"x\",\"type\":\"op\"}", 3 },
    { "{\"type\":\"op\",\"v\":-1,\"seq\":2,\"op\":[\"\\ud800\"]}", 2 },
    { "{\"type\":\"op\",\"seq\":4,\"op\":[\"a\\u0000\"]}", 4 },
    { "{\"type\":\"op\",\"seq\":9223372036854775807}", G_MAXINT64 },
    { "{\"type\":\"op\",\"seq\":1,\"seq\":\"2\"}", 0 },
    { "{\"type\":\"op\",\"seq\":9223372036854775808}", 0 },
    { "{\"type\":\"op\",\"seq\":0}", 0 },
    { "{\"type\":\"op\",\"seq\":-1}", 0 },
    { "{\"type\":\"op\",\"seq\":1.5}", 0 },
    { "{\"type\":\"op\",\"seq\":1e2}", 0 },
    { "{\"type\":\"op\",\"v\":0}", 0 },
    { "{\"type\":\"presence\",\"seq\":5}", 0 },
    { "{\"type\":\"op\",\"x\":{\"seq\":5}}", 0 },
    { "[{\"type\":\"op\",\"seq\":5}]", 0 },
    { "{\"type\":\"op\",\"seq\":5", 0 },
    { "", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 seq = -1;
      gboolean found = pp_message_peek_seq (cases[i].frame, strlen (cases[i].frame), NULL, &seq);

      g_test_message ("%s", cases[i].frame);
      g_assert_cmpint (found, ==, cases[i].seq > 0);
      g_assert_cmpint (seq, ==, found ? cases[i].seq : -1);
    }
}

static void
test_boxed (void)
{
  g_autoptr(PpUserInfo) info = sample_user ("u2", TRUE);
  g_autoptr(PpUserInfo) copy = pp_user_info_copy (info);
  g_autoptr(JsonNode) a = pp_user_info_to_json (info);
  g_autoptr(JsonNode) b = pp_user_info_to_json (copy);
  g_autofree char *sa = compact (a);
  g_autofree char *sb = compact (b);
  g_autoptr(PpMessage) msg = pp_message_new_ack (1, 2);
  PpMessage *boxed;
  PpUserInfo *boxed_info;

  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpstr (sa, ==, "{\"user\":\"u2\",\"client\":\"Zq_8-client\",\"name\":\"Zoë 🙂\",\"color\":\"#1a2b3c\",\"v\":12,\"sel\":[[3,3],[10,4]],\"view\":[0,40],\"role\":\"editor\"}");
  g_assert_true (copy->sel != info->sel);

  g_assert_true (G_TYPE_IS_BOXED (PP_TYPE_MESSAGE));
  g_assert_true (G_TYPE_IS_BOXED (PP_TYPE_USER_INFO));
  g_assert_true (G_TYPE_IS_BOXED (PP_TYPE_LOG_ENTRY));

  boxed = g_boxed_copy (PP_TYPE_MESSAGE, msg);
  g_assert_true (boxed == msg);
  g_boxed_free (PP_TYPE_MESSAGE, boxed);

  boxed_info = g_boxed_copy (PP_TYPE_USER_INFO, info);
  g_assert_true (boxed_info == info);
  g_boxed_free (PP_TYPE_USER_INFO, boxed_info);

  g_assert_cmpstr (pp_message_type_to_string (PP_MESSAGE_WELCOME), ==, "welcome");
  g_assert_cmpstr (pp_message_type_to_string (PP_MESSAGE_ERROR), ==, "error");
}

static void
test_client_builders (void)
{
  g_autoptr(PpTextOp) op = op_from_string ("[1,{\"d\":\"x\"},\"🙂\"]");
  PpRange sel[] = { { 1, 1 }, { 4, 2 } };
  PpRange view = { 0, 10 };
  g_autoptr(PpMessage) hello = pp_message_new_hello ("abcdefgh", "Ann", NULL, FALSE, 99, NULL);
  g_autoptr(PpMessage) hello_v = pp_message_new_hello ("abcdefgh", "Ann", "#abcdef", TRUE, 0, "tok");
  g_autoptr(PpMessage) client_op = pp_message_new_client_op (7, 3, op);
  g_autoptr(PpMessage) presence = pp_message_new_client_presence (7, sel, G_N_ELEMENTS (sel), &view);
  g_autoptr(PpMessage) presence_empty = pp_message_new_client_presence (0, NULL, 0, NULL);
  g_autoptr(PpMessage) meta = pp_message_new_client_meta (NULL, "T");
  g_autoptr(PpMessage) meta_empty = pp_message_new_client_meta (NULL, NULL);
  struct { PpMessage *msg; const char *expected; } cases[] = {
    { hello, "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\"}" },
    { hello_v, "{\"type\":\"hello\",\"client\":\"abcdefgh\",\"name\":\"Ann\",\"color\":\"#abcdef\",\"v\":0,\"token\":\"tok\"}" },
    { client_op, "{\"type\":\"op\",\"v\":7,\"seq\":3,\"op\":[1,{\"d\":\"x\"},\"🙂\"]}" },
    { presence, "{\"type\":\"presence\",\"v\":7,\"sel\":[[1,1],[4,2]],\"view\":[0,10]}" },
    { presence_empty, "{\"type\":\"presence\",\"v\":0,\"sel\":[]}" },
    { meta, "{\"type\":\"meta\",\"title\":\"T\"}" },
    { meta_empty, "{\"type\":\"meta\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *encoded = pp_message_to_json (cases[i].msg, NULL);
      g_autofree char *round_trip = NULL;

      g_assert_cmpstr (encoded, ==, cases[i].expected);
      round_trip = assert_round_trip (encoded, strlen (encoded), PP_DIRECTION_FROM_CLIENT);
      g_assert_cmpstr (round_trip, ==, encoded);
    }
}

/* Random messages of every type survive encode → parse → encode. */

static PpTextOp *
random_op (void)
{
  g_auto(PpTextOpBuilder) builder;
  guint n = g_test_rand_int_range (0, 6);

  pp_text_op_builder_init (&builder);
  for (guint i = 0; i < n; i++)
    {
      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          pp_text_op_builder_skip (&builder, g_test_rand_int_range (1, 20));
          break;

        case 1:
          {
            g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 8));

            pp_text_op_builder_insert (&builder, text, -1);
          }
          break;

        case 2:
          pp_text_op_builder_delete (&builder, g_test_rand_int_range (1, 20));
          break;

        default:
          {
            g_autofree char *text = pp_test_random_text (g_test_rand_int_range (1, 8));

            pp_text_op_builder_delete_text (&builder, text, -1);
          }
          break;
        }
    }

  return pp_text_op_builder_end (&builder);
}

static char *
random_name (guint max_chars)
{
  return pp_test_random_text (g_test_rand_int_range (1, max_chars + 1));
}

static PpMessage *
random_message (PpDirection *direction)
{
  PpRange sel[32];
  PpRange view;
  guint n_sel = g_test_rand_int_range (0, 33);
  gboolean with_view = g_test_rand_bit ();
  g_autofree char *name = random_name (64);
  g_autofree char *title = pp_test_random_text (g_test_rand_int_range (0, 257));

  for (guint i = 0; i < n_sel; i++)
    {
      sel[i].anchor = g_test_rand_int_range (0, 1000);
      sel[i].head = g_test_rand_int_range (0, 1000);
    }
  view.anchor = g_test_rand_int_range (0, 500);
  view.head = view.anchor + g_test_rand_int_range (0, 500);

  *direction = PP_DIRECTION_FROM_CLIENT;

  switch (g_test_rand_int_range (0, 12))
    {
    case 0:
      return pp_message_new_hello ("client-01", name, g_test_rand_bit () ? "#123abc" : NULL,
                                   g_test_rand_bit (), g_test_rand_int_range (0, 1000),
                                   g_test_rand_bit () ? name : NULL);

    case 1:
      {
        g_autoptr(PpTextOp) op = random_op ();

        return pp_message_new_client_op (g_test_rand_int_range (0, 1000),
                                         g_test_rand_int_range (1, 1000), op);
      }

    case 2:
      return pp_message_new_client_presence (g_test_rand_int_range (0, 1000), sel, n_sel,
                                             with_view ? &view : NULL);

    case 3:
      return pp_message_new_client_meta (g_test_rand_bit () ? name : NULL,
                                         g_test_rand_bit () ? title : NULL);

    default:
      break;
    }

  *direction = PP_DIRECTION_FROM_SERVER;

  switch (g_test_rand_int_range (4, 12))
    {
    case 4:
      {
        g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
        g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_log_entry_unref);
        g_autofree char *text = pp_test_random_text (g_test_rand_int_range (0, 200));
        guint n_users = g_test_rand_int_range (0, 4);
        guint n_ops = g_test_rand_int_range (0, 4);
        gboolean use_text = g_test_rand_bit ();

        for (guint i = 0; i < n_users; i++)
          {
            PpUserInfo *info = pp_user_info_new ("u", "client-01", name, "#ffffff", 3);

            g_array_append_vals (info->sel, sel, n_sel);
            info->has_view = with_view;
            info->view = view;
            g_ptr_array_add (users, info);
          }

        for (guint i = 0; i < n_ops; i++)
          {
            g_autoptr(PpTextOp) op = random_op ();

            g_ptr_array_add (ops, pp_log_entry_new (i + 1, op, "u", "client-01", i + 1,
                                                    g_test_rand_bit () ? name : NULL, 0));
          }

        return pp_message_new_welcome ("u1", n_ops, name, title, users,
                                       use_text ? text : NULL, use_text ? NULL : ops);
      }

    case 5:
      return pp_message_new_ack (g_test_rand_int_range (1, 1000), g_test_rand_int_range (1, 1000));

    case 6:
      {
        g_autoptr(PpTextOp) op = random_op ();
        g_autoptr(PpLogEntry) entry = pp_log_entry_new (g_test_rand_int_range (1, 1000), op, "u3",
                                                        "client-02", 5, name, 0);

        return pp_message_new_server_op (entry);
      }

    case 7:
      return pp_message_new_server_presence ("u3", g_test_rand_int_range (0, 1000), sel, n_sel,
                                             with_view ? &view : NULL);

    case 8:
      {
        g_autoptr(PpUserInfo) info = pp_user_info_new ("u3", "client-02", name, "#000000", 0);

        g_array_append_vals (info->sel, sel, n_sel);
        return pp_message_new_join (info);
      }

    case 9:
      return pp_message_new_leave (name);

    case 10:
      return pp_message_new_server_meta ("u3", name, title);

    default:
      return pp_message_new_error (g_test_rand_int_range (0, PP_PROTOCOL_ERROR_RATE_LIMITED + 1),
                                   title, g_test_rand_bit (), g_test_rand_int_range (0, 100));
    }
}

static void
test_random_round_trip (void)
{
  guint n = g_test_thorough () ? 20000 : 2000;

  for (guint i = 0; i < n; i++)
    {
      PpDirection direction;
      g_autoptr(PpMessage) msg = random_message (&direction);
      g_autofree char *encoded = NULL;
      g_autofree char *round_trip = NULL;

      g_assert_nonnull (msg);
      encoded = pp_message_to_json (msg, NULL);
      round_trip = assert_round_trip (encoded, strlen (encoded), direction);
      g_assert_cmpstr (round_trip, ==, encoded);
    }
}

/* Random byte damage to valid frames never crashes and always gives a
 * PP_PROTOCOL_ERROR or a message that round-trips. */
static void
test_random_mutations (void)
{
  guint n = g_test_thorough () ? 50000 : 5000;

  for (guint i = 0; i < n; i++)
    {
      const ValidFrame *frame = &valid_client_frames[g_test_rand_int_range (0, G_N_ELEMENTS (valid_client_frames))];
      g_autofree char *text = g_strdup (frame->text);
      gsize len = strlen (text);
      guint n_flips = g_test_rand_int_range (1, 4);
      g_autoptr(GError) error = NULL;
      g_autoptr(PpMessage) msg = NULL;

      for (guint j = 0; j < n_flips && len > 0; j++)
        {
          static const char alphabet[] = "{}[]\",:\\u0123456789-.eE dtrue\xff\xc3";

          text[g_test_rand_int_range (0, len)] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
        }
      len = g_test_rand_int_range (0, len + 1);

      msg = pp_message_parse (text, len, g_test_rand_bit () ? PP_DIRECTION_FROM_CLIENT
                                                             : PP_DIRECTION_FROM_SERVER,
                              NULL, &error);
      if (msg == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == PP_PROTOCOL_ERROR);
        }
      else
        {
          g_autofree char *encoded = pp_message_to_json (msg, NULL);
          g_autofree char *round_trip = assert_round_trip (encoded, strlen (encoded), msg->direction);

          g_assert_cmpstr (round_trip, ==, encoded);
        }
    }
}

/* Clients ignore message types they do not know; the daemon refuses them. */
static void
test_unknown_server_type (void)
{
  static const char frame[] = "{\"type\":\"whiteboard\",\"strokes\":[1,2]}";
  PpProtocolLimits limits;
  g_autoptr(PpMessage) from_server = NULL;
  g_autoptr(PpMessage) from_client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *encoded = NULL;

  pp_protocol_limits_init_default (&limits);
  from_server = pp_message_parse (frame, strlen (frame), PP_DIRECTION_FROM_SERVER, &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpint (from_server->type, ==, PP_MESSAGE_UNKNOWN);
  encoded = pp_message_to_json (from_server, NULL);
  g_assert_cmpstr (encoded, ==, "{\"type\":\"unknown\"}");

  from_client = pp_message_parse (frame, strlen (frame), PP_DIRECTION_FROM_CLIENT, &limits, &error);
  g_assert_null (from_client);
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
}

/* A welcome's text of 64 KiB or more is decoded outside json-glib: every
 * escape decodes as json-glib would decode it, and the rules stay the
 * same (a repeated member: the last one counts; a lone surrogate: refused). */
static void
test_big_text (void)
{
  static const char *pieces[][2] = {
    { "plain ", "plain " },
    { "\\\"quoted\\\" ", "\"quoted\" " },
    { "a\\\\b ", "a\\b " },
    { "\\/ ", "/ " },
    { "\\b\\f\\n\\r\\t", "\b\f\n\r\t" },
    { "\\u00e9\\u20ac ", "é€ " },
    { "\\ud83d\\ude00 ", "😀 " },
    { "déjà vu ", "déjà vu " },
  };
  g_autoptr(GString) json_text = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) frame = g_string_new (NULL);
  g_autoptr(GString) repeated = g_string_new (NULL);
  g_autoptr(GString) lone = g_string_new (NULL);
  g_autoptr(PpMessage) msg = NULL;
  g_autoptr(PpMessage) last_wins = NULL;
  g_autoptr(GError) error = NULL;
  PpProtocolLimits limits;

  pp_protocol_limits_init_default (&limits);
  for (guint i = 0; expected->len < 200 * 1024; i++)
    {
      g_string_append (json_text, pieces[i % G_N_ELEMENTS (pieces)][0]);
      g_string_append (expected, pieces[i % G_N_ELEMENTS (pieces)][1]);
    }

  g_string_printf (frame, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":0,\"language\":\"c\","
                   "\"title\":\"\",\"users\":[],\"text\":\"%s\"}", json_text->str);
  msg = pp_message_parse (frame->str, frame->len, PP_DIRECTION_FROM_SERVER, &limits, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (msg->text, ==, expected->str);

  g_string_printf (repeated, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":0,\"language\":\"c\","
                   "\"title\":\"\",\"users\":[],\"text\":\"%s\",\"text\":\"short\"}",
                   json_text->str);
  last_wins = pp_message_parse (repeated->str, repeated->len, PP_DIRECTION_FROM_SERVER, &limits,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last_wins->text, ==, "short");

  g_string_printf (lone, "{\"type\":\"welcome\",\"user\":\"u1\",\"v\":0,\"language\":\"c\","
                   "\"title\":\"\",\"users\":[],\"text\":\"%s\\ud83d\"}", json_text->str);
  g_assert_null (pp_message_parse (lone->str, lone->len, PP_DIRECTION_FROM_SERVER, &limits,
                                   &error));
  g_assert_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (invalid_client_frames); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/protocol/client/invalid/%s",
                                               invalid_client_frames[i].name);

      g_test_add_data_func_full (path, (gpointer) &invalid_client_frames[i], test_invalid_client, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (valid_client_frames); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/protocol/client/valid/%s",
                                               valid_client_frames[i].name);

      g_test_add_data_func_full (path, (gpointer) &valid_client_frames[i], test_valid_client, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid_server_frames); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/protocol/server/invalid/%s",
                                               invalid_server_frames[i].name);

      g_test_add_data_func_full (path, (gpointer) &invalid_server_frames[i], test_invalid_server, NULL);
    }

  for (guint i = 0; i < G_N_ELEMENTS (server_goldens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/protocol/server/golden/%s",
                                               server_goldens[i].name);

      g_test_add_data_func_full (path, (gpointer) &server_goldens[i], test_server_golden, NULL);
    }

  g_test_add_func ("/pp/protocol/golden/client-file", test_golden_client_file);
  g_test_add_func ("/pp/protocol/golden/server-file", test_golden_server_file);
  g_test_add_func ("/pp/protocol/golden/invalid-from-file", test_golden_invalid_from_file);
  g_test_add_func ("/pp/protocol/json/strings", test_json_strings);
  g_test_add_func ("/pp/protocol/json/numbers", test_json_numbers);
  g_test_add_func ("/pp/protocol/json/depth", test_json_depth);
  g_test_add_func ("/pp/protocol/json/grammar", test_json_grammar);
  g_test_add_func ("/pp/protocol/json/unterminated-buffer", test_json_unterminated_buffer);
  g_test_add_func ("/pp/protocol/json/to-string", test_json_to_string);
  g_test_add_func ("/pp/protocol/limits/default", test_limits_default);
  g_test_add_func ("/pp/protocol/limits/custom", test_limits_custom);
  g_test_add_func ("/pp/protocol/validators", test_validators);
  g_test_add_func ("/pp/protocol/error-codes", test_error_codes);
  g_test_add_func ("/pp/protocol/parsed-fields", test_parsed_fields);
  g_test_add_func ("/pp/protocol/log-entry-json", test_log_entry_json);
  g_test_add_func ("/pp/protocol/peek-seq", test_peek_seq);
  g_test_add_func ("/pp/protocol/boxed", test_boxed);
  g_test_add_func ("/pp/protocol/client-builders", test_client_builders);
  g_test_add_func ("/pp/protocol/random/round-trip", test_random_round_trip);
  g_test_add_func ("/pp/protocol/random/mutations", test_random_mutations);

  g_test_add_func ("/pp/protocol/unknown-server-type", test_unknown_server_type);
  g_test_add_func ("/pp/protocol/big-text", test_big_text);

  return g_test_run ();
}
