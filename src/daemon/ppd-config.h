/* ppd-config.h: the daemon's settings, from options, a config file and the environment.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <pairpad.h>

G_BEGIN_DECLS

/* Who a request's person is (--auth). */
typedef enum
{
  PPD_AUTH_NONE,           /* nobody signs in: every name is self-chosen */
  PPD_AUTH_ACCOUNTS,       /* the daemon's own accounts and sessions */
  PPD_AUTH_PROXY_HEADER,   /* a trusted reverse proxy names the user in a header */
} PpdAuthMode;

/* Who may create rooms (--room-creation). */
typedef enum
{
  PPD_ROOM_CREATION_ANYONE,
  PPD_ROOM_CREATION_ACCOUNTS,   /* signed-in people only */
} PpdRoomCreation;

/* How the completion model's server is spoken to (--completion-api). */
typedef enum
{
  PPD_COMPLETION_API_OPENAI,   /* POST {endpoint}/v1/completions */
  PPD_COMPLETION_API_OLLAMA,   /* POST {endpoint}/api/generate */
} PpdCompletionApi;

/* Validated once at start-up; read-only afterwards. */
typedef struct
{
  char             *address;
  guint             port;
  char             *database;            /* sqlite:///abs/path.db | postgresql://… */
  char             *web_root;            /* the browser client's files */
  char             *tls_cert;            /* PEM files, both or neither */
  char             *tls_key;
  char             *trusted_proxy;       /* as given: comma-separated */
  GStrv             trusted_proxies;     /* normalized IP addresses */
  char             *allowed_origin;      /* as given: comma-separated */
  GStrv             allowed_origins;     /* normalized, from allowed_origin */
  char             *auth;                /* as given: none | accounts | proxy-header=HEADER */
  PpdAuthMode       auth_mode;           /* from auth */
  char             *auth_header;         /* proxy-header mode: the header, from auth */
  char             *room_creation;       /* as given: anyone | accounts */
  PpdRoomCreation   room_creation_mode;  /* from room_creation */
  char             *config_file;         /* the file that was read, or NULL */
  gboolean          verbose;

  PpProtocolLimits  limits;
  gsize             max_document_chars;
  guint             max_users_per_room;
  guint             max_ops_per_second;  /* per connection, a burst of as many is allowed */
  guint             max_bytes_per_second; /* per connection */
  guint             max_connections_per_address;
  guint             max_rooms_per_minute; /* per address */
  gsize             max_send_queue_bytes;
  guint             ping_interval_s;
  guint             idle_timeout_s;
  guint             room_unload_s;
  guint             snapshot_interval;   /* ops between snapshots */
  guint             catchup_limit;       /* log entries a room keeps in memory for hello.v */
  guint             history_ops;         /* versions of full history kept; 0: all */

  char             *completion_endpoint; /* base URL of a model server, or NULL: none */
  char             *completion_model;
  char             *completion_api_key_file;
  char             *completion_api_key;  /* read from the file at start; never logged */
  char             *completion_api;      /* as given: openai | ollama */
  PpdCompletionApi  completion_api_kind; /* from completion_api */
  guint             completion_timeout_ms;

  char             *cluster;             /* redis://HOST:PORT, or NULL: this daemon alone */
  char             *cluster_host;        /* from cluster */
  guint             cluster_port;        /* from cluster */
  char             *node_name;           /* this daemon's name among the others */
} PpdConfig;

#define PPD_CONFIG_ERROR (ppd_config_error_quark ())

typedef enum
{
  PPD_CONFIG_ERROR_FAILED,
  PPD_CONFIG_ERROR_INVALID,
} PpdConfigError;

GQuark      ppd_config_error_quark      (void);
PpdConfig  *ppd_config_new_default      (void);
PpdConfig  *ppd_config_new_from_args   (int          *argc,
                                         char       ***argv,
                                         gboolean     *exit_now,
                                         GError      **error);
void        ppd_config_free             (PpdConfig    *self);
char       *ppd_config_dup_default_database (void);
char       *ppd_config_normalize_origin (const char   *origin);
const char *ppd_auth_mode_to_string     (PpdAuthMode   mode);
const char *ppd_room_creation_to_string (PpdRoomCreation creation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdConfig, ppd_config_free)

G_END_DECLS
