// monaco-binding.ts: Monaco editor <-> ClientSession adapter; one of two files importing Monaco.
//
// Copyright 2026 The Pairpad Authors
// SPDX-License-Identifier: GPL-3.0-or-later

/* Slim Monaco: the editor API, the editor contributions (find, folding,
 * multi-cursor… monaco 0.57 names that bundle internal/common/workers), one
 * tokenizer per language in languages.ts, and the plain editor worker. The
 * full 'monaco-editor' import would add the TypeScript/JSON/CSS/HTML language
 * services (~10 MB) that a shared pad does not need (TOOLCHAIN §6). The
 * other file importing Monaco, history-view.ts, relies on the languages and
 * the worker set up here. */
import * as monaco from 'monaco-editor/editor/editor.api';
import type { Completions } from './protocol';
import 'monaco-editor/internal/common/workers';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import 'monaco-editor/languages/definitions/cpp/register';
import 'monaco-editor/languages/definitions/csharp/register';
import 'monaco-editor/languages/definitions/css/register';
import 'monaco-editor/languages/definitions/dart/register';
import 'monaco-editor/languages/definitions/dockerfile/register';
import 'monaco-editor/languages/definitions/elixir/register';
import 'monaco-editor/languages/definitions/go/register';
import 'monaco-editor/languages/definitions/graphql/register';
import 'monaco-editor/languages/definitions/html/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/java/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/kotlin/register';
import 'monaco-editor/languages/definitions/lua/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/objective-c/register';
import 'monaco-editor/languages/definitions/perl/register';
import 'monaco-editor/languages/definitions/php/register';
import 'monaco-editor/languages/definitions/powershell/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/r/register';
import 'monaco-editor/languages/definitions/ruby/register';
import 'monaco-editor/languages/definitions/rust/register';
import 'monaco-editor/languages/definitions/scala/register';
import 'monaco-editor/languages/definitions/scss/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/definitions/sql/register';
import 'monaco-editor/languages/definitions/swift/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/xml/register';
import 'monaco-editor/languages/definitions/yaml/register';

import type { ClientSession } from './client-session';
import { shareLatest, splitCompletions, type CompletionSource } from './completion-source';
import { toMonacoLanguage } from './languages';
import { CodePointIndex, diffOp, type ContentChange } from './offsets';
import { cpLength, isNoop, transformPosition, type TextOp } from './text-op';
import { caretAfter, UndoStack } from './undo-stack';

/* The editor worker only computes diffs, links and word lists; it is bundled
 * as a same-origin file, which the CSP's worker-src 'self' allows. */
globalThis.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

registerJson();

/* One remote person's marks, in code points of the current text. */
export interface RemoteCursor {
  key: string;                         /* CSS class suffix made by presence.ts */
  name: string;
  color: string;
  sel: readonly (readonly [number, number])[];
  active: boolean;                     /* moved recently: show the name label */
}

export interface LocalPresence {
  sel: [number, number][];
  view: [number, number] | undefined;
}

export interface Disposable {
  dispose(): void;
}

export interface BindingOptions {
  language: string;
  /* True when the session holds a text already (restored from a snapshot);
   * otherwise the editor stays read-only until the room's text arrives, so
   * that nothing typed is lost to the first reset. */
  editable: boolean;
}

/* The source we give Monaco when we move the caret ourselves. */
const OWN_SOURCE = 'pairpad';
const MAX_RANGES = 32;
/* How long after a keystroke the suggestion list and the ghost text ask. */
const SUGGEST_DELAY_MS = 150;
/* How long a completion waits for the keystroke's edit to be acknowledged. */
const ACK_WAIT_MS = 2000;

/* Binds one Monaco editor and model to one ClientSession.
 *
 * Owns: the editor, its model, the decorations of remote people, the local
 * undo stack. Does not own the session, the socket or any UI around the
 * editor; presence.ts decides what to draw, this file only draws it.
 *
 * Invariant: the model holds `session.text`. `index` follows every change
 * of the model and converts between Monaco's UTF-16 offsets and the
 * protocol's code points (offsets.ts); nothing else converts. */
export class MonacoBinding implements Disposable {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  private readonly model: monaco.editor.ITextModel;
  private readonly session: ClientSession;
  private readonly undoStack = new UndoStack();
  private readonly decorations: monaco.editor.IEditorDecorationsCollection;
  private readonly disposables: (monaco.IDisposable | (() => void))[] = [];
  private readonly selectionListeners = new Set<() => void>();
  private readonly editListeners = new Set<() => void>();
  private readonly interactionListeners = new Set<() => void>();
  private readonly refusedListeners = new Set<(err: unknown) => void>();
  private readonly index: CodePointIndex;
  private applying = false;     /* echo suppression: our own model edits */
  private reconcileQueued = false;
  private ready: boolean;
  /* Why the user may not edit (a viewer, a locked room), or null. */
  private readOnlyReason: string | null = null;

  constructor(container: HTMLElement, session: ClientSession, options: BindingOptions) {
    this.session = session;
    this.ready = options.editable;
    const text = options.editable ? session.text : '';
    this.index = new CodePointIndex(text);
    this.model = monaco.editor.createModel(text, toMonacoLanguage(options.language));
    if (!text.includes('\r'))
      this.model.setEOL(monaco.editor.EndOfLineSequence.LF);

    const dark = window.matchMedia('(prefers-color-scheme: dark)');
    this.editor = monaco.editor.create(container, {
      model: this.model,
      automaticLayout: true,
      theme: dark.matches ? 'vs-dark' : 'vs',
      ariaLabel: 'Shared code editor',
      fontSize: 14,
      minimap: { enabled: false },
      padding: { top: 16 },          /* room for the name label of a caret on line 1 */
      scrollBeyondLastLine: false,
      fixedOverflowWidgets: true,
      /* Suggestions come from the daemon (setCompletionSource), which knows
       * the whole room; Monaco's own word guesses would only compete. */
      quickSuggestions: false,
      quickSuggestionsDelay: SUGGEST_DELAY_MS,
      wordBasedSuggestions: 'off',
      renderWhitespace: 'selection',
      readOnly: !this.ready,
      readOnlyMessage: { value: 'The room is still loading.' },
      overviewRulerLanes: 2,
    });
    this.decorations = this.editor.createDecorationsCollection();

    const onScheme = (e: MediaQueryListEvent): void => {
      monaco.editor.setTheme(e.matches ? 'vs-dark' : 'vs');
    };
    dark.addEventListener('change', onScheme);
    this.disposables.push(() => dark.removeEventListener('change', onScheme));

    this.disposables.push(
      this.model.onDidChangeContent((e) => this.onModelChange(e)),
      this.editor.onDidChangeCursorSelection((e) => {
        if (e.reason === monaco.editor.CursorChangeReason.Explicit)
          this.undoStack.breakGroup();
        this.emit(this.selectionListeners);
      }),
      this.editor.onDidScrollChange((e) => {
        if (e.scrollTopChanged)
          this.emit(this.selectionListeners);
      }),
      this.editor.onDidLayoutChange(() => this.emit(this.selectionListeners)),
    );

    /* Our undo, not Monaco's: Monaco's stack would also undo other people's
     * edits. Scoped to the text area so that the find box keeps its own. */
    const { KeyMod, KeyCode } = monaco;
    this.editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, () => this.undo(), 'editorTextFocus');
    this.editor.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, () => this.redo(),
                           'editorTextFocus');
    this.editor.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, () => this.redo(), 'editorTextFocus');

    /* Anything the user does by hand in the editor ends following someone. */
    const node = this.editor.getDomNode() ?? container;
    const onInteraction = (): void => this.emit(this.interactionListeners);
    for (const type of ['mousedown', 'wheel', 'touchstart', 'keydown'] as const)
      node.addEventListener(type, onInteraction, { capture: true, passive: true });
    this.disposables.push(() => {
      for (const type of ['mousedown', 'wheel', 'touchstart', 'keydown'] as const)
        node.removeEventListener(type, onInteraction, { capture: true });
    });

    this.disposables.push(
      session.on('remote-op', (op) => this.applyRemote(op)),
      session.on('reset', (text) => this.reset(text)),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      if (typeof d === 'function')
        d();
      else
        d.dispose();
    }
    this.decorations.clear();
    this.editor.dispose();
    this.model.dispose();
    this.selectionListeners.clear();
    this.editListeners.clear();
    this.interactionListeners.clear();
    this.refusedListeners.clear();
  }

  /* --- Listeners for presence.ts and the page ------------------------- */

  /* The local selection or the visible range changed. */
  onLocalPresence(cb: () => void): Disposable {
    return this.addListener(this.selectionListeners, cb);
  }

  /* The user changed the text (typing, paste, undo). */
  onLocalEdit(cb: () => void): Disposable {
    return this.addListener(this.editListeners, cb);
  }

  /* A click, key, wheel or touch in the editor. */
  onUserInteraction(cb: () => void): Disposable {
    return this.addListener(this.interactionListeners, cb);
  }

  /* The session refused a local edit, which was taken back. */
  onLocalRefused(cb: (err: unknown) => void): Disposable {
    this.refusedListeners.add(cb);
    return { dispose: () => this.refusedListeners.delete(cb) };
  }

  /* --- Queries, in code points ---------------------------------------- */

  /* What the editor shows; equal to session.text unless something is wrong. */
  getText(): string {
    return this.model.getValue();
  }

  getLocalPresence(): LocalPresence {
    const sel: [number, number][] = [];
    for (const s of (this.editor.getSelections() ?? []).slice(0, MAX_RANGES)) {
      const anchor = this.model.getOffsetAt({
        lineNumber: s.selectionStartLineNumber, column: s.selectionStartColumn,
      });
      const head = this.model.getOffsetAt({ lineNumber: s.positionLineNumber, column: s.positionColumn });
      sel.push([this.index.toCp(anchor), this.index.toCp(head)]);
    }
    let view: [number, number] | undefined;
    const ranges = this.editor.getVisibleRanges();
    const first = ranges[0];
    const last = ranges[ranges.length - 1];
    if (first !== undefined && last !== undefined) {
      view = [
        this.index.toCp(this.model.getOffsetAt(first.getStartPosition())),
        this.index.toCp(this.model.getOffsetAt(last.getEndPosition())),
      ];
    }
    return { sel, view };
  }

  getCaret(): number {
    const pos = this.editor.getPosition();
    return pos === null ? 0 : this.index.toCp(this.model.getOffsetAt(pos));
  }

  setCaret(cp: number, revealIt = true): void {
    const pos = this.model.getPositionAt(this.index.toUtf16(cp));
    this.editor.setSelection(monaco.Selection.fromPositions(pos, pos), OWN_SOURCE);
    if (revealIt)
      this.editor.revealPositionInCenterIfOutsideViewport(pos);
  }

  setLanguage(language: string): void {
    monaco.editor.setModelLanguage(this.model, toMonacoLanguage(language));
  }

  focus(): void {
    this.editor.focus();
  }

  /**
   * Offers what `source` suggests as the user types: the built-in items in
   * the suggestion list, the language model's text as ghost text (Tab takes
   * it, Escape dismisses it). Both ask about a keystroke once SUGGEST_DELAY_MS
   * after it and share one request (shareLatest). They ask only while every
   * local edit is acknowledged, so the caret's code point is a position in
   * the room's text at the session's version; taking an offer is an ordinary
   * edit.
   *
   * Precedence is Monaco's 'offWhenInlineCompletions': the list opens only
   * when no ghost text comes (no model, or it had nothing to say); Ctrl+Space
   * opens it anyway. An open list hides the ghost text.
   */
  setCompletionSource(source: CompletionSource): void {
    const kinds: Record<string, monaco.languages.CompletionItemKind> = {
      word: monaco.languages.CompletionItemKind.Text,
      keyword: monaco.languages.CompletionItemKind.Keyword,
      snippet: monaco.languages.CompletionItemKind.Snippet,
    };
    const ask = shareLatest(source);
    const rangeOf = (cp: number, replace: number, position: monaco.Position): monaco.Range =>
      monaco.Range.fromPositions(
        this.model.getPositionAt(this.index.toUtf16(Math.max(0, cp - replace))), position);

    const list = monaco.languages.registerCompletionItemProvider('*', {
      provideCompletionItems: async (model, position, _context, token) => {
        const answer = await this.askAt(ask, model, position, token);
        if (answer === null)
          return { suggestions: [] };
        const { cp, offered } = answer;
        return {
          suggestions: splitCompletions(offered).list.map((item, i) => ({
            label: item.label,
            insertText: item.insert,
            kind: kinds[item.kind] ?? monaco.languages.CompletionItemKind.Text,
            detail: item.kind,
            range: rangeOf(cp, item.replace ?? offered.prefixLength, position),
            filterText: item.label,
            sortText: String(i).padStart(4, '0'),
          })),
        };
      },
    });

    const ghost = monaco.languages.registerInlineCompletionsProvider('*', {
      /* Monaco waits this long after a keystroke (and cancels `token` on the
       * next one), like quickSuggestionsDelay for the list. */
      debounceDelayMs: SUGGEST_DELAY_MS,
      provideInlineCompletions: async (model, position, context, token) => {
        /* With a list item selected Monaco wants a continuation of that
         * item; the model's text continues the caret instead. */
        if (context.selectedSuggestionInfo !== undefined)
          return { items: [] };
        const answer = await this.askAt(ask, model, position, token);
        const item = answer === null ? undefined : splitCompletions(answer.offered).ghost;
        if (answer === null || item === undefined)
          return { items: [] };
        const range = rangeOf(answer.cp, item.replace ?? 0, position);
        return { items: [{ insertText: item.insert, range }] };
      },
      /* The items hold nothing that needs freeing. */
      disposeInlineCompletions: () => {},
    });

    this.disposables.push(list, ghost);
    this.editor.updateOptions({
      quickSuggestions: { other: 'offWhenInlineCompletions', comments: 'off', strings: 'off' },
      inlineSuggest: { enabled: true },
    });
  }

  /** Makes the editor read-only with `reason` shown on a typing attempt, or editable again (null). */
  setReadOnly(reason: string | null): void {
    this.readOnlyReason = reason;
    if (this.ready)
      this.editor.updateOptions({ readOnly: reason !== null, readOnlyMessage: { value: reason ?? '' } });
  }

  /* --- Presence drawing ------------------------------------------------ */

  setRemoteCursors(cursors: readonly RemoteCursor[]): void {
    const stickiness = monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges;
    const decos: monaco.editor.IModelDeltaDecoration[] = [];
    const max = this.index.cpLength;
    for (const c of cursors) {
      c.sel.forEach(([a, h], index) => {
        const anchor = this.model.getPositionAt(this.index.toUtf16(Math.min(Math.max(a, 0), max)));
        const head = this.model.getPositionAt(this.index.toUtf16(Math.min(Math.max(h, 0), max)));
        if (a !== h) {
          decos.push({
            range: monaco.Range.fromPositions(anchor, head),
            options: { className: `pp-sel pp-sel-${c.key}`, stickiness },
          });
        }
        const label = index === 0 ? ' pp-caret-primary' : '';
        const active = c.active ? ' pp-caret-active' : '';
        decos.push({
          range: monaco.Range.fromPositions(head, head),
          options: {
            beforeContentClassName: `pp-caret pp-caret-${c.key}${label}${active}`,
            hoverMessage: { value: c.name },
            stickiness,
            overviewRuler: index === 0
              ? { color: c.color, position: monaco.editor.OverviewRulerLane.Full }
              : null,
          },
        });
      });
    }
    this.decorations.set(decos);
  }

  /* Follow mode: show what another person sees, their caret included. */
  revealRemote(view: readonly [number, number] | undefined, caret: number | undefined): void {
    if (view !== undefined) {
      const line = this.model.getPositionAt(this.index.toUtf16(view[0])).lineNumber;
      this.editor.setScrollTop(this.editor.getTopForLineNumber(line), monaco.editor.ScrollType.Smooth);
    }
    if (caret !== undefined) {
      const pos = this.model.getPositionAt(this.index.toUtf16(caret));
      if (view === undefined)
        this.editor.revealPositionInCenterIfOutsideViewport(pos, monaco.editor.ScrollType.Smooth);
      else
        this.editor.revealPosition(pos, monaco.editor.ScrollType.Smooth);
    }
  }

  /* --- Undo ------------------------------------------------------------- */

  undo(): void {
    if (!this.session.canEdit)
      return;
    const op = this.undoStack.takeUndo(this.session.text);
    if (op !== null)
      this.applyLocal(op);
  }

  redo(): void {
    if (!this.session.canEdit)
      return;
    const op = this.undoStack.takeRedo(this.session.text);
    if (op !== null)
      this.applyLocal(op);
  }

  get canUndo(): boolean {
    return this.undoStack.canUndo;
  }

  get canRedo(): boolean {
    return this.undoStack.canRedo;
  }

  /* --- Internals -------------------------------------------------------- */

  /* The completions at `position` of `model`, with the caret in code points;
   * null when there is nothing to ask (not our model, no right to edit,
   * edits unacknowledged for too long) or the answer came too late: the text
   * moved on, or `token` was cancelled by the next keystroke. */
  private async askAt(ask: CompletionSource, model: monaco.editor.ITextModel,
                      position: monaco.Position, token: monaco.CancellationToken):
    Promise<{ cp: number; offered: Completions } | null> {
    if (model !== this.model || !this.session.canEdit)
      return null;
    const typed = model.getVersionId();
    if (!(await this.allAcknowledged(token)) || model.getVersionId() !== typed || !this.session.canEdit)
      return null;
    const cp = this.index.toCp(model.getOffsetAt(position));
    const v = this.session.version;
    const offered = await ask(cp, v).catch(() => null);
    if (offered === null || offered.v !== v || token.isCancellationRequested ||
        model.getVersionId() !== typed)
      return null;
    return { cp, offered };
  }

  /* Resolves true once every local edit is acknowledged (at once when none
   * is pending), false when `token` is cancelled first or ACK_WAIT_MS pass:
   * the keystroke's own edit is usually still on its way when Monaco asks. */
  private allAcknowledged(token: monaco.CancellationToken): Promise<boolean> {
    if (this.session.unsent === 0)
      return Promise.resolve(true);
    if (token.isCancellationRequested)
      return Promise.resolve(false);
    return new Promise((resolve) => {
      const cleanups: (() => void)[] = [];
      const settle = (acknowledged: boolean): void => {
        for (const cleanup of cleanups.splice(0))
          cleanup();
        resolve(acknowledged);
      };
      const off = this.session.on('unsent', (n) => {
        if (n === 0)
          settle(true);
      });
      const cancelled = token.onCancellationRequested(() => settle(false));
      const timer = setTimeout(() => settle(false), ACK_WAIT_MS);
      cleanups.push(off, () => cancelled.dispose(), () => clearTimeout(timer));
    });
  }

  private addListener(set: Set<() => void>, cb: () => void): Disposable {
    set.add(cb);
    return { dispose: () => set.delete(cb) };
  }

  private emit(set: Set<() => void>): void {
    for (const cb of [...set])
      cb();
  }

  /* A change made by the user through Monaco: typing, paste, cut, drop… */
  private onModelChange(e: monaco.editor.IModelContentChangedEvent): void {
    if (this.applying)
      return;
    const before = this.session.text;
    const op = this.index.applyChanges(e.changes);
    if (isNoop(op))
      return;
    if (!this.sendLocal(op, before))
      return;
    this.undoStack.recordLocal(op, before, performance.now());
    this.checkModel(e.changes.some((c) => c.text.includes('\r')));
    this.emit(this.editListeners);
  }

  /* Undo and redo: a local op we make ourselves, sent like typing. */
  private applyLocal(op: TextOp): void {
    const before = this.session.text;
    this.editModel(op);
    if (!this.sendLocal(op, before))
      return;
    const caret = caretAfter(op);
    if (caret !== null)
      this.setCaret(caret);
    this.checkModel(op.some((c) => typeof c === 'string' && c.includes('\r')));
    this.emit(this.editListeners);
  }

  /* The session refuses what the protocol cannot carry (a lone surrogate,
   * U+0000); the editor then goes back to the session's text. */
  private sendLocal(op: TextOp, before: string): boolean {
    try {
      this.session.localOp(op);
      return true;
    } catch (err) {
      console.warn('Pairpad: an edit could not be sent and was undone', err);
      this.replaceModelText(before);
      for (const cb of [...this.refusedListeners])
        cb(err);
      return false;
    }
  }

  /* Someone else's op, already transformed past our pending edits. The local
   * selections stay where they were in the text (text inserted exactly at the
   * caret lands after it, so two people typing at one spot do not interleave:
   * TOOLCHAIN pitfall 25) and the lines on screen stay on screen, even when
   * text is added or removed above them. */
  private applyRemote(op: TextOp): void {
    if (isNoop(op))
      return;
    if (!this.ready)
      this.makeReady();
    const selections = this.saveSelections();
    const viewport = this.saveViewport();

    this.editModel(op);
    this.undoStack.transformRemote(op);

    this.restoreSelections(selections, op);
    this.restoreViewport(viewport, op);
    this.checkModel(op.some((c) => typeof c === 'string' && c.includes('\r')));
  }

  private reset(text: string): void {
    this.undoStack.clear();
    if (!this.ready)
      this.makeReady();
    if (this.model.getValue() !== text)
      this.replaceModelText(text);
    this.checkModel(true);
  }

  /* Replaces the whole text, keeping the carets near where they were. */
  private replaceModelText(text: string): void {
    const selections = this.saveSelections();
    const scrollTop = this.editor.getScrollTop();
    this.applying = true;
    try {
      this.model.setValue(text);
      if (!text.includes('\r'))
        this.model.setEOL(monaco.editor.EndOfLineSequence.LF);
    } finally {
      this.applying = false;
    }
    this.index.reset(this.model.getValue());
    this.restoreSelections(selections, []);
    this.editor.setScrollTop(scrollTop, monaco.editor.ScrollType.Immediate);
  }

  private makeReady(): void {
    this.ready = true;
    this.setReadOnly(this.readOnlyReason);
  }

  /* Applies `op` (code points, against the current text) to the model as
   * one batch of UTF-16 edits, without our change handler seeing it. */
  private editModel(op: TextOp): void {
    const edits: ContentChange[] = this.index.applyOp(op);
    const monacoEdits = edits.map((e) => ({
      range: monaco.Range.fromPositions(this.model.getPositionAt(e.rangeOffset),
                                        this.model.getPositionAt(e.rangeOffset + e.rangeLength)),
      text: e.text,
      forceMoveMarkers: false,
    })).reverse(); /* right to left */
    this.applying = true;
    try {
      /* applyEdits, not pushEditOperations: it leaves Monaco's undo stack
       * alone, which we never use. */
      this.model.applyEdits(monacoEdits);
    } finally {
      this.applying = false;
    }
  }

  /* Monaco cannot hold some texts verbatim: it turns a lone "\r", or line
   * endings other than the model's, into its own EOL. A length check catches
   * most of that; texts with "\r" in them get compared in full. */
  private checkModel(full: boolean): void {
    if (!full && this.model.getValueLength() === this.index.utf16Length)
      return;
    if (this.reconcileQueued)
      return;
    this.reconcileQueued = true;
    /* After the session's own handlers are done with the current event. */
    queueMicrotask(() => {
      this.reconcileQueued = false;
      this.reconcile();
    });
  }

  /* The model is the text people see, so a difference goes to the room as
   * our edit: every client then holds the same text again. */
  private reconcile(): void {
    const actual = this.model.getValue();
    const expected = this.session.text;
    if (actual === expected)
      return;
    console.warn('Pairpad: the editor changed line endings; sending the change to the room');
    const fix = diffOp(expected, actual);
    this.index.reset(actual);
    if (isNoop(fix))
      return;
    this.undoStack.transformRemote(fix);
    try {
      this.session.localOp(fix);
    } catch (err) {
      console.error('Pairpad: cannot bring the editor and the room back in step', err);
    }
  }

  private saveSelections(): [number, number][] {
    return (this.editor.getSelections() ?? []).map((s) => [
      this.index.toCp(this.model.getOffsetAt({ lineNumber: s.selectionStartLineNumber, column: s.selectionStartColumn })),
      this.index.toCp(this.model.getOffsetAt({ lineNumber: s.positionLineNumber, column: s.positionColumn })),
    ]);
  }

  /* Call after the model holds the new text. */
  private restoreSelections(saved: [number, number][], op: TextOp): void {
    if (saved.length === 0)
      return;
    const selections = saved.map(([a, h]) => {
      const anchor = this.model.getPositionAt(this.index.toUtf16(transformPosition(a, op, false)));
      const head = this.model.getPositionAt(this.index.toUtf16(transformPosition(h, op, false)));
      return new monaco.Selection(anchor.lineNumber, anchor.column, head.lineNumber, head.column);
    });
    this.editor.setSelections(selections, OWN_SOURCE);
  }

  private saveViewport(): { cp: number; delta: number; left: number } | null {
    const first = this.editor.getVisibleRanges()[0];
    if (first === undefined)
      return null;
    const line = first.startLineNumber;
    return {
      cp: this.index.toCp(this.model.getOffsetAt({ lineNumber: line, column: 1 })),
      delta: this.editor.getScrollTop() - this.editor.getTopForLineNumber(line),
      left: this.editor.getScrollLeft(),
    };
  }

  private restoreViewport(saved: { cp: number; delta: number; left: number } | null, op: TextOp): void {
    if (saved === null)
      return;
    const cp = transformPosition(saved.cp, op, false);
    const line = this.model.getPositionAt(this.index.toUtf16(cp)).lineNumber;
    const immediate = monaco.editor.ScrollType.Immediate;
    this.editor.setScrollTop(this.editor.getTopForLineNumber(line) + saved.delta, immediate);
    this.editor.setScrollLeft(saved.left, immediate);
  }
}

/* Monaco's JSON support is a language service in a worker of its own; a
 * Monarch tokenizer is all a shared pad needs. */
function registerJson(): void {
  if (monaco.languages.getLanguages().some((l) => l.id === 'json'))
    return;
  monaco.languages.register({ id: 'json', extensions: ['.json', '.jsonc'], aliases: ['JSON', 'json'] });
  monaco.languages.setLanguageConfiguration('json', {
    comments: { lineComment: '//', blockComment: ['/*', '*/'] },
    brackets: [['{', '}'], ['[', ']']],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '"', close: '"', notIn: ['string'] },
    ],
  });
  monaco.languages.setMonarchTokensProvider('json', {
    tokenizer: {
      root: [
        [/"(?:[^"\\]|\\.)*"(?=\s*:)/, 'type'],
        [/"(?:[^"\\]|\\.)*"/, 'string'],
        [/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/, 'number'],
        [/\b(?:true|false|null)\b/, 'keyword'],
        [/\/\/.*$/, 'comment'],
        [/\/\*/, 'comment', '@comment'],
        [/[{}[\],:]/, 'delimiter'],
      ],
      comment: [
        [/[^/*]+/, 'comment'],
        [/\*\//, 'comment', '@pop'],
        [/[/*]/, 'comment'],
      ],
    },
  });
}
