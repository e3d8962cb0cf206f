/* ppd-http-responses.h: JSON answers, and what the REST handlers read from a request.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "ppd-context.h"

G_BEGIN_DECLS

char       *ppd_http_format_time        (gint64             usec);
void        ppd_http_respond_json       (SoupServerMessage *msg,
                                         guint              status,
                                         JsonNode          *node);
void        ppd_http_respond_error      (PpdContext        *context,
                                         SoupServerMessage *msg,
                                         guint              status,
                                         PpProtocolError    code,
                                         const char        *message);
void        ppd_http_respond_room_error (PpdContext        *context,
                                         SoupServerMessage *msg,
                                         const GError      *error);
const char *ppd_http_get_bearer_token   (SoupServerMessage *msg);
const char *ppd_http_get_session_bearer (SoupServerMessage *msg);
char       *ppd_http_dup_cookie         (SoupServerMessage *msg,
                                         const char        *name);
gboolean    ppd_http_is_from_trusted_proxy
                                        (PpdContext        *context,
                                         SoupServerMessage *msg);
char       *ppd_http_dup_client_address (PpdContext        *context,
                                         SoupServerMessage *msg);
gboolean    ppd_http_check_origin       (PpdContext        *context,
                                         SoupServerMessage *msg);
JsonObject *ppd_http_parse_body_object  (PpdContext        *context,
                                         SoupServerMessage *msg,
                                         GError           **error);
void        ppd_http_refuse_large_body  (PpdContext        *context,
                                         SoupServerMessage *msg,
                                         goffset            max_bytes,
                                         const char        *message);

G_END_DECLS
