/* pairpad-languages.c: the room languages and the Monaco ↔ GtkSourceView id mapping.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-languages"

#include "config.h"

#include <string.h>

#include "pairpad-languages.h"

/* The same list, in the same order, as frontend/src/languages.ts, so that a
 * room created in either client shows the same choice in the other. */
static const PairpadLanguage languages[] = {
  { "plaintext", "Plain Text", NULL },
  { "c", "C", "c" },
  { "cpp", "C++", "cpp" },
  { "csharp", "C#", "c-sharp" },
  { "css", "CSS", "css" },
  { "dart", "Dart", "dart" },
  { "dockerfile", "Dockerfile", "docker" },
  { "elixir", "Elixir", NULL },
  { "go", "Go", "go" },
  { "graphql", "GraphQL", NULL },
  { "html", "HTML", "html" },
  { "ini", "INI / TOML", "ini" },
  { "java", "Java", "java" },
  { "javascript", "JavaScript", "js" },
  { "json", "JSON", "json" },
  { "kotlin", "Kotlin", "kotlin" },
  { "lua", "Lua", "lua" },
  { "markdown", "Markdown", "markdown" },
  { "objective-c", "Objective-C", "objc" },
  { "perl", "Perl", "perl" },
  { "php", "PHP", "php" },
  { "powershell", "PowerShell", "powershell" },
  { "python", "Python", "python3" },
  { "r", "R", "r" },
  { "ruby", "Ruby", "ruby" },
  { "rust", "Rust", "rust" },
  { "scala", "Scala", "scala" },
  { "scss", "SCSS", "scss" },
  { "shell", "Shell", "sh" },
  { "sql", "SQL", "sql" },
  { "swift", "Swift", "swift" },
  { "typescript", "TypeScript", "typescript" },
  { "xml", "XML", "xml" },
  { "yaml", "YAML", "yaml" },
};

/* Other spellings seen on the wire (the browser client accepts the same). */
static const struct { const char *alias; const char *id; } aliases[] = {
  { "text", "plaintext" }, { "txt", "plaintext" }, { "plain", "plaintext" },
  { "chdr", "c" }, { "c++", "cpp" }, { "cpphdr", "cpp" },
  { "c-sharp", "csharp" }, { "cs", "csharp" },
  { "js", "javascript" }, { "ts", "typescript" },
  { "python3", "python" }, { "py", "python" },
  { "sh", "shell" }, { "bash", "shell" }, { "zsh", "shell" },
  { "objc", "objective-c" }, { "rs", "rust" }, { "golang", "go" },
  { "rb", "ruby" }, { "md", "markdown" }, { "yml", "yaml" },
  { "toml", "ini" }, { "docker", "dockerfile" },
};

guint
pairpad_languages_get_n_items (void)
{
  return G_N_ELEMENTS (languages);
}

const PairpadLanguage *
pairpad_languages_get_nth (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (languages), NULL);

  return &languages[index];
}

/* Index of @id (any spelling, any case), or -1. */
int
pairpad_languages_find (const char *id)
{
  g_autofree char *lower = NULL;

  if (id == NULL)
    return -1;

  lower = g_ascii_strdown (id, -1);
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strcmp (lower, aliases[i].alias) == 0)
      {
        g_free (lower);
        lower = g_strdup (aliases[i].id);
        break;
      }

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (strcmp (lower, languages[i].id) == 0)
      return i;

  return -1;
}

/* The canonical Monaco id for @id; unknown languages come from newer
 * clients and are shown as plain text, so they map to the default. */
const char *
pairpad_languages_normalize (const char *id)
{
  int index = pairpad_languages_find (id);

  return index < 0 ? PAIRPAD_DEFAULT_LANGUAGE : languages[index].id;
}

/* (nullable): NULL means no highlighting. */
const char *
pairpad_languages_to_source_id (const char *id)
{
  int index = pairpad_languages_find (id);

  return index < 0 ? NULL : languages[index].source_id;
}

const char *
pairpad_languages_from_source_id (const char *source_id)
{
  if (source_id == NULL)
    return PAIRPAD_DEFAULT_LANGUAGE;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (source_id, languages[i].source_id) == 0)
      return languages[i].id;

  /* GtkSourceView ids that are not a room language: a related one. */
  if (strcmp (source_id, "chdr") == 0)
    return "c";
  if (strcmp (source_id, "cpphdr") == 0)
    return "cpp";
  if (strcmp (source_id, "python") == 0)
    return "python";
  if (strcmp (source_id, "toml") == 0)
    return "ini";

  return PAIRPAD_DEFAULT_LANGUAGE;
}
