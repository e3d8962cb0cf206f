/* ppd-token-bucket.c: the rate limiter behind every per-second and per-minute limit.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-token-bucket"

#include "config.h"

#include "ppd-token-bucket.h"

void
ppd_token_bucket_init (PpdTokenBucket *self,
                       double          capacity)
{
  self->tokens = capacity;
  self->at = g_get_monotonic_time ();
}

static void
refill (PpdTokenBucket *self,
        double          rate,
        double          capacity)
{
  gint64 now = g_get_monotonic_time ();

  self->tokens = MIN (capacity, self->tokens + (now - self->at) * rate / G_USEC_PER_SEC);
  self->at = now;
}

/* TRUE when @amount could be taken; nothing is taken otherwise. */
gboolean
ppd_token_bucket_take (PpdTokenBucket *self,
                       double          rate,
                       double          capacity,
                       double          amount)
{
  refill (self, rate, capacity);
  if (self->tokens < amount)
    return FALSE;

  self->tokens -= amount;
  return TRUE;
}

gboolean
ppd_token_bucket_is_full (PpdTokenBucket *self,
                          double          rate,
                          double          capacity)
{
  refill (self, rate, capacity);

  return self->tokens >= capacity;
}
