/* ppd-main.c: pairpadd, the Pairpad daemon: parse settings, build the context, run.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-main"

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <sys/resource.h>

#include "ppd-context.h"

typedef struct
{
  GMainLoop  *loop;
  PpdContext *context;
  int         status;
  guint       signals_seen;
} Daemon;

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Daemon *d = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_context_start_finish (PPD_CONTEXT (source), result, &error))
    {
      g_printerr ("pairpadd: %s\n", error->message);
      d->status = 1;
      g_main_loop_quit (d->loop);
    }
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Daemon *d = data;
  g_autoptr(GError) error = NULL;

  if (!ppd_context_stop_finish (PPD_CONTEXT (source), result, &error))
    {
      g_warning ("Shutdown: %s", error->message);
      d->status = 1;
    }
  g_main_loop_quit (d->loop);
}

/* First signal: a clean stop (pending commits land, sessions get 1001).
 * A second one while that waits, e.g. on a dead database: leave now. */
static gboolean
on_signal (gpointer data)
{
  Daemon *d = data;

  if (d->signals_seen++ > 0)
    {
      g_warning ("Second signal: exiting without waiting for pending commits");
      d->status = 1;
      g_main_loop_quit (d->loop);
      return G_SOURCE_CONTINUE;
    }

  g_info ("Shutting down");
  ppd_context_stop_async (d->context, NULL, on_stopped, d);
  return G_SOURCE_CONTINUE;
}

/* Every WebSocket is a file descriptor: a soft limit of 1024 would refuse
 * clients long before memory runs out, so take all the hard limit allows. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;
  guint64 soft, hard;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    {
      g_debug ("Cannot read the open file limit: %s", g_strerror (errno));
      return;
    }

  soft = limit.rlim_cur;
  hard = limit.rlim_max;
  if (soft == hard)
    {
      g_debug ("Open file limit: %" G_GUINT64_FORMAT, soft);
      return;
    }

  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    g_debug ("Cannot raise the open file limit from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
             ": %s", soft, hard, g_strerror (errno));
  else
    g_debug ("Raised the open file limit from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT,
             soft, hard);
}

/* Lets the 1001 close frames reach the clients before the sockets go. */
static void
flush_closing_connections (void)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpdConfig) config = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(PpdContext) context = NULL;
  gboolean exit_now = FALSE;
  Daemon d = { 0, };
  guint sigint_id, sigterm_id;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  config = ppd_config_new_from_args (&argc, &argv, &exit_now, &error);
  if (config == NULL)
    {
      g_printerr ("pairpadd: %s\n", error->message);
      g_printerr (_("Run “pairpadd --help” to see the options.\n"));
      return 2;
    }
  if (exit_now)
    return 0;

  if (config->verbose)
    g_log_set_debug_enabled (TRUE);

  raise_fd_limit ();

  context = ppd_context_new (g_steal_pointer (&config), &error);
  if (context == NULL)
    {
      g_printerr ("pairpadd: %s\n", error->message);
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  d.loop = loop;
  d.context = context;
  sigint_id = g_unix_signal_add (SIGINT, on_signal, &d);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, &d);

  ppd_context_start_async (context, NULL, on_started, &d);
  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (d.status == 0)
    flush_closing_connections ();
  soup_server_disconnect (ppd_context_get_server (context));

  return d.status;
}
