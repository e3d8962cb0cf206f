/* pp-protocol.c: the frames of the Pairpad wire protocol, version 1, as typed values.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-protocol"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pp-protocol.h"

/* Parsing happens in two passes. json_scan() is a strict, iterative RFC 8259
 * validator: it bounds the nesting depth before json-glib sees the data
 * (json-glib 1.6 recurses once per level, so a megabyte of "[" overflows the
 * stack), and it refuses what json-glib 1.6 would quietly get wrong:
 *
 *  - "\u0000" truncates the string at the NUL ("a\u0000b" becomes "a");
 *  - a lone surrogate escape ("\ud800x") becomes CESU-8 bytes, which are not
 *    UTF-8, and json-glib also swallows the character after it; at the end of
 *    a string it fails with "unterminated string";
 *  - integers beyond gint64 wrap around (9223372036854775808 becomes
 *    G_MININT64, -9223372036854775809 becomes G_MAXINT64);
 *  - single-quoted strings, unknown escapes, leading zeros, a BOM, raw
 *    control characters in strings, trailing data ("[1] [2]") and empty
 *    input (a NULL root) are all accepted.
 *
 * Only then does json-glib build the tree, from input it is known to handle
 * exactly, so every string in the tree is valid UTF-8 without NUL. Lone
 * surrogates and NULs are a property of the text, not of the JSON grammar:
 * inside the "op" member of an op frame they are refused as bad_op like the
 * other invalid ops of PROTOCOL.md, anywhere else as bad_message. */

#define UNKNOWN_TYPE_MAX_CHARS 32

typedef struct
{
  /* The first problem of a string or number; the grammar is still checked
   * to the end so that bad_message for broken JSON wins. */
  const char *soft_error;
  gsize       soft_offset;
  gboolean    soft_in_op;     /* inside the value of the top-level "op" member */
  char        soft_member[32]; /* that top-level member's name, "" if unknown */
  gboolean    type_is_op;     /* the top-level "type" member is the string "op" */
  gint64      seq;            /* the top-level "seq" member when a positive integer, or 0 */

  /* The name of the top-level member being scanned, raw, without quotes */
  const char *member;
  gsize       member_len;

  /* The longest top-level string value of BIG_STRING_BYTES or more (a
   * welcome's text), quotes included, and its member's name */
  const guchar *big_start;
  const guchar *big_end;
  const char   *big_member;
  gsize         big_member_len;
} JsonScan;

/* json-glib's scanner reads a string a character at a time: 77 ms for a
 * 10 MiB welcome. A top-level string this long is decoded here instead. */
#define BIG_STRING_BYTES (64 * 1024)

typedef enum
{
  SCAN_VALUE,
  SCAN_ARRAY_FIRST,
  SCAN_OBJECT_FIRST,
  SCAN_KEY,
  SCAN_AFTER_VALUE,
} ScanState;

typedef enum
{
  TOP_MEMBER_OTHER,
  TOP_MEMBER_TYPE,
  TOP_MEMBER_OP,
  TOP_MEMBER_SEQ,
} TopMember;

G_DEFINE_BOXED_TYPE (PpLogEntry, pp_log_entry, pp_log_entry_ref, pp_log_entry_unref)
G_DEFINE_BOXED_TYPE (PpUserInfo, pp_user_info, pp_user_info_ref, pp_user_info_unref)
G_DEFINE_BOXED_TYPE (PpMessage, pp_message, pp_message_ref, pp_message_unref)

static const char * const message_type_names[] = {
  [PP_MESSAGE_HELLO] = "hello",
  [PP_MESSAGE_OP] = "op",
  [PP_MESSAGE_PRESENCE] = "presence",
  [PP_MESSAGE_META] = "meta",
  [PP_MESSAGE_WELCOME] = "welcome",
  [PP_MESSAGE_ACK] = "ack",
  [PP_MESSAGE_JOIN] = "join",
  [PP_MESSAGE_LEAVE] = "leave",
  [PP_MESSAGE_ERROR] = "error",
  [PP_MESSAGE_ACCESS] = "access",
  [PP_MESSAGE_COMPLETE] = "complete",
  [PP_MESSAGE_COMPLETIONS] = "completions",
};

/* Which types each direction may carry. */
static const gboolean type_from_client[] = {
  [PP_MESSAGE_HELLO] = TRUE,
  [PP_MESSAGE_OP] = TRUE,
  [PP_MESSAGE_PRESENCE] = TRUE,
  [PP_MESSAGE_META] = TRUE,
  [PP_MESSAGE_COMPLETE] = TRUE,
};

static const gboolean type_from_server[] = {
  [PP_MESSAGE_OP] = TRUE,
  [PP_MESSAGE_PRESENCE] = TRUE,
  [PP_MESSAGE_META] = TRUE,
  [PP_MESSAGE_WELCOME] = TRUE,
  [PP_MESSAGE_ACK] = TRUE,
  [PP_MESSAGE_JOIN] = TRUE,
  [PP_MESSAGE_LEAVE] = TRUE,
  [PP_MESSAGE_ERROR] = TRUE,
  [PP_MESSAGE_ACCESS] = TRUE,
  [PP_MESSAGE_COMPLETIONS] = TRUE,
};

/* JSON scanning */

static gboolean
scan_fail (GError       **error,
           const char    *data,
           const guchar  *p,
           const char    *what)
{
  g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
               "not valid JSON: %s at byte %" G_GSIZE_FORMAT,
               what, (gsize) (p - (const guchar *) data));
  return FALSE;
}

static void
scan_soft (JsonScan     *scan,
           const char   *data,
           const guchar *p,
           gboolean      in_op,
           const char   *what)
{
  if (scan->soft_error != NULL)
    return;

  scan->soft_error = what;
  scan->soft_offset = (gsize) (p - (const guchar *) data);
  scan->soft_in_op = in_op;

  /* Named only when plain: the name goes back to the sender in a message. */
  if (scan->member != NULL && scan->member_len < sizeof scan->soft_member &&
      memchr (scan->member, '\\', scan->member_len) == NULL)
    {
      memcpy (scan->soft_member, scan->member, scan->member_len);
      scan->soft_member[scan->member_len] = '\0';
    }
}

static inline const guchar *
skip_ws (const guchar *p,
         const guchar *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static gint
hex4 (const guchar *p)
{
  gint value = 0;

  for (guint i = 0; i < 4; i++)
    {
      gint d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      value = value * 16 + d;
    }

  return value;
}

/* @p points at the opening quote; on success returns the byte after the
 * closing quote. */
/* Bytes that end a run of plain characters in a JSON string. */
static const guint8 string_special[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static const guchar *
scan_string (JsonScan     *scan,
             const char   *data,
             const guchar *p,
             const guchar *end,
             gboolean      in_op,
             GError      **error)
{
  p++;

  while (p < end)
    {
      guchar c;

      /* The common case, in a tight loop: bytes that stand for themselves. */
      while (p < end && !string_special[*p])
        p++;
      if (p == end)
        break;

      c = *p;
      if (c == '"')
        return p + 1;

      if (c < 0x20)
        {
          scan_fail (error, data, p, "raw control character in a string");
          return NULL;
        }

      if (end - p < 2)
        break;

      switch (p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          p += 2;
          break;

        case 'u':
          {
            gint cp;

            if (end - p < 6 || (cp = hex4 (p + 2)) < 0)
              {
                scan_fail (error, data, p, "bad \\u escape");
                return NULL;
              }

            if (cp == 0)
              scan_soft (scan, data, p, in_op, "a string holds U+0000, which is not supported");
            else if (cp >= 0xDC00 && cp <= 0xDFFF)
              scan_soft (scan, data, p, in_op, "a string holds a lone surrogate, which is not valid Unicode");
            else if (cp >= 0xD800 && cp <= 0xDBFF)
              {
                gint low = -1;

                if (end - p >= 12 && p[6] == '\\' && p[7] == 'u')
                  low = hex4 (p + 8);

                if (low >= 0xDC00 && low <= 0xDFFF)
                  p += 6;
                else
                  scan_soft (scan, data, p, in_op, "a string holds a lone surrogate, which is not valid Unicode");
              }
            p += 6;
          }
          break;

        default:
          scan_fail (error, data, p, "unknown escape in a string");
          return NULL;
        }
    }

  scan_fail (error, data, end, "unterminated string");
  return NULL;
}

static const guchar *
scan_number (JsonScan     *scan,
             const char   *data,
             const guchar *p,
             const guchar *end,
             gboolean      in_op,
             GError      **error)
{
  const guchar *start = p;
  gboolean negative = FALSE;
  gboolean is_integer = TRUE;
  gboolean overflow = FALSE;
  guint64 value = 0;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (p == end || !g_ascii_isdigit (*p))
    {
      scan_fail (error, data, start, "bad number");
      return NULL;
    }

  if (*p == '0')
    {
      p++;
      if (p < end && g_ascii_isdigit (*p))
        {
          scan_fail (error, data, start, "number with a leading zero");
          return NULL;
        }
    }
  else
    {
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          guint d = *p - '0';

          if (value > (G_MAXUINT64 - d) / 10)
            overflow = TRUE;
          else
            value = value * 10 + d;
        }
    }

  if (p < end && *p == '.')
    {
      is_integer = FALSE;
      p++;
      if (p == end || !g_ascii_isdigit (*p))
        {
          scan_fail (error, data, start, "bad number");
          return NULL;
        }
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      is_integer = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !g_ascii_isdigit (*p))
        {
          scan_fail (error, data, start, "bad number");
          return NULL;
        }
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (is_integer &&
      (overflow || value > (negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64)))
    scan_soft (scan, data, start, in_op, "an integer is out of range");

  return p;
}

/* The value of a JSON number that is a positive integer within gint64, or 0. */
static gint64
positive_integer (const guchar *start,
                  const guchar *end)
{
  char digits[20];
  gsize len = (gsize) (end - start);
  guint64 value;

  if (len >= sizeof digits)
    return 0;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (start[i]))
        return 0;
    }

  memcpy (digits, start, len);
  digits[len] = '\0';
  if (!g_ascii_string_to_unsigned (digits, 10, 1, G_MAXINT64, &value, NULL))
    return 0;

  return (gint64) value;
}

static const guchar *
scan_literal (const char   *data,
              const guchar *p,
              const guchar *end,
              const char   *literal,
              GError      **error)
{
  gsize len = strlen (literal);

  if ((gsize) (end - p) < len || memcmp (p, literal, len) != 0)
    {
      scan_fail (error, data, p, "unexpected character");
      return NULL;
    }

  return p + len;
}

static gboolean
json_scan (const char  *data,
           gsize        n_bytes,
           guint        max_depth,
           JsonScan    *scan,
           GError     **error)
{
  const guchar *p = (const guchar *) data;
  const guchar *end = p + n_bytes;
  guchar small_stack[128];
  g_autofree guchar *big_stack = max_depth > sizeof small_stack ? g_malloc (max_depth) : NULL;
  guchar *stack = big_stack != NULL ? big_stack : small_stack;
  guint depth = 0;
  ScanState state = SCAN_VALUE;
  TopMember top_member = TOP_MEMBER_OTHER;

  memset (scan, 0, sizeof *scan);

  for (;;)
    {
      /* Inside the value of the top-level "op" member (not its name). */
      gboolean in_op = depth >= 1 && top_member == TOP_MEMBER_OP;

      p = skip_ws (p, end);

      if (state == SCAN_AFTER_VALUE)
        {
          guchar close;

          if (depth == 0)
            {
              if (p != end)
                return scan_fail (error, data, p, "unexpected data after the value");
              return TRUE;
            }

          if (p == end)
            return scan_fail (error, data, p, "unexpected end of input");

          close = stack[depth - 1] == '{' ? '}' : ']';

          if (*p == ',')
            {
              state = stack[depth - 1] == '{' ? SCAN_KEY : SCAN_VALUE;
              p++;
            }
          else if (*p == close)
            {
              depth--;
              p++;
            }
          else
            return scan_fail (error, data, p,
                              close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
          continue;
        }

      if (p == end)
        return scan_fail (error, data, p, "unexpected end of input");

      if (state == SCAN_ARRAY_FIRST && *p == ']')
        {
          depth--;
          p++;
          state = SCAN_AFTER_VALUE;
          continue;
        }

      if (state == SCAN_OBJECT_FIRST && *p == '}')
        {
          depth--;
          p++;
          state = SCAN_AFTER_VALUE;
          continue;
        }

      if (state == SCAN_OBJECT_FIRST || state == SCAN_KEY)
        {
          const guchar *key = p;
          gboolean top_level = depth == 1;

          if (*p != '"')
            return scan_fail (error, data, p, "expected a member name");

          if (top_level)
            {
              top_member = TOP_MEMBER_OTHER;
              scan->member = NULL;
            }

          if (!(p = scan_string (scan, data, p, end, in_op && !top_level, error)))
            return FALSE;

          if (top_level)
            {
              scan->member = (const char *) key + 1;
              scan->member_len = (gsize) (p - key) - 2;

              /* A repeated name: the last value counts, leave it to json-glib. */
              if (scan->big_member != NULL && scan->member_len == scan->big_member_len &&
                  memcmp (scan->member, scan->big_member, scan->member_len) == 0)
                scan->big_start = scan->big_end = NULL;

              if (p - key == 6 && memcmp (key, "\"type\"", 6) == 0)
                top_member = TOP_MEMBER_TYPE;
              else if (p - key == 4 && memcmp (key, "\"op\"", 4) == 0)
                top_member = TOP_MEMBER_OP;
              else if (p - key == 5 && memcmp (key, "\"seq\"", 5) == 0)
                {
                  /* The last one counts, as in json-glib's tree. */
                  top_member = TOP_MEMBER_SEQ;
                  scan->seq = 0;
                }
            }

          p = skip_ws (p, end);
          if (p == end || *p != ':')
            return scan_fail (error, data, p, "expected ':'");
          p++;
          state = SCAN_VALUE;
          continue;
        }

      /* SCAN_VALUE or the first value of an array */
      switch (*p)
        {
        case '{':
        case '[':
          if (depth >= max_depth)
            {
              g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "JSON nested deeper than %u levels", max_depth);
              return FALSE;
            }
          stack[depth++] = *p;
          state = *p == '{' ? SCAN_OBJECT_FIRST : SCAN_ARRAY_FIRST;
          p++;
          continue;

        case '"':
          {
            const guchar *start = p;

            if (!(p = scan_string (scan, data, p, end, in_op, error)))
              return FALSE;

            if (depth == 1 && top_member == TOP_MEMBER_TYPE && stack[0] == '{')
              scan->type_is_op = p - start == 4 && memcmp (start, "\"op\"", 4) == 0;

            if (depth == 1 && stack[0] == '{' && p - start >= BIG_STRING_BYTES &&
                (scan->big_start == NULL || p - start > scan->big_end - scan->big_start) &&
                memchr (scan->member, '\\', scan->member_len) == NULL)
              {
                scan->big_start = start;
                scan->big_end = p;
                scan->big_member = scan->member;
                scan->big_member_len = scan->member_len;
              }
          }
          break;

        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          {
            const guchar *start = p;

            if (!(p = scan_number (scan, data, p, end, in_op, error)))
              return FALSE;

            if (depth == 1 && top_member == TOP_MEMBER_SEQ && stack[0] == '{')
              scan->seq = positive_integer (start, p);
          }
          break;

        case 't':
          if (!(p = scan_literal (data, p, end, "true", error)))
            return FALSE;
          break;

        case 'f':
          if (!(p = scan_literal (data, p, end, "false", error)))
            return FALSE;
          break;

        case 'n':
          if (!(p = scan_literal (data, p, end, "null", error)))
            return FALSE;
          break;

        default:
          return scan_fail (error, data, p, "expected a value");
        }

      state = SCAN_AFTER_VALUE;
    }
}

/* The value of a JSON string that json_scan() accepted, from @p (its
 * opening quote) to @end (after its closing quote): runs without escapes
 * are copied whole. */
static char *
decode_string (const guchar *p,
               const guchar *end)
{
  char *out = g_malloc ((gsize) (end - p));
  char *w = out;

  p++;
  end--;
  while (p < end)
    {
      const guchar *escape = memchr (p, '\\', (gsize) (end - p));
      gsize run = (gsize) ((escape != NULL ? escape : end) - p);
      gunichar c;

      memcpy (w, p, run);
      w += run;
      p += run;
      if (p == end)
        break;

      switch (p[1])
        {
        case 'b': *w++ = '\b'; p += 2; break;
        case 'f': *w++ = '\f'; p += 2; break;
        case 'n': *w++ = '\n'; p += 2; break;
        case 'r': *w++ = '\r'; p += 2; break;
        case 't': *w++ = '\t'; p += 2; break;
        case 'u':
          c = hex4 (p + 2);
          p += 6;
          if (c >= 0xD800 && c <= 0xDBFF)
            {
              c = 0x10000 + ((c - 0xD800) << 10) + (hex4 (p + 2) - 0xDC00);
              p += 6;
            }
          w += g_unichar_to_utf8 (c, w);
          break;
        default: /* '"', '\\', '/' */
          *w++ = (char) p[1];
          p += 2;
          break;
        }
    }
  *w = '\0';

  return out;
}

/* Parses @data with its big string cut out (json-glib sees a short frame),
 * then puts the string back, decoded by decode_string(). */
static JsonNode *
parse_with_big_string (const char      *data,
                       gsize            n_bytes,
                       const JsonScan  *scan,
                       GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) small = g_string_sized_new (n_bytes - (scan->big_end - scan->big_start) + 2);
  g_autofree char *name = g_strndup (scan->big_member, scan->big_member_len);
  g_autofree char *text = NULL;
  JsonNode *root;

  g_string_append_len (small, data, (const char *) scan->big_start - data);
  g_string_append (small, "\"\"");
  g_string_append_len (small, (const char *) scan->big_end,
                       data + n_bytes - (const char *) scan->big_end);
  if (!json_parser_load_from_data (parser, small->str, (gssize) small->len, error))
    return NULL;

  /* Not sealed like the nodes of an immutable parser: sealing hashes every
   * string, the big one too (10 ms for 10 MiB), and nothing here needs it. */
  root = json_parser_steal_root (parser);
  text = decode_string (scan->big_start, scan->big_end);
  json_object_set_string_member (json_node_get_object (root), name, text);

  return root;
}

static JsonNode *
json_parse_scanned (const char  *data,
                    gsize        n_bytes,
                    guint        max_depth,
                    JsonScan    *scan,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *invalid = NULL;

  memset (scan, 0, sizeof *scan);

  if (n_bytes > G_MAXSSIZE)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_TOO_LARGE, "JSON text too large");
      return NULL;
    }

  /* Also refuses NUL bytes and UTF-8-encoded surrogates. */
  if (!g_utf8_validate_len (data, n_bytes, &invalid))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "not valid UTF-8 at byte %" G_GSIZE_FORMAT,
                   (gsize) (invalid - data));
      return NULL;
    }

  if (!json_scan (data, n_bytes, max_depth, scan, error))
    return NULL;

  if (scan->soft_error != NULL)
    {
      if (scan->soft_member[0] != '\0')
        g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                     "\"%s\": %s (byte %" G_GSIZE_FORMAT ")",
                     scan->soft_member, scan->soft_error, scan->soft_offset);
      else
        g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                     "%s (byte %" G_GSIZE_FORMAT ")", scan->soft_error, scan->soft_offset);
      return NULL;
    }

  if (scan->big_start != NULL)
    {
      JsonNode *root = parse_with_big_string (data, n_bytes, scan, &local_error);

      if (root == NULL)
        g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                     "not valid JSON: %s", local_error->message);
      return root;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) n_bytes, &local_error))
    {
      /* Should not happen after json_scan(); kept as a safety net. */
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "not valid JSON: %s", local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "not valid JSON: empty");
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/**
 * pp_json_parse:
 * @data: (array length=n_bytes): JSON text, need not be NUL-terminated
 * @n_bytes: length of @data
 * @max_depth: how deeply arrays and objects may nest; a top-level container is level 1
 * @error: a #GError, %PP_PROTOCOL_ERROR_BAD_MESSAGE on any problem
 *
 * Parses strict RFC 8259 JSON. Strings in the result are valid UTF-8 without
 * NUL: text with "\u0000" or a lone surrogate escape is refused, as are
 * integers outside gint64.
 *
 * Returns: (transfer full): the root node, or %NULL
 */
JsonNode *
pp_json_parse (const char  *data,
               gsize        n_bytes,
               guint        max_depth,
               GError     **error)
{
  JsonScan scan;

  g_return_val_if_fail (data != NULL || n_bytes == 0, NULL);

  return json_parse_scanned (data != NULL ? data : "", n_bytes, max_depth, &scan, error);
}

/* The writer of pp_json_to_string(). JsonGenerator in json-glib 1.6 writes a
 * double without a '.' by appending ".0", so 1e83 comes out as "1e+83.0"
 * and infinity as "inf.0", neither of them JSON (found by fuzz-frame); it is
 * also slower than this for our small frames. Recursion is bounded by the
 * depth of trees built in code or parsed by pp_json_parse(). */
/* Bytes each byte takes inside a JSON string: 1, 2 for the short escapes,
 * 6 for the other control characters (\u00XX). A table, because a welcome
 * runs every byte of a document through it. */
static const guint8 escaped_size[256] = {
  [0x00 ... 0x07] = 6, ['\b'] = 2, ['\t'] = 2, ['\n'] = 2, [0x0b] = 6, ['\f'] = 2, ['\r'] = 2,
  [0x0e ... 0x1f] = 6, [0x20 ... 0x21] = 1, ['"'] = 2, [0x23 ... 0x5b] = 1, ['\\'] = 2,
  [0x5d ... 0xff] = 1,
};

/* Measures, then writes in place: a welcome carries a whole document, and
 * growing a 10 MiB string escape by escape copied it over and over. Runs
 * that need no escape are copied whole. */
static void
write_string (GString    *out,
              const char *str)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *p;
  gsize size = 2;
  char *w;

  for (p = (const guchar *) str; *p != '\0'; p++)
    size += escaped_size[*p];

  g_string_set_size (out, out->len + size);
  w = out->str + out->len - size;
  *w++ = '"';

  for (p = (const guchar *) str; *p != '\0'; )
    {
      const guchar *run = p;
      guchar c;

      while (escaped_size[*p] == 1)
        p++;
      memcpy (w, run, (gsize) (p - run));
      w += p - run;

      c = *p;
      if (c == '\0')
        break;
      p++;

      *w++ = '\\';
      switch (c)
        {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        default:
          *w++ = 'u';
          *w++ = '0';
          *w++ = '0';
          *w++ = hex[c >> 4];
          *w++ = hex[c & 0xf];
          break;
        }
    }

  *w = '"';
}

static void
write_node (GString  *out,
            JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            write_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;

        case G_TYPE_DOUBLE:
          {
            double value = json_node_get_double (node);
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            /* JSON has no infinity or NaN; JSON.stringify() writes null. */
            if (!isfinite (value))
              {
                g_string_append (out, "null");
                break;
              }

            g_ascii_dtostr (buf, sizeof buf, value);
            g_string_append (out, buf);
            /* Stays a double when parsed again. */
            if (strpbrk (buf, ".eE") == NULL)
              g_string_append (out, ".0");
          }
          break;

        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;

        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;

        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * pp_json_to_string:
 * @node: a node
 * @n_bytes: (out) (optional): length of the result
 *
 * Writes compact JSON: object members in insertion order, strings as UTF-8
 * with only `"`, `\\` and control characters escaped, doubles so that they
 * parse back as doubles (non-finite ones as null).
 *
 * Returns: (transfer full): compact JSON text
 */
char *
pp_json_to_string (JsonNode *node,
                   gsize    *n_bytes)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (128);
  write_node (out, node);

  if (n_bytes != NULL)
    *n_bytes = out->len;

  return g_string_free (out, FALSE);
}

/* json_node_init_object() would add a reference; this one consumes @object. */
static JsonNode *
object_node_take (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);

  return node;
}

/* Limits and small validators */

/**
 * pp_protocol_limits_init_default:
 * @limits: (out caller-allocates): limits to fill in
 *
 * The defaults of PROTOCOL.md.
 */
void
pp_protocol_limits_init_default (PpProtocolLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_frame_bytes = 1024 * 1024;
  limits->max_json_depth = 64;
  limits->max_name_chars = 64;
  limits->max_language_chars = 64;
  limits->max_title_chars = 256;
  limits->max_ranges = 32;
}

/**
 * pp_protocol_client_id_is_valid:
 * @client: (nullable): a client id
 *
 * Returns: whether @client is 8 to 64 of `[A-Za-z0-9_-]`
 */
gboolean
pp_protocol_client_id_is_valid (const char *client)
{
  gsize len = 0;

  if (client == NULL)
    return FALSE;

  for (const char *c = client; *c != '\0'; c++, len++)
    {
      if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
        return FALSE;
      if (len >= 64)
        return FALSE;
    }

  return len >= 8;
}

/**
 * pp_protocol_color_is_valid:
 * @color: (nullable): a color
 *
 * Returns: whether @color is `#rrggbb` (hex digits of either case)
 */
gboolean
pp_protocol_color_is_valid (const char *color)
{
  if (color == NULL || color[0] != '#')
    return FALSE;

  for (guint i = 1; i < 7; i++)
    {
      if (!g_ascii_isxdigit (color[i]))
        return FALSE;
    }

  return color[7] == '\0';
}

/* Boxed types */

/**
 * pp_log_entry_new:
 * @v: the version @op produced, at least 1
 * @op: the op, as committed (the entry takes a reference)
 * @user: session id of the author
 * @client: client id of the author
 * @seq: the author's sequence number, at least 1
 * @name: (nullable): the author's display name
 * @created_at: µs since the epoch, 0 when unknown
 *
 * Returns: (transfer full): a new log entry
 */
PpLogEntry *
pp_log_entry_new (gint64      v,
                  PpTextOp   *op,
                  const char *user,
                  const char *client,
                  gint64      seq,
                  const char *name,
                  gint64      created_at)
{
  PpLogEntry *self;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (client != NULL, NULL);

  self = g_new0 (PpLogEntry, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->v = v;
  self->op = pp_text_op_ref (op);
  self->user = g_strdup (user);
  self->client = g_strdup (client);
  self->seq = seq;
  self->name = g_strdup (name);
  self->created_at = created_at;

  return self;
}

PpLogEntry *
pp_log_entry_ref (PpLogEntry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
pp_log_entry_unref (PpLogEntry *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->op, pp_text_op_unref);
      g_clear_pointer (&self->user, g_free);
      g_clear_pointer (&self->client, g_free);
      g_clear_pointer (&self->name, g_free);
      g_free (self);
    }
}

static JsonObject *
log_entry_to_object (const PpLogEntry *self,
                     gboolean          with_type)
{
  JsonObject *object = json_object_new ();

  if (with_type)
    json_object_set_string_member (object, "type", "op");
  json_object_set_int_member (object, "v", self->v);
  json_object_set_member (object, "op", pp_text_op_to_json (self->op));
  json_object_set_string_member (object, "user", self->user);
  json_object_set_string_member (object, "client", self->client);
  json_object_set_int_member (object, "seq", self->seq);
  if (self->name != NULL)
    json_object_set_string_member (object, "name", self->name);

  return object;
}

/**
 * pp_log_entry_to_json:
 * @self: a log entry
 * @with_type: whether to add `"type": "op"`, making it an op frame
 *
 * The fields of an op frame: v, op, user, client, seq and name when known.
 * @created_at is not part of the protocol and is not encoded.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
pp_log_entry_to_json (const PpLogEntry *self,
                      gboolean          with_type)
{
  g_return_val_if_fail (self != NULL, NULL);

  return object_node_take (log_entry_to_object (self, with_type));
}

/**
 * pp_user_info_new:
 * @user: session id
 * @client: client id
 * @name: display name
 * @color: "#rrggbb"
 * @v: the version the (so far empty) selection refers to
 *
 * Returns: (transfer full): a user object without selection or view
 */
PpUserInfo *
pp_user_info_new (const char *user,
                  const char *client,
                  const char *name,
                  const char *color,
                  gint64      v)
{
  PpUserInfo *self;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (color != NULL, NULL);

  self = g_new0 (PpUserInfo, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->user = g_strdup (user);
  self->client = g_strdup (client);
  self->name = g_strdup (name);
  self->color = g_strdup (color);
  self->v = v;
  self->sel = g_array_new (FALSE, FALSE, sizeof (PpRange));
  self->role = PP_ROLE_EDITOR;

  return self;
}

/**
 * pp_user_info_copy:
 * @self: a user object
 *
 * A deep copy, for owners that need to change one (user objects that have
 * been shared are immutable).
 *
 * Returns: (transfer full): a new user object equal to @self
 */
PpUserInfo *
pp_user_info_copy (const PpUserInfo *self)
{
  PpUserInfo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = pp_user_info_new (self->user, self->client, self->name, self->color, self->v);
  g_array_append_vals (copy->sel, self->sel->data, self->sel->len);
  copy->has_view = self->has_view;
  copy->view = self->view;
  copy->follow = g_strdup (self->follow);
  copy->role = self->role;
  copy->verified = self->verified;

  return copy;
}

PpUserInfo *
pp_user_info_ref (PpUserInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
pp_user_info_unref (PpUserInfo *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->user, g_free);
      g_clear_pointer (&self->client, g_free);
      g_clear_pointer (&self->name, g_free);
      g_clear_pointer (&self->color, g_free);
      g_clear_pointer (&self->follow, g_free);
      g_clear_pointer (&self->sel, g_array_unref);
      g_free (self);
    }
}

static JsonArray *
ranges_to_array (const PpRange *ranges,
                 guint          n_ranges)
{
  JsonArray *array = json_array_sized_new (n_ranges);

  for (guint i = 0; i < n_ranges; i++)
    {
      JsonArray *pair = json_array_sized_new (2);

      json_array_add_int_element (pair, ranges[i].anchor);
      json_array_add_int_element (pair, ranges[i].head);
      json_array_add_array_element (array, pair);
    }

  return array;
}

static JsonArray *
view_to_array (const PpRange *view)
{
  JsonArray *pair = json_array_sized_new (2);

  json_array_add_int_element (pair, view->anchor);
  json_array_add_int_element (pair, view->head);

  return pair;
}

static JsonObject *
user_info_to_object (const PpUserInfo *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "user", self->user);
  json_object_set_string_member (object, "client", self->client);
  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "color", self->color);
  json_object_set_int_member (object, "v", self->v);
  json_object_set_array_member (object, "sel",
                                ranges_to_array ((const PpRange *) (gpointer) self->sel->data,
                                                 self->sel->len));
  if (self->has_view)
    json_object_set_array_member (object, "view", view_to_array (&self->view));
  if (self->follow != NULL)
    json_object_set_string_member (object, "follow", self->follow);
  json_object_set_string_member (object, "role", pp_role_to_string (self->role));
  if (self->verified)
    json_object_set_boolean_member (object, "verified", TRUE);

  return object;
}

/**
 * pp_user_info_to_json:
 * @self: a user object
 *
 * Returns: (transfer full): `{"user", "client", "name", "color", "v", "sel"}`
 *   plus `"view"` when @self has one
 */
JsonNode *
pp_user_info_to_json (const PpUserInfo *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return object_node_take (user_info_to_object (self));
}

static PpMessage *
message_new (PpMessageType type,
             PpDirection   direction)
{
  PpMessage *self = g_new0 (PpMessage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  self->direction = direction;

  return self;
}

PpMessage *
pp_message_ref (PpMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
pp_message_unref (PpMessage *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->client, g_free);
      g_clear_pointer (&self->name, g_free);
      g_clear_pointer (&self->color, g_free);
      g_clear_pointer (&self->token, g_free);
      g_clear_pointer (&self->user, g_free);
      g_clear_pointer (&self->language, g_free);
      g_clear_pointer (&self->title, g_free);
      g_clear_pointer (&self->text, g_free);
      g_clear_pointer (&self->message, g_free);
      g_clear_pointer (&self->follow, g_free);
      g_clear_pointer (&self->op, pp_text_op_unref);
      g_clear_pointer (&self->entry, pp_log_entry_unref);
      g_clear_pointer (&self->sel, g_array_unref);
      g_clear_pointer (&self->user_info, pp_user_info_unref);
      g_clear_pointer (&self->users, g_ptr_array_unref);
      g_clear_pointer (&self->ops, g_ptr_array_unref);
      g_clear_pointer (&self->roles, g_hash_table_unref);
      g_clear_pointer (&self->provider, g_free);
      g_clear_pointer (&self->fallback, g_free);
      g_clear_pointer (&self->items, g_ptr_array_unref);
      g_free (self);
    }
}

/**
 * pp_message_type_to_string:
 * @type: a message type
 *
 * Returns: the wire name of @type ("hello", "op", …)
 */
const char *
pp_message_type_to_string (PpMessageType type)
{
  if ((guint) type >= G_N_ELEMENTS (message_type_names))
    return "unknown";

  return message_type_names[type];
}

/* Field decoding. @ctx names the object for error messages ("hello",
 * "welcome.users[2]"); every error is BAD_MESSAGE unless said otherwise. */

static gboolean
field_error (GError     **error,
             const char  *ctx,
             const char  *member,
             const char  *problem)
{
  g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
               "%s: \"%s\" %s", ctx, member, problem);
  return FALSE;
}

/* Optional fields are either absent or of their type; null is not a value of
 * any field. */
static gboolean
get_string (JsonObject  *object,
            const char  *ctx,
            const char  *member,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;

  if (node == NULL)
    return required ? field_error (error, ctx, member, "is missing") : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return field_error (error, ctx, member, "must be a string");

  *out = json_node_get_string (node);

  return TRUE;
}

static gboolean
check_chars (const char  *str,
             const char  *ctx,
             const char  *member,
             guint        min_chars,
             guint        max_chars,
             GError     **error)
{
  glong n_chars = g_utf8_strlen (str, -1);

  if (n_chars < (glong) min_chars || n_chars > (glong) max_chars)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "%s: \"%s\" must be %u to %u characters long",
                   ctx, member, min_chars, max_chars);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_text (JsonObject  *object,
          const char  *ctx,
          const char  *member,
          gboolean     required,
          guint        min_chars,
          guint        max_chars,
          const char **out,
          GError     **error)
{
  if (!get_string (object, ctx, member, required, out, error))
    return FALSE;

  return *out == NULL || check_chars (*out, ctx, member, min_chars, max_chars, error);
}

static gboolean
node_get_int (JsonNode *node,
              gint64   *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  *out = json_node_get_int (node);

  return TRUE;
}

/* JSON integers only: not 1.5, not 1.0, not "1", not true. */
static gboolean
get_int (JsonObject  *object,
         const char  *ctx,
         const char  *member,
         gboolean     required,
         gint64       min,
         gboolean    *has,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = 0;
  if (has != NULL)
    *has = FALSE;

  if (node == NULL)
    return required ? field_error (error, ctx, member, "is missing") : TRUE;

  if (!node_get_int (node, out))
    return field_error (error, ctx, member, "must be an integer");

  if (*out < min)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "%s: \"%s\" must be at least %" G_GINT64_FORMAT, ctx, member, min);
      return FALSE;
    }

  if (has != NULL)
    *has = TRUE;

  return TRUE;
}

static gboolean
node_get_pair (JsonNode *node,
               PpRange  *range)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  if (json_array_get_length (array) != 2)
    return FALSE;

  return node_get_int (json_array_get_element (array, 0), &range->anchor) &&
         node_get_int (json_array_get_element (array, 1), &range->head) &&
         range->anchor >= 0 && range->head >= 0;
}

static gboolean
get_ranges (JsonObject  *object,
            const char  *ctx,
            const char  *member,
            guint        max_ranges,
            GArray     **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autoptr(GArray) ranges = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL)
    return field_error (error, ctx, member, "is missing");

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, ctx, member, "must be a list of [anchor, head] pairs");

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > max_ranges)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "%s: \"%s\" has %u ranges, at most %u are allowed",
                   ctx, member, n, max_ranges);
      return FALSE;
    }

  ranges = g_array_sized_new (FALSE, FALSE, sizeof (PpRange), n);
  for (guint i = 0; i < n; i++)
    {
      PpRange range;

      if (!node_get_pair (json_array_get_element (array, i), &range))
        return field_error (error, ctx, member,
                            "must be a list of [anchor, head] pairs of non-negative integers");
      g_array_append_val (ranges, range);
    }

  *out = g_steal_pointer (&ranges);

  return TRUE;
}

static gboolean
get_view (JsonObject  *object,
          const char  *ctx,
          gboolean    *has_view,
          PpRange     *view,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, "view");

  *has_view = FALSE;

  if (node == NULL)
    return TRUE;

  if (!node_get_pair (node, view))
    return field_error (error, ctx, "view", "must be [first, last], non-negative integers");

  if (view->anchor > view->head)
    return field_error (error, ctx, "view", "must have first <= last");

  *has_view = TRUE;

  return TRUE;
}

static gboolean
get_op (JsonObject  *object,
        const char  *ctx,
        PpTextOp   **out,
        GError     **error)
{
  JsonNode *node = json_object_get_member (object, "op");
  g_autoptr(GError) local_error = NULL;

  if (node == NULL)
    return field_error (error, ctx, "op", "is missing");

  /* PROTOCOL.md: an op field that is not an array is bad_op. */
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_OP,
                   "%s: \"op\" must be an array", ctx);
      return FALSE;
    }

  if (!(*out = pp_text_op_new_from_json (node, &local_error)))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_OP,
                   "%s: %s", ctx, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static gboolean
get_array (JsonObject  *object,
           const char  *ctx,
           const char  *member,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return field_error (error, ctx, member, "is missing");

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, ctx, member, "must be an array");

  *out = json_node_get_array (node);

  return TRUE;
}

static gboolean
get_client_id (JsonObject  *object,
               const char  *ctx,
               const char **out,
               GError     **error)
{
  if (!get_string (object, ctx, "client", TRUE, out, error))
    return FALSE;

  if (!pp_protocol_client_id_is_valid (*out))
    return field_error (error, ctx, "client", "must be 8 to 64 of A-Z, a-z, 0-9, _ and -");

  return TRUE;
}

static gboolean
get_user_id (JsonObject  *object,
             const char  *ctx,
             const char **out,
             GError     **error)
{
  if (!get_string (object, ctx, "user", TRUE, out, error))
    return FALSE;

  if (**out == '\0')
    return field_error (error, ctx, "user", "must not be empty");

  return TRUE;
}

/* The follow extension: the session whose caret and view this one follows.
 * Absent means nobody; session ids are 1–64 of [A-Za-z0-9_-]. */
static gboolean
get_follow (JsonObject  *object,
            const char  *ctx,
            const char **out,
            GError     **error)
{
  gsize len = 0;

  if (!get_string (object, ctx, "follow", FALSE, out, error))
    return FALSE;
  if (*out == NULL)
    return TRUE;

  for (const char *p = *out; *p != '\0'; p++, len++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return field_error (error, ctx, "follow", "must be a session id");

  if (len < 1 || len > 64)
    return field_error (error, ctx, "follow", "must be a session id");

  return TRUE;
}

static gboolean
get_bool (JsonObject  *object,
          const char  *ctx,
          const char  *member,
          gboolean     required,
          gboolean    *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return required ? field_error (error, ctx, member, "is missing") : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (error, ctx, member, "must be true or false");

  *out = json_node_get_boolean (node);

  return TRUE;
}

/* Absent: @out keeps its default. */
static gboolean
get_role (JsonObject  *object,
          const char  *ctx,
          const char  *member,
          PpRole      *out,
          GError     **error)
{
  const char *name;

  if (!get_string (object, ctx, member, FALSE, &name, error))
    return FALSE;
  if (name != NULL && !pp_role_from_string (name, out))
    return field_error (error, ctx, member, "must be \"viewer\", \"editor\" or \"owner\"");

  return TRUE;
}

static gboolean
get_general_access (JsonObject       *object,
                    const char       *ctx,
                    PpGeneralAccess  *out,
                    GError          **error)
{
  const char *name;

  if (!get_string (object, ctx, "access", FALSE, &name, error))
    return FALSE;
  if (name != NULL && !pp_general_access_from_string (name, out))
    return field_error (error, ctx, "access", "must be \"edit\", \"view\" or \"restricted\"");

  return TRUE;
}

/* The access settings of welcome and access frames; a daemon that predates
 * them lets everyone edit. */
static gboolean
get_access_settings (PpMessage   *msg,
                     JsonObject  *object,
                     const char  *ctx,
                     GError     **error)
{
  msg->role = PP_ROLE_EDITOR;
  msg->access = PP_GENERAL_ACCESS_EDIT;

  return get_role (object, ctx, "role", &msg->role, error) &&
         get_general_access (object, ctx, &msg->access, error) &&
         get_bool (object, ctx, "locked", FALSE, &msg->locked, error);
}

static gboolean
get_color (JsonObject  *object,
           const char  *ctx,
           gboolean     required,
           const char **out,
           GError     **error)
{
  if (!get_string (object, ctx, "color", required, out, error))
    return FALSE;

  if (*out != NULL && !pp_protocol_color_is_valid (*out))
    return field_error (error, ctx, "color", "must be #rrggbb");

  return TRUE;
}

static PpLogEntry *
log_entry_from_object (JsonObject             *object,
                       const char             *ctx,
                       const PpProtocolLimits *limits,
                       GError                **error)
{
  g_autoptr(PpTextOp) op = NULL;
  const char *user;
  const char *client;
  const char *name;
  gint64 v;
  gint64 seq;

  /* The op first: its error is bad_op, which says more than a missing field. */
  if (!get_int (object, ctx, "v", TRUE, 1, NULL, &v, error) ||
      !get_op (object, ctx, &op, error) ||
      !get_user_id (object, ctx, &user, error) ||
      !get_client_id (object, ctx, &client, error) ||
      !get_int (object, ctx, "seq", TRUE, 1, NULL, &seq, error) ||
      !get_text (object, ctx, "name", FALSE, 1, limits->max_name_chars, &name, error))
    return NULL;

  return pp_log_entry_new (v, op, user, client, seq, name, 0);
}

/**
 * pp_log_entry_new_from_json:
 * @node: a JSON object with the fields of an op frame (`type` is ignored)
 * @error: a #GError
 *
 * Decodes one log entry of `welcome.ops` or of the REST ops list.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with @error set
 *   (%PP_PROTOCOL_ERROR_BAD_MESSAGE, or %PP_PROTOCOL_ERROR_BAD_OP for the op)
 */
PpLogEntry *
pp_log_entry_new_from_json (JsonNode  *node,
                            GError   **error)
{
  PpProtocolLimits limits;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "a log entry must be an object");
      return NULL;
    }

  pp_protocol_limits_init_default (&limits);

  return log_entry_from_object (json_node_get_object (node), "entry", &limits, error);
}

static PpUserInfo *
user_info_from_node (JsonNode               *node,
                     const char             *ctx,
                     const PpProtocolLimits *limits,
                     GError                **error)
{
  g_autoptr(PpUserInfo) info = NULL;
  g_autoptr(GArray) sel = NULL;
  JsonObject *object;
  const char *user;
  const char *client;
  const char *name;
  const char *color;
  const char *follow = NULL;
  gboolean has_view;
  gboolean verified = FALSE;
  PpRole role = PP_ROLE_EDITOR;
  PpRange view;
  gint64 v;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "%s: a user must be an object", ctx);
      return NULL;
    }

  object = json_node_get_object (node);

  if (!get_user_id (object, ctx, &user, error) ||
      !get_client_id (object, ctx, &client, error) ||
      !get_text (object, ctx, "name", TRUE, 1, limits->max_name_chars, &name, error) ||
      !get_color (object, ctx, TRUE, &color, error) ||
      !get_int (object, ctx, "v", TRUE, 0, NULL, &v, error) ||
      !get_ranges (object, ctx, "sel", limits->max_ranges, &sel, error) ||
      !get_view (object, ctx, &has_view, &view, error) ||
      !get_follow (object, ctx, &follow, error) ||
      !get_role (object, ctx, "role", &role, error) ||
      !get_bool (object, ctx, "verified", FALSE, &verified, error))
    return NULL;

  info = pp_user_info_new (user, client, name, color, v);
  info->follow = g_strdup (follow);
  info->role = role;
  info->verified = verified;
  g_clear_pointer (&info->sel, g_array_unref);
  info->sel = g_steal_pointer (&sel);
  info->has_view = has_view;
  if (has_view)
    info->view = view;

  return g_steal_pointer (&info);
}

/* Per-type decoders; each fills @msg from @object. */

static gboolean
parse_hello (PpMessage              *msg,
             JsonObject             *object,
             const PpProtocolLimits *limits,
             GError                **error)
{
  const char *client;
  const char *name;
  const char *color;
  const char *token;

  if (!get_client_id (object, "hello", &client, error) ||
      !get_text (object, "hello", "name", TRUE, 1, limits->max_name_chars, &name, error) ||
      !get_color (object, "hello", FALSE, &color, error) ||
      !get_int (object, "hello", "v", FALSE, 0, &msg->has_v, &msg->v, error) ||
      !get_string (object, "hello", "token", FALSE, &token, error))
    return FALSE;

  msg->client = g_strdup (client);
  msg->name = g_strdup (name);
  msg->color = g_strdup (color);
  msg->token = g_strdup (token);

  return TRUE;
}

static gboolean
parse_client_op (PpMessage              *msg,
                 JsonObject             *object,
                 const PpProtocolLimits *limits,
                 GError                **error)
{
  if (!get_int (object, "op", "v", TRUE, 0, &msg->has_v, &msg->v, error) ||
      !get_int (object, "op", "seq", TRUE, 1, &msg->has_seq, &msg->seq, error) ||
      !get_op (object, "op", &msg->op, error))
    return FALSE;

  return TRUE;
}

static gboolean
parse_presence (PpMessage              *msg,
                JsonObject             *object,
                const PpProtocolLimits *limits,
                GError                **error)
{
  const char *user = NULL;
  const char *follow = NULL;

  if (msg->direction == PP_DIRECTION_FROM_SERVER &&
      !get_user_id (object, "presence", &user, error))
    return FALSE;

  if (!get_int (object, "presence", "v", TRUE, 0, &msg->has_v, &msg->v, error) ||
      !get_ranges (object, "presence", "sel", limits->max_ranges, &msg->sel, error) ||
      !get_view (object, "presence", &msg->has_view, &msg->view, error) ||
      !get_follow (object, "presence", &follow, error))
    return FALSE;

  msg->user = g_strdup (user);
  msg->follow = g_strdup (follow);

  return TRUE;
}

/* From a client both fields are optional; a meta frame with neither is
 * valid and changes nothing. From the server all three are present. */
static gboolean
parse_meta (PpMessage              *msg,
            JsonObject             *object,
            const PpProtocolLimits *limits,
            GError                **error)
{
  gboolean from_server = msg->direction == PP_DIRECTION_FROM_SERVER;
  const char *user = NULL;
  const char *language;
  const char *title;

  if (from_server && !get_user_id (object, "meta", &user, error))
    return FALSE;

  if (!get_text (object, "meta", "language", from_server, 1, limits->max_language_chars,
                 &language, error) ||
      !get_text (object, "meta", "title", from_server, 0, limits->max_title_chars,
                 &title, error))
    return FALSE;

  msg->user = g_strdup (user);
  msg->language = g_strdup (language);
  msg->title = g_strdup (title);

  return TRUE;
}

static gboolean
parse_welcome (PpMessage              *msg,
               JsonObject             *object,
               const PpProtocolLimits *limits,
               GError                **error)
{
  g_autoptr(GPtrArray) users = NULL;
  JsonArray *users_array;
  JsonNode *text_node;
  JsonNode *ops_node;
  const char *user;
  const char *language;
  const char *title;
  const char *text = NULL;
  guint n;

  if (!get_user_id (object, "welcome", &user, error) ||
      !get_int (object, "welcome", "v", TRUE, 0, &msg->has_v, &msg->v, error) ||
      !get_text (object, "welcome", "language", TRUE, 1, limits->max_language_chars,
                 &language, error) ||
      !get_text (object, "welcome", "title", TRUE, 0, limits->max_title_chars, &title, error) ||
      !get_array (object, "welcome", "users", &users_array, error) ||
      !get_access_settings (msg, object, "welcome", error))
    return FALSE;

  n = json_array_get_length (users_array);
  users = g_ptr_array_new_full (n, (GDestroyNotify) pp_user_info_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ctx = g_strdup_printf ("welcome.users[%u]", i);
      PpUserInfo *info;

      if (!(info = user_info_from_node (json_array_get_element (users_array, i), ctx, limits,
                                        error)))
        return FALSE;
      g_ptr_array_add (users, info);
    }

  text_node = json_object_get_member (object, "text");
  ops_node = json_object_get_member (object, "ops");

  if ((text_node == NULL) == (ops_node == NULL))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "welcome: exactly one of \"text\" and \"ops\" must be present");
      return FALSE;
    }

  if (text_node != NULL)
    {
      if (!get_string (object, "welcome", "text", TRUE, &text, error))
        return FALSE;
    }
  else
    {
      JsonArray *ops_array;

      if (!get_array (object, "welcome", "ops", &ops_array, error))
        return FALSE;

      n = json_array_get_length (ops_array);
      msg->has_ops = TRUE;
      msg->ops = g_ptr_array_new_full (n, (GDestroyNotify) pp_log_entry_unref);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *ctx = g_strdup_printf ("welcome.ops[%u]", i);
          JsonNode *node = json_array_get_element (ops_array, i);
          PpLogEntry *entry;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "%s: a log entry must be an object", ctx);
              return FALSE;
            }

          if (!(entry = log_entry_from_object (json_node_get_object (node), ctx, limits, error)))
            return FALSE;
          g_ptr_array_add (msg->ops, entry);
        }
    }

  msg->user = g_strdup (user);
  msg->language = g_strdup (language);
  msg->title = g_strdup (title);
  msg->text = g_strdup (text);
  msg->users = g_steal_pointer (&users);

  return TRUE;
}

static gboolean
parse_access (PpMessage              *msg,
              JsonObject             *object,
              const PpProtocolLimits *limits,
              GError                **error)
{
  JsonNode *node = json_object_get_member (object, "roles");
  JsonObjectIter iter;
  const char *user;
  JsonNode *value;

  if (!get_access_settings (msg, object, "access", error))
    return FALSE;

  msg->roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (error, "access", "roles", "must be an object");

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &user, &value))
    {
      PpRole role;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING ||
          !pp_role_from_string (json_node_get_string (value), &role))
        return field_error (error, "access", "roles", "must map session ids to roles");
      g_hash_table_insert (msg->roles, g_strdup (user), GINT_TO_POINTER (role));
    }

  return TRUE;
}

static gboolean
parse_ack (PpMessage              *msg,
           JsonObject             *object,
           const PpProtocolLimits *limits,
           GError                **error)
{
  return get_int (object, "ack", "seq", TRUE, 1, &msg->has_seq, &msg->seq, error) &&
         get_int (object, "ack", "v", TRUE, 1, &msg->has_v, &msg->v, error);
}

static gboolean
parse_server_op (PpMessage              *msg,
                 JsonObject             *object,
                 const PpProtocolLimits *limits,
                 GError                **error)
{
  msg->entry = log_entry_from_object (object, "op", limits, error);

  return msg->entry != NULL;
}

static gboolean
parse_join (PpMessage              *msg,
            JsonObject             *object,
            const PpProtocolLimits *limits,
            GError                **error)
{
  JsonNode *node = json_object_get_member (object, "user");

  if (node == NULL)
    return field_error (error, "join", "user", "is missing");

  msg->user_info = user_info_from_node (node, "join.user", limits, error);

  return msg->user_info != NULL;
}

static gboolean
parse_leave (PpMessage              *msg,
             JsonObject             *object,
             const PpProtocolLimits *limits,
             GError                **error)
{
  const char *user;

  if (!get_user_id (object, "leave", &user, error))
    return FALSE;

  msg->user = g_strdup (user);

  return TRUE;
}

/* An unknown code maps to PP_PROTOCOL_ERROR_INTERNAL: a newer daemon may add codes. */
static gboolean
parse_error (PpMessage              *msg,
             JsonObject             *object,
             const PpProtocolLimits *limits,
             GError                **error)
{
  const char *code;
  const char *message;

  if (!get_string (object, "error", "code", TRUE, &code, error) ||
      !get_string (object, "error", "message", TRUE, &message, error) ||
      !get_int (object, "error", "seq", FALSE, 0, &msg->has_seq, &msg->seq, error) ||
      !get_int (object, "error", "id", FALSE, 0, &msg->has_id, &msg->id, error))
    return FALSE;

  if (!pp_protocol_error_code_from_string (code, &msg->code))
    msg->code = PP_PROTOCOL_ERROR_INTERNAL;
  msg->message = g_strdup (message);

  return TRUE;
}

/* A client's request for completions at code point "position" of the text
 * at "v"; "id" comes back in the answer. */
static gboolean
parse_complete (PpMessage              *msg,
                JsonObject             *object,
                const PpProtocolLimits *limits,
                GError                **error)
{
  gboolean has_max;

  if (!get_int (object, "complete", "id", TRUE, 1, &msg->has_id, &msg->id, error) ||
      !get_int (object, "complete", "v", TRUE, 0, &msg->has_v, &msg->v, error) ||
      !get_int (object, "complete", "position", TRUE, 0, NULL, &msg->position, error) ||
      !get_int (object, "complete", "max", FALSE, 1, &has_max, &msg->max, error))
    return FALSE;

  if (msg->max > PP_PROTOCOL_MAX_COMPLETIONS)
    return field_error (error, "complete", "max", "must be at most " G_STRINGIFY (PP_PROTOCOL_MAX_COMPLETIONS));

  return TRUE;
}

static PpCompletionItem *
completion_item_from_node (JsonNode  *node,
                           GError   **error)
{
  JsonObject *object;
  const char *label;
  const char *insert;
  const char *kind_name;
  PpCompletionKind kind;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "completions: each item must be an object");
      return NULL;
    }

  object = json_node_get_object (node);
  if (!get_string (object, "completions item", "label", TRUE, &label, error) ||
      !get_string (object, "completions item", "insert", TRUE, &insert, error) ||
      !get_string (object, "completions item", "kind", TRUE, &kind_name, error))
    return NULL;

  /* A newer daemon's kinds read as words: a list can still show them. */
  if (!pp_completion_kind_from_string (kind_name, &kind))
    kind = PP_COMPLETION_WORD;

  return pp_completion_item_new (label, insert, kind, 0);
}

static gboolean
parse_completions (PpMessage              *msg,
                   JsonObject             *object,
                   const PpProtocolLimits *limits,
                   GError                **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_completion_item_free);
  JsonNode *items_node = json_object_get_member (object, "items");
  const char *provider;
  const char *fallback;
  JsonArray *array;

  if (!get_int (object, "completions", "id", TRUE, 1, &msg->has_id, &msg->id, error) ||
      !get_int (object, "completions", "v", TRUE, 0, &msg->has_v, &msg->v, error) ||
      !get_int (object, "completions", "prefix_length", TRUE, 0, NULL, &msg->prefix_length, error) ||
      !get_string (object, "completions", "provider", TRUE, &provider, error) ||
      !get_string (object, "completions", "fallback", FALSE, &fallback, error))
    return FALSE;

  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    return field_error (error, "completions", "items", "must be a list");

  array = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PpCompletionItem *item = completion_item_from_node (json_array_get_element (array, i), error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }

  msg->provider = g_strdup (provider);
  msg->fallback = g_strdup (fallback);
  msg->items = g_steal_pointer (&items);

  return TRUE;
}

/**
 * pp_message_parse:
 * @frame: (array length=n_bytes): one text frame, need not be NUL-terminated
 * @n_bytes: length of @frame
 * @direction: who sent it; decides which types and fields are valid
 * @limits: (nullable): limits to enforce, %NULL for the defaults
 * @error: a #GError
 *
 * Decodes and validates one frame. Unknown extra fields are ignored.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error set:
 *   %PP_PROTOCOL_ERROR_TOO_LARGE for a frame over the limit,
 *   %PP_PROTOCOL_ERROR_BAD_OP for an invalid op, and
 *   %PP_PROTOCOL_ERROR_BAD_MESSAGE for anything else
 */
PpMessage *
pp_message_parse (const char             *frame,
                  gsize                   n_bytes,
                  PpDirection             direction,
                  const PpProtocolLimits *limits,
                  GError                **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(PpMessage) msg = NULL;
  g_autoptr(GError) local_error = NULL;
  const gboolean *allowed;
  PpProtocolLimits default_limits;
  JsonObject *object;
  JsonNode *type_node;
  const char *type_name;
  JsonScan scan;
  gboolean ok = FALSE;
  guint type;

  g_return_val_if_fail (frame != NULL || n_bytes == 0, NULL);
  g_return_val_if_fail (direction == PP_DIRECTION_FROM_CLIENT ||
                        direction == PP_DIRECTION_FROM_SERVER, NULL);

  if (limits == NULL)
    {
      pp_protocol_limits_init_default (&default_limits);
      limits = &default_limits;
    }

  if (n_bytes > limits->max_frame_bytes)
    {
      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_TOO_LARGE,
                   "frame of %" G_GSIZE_FORMAT " bytes is over the limit of %" G_GSIZE_FORMAT,
                   n_bytes, limits->max_frame_bytes);
      return NULL;
    }

  if (!(root = json_parse_scanned (frame != NULL ? frame : "", n_bytes, limits->max_json_depth,
                                   &scan, &local_error)))
    {
      if (scan.soft_error != NULL && scan.soft_in_op && scan.type_is_op)
        g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_OP,
                     "op: %s", scan.soft_error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "a frame must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  type_node = json_object_get_member (object, "type");

  if (type_node == NULL)
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "the frame has no \"type\"");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_VALUE (type_node) || json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                           "\"type\" must be a string");
      return NULL;
    }

  type_name = json_node_get_string (type_node);
  allowed = direction == PP_DIRECTION_FROM_CLIENT ? type_from_client : type_from_server;

  for (type = 0; type < G_N_ELEMENTS (message_type_names); type++)
    {
      if (strcmp (type_name, message_type_names[type]) == 0)
        break;
    }

  /* Clients must ignore message types they do not know (a newer daemon's);
   * the daemon refuses them. */
  if (type >= G_N_ELEMENTS (message_type_names) && direction == PP_DIRECTION_FROM_SERVER)
    return message_new (PP_MESSAGE_UNKNOWN, direction);

  if (type >= G_N_ELEMENTS (message_type_names) ||
      type >= (direction == PP_DIRECTION_FROM_CLIENT ? G_N_ELEMENTS (type_from_client)
                                                      : G_N_ELEMENTS (type_from_server)) ||
      !allowed[type])
    {
      /* The name goes back to the sender: keep it short. */
      g_autofree char *shown = g_utf8_substring (type_name, 0,
                                                 MIN (g_utf8_strlen (type_name, -1),
                                                      UNKNOWN_TYPE_MAX_CHARS));

      g_set_error (error, PP_PROTOCOL_ERROR, PP_PROTOCOL_ERROR_BAD_MESSAGE,
                   "unknown message type \"%s\"%s", shown,
                   direction == PP_DIRECTION_FROM_CLIENT ? " for a client" : " for a server");
      return NULL;
    }

  msg = message_new (type, direction);

  switch ((PpMessageType) type)
    {
    case PP_MESSAGE_HELLO:
      ok = parse_hello (msg, object, limits, error);
      break;

    case PP_MESSAGE_OP:
      if (direction == PP_DIRECTION_FROM_CLIENT)
        ok = parse_client_op (msg, object, limits, error);
      else
        ok = parse_server_op (msg, object, limits, error);
      break;

    case PP_MESSAGE_PRESENCE:
      ok = parse_presence (msg, object, limits, error);
      break;

    case PP_MESSAGE_META:
      ok = parse_meta (msg, object, limits, error);
      break;

    case PP_MESSAGE_WELCOME:
      ok = parse_welcome (msg, object, limits, error);
      break;

    case PP_MESSAGE_ACK:
      ok = parse_ack (msg, object, limits, error);
      break;

    case PP_MESSAGE_JOIN:
      ok = parse_join (msg, object, limits, error);
      break;

    case PP_MESSAGE_LEAVE:
      ok = parse_leave (msg, object, limits, error);
      break;

    case PP_MESSAGE_ERROR:
      ok = parse_error (msg, object, limits, error);
      break;

    case PP_MESSAGE_ACCESS:
      ok = parse_access (msg, object, limits, error);
      break;

    case PP_MESSAGE_COMPLETE:
      ok = parse_complete (msg, object, limits, error);
      break;

    case PP_MESSAGE_COMPLETIONS:
      ok = parse_completions (msg, object, limits, error);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return NULL;

  return g_steal_pointer (&msg);
}

/**
 * pp_message_peek_seq:
 * @frame: (array length=n_bytes): a client frame that pp_message_parse() refused
 * @n_bytes: length of @frame
 * @limits: (nullable): the limits it was parsed with, %NULL for the defaults
 * @seq: (out): the op's seq
 *
 * An error about an op carries the op's seq (PROTOCOL.md), which is how its
 * sender knows which op was refused, even when the op could not be decoded.
 * This finds it: @frame must be a JSON object within @limits whose "type" is
 * "op" and whose "seq" is a positive integer; its other members may be
 * anything, strings that are not valid Unicode included.
 *
 * Returns: whether @frame has a seq, then in @seq
 */
gboolean
pp_message_peek_seq (const char             *frame,
                     gsize                   n_bytes,
                     const PpProtocolLimits *limits,
                     gint64                 *seq)
{
  PpProtocolLimits default_limits;
  JsonScan scan;

  g_return_val_if_fail (frame != NULL || n_bytes == 0, FALSE);
  g_return_val_if_fail (seq != NULL, FALSE);

  if (limits == NULL)
    {
      pp_protocol_limits_init_default (&default_limits);
      limits = &default_limits;
    }

  if (frame == NULL || n_bytes > limits->max_frame_bytes ||
      !g_utf8_validate_len (frame, n_bytes, NULL) ||
      !json_scan (frame, n_bytes, limits->max_json_depth, &scan, NULL) ||
      !scan.type_is_op || scan.seq < 1)
    return FALSE;

  *seq = scan.seq;

  return TRUE;
}

/* Builders */

static GArray *
ranges_dup (const PpRange *ranges,
            guint          n_ranges)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (PpRange), n_ranges);

  if (n_ranges > 0)
    g_array_append_vals (array, ranges, n_ranges);

  return array;
}

/**
 * pp_message_new_hello:
 * @client: a valid client id
 * @name: display name
 * @color: (nullable): "#rrggbb"
 * @has_v: whether @v is given
 * @v: the last version the client holds
 * @token: (nullable): an access token
 *
 * Returns: (transfer full): a client hello
 */
PpMessage *
pp_message_new_hello (const char *client,
                      const char *name,
                      const char *color,
                      gboolean    has_v,
                      gint64      v,
                      const char *token)
{
  PpMessage *self;

  g_return_val_if_fail (pp_protocol_client_id_is_valid (client), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (color == NULL || pp_protocol_color_is_valid (color), NULL);

  self = message_new (PP_MESSAGE_HELLO, PP_DIRECTION_FROM_CLIENT);
  self->client = g_strdup (client);
  self->name = g_strdup (name);
  self->color = g_strdup (color);
  self->has_v = has_v;
  self->v = has_v ? v : 0;
  self->token = g_strdup (token);

  return self;
}

/**
 * pp_message_new_client_op:
 * @v: the base version
 * @seq: the client's sequence number
 * @op: the op (the message takes a reference)
 *
 * Returns: (transfer full): a client op frame
 */
PpMessage *
pp_message_new_client_op (gint64    v,
                          gint64    seq,
                          PpTextOp *op)
{
  PpMessage *self;

  g_return_val_if_fail (op != NULL, NULL);

  self = message_new (PP_MESSAGE_OP, PP_DIRECTION_FROM_CLIENT);
  self->has_v = TRUE;
  self->v = v;
  self->has_seq = TRUE;
  self->seq = seq;
  self->op = pp_text_op_ref (op);

  return self;
}

/**
 * pp_message_new_client_presence:
 * @v: the version the positions refer to
 * @sel: (array length=n_sel) (nullable): selection ranges
 * @n_sel: number of ranges
 * @view: (nullable): the visible range
 *
 * Returns: (transfer full): a client presence frame
 */
PpMessage *
pp_message_new_client_presence (gint64         v,
                                const PpRange *sel,
                                guint          n_sel,
                                const PpRange *view)
{
  PpMessage *self;

  g_return_val_if_fail (sel != NULL || n_sel == 0, NULL);

  self = message_new (PP_MESSAGE_PRESENCE, PP_DIRECTION_FROM_CLIENT);
  self->has_v = TRUE;
  self->v = v;
  self->sel = ranges_dup (sel, n_sel);
  if (view != NULL)
    {
      self->has_view = TRUE;
      self->view = *view;
    }

  return self;
}

/**
 * pp_message_new_client_meta:
 * @language: (nullable): new language id
 * @title: (nullable): new title
 *
 * Returns: (transfer full): a client meta frame
 */
PpMessage *
pp_message_new_client_meta (const char *language,
                            const char *title)
{
  PpMessage *self = message_new (PP_MESSAGE_META, PP_DIRECTION_FROM_CLIENT);

  self->language = g_strdup (language);
  self->title = g_strdup (title);

  return self;
}

/**
 * pp_message_new_welcome:
 * @user: the session id of the receiver
 * @v: the room's version
 * @language: the room's language
 * @title: the room's title
 * @users: (element-type PpUserInfo) (nullable): the other sessions
 * @text: (nullable): the document at @v
 * @ops: (element-type PpLogEntry) (nullable): catch-up entries
 *
 * Exactly one of @text and @ops must be given. The message keeps its own
 * array of references to the elements of @users and @ops.
 *
 * Returns: (transfer full): a welcome frame
 */
PpMessage *
pp_message_new_welcome (const char *user,
                        gint64      v,
                        const char *language,
                        const char *title,
                        GPtrArray  *users,
                        const char *text,
                        GPtrArray  *ops)
{
  PpMessage *self;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (language != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail ((text == NULL) != (ops == NULL), NULL);

  self = message_new (PP_MESSAGE_WELCOME, PP_DIRECTION_FROM_SERVER);
  self->user = g_strdup (user);
  self->role = PP_ROLE_EDITOR;
  self->has_v = TRUE;
  self->v = v;
  self->language = g_strdup (language);
  self->title = g_strdup (title);
  self->users = g_ptr_array_new_full (users != NULL ? users->len : 0,
                                      (GDestroyNotify) pp_user_info_unref);
  for (guint i = 0; users != NULL && i < users->len; i++)
    g_ptr_array_add (self->users, pp_user_info_ref (g_ptr_array_index (users, i)));

  if (text != NULL)
    self->text = g_strdup (text);
  else
    {
      self->has_ops = TRUE;
      self->ops = g_ptr_array_new_full (ops->len, (GDestroyNotify) pp_log_entry_unref);
      for (guint i = 0; i < ops->len; i++)
        g_ptr_array_add (self->ops, pp_log_entry_ref (g_ptr_array_index (ops, i)));
    }

  return self;
}

/**
 * pp_message_new_access:
 * @role: the recipient's role
 * @access: what the room link alone grants
 * @locked: whether the room is read-only for everyone
 * @roles: (nullable): session id → #PpRole (as a pointer) of every session
 *
 * Returns: (transfer full): an access frame
 */
PpMessage *
pp_message_new_access (PpRole           role,
                       PpGeneralAccess  access,
                       gboolean         locked,
                       GHashTable      *roles)
{
  PpMessage *self = message_new (PP_MESSAGE_ACCESS, PP_DIRECTION_FROM_SERVER);
  GHashTableIter iter;
  gpointer user, value;

  self->role = role;
  self->access = access;
  self->locked = locked;
  self->roles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (roles != NULL)
    {
      g_hash_table_iter_init (&iter, roles);
      while (g_hash_table_iter_next (&iter, &user, &value))
        g_hash_table_insert (self->roles, g_strdup (user), value);
    }

  return self;
}

/**
 * pp_message_new_ack:
 * @seq: the acknowledged op's sequence number
 * @v: the version it produced
 *
 * Returns: (transfer full): an ack frame
 */
PpMessage *
pp_message_new_ack (gint64 seq,
                    gint64 v)
{
  PpMessage *self = message_new (PP_MESSAGE_ACK, PP_DIRECTION_FROM_SERVER);

  self->has_seq = TRUE;
  self->seq = seq;
  self->has_v = TRUE;
  self->v = v;

  return self;
}

/**
 * pp_message_new_server_op:
 * @entry: a log entry (the message takes a reference)
 *
 * Returns: (transfer full): an op frame for the other sessions of the room
 */
PpMessage *
pp_message_new_server_op (PpLogEntry *entry)
{
  PpMessage *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = message_new (PP_MESSAGE_OP, PP_DIRECTION_FROM_SERVER);
  self->entry = pp_log_entry_ref (entry);

  return self;
}

/**
 * pp_message_new_server_presence:
 * @user: the sender's session id
 * @v: the version the positions refer to
 * @sel: (array length=n_sel) (nullable): selection ranges
 * @n_sel: number of ranges
 * @view: (nullable): the visible range
 *
 * Returns: (transfer full): a relayed presence frame
 */
PpMessage *
pp_message_new_server_presence (const char    *user,
                                gint64         v,
                                const PpRange *sel,
                                guint          n_sel,
                                const PpRange *view)
{
  PpMessage *self;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (sel != NULL || n_sel == 0, NULL);

  self = message_new (PP_MESSAGE_PRESENCE, PP_DIRECTION_FROM_SERVER);
  self->user = g_strdup (user);
  self->has_v = TRUE;
  self->v = v;
  self->sel = ranges_dup (sel, n_sel);
  if (view != NULL)
    {
      self->has_view = TRUE;
      self->view = *view;
    }

  return self;
}

/**
 * pp_message_new_server_meta:
 * @user: who changed it
 * @language: the room's language now
 * @title: the room's title now
 *
 * Returns: (transfer full): a meta frame for every session
 */
PpMessage *
pp_message_new_server_meta (const char *user,
                            const char *language,
                            const char *title)
{
  PpMessage *self;

  g_return_val_if_fail (user != NULL, NULL);
  g_return_val_if_fail (language != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = message_new (PP_MESSAGE_META, PP_DIRECTION_FROM_SERVER);
  self->user = g_strdup (user);
  self->language = g_strdup (language);
  self->title = g_strdup (title);

  return self;
}

/**
 * pp_message_new_join:
 * @user_info: the new session (the message takes a reference)
 *
 * Returns: (transfer full): a join frame
 */
PpMessage *
pp_message_new_join (PpUserInfo *user_info)
{
  PpMessage *self;

  g_return_val_if_fail (user_info != NULL, NULL);

  self = message_new (PP_MESSAGE_JOIN, PP_DIRECTION_FROM_SERVER);
  self->user_info = pp_user_info_ref (user_info);

  return self;
}

/**
 * pp_message_new_leave:
 * @user: the session id that left
 *
 * Returns: (transfer full): a leave frame
 */
PpMessage *
pp_message_new_leave (const char *user)
{
  PpMessage *self;

  g_return_val_if_fail (user != NULL, NULL);

  self = message_new (PP_MESSAGE_LEAVE, PP_DIRECTION_FROM_SERVER);
  self->user = g_strdup (user);

  return self;
}

/**
 * pp_message_new_complete:
 * @id: the request's id, at least 1, echoed in the answer
 * @v: the version @position refers to
 * @position: the cursor, in code points
 * @max: how many items at most, 0 for the daemon's default
 *
 * Returns: (transfer full): a complete frame
 */
PpMessage *
pp_message_new_complete (gint64 id,
                         gint64 v,
                         gint64 position,
                         gint64 max)
{
  PpMessage *self = message_new (PP_MESSAGE_COMPLETE, PP_DIRECTION_FROM_CLIENT);

  self->has_id = TRUE;
  self->id = id;
  self->has_v = TRUE;
  self->v = v;
  self->position = position;
  self->max = max;

  return self;
}

/**
 * pp_message_new_completions:
 * @id: the id of the complete this answers
 * @v: the version the items were computed on
 * @prefix_length: code points before the cursor that items other than
 *   %PP_COMPLETION_MODEL replace
 * @provider: "built-in" or "model"
 * @fallback: (nullable): why the model gave nothing
 * @items: (element-type PpCompletionItem): best first; the message keeps a reference
 *
 * Returns: (transfer full): a completions frame
 */
PpMessage *
pp_message_new_completions (gint64      id,
                            gint64      v,
                            gint64      prefix_length,
                            const char *provider,
                            const char *fallback,
                            GPtrArray  *items)
{
  PpMessage *self;

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);

  self = message_new (PP_MESSAGE_COMPLETIONS, PP_DIRECTION_FROM_SERVER);
  self->has_id = TRUE;
  self->id = id;
  self->has_v = TRUE;
  self->v = v;
  self->prefix_length = prefix_length;
  self->provider = g_strdup (provider);
  self->fallback = g_strdup (fallback);
  self->items = g_ptr_array_ref (items);

  return self;
}

/**
 * pp_message_new_error:
 * @code: the error code
 * @message: for a person; never internal details
 * @has_seq: whether @seq is given
 * @seq: the sequence number of the refused op
 *
 * Returns: (transfer full): an error frame
 */
PpMessage *
pp_message_new_error (PpProtocolError  code,
                      const char      *message,
                      gboolean         has_seq,
                      gint64           seq)
{
  PpMessage *self;

  g_return_val_if_fail (message != NULL, NULL);

  self = message_new (PP_MESSAGE_ERROR, PP_DIRECTION_FROM_SERVER);
  self->code = code;
  self->message = g_strdup (message);
  self->has_seq = has_seq;
  self->seq = has_seq ? seq : 0;

  return self;
}

/* Encoding */

static void
access_settings_to_object (const PpMessage *self,
                           JsonObject      *object)
{
  json_object_set_string_member (object, "role", pp_role_to_string (self->role));
  json_object_set_string_member (object, "access", pp_general_access_to_string (self->access));
  json_object_set_boolean_member (object, "locked", self->locked);
}

static JsonObject *
message_to_object (const PpMessage *self)
{
  gboolean from_client = self->direction == PP_DIRECTION_FROM_CLIENT;
  JsonObject *object;

  /* A server op frame is its log entry with a type. */
  if (self->type == PP_MESSAGE_OP && !from_client)
    return log_entry_to_object (self->entry, TRUE);

  object = json_object_new ();
  json_object_set_string_member (object, "type", pp_message_type_to_string (self->type));

  switch (self->type)
    {
    case PP_MESSAGE_HELLO:
      json_object_set_string_member (object, "client", self->client);
      json_object_set_string_member (object, "name", self->name);
      if (self->color != NULL)
        json_object_set_string_member (object, "color", self->color);
      if (self->has_v)
        json_object_set_int_member (object, "v", self->v);
      if (self->token != NULL)
        json_object_set_string_member (object, "token", self->token);
      break;

    case PP_MESSAGE_OP:
      json_object_set_int_member (object, "v", self->v);
      json_object_set_int_member (object, "seq", self->seq);
      json_object_set_member (object, "op", pp_text_op_to_json (self->op));
      break;

    case PP_MESSAGE_PRESENCE:
      if (!from_client)
        json_object_set_string_member (object, "user", self->user);
      json_object_set_int_member (object, "v", self->v);
      json_object_set_array_member (object, "sel",
                                    ranges_to_array ((const PpRange *) (gpointer) self->sel->data,
                                                     self->sel->len));
      if (self->has_view)
        json_object_set_array_member (object, "view", view_to_array (&self->view));
      if (self->follow != NULL)
        json_object_set_string_member (object, "follow", self->follow);
      break;

    case PP_MESSAGE_META:
      if (!from_client)
        json_object_set_string_member (object, "user", self->user);
      if (self->language != NULL)
        json_object_set_string_member (object, "language", self->language);
      if (self->title != NULL)
        json_object_set_string_member (object, "title", self->title);
      break;

    case PP_MESSAGE_WELCOME:
      {
        JsonArray *users = json_array_sized_new (self->users->len);

        json_object_set_string_member (object, "user", self->user);
        json_object_set_int_member (object, "v", self->v);
        json_object_set_string_member (object, "language", self->language);
        json_object_set_string_member (object, "title", self->title);
        for (guint i = 0; i < self->users->len; i++)
          json_array_add_object_element (users, user_info_to_object (g_ptr_array_index (self->users, i)));
        json_object_set_array_member (object, "users", users);

        if (self->has_ops)
          {
            JsonArray *ops = json_array_sized_new (self->ops->len);

            for (guint i = 0; i < self->ops->len; i++)
              json_array_add_object_element (ops, log_entry_to_object (g_ptr_array_index (self->ops, i), FALSE));
            json_object_set_array_member (object, "ops", ops);
          }
        else
          json_object_set_string_member (object, "text", self->text);
        access_settings_to_object (self, object);
      }
      break;

    case PP_MESSAGE_ACK:
      json_object_set_int_member (object, "seq", self->seq);
      json_object_set_int_member (object, "v", self->v);
      break;

    case PP_MESSAGE_JOIN:
      json_object_set_object_member (object, "user", user_info_to_object (self->user_info));
      break;

    case PP_MESSAGE_LEAVE:
      json_object_set_string_member (object, "user", self->user);
      break;

    case PP_MESSAGE_ERROR:
      json_object_set_string_member (object, "code", pp_protocol_error_code_to_string (self->code));
      json_object_set_string_member (object, "message", self->message);
      if (self->has_seq)
        json_object_set_int_member (object, "seq", self->seq);
      if (self->has_id)
        json_object_set_int_member (object, "id", self->id);
      break;

    case PP_MESSAGE_COMPLETE:
      json_object_set_int_member (object, "id", self->id);
      json_object_set_int_member (object, "v", self->v);
      json_object_set_int_member (object, "position", self->position);
      if (self->max > 0)
        json_object_set_int_member (object, "max", self->max);
      break;

    case PP_MESSAGE_COMPLETIONS:
      {
        JsonArray *items = json_array_sized_new (self->items->len);

        json_object_set_int_member (object, "id", self->id);
        json_object_set_int_member (object, "v", self->v);
        json_object_set_int_member (object, "prefix_length", self->prefix_length);
        json_object_set_string_member (object, "provider", self->provider);
        if (self->fallback != NULL)
          json_object_set_string_member (object, "fallback", self->fallback);
        for (guint i = 0; i < self->items->len; i++)
          {
            const PpCompletionItem *item = g_ptr_array_index (self->items, i);
            JsonObject *member = json_object_new ();

            json_object_set_string_member (member, "label", item->label);
            json_object_set_string_member (member, "insert", item->insert);
            json_object_set_string_member (member, "kind", pp_completion_kind_to_string (item->kind));
            /* Said outright for clients that do not know the kind. */
            if (item->kind == PP_COMPLETION_MODEL)
              json_object_set_int_member (member, "replace", 0);
            json_array_add_object_element (items, member);
          }
        json_object_set_array_member (object, "items", items);
      }
      break;

    case PP_MESSAGE_ACCESS:
      {
        JsonObject *roles = json_object_new ();
        GHashTableIter iter;
        gpointer user, role;

        access_settings_to_object (self, object);
        g_hash_table_iter_init (&iter, self->roles);
        while (g_hash_table_iter_next (&iter, &user, &role))
          json_object_set_string_member (roles, user, pp_role_to_string (GPOINTER_TO_INT (role)));
        json_object_set_object_member (object, "roles", roles);
      }
      break;

    case PP_MESSAGE_UNKNOWN:
      /* Only parsing makes these; they carry nothing to encode. */
      break;

    default:
      g_assert_not_reached ();
    }

  return object;
}

/**
 * pp_message_to_json:
 * @self: a message of either direction
 * @n_bytes: (out) (optional): length of the result
 *
 * Encodes @self as one compact frame; members come in the order of
 * PROTOCOL.md, "type" first.
 *
 * Returns: (transfer full): the frame
 */
char *
pp_message_to_json (const PpMessage *self,
                    gsize           *n_bytes)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  node = object_node_take (message_to_object (self));

  return pp_json_to_string (node, n_bytes);
}

/**
 * pp_message_to_node:
 * @self: a message of either direction
 *
 * The frame pp_message_to_json() encodes, as a tree: for answers that
 * travel over REST too.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
pp_message_to_node (const PpMessage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return object_node_take (message_to_object (self));
}
