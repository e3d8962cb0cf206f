// history-view.ts: the history panel's Monaco views: a past text tinted by author, a diff.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/* With monaco-binding.ts, the only file that imports Monaco. The languages
 * and the editor worker (the diff editor computes in it) are registered by
 * monaco-binding.ts, which the room page loads first. */
import * as monaco from 'monaco-editor/editor/editor.api';

import type { Tint } from './blame';
import { toMonacoLanguage } from './languages';
import type { Disposable } from './monaco-binding';
import { CodePointIndex } from './offsets';

/* Owns two read-only editors on one container: a plain one showing the
 * chosen version with each author's text tinted (classes from blame.ts,
 * their rules made by the panel), and a diff editor made on first use. It
 * knows nothing of versions, REST or the session. */
export class HistoryView implements Disposable {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly past: monaco.editor.ITextModel;
  private readonly now: monaco.editor.ITextModel;
  private readonly tints: monaco.editor.IEditorDecorationsCollection;
  private readonly plainHost: HTMLElement;
  private readonly diffHost: HTMLElement;
  private diff: monaco.editor.IStandaloneDiffEditor | null = null;

  constructor(container: HTMLElement, language: string) {
    this.plainHost = document.createElement('div');
    this.plainHost.className = 'history-editor';
    this.diffHost = document.createElement('div');
    this.diffHost.className = 'history-editor';
    this.diffHost.hidden = true;
    container.append(this.plainHost, this.diffHost);

    this.past = monaco.editor.createModel('', toMonacoLanguage(language));
    this.now = monaco.editor.createModel('', toMonacoLanguage(language));
    this.past.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.now.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.editor = monaco.editor.create(this.plainHost, {
      model: this.past,
      readOnly: true,
      readOnlyMessage: { value: 'An earlier version: restore it to edit it.' },
      ariaLabel: 'The room’s text at the chosen version',
      automaticLayout: true,
      fontSize: 13,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
      renderLineHighlight: 'none',
      occurrencesHighlight: 'off',
      contextmenu: false,
    });
    this.tints = this.editor.createDecorationsCollection();
  }

  dispose(): void {
    this.tints.clear();
    this.diff?.dispose();
    this.editor.dispose();
    this.past.dispose();
    this.now.dispose();
    this.plainHost.remove();
    this.diffHost.remove();
  }

  /** Shows `text` with `tints` (code points of `text`), keeping the scroll position. */
  show(text: string, tints: readonly Tint[]): void {
    const scrollTop = this.editor.getScrollTop();
    if (this.past.getValue() !== text)
      this.past.setValue(text);
    const index = new CodePointIndex(text);
    const decorations: monaco.editor.IModelDeltaDecoration[] = [];
    for (const t of tints) {
      if (t.author.tintClass === '')
        continue;
      decorations.push({
        range: monaco.Range.fromPositions(this.past.getPositionAt(index.toUtf16(t.start)),
                                          this.past.getPositionAt(index.toUtf16(t.end))),
        options: { inlineClassName: `pp-tint ${t.author.tintClass}` },
      });
    }
    this.tints.set(decorations);
    this.editor.setScrollTop(scrollTop, monaco.editor.ScrollType.Immediate);
  }

  /** The text shown, as Monaco holds it. */
  getText(): string {
    return this.past.getValue();
  }

  /** Shows the diff of the chosen version (left) against `now` (right), or the plain view (null). */
  showDiff(now: string | null): void {
    if (now === null) {
      this.diffHost.hidden = true;
      this.plainHost.hidden = false;
      return;
    }
    this.setNow(now);
    if (this.diff === null) {
      this.diff = monaco.editor.createDiffEditor(this.diffHost, {
        readOnly: true,
        originalEditable: false,
        automaticLayout: true,
        fontSize: 13,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        renderOverviewRuler: false,
        /* Side by side needs room the panel rarely has. */
        renderSideBySide: false,
      });
      this.diff.setModel({ original: this.past, modified: this.now });
    }
    this.plainHost.hidden = true;
    this.diffHost.hidden = false;
  }

  setNow(text: string): void {
    if (this.now.getValue() !== text)
      this.now.setValue(text);
  }

  setLanguage(language: string): void {
    monaco.editor.setModelLanguage(this.past, toMonacoLanguage(language));
    monaco.editor.setModelLanguage(this.now, toMonacoLanguage(language));
  }
}
