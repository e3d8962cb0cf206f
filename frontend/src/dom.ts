// dom.ts: building DOM nodes without markup strings, for the pages.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/* No innerHTML anywhere: names, titles and room text come from other people,
 * so every string goes in as a text node or a property. */

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & {
  dataset?: Record<string, string>;
  attrs?: Record<string, string>;
};

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K,
                                                         props: Props<K> | null = null,
                                                         ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props !== null) {
    const { dataset, attrs, ...rest } = props;
    Object.assign(el, rest);
    for (const [k, v] of Object.entries(dataset ?? {}))
      el.dataset[k] = v;
    for (const [k, v] of Object.entries(attrs ?? {}))
      el.setAttribute(k, v);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false)
      el.append(child);
  }
  return el;
}

/* An inline SVG icon from a fixed list (no user input reaches it). */
export function icon(name: 'copy' | 'check' | 'home' | 'eye' | 'upload' | 'close' | 'lock' | 'share' | 'history'): SVGSVGElement {
  const paths: Record<typeof name, string> = {
    copy: 'M9 9h10v10H9z M5 15V5h10',
    check: 'M5 12l5 5L20 7',
    home: 'M3 11l9-7 9 7 M5 10v10h14V10',
    eye: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z',
    upload: 'M12 16V4 M7 9l5-5 5 5 M4 20h16',
    close: 'M6 6l12 12 M18 6L6 18',
    lock: 'M6 11h12v9H6z M8 11V8a4 4 0 0 1 8 0v3',
    history: 'M3 12a9 9 0 1 0 2.6-6.4 M3 4v5h5 M12 7v5l3 2',
    share: 'M18 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M18 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6z M8.6 13.5l6.8 4 M15.4 6.5l-6.8 4',
  };
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', paths[name]);
  svg.append(path);
  return svg;
}

/* Copies `text`; the async clipboard API needs a secure context, so plain
 * http on a LAN address falls back to a selected textarea. */
export function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard !== undefined && window.isSecureContext)
    return navigator.clipboard.writeText(text).then(() => true, () => copyFallback(text));
  return Promise.resolve(copyFallback(text));
}

function copyFallback(text: string): boolean {
  const area = h('textarea', { value: text, readOnly: true, className: 'visually-hidden' });
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
