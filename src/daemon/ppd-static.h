/* ppd-static.h: serves the browser client's files, with caching, compression and security headers.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PPD_TYPE_STATIC (ppd_static_get_type ())

G_DECLARE_FINAL_TYPE (PpdStatic, ppd_static, PPD, STATIC, GObject)

PpdStatic  *ppd_static_new            (const char        *root);
const char *ppd_static_get_root       (PpdStatic         *self);
void        ppd_static_serve          (PpdStatic         *self,
                                       SoupServerMessage *msg,
                                       const char        *path);
void        ppd_static_add_security_headers (SoupServerMessage *msg);
char       *ppd_static_dup_default_root (void);

G_END_DECLS
