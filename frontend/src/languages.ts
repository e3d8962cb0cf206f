// languages.ts: the languages a room can be set to, as Monaco language ids.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/* A room's `language` is free text on the wire (1–64 characters). The
 * browser writes Monaco ids; other clients (the GTK app uses GtkSourceView
 * ids) may write their own, so `toMonacoLanguage` maps the usual aliases.
 * monaco-binding.ts registers a tokenizer for every id listed here: keep the
 * two lists in step. */

export interface LanguageInfo {
  id: string;
  label: string;
  extensions: string[];
}

export const LANGUAGES: readonly LanguageInfo[] = [
  { id: 'plaintext', label: 'Plain text', extensions: ['.txt', '.text', '.log'] },
  { id: 'c', label: 'C', extensions: ['.c', '.h'] },
  { id: 'cpp', label: 'C++', extensions: ['.cpp', '.cc', '.cxx', '.hpp', '.hh', '.hxx'] },
  { id: 'csharp', label: 'C#', extensions: ['.cs', '.csx'] },
  { id: 'css', label: 'CSS', extensions: ['.css'] },
  { id: 'dart', label: 'Dart', extensions: ['.dart'] },
  { id: 'dockerfile', label: 'Dockerfile', extensions: ['.dockerfile'] },
  { id: 'elixir', label: 'Elixir', extensions: ['.ex', '.exs'] },
  { id: 'go', label: 'Go', extensions: ['.go'] },
  { id: 'graphql', label: 'GraphQL', extensions: ['.graphql', '.gql'] },
  { id: 'html', label: 'HTML', extensions: ['.html', '.htm', '.xhtml'] },
  { id: 'ini', label: 'INI / TOML', extensions: ['.ini', '.conf', '.cfg', '.toml', '.properties'] },
  { id: 'java', label: 'Java', extensions: ['.java'] },
  { id: 'javascript', label: 'JavaScript', extensions: ['.js', '.mjs', '.cjs', '.jsx'] },
  { id: 'json', label: 'JSON', extensions: ['.json', '.jsonc', '.webmanifest'] },
  { id: 'kotlin', label: 'Kotlin', extensions: ['.kt', '.kts'] },
  { id: 'lua', label: 'Lua', extensions: ['.lua'] },
  { id: 'markdown', label: 'Markdown', extensions: ['.md', '.markdown'] },
  { id: 'objective-c', label: 'Objective-C', extensions: ['.m'] },
  { id: 'perl', label: 'Perl', extensions: ['.pl', '.pm'] },
  { id: 'php', label: 'PHP', extensions: ['.php'] },
  { id: 'powershell', label: 'PowerShell', extensions: ['.ps1', '.psm1'] },
  { id: 'python', label: 'Python', extensions: ['.py', '.pyw', '.pyi'] },
  { id: 'r', label: 'R', extensions: ['.r'] },
  { id: 'ruby', label: 'Ruby', extensions: ['.rb', '.gemspec'] },
  { id: 'rust', label: 'Rust', extensions: ['.rs'] },
  { id: 'scala', label: 'Scala', extensions: ['.scala', '.sc'] },
  { id: 'scss', label: 'SCSS', extensions: ['.scss'] },
  { id: 'shell', label: 'Shell', extensions: ['.sh', '.bash', '.zsh'] },
  { id: 'sql', label: 'SQL', extensions: ['.sql'] },
  { id: 'swift', label: 'Swift', extensions: ['.swift'] },
  { id: 'typescript', label: 'TypeScript', extensions: ['.ts', '.tsx', '.mts', '.cts'] },
  { id: 'xml', label: 'XML', extensions: ['.xml', '.svg', '.xsd', '.xsl', '.plist'] },
  { id: 'yaml', label: 'YAML', extensions: ['.yaml', '.yml'] },
];

export const DEFAULT_LANGUAGE = 'plaintext';

/* Other spellings seen on the wire: GtkSourceView ids and common names. */
const ALIASES: Readonly<Record<string, string>> = {
  text: 'plaintext',
  txt: 'plaintext',
  plain: 'plaintext',
  chdr: 'c',
  'c++': 'cpp',
  cpphdr: 'cpp',
  'c-sharp': 'csharp',
  cs: 'csharp',
  js: 'javascript',
  ts: 'typescript',
  python3: 'python',
  py: 'python',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  objc: 'objective-c',
  rs: 'rust',
  golang: 'go',
  rb: 'ruby',
  md: 'markdown',
  yml: 'yaml',
  toml: 'ini',
  desktop: 'ini',
  docker: 'dockerfile',
  kt: 'kotlin',
  ps: 'powershell',
};

const BY_ID = new Map(LANGUAGES.map((l) => [l.id, l]));

/* The Monaco id to highlight `language` with; plaintext when unknown. */
export function toMonacoLanguage(language: string): string {
  const key = language.trim().toLowerCase();
  if (BY_ID.has(key))
    return key;
  return ALIASES[key] ?? DEFAULT_LANGUAGE;
}

export function languageLabel(language: string): string {
  return BY_ID.get(language)?.label ?? language;
}

/* Guesses the language from a file name (an upload); undefined if unsure. */
export function languageForFilename(filename: string): string | undefined {
  const name = filename.toLowerCase();
  if (name === 'dockerfile' || name.endsWith('.dockerfile'))
    return 'dockerfile';
  if (name === 'makefile' || name === 'gnumakefile')
    return 'plaintext';
  const dot = name.lastIndexOf('.');
  if (dot < 0)
    return undefined;
  const ext = name.slice(dot);
  return LANGUAGES.find((l) => l.extensions.includes(ext))?.id;
}

/* Fills a <select> with the list; an unknown current value gets its own
 * entry so that the select never lies about the room. */
export function fillLanguageSelect(select: HTMLSelectElement, current: string): void {
  select.replaceChildren();
  for (const lang of LANGUAGES)
    select.append(new Option(lang.label, lang.id));
  setLanguageSelectValue(select, current);
}

export function setLanguageSelectValue(select: HTMLSelectElement, value: string): void {
  if (!BY_ID.has(value)) {
    let extra = select.querySelector<HTMLOptionElement>('option[data-extra]');
    if (extra === null) {
      extra = new Option('', '');
      extra.dataset['extra'] = '1';
      select.append(extra);
    }
    extra.value = value;
    extra.textContent = `${value} (shown as ${languageLabel(toMonacoLanguage(value))})`;
  }
  select.value = value;
}
