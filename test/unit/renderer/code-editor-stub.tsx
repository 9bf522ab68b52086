// Stands in for the Monaco editor in component tests (Monaco needs a real browser): a
// textarea with the same props, showing markers as a list so tests can see them.

import type { CodeEditorProps } from '../../../renderer/editor/code-editor';

export function CodeEditorStub(p: CodeEditorProps) {
  return (
    <div data-testid={`editor-${p.language}`}>
      <textarea aria-label={p.ariaLabel} value={p.value} onChange={(e) => p.onChange(e.target.value)} />
      <ul data-testid={`markers-${p.language}`}>
        {p.markers.map((m, i) => (
          <li key={i}>
            {m.startLineNumber}:{m.startColumn} {m.message}
          </li>
        ))}
      </ul>
      {p.reveal && <span data-testid="reveal">{`${p.reveal.line}:${p.reveal.column}`}</span>}
      {p.highlightLines && <span data-testid="highlight">{p.highlightLines.join('-')}</span>}
    </div>
  );
}
