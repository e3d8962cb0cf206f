/* fuzz-frame.c: libFuzzer target for pp_message_parse() in both directions and re-encoding.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-frame"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pairpad.h>

/* Properties checked on every input:
 *  - parsing never crashes, never logs a critical or warning (network input
 *    must not reach g_return_if_fail), and fails only with PP_PROTOCOL_ERROR;
 *  - what parses re-encodes to a frame that parses again (re-encoding may
 *    grow a frame, e.g. a raw DEL becomes \u007f, so without the size
 *    limit) and re-encodes to the same bytes;
 *  - pp_json_parse() output survives pp_json_to_string() → pp_json_parse(). */

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
check_round_trip (const char             *data,
                  size_t                  size,
                  PpDirection             direction,
                  const PpProtocolLimits *limits,
                  const PpProtocolLimits *unlimited)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpMessage) msg = NULL;
  g_autoptr(PpMessage) again = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *encoded_again = NULL;
  gsize n_encoded;
  gsize n_again;

  msg = pp_message_parse (data, size, direction, limits, &error);
  if (msg == NULL)
    {
      if (error == NULL || error->domain != PP_PROTOCOL_ERROR || error->message == NULL)
        abort ();
      return;
    }

  if (error != NULL || msg->direction != direction)
    abort ();

  encoded = pp_message_to_json (msg, &n_encoded);
  if (encoded == NULL || n_encoded != strlen (encoded))
    abort ();

  again = pp_message_parse (encoded, n_encoded, direction, unlimited, &error);
  if (again == NULL)
    {
      g_printerr ("re-encoded frame does not parse: %s\n%s\n", error->message, encoded);
      abort ();
    }

  encoded_again = pp_message_to_json (again, &n_again);
  if (n_again != n_encoded || memcmp (encoded, encoded_again, n_encoded) != 0)
    {
      g_printerr ("re-encoding is not stable:\n%s\n%s\n", encoded, encoded_again);
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PpProtocolLimits limits;
  PpProtocolLimits unlimited;
  g_autoptr(JsonNode) node = NULL;

  pp_protocol_limits_init_default (&limits);
  unlimited = limits;
  unlimited.max_frame_bytes = G_MAXSIZE;

  check_round_trip ((const char *) data, size, PP_DIRECTION_FROM_CLIENT, &limits, &unlimited);
  check_round_trip ((const char *) data, size, PP_DIRECTION_FROM_SERVER, &limits, &unlimited);

  node = pp_json_parse ((const char *) data, size, limits.max_json_depth, NULL);
  if (node != NULL)
    {
      gsize n_text;
      g_autofree char *text = pp_json_to_string (node, &n_text);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) again = pp_json_parse (text, n_text, limits.max_json_depth, &error);

      if (again == NULL)
        {
          g_printerr ("pp_json_to_string() output does not parse: %s\n%s\n", error->message, text);
          abort ();
        }
    }

  return 0;
}
