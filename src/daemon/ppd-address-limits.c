/* ppd-address-limits.c: what one IP address may hold and do: connections, room creations, sign-ins.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ppd-address-limits"

#include "config.h"

#include "ppd-address-limits.h"
#include "ppd-token-bucket.h"

/* One entry per address that holds a connection or has created a room in
 * the last minute; others are forgotten, so that a stream of new addresses
 * cannot grow the table without bound. Behind a reverse proxy every client
 * has the proxy's address: raise the limits there, or set them at the
 * proxy. */

#define PRUNE_ABOVE 4096
/* Password guesses (sign-in, sign-up, new app tokens): a person who
 * mistypes a few times is never held up, a guesser gets ten a minute. */
#define SIGN_INS_PER_MINUTE 10

typedef struct
{
  guint          connections;
  PpdTokenBucket creations;
  PpdTokenBucket sign_ins;
} Entry;

struct _PpdAddressLimits
{
  const PpdConfig *config;   /* borrowed, outlives this */
  GHashTable      *entries;  /* address → Entry */
};

PpdAddressLimits *
ppd_address_limits_new (const PpdConfig *config)
{
  PpdAddressLimits *self = g_new0 (PpdAddressLimits, 1);

  self->config = config;
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return self;
}

void
ppd_address_limits_free (PpdAddressLimits *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->entries);
  g_free (self);
}

static double
creation_rate (PpdAddressLimits *self)
{
  return self->config->max_rooms_per_minute / 60.0;
}

static gboolean
is_forgettable (PpdAddressLimits *self,
                Entry            *entry)
{
  return entry->connections == 0 &&
         ppd_token_bucket_is_full (&entry->creations, creation_rate (self),
                                   self->config->max_rooms_per_minute) &&
         ppd_token_bucket_is_full (&entry->sign_ins, SIGN_INS_PER_MINUTE / 60.0,
                                   SIGN_INS_PER_MINUTE);
}

static Entry *
lookup (PpdAddressLimits *self,
        const char       *address)
{
  Entry *entry = g_hash_table_lookup (self->entries, address);

  if (entry != NULL)
    return entry;

  if (g_hash_table_size (self->entries) >= PRUNE_ABOVE)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->entries);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        if (is_forgettable (self, value))
          g_hash_table_iter_remove (&iter);
    }

  entry = g_new0 (Entry, 1);
  ppd_token_bucket_init (&entry->creations, self->config->max_rooms_per_minute);
  ppd_token_bucket_init (&entry->sign_ins, SIGN_INS_PER_MINUTE);
  g_hash_table_insert (self->entries, g_strdup (address), entry);

  return entry;
}

static void
forget_if_done (PpdAddressLimits *self,
                const char       *address,
                Entry            *entry)
{
  if (is_forgettable (self, entry))
    g_hash_table_remove (self->entries, address);
}

/* FALSE when @address holds as many WebSockets as it may. */
gboolean
ppd_address_limits_take_connection (PpdAddressLimits *self,
                                    const char       *address)
{
  Entry *entry = lookup (self, address);

  if (entry->connections >= self->config->max_connections_per_address)
    return FALSE;

  entry->connections++;
  return TRUE;
}

void
ppd_address_limits_release_connection (PpdAddressLimits *self,
                                       const char       *address)
{
  Entry *entry = g_hash_table_lookup (self->entries, address);

  g_return_if_fail (entry != NULL && entry->connections > 0);

  entry->connections--;
  forget_if_done (self, address, entry);
}

/* FALSE when @address created as many rooms as it may for now. */
gboolean
ppd_address_limits_take_room_creation (PpdAddressLimits *self,
                                       const char       *address)
{
  Entry *entry = lookup (self, address);
  gboolean ok = ppd_token_bucket_take (&entry->creations, creation_rate (self),
                                       self->config->max_rooms_per_minute, 1);

  forget_if_done (self, address, entry);
  return ok;
}

/* FALSE when @address tried as many passwords as it may for now. */
gboolean
ppd_address_limits_take_sign_in (PpdAddressLimits *self,
                                 const char       *address)
{
  Entry *entry = lookup (self, address);
  gboolean ok = ppd_token_bucket_take (&entry->sign_ins, SIGN_INS_PER_MINUTE / 60.0,
                                       SIGN_INS_PER_MINUTE, 1);

  forget_if_done (self, address, entry);
  return ok;
}
