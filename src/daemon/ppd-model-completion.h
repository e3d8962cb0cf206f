/* ppd-model-completion.h: completions from a language model server (OpenAI or Ollama style).
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ppd-config.h"
#include "ppd-metrics.h"

G_BEGIN_DECLS

#define PPD_MODEL_COMPLETION_ERROR (ppd_model_completion_error_quark ())

/* Why the model gave no completion; ppd_model_completion_error_reason()
 * names each for the answer's "fallback" and for /metrics. */
typedef enum
{
  PPD_MODEL_COMPLETION_ERROR_FAILED,        /* unreachable, or not a 2xx answer */
  PPD_MODEL_COMPLETION_ERROR_TIMEOUT,
  PPD_MODEL_COMPLETION_ERROR_MALFORMED,     /* not JSON, or without the text */
  PPD_MODEL_COMPLETION_ERROR_EMPTY,         /* the model had nothing to add */
  PPD_MODEL_COMPLETION_ERROR_RATE_LIMITED,  /* the room asked too often */
  PPD_MODEL_COMPLETION_ERROR_SUPERSEDED,    /* the same person asked again since */
} PpdModelCompletionError;

#define PPD_TYPE_MODEL_COMPLETION (ppd_model_completion_get_type ())

G_DECLARE_FINAL_TYPE (PpdModelCompletion, ppd_model_completion, PPD, MODEL_COMPLETION, GObject)

GQuark              ppd_model_completion_error_quark    (void);
const char         *ppd_model_completion_error_reason   (const GError        *error);

PpdModelCompletion *ppd_model_completion_new            (const PpdConfig     *config,
                                                         PpdMetrics          *metrics);
void                ppd_model_completion_complete_async (PpdModelCompletion  *self,
                                                         const char          *room_id,
                                                         const char          *requester,
                                                         const char          *text,
                                                         gsize                position,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
char               *ppd_model_completion_complete_finish
                                                        (PpdModelCompletion  *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
