// A Monaco editor as a React component: text in and out, markers, an optional hover text
// per position, a highlighted line range, and "reveal this position" requests. Monaco is
// loaded lazily (monaco-setup.ts) and created once per component; the React side never
// re-creates it, so undo history and cursor survive re-renders. Component tests replace
// this module with a textarea (Monaco needs a real browser).

import { useEffect, useRef, useState } from 'react';
import type { MarkerData } from './problems';

export interface RevealRequest {
  line: number;
  column: number;
  /** Bumped for each request, so asking twice for the same place still moves there. */
  seq: number;
}

export interface CodeEditorProps {
  language: 'python' | 'json';
  /** Identifies the document (one Monaco model per uri). */
  uri: string;
  value: string;
  onChange(value: string): void;
  markers: readonly MarkerData[];
  ariaLabel: string;
  /** Hover text for a 1-based position (markdown), or null. */
  hoverAt?: (line: number, column: number) => { text: string; range: [number, number, number, number] } | null;
  highlightLines?: [number, number] | null;
  reveal?: RevealRequest | null;
  /** Called with Ctrl/Cmd+S inside the editor (Monaco would otherwise swallow it). */
  onSave?: () => void;
}

type MonacoModule = typeof import('./monaco-setup');
type Editor = import('./monaco-setup').Monaco['editor'];
type StandaloneEditor = ReturnType<Editor['create']>;

let monacoPromise: Promise<MonacoModule> | null = null;
function loadMonaco(): Promise<MonacoModule> {
  monacoPromise ??= import('./monaco-setup');
  return monacoPromise;
}

const darkQuery = () => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<StandaloneEditor | null>(null);
  const monacoRef = useRef<MonacoModule['monaco'] | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const decorations = useRef<{ clear(): void; set(d: unknown[]): void } | null>(null);
  const [ready, setReady] = useState(false);
  // Texts the editor itself reported that React has not rendered back yet: a render may
  // lag a keystroke behind, and must not be mistaken for a change from outside.
  const emitted = useRef<string[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    const cleanups: Array<() => void> = [];
    loadMonaco().then(
      ({ monaco }) => {
        if (disposed || !host.current) return;
        monacoRef.current = monaco;
        const uri = monaco.Uri.parse(propsRef.current.uri);
        const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(propsRef.current.value, propsRef.current.language, uri);
        const q = darkQuery();
        const editor = monaco.editor.create(host.current, {
          model,
          theme: q?.matches ? 'vs-dark' : 'vs',
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 13,
          lineNumbersMinChars: 3,
          scrollBeyondLastLine: false,
          renderLineHighlight: 'line',
          ariaLabel: propsRef.current.ariaLabel,
          tabSize: 4,
          fixedOverflowWidgets: true,
          hover: { delay: 250 },
        });
        editorRef.current = editor;
        decorations.current = editor.createDecorationsCollection() as unknown as { clear(): void; set(d: unknown[]): void };
        const onTheme = () => monaco.editor.setTheme(q?.matches ? 'vs-dark' : 'vs');
        q?.addEventListener('change', onTheme);
        cleanups.push(() => q?.removeEventListener('change', onTheme));
        const sub = editor.onDidChangeModelContent(() => {
          const v = editor.getValue();
          if (v === propsRef.current.value) return;
          emitted.current.push(v);
          if (emitted.current.length > 256) emitted.current.shift();
          propsRef.current.onChange(v);
        });
        cleanups.push(() => sub.dispose());
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => propsRef.current.onSave?.());
        const hover = monaco.languages.registerHoverProvider(propsRef.current.language, {
          provideHover(m, position) {
            if (m !== editor.getModel()) return null;
            const h = propsRef.current.hoverAt?.(position.lineNumber, position.column);
            if (!h) return null;
            const [a, b, c, d] = h.range;
            return { range: new monaco.Range(a, b, c, d), contents: [{ value: h.text }] };
          },
        });
        cleanups.push(() => hover.dispose());
        cleanups.push(() => {
          editor.dispose();
          model.dispose();
        });
        setReady(true);
      },
      (e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      disposed = true;
      for (const c of cleanups.reverse()) c();
      editorRef.current = null;
    };
  }, []);

  // Text from outside (project opened, example loaded): replace, keeping undo possible.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (!editor || !model) return;
    const echo = emitted.current.indexOf(props.value);
    if (echo >= 0) {
      emitted.current.splice(0, echo + 1);
      return;
    }
    if (model.getValue() === props.value) return;
    emitted.current = [];
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text: props.value }], () => null);
  }, [props.value, ready]);

  useEffect(() => {
    const monaco = monacoRef.current;
    const model = editorRef.current?.getModel();
    if (!monaco || !model) return;
    monaco.editor.setModelMarkers(model, 'dcnn', props.markers.map((m) => ({ ...m })));
  }, [props.markers, ready]);

  useEffect(() => {
    const monaco = monacoRef.current;
    const d = decorations.current;
    if (!monaco || !d) return;
    const h = props.highlightLines;
    if (!h) d.clear();
    else d.set([{ range: new monaco.Range(h[0], 1, h[1], 1), options: { isWholeLine: true, className: 'line-highlight', linesDecorationsClassName: 'line-highlight-gutter' } }]);
    if (h) editorRef.current?.revealLinesInCenterIfOutsideViewport(h[0], h[1]);
  }, [props.highlightLines, ready]);

  useEffect(() => {
    const editor = editorRef.current;
    const r = props.reveal;
    if (!editor || !r) return;
    editor.setPosition({ lineNumber: r.line, column: r.column });
    editor.revealPositionInCenterIfOutsideViewport({ lineNumber: r.line, column: r.column });
    editor.focus();
  }, [props.reveal, ready]);

  return (
    <div className="code-editor" data-language={props.language} data-ready={ready ? 'true' : 'false'}>
      <div ref={host} className="code-editor-host" />
      {!ready && !loadError && <div className="code-editor-loading">Loading editor…</div>}
      {loadError && (
        <div className="code-editor-loading error" role="alert">
          The editor could not load: {loadError}
        </div>
      )}
    </div>
  );
}
