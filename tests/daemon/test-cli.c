/* test-cli.c: pairpadd's command line, config file, environment, and /metrics.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "daemon-harness.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs pairpadd to completion (options that make it exit). */
static void
run_daemon (Run                *run,
            const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_strv_builder_add (builder, g_getenv ("PAIRPADD"));
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);

  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static void
test_help_and_version (void)
{
  g_auto(Run) help = { 0, };
  g_auto(Run) version = { 0, };
  static const char * const documented[] = {
    "--port", "--address", "--database", "--config", "--verbose", "--version",
    "--max-frame-bytes", "--max-document-chars", "--max-users-per-room", "--max-ops-per-second",
    "--max-send-queue-bytes", "--ping-interval", "--idle-timeout", "--room-unload",
    "--snapshot-interval", "--catchup-limit", "--history-ops", "--max-bytes-per-second",
    "--max-connections-per-address", "--max-rooms-per-minute", "--tls-cert", "--tls-key",
    "--allowed-origin", "--trusted-proxy", "--auth", "--room-creation", "PAIRPAD_PORT",
    "PAIRPAD_DATABASE", "--completion-endpoint", "--completion-model", "--completion-api-key-file",
    "--completion-api", "--completion-timeout-ms",
  };

  run_daemon (&help, (const char *[]) { "--help", NULL });
  g_assert_cmpint (help.status, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    if (strstr (help.out, documented[i]) == NULL)
      g_test_fail_printf ("--help does not mention %s", documented[i]);

  run_daemon (&version, (const char *[]) { "--version", NULL });
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "pairpadd " PACKAGE_VERSION "\n");
}

typedef struct
{
  const char *name;
  const char *args[4];
  const char *env;
  const char *message;
} BadSetting;

static const BadSetting bad_settings[] = {
  { "port-not-a-number", { "--port", "eighty", NULL }, NULL, "port" },
  { "port-too-big", { "--port", "70000", NULL }, NULL, "65535" },
  { "env-port", { NULL }, "PAIRPAD_PORT=-1", "PAIRPAD_PORT" },
  { "database-scheme", { "--database", "mysql://x/y", NULL }, NULL, "database" },
  { "sqlite-relative", { "--database", "sqlite://relative.db", NULL }, NULL, "absolute" },
  { "unknown-option", { "--bogus", NULL }, NULL, "bogus" },
  { "idle-below-ping", { "--ping-interval", "30", "--idle-timeout", NULL }, NULL, NULL },
  { "missing-config", { "--config", "/nonexistent/pairpadd.conf", NULL }, NULL, "nonexistent" },
};

/* A bad setting stops the daemon at once with a message naming it. */
static void
test_bad_setting (gconstpointer data)
{
  const BadSetting *bad = data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pairpad-cli-XXXXXX", NULL);
  g_autofree char *db = g_strdup_printf ("sqlite://%s/x.db", dir);
  g_auto(GStrv) argv = NULL;

  g_strv_builder_add_many (builder, g_getenv ("PAIRPADD"), "--port", "0", "--database", db, NULL);
  for (guint i = 0; bad->args[i] != NULL; i++)
    g_strv_builder_add (builder, bad->args[i]);
  if (g_str_equal (bad->name, "idle-below-ping"))
    g_strv_builder_add (builder, "10");
  argv = g_strv_builder_end (builder);

  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", dir, TRUE);
  if (bad->env != NULL)
    {
      g_auto(GStrv) kv = g_strsplit (bad->env, "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "pairpadd: "));
  if (bad->message != NULL)
    g_assert_nonnull (strstr (err, bad->message));

  g_rmdir (dir);
}

/* Starts pairpadd with @args, @env and @config_text as its config file; returns the port. */
static guint
start_and_get_port (const char * const *args,
                    const char         *env_port,
                    const char         *config_text)
{
  g_autofree char *dir = g_dir_make_tmp ("pairpad-cli-XXXXXX", NULL);
  g_autofree char *conf_dir = g_build_filename (dir, "pairpad", NULL);
  g_autofree char *conf = g_build_filename (conf_dir, "pairpadd.conf", NULL);
  g_autofree char *db = g_strdup_printf ("sqlite://%s/x.db", dir);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) argv = NULL;
  const char *marker = "pairpadd listening on http://127.0.0.1:";
  const char *rm[] = { "rm", "-rf", dir, NULL };
  guint port;

  g_mkdir_with_parents (conf_dir, 0700);
  if (config_text != NULL)
    g_file_set_contents (conf, config_text, -1, &error);
  g_assert_no_error (error);

  g_strv_builder_add_many (builder, g_getenv ("PAIRPADD"), "--database", db, NULL);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_DIRS", dir, TRUE);
  if (env_port != NULL)
    g_subprocess_launcher_setenv (launcher, "PAIRPAD_PORT", env_port, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "PAIRPAD_PORT");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, marker));
  port = atoi (line + strlen (marker));

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);

  return port;
}

static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Options win over the config file, which wins over the environment. */
static void
test_precedence (void)
{
  guint env_port = free_port ();
  guint file_port = free_port ();
  guint option_port = free_port ();
  g_autofree char *env = g_strdup_printf ("%u", env_port);
  g_autofree char *file = g_strdup_printf ("[daemon]\nport=%u\n", file_port);
  g_autofree char *option = g_strdup_printf ("%u", option_port);

  g_assert_cmpuint (start_and_get_port ((const char *[]) { NULL }, env, NULL), ==, env_port);
  g_assert_cmpuint (start_and_get_port ((const char *[]) { NULL }, env, file), ==, file_port);
  g_assert_cmpuint (start_and_get_port ((const char *[]) { "--port", option, NULL }, env, file),
                    ==, option_port);
}

static void
test_metrics (void)
{
  g_autoptr(PpTestDaemon) daemon = pp_test_daemon_new (PP_BACKEND_SQLITE, NULL);
  g_autofree char *room = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestSocket) bad = NULL;
  g_autoptr(JsonNode) error = NULL;

  pp_test_daemon_start (daemon);
  room = pp_test_daemon_create_room (daemon, "");
  a = pp_test_client_new (daemon, room, "metrics-client", "A");
  pp_test_client_join (a);
  for (guint i = 0; i < 5; i++)
    {
      pp_test_client_insert (a, 0, "x");
      PP_TEST_WAIT (pp_test_client_is_synced (a), 10000);
    }

  bad = pp_test_socket_new (daemon, room);
  pp_test_socket_send (bad, "{\"type\":\"hello\",\"client\":\"metrics-bad-1\",\"name\":\"B\"}");
  g_assert_nonnull (pp_test_socket_wait_frame (bad, "welcome", 10000));
  pp_test_socket_send (bad, "{\"type\":\"op\",\"v\":5,\"seq\":1,\"op\":[99]}");
  error = pp_test_socket_wait_frame (bad, "error", 10000);
  g_assert_nonnull (error);

  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_rooms"), ==, 1);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_connections"), ==, 2);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_store_up"), ==, 1);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_ops_applied_total"), ==, 5);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_committed_ops_total"), ==, 5);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_commit_duration_seconds_count"), >=, 1);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_commit_duration_seconds_count"), <=, 5);
  g_assert_cmpint (pp_test_daemon_get_metric (daemon, "pairpad_errors_total{code=\"bad_op\"}"), ==, 1);

  pp_test_daemon_stop_cleanly (daemon);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/daemon/cli/help-and-version", test_help_and_version);
  for (guint i = 0; i < G_N_ELEMENTS (bad_settings); i++)
    {
      g_autofree char *path = g_strdup_printf ("/pp/daemon/cli/bad-setting/%s",
                                               bad_settings[i].name);

      g_test_add_data_func (path, &bad_settings[i], test_bad_setting);
    }
  g_test_add_func ("/pp/daemon/cli/precedence", test_precedence);
  g_test_add_func ("/pp/daemon/cli/metrics", test_metrics);

  return g_test_run ();
}
