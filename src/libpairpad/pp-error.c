/* pp-error.c: the error domains of libpairpad.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-error"

#include "config.h"

#include "pp-error.h"

G_DEFINE_QUARK (pp-text-op-error-quark, pp_text_op_error)
G_DEFINE_QUARK (pp-protocol-error-quark, pp_protocol_error)

static const char * const protocol_error_codes[] = {
  [PP_PROTOCOL_ERROR_INTERNAL] = "internal",
  [PP_PROTOCOL_ERROR_BAD_MESSAGE] = "bad_message",
  [PP_PROTOCOL_ERROR_BAD_OP] = "bad_op",
  [PP_PROTOCOL_ERROR_BAD_VERSION] = "bad_version",
  [PP_PROTOCOL_ERROR_RESYNC] = "resync",
  [PP_PROTOCOL_ERROR_TOO_LARGE] = "too_large",
  [PP_PROTOCOL_ERROR_FORBIDDEN] = "forbidden",
  [PP_PROTOCOL_ERROR_NOT_FOUND] = "not_found",
  [PP_PROTOCOL_ERROR_RATE_LIMITED] = "rate_limited",
};

const char *
pp_protocol_error_code_to_string (PpProtocolError code)
{
  if ((guint) code >= G_N_ELEMENTS (protocol_error_codes))
    return protocol_error_codes[PP_PROTOCOL_ERROR_INTERNAL];

  return protocol_error_codes[code];
}

gboolean
pp_protocol_error_code_from_string (const char      *str,
                                    PpProtocolError *code)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (protocol_error_codes); i++)
    {
      if (g_strcmp0 (str, protocol_error_codes[i]) == 0)
        {
          if (code != NULL)
            *code = i;
          return TRUE;
        }
    }

  return FALSE;
}
