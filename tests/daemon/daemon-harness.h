/* daemon-harness.h: runs the real pairpadd for the integration suites, with real clients.
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
  PP_BACKEND_SQLITE,
  PP_BACKEND_POSTGRESQL,
} PpBackend;

/* A pairpadd process on 127.0.0.1 with its own database: a SQLite file in
 * a temporary directory, or a fresh database on the PostgreSQL server named
 * by $PAIRPAD_TEST_POSTGRES_URL (started by tests/run-all.sh). Or, from
 * pp_test_daemon_new_for_url(), only the address of a daemon (or balancer)
 * someone else runs: no process, no database. */
typedef struct
{
  PpBackend     backend;
  GSubprocess  *process;
  char         *tmpdir;
  char         *database;
  char         *pg_admin_url;
  char         *pg_name;
  guint         port;
  char         *base_url;
  char         *ws_base_url;
  GStrv         extra_args;
  SoupSession  *http;
  GTlsDatabase *tls_database;  /* trusted by every session, for a TLS daemon */
} PpTestDaemon;

/* A client of the protocol driven by libpairpad's PpClientSession over a
 * libsoup WebSocket: what the desktop app will be. */
typedef struct
{
  PpTestDaemon            *daemon;
  char                    *room;
  PpClientSession         *session;
  SoupSession             *soup;
  SoupWebsocketConnection *ws;
  GCancellable            *cancellable;
  gboolean                 connecting;
  gboolean                 closed;
  gushort                  close_code;
  guint                    n_errors;
  int                      last_error;
  guint                    n_remote_ops;
  guint                    n_acks;
  guint                    n_joins;
  guint                    n_leaves;
  guint                    n_presence;
  guint                    n_meta;
  /* Reconnect shortly after the connection ends or cannot be opened, as
   * the app and the browser client do; pp_test_client_disconnect() does
   * not count. */
  gboolean                 auto_reconnect;
  guint                    reconnect_id;
} PpTestClient;

/* A bare WebSocket that records every frame it receives, for bad input. */
typedef struct
{
  SoupSession             *soup;
  SoupWebsocketConnection *ws;
  GPtrArray               *frames;     /* of JsonNode */
  gboolean                 connected;
  gboolean                 failed;
  gboolean                 closed;
  gushort                  close_code;
} PpTestSocket;

/* A WebSocket client written by hand on a blocking socket, for clients that
 * misbehave below the protocol: never answering pings, never reading. */
typedef struct
{
  GSocket    *socket;
  PpWsReader *reader;
} PpTestRawClient;

const char   *pp_backend_name              (PpBackend      backend);

/* NULL (and the test skipped) when the backend is not available. */
PpTestDaemon *pp_test_daemon_new           (PpBackend      backend,
                                            const char    *first_arg,
                                            ...);
PpTestDaemon *pp_test_daemon_new_for_url   (const char    *base_url);
void          pp_test_daemon_start         (PpTestDaemon  *daemon);
void          pp_test_daemon_trust         (PpTestDaemon  *daemon,
                                            GTlsDatabase  *database);
SoupSession  *pp_test_daemon_new_session   (PpTestDaemon  *daemon);
int           pp_test_daemon_stop          (PpTestDaemon  *daemon,
                                            int            signal);
void          pp_test_daemon_stop_cleanly  (PpTestDaemon  *daemon);
gint64        pp_test_daemon_get_metric    (PpTestDaemon  *daemon,
                                            const char    *name);
void          pp_test_daemon_free          (PpTestDaemon  *daemon);

JsonNode     *pp_test_daemon_request       (PpTestDaemon  *daemon,
                                            const char    *method,
                                            const char    *path,
                                            const char    *body,
                                            guint         *status);
JsonNode     *pp_test_daemon_request_with_token (PpTestDaemon *daemon,
                                                const char   *method,
                                                const char   *path,
                                                const char   *body,
                                                const char   *token,
                                                guint        *status);
JsonNode     *pp_test_daemon_request_with_headers
                                           (PpTestDaemon        *daemon,
                                            const char          *method,
                                            const char          *path,
                                            const char          *body,
                                            const char * const  *headers,
                                            guint               *status,
                                            SoupMessageHeaders **response_headers);
JsonNode     *pp_test_room_request         (PpTestDaemon  *daemon,
                                            const char    *room,
                                            const char    *method,
                                            const char    *resource,
                                            const char    *body,
                                            const char    *token,
                                            guint          expected_status);
char         *pp_test_daemon_create_room   (PpTestDaemon  *daemon,
                                            const char    *text);
char         *pp_test_daemon_dup_text      (PpTestDaemon  *daemon,
                                            const char    *room,
                                            gint64        *version);
char         *pp_test_daemon_dup_ws_url    (PpTestDaemon  *daemon,
                                            const char    *room);

PpTestClient *pp_test_client_new           (PpTestDaemon  *daemon,
                                            const char    *room,
                                            const char    *client_id,
                                            const char    *name);
void          pp_test_client_connect       (PpTestClient  *client);
gboolean      pp_test_client_is_joined     (PpTestClient  *client);
void          pp_test_client_join          (PpTestClient  *client);
void          pp_test_client_disconnect    (PpTestClient  *client);
void          pp_test_client_vanish        (PpTestClient  *client);
gboolean      pp_test_client_is_synced     (PpTestClient  *client);
void          pp_test_client_insert        (PpTestClient  *client,
                                            gsize          pos,
                                            const char    *text);
void          pp_test_client_delete        (PpTestClient  *client,
                                            gsize          pos,
                                            gsize          count);
void          pp_test_client_random_edit   (PpTestClient  *client);
char         *pp_test_client_dup_text      (PpTestClient  *client);
void          pp_test_client_free          (PpTestClient  *client);
void          pp_test_clients_assert_converged (PpTestDaemon  *daemon,
                                                const char    *room,
                                                PpTestClient **clients,
                                                guint          n);

PpTestSocket *pp_test_socket_new           (PpTestDaemon  *daemon,
                                            const char    *room);
PpTestSocket *pp_test_socket_new_with_headers
                                           (PpTestDaemon       *daemon,
                                            const char         *room,
                                            const char * const *headers);
void          pp_test_socket_send          (PpTestSocket  *socket,
                                            const char    *frame);
void          pp_test_socket_send_binary   (PpTestSocket  *socket,
                                            gconstpointer  data,
                                            gsize          n_bytes);
JsonNode     *pp_test_socket_wait_frame    (PpTestSocket  *socket,
                                            const char    *type,
                                            guint          timeout_ms);
gboolean      pp_test_socket_wait_closed   (PpTestSocket  *socket,
                                            guint          timeout_ms);
void          pp_test_socket_free          (PpTestSocket  *socket);
gboolean      pp_test_clients_all_synced   (PpTestClient **clients,
                                            guint          n);
guint         pp_test_socket_count_frames  (PpTestSocket  *socket,
                                            const char    *type);
gsize         pp_test_count_occurrences    (const char    *haystack,
                                            const char    *needle);

PpTestRawClient *pp_test_raw_client_new     (PpTestDaemon    *daemon,
                                              const char      *room,
                                              int              receive_buffer);
void             pp_test_raw_client_send    (PpTestRawClient *client,
                                              const char      *frame);
void             pp_test_raw_client_send_frame
                                             (PpTestRawClient *client,
                                              guint8           first_byte,
                                              const void      *payload,
                                              gsize            n_bytes,
                                              gboolean         masked);
void             pp_test_raw_client_send_bytes
                                             (PpTestRawClient *client,
                                              const void      *data,
                                              gsize            n_bytes);
PpWsReadResult   pp_test_raw_client_read    (PpTestRawClient *client,
                                              PpWsFrame       *frame,
                                              guint            timeout_ms);
gboolean         pp_test_raw_client_wait_eof
                                             (PpTestRawClient *client,
                                              guint            timeout_ms);
void             pp_test_raw_client_free    (PpTestRawClient *client);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestDaemon, pp_test_daemon_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestRawClient, pp_test_raw_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestClient, pp_test_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestSocket, pp_test_socket_free)

G_END_DECLS
