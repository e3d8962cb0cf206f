/* pairpad-rest-client.h: the daemon's REST API over libsoup, JSON in and out.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PAIRPAD_REST_ERROR (pairpad_rest_error_quark ())

typedef enum
{
  PAIRPAD_REST_ERROR_FAILED,       /* any other refusal */
  PAIRPAD_REST_ERROR_UNREACHABLE,  /* no answer at all */
  PAIRPAD_REST_ERROR_NOT_ALLOWED,  /* 401, 403: the key or token was not accepted */
  PAIRPAD_REST_ERROR_NOT_FOUND,    /* 404: no such room (any more) */
  PAIRPAD_REST_ERROR_BUSY,         /* 503: try again later */
  PAIRPAD_REST_ERROR_BAD_ANSWER,   /* 2xx, but not JSON */
  PAIRPAD_REST_ERROR_INVALID,      /* 400: the server refused what was sent */
  PAIRPAD_REST_ERROR_CONFLICT,     /* 409: say, a name that is taken */
  PAIRPAD_REST_ERROR_RATE_LIMITED, /* 429: too many requests; wait a minute */
} PairpadRestError;

#define PAIRPAD_TYPE_REST_CLIENT (pairpad_rest_client_get_type ())

G_DECLARE_FINAL_TYPE (PairpadRestClient, pairpad_rest_client, PAIRPAD, REST_CLIENT, GObject)

GQuark             pairpad_rest_error_quark           (void);
PairpadRestClient *pairpad_rest_client_new            (void);
void               pairpad_rest_client_request_async  (PairpadRestClient    *self,
                                                       const char           *server,
                                                       const char           *method,
                                                       const char           *path,
                                                       JsonNode             *body,
                                                       const char           *bearer,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
JsonNode          *pairpad_rest_client_request_finish (PairpadRestClient    *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

JsonNode          *pairpad_rest_get_member            (JsonNode             *node,
                                                       const char           *name,
                                                       GType                 type);
const char        *pairpad_rest_get_string            (JsonNode             *node,
                                                       const char           *name);

G_END_DECLS
