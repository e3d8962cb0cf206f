/* ppb-main.c: pairpad-bench, the load generator for pairpadd: options, run, report.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-main"

#include "config.h"

#include <locale.h>

#include "ppb-proc.h"
#include "ppb-runner.h"

#define DEFAULT_URL "http://127.0.0.1:8000"
#define WARMUP_S 1.0
/* Enough to connect thousands of clients quickly, well under pairpadd's
 * listen backlog (SOMAXCONN), so none waits for a SYN retransmit. */
#define MAX_HANDSHAKES 64

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpbResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *scenario_name = NULL;
  g_autofree char *help = NULL;
  g_autofree char *output = NULL;
  const PpbScenario *scenario;
  PpbOptions options = { 0, };
  double duration_s = 0;
  gint server_pid = 0;
  gint max_handshakes = MAX_HANDSHAKES;
  gint64 seed = 1;
  gboolean json = FALSE;
  gboolean verbose = FALSE;
  guint64 fd_limit = 0;
  const GOptionEntry entries[] = {
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url,
      "The daemon's base URL (default " DEFAULT_URL ")", "http://HOST:PORT" },
    { "scenario", 's', 0, G_OPTION_ARG_STRING, &scenario_name,
      "The scenario to run (below)", "NAME" },
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration_s,
      "Length of the measured phase (default: the scenario's)", "SECONDS" },
    { "server-pid", 'p', 0, G_OPTION_ARG_INT, &server_pid,
      "The daemon's process, for its CPU time and RSS from /proc (else those are null)", "PID" },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      "Print the result as one line of JSON, the last line of stdout", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Seed of the typists' random positions and letters (default 1)", "N" },
    { "handshakes", 0, 0, G_OPTION_ARG_INT, &max_handshakes,
      "Connections being opened at once (default 64)",
      "N" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log progress to stderr", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("- load generator for pairpadd");
  g_option_context_set_summary (context,
    "Runs one scenario against a running pairpadd with many real protocol clients\n"
    "(libpairpad's PpClientSession over libsoup WebSockets, on one main loop) and\n"
    "reports throughput, the latency from an op leaving one client to its arrival\n"
    "at each other client, the daemon's CPU and memory, and whether every client\n"
    "ended with the daemon's text. A warm-up of 1 s precedes the measured phase.\n"
    "A keystroke inserts a letter, space or newline at a random place, as the\n"
    "driver of the other systems in bench/peers does.\n"
    "Exit status: 0 when the run converged, 1 when it did not or failed, 2 on\n"
    "bad options.");
  help = ppb_scenario_dup_help ();
  g_option_context_set_description (context, help);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("pairpad-bench: %s\n", error->message);
      return 2;
    }

  if (scenario_name == NULL || !(scenario = ppb_scenario_lookup (scenario_name)))
    {
      g_autofree char *names = ppb_scenario_dup_names ();

      g_printerr ("pairpad-bench: --scenario must be one of %s\n", names);
      return 2;
    }

  if (duration_s < 0 || server_pid < 0 || seed < 0 || seed > G_MAXUINT32 || max_handshakes < 1)
    {
      g_printerr ("pairpad-bench: --duration, --server-pid and --seed cannot be negative, "
                  "--seed must fit in 32 bits and --handshakes must be at least 1\n");
      return 2;
    }

  /* Our own domains only: libsoup logs every frame at debug level. */
  if (verbose && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_setenv ("G_MESSAGES_DEBUG", "ppb-main ppb-runner ppb-client", TRUE);

  if (ppb_proc_raise_fd_limit (&fd_limit))
    g_debug ("Open file limit: %" G_GUINT64_FORMAT, fd_limit);

  options.url = url ? url : DEFAULT_URL;
  options.duration_s = duration_s;
  options.warmup_s = WARMUP_S;
  options.server_pid = server_pid;
  options.seed = (guint32) seed;
  options.max_handshakes = (guint) max_handshakes;

  result = ppb_runner_run (scenario, &options);

  output = json ? ppb_result_to_json (result) : ppb_result_to_text (result);
  g_print ("%s%s", output, json ? "\n" : "");

  return result->converged && result->error == NULL ? 0 : 1;
}
