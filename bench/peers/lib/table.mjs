// table.mjs: results of the shared format as one table per scenario, for a
// terminal or as Markdown for docs/benchmarks.md.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

const dash = '–';

/* Fewer decimals as numbers grow: 0.043, 1.27, 36.1, 1,250. */
function number (x) {
  if (x == null || Number.isNaN(x))
    return dash;
  if (x === 0)
    return '0';
  const digits = Math.abs(x) < 1 ? 3 : Math.abs(x) < 10 ? 2 : Math.abs(x) < 100 ? 1 : 0;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const fixed1 = (x) => (x == null ? dash : x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

export const COLUMNS = [
  ['server', (r) => r.server],
  ['store', (r) => r.store],
  ['p50 ms', (r) => number(r.latency_ms?.p50)],
  ['p95 ms', (r) => number(r.latency_ms?.p95)],
  ['p99 ms', (r) => number(r.latency_ms?.p99)],
  ['max ms', (r) => number(r.latency_ms?.max)],
  ['acked ops/s', (r) => number(r.acked_per_s)],
  ['server CPU %', (r) => fixed1(r.server_cpu_pct)],
  ['CPU µs/op', (r) => number(r.server_cpu_us_per_op)],
  ['RSS MiB', (r) => fixed1(r.server_rss_kib == null ? null : r.server_rss_kib / 1024)],
  ['RSS/conn KiB', (r) => fixed1(r.rss_per_conn_kib)],
  ['welcome ms', (r) => number(r.welcome_ms)],
  ['converged', (r) => (r.converged ? 'yes' : r.footnote ? `no [${r.footnote}]` : 'no')],
];

/* rows: results of the shared format, plus footnote (a number) on failures. */
export function formatTable (rows, { markdown }) {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => String(cell(row))));
  const header = COLUMNS.map(([title]) => title);
  if (markdown) {
    const line = (values) => `| ${values.join(' | ')} |`;
    // Text columns left, numbers right, as a reader compares them.
    const align = COLUMNS.map((_, i) => (i < 2 ? '---' : '---:'));
    return [line(header), line(align), ...cells.map(line)].join('\n');
  }
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values) => values.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
