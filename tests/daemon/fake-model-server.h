/* fake-model-server.h: a language model's server for the daemon to ask, in the tests.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "test-utils.h"

G_BEGIN_DECLS

typedef enum
{
  PP_FAKE_MODEL_OK,          /* answers at once with the completion */
  PP_FAKE_MODEL_SLOW,        /* answers after 3 s */
  PP_FAKE_MODEL_FAIL,        /* 500 */
  PP_FAKE_MODEL_MALFORMED,   /* not JSON */
  PP_FAKE_MODEL_MISSING,     /* JSON without the completion */
} PpFakeModelMode;

/* What the server completes with until told otherwise. */
#define PP_FAKE_MODEL_COMPLETION "_count + 1"

/* An OpenAI-compatible server (POST /v1/completions), or an Ollama one
 * (POST /api/generate), on 127.0.0.1 with a main context and thread of its
 * own: the harness's requests block the test's main context. It answers
 * any path, and records the last request for the test to check. */
typedef struct _PpFakeModelServer PpFakeModelServer;

struct _PpFakeModelServer
{
  /* Guarded by lock */
  GMutex           lock;
  PpFakeModelMode  mode;
  char            *completion;
  guint            n_requests;
  char            *path;           /* of the last request */
  char            *body;
  char            *authorization;

  /* Set once */
  gboolean         ollama;
  GMainContext    *context;
  GMainLoop       *loop;
  GThread         *thread;
  SoupServer      *server;
  char            *url;            /* the base URL to give the daemon, with a slash at the end */
};

PpFakeModelServer *pp_fake_model_server_new            (gboolean            ollama);
void               pp_fake_model_server_set_mode       (PpFakeModelServer  *fake,
                                                        PpFakeModelMode     mode);
void               pp_fake_model_server_set_completion (PpFakeModelServer  *fake,
                                                        const char         *completion);
guint              pp_fake_model_server_get_n_requests (PpFakeModelServer  *fake);
JsonObject        *pp_fake_model_server_dup_last       (PpFakeModelServer  *fake,
                                                        char              **path,
                                                        char              **authorization);
void               pp_fake_model_server_free           (PpFakeModelServer  *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpFakeModelServer, pp_fake_model_server_free)

G_END_DECLS
