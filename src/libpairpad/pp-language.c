/* pp-language.c: what the editor languages of a room mean outside the editor.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-language"

#include "config.h"

#include "pp-language.h"

/* The first file extension of each language id of frontend/src/languages.ts
 * (Monaco's ids, which rooms use on the wire). */
static const struct
{
  const char *language;
  const char *extension;
} extensions[] = {
  { "plaintext", ".txt" },
  { "c", ".c" },
  { "cpp", ".cpp" },
  { "csharp", ".cs" },
  { "css", ".css" },
  { "dart", ".dart" },
  { "dockerfile", ".dockerfile" },
  { "elixir", ".ex" },
  { "go", ".go" },
  { "graphql", ".graphql" },
  { "html", ".html" },
  { "ini", ".ini" },
  { "java", ".java" },
  { "javascript", ".js" },
  { "json", ".json" },
  { "kotlin", ".kt" },
  { "lua", ".lua" },
  { "markdown", ".md" },
  { "objective-c", ".m" },
  { "perl", ".pl" },
  { "php", ".php" },
  { "powershell", ".ps1" },
  { "python", ".py" },
  { "r", ".r" },
  { "ruby", ".rb" },
  { "rust", ".rs" },
  { "scala", ".scala" },
  { "scss", ".scss" },
  { "shell", ".sh" },
  { "sql", ".sql" },
  { "swift", ".swift" },
  { "typescript", ".ts" },
  { "xml", ".xml" },
  { "yaml", ".yaml" },
};

/**
 * pp_language_get_extension:
 * @language: a room's language id ("python", "c", …)
 *
 * Returns: the file extension a download of such a room gets, dot
 *   included: ".txt" for ids it does not know
 */
const char *
pp_language_get_extension (const char *language)
{
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_strcmp0 (language, extensions[i].language) == 0)
      return extensions[i].extension;

  return ".txt";
}
