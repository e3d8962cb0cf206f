/* pairpad-languages.h: the room languages (Monaco ids on the wire) and their GtkSourceView ids.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PAIRPAD_DEFAULT_LANGUAGE "plaintext"

typedef struct
{
  const char *id;         /* Monaco language id, as the protocol carries it */
  const char *label;      /* not translated: language names */
  const char *source_id;  /* (nullable) GtkSourceView language id */
} PairpadLanguage;

guint                  pairpad_languages_get_n_items     (void);
const PairpadLanguage *pairpad_languages_get_nth         (guint       index);
int                    pairpad_languages_find            (const char *id);
const char            *pairpad_languages_normalize       (const char *id);
const char            *pairpad_languages_to_source_id    (const char *id);
const char            *pairpad_languages_from_source_id  (const char *source_id);

G_END_DECLS
