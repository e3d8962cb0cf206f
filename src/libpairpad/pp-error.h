/* pp-error.h: the error domains of libpairpad.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

#define PP_TEXT_OP_ERROR (pp_text_op_error_quark ())
#define PP_PROTOCOL_ERROR (pp_protocol_error_quark ())

/**
 * PpTextOpError:
 * @PP_TEXT_OP_ERROR_FAILED: fallback
 * @PP_TEXT_OP_ERROR_INVALID: the op is malformed (not an array, bad component,
 *   non-positive count, empty string, invalid Unicode)
 * @PP_TEXT_OP_ERROR_OUT_OF_RANGE: a skip or delete goes past the end of the document
 * @PP_TEXT_OP_ERROR_MISMATCH: a `{"d": "S"}` delete whose text is not in the document there
 * @PP_TEXT_OP_ERROR_NOT_INVERTIBLE: a delete by count cannot be inverted without the document
 * @PP_TEXT_OP_ERROR_TOO_LARGE: applying the op would make the document exceed its limit
 */
typedef enum
{
  PP_TEXT_OP_ERROR_FAILED,
  PP_TEXT_OP_ERROR_INVALID,
  PP_TEXT_OP_ERROR_OUT_OF_RANGE,
  PP_TEXT_OP_ERROR_MISMATCH,
  PP_TEXT_OP_ERROR_NOT_INVERTIBLE,
  PP_TEXT_OP_ERROR_TOO_LARGE,
} PpTextOpError;

/**
 * PpProtocolError:
 * The codes map one to one onto the wire error codes of PROTOCOL.md;
 * pp_protocol_error_code_to_string() gives the wire name.
 */
typedef enum
{
  PP_PROTOCOL_ERROR_INTERNAL,      /* "internal", also the fallback */
  PP_PROTOCOL_ERROR_BAD_MESSAGE,   /* "bad_message" */
  PP_PROTOCOL_ERROR_BAD_OP,        /* "bad_op" */
  PP_PROTOCOL_ERROR_BAD_VERSION,   /* "bad_version" */
  PP_PROTOCOL_ERROR_RESYNC,        /* "resync" */
  PP_PROTOCOL_ERROR_TOO_LARGE,     /* "too_large" */
  PP_PROTOCOL_ERROR_FORBIDDEN,     /* "forbidden" */
  PP_PROTOCOL_ERROR_NOT_FOUND,     /* "not_found" */
  PP_PROTOCOL_ERROR_RATE_LIMITED,  /* "rate_limited" */
} PpProtocolError;

GQuark       pp_text_op_error_quark              (void);
GQuark       pp_protocol_error_quark             (void);
const char  *pp_protocol_error_code_to_string    (PpProtocolError  code);
gboolean     pp_protocol_error_code_from_string  (const char      *str,
                                                  PpProtocolError *code);

G_END_DECLS
