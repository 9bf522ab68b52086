// The top bar: project name and save state, Save (Ctrl/Cmd+S), "New project…" (a small
// dialog: name and example), "Open…" (recent projects or a path; Escape closes either),
// and what the model targets.

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ExampleModel, RecentProjectView } from '../../preload/api';

export interface ProjectBarProps {
  name: string | null;
  path: string | null;
  dirty: boolean;
  saving: boolean;
  error: string | null;
  chipName: string | null;
  deviceId: string | null;
  examples: readonly ExampleModel[];
  onSave(): void;
  onNew(name: string, exampleId: string | null): void;
  onOpen(path: string): void;
  /** Recent projects, newest first (asked for when the Open dialog opens). */
  loadRecent(): Promise<RecentProjectView[]>;
  onDismissError(): void;
  /** Open one of the dialogs from outside (the desktop File menu); seq makes a repeat count. */
  dialogRequest?: { which: 'new' | 'open'; seq: number } | null;
}

export function ProjectBar(p: ProjectBarProps) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const [opening, setOpening] = useState(false);
  const openTrigger = useRef<HTMLButtonElement>(null);
  const state = p.saving ? 'saving…' : p.dirty ? 'unsaved changes' : 'saved';
  const request = p.dialogRequest;
  useEffect(() => {
    if (!request) return;
    setOpen(request.which === 'new');
    setOpening(request.which === 'open');
  }, [request]);
  return (
    <header className="project-bar">
      <div className="project-title" title={p.path ?? undefined}>
        <span className="label">project</span>
        <strong className="project-name">{p.name ?? '…'}</strong>
        <span className={`save-state ${p.dirty ? 'dirty' : ''}`} role="status" aria-label="Save state">
          {p.dirty && !p.saving ? '● ' : ''}
          {state}
        </span>
      </div>
      <button type="button" onClick={p.onSave} disabled={p.saving || !p.dirty} aria-keyshortcuts="Control+S Meta+S" title="Save a model version (Ctrl+S)">
        Save
      </button>
      <div className="popover-anchor">
        <button ref={trigger} type="button" aria-haspopup="dialog" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          New project…
        </button>
        {open && (
          <NewProjectDialog
            examples={p.examples}
            onCancel={() => {
              setOpen(false);
              trigger.current?.focus();
            }}
            onCreate={(name, exampleId) => {
              setOpen(false);
              trigger.current?.focus();
              p.onNew(name, exampleId);
            }}
          />
        )}
      </div>
      <div className="popover-anchor">
        <button ref={openTrigger} type="button" aria-haspopup="dialog" aria-expanded={opening} onClick={() => setOpening((o) => !o)}>
          Open…
        </button>
        {opening && (
          <OpenProjectDialog
            currentPath={p.path}
            loadRecent={p.loadRecent}
            onCancel={() => {
              setOpening(false);
              openTrigger.current?.focus();
            }}
            onOpen={(path) => {
              setOpening(false);
              openTrigger.current?.focus();
              p.onOpen(path);
            }}
          />
        )}
      </div>
      {p.error && (
        <div className="bar-error" role="alert">
          {p.error}
          <button type="button" className="link" onClick={p.onDismissError} aria-label="Dismiss error">
            ✕
          </button>
        </div>
      )}
      <div className="project-target">
        <span className="label">chip</span> <span>{p.chipName ?? '—'}</span>
        <span className="label">device</span> <span className="mono">{p.deviceId ?? 'none selected'}</span>
      </div>
    </header>
  );
}

/** A small dialog form under its trigger: Escape cancels, Enter submits. */
function PopoverForm(props: { label: string; onCancel(): void; onSubmit(): void; children: ReactNode }) {
  return (
    <form
      className="popover"
      role="dialog"
      aria-label={props.label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
    </form>
  );
}

function NewProjectDialog(props: { examples: readonly ExampleModel[]; onCancel(): void; onCreate(name: string, exampleId: string | null): void }) {
  const nameId = useId();
  const exampleId = useId();
  const [name, setName] = useState('');
  const [example, setExample] = useState<string>(props.examples[0]?.id ?? '');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const valid = /^[\w][\w .-]{0,63}$/.test(name.trim());
  return (
    <PopoverForm label="New project" onCancel={props.onCancel} onSubmit={() => valid && props.onCreate(name.trim(), example || null)}>
      <label htmlFor={nameId}>Project name</label>
      <input id={nameId} ref={first} value={name} onChange={(e) => setName(e.target.value)} placeholder="gesture-net" autoComplete="off" />
      {name !== '' && !valid && <p className="field-error">Use letters, digits, spaces, dots, dashes (up to 64).</p>}
      <label htmlFor={exampleId}>Start from</label>
      <select id={exampleId} value={example} onChange={(e) => setExample(e.target.value)}>
        {props.examples.map((x) => (
          <option key={x.id} value={x.id}>
            {x.name}
          </option>
        ))}
        <option value="">Empty model</option>
      </select>
      <div className="popover-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!valid}>
          Create
        </button>
      </div>
    </PopoverForm>
  );
}

function OpenProjectDialog(props: { currentPath: string | null; loadRecent(): Promise<RecentProjectView[]>; onCancel(): void; onOpen(path: string): void }) {
  const pathId = useId();
  const [recent, setRecent] = useState<RecentProjectView[] | null>(null);
  const [path, setPath] = useState('');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus();
    let live = true;
    props.loadRecent().then(
      (r) => live && setRecent(r),
      () => live && setRecent([]),
    );
    return () => {
      live = false;
    };
    // The list is read once per opening of the dialog.
  }, []);
  const valid = path.trim().endsWith('.dcnnproj');
  const others = (recent ?? []).filter((r) => r.path !== props.currentPath);
  return (
    <PopoverForm label="Open project" onCancel={props.onCancel} onSubmit={() => valid && props.onOpen(path.trim())}>
      <label htmlFor={pathId}>Project file (on the workbench's machine)</label>
      <input id={pathId} ref={first} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/lab/experiments/gesture-net.dcnnproj" autoComplete="off" className="mono" />
      {path !== '' && !valid && <p className="field-error">A project file ends in .dcnnproj.</p>}
      <p className="label">Recent projects</p>
      {recent === null ? (
        <p className="quiet">Loading…</p>
      ) : others.length === 0 ? (
        <p className="quiet">No other recent projects.</p>
      ) : (
        <ul className="recent-projects" aria-label="Recent projects">
          {others.map((r) => (
            <li key={r.path}>
              <button type="button" className="link" disabled={r.missing} title={r.missing ? `${r.path} is no longer there` : r.path} onClick={() => props.onOpen(r.path)}>
                {r.name}
              </button>{' '}
              <span className="quiet mono">{r.missing ? 'missing' : r.path}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="popover-actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!valid}>
          Open
        </button>
      </div>
    </PopoverForm>
  );
}
