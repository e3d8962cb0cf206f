/* ppd-config.c: the daemon's settings, from options, a config file and the environment.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-config"

#include "config.h"

#include <glib/gi18n.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ppd-config.h"
#include "ppd-static.h"

G_DEFINE_QUARK (ppd-config-error-quark, ppd_config_error)

typedef enum
{
  SETTING_STRING,
  SETTING_UINT,
} SettingType;

/* One table drives the defaults, the config file, the environment and the
 * options, so --help, docs/operations.md and the code cannot disagree. */
typedef struct
{
  const char  *name;        /* option --name, key name in the file */
  const char  *group;       /* config file group */
  const char  *env;         /* environment variable, or NULL */
  SettingType  type;
  gsize        offset;      /* into PpdConfig */
  guint        size;        /* sizeof the field, for integers */
  guint64      min;
  guint64      max;
  const char  *description;
  const char  *arg;
} Setting;

#define UINT_SETTING(n, g, e, field, lo, hi, desc, a) \
  { n, g, e, SETTING_UINT, offsetof (PpdConfig, field), sizeof (((PpdConfig *) 0)->field), lo, hi, desc, a }
#define STRING_SETTING(n, g, e, field, desc, a) \
  { n, g, e, SETTING_STRING, offsetof (PpdConfig, field), 0, 0, 0, desc, a }

static const Setting settings[] = {
  STRING_SETTING ("address", "daemon", "PAIRPAD_ADDRESS", address,
                  N_("Address to listen on (default 127.0.0.1)"), N_("ADDRESS")),
  UINT_SETTING ("port", "daemon", "PAIRPAD_PORT", port, 0, 65535,
                N_("Port to listen on, 0 for any free port (default 8000)"), N_("PORT")),
  STRING_SETTING ("database", "daemon", "PAIRPAD_DATABASE", database,
                  N_("sqlite:///abs/path.db or postgresql://user:pass@host:port/db "
                     "(default $XDG_DATA_HOME/pairpad/pairpad.db)"), N_("URL")),
  STRING_SETTING ("web-root", "daemon", "PAIRPAD_WEB_ROOT", web_root,
                  N_("Directory of the browser client (default: the installed one, or the build "
                     "tree's when run from it)"), N_("DIR")),
  STRING_SETTING ("tls-cert", "daemon", "PAIRPAD_TLS_CERT", tls_cert,
                  N_("PEM certificate (chain) to serve HTTPS and wss:// with; needs --tls-key"),
                  N_("FILE")),
  STRING_SETTING ("tls-key", "daemon", "PAIRPAD_TLS_KEY", tls_key,
                  N_("PEM private key of --tls-cert"), N_("FILE")),
  STRING_SETTING ("trusted-proxy", "daemon", "PAIRPAD_TRUSTED_PROXY", trusted_proxy,
                  N_("Addresses of reverse proxies whose X-Forwarded-For names the client, "
                     "comma-separated (default: none)"), N_("ADDRESSES")),
  STRING_SETTING ("allowed-origin", "daemon", "PAIRPAD_ALLOWED_ORIGIN", allowed_origin,
                  N_("Web origins besides the daemon's own whose pages may open rooms and call "
                     "the API, comma-separated, like https://app.example.com (default: none)"),
                  N_("ORIGINS")),
  STRING_SETTING ("auth", "daemon", "PAIRPAD_AUTH", auth,
                  N_("Who people are: none (names are self-chosen), accounts (people sign up "
                     "and sign in here) or proxy-header=HEADER (a --trusted-proxy names the "
                     "signed-in user in HEADER) (default none)"), N_("MODE")),
  STRING_SETTING ("room-creation", "daemon", "PAIRPAD_ROOM_CREATION", room_creation,
                  N_("Who may create rooms: anyone, or accounts (signed-in people only) "
                     "(default anyone)"), N_("WHO")),
  UINT_SETTING ("max-frame-bytes", "limits", "PAIRPAD_MAX_FRAME_BYTES", limits.max_frame_bytes,
                1024, 64 * 1024 * 1024, N_("Largest WebSocket frame accepted (default 1048576)"),
                N_("BYTES")),
  UINT_SETTING ("max-document-chars", "limits", "PAIRPAD_MAX_DOCUMENT_CHARS", max_document_chars,
                1, G_MAXINT32, N_("Largest document, in code points (default 16777216)"),
                N_("N")),
  UINT_SETTING ("max-users-per-room", "limits", "PAIRPAD_MAX_USERS_PER_ROOM", max_users_per_room,
                1, 100000, N_("Most sessions in one room (default 256)"), N_("N")),
  UINT_SETTING ("max-ops-per-second", "limits", "PAIRPAD_MAX_OPS_PER_SECOND", max_ops_per_second,
                1, 1000000, N_("Frames one connection may send per second (default 500)"), N_("N")),
  UINT_SETTING ("max-bytes-per-second", "limits", "PAIRPAD_MAX_BYTES_PER_SECOND",
                max_bytes_per_second, 1024, G_MAXINT32,
                N_("Bytes one connection may send per second, in bursts of twice the largest "
                   "frame (default 1048576)"), N_("BYTES")),
  UINT_SETTING ("max-connections-per-address", "limits", "PAIRPAD_MAX_CONNECTIONS_PER_ADDRESS",
                max_connections_per_address, 1, 1000000,
                N_("WebSockets open at once from one IP address (default 64)"), N_("N")),
  UINT_SETTING ("max-rooms-per-minute", "limits", "PAIRPAD_MAX_ROOMS_PER_MINUTE",
                max_rooms_per_minute, 1, 1000000,
                N_("Rooms one IP address may create per minute, in bursts of as many "
                   "(default 30)"), N_("N")),
  UINT_SETTING ("max-send-queue-bytes", "limits", "PAIRPAD_MAX_SEND_QUEUE_BYTES",
                max_send_queue_bytes, 65536, G_MAXINT32,
                N_("Unsent bytes after which a client that stopped reading is dropped "
                   "(default 16777216)"), N_("BYTES")),
  UINT_SETTING ("ping-interval", "limits", "PAIRPAD_PING_INTERVAL", ping_interval_s, 1, 3600,
                N_("Seconds between WebSocket pings (default 15)"), N_("SECONDS")),
  UINT_SETTING ("idle-timeout", "limits", "PAIRPAD_IDLE_TIMEOUT", idle_timeout_s, 2, 86400,
                N_("Seconds of silence (no frame, no pong) before a client is dropped (default 45)"),
                N_("SECONDS")),
  UINT_SETTING ("room-unload", "limits", "PAIRPAD_ROOM_UNLOAD", room_unload_s, 0, 86400,
                N_("Seconds an empty room stays in memory (default 60)"), N_("SECONDS")),
  UINT_SETTING ("snapshot-interval", "store", "PAIRPAD_SNAPSHOT_INTERVAL", snapshot_interval,
                1, 1000000, N_("Ops between stored snapshots of a room (default 1000)"), N_("N")),
  UINT_SETTING ("catchup-limit", "store", "PAIRPAD_CATCHUP_LIMIT", catchup_limit, 1, 10000000,
                N_("Log entries a room keeps for reconnecting clients (default 10000)"), N_("N")),
  UINT_SETTING ("history-ops", "store", "PAIRPAD_HISTORY_OPS", history_ops, 0, 1000000000,
                N_("Versions of full history every room keeps; older ops are folded into "
                   "snapshots, checkpoints stay readable (default 0: keep everything)"), N_("N")),
  STRING_SETTING ("completion-endpoint", "completion", "PAIRPAD_COMPLETION_ENDPOINT",
                  completion_endpoint,
                  N_("Base URL of a language model server that completes code, like "
                     "http://127.0.0.1:11434 (default: none, only the built-in completions)"),
                  N_("URL")),
  STRING_SETTING ("completion-model", "completion", "PAIRPAD_COMPLETION_MODEL", completion_model,
                  N_("Model the completion server runs, like qwen2.5-coder:1.5b; needed with "
                     "--completion-endpoint"), N_("NAME")),
  STRING_SETTING ("completion-api-key-file", "completion", "PAIRPAD_COMPLETION_API_KEY_FILE",
                  completion_api_key_file,
                  N_("File whose content is sent to the completion server as a bearer token "
                     "(default: none)"), N_("FILE")),
  STRING_SETTING ("completion-api", "completion", "PAIRPAD_COMPLETION_API", completion_api,
                  N_("How the completion server is spoken to: openai (/v1/completions) or "
                     "ollama (/api/generate) (default openai)"), N_("API")),
  STRING_SETTING ("cluster", "cluster", "PAIRPAD_CLUSTER", cluster,
                  N_("Run as one of several daemons sharing the PostgreSQL --database, with "
                     "Redis at redis://HOST:PORT carrying every committed edit to the others "
                     "(default: none, this daemon alone)"), N_("URL")),
  STRING_SETTING ("node-name", "cluster", "PAIRPAD_NODE_NAME", node_name,
                  N_("This daemon's name in logs, /healthz and /metrics (default HOST-PID)"),
                  N_("NAME")),
  UINT_SETTING ("completion-timeout-ms", "completion", "PAIRPAD_COMPLETION_TIMEOUT_MS",
                completion_timeout_ms, 10, 600000,
                N_("Milliseconds to wait for the model before answering with the built-in "
                   "completions only (default 1500)"), N_("MS")),
};

static void
setting_free_value (const Setting *s,
                    PpdConfig     *config)
{
  if (s->type == SETTING_STRING)
    g_clear_pointer ((char **) G_STRUCT_MEMBER_P (config, s->offset), g_free);
}

static gboolean
setting_apply (const Setting  *s,
               PpdConfig      *config,
               const char     *value,
               const char     *origin,
               GError        **error)
{
  guint64 n;

  if (s->type == SETTING_STRING)
    {
      setting_free_value (s, config);
      *(char **) G_STRUCT_MEMBER_P (config, s->offset) = g_strdup (value);
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (value, 10, s->min, s->max, &n, NULL))
    {
      /* The bounds are formatted apart: xgettext cannot follow
       * G_GUINT64_FORMAT inside a translatable string. */
      g_autofree char *min = g_strdup_printf ("%" G_GUINT64_FORMAT, s->min);
      g_autofree char *max = g_strdup_printf ("%" G_GUINT64_FORMAT, s->max);

      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("%s: “%s” must be a whole number from %s to %s, not “%s”"),
                   origin, s->name, min, max, value);
      return FALSE;
    }

  switch (s->size)
    {
    case sizeof (guint32):
      *(guint32 *) G_STRUCT_MEMBER_P (config, s->offset) = (guint32) n;
      break;
    case sizeof (guint64):
      *(guint64 *) G_STRUCT_MEMBER_P (config, s->offset) = n;
      break;
    default:
      g_assert_not_reached ();
    }

  return TRUE;
}

char *
ppd_config_dup_default_database (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "pairpad", "pairpad.db", NULL);

  return g_strconcat ("sqlite://", path, NULL);
}

PpdConfig *
ppd_config_new_default (void)
{
  PpdConfig *self = g_new0 (PpdConfig, 1);

  self->address = g_strdup ("127.0.0.1");
  self->port = 8000;
  self->database = ppd_config_dup_default_database ();
  self->web_root = ppd_static_dup_default_root ();
  self->auth = g_strdup ("none");
  self->room_creation = g_strdup ("anyone");
  pp_protocol_limits_init_default (&self->limits);
  self->max_document_chars = PP_DOCUMENT_DEFAULT_MAX_LENGTH;
  self->max_users_per_room = 256;
  self->max_ops_per_second = 500;
  self->max_bytes_per_second = 1024 * 1024;
  self->max_connections_per_address = 64;
  self->max_rooms_per_minute = 30;
  self->max_send_queue_bytes = 16 * 1024 * 1024;
  self->ping_interval_s = 15;
  self->idle_timeout_s = 45;
  self->room_unload_s = 60;
  self->snapshot_interval = 1000;
  self->catchup_limit = 10000;
  self->completion_api = g_strdup ("openai");
  self->completion_timeout_ms = 1500;

  return self;
}

void
ppd_config_free (PpdConfig *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    setting_free_value (&settings[i], self);
  g_strfreev (self->allowed_origins);
  g_strfreev (self->trusted_proxies);
  g_free (self->auth_header);
  if (self->completion_api_key != NULL)
    explicit_bzero (self->completion_api_key, strlen (self->completion_api_key));
  g_free (self->completion_api_key);
  g_free (self->cluster_host);
  g_free (self->config_file);
  g_free (self);
}

static GKeyFile *
load_key_file (const char  *explicit_path,
               char       **found_path,
               GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GPtrArray) dirs = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;

  if (explicit_path != NULL)
    {
      if (!g_key_file_load_from_file (key_file, explicit_path, G_KEY_FILE_NONE, error))
        {
          g_prefix_error (error, "%s: ", explicit_path);
          return NULL;
        }
      *found_path = g_strdup (explicit_path);
      return g_steal_pointer (&key_file);
    }

  g_ptr_array_add (dirs, (gpointer) g_get_user_config_dir ());
  for (const char * const *d = g_get_system_config_dirs (); *d != NULL; d++)
    g_ptr_array_add (dirs, (gpointer) *d);
  g_ptr_array_add (dirs, NULL);

  if (g_key_file_load_from_dirs (key_file, "pairpad/pairpadd.conf",
                                 (const char **) dirs->pdata, found_path,
                                 G_KEY_FILE_NONE, &local_error))
    return g_steal_pointer (&key_file);

  if (g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_NOT_FOUND) ||
      g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return NULL;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * ppd_config_normalize_origin:
 * @origin: what a browser sends as Origin, or an operator writes
 *
 * An origin as browsers serialize it (RFC 6454): scheme and host in lower
 * case, the port only when it is not the scheme's default, no path.
 *
 * Returns: (nullable): the origin, or %NULL when @origin is none
 */
char *
ppd_config_normalize_origin (const char *origin)
{
  g_autoptr(GUri) uri = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autofree char *authority = NULL;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (*g_uri_get_path (uri) != '\0' && !g_str_equal (g_uri_get_path (uri), "/")) ||
      g_uri_get_query (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    return NULL;

  scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);
  if (!g_str_equal (scheme, "http") && !g_str_equal (scheme, "https"))
    return NULL;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  authority = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]", host) : g_strdup (host);
  port = g_uri_get_port (uri);
  if (port < 0 || (port == 80 && g_str_equal (scheme, "http")) ||
      (port == 443 && g_str_equal (scheme, "https")))
    return g_strdup_printf ("%s://%s", scheme, authority);

  return g_strdup_printf ("%s://%s:%d", scheme, authority, port);
}

const char *
ppd_auth_mode_to_string (PpdAuthMode mode)
{
  switch (mode)
    {
    case PPD_AUTH_ACCOUNTS:
      return "accounts";
    case PPD_AUTH_PROXY_HEADER:
      return "proxy-header";
    case PPD_AUTH_NONE:
    default:
      return "none";
    }
}

const char *
ppd_room_creation_to_string (PpdRoomCreation creation)
{
  return creation == PPD_ROOM_CREATION_ACCOUNTS ? "accounts" : "anyone";
}

/* A field name as HTTP spells it (RFC 9110: a token). */
static gboolean
is_header_name (const char *name)
{
  if (*name == '\0')
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;

  return TRUE;
}

static gboolean
validate_identity (PpdConfig  *self,
                   GError    **error)
{
  const char *header = g_str_has_prefix (self->auth, "proxy-header=")
                       ? self->auth + strlen ("proxy-header=") : NULL;
  gboolean has_proxy = FALSE;

  g_clear_pointer (&self->auth_header, g_free);
  if (g_str_equal (self->auth, "none"))
    self->auth_mode = PPD_AUTH_NONE;
  else if (g_str_equal (self->auth, "accounts"))
    self->auth_mode = PPD_AUTH_ACCOUNTS;
  else if (header != NULL && is_header_name (header))
    {
      self->auth_mode = PPD_AUTH_PROXY_HEADER;
      self->auth_header = g_strdup (header);
    }
  else
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("auth: “%s” must be none, accounts or proxy-header=HEADER "
                     "(like proxy-header=X-Forwarded-User)"), self->auth);
      return FALSE;
    }

  /* Anyone who can reach the daemon could send the header: it names the
   * user only when a proxy we know set it. */
  for (guint i = 0; self->trusted_proxies[i] != NULL; i++)
    has_proxy |= *self->trusted_proxies[i] != '\0';
  if (self->auth_mode == PPD_AUTH_PROXY_HEADER && !has_proxy)
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("auth: proxy-header mode needs trusted-proxy: %s is believed only "
                     "from the reverse proxies listed there"), self->auth_header);
      return FALSE;
    }

  if (g_str_equal (self->room_creation, "anyone"))
    self->room_creation_mode = PPD_ROOM_CREATION_ANYONE;
  else if (g_str_equal (self->room_creation, "accounts"))
    self->room_creation_mode = PPD_ROOM_CREATION_ACCOUNTS;
  else
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("room-creation: “%s” must be anyone or accounts"), self->room_creation);
      return FALSE;
    }

  if (self->room_creation_mode == PPD_ROOM_CREATION_ACCOUNTS && self->auth_mode == PPD_AUTH_NONE)
    {
      g_set_error_literal (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                           _("room-creation: accounts needs auth=accounts or "
                             "auth=proxy-header=HEADER: with auth=none nobody signs in"));
      return FALSE;
    }

  return TRUE;
}

/* The model server: a plain http(s) URL, a model, and the key read once,
 * now, so that a missing file stops the start and not the first request. */
static gboolean
validate_completion (PpdConfig  *self,
                     GError    **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *key = NULL;
  gsize length;

  if (g_str_equal (self->completion_api, "openai"))
    self->completion_api_kind = PPD_COMPLETION_API_OPENAI;
  else if (g_str_equal (self->completion_api, "ollama"))
    self->completion_api_kind = PPD_COMPLETION_API_OLLAMA;
  else
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("completion-api: “%s” must be openai or ollama"), self->completion_api);
      return FALSE;
    }

  if (self->completion_endpoint != NULL && *self->completion_endpoint == '\0')
    g_clear_pointer (&self->completion_endpoint, g_free);
  if (self->completion_endpoint == NULL)
    return TRUE;

  uri = g_uri_parse (self->completion_endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("completion-endpoint: “%s” is not an http:// or https:// URL"),
                   self->completion_endpoint);
      return FALSE;
    }
  /* The paths are appended: http://host:11434/ and http://host:11434 are one. */
  length = strlen (self->completion_endpoint);
  while (length > 0 && self->completion_endpoint[length - 1] == '/')
    self->completion_endpoint[--length] = '\0';

  if (self->completion_model == NULL || *self->completion_model == '\0')
    {
      g_set_error_literal (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                           _("completion-endpoint needs completion-model, the model to ask"));
      return FALSE;
    }

  if (self->completion_api_key_file != NULL)
    {
      if (!g_file_get_contents (self->completion_api_key_file, &key, NULL, error))
        {
          g_prefix_error (error, "completion-api-key-file: ");
          return FALSE;
        }
      g_strstrip (key);
      if (*key == '\0' || strpbrk (key, "\r\n") != NULL)
        {
          g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                       _("completion-api-key-file: %s must hold one key on one line"),
                       self->completion_api_key_file);
          explicit_bzero (key, strlen (key));
          return FALSE;
        }
      g_free (self->completion_api_key);
      self->completion_api_key = g_steal_pointer (&key);
    }

  return TRUE;
}

#define NODE_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define MAX_NODE_NAME 48

/* Cluster mode: Redis as redis://HOST:PORT, and a store every daemon shares. */
static gboolean
validate_cluster (PpdConfig  *self,
                  GError    **error)
{
  g_autoptr(GUri) uri = NULL;

  if (self->node_name == NULL || *self->node_name == '\0')
    {
      g_free (self->node_name);
      self->node_name = g_strdup_printf ("%.40s-%d", g_get_host_name (), (int) getpid ());
      g_strcanon (self->node_name, NODE_NAME_CHARS, '-');
    }

  /* It names the daemon in Redis messages and in client ids of its own. */
  if (strlen (self->node_name) > MAX_NODE_NAME ||
      strspn (self->node_name, NODE_NAME_CHARS) != strlen (self->node_name))
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("node-name: “%s” must be 1 to %d letters, digits, “-” or “_”"),
                   self->node_name, MAX_NODE_NAME);
      return FALSE;
    }

  if (self->cluster != NULL && *self->cluster == '\0')
    g_clear_pointer (&self->cluster, g_free);
  if (self->cluster == NULL)
    return TRUE;

  uri = g_uri_parse (self->cluster, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "redis") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("cluster: “%s” is not a redis://HOST:PORT URL"), self->cluster);
      return FALSE;
    }
  g_free (self->cluster_host);
  self->cluster_host = g_strdup (g_uri_get_host (uri));
  self->cluster_port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 6379;

  if (g_str_has_prefix (self->database, "sqlite://"))
    {
      g_set_error_literal (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                           _("cluster needs a PostgreSQL database that every daemon shares: "
                             "give database=postgresql://…"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
validate (PpdConfig  *self,
          GError    **error)
{
  if (!g_str_has_prefix (self->database, "sqlite://") &&
      !g_str_has_prefix (self->database, "postgresql://") &&
      !g_str_has_prefix (self->database, "postgres://"))
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("database: “%s” is neither sqlite:///path nor postgresql://…"),
                   self->database);
      return FALSE;
    }

  if ((self->tls_cert == NULL) != (self->tls_key == NULL))
    {
      g_set_error_literal (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                           _("tls-cert and tls-key go together: give both or neither"));
      return FALSE;
    }

  g_clear_pointer (&self->trusted_proxies, g_strfreev);
  self->trusted_proxies = g_strsplit (self->trusted_proxy ? self->trusted_proxy : "", ",", -1);
  for (guint i = 0; self->trusted_proxies[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) inet = NULL;
      char *address = g_strstrip (self->trusted_proxies[i]);

      if (*address == '\0')
        continue;
      inet = g_inet_address_new_from_string (address);
      if (inet == NULL)
        {
          g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                       _("trusted-proxy: “%s” is not an IP address"), address);
          return FALSE;
        }
      g_free (self->trusted_proxies[i]);
      self->trusted_proxies[i] = g_inet_address_to_string (inet);
    }

  if (!validate_identity (self, error))
    return FALSE;

  if (!validate_completion (self, error) || !validate_cluster (self, error))
    return FALSE;

  g_clear_pointer (&self->allowed_origins, g_strfreev);
  self->allowed_origins = g_strsplit (self->allowed_origin ? self->allowed_origin : "", ",", -1);
  for (guint i = 0; self->allowed_origins[i] != NULL; i++)
    {
      char *origin = g_strstrip (self->allowed_origins[i]);
      g_autofree char *normal = ppd_config_normalize_origin (origin);

      if (*origin == '\0')
        continue;
      if (normal == NULL)
        {
          g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                       _("allowed-origin: “%s” is not an origin like https://app.example.com"),
                       origin);
          return FALSE;
        }
      g_free (self->allowed_origins[i]);
      self->allowed_origins[i] = g_steal_pointer (&normal);
    }

  if (self->idle_timeout_s <= self->ping_interval_s)
    {
      g_set_error (error, PPD_CONFIG_ERROR, PPD_CONFIG_ERROR_INVALID,
                   _("idle-timeout (%u s) must be longer than ping-interval (%u s)"),
                   self->idle_timeout_s, self->ping_interval_s);
      return FALSE;
    }

  return TRUE;
}

/* Precedence: options, then the config file, then PAIRPAD_* variables, then defaults. */
PpdConfig *
ppd_config_new_from_args (int        *argc,
                          char     ***argv,
                          gboolean   *exit_now,
                          GError    **error)
{
  g_autoptr(PpdConfig) self = ppd_config_new_default ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  char *cli_values[G_N_ELEMENTS (settings)] = { NULL, };
  g_autofree char *config_path = NULL;
  gboolean version = FALSE;
  gboolean ok = FALSE;
  const GOptionEntry fixed_entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
      N_("Read settings from FILE (default: pairpad/pairpadd.conf in the config dirs)"),
      N_("FILE") },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &self->verbose, N_("Log debug messages"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
  };

  *exit_now = FALSE;

  g_array_append_vals (entries, fixed_entries, G_N_ELEMENTS (fixed_entries));
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      GOptionEntry entry = {
        settings[i].name, 0, 0, G_OPTION_ARG_STRING, &cli_values[i],
        settings[i].description, settings[i].arg,
      };
      g_array_append_val (entries, entry);
    }

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    _("Serves Pairpad rooms: a REST API and one WebSocket per room, with every edit\n"
      "stored before it is acknowledged."));
  g_option_context_set_description (context,
    _("Settings come from the options, then the config file (groups [daemon], [limits],\n"
      "[store] and [completion], keys named like the options), then PAIRPAD_* environment\n"
      "variables (PAIRPAD_PORT, PAIRPAD_ADDRESS, PAIRPAD_DATABASE, PAIRPAD_MAX_FRAME_BYTES,\n"
      "…). See docs/operations.md."));
  g_option_context_add_main_entries (context, (GOptionEntry *) entries->data, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, error))
    goto out;

  if (version)
    {
      g_print ("pairpadd %s\n", PACKAGE_VERSION);
      *exit_now = TRUE;
      ok = TRUE;
      goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const char *value = settings[i].env ? g_getenv (settings[i].env) : NULL;

      if (value != NULL && *value != '\0' &&
          !setting_apply (&settings[i], self, value, settings[i].env, error))
        goto out;
    }

  key_file = load_key_file (config_path, &self->config_file, error);
  if (key_file == NULL && error != NULL && *error != NULL)
    goto out;

  for (guint i = 0; key_file != NULL && i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *value = g_key_file_get_string (key_file, settings[i].group,
                                                      settings[i].name, NULL);

      if (value != NULL && !setting_apply (&settings[i], self, g_strstrip (value),
                                           self->config_file, error))
        goto out;
    }

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      if (cli_values[i] != NULL && !setting_apply (&settings[i], self, cli_values[i],
                                                   "command line", error))
        goto out;
    }

  ok = validate (self, error);

out:
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    g_free (cli_values[i]);

  return ok ? g_steal_pointer (&self) : NULL;
}
