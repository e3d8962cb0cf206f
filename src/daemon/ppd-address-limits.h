/* ppd-address-limits.h: what one IP address may hold and do: connections, room creations, sign-ins.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ppd-config.h"

G_BEGIN_DECLS

typedef struct _PpdAddressLimits PpdAddressLimits;

PpdAddressLimits *ppd_address_limits_new                (const PpdConfig  *config);
void              ppd_address_limits_free               (PpdAddressLimits *self);
gboolean          ppd_address_limits_take_connection    (PpdAddressLimits *self,
                                                         const char       *address);
void              ppd_address_limits_release_connection (PpdAddressLimits *self,
                                                         const char       *address);
gboolean          ppd_address_limits_take_room_creation (PpdAddressLimits *self,
                                                         const char       *address);
gboolean          ppd_address_limits_take_sign_in       (PpdAddressLimits *self,
                                                         const char       *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpdAddressLimits, ppd_address_limits_free)

G_END_DECLS
