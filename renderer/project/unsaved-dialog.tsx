// The one question before unsaved model edits would be lost (Open…, New project…, the
// desktop window closing): save them as a model version, discard them, or cancel. A modal
// dialog: focus starts on Save, Escape cancels. What happens after the answer is the
// caller's business.

import { useEffect, useRef } from 'react';

export type UnsavedAnswer = 'save' | 'discard' | 'cancel';

export function UnsavedDialog(p: { projectName: string; doing: string; saving: boolean; onAnswer(a: UnsavedAnswer): void }) {
  const save = useRef<HTMLButtonElement>(null);
  useEffect(() => save.current?.focus(), []);
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="unsaved-title"
        aria-describedby="unsaved-text"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            p.onAnswer('cancel');
          }
        }}
      >
        <h2 id="unsaved-title">Unsaved changes</h2>
        <p id="unsaved-text">
          The model in “{p.projectName}” has changes that are not saved. Save them as a model version before {p.doing}?
        </p>
        <div className="popover-actions">
          <button type="button" onClick={() => p.onAnswer('cancel')}>
            Cancel
          </button>
          <button type="button" onClick={() => p.onAnswer('discard')}>
            Discard changes
          </button>
          <button ref={save} type="button" className="primary" disabled={p.saving} onClick={() => p.onAnswer('save')}>
            Save
          </button>
        </div>
      </div>
    </div>
  );
}
