/* pp-poller.c: one main-loop source that watches many sockets.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-poller"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "pp-poller.h"

/* GLib's main loop prepares, polls and checks every source on every
 * wakeup, so a GSource per connection makes each wakeup cost as much as
 * the number of connections: with 10,000 clients the daemon did little
 * else. Here the main loop polls one epoll descriptor, and the kernel
 * reports only the sockets that are ready. Linux only, like the rest. */

#define MAX_EVENTS 256

typedef struct
{
  GSource             source;
  gpointer            fd_tag;
  int                 epoll_fd;
  struct epoll_event  events[MAX_EVENTS];
  int                 n_events;  /* of the batch being dispatched */
  int                 next;      /* its next event */
} PollerSource;

struct _PpPoller
{
  PollerSource *source;
};

static gboolean
poller_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     data)
{
  PollerSource *self = (PollerSource *) source;

  self->n_events = epoll_wait (self->epoll_fd, self->events, MAX_EVENTS, 0);
  for (self->next = 0; self->next < self->n_events; )
    {
      struct epoll_event *event = &self->events[self->next++];
      PpPollerWatch *watch = event->data.ptr;

      /* NULL: removed by an earlier callback of this batch. */
      if (watch != NULL)
        watch->func (watch->data, event->events);
    }
  self->n_events = 0;

  return G_SOURCE_CONTINUE;
}

static void
poller_source_finalize (GSource *source)
{
  PollerSource *self = (PollerSource *) source;

  if (self->epoll_fd >= 0)
    close (self->epoll_fd);
}

static GSourceFuncs poller_source_funcs = {
  .dispatch = poller_source_dispatch,
  .finalize = poller_source_finalize,
};

PpPoller *
pp_poller_new (GError **error)
{
  g_autoptr(PpPoller) self = g_rc_box_new0 (PpPoller);
  PollerSource *source;

  source = (PollerSource *) g_source_new (&poller_source_funcs, sizeof (PollerSource));
  self->source = source;
  source->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (source->epoll_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create an epoll instance: %s", g_strerror (saved_errno));
      return NULL;
    }

  source->fd_tag = g_source_add_unix_fd ((GSource *) source, source->epoll_fd, G_IO_IN);
  g_source_set_static_name ((GSource *) source, "[pairpad] sockets");
  g_source_attach ((GSource *) source, NULL);

  return g_steal_pointer (&self);
}

/* Each watcher holds a reference: a daemon peer may outlive the daemon's
 * context for as long as the room load it waits for. */
PpPoller *
pp_poller_ref (PpPoller *self)
{
  return g_rc_box_acquire (self);
}

static void
poller_clear (PpPoller *self)
{
  if (self->source == NULL)
    return;

  g_source_destroy ((GSource *) self->source);
  g_source_unref ((GSource *) self->source);
}

void
pp_poller_unref (PpPoller *self)
{
  if (self != NULL)
    g_rc_box_release_full (self, (GDestroyNotify) poller_clear);
}

static int
control (PpPoller      *self,
         int             op,
         PpPollerWatch *watch)
{
  struct epoll_event event = { .events = watch->events, .data.ptr = watch };

  return epoll_ctl (self->source->epoll_fd, op, watch->fd, &event);
}

gboolean
pp_poller_add (PpPoller       *self,
                PpPollerWatch  *watch,
                int              fd,
                guint32          events,
                PpPollerFunc    func,
                gpointer         data,
                GError         **error)
{
  watch->func = func;
  watch->data = data;
  watch->fd = fd;
  watch->events = events;

  if (control (self, EPOLL_CTL_ADD, watch) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not watch a socket: %s", g_strerror (saved_errno));
      watch->fd = -1;
      return FALSE;
    }

  return TRUE;
}

void
pp_poller_set_events (PpPoller      *self,
                       PpPollerWatch *watch,
                       guint32         events)
{
  if (watch->fd < 0 || watch->events == events)
    return;

  watch->events = events;
  if (control (self, EPOLL_CTL_MOD, watch) < 0)
    g_warning ("Could not change the events of socket %d: %s", watch->fd, g_strerror (errno));
}

/* Safe from a callback: events of @watch still pending in the batch being
 * dispatched are dropped. */
void
pp_poller_remove (PpPoller      *self,
                   PpPollerWatch *watch)
{
  PollerSource *source = self->source;

  if (watch->fd < 0)
    return;

  epoll_ctl (source->epoll_fd, EPOLL_CTL_DEL, watch->fd, NULL);
  for (int i = source->next; i < source->n_events; i++)
    if (source->events[i].data.ptr == watch)
      source->events[i].data.ptr = NULL;
  watch->fd = -1;
}
