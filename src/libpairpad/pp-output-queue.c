/* pp-output-queue.c: frames waiting for a non-blocking socket.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-output-queue"

#include "config.h"

#include "pp-output-queue.h"

/* Buffers are queued by reference, so a broadcast frame is one buffer for
 * all its recipients, and leave in order through one writev() call per
 * flush (up to MAX_VECTORS of them). */

#define MAX_VECTORS 16

struct _PpOutputQueue
{
  GQueue buffers;  /* GBytes; the head may be partly written */
  gsize  offset;   /* written bytes of the head */
  gsize  size;     /* unwritten bytes in all */
};

PpOutputQueue *
pp_output_queue_new (void)
{
  PpOutputQueue *self = g_new0 (PpOutputQueue, 1);

  g_queue_init (&self->buffers);

  return self;
}

void
pp_output_queue_clear (PpOutputQueue *self)
{
  g_queue_clear_full (&self->buffers, (GDestroyNotify) g_bytes_unref);
  self->offset = 0;
  self->size = 0;
}

void
pp_output_queue_free (PpOutputQueue *self)
{
  if (self == NULL)
    return;

  pp_output_queue_clear (self);
  g_free (self);
}

void
pp_output_queue_push (PpOutputQueue *self,
                      GBytes        *bytes)
{
  g_queue_push_tail (&self->buffers, g_bytes_ref (bytes));
  self->size += g_bytes_get_size (bytes);
}

/* Writes until the queue is empty or @stream would block. FALSE with
 * @error when the connection failed. */
gboolean
pp_output_queue_flush (PpOutputQueue          *self,
                       GPollableOutputStream  *stream,
                       GError                **error)
{
  while (!g_queue_is_empty (&self->buffers))
    {
      GOutputVector vectors[MAX_VECTORS];
      gsize n_vectors = 0;
      gsize written = 0;
      GPollableReturn result;

      for (GList *l = self->buffers.head; l != NULL && n_vectors < MAX_VECTORS; l = l->next)
        {
          gsize size;
          const guint8 *data = g_bytes_get_data (l->data, &size);
          gsize skip = n_vectors == 0 ? self->offset : 0;

          vectors[n_vectors].buffer = data + skip;
          vectors[n_vectors].size = size - skip;
          n_vectors++;
        }

      result = g_pollable_output_stream_writev_nonblocking (stream, vectors, n_vectors, &written,
                                                            NULL, error);
      if (result == G_POLLABLE_RETURN_WOULD_BLOCK)
        return TRUE;
      if (result == G_POLLABLE_RETURN_FAILED)
        return FALSE;

      self->size -= written;
      while (written > 0)
        {
          gsize size = g_bytes_get_size (g_queue_peek_head (&self->buffers)) - self->offset;

          if (written < size)
            {
              self->offset += written;
              break;
            }
          written -= size;
          self->offset = 0;
          g_bytes_unref (g_queue_pop_head (&self->buffers));
        }
    }

  return TRUE;
}

gboolean
pp_output_queue_is_empty (PpOutputQueue *self)
{
  return g_queue_is_empty (&self->buffers);
}

/* Bytes not yet taken by the kernel. */
gsize
pp_output_queue_get_size (PpOutputQueue *self)
{
  return self->size;
}
