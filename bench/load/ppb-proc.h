/* ppb-proc.h: CPU time and resident memory of a process, from /proc and getrusage().
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 cpu_us;    /* user + system time of every thread, dead ones included */
  gint64 rss_kib;   /* VmRSS */
} PpbProcSample;

gboolean  ppb_proc_sample         (GPid            pid,
                                   PpbProcSample  *sample,
                                   GError        **error);
gint64    ppb_proc_self_cpu_us    (void);
gboolean  ppb_proc_raise_fd_limit (guint64        *limit);

G_END_DECLS
