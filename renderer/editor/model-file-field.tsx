// "Open model file…" beside the editor, and what the last opened or dropped file gave:
// its format, what was bound, and the importer's notes (what it folded or assumed).

import { useId, useRef } from 'react';
import type { OpenedFile } from './use-model-file';

export const MODEL_FILE_ACCEPT = '.py,.txt,.pt,.pth,.ckpt,.bin,.onnx,.nir,.safetensors';

export function ModelFileField(p: { opened: OpenedFile | null; busy: boolean; onOpen(file: File): void; onDismiss(): void }) {
  const picker = useRef<HTMLInputElement>(null);
  const id = useId();
  return (
    <section className="field model-file" aria-label="Model file">
      <div className="field-row">
        <input
          ref={picker}
          id={id}
          className="visually-hidden"
          type="file"
          accept={MODEL_FILE_ACCEPT}
          aria-label="Model file (.py, torch.save .pt, .onnx, .nir, or weights)"
          tabIndex={-1}
          disabled={p.busy}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) p.onOpen(f);
          }}
        />
        <button type="button" disabled={p.busy} onClick={() => picker.current?.click()}>
          Open model file…
        </button>
        <span className="quiet small">or drop one on the editor: .py, .pt, .onnx, .nir; weights files bind to the model</span>
      </div>
      {p.busy && <p className="quiet">Reading the file…</p>}
      {p.opened && (
        <div className={p.opened.error ? 'field-error' : 'opened-file'} role={p.opened.error ? 'alert' : 'status'} aria-label="Opened file">
          <p>{p.opened.summary}</p>
          {p.opened.notes.length > 0 && (
            <ul className="small">
              {p.opened.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
          <button type="button" className="link" onClick={p.onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
