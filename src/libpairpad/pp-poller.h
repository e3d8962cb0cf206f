/* pp-poller.h: one main-loop source that watches many sockets.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#if !defined(PP_INSIDE) && !defined(PP_COMPILATION)
# error "Only <pairpad.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PpPoller PpPoller;

/* @events: EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as epoll(7) reports them. */
typedef void (*PpPollerFunc) (gpointer data,
                              guint32  events);

/* Embedded in its owner, so watching allocates nothing. */
typedef struct
{
  PpPollerFunc func;
  gpointer      data;
  int           fd;
  guint32       events;
} PpPollerWatch;

PpPoller *pp_poller_new     (GError         **error);
PpPoller *pp_poller_ref     (PpPoller       *self);
void       pp_poller_unref   (PpPoller       *self);
gboolean   pp_poller_add     (PpPoller       *self,
                               PpPollerWatch  *watch,
                               int              fd,
                               guint32          events,
                               PpPollerFunc    func,
                               gpointer         data,
                               GError         **error);
void       pp_poller_set_events
                              (PpPoller       *self,
                               PpPollerWatch  *watch,
                               guint32          events);
void       pp_poller_remove  (PpPoller       *self,
                               PpPollerWatch  *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPoller, pp_poller_unref)

G_END_DECLS
