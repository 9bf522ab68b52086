// The start chooser: shown instead of the workspace when the start could not open a project
// by itself (the last project is missing or unreadable). Says why, and offers the ways on:
// a recent project, a new project (from an example or empty), or a project file by path.
// It opens nothing itself: the callbacks do, and report failures back as `error`.

import { useId, useState } from 'react';
import type { ExampleModel } from '../../preload/api';
import type { StartChoice } from '../app/use-project';

export interface StartChooserProps {
  choice: StartChoice;
  examples: readonly ExampleModel[];
  error: string | null;
  onOpen(path: string): void;
  onNew(name: string, exampleId: string | null): void;
}

export function StartChooser(p: StartChooserProps) {
  const nameId = useId();
  const fromId = useId();
  const pathId = useId();
  const [name, setName] = useState('');
  const [from, setFrom] = useState<string>(p.examples[0]?.id ?? '');
  const [path, setPath] = useState('');
  const validName = /^[\w][\w .-]{0,63}$/.test(name.trim());
  const validPath = path.trim().endsWith('.dcnnproj');
  const openable = p.choice.recent.filter((r) => !r.missing);
  return (
    <main className="start-chooser" aria-labelledby={`${nameId}-title`}>
      <h1 id={`${nameId}-title`}>Choose a project</h1>
      <p className="start-reason" role="alert">
        {p.choice.reason}
      </p>
      {p.error && <p className="field-error">{p.error}</p>}
      <section aria-label="Recent projects">
        <h2>Recent projects</h2>
        {p.choice.recent.length === 0 ? (
          <p className="quiet">None.</p>
        ) : (
          <ul className="recent-projects">
            {p.choice.recent.map((r) => (
              <li key={r.path}>
                <button type="button" disabled={r.missing} onClick={() => p.onOpen(r.path)} title={r.path}>
                  Open {r.name}
                </button>{' '}
                <span className="quiet mono">{r.missing ? `missing: ${r.path}` : r.path}</span>
              </li>
            ))}
          </ul>
        )}
        {openable.length === 0 && p.choice.recent.length > 0 && <p className="quiet">None of them can be opened from where they were.</p>}
      </section>
      <form
        aria-label="Start a new project"
        onSubmit={(e) => {
          e.preventDefault();
          if (validName) p.onNew(name.trim(), from || null);
        }}
      >
        <h2>Start a new project</h2>
        <label htmlFor={nameId}>Project name</label>
        <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} placeholder="gesture-net" autoComplete="off" />
        {name !== '' && !validName && <p className="field-error">Use letters, digits, spaces, dots, dashes (up to 64).</p>}
        <label htmlFor={fromId}>Start from</label>
        <select id={fromId} value={from} onChange={(e) => setFrom(e.target.value)}>
          {p.examples.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
          <option value="">Empty model</option>
        </select>
        <button type="submit" className="primary" disabled={!validName}>
          Create
        </button>
      </form>
      <form
        aria-label="Open a project file"
        onSubmit={(e) => {
          e.preventDefault();
          if (validPath) p.onOpen(path.trim());
        }}
      >
        <h2>Open a project file</h2>
        <label htmlFor={pathId}>Project file (on the workbench's machine)</label>
        <input id={pathId} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/lab/experiments/gesture-net.dcnnproj" autoComplete="off" className="mono" />
        {path !== '' && !validPath && <p className="field-error">A project file ends in .dcnnproj.</p>}
        <button type="submit" disabled={!validPath}>
          Open
        </button>
      </form>
    </main>
  );
}
