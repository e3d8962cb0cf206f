/* pp-completion.c: built-in completions: words of the document, keywords, snippets.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pp-completion"

#include "config.h"

#include <math.h>
#include <string.h>

#include "pp-completion.h"

/* Zero setup and offline: the word being typed (the identifier characters
 * before the cursor) is completed from the words of the document itself,
 * ranked by how often they occur and how close to the cursor, then from the
 * language's keywords and a few snippets. One pass over the text, no index:
 * a 10,000-line document is a few hundred KiB, scanned in well under a
 * millisecond. */

typedef struct
{
  const char *language;
  const char *keywords;   /* space-separated */
  const char *snippets[5]; /* label, text, label, text, NULL */
} LanguageTable;

static const LanguageTable languages[] = {
  { "c", "auto break case char const continue default do double else enum extern float for goto "
         "if inline int long register return short signed sizeof static struct switch typedef "
         "union unsigned void volatile while bool true false NULL",
    { "for", "for (int i = 0; i < n; i++)\n  {\n  }",
      "main", "int\nmain (int argc, char *argv[])\n{\n  return 0;\n}" } },
  { "cpp", "auto bool break case catch char class const constexpr continue default delete do "
           "double else enum explicit false float for friend if inline int long namespace new "
           "nullptr operator private protected public return short sizeof static struct switch "
           "template this throw true try typedef typename union unsigned using virtual void while",
    { "for", "for (auto &item : items) {\n}", "class", "class Name {\npublic:\n};" } },
  { "python", "False None True and as assert async await break class continue def del elif else "
              "except finally for from global if import in is lambda nonlocal not or pass raise "
              "return try while with yield print len range self",
    { "def", "def name(args):\n    pass", "main", "if __name__ == \"__main__\":\n    main()" } },
  { "javascript", "async await break case catch class const continue debugger default delete do "
                  "else export extends false finally for function if import in instanceof let new "
                  "null return super switch this throw true try typeof undefined var void while "
                  "yield console",
    { "function", "function name() {\n}", "log", "console.log();" } },
  { "typescript", "abstract any as async await boolean break case catch class const continue "
                  "declare default do else enum export extends false finally for function if "
                  "implements import in interface let never new null number private protected "
                  "public readonly return string super switch this throw true try type typeof "
                  "undefined unknown var void while",
    { "function", "function name(): void {\n}", "interface", "interface Name {\n}" } },
  { "rust", "as async await break const continue crate else enum extern false fn for if impl in "
            "let loop match mod move mut pub ref return self Self static struct super trait true "
            "type unsafe use where while Some None Ok Err String Vec Option Result println",
    { "fn", "fn name() {\n}", "main", "fn main() {\n}" } },
  { "go", "break case chan const continue default defer else fallthrough for func go goto if "
          "import interface map package range return select struct switch type var nil true "
          "false string int error",
    { "func", "func name() {\n}", "iferr", "if err != nil {\n\treturn err\n}" } },
  { "java", "abstract boolean break byte case catch char class continue default do double else "
            "enum extends final finally float for if implements import instanceof int interface "
            "long new null package private protected public return short static super switch "
            "this throw throws true false try void while String System",
    { "main", "public static void main(String[] args) {\n}" } },
  { "shell", "if then else elif fi for while do done case esac function return local export "
             "echo exit",
    { "if", "if [ ]; then\nfi" } },
};

static const char * const kind_names[] = {
  [PP_COMPLETION_WORD] = "word",
  [PP_COMPLETION_KEYWORD] = "keyword",
  [PP_COMPLETION_SNIPPET] = "snippet",
  [PP_COMPLETION_MODEL] = "model",
};

const char *
pp_completion_kind_to_string (PpCompletionKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);
  return kind_names[kind];
}

/* FALSE when @name is no kind this version knows. */
gboolean
pp_completion_kind_from_string (const char       *name,
                                PpCompletionKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    {
      if (g_strcmp0 (name, kind_names[i]) == 0)
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

PpCompletionItem *
pp_completion_item_new (const char       *label,
                        const char       *insert,
                        PpCompletionKind  kind,
                        double            score)
{
  PpCompletionItem *item = g_new0 (PpCompletionItem, 1);

  item->label = g_strdup (label);
  item->insert = g_strdup (insert);
  item->kind = kind;
  item->score = score;

  return item;
}

void
pp_completion_item_free (PpCompletionItem *item)
{
  g_free (item->label);
  g_free (item->insert);
  g_free (item);
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* The end of the word at @p (@p itself when none starts there). ASCII, most
 * of any source file, is decided without decoding. */
static const char *
word_end (const char *p,
          const char *end)
{
  while (p < end)
    {
      guchar c = *p;

      if (c < 0x80)
        {
          if (!g_ascii_isalnum (c) && c != '_')
            break;
          p++;
        }
      else if (is_word_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      else
        break;
    }

  return p;
}

static void
add_item (GHashTable       *seen,
          GPtrArray        *items,
          const char       *label,
          const char       *insert,
          PpCompletionKind  kind,
          double            score)
{
  PpCompletionItem *item = g_hash_table_lookup (seen, label);

  if (item != NULL)
    {
      item->score = MAX (item->score, score);
      return;
    }

  item = pp_completion_item_new (label, insert, kind, score);
  g_ptr_array_add (items, item);
  g_hash_table_insert (seen, item->label, item);
}

typedef struct
{
  guint count;
  gsize distance;   /* bytes from the cursor to the nearest occurrence */
} WordStats;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const PpCompletionItem *x = *(PpCompletionItem * const *) a;
  const PpCompletionItem *y = *(PpCompletionItem * const *) b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return strcmp (x->label, y->label);
}

/* A prefix typed in lower case matches any case (a lower score); one with
 * capitals matches exactly. */
static gboolean
matches (const char *word,
         gsize       word_len,
         const char *prefix,
         gsize       prefix_len,
         gboolean    any_case,
         gboolean   *exact_case)
{
  if (word_len <= prefix_len)
    return FALSE;
  *exact_case = strncmp (word, prefix, prefix_len) == 0;
  return *exact_case || (any_case && g_ascii_strncasecmp (word, prefix, prefix_len) == 0);
}

/**
 * pp_completion_suggest:
 * @text: the document, valid UTF-8
 * @position: the cursor, in code points
 * @language: (nullable): the room's language id
 * @max: how many items at most
 * @prefix_length: (out) (optional): code points before the cursor the items
 *   replace (the word being typed)
 *
 * Returns: (transfer full) (element-type PpCompletionItem): the best
 *   completions first; empty when the cursor is not after a word
 */
GPtrArray *
pp_completion_suggest (const char *text,
                       gsize       position,
                       const char *language,
                       guint       max,
                       gsize      *prefix_length)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_completion_item_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) words = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GStringChunk) chunk = g_string_chunk_new (4096);
  gsize length = strlen (text);
  const char *cursor;
  const char *start;
  gsize prefix_len;
  gboolean any_case = TRUE;
  g_autofree char *prefix = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (text != NULL, NULL);

  cursor = text;
  for (gsize i = 0; i < position && cursor < text + length; i++)
    cursor = g_utf8_next_char (cursor);
  for (start = cursor; start > text;)
    {
      const char *prev = g_utf8_prev_char (start);

      if (!is_word_char (g_utf8_get_char (prev)))
        break;
      start = prev;
    }
  prefix_len = cursor - start;
  if (prefix_length != NULL)
    *prefix_length = g_utf8_strlen (start, prefix_len);
  if (prefix_len == 0 || max == 0)
    return g_steal_pointer (&items);

  prefix = g_strndup (start, prefix_len);
  for (const char *p = prefix; *p != '\0'; p++)
    any_case &= !g_ascii_isupper (*p);

  /* Words of the document: one pass, interned so each is counted once. */
  for (const char *p = text; p < text + length;)
    {
      const char *word = p;
      gboolean exact_case;

      p = word_end (p, text + length);
      if (p == word)
        {
          p = (guchar) *p < 0x80 ? p + 1 : g_utf8_next_char (p);
          continue;
        }
      /* Not the word being typed itself. */
      if (word == start)
        continue;
      if (!g_unichar_isdigit (g_utf8_get_char (word)) &&
          matches (word, p - word, prefix, prefix_len, any_case, &exact_case))
        {
          g_autofree char *copy = g_strndup (word, p - word);
          /* Interned: equal words are one pointer, the table's key. */
          const char *interned = g_string_chunk_insert_const (chunk, copy);
          WordStats *stats;
          gsize distance = word < start ? (gsize) (start - word) : (gsize) (word - cursor);

          stats = g_hash_table_lookup (words, interned);
          if (stats == NULL)
            {
              stats = g_new0 (WordStats, 1);
              stats->distance = G_MAXSIZE;
              g_hash_table_insert (words, (gpointer) interned, stats);
            }
          stats->count++;
          stats->distance = MIN (stats->distance, distance) | (exact_case ? 0 : (gsize) 1 << 40);
        }
    }

  g_hash_table_iter_init (&iter, words);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      WordStats *stats = value;
      gboolean exact_case = (stats->distance >> 40) == 0;
      gsize distance = stats->distance & (((gsize) 1 << 40) - 1);
      /* Frequency counts, closeness more: a name used right here is
       * likely the next one. */
      double score = 10.0 + 2.0 * log2 (1.0 + stats->count) +
                     8.0 / (1.0 + distance / 200.0) + (exact_case ? 2.0 : 0.0);

      add_item (seen, items, key, key, PP_COMPLETION_WORD, score);
    }

  for (guint i = 0; language != NULL && i < G_N_ELEMENTS (languages); i++)
    {
      g_auto(GStrv) keywords = NULL;

      if (!g_str_equal (language, languages[i].language))
        continue;

      keywords = g_strsplit (languages[i].keywords, " ", -1);
      for (guint k = 0; keywords[k] != NULL; k++)
        {
          gboolean exact_case;

          if (matches (keywords[k], strlen (keywords[k]), prefix, prefix_len, any_case,
                       &exact_case))
            add_item (seen, items, keywords[k], keywords[k], PP_COMPLETION_KEYWORD,
                      9.0 + (exact_case ? 2.0 : 0.0));
        }

      for (guint k = 0; languages[i].snippets[k] != NULL; k += 2)
        {
          const char *label = languages[i].snippets[k];
          g_autofree char *shown = NULL;
          gboolean exact_case;

          if (!matches (label, strlen (label), prefix, prefix_len, any_case, &exact_case) &&
              g_strcmp0 (label, prefix) != 0)
            continue;
          shown = g_strdup_printf ("%s…", label);
          add_item (seen, items, shown, languages[i].snippets[k + 1], PP_COMPLETION_SNIPPET, 8.0);
        }
    }

  g_ptr_array_sort (items, compare_items);
  if (items->len > max)
    g_ptr_array_set_size (items, max);

  return g_steal_pointer (&items);
}
