// The few Node built-ins the tests use, typed here because the project has
// no @types/node (and the browser code must not see Node's globals).
declare module 'node:child_process' {
  export function execFileSync(file: string, args: readonly string[], options?: { stdio?: 'ignore' | 'pipe' }): unknown;
}

declare module 'node:fs' {
  export function existsSync(path: string | URL): boolean;
  export function mkdtempSync(prefix: string): string;
  export function readFileSync(path: string | URL, encoding: 'utf8'): string;
  export function rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
}

declare module 'node:os' {
  export function tmpdir(): string;
}
