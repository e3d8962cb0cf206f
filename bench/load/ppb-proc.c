/* ppb-proc.c: CPU time and resident memory of a process, from /proc and getrusage().
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppb-proc"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ppb-proc.h"

/* /proc/PID/stat counts in clock ticks (10 ms here): over a measured phase
 * of 10 s that is 0.1 % of one core, fine enough. The per-thread schedstat
 * files would be finer but lose the time of threads that have exited. */

static gboolean
read_cpu (GPid     pid,
          gint64  *cpu_us,
          GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  guint64 utime, stime;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  /* The command name (field 2) is in parentheses and may hold spaces. */
  after_comm = strrchr (contents, ')');
  if (after_comm == NULL || ticks <= 0)
    goto invalid;

  /* Split from field 3 (state): utime and stime are fields 14 and 15. */
  fields = g_strsplit (after_comm + 2, " ", 14);
  if (g_strv_length (fields) < 14 ||
      !g_ascii_string_to_unsigned (fields[11], 10, 0, G_MAXUINT64, &utime, NULL) ||
      !g_ascii_string_to_unsigned (fields[12], 10, 0, G_MAXUINT64, &stime, NULL))
    goto invalid;

  *cpu_us = (gint64) ((utime + stime) * G_USEC_PER_SEC / (guint64) ticks);
  return TRUE;

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: unexpected format", path);
  return FALSE;
}

static gboolean
read_rss (GPid     pid,
          gint64  *rss_kib,
          GError **error)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *contents = NULL;
  const char *line;
  guint64 value;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  line = strstr (contents, "\nVmRSS:");
  if (line != NULL)
    {
      g_autofree char *number = NULL;
      const char *end;

      line += strlen ("\nVmRSS:");
      line += strspn (line, " \t");
      end = line + strspn (line, "0123456789");
      number = g_strndup (line, end - line);
      if (g_str_has_prefix (end, " kB") &&
          g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT64, &value, NULL))
        {
          *rss_kib = (gint64) value;
          return TRUE;
        }
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no VmRSS line", path);
  return FALSE;
}

gboolean
ppb_proc_sample (GPid            pid,
                 PpbProcSample  *sample,
                 GError        **error)
{
  g_return_val_if_fail (pid > 0, FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  return read_cpu (pid, &sample->cpu_us, error) && read_rss (pid, &sample->rss_kib, error);
}

/* This process's own CPU time, to tell when the load generator, which
 * shares the machine with the daemon, is the bottleneck. */
gint64
ppb_proc_self_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;

  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

/* Every connection is a file descriptor, and the idle scenario holds ten
 * thousand: lift the soft limit to the hard one. */
gboolean
ppb_proc_raise_fd_limit (guint64 *limit)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return FALSE;

  if (rl.rlim_cur != rl.rlim_max)
    {
      rlim_t old = rl.rlim_cur;

      rl.rlim_cur = rl.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
        {
          g_debug ("Cannot raise the file descriptor limit: %s", g_strerror (errno));
          rl.rlim_cur = old;
        }
    }

  *limit = rl.rlim_cur;
  return TRUE;
}
