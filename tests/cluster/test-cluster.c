/* test-cluster.c: three pairpadd on one PostgreSQL and Redis behind HAProxy, and their failures.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-cluster"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "daemon-harness.h"

/* deploy/run-local.sh starts the topology once for the whole binary, in a
 * temporary run directory, on the ports from PAIRPAD_TEST_CLUSTER_PORT
 * (default 18300, clear of the daemons' defaults and of the ephemeral
 * ports the other suites' daemons take):
 *
 *   +0 HAProxy   +1..+3 pairpadd-1..3   +4 HAProxy stats   +5 Redis   +6 PostgreSQL
 *
 * Every test begins with every part up, and HAProxy counting all three
 * daemons up; it may break parts, and its teardown mends what a failed test
 * left broken. A guard process stops the cluster when this process ends,
 * however it ends (an assertion's abort, meson's kill after the timeout):
 * it waits for the end of its stdin, a pipe only this process holds, and it
 * runs in a session of its own so that a kill of this process group misses
 * it. The run directory, with the log of every part, stays when a test
 * failed; the TAP output names it. */

#define N_DAEMONS 3
#define DEFAULT_BASE_PORT 18300
#define HEALTH_TIMEOUT_MS 30000
#define CONVERGE_TIMEOUT_MS 30000

typedef struct
{
  char         *skip_reason;
  char         *script;      /* deploy/run-local.sh */
  char         *build_root;
  char         *run_dir;
  guint         base_port;
  GSubprocess  *guard;
  gboolean      started;
  gboolean      start_failed;
  PpTestDaemon *balancer;
  PpTestDaemon *daemons[N_DAEMONS];
} Cluster;

static Cluster cluster;

typedef struct
{
  gboolean ready;
  goffset  log_offsets[N_DAEMONS];
} Fixture;

/* Iterates the main context until @expr holds; sets @ok, and fails the
 * test after @timeout_ms. Unlike PP_TEST_WAIT, it tells this wait's
 * outcome apart from an earlier failure of the test, so that one test can
 * check several things. */
#define WAIT_FOR(ok, expr, timeout_ms) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!((ok) = (expr)) && g_get_monotonic_time () <= _deadline) \
      if (!g_main_context_iteration (NULL, FALSE)) \
        g_usleep (200); \
    if (!(ok)) \
      g_test_fail_printf ("timed out after %u ms waiting for: %s", (guint) (timeout_ms), #expr); \
  } G_STMT_END

/* Leaves the test (its teardown mends the cluster) when the wait times out. */
#define WAIT_OR_RETURN(expr, timeout_ms) \
  G_STMT_START { \
    gboolean _ok; \
    WAIT_FOR (_ok, expr, timeout_ms); \
    if (!_ok) \
      return; \
  } G_STMT_END

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

static void
count_signal (guint *counter)
{
  (*counter)++;
}

static char *
daemon_log_path (guint n)
{
  g_autofree char *name = g_strdup_printf ("pairpadd-%u.log", n + 1);

  return g_build_filename (cluster.run_dir, name, NULL);
}

/* ---- deploy/run-local.sh ------------------------------------------------- */

/* Output goes to RUN_DIR/run-local.log, each command under a line naming
 * the test and the time, to read beside the daemons' logs. */
static GSubprocessLauncher *
new_launcher (GSubprocessFlags  flags,
              const char       *what)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (flags | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *log = g_build_filename (cluster.run_dir, "run-local.log", NULL);
  g_autofree char *web_root = g_build_filename (cluster.run_dir, "web", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%T.%f");
  g_autofree char *header = g_strdup_printf ("--- %s %s: %s\n", stamp,
                                             g_test_get_path () ? g_test_get_path () : "",
                                             what);
  int fd = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const struct { const char *name; guint offset; } ports[] = {
    { "PP_CLUSTER_PORT", 0 },
    { "PP_CLUSTER_DAEMON_PORT", 1 },
    { "PP_CLUSTER_STATS_PORT", 4 },
    { "PP_CLUSTER_REDIS_PORT", 5 },
    { "PP_CLUSTER_PG_PORT", 6 },
  };

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, header, strlen (header)), ==, strlen (header));
  g_subprocess_launcher_take_stdout_fd (launcher, fd);

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autofree char *port = g_strdup_printf ("%u", cluster.base_port + ports[i].offset);

      g_subprocess_launcher_setenv (launcher, ports[i].name, port, TRUE);
    }
  /* frontend/dist may not be built yet: the daemons only need a page. */
  g_subprocess_launcher_setenv (launcher, "PP_CLUSTER_WEB_ROOT", web_root, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PP_CLUSTER_DAEMON_ARGS");

  return launcher;
}

/* @n: a daemon number (1–3), or 0 for commands about the whole cluster. */
static GSubprocess *
run_local_async (const char *command,
                 guint       n)
{
  g_autofree char *num = n > 0 ? g_strdup_printf ("%u", n) : NULL;
  g_autofree char *what = g_strdup_printf ("run-local.sh %s%s%s", command, num ? " " : "",
                                           num ? num : "");
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (G_SUBPROCESS_FLAGS_NONE, what);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_strv_builder_add_many (builder, cluster.script, command, cluster.run_dir, NULL);
  if (num != NULL)
    g_strv_builder_add (builder, num);
  if (g_str_equal (command, "start") || g_str_equal (command, "start-daemon"))
    g_strv_builder_add_many (builder, "--build", cluster.build_root, NULL);
  argv = g_strv_builder_end (builder);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);

  return process;
}

static gboolean
finish_run_local (GSubprocess *process,
                  const char  *command)
{
  if (!g_subprocess_get_successful (process))
    {
      g_test_fail_printf ("run-local.sh %s failed (see %s/run-local.log)", command,
                          cluster.run_dir);
      return FALSE;
    }

  return TRUE;
}

static gboolean
run_local (const char *command,
           guint       n)
{
  g_autoptr(GSubprocess) process = run_local_async (command, n);
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  return finish_run_local (process, command);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  gboolean *exited = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *exited = TRUE;
}

/* The guard: `run-local.sh stop` once our end of its stdin closes. */
static void
start_guard (void)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                                          "guard (runs stop when the test ends)");
  g_autoptr(GError) error = NULL;

  cluster.guard = g_subprocess_launcher_spawn (launcher, &error, "setsid", "-w", "sh", "-c",
                                               "cat >/dev/null; exec \"$0\" stop \"$1\"",
                                               cluster.script, cluster.run_dir, NULL);
  g_assert_no_error (error);
}

/* Stops everything (daemons with SIGTERM, waiting for their exit). */
static gboolean
stop_cluster (void)
{
  g_autoptr(GSubprocess) guard = g_steal_pointer (&cluster.guard);
  g_autoptr(GError) error = NULL;

  if (guard == NULL)
    return TRUE;

  g_output_stream_close (g_subprocess_get_stdin_pipe (guard), NULL, NULL);
  cluster.started = FALSE;
  g_subprocess_wait (guard, NULL, &error);
  g_assert_no_error (error);

  return g_subprocess_get_successful (guard);
}

/* ---- HTTP without assertions: parts may be down ------------------------- */

/* GET @path: the status (0 when nothing answered) and the JSON body, if any. */
static guint
http_get (PpTestDaemon  *daemon,
          const char    *path,
          JsonNode     **json)
{
  g_autofree char *url = g_strconcat (daemon->base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (daemon->http, msg, NULL, NULL);

  if (json != NULL)
    *json = body ? pp_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), 64,
                                  NULL)
                 : NULL;

  return body ? soup_message_get_status (msg) : 0;
}

/* /healthz: its HTTP status, and in @status its "status" member. */
static guint
get_health (PpTestDaemon  *daemon,
            char         **status)
{
  g_autoptr(JsonNode) json = NULL;
  guint code = http_get (daemon, "/healthz", &json);

  if (status != NULL)
    *status = json && JSON_NODE_HOLDS_OBJECT (json)
              ? g_strdup (json_object_get_string_member_with_default (json_node_get_object (json),
                                                                     "status", NULL))
              : NULL;

  return code;
}

static gboolean
health_is (PpTestDaemon *daemon,
           guint         code,
           const char   *status)
{
  g_autofree char *got = NULL;

  return get_health (daemon, &got) == code && (status == NULL || g_strcmp0 (got, status) == 0);
}

static gboolean
all_health_is (guint       code,
               const char *status)
{
  for (guint i = 0; i < N_DAEMONS; i++)
    if (!health_is (cluster.daemons[i], code, status))
      return FALSE;

  return TRUE;
}

/* Polls at most every 100 ms, serving the clients meanwhile. */
static gboolean
wait_all_health (guint       code,
                 const char *status,
                 guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!all_health_is (code, status))
    {
      if (g_get_monotonic_time () > deadline)
        {
          GString *seen = g_string_new (NULL);

          for (guint i = 0; i < N_DAEMONS; i++)
            {
              g_autofree char *got = NULL;
              guint got_code = get_health (cluster.daemons[i], &got);

              g_string_append_printf (seen, " pairpadd-%u: %u %s;", i + 1, got_code,
                                      got ? got : "-");
            }
          g_test_fail_printf ("/healthz is not %u %s on every daemon after %u ms:%s", code,
                              status ? status : "", timeout_ms, seen->str);
          g_string_free (seen, TRUE);
          return FALSE;
        }
      spin (100);
    }

  return TRUE;
}

/* HAProxy's own view (its stats as CSV): every daemon UP. */
static gboolean
balancer_sees_all_up (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/stats;csv", cluster.base_port + 4);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (cluster.balancer->http, msg, NULL, NULL);
  g_autofree char *text = body ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                               : NULL;
  g_auto(GStrv) lines = text ? g_strsplit (text, "\n", -1) : NULL;
  guint n_up = 0;

  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      /* pxname, svname, ..., status is the 18th field. */
      if (g_strv_length (fields) > 17 && g_str_equal (fields[0], "pairpadd") &&
          g_str_has_prefix (fields[1], "pairpadd-") && g_str_equal (fields[17], "UP"))
        n_up++;
    }

  return n_up == N_DAEMONS;
}

/* ---- the cluster --------------------------------------------------------- */

static gboolean
ensure_cluster (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *web_root = NULL;
  g_autofree char *index = NULL;

  if (cluster.started)
    return TRUE;
  if (cluster.start_failed)
    {
      g_test_fail_printf ("the cluster did not start (see %s/run-local.log)", cluster.run_dir);
      return FALSE;
    }

  cluster.run_dir = g_dir_make_tmp ("pairpad-cluster-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_message ("cluster run directory (logs of every part): %s", cluster.run_dir);
  web_root = g_build_filename (cluster.run_dir, "web", NULL);
  index = g_build_filename (web_root, "index.html", NULL);
  g_assert_cmpint (g_mkdir_with_parents (web_root, 0755), ==, 0);
  g_file_set_contents (index, "<!doctype html><title>Pairpad</title>\n", -1, &error);
  g_assert_no_error (error);

  /* First, so that even a start that fails halfway is cleaned up. */
  start_guard ();
  if (!run_local ("start", 0))
    {
      cluster.start_failed = TRUE;
      return FALSE;
    }
  cluster.started = TRUE;

  return TRUE;
}

/* What a daemon must never write (STYLE.md: g_critical is for bugs). */
static const char * const bad_log_lines[] = {
  "-CRITICAL **",
  "-ERROR **",
  "ERROR: AddressSanitizer",
  "ERROR: LeakSanitizer",
  "runtime error:",
};

/* Fails the test when pairpadd-@n's log, from @offset on, reports a bug
 * of the daemon. */
static void
check_daemon_log (guint   n,
                  goffset offset)
{
  g_autofree char *path = daemon_log_path (n);
  g_autofree char *contents = NULL;
  g_autofree char *first = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;
  guint n_bad = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL) || (gsize) offset >= length)
    return;

  lines = g_strsplit (contents + offset, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    for (guint b = 0; b < G_N_ELEMENTS (bad_log_lines); b++)
      if (strstr (lines[i], bad_log_lines[b]) != NULL)
        {
          if (n_bad++ == 0)
            first = g_strdup (g_strstrip (lines[i]));
          break;
        }
  if (n_bad > 0)
    g_test_fail_printf ("daemon bug: pairpadd-%u logged %u such lines as \"%s\" (%s)", n + 1,
                        n_bad, first, path);
}

/* Starts again whatever part is down (a failed test may leave it so). */
static void
mend_cluster (void)
{
  /* Both are no-ops when the part runs. */
  run_local ("start-postgres", 0);
  run_local ("start-redis", 0);
  for (guint i = 0; i < N_DAEMONS; i++)
    if (get_health (cluster.daemons[i], NULL) == 0)
      run_local ("start-daemon", i + 1);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (cluster.skip_reason != NULL)
    {
      g_test_skip (cluster.skip_reason);
      return;
    }
  if (!ensure_cluster ())
    return;

  if (!all_health_is (200, "ok"))
    mend_cluster ();
  if (!wait_all_health (200, "ok", HEALTH_TIMEOUT_MS))
    return;
  WAIT_OR_RETURN (balancer_sees_all_up (), HEALTH_TIMEOUT_MS);

  for (guint i = 0; i < N_DAEMONS; i++)
    {
      g_autofree char *log = daemon_log_path (i);
      g_autoptr(GFile) file = g_file_new_for_path (log);
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);

      f->log_offsets[i] = info ? g_file_info_get_size (info) : 0;
    }
  f->ready = TRUE;
}

/* Mends what the test may have left broken, then reads the daemons' logs
 * of the test. */
static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (!f->ready || !cluster.started)
    return;

  mend_cluster ();

  for (guint i = 0; i < N_DAEMONS; i++)
    check_daemon_log (i, f->log_offsets[i]);
}

/* ---- clients ------------------------------------------------------------- */

static GPtrArray *
new_client_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pp_test_client_free);
}

static PpTestClient *
join_client (PpTestDaemon *daemon,
             const char   *room,
             const char   *client_id)
{
  PpTestClient *client = pp_test_client_new (daemon, room, client_id, client_id);

  pp_test_client_join (client);

  return client;
}

/* For the report of a divergence: RUN_DIR/text-ROOM-WHO.txt. */
static void
save_text (const char *room,
           const char *who,
           const char *text)
{
  g_autofree char *name = g_strdup_printf ("text-%s-%s.txt", room, who);
  g_autofree char *path = NULL;

  g_strdelimit (name, "/:", '_');
  path = g_build_filename (cluster.run_dir, name, NULL);
  g_file_set_contents (path, text, -1, NULL);
}

/* Every client has its edits acked, and the clients, the three daemons and
 * the balancer (over REST) hold one text at one version. Returns the text
 * (NULL, the test failed, when that does not happen in time). */
static char *
assert_cluster_converged (const char    *room,
                          PpTestClient **clients,
                          guint          n,
                          gint64        *version)
{
  PpTestDaemon *servers[N_DAEMONS + 1];
  char *texts[N_DAEMONS + 1] = { NULL, };
  gint64 versions[N_DAEMONS + 1];
  gint64 deadline;
  gint64 v = -1;
  gboolean settled = FALSE;
  char *text = NULL;

  for (guint i = 0; i < N_DAEMONS; i++)
    servers[i] = cluster.daemons[i];
  servers[N_DAEMONS] = cluster.balancer;

  WAIT_FOR (settled, pp_test_clients_all_synced (clients, n), CONVERGE_TIMEOUT_MS);
  if (!settled)
    return NULL;
  settled = FALSE;

  /* No edit is on its way any more: every part only has to catch up. */
  deadline = g_get_monotonic_time () + (gint64) CONVERGE_TIMEOUT_MS * 1000;
  while (!settled)
    {
      v = pp_client_session_get_version (clients[0]->session);
      settled = TRUE;
      for (guint i = 0; i < n; i++)
        settled &= pp_client_session_get_version (clients[i]->session) == v;
      for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
        {
          g_free (texts[i]);
          texts[i] = pp_test_daemon_dup_text (servers[i], room, &versions[i]);
          settled &= versions[i] == v;
        }

      if (!settled && g_get_monotonic_time () > deadline)
        {
          GString *seen = g_string_new (NULL);

          for (guint i = 0; i < n; i++)
            g_string_append_printf (seen, " %s: v%" G_GINT64_FORMAT ";",
                                    pp_client_session_get_client (clients[i]->session),
                                    pp_client_session_get_version (clients[i]->session));
          for (guint i = 0; i < N_DAEMONS; i++)
            g_string_append_printf (seen, " pairpadd-%u: v%" G_GINT64_FORMAT ";", i + 1,
                                    versions[i]);
          g_string_append_printf (seen, " balancer: v%" G_GINT64_FORMAT, versions[N_DAEMONS]);
          g_test_fail_printf ("no common version after %u ms:%s", CONVERGE_TIMEOUT_MS, seen->str);
          g_string_free (seen, TRUE);
          break;
        }
      if (!settled)
        spin (100);
    }

  if (settled)
    {
      g_autoptr(GString) differ = g_string_new (NULL);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *client_text = pp_test_client_dup_text (clients[i]);
          const char *id = pp_client_session_get_client (clients[i]->session);

          if (!g_str_equal (client_text, texts[0]))
            {
              g_string_append_printf (differ, " %s (of %s),", id, clients[i]->daemon->base_url);
              save_text (room, id, client_text);
            }
        }
      for (guint i = 1; i < G_N_ELEMENTS (servers); i++)
        if (!g_str_equal (texts[i], texts[0]))
          {
            g_string_append_printf (differ, " %s,", servers[i]->base_url);
            save_text (room, servers[i]->base_url, texts[i]);
          }

      if (differ->len == 0)
        {
          if (version != NULL)
            *version = v;
          text = g_steal_pointer (&texts[0]);
        }
      else
        {
          save_text (room, "pairpadd-1", texts[0]);
          g_string_truncate (differ, differ->len - 1);
          g_test_fail_printf ("room %s diverged at v%" G_GINT64_FORMAT ": the text of%s differs "
                              "from pairpadd-1's (all saved in %s)", room, v, differ->str,
                              cluster.run_dir);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_free (texts[i]);

  return text;
}

/* A round of edits by a random two thirds of @clients, then a few
 * iterations of the main loop so that frames cross and edits really are
 * concurrent. Returns the number of edits. */
static guint
random_round (PpTestClient **clients,
              guint          n)
{
  guint n_edits = 0;

  for (guint i = 0; i < n; i++)
    if (g_test_rand_int_range (0, 3) > 0)
      {
        pp_test_client_random_edit (clients[i]);
        n_edits++;
      }

  for (guint k = g_test_rand_int_range (0, 20); k > 0; k--)
    g_main_context_iteration (NULL, FALSE);

  return n_edits;
}

/* ---- tests --------------------------------------------------------------- */

static gboolean
has_client (GPtrArray  *users,
            const char *client)
{
  for (guint i = 0; i < users->len; i++)
    if (g_strcmp0 (((PpUserInfo *) g_ptr_array_index (users, i))->client, client) == 0)
      return TRUE;

  return FALSE;
}

/* Each session lists every other one, whichever daemon it is on. */
static gboolean
everyone_sees_everyone (PpTestClient **clients,
                        guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *users = pp_client_session_get_users (clients[i]->session);

      if (users->len != n - 1)
        return FALSE;
      for (guint j = 0; j < n; j++)
        if (j != i && !has_client (users, pp_client_session_get_client (clients[j]->session)))
          return FALSE;
    }

  return TRUE;
}

/* For a failed everyone_sees_everyone (): who lists whom. */
static void
report_users (PpTestClient **clients,
              guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      GPtrArray *users = pp_client_session_get_users (clients[i]->session);
      g_autoptr(GString) listed = g_string_new (NULL);
      g_autoptr(GString) missing = g_string_new (NULL);

      for (guint u = 0; u < users->len; u++)
        {
          PpUserInfo *info = g_ptr_array_index (users, u);

          g_string_append_printf (listed, " %s (%s)", info->client, info->user);
        }
      for (guint j = 0; j < n; j++)
        {
          const char *id = pp_client_session_get_client (clients[j]->session);

          if (j != i && !has_client (users, id))
            g_string_append_printf (missing, " %s", id);
        }
      g_test_message ("%s (of %s) lists%s; missing:%s",
                      pp_client_session_get_client (clients[i]->session),
                      clients[i]->daemon->base_url, listed->len ? listed->str : " nobody",
                      missing->len ? missing->str : " nobody");
    }
}

#define SPREAD_PER_DAEMON 2
#define SPREAD_VIA_BALANCER 2
#define SPREAD_CLIENTS (N_DAEMONS * SPREAD_PER_DAEMON + SPREAD_VIA_BALANCER)
#define SPREAD_ROUNDS 50

/* Clients on every daemon and through the balancer edit one room at once:
 * everyone ends with the same text, which every daemon serves, and every
 * edit is in the log exactly once. */
static void
test_spread_and_converge (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ops_path = NULL;
  g_autoptr(JsonNode) ops = NULL;
  PpTestClient *clients[SPREAD_CLIENTS] = { NULL, };
  g_autoptr(GPtrArray) owned = new_client_array ();
  guint n_edits = 0, n_acks = 0;
  gint64 version = 0;
  gint64 conflicts = 0;
  gboolean seen;

  if (!f->ready)
    return;

  room = pp_test_daemon_create_room (cluster.balancer, "int main (void)\n{\n  return 0;\n}\n");
  for (guint i = 0; i < SPREAD_CLIENTS; i++)
    {
      guint d = i / SPREAD_PER_DAEMON;
      guint via_balancer = i - N_DAEMONS * SPREAD_PER_DAEMON;
      gboolean direct = d < N_DAEMONS;
      PpTestDaemon *server = direct ? cluster.daemons[d] : cluster.balancer;
      g_autofree char *id = direct ? g_strdup_printf ("spread-d%u-%u", d + 1, i % SPREAD_PER_DAEMON)
                                   : g_strdup_printf ("spread-lb-%u", via_balancer);

      clients[i] = join_client (server, room, id);
      g_ptr_array_add (owned, clients[i]);
    }

  /* Joins cross daemons over Redis. The editing is checked all the same. */
  WAIT_FOR (seen, everyone_sees_everyone (clients, SPREAD_CLIENTS), 10000);
  if (!seen)
    report_users (clients, SPREAD_CLIENTS);

  /* Paced so that acks come back in between: each client's edits become
   * many ops, not one composed buffer. */
  for (guint round = 0; round < SPREAD_ROUNDS; round++)
    {
      n_edits += random_round (clients, SPREAD_CLIENTS);
      spin (g_test_rand_int_range (5, 40));
    }

  text = assert_cluster_converged (room, clients, SPREAD_CLIENTS, &version);
  if (text == NULL)
    return;

  /* Every log entry is one client's acked op: none lost, none twice. */
  for (guint i = 0; i < SPREAD_CLIENTS; i++)
    n_acks += clients[i]->n_acks;
  g_assert_cmpint (version, ==, n_acks);
  g_assert_cmpint (version, >, 0);
  g_assert_cmpint (version, <=, n_edits);
  ops_path = g_strdup_printf ("/api/v1/rooms/%s/ops?since=0&limit=10000", room);
  for (guint d = 0; d < N_DAEMONS; d++)
    {
      JsonArray *entries;

      g_clear_pointer (&ops, json_node_unref);
      ops = pp_test_daemon_request (cluster.daemons[d], "GET", ops_path, NULL, NULL);
      entries = json_object_get_array_member (json_node_get_object (ops), "ops");
      g_assert_cmpuint (json_array_get_length (entries), ==, version);
      conflicts += pp_test_daemon_get_metric (cluster.daemons[d], "pairpad_commit_conflicts_total");
    }
  for (guint i = 0; i < SPREAD_CLIENTS; i++)
    g_assert_cmpuint (clients[i]->n_errors, ==, 0);
  /* The daemons did race for versions: rebases were exercised. */
  g_assert_cmpint (conflicts, >, 0);

  g_test_message ("%u edits by %u clients on %u daemons became %" G_GINT64_FORMAT
                  " log entries; %" G_GINT64_FORMAT " commits lost a race so far", n_edits,
                  SPREAD_CLIENTS, N_DAEMONS, version, conflicts);
}

#define JOIN_ROOMS 6

static gboolean
every_room_sees_everyone (PpTestClient *clients[][N_DAEMONS],
                          guint         n_rooms)
{
  for (guint r = 0; r < n_rooms; r++)
    if (!everyone_sees_everyone (clients[r], N_DAEMONS))
      return FALSE;

  return TRUE;
}

/* Someone joins on each daemon in turn, in several rooms: each daemon
 * learns of the sessions the others had before it loaded the room (it asks
 * them when it starts following the room), so everyone lists everyone. */
static void
test_joins (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) owned = new_client_array ();
  PpTestClient *clients[JOIN_ROOMS][N_DAEMONS];
  char *rooms[JOIN_ROOMS];
  guint n_incomplete = 0;
  gboolean seen;

  if (!f->ready)
    return;

  for (guint r = 0; r < JOIN_ROOMS; r++)
    {
      rooms[r] = pp_test_daemon_create_room (cluster.daemons[r % N_DAEMONS], "");
      for (guint d = 0; d < N_DAEMONS; d++)
        {
          /* A different daemon first in each room. */
          guint on = (r + d) % N_DAEMONS;
          g_autofree char *id = g_strdup_printf ("join-r%u-d%u", r, on + 1);

          clients[r][d] = join_client (cluster.daemons[on], rooms[r], id);
          g_ptr_array_add (owned, clients[r][d]);
        }
    }

  WAIT_FOR (seen, every_room_sees_everyone (clients, JOIN_ROOMS), 5000);
  for (guint r = 0; r < JOIN_ROOMS; r++)
    {
      if (!everyone_sees_everyone (clients[r], N_DAEMONS))
        {
          g_test_message ("room %s:", rooms[r]);
          report_users (clients[r], N_DAEMONS);
          n_incomplete++;
        }
      g_free (rooms[r]);
    }
  if (!seen)
    g_test_fail_printf ("in %u of %u rooms, a session does not list the sessions of another "
                        "daemon 5 s after they joined", n_incomplete, JOIN_ROOMS);
}

/* The owner's changes hold on every daemon at once: a room made view-only
 * on one daemon lets nobody edit through another (the protocol's
 * forbidden, 4403, for whoever tries), and a room deleted on one daemon
 * closes its sessions on the others (not_found, 4404). */
static void
test_owner_changes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) access = NULL;
  g_autoptr(JsonNode) gone = NULL;
  g_autofree char *id = NULL;
  g_autofree char *owner_key = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  PpTestSocket *socket;
  PpTestClient *editor;
  PpTestClient *reader;
  guint status;

  if (!f->ready)
    return;

  created = pp_test_daemon_request (cluster.daemons[0], "POST", "/api/v1/rooms",
                                    "{\"text\":\"shared\"}", &status);
  g_assert_cmpuint (status, ==, 201);
  id = g_strdup (json_object_get_string_member (json_node_get_object (created), "id"));
  owner_key = g_strdup (json_object_get_string_member (json_node_get_object (created),
                                                       "owner_key"));

  /* On pairpadd-2 and -3, which have the room loaded before the owner acts on pairpadd-1. */
  editor = join_client (cluster.daemons[1], id, "owner-change-editor");
  reader = join_client (cluster.daemons[2], id, "owner-change-reader");
  pp_test_client_insert (editor, 6, "!");
  WAIT_OR_RETURN (editor->n_acks == 1, 5000);

  access = pp_test_room_request (cluster.daemons[0], id, "PATCH", "access",
                                 "{\"access\":\"view\"}", owner_key, 200);
  /* The editor on the other daemon is told it only views now ... */
  WAIT_OR_RETURN (pp_client_session_get_role (editor->session) == PP_ROLE_VIEWER, 5000);
  /* ... and a session there that edits anyway is refused and closed. */
  socket = pp_test_socket_new (cluster.daemons[1], id);
  pp_test_socket_send (socket, "{\"type\":\"hello\",\"client\":\"owner-change-raw\","
                               "\"name\":\"Raw\"}");
  welcome = pp_test_socket_wait_frame (socket, "welcome", 5000);
  g_assert_nonnull (welcome);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (welcome), "role"), ==,
                   "viewer");
  pp_test_socket_send (socket, "{\"type\":\"op\",\"v\":1,\"seq\":1,\"op\":[\"x\"]}");
  g_assert_true (pp_test_socket_wait_closed (socket, 5000));
  g_assert_cmpint (socket->close_code, ==, 4403);
  g_assert_false (reader->closed);

  gone = pp_test_room_request (cluster.daemons[0], id, "DELETE", "", NULL, owner_key, 204);
  WAIT_OR_RETURN (reader->closed, 5000);
  g_assert_cmpint (reader->close_code, ==, 4404);

  pp_test_socket_free (socket);
  pp_test_client_free (editor);
  pp_test_client_free (reader);
}

#define KILL_CLIENTS 6

/* Edits that can be counted afterwards: a marker "<cI.K>" (client I's K-th)
 * at a random place between markers of @client's text, never inside one,
 * in a room that holds nothing but markers. */
static void
insert_marker (PpTestClient *client,
               guint         who,
               guint         k)
{
  g_autofree char *text = pp_test_client_dup_text (client);
  g_autofree char *marker = g_strdup_printf ("<c%u.%u>", who, k);
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize zero = 0;
  gsize place;

  g_array_append_val (places, zero);
  for (gsize i = 0; text[i] != '\0'; i++)
    if (text[i] == '>')
      {
        gsize after = i + 1;

        g_array_append_val (places, after);
      }

  place = g_array_index (places, gsize, g_test_rand_int_range (0, places->len));
  pp_test_client_insert (client, place, marker);
}

static void
marker_round (PpTestClient **clients,
              guint         *n_markers,
              guint          n)
{
  for (guint i = 0; i < n; i++)
    if (g_test_rand_int_range (0, 3) > 0)
      insert_marker (clients[i], i, n_markers[i]++);
}

/* Every marker of @n_markers (per client number) is in @text exactly once,
 * and @text holds nothing else: no edit lost, none applied twice. */
static void
assert_markers_once (const char  *text,
                     const guint *n_markers,
                     guint        n)
{
  gsize expected_length = 0;
  guint n_wrong = 0;

  for (guint i = 0; i < n; i++)
    for (guint k = 0; k < n_markers[i]; k++)
      {
        g_autofree char *marker = g_strdup_printf ("<c%u.%u>", i, k);
        gsize count = pp_test_count_occurrences (text, marker);

        if (count != 1)
          {
            g_test_message ("%s is in the room %" G_GSIZE_FORMAT " times", marker, count);
            n_wrong++;
          }
        expected_length += strlen (marker);
      }
  if (n_wrong > 0)
    g_test_fail_printf ("%u edits are not in the room exactly once", n_wrong);
  g_assert_cmpuint (strlen (text), ==, expected_length);
}

/* A daemon dies (SIGKILL) while its clients edit through the balancer:
 * they reconnect to the others and go on; once it is back, every edit any
 * client made is in the room exactly once, and every part agrees. */
static void
test_kill_9 (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) owned = new_client_array ();
  g_autoptr(GSubprocess) starting = NULL;
  PpTestClient *clients[KILL_CLIENTS];
  guint n_markers[KILL_CLIENTS] = { 0, };
  guint n_joined[KILL_CLIENTS] = { 0, };
  gint64 connections[N_DAEMONS];
  guint victim = 0, n_rejoined = 0, n_unacked = 0;
  gboolean started = FALSE;
  gboolean seen;

  if (!f->ready)
    return;

  room = pp_test_daemon_create_room (cluster.balancer, "");
  for (guint i = 0; i < KILL_CLIENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("kill9-client-%u", i);

      clients[i] = pp_test_client_new (cluster.balancer, room, id, id);
      g_ptr_array_add (owned, clients[i]);
      clients[i]->auto_reconnect = TRUE;
      g_signal_connect_swapped (clients[i]->session, "joined", G_CALLBACK (count_signal),
                                &n_joined[i]);
      pp_test_client_join (clients[i]);
    }

  /* The victim is the daemon with the most of these sessions. */
  for (guint d = 0; d < N_DAEMONS; d++)
    {
      connections[d] = pp_test_daemon_get_metric (cluster.daemons[d], "pairpad_connections");
      if (connections[d] > connections[victim])
        victim = d;
    }
  g_test_message ("sessions per daemon: %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                  G_GINT64_FORMAT "; killing pairpadd-%u", connections[0], connections[1],
                  connections[2], victim + 1);
  g_assert_cmpint (connections[victim], >, 0);

  for (guint round = 0; round < 10; round++)
    {
      marker_round (clients, n_markers, KILL_CLIENTS);
      spin (g_test_rand_int_range (0, 30));
    }

  /* Right after a round: some of its ops are surely in flight. */
  marker_round (clients, n_markers, KILL_CLIENTS);
  for (guint i = 0; i < KILL_CLIENTS; i++)
    n_unacked += !pp_test_client_is_synced (clients[i]);
  if (!run_local ("kill-daemon", victim + 1))
    return;
  g_test_message ("%u clients had edits in flight at the kill", n_unacked);

  for (guint round = 0; round < 10; round++)
    {
      marker_round (clients, n_markers, KILL_CLIENTS);
      spin (g_test_rand_int_range (20, 120));
    }

  /* Back while the editing goes on. */
  starting = run_local_async ("start-daemon", victim + 1);
  g_subprocess_wait_async (starting, NULL, on_exited, &started);
  while (!started)
    {
      marker_round (clients, n_markers, KILL_CLIENTS);
      spin (250);
    }
  if (!finish_run_local (starting, "start-daemon"))
    return;

  for (guint round = 0; round < 10; round++)
    {
      marker_round (clients, n_markers, KILL_CLIENTS);
      spin (g_test_rand_int_range (0, 30));
    }

  text = assert_cluster_converged (room, clients, KILL_CLIENTS, NULL);
  if (text == NULL)
    return;

  assert_markers_once (text, n_markers, KILL_CLIENTS);
  for (guint i = 0; i < KILL_CLIENTS; i++)
    {
      n_rejoined += n_joined[i] - 1;
      /* A resync would have thrown away the client's unacked edits. */
      g_assert_cmpuint (clients[i]->n_errors, ==, 0);
    }
  /* The kill did cut the victim's sessions, and they came back. */
  g_assert_cmpuint (n_rejoined, >=, connections[victim]);
  /* The sessions that died with it left the room everywhere: everyone
   * lists the others once, no ghost. */
  WAIT_FOR (seen, everyone_sees_everyone (clients, KILL_CLIENTS), 15000);
  if (!seen)
    {
      guint n_listed = 0;

      report_users (clients, KILL_CLIENTS);
      for (guint i = 0; i < KILL_CLIENTS; i++)
        n_listed += pp_client_session_get_users (clients[i]->session)->len;
      g_test_fail_printf ("the sessions list %u users where there are %u: sessions that died "
                          "with pairpadd-%u are still listed 15 s after they came back",
                          n_listed, KILL_CLIENTS * (KILL_CLIENTS - 1), victim + 1);
    }

  g_test_message ("%" G_GSIZE_FORMAT " bytes of markers from %u clients; %u reconnects",
                  strlen (text), KILL_CLIENTS, n_rejoined);
}

#define REDIS_PER_DAEMON 2
#define REDIS_CLIENTS (N_DAEMONS * REDIS_PER_DAEMON)
#define REDIS_LATE REDIS_CLIENTS          /* joins while Redis is away */
#define REDIS_PROBE (REDIS_CLIENTS + 1)   /* marker writer of the fast-path probes */

static gboolean
client_has (PpTestClient *client,
            const char   *needle)
{
  g_autofree char *text = pp_test_client_dup_text (client);

  return strstr (text, needle) != NULL;
}

static gboolean
all_cluster_up_is (gint64 up)
{
  for (guint d = 0; d < N_DAEMONS; d++)
    if (pp_test_daemon_get_metric (cluster.daemons[d], "pairpad_cluster_up") != up)
      return FALSE;

  return TRUE;
}

/* Redis goes away while clients on every daemon edit, and someone joins
 * meanwhile: the daemons say so (degraded, still 200 for the balancer), the
 * texts still converge through the store, every edit once; once Redis is
 * back, everyone lists everyone again and ops travel over it again. */
static void
test_redis_restart (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) owned = new_client_array ();
  PpTestClient *clients[REDIS_LATE + 1];
  /* Marker writers: the clients, then the fast-path probes of clients[0]. */
  guint n_markers[REDIS_PROBE + 1] = { 0, };
  guint n_listing_late = 0;
  gboolean seen;

  if (!f->ready)
    return;

  room = pp_test_daemon_create_room (cluster.daemons[0], "");
  for (guint i = 0; i < REDIS_CLIENTS; i++)
    {
      g_autofree char *id = g_strdup_printf ("redis-d%u-%u", i / REDIS_PER_DAEMON + 1,
                                             i % REDIS_PER_DAEMON);

      clients[i] = join_client (cluster.daemons[i / REDIS_PER_DAEMON], room, id);
      g_ptr_array_add (owned, clients[i]);
    }

  for (guint round = 0; round < 10; round++)
    {
      marker_round (clients, n_markers, REDIS_CLIENTS);
      spin (g_test_rand_int_range (5, 40));
    }
  text = assert_cluster_converged (room, clients, REDIS_CLIENTS, NULL);
  if (text == NULL)
    return;
  g_clear_pointer (&text, g_free);

  /* Mid-editing. */
  marker_round (clients, n_markers, REDIS_CLIENTS);
  if (!run_local ("stop-redis", 0))
    return;
  if (!wait_all_health (200, "degraded", 10000))
    return;
  /* The metric follows within a poll (0.5 s). */
  WAIT_OR_RETURN (all_cluster_up_is (0), 2000);

  clients[REDIS_LATE] = join_client (cluster.daemons[2], room, "redis-late-joiner");
  g_ptr_array_add (owned, clients[REDIS_LATE]);
  for (guint round = 0; round < 20; round++)
    {
      marker_round (clients, n_markers, REDIS_LATE + 1);
      spin (g_test_rand_int_range (20, 80));
    }
  text = assert_cluster_converged (room, clients, REDIS_LATE + 1, NULL);
  if (text == NULL)
    return;
  assert_markers_once (text, n_markers, REDIS_PROBE + 1);
  g_clear_pointer (&text, g_free);
  /* That was the store poll: Redis was away all along. */
  g_assert_true (all_health_is (200, "degraded"));
  for (guint i = 0; i < REDIS_CLIENTS; i++)
    n_listing_late += has_client (pp_client_session_get_users (clients[i]->session),
                                  "redis-late-joiner");
  g_test_message ("without Redis, %u of %u sessions list the late joiner", n_listing_late,
                  REDIS_CLIENTS);

  if (!run_local ("start-redis", 0))
    return;
  if (!wait_all_health (200, "ok", 15000))
    return;
  WAIT_OR_RETURN (all_cluster_up_is (1), 2000);

  WAIT_FOR (seen, everyone_sees_everyone (clients, REDIS_LATE + 1), 10000);
  if (!seen)
    {
      report_users (clients, REDIS_LATE + 1);
      g_test_fail_printf ("10 s after Redis came back, the sessions do not all list each other");
      return;
    }

  /* Ops travel over Redis again: far faster than the 5 s store poll of a
   * connected daemon, three times in a row. */
  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *marker = g_strdup_printf ("<c%u.%u>", REDIS_PROBE, k);
      gint64 start = g_get_monotonic_time ();

      insert_marker (clients[0], REDIS_PROBE, n_markers[REDIS_PROBE]++);
      WAIT_OR_RETURN (client_has (clients[REDIS_PER_DAEMON], marker) &&
                      client_has (clients[2 * REDIS_PER_DAEMON], marker), 6000);
      g_test_message ("%s reached the other daemons' clients in %" G_GINT64_FORMAT " ms",
                      marker, (g_get_monotonic_time () - start) / 1000);
      if (g_get_monotonic_time () - start > 1500 * G_TIME_SPAN_MILLISECOND)
        {
          g_test_fail_printf ("after Redis came back, an op took %" G_GINT64_FORMAT
                              " ms from pairpadd-1 to the clients of pairpadd-2 and -3",
                              (g_get_monotonic_time () - start) / 1000);
          return;
        }
    }

  for (guint round = 0; round < 10; round++)
    {
      marker_round (clients, n_markers, REDIS_LATE + 1);
      spin (g_test_rand_int_range (5, 40));
    }
  text = assert_cluster_converged (room, clients, REDIS_LATE + 1, NULL);
  if (text == NULL)
    return;
  assert_markers_once (text, n_markers, REDIS_PROBE + 1);
  for (guint i = 0; i <= REDIS_LATE; i++)
    g_assert_cmpuint (clients[i]->n_errors, ==, 0);
}

/* PostgreSQL goes away: edits are not acked, whoever made one hears why
 * (once), the daemons answer 503 and the balancer keeps the open sessions.
 * Once it is back every edit is acked and stored exactly once. */
static void
test_postgres_outage (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *room = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PpTestClient) a = NULL;
  g_autoptr(PpTestClient) b = NULL;
  g_autoptr(PpTestClient) idle = NULL;
  g_autoptr(PpTestClient) through = NULL;
  g_autoptr(PpTestSocket) raw = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  g_autoptr(JsonNode) error = NULL;
  g_autoptr(JsonNode) ack = NULL;
  g_autofree char *op = NULL;
  JsonObject *object;
  const char *markers[] = { "<pg-a1>", "<pg-a2>", "<pg-b>", "<pg-raw>" };
  guint a_acks, b_acks;
  gint64 before = 0, after = 0, edited, back;

  if (!f->ready)
    return;

  /* pairpadd-3 fresh from a restart: its first commit comes during the
   * outage, as for a daemon restarted shortly before the database fails. */
  if (!run_local ("stop-daemon", 3) || !run_local ("start-daemon", 3))
    return;

  room = pp_test_daemon_create_room (cluster.daemons[0], "base\n");
  a = join_client (cluster.daemons[0], room, "pg-editor-a");
  idle = join_client (cluster.daemons[0], room, "pg-idle-reader");
  b = join_client (cluster.daemons[1], room, "pg-editor-b");
  through = join_client (cluster.balancer, room, "pg-via-balancer");
  raw = pp_test_socket_new (cluster.daemons[2], room);
  pp_test_socket_send (raw, "{\"type\":\"hello\",\"client\":\"pg-raw-client\",\"name\":\"Raw\"}");
  welcome = pp_test_socket_wait_frame (raw, "welcome", 10000);
  g_assert_nonnull (welcome);
  pp_test_client_insert (a, 0, "start ");
  text = assert_cluster_converged (room, (PpTestClient *[]) { a, b, idle, through }, 4, &before);
  if (text == NULL)
    return;
  g_clear_pointer (&text, g_free);

  if (!run_local ("stop-postgres", 0))
    return;
  a_acks = a->n_acks;
  b_acks = b->n_acks;
  edited = g_get_monotonic_time ();
  pp_test_client_insert (a, 0, markers[0]);
  pp_test_client_insert (b, 5, markers[2]);
  op = g_strdup_printf ("{\"type\":\"op\",\"v\":%" G_GINT64_FORMAT ",\"seq\":1,\"op\":[\"%s\"]}",
                        before, markers[3]);
  pp_test_socket_send (raw, op);

  /* Each editor hears once why no ack comes: internal, about no op. */
  WAIT_OR_RETURN (a->n_errors > 0 && b->n_errors > 0, 15000);
  g_test_message ("told %" G_GINT64_FORMAT " ms after the edit",
                  (g_get_monotonic_time () - edited) / 1000);
  g_assert_cmpint (a->last_error, ==, PP_PROTOCOL_ERROR_INTERNAL);
  g_assert_cmpint (b->last_error, ==, PP_PROTOCOL_ERROR_INTERNAL);
  error = pp_test_socket_wait_frame (raw, "error", 10000);
  if (error == NULL)
    {
      g_test_fail_printf ("pairpadd-3 sent no error frame; its session %s",
                          raw->closed ? "was closed (did the daemon die? see its log)"
                                      : "stayed silent");
      return;
    }
  object = json_node_get_object (error);
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "internal");
  g_assert_false (json_object_has_member (object, "seq"));

  /* A later edit waits behind the first. */
  pp_test_client_insert (a, 0, markers[1]);
  if (!wait_all_health (503, NULL, 5000))
    return;
  spin (3000);
  g_assert_cmpuint (a->n_acks, ==, a_acks);
  g_assert_cmpuint (b->n_acks, ==, b_acks);
  g_assert_cmpuint (pp_test_socket_count_frames (raw, "ack"), ==, 0);
  g_assert_cmpint (pp_client_session_get_state (a->session), ==,
                   PP_CLIENT_SESSION_AWAITING_WITH_BUFFER);
  g_assert_cmpint (pp_client_session_get_state (b->session), ==, PP_CLIENT_SESSION_AWAITING_ACK);
  /* Once per outage, although the daemons keep retrying. */
  g_assert_cmpuint (a->n_errors, ==, 1);
  g_assert_cmpuint (b->n_errors, ==, 1);
  g_assert_cmpuint (pp_test_socket_count_frames (raw, "error"), ==, 0);

  /* Every daemon is down for HAProxy now, yet it keeps the open session. */
  WAIT_OR_RETURN (get_health (cluster.balancer, NULL) == 503, 15000);
  g_assert_false (through->closed);

  if (!run_local ("start-postgres", 0))
    return;
  back = g_get_monotonic_time ();
  WAIT_OR_RETURN (a->n_acks == a_acks + 2 && b->n_acks == b_acks + 1, 30000);
  g_test_message ("acked %" G_GINT64_FORMAT " ms after PostgreSQL was back",
                  (g_get_monotonic_time () - back) / 1000);
  ack = pp_test_socket_wait_frame (raw, "ack", 30000);
  if (ack == NULL)
    return;
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (ack), "seq"), ==, 1);

  /* HAProxy counts the daemons up again after its next health checks. */
  if (!wait_all_health (200, "ok", 10000))
    return;
  WAIT_OR_RETURN (get_health (cluster.balancer, NULL) == 200, 15000);
  text = assert_cluster_converged (room, (PpTestClient *[]) { a, b, idle, through }, 4, &after);
  if (text == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    g_assert_cmpuint (pp_test_count_occurrences (text, markers[i]), ==, 1);
  g_assert_cmpint (after, ==, before + G_N_ELEMENTS (markers));
  g_assert_false (through->closed);

  /* Said only to sessions with an edit waiting (the daemon's own rule). */
  if (idle->n_errors > 0 || through->n_errors > 0)
    g_test_fail_printf ("daemon bug: sessions without an unacked edit were sent the "
                        "\"edits not saved\" error too (idle reader: %u, via balancer: %u)",
                        idle->n_errors, through->n_errors);
}

/* Last: a clean stop, as an operator does it. Every daemon exits on
 * SIGTERM in time, without a sanitizer report. */
static void
test_clean_stop (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *log = NULL;
  g_autofree char *contents = NULL;
  gsize before = 0, length = 0;

  if (!f->ready)
    return;

  log = g_build_filename (cluster.run_dir, "run-local.log", NULL);
  g_assert_true (g_file_get_contents (log, &contents, &before, NULL));
  g_clear_pointer (&contents, g_free);

  g_assert_true (stop_cluster ());
  f->ready = FALSE;

  for (guint i = 0; i < N_DAEMONS; i++)
    check_daemon_log (i, f->log_offsets[i]);
  /* run-local.sh's stop says when SIGTERM was not enough. */
  g_assert_true (g_file_get_contents (log, &contents, &length, NULL));
  g_assert_cmpuint (length, >, before);
  g_assert_null (strstr (contents + before, "did not stop within"));
  g_assert_null (strstr (contents + before, "still runs; SIGKILL"));
}

/* ---- main ---------------------------------------------------------------- */

static char *
find_skip_reason (void)
{
  const char *tools[] = {
    "redis-server", "redis-cli", "haproxy", "psql", "curl", "setsid", "flock",
  };
  const char *build_root = g_getenv ("PAIRPAD_TEST_BUILD_ROOT");
  g_autoptr(GDir) pg = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  gboolean have_pg = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        return g_strdup_printf ("%s is not installed (build-aux/install-deps.sh --tests)",
                                tools[i]);
    }

  for (const char *name; pg != NULL && (name = g_dir_read_name (pg)) != NULL; )
    {
      g_autofree char *pg_ctl = g_build_filename ("/usr/lib/postgresql", name, "bin", "pg_ctl",
                                                  NULL);

      have_pg |= g_file_test (pg_ctl, G_FILE_TEST_IS_EXECUTABLE);
    }
  if (!have_pg)
    return g_strdup ("no PostgreSQL server is installed (build-aux/install-deps.sh --tests)");

  if (build_root == NULL || *build_root == '\0')
    return g_strdup ("PAIRPAD_TEST_BUILD_ROOT is not set: run it with meson test");

  return NULL;
}

static void
add_test (const char *name,
          void      (*func) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strconcat ("/pp/cluster/", name, NULL);

  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  const char *port = g_getenv ("PAIRPAD_TEST_CLUSTER_PORT");
  g_autofree char *balancer_url = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  cluster.skip_reason = find_skip_reason ();
  cluster.base_port = port && *port ? (guint) g_ascii_strtoull (port, NULL, 10) : DEFAULT_BASE_PORT;
  cluster.build_root = g_strdup (g_getenv ("PAIRPAD_TEST_BUILD_ROOT"));
  /* G_TEST_SRCDIR is tests/. */
  cluster.script = g_test_build_filename (G_TEST_DIST, "..", "deploy", "run-local.sh", NULL);
  balancer_url = g_strdup_printf ("http://127.0.0.1:%u", cluster.base_port);
  cluster.balancer = pp_test_daemon_new_for_url (balancer_url);
  for (guint i = 0; i < N_DAEMONS; i++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", cluster.base_port + 1 + i);

      cluster.daemons[i] = pp_test_daemon_new_for_url (url);
    }

  add_test ("joins", test_joins);
  add_test ("owner-changes", test_owner_changes);
  add_test ("spread-and-converge", test_spread_and_converge);
  add_test ("kill-9", test_kill_9);
  add_test ("redis-restart", test_redis_restart);
  add_test ("postgres-outage", test_postgres_outage);
  add_test ("clean-stop", test_clean_stop);

  status = g_test_run ();

  if (!stop_cluster ())
    status = 1;
  if (cluster.run_dir != NULL)
    {
      if (status == 0)
        {
          const char *argv_rm[] = { "rm", "-rf", cluster.run_dir, NULL };

          g_spawn_sync (NULL, (char **) argv_rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                        NULL, NULL, NULL);
        }
      else
        g_printerr ("# The logs of the cluster are in %s\n", cluster.run_dir);
    }

  for (guint i = 0; i < N_DAEMONS; i++)
    pp_test_daemon_free (cluster.daemons[i]);
  pp_test_daemon_free (cluster.balancer);
  g_free (cluster.skip_reason);
  g_free (cluster.script);
  g_free (cluster.build_root);
  g_free (cluster.run_dir);

  return status;
}
