/* pp-language.h: what the editor languages of a room mean outside the editor.
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

const char *pp_language_get_extension (const char *language);

G_END_DECLS
