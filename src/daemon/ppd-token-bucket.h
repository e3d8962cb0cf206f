/* ppd-token-bucket.h: the rate limiter behind every per-second and per-minute limit.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Starts full: a burst of @capacity is allowed, then @rate per second. */
typedef struct
{
  double tokens;
  gint64 at;       /* monotonic µs of the last refill */
} PpdTokenBucket;

void     ppd_token_bucket_init (PpdTokenBucket *self,
                                double          capacity);
gboolean ppd_token_bucket_take (PpdTokenBucket *self,
                                double          rate,
                                double          capacity,
                                double          amount);
gboolean ppd_token_bucket_is_full
                               (PpdTokenBucket *self,
                                double          rate,
                                double          capacity);

G_END_DECLS
