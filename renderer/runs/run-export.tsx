// Export of a recorded run from its replay pane: the input or output stream as .npy, CSV,
// AEDAT4 or HDF5, written on the host and downloaded in pieces (run.export, then
// export.read until done), so a long recording never travels in one message.

import { useState } from 'react';
import type { RunExportFormat, RunView } from '../../preload/api';
import { formatCount } from '../../main/common/number-format';
import { downloadParts } from '../app/download';
import { errorText, useWorkbench } from '../app/workbench-api';

const FORMATS: ReadonlyArray<{ value: RunExportFormat; label: string; type: string }> = [
  { value: 'npy', label: '.npy (numpy)', type: 'application/octet-stream' },
  { value: 'csv', label: 'CSV', type: 'text/csv' },
  { value: 'aedat4', label: 'AEDAT4 (DV)', type: 'application/octet-stream' },
  { value: 'h5', label: 'HDF5 (h5py)', type: 'application/x-hdf5' },
];

export function RunExport({ run }: { run: RunView }) {
  const api = useWorkbench();
  const [stream, setStream] = useState<'input' | 'output'>('output');
  const [format, setFormat] = useState<RunExportFormat>('h5');
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const exportRun = async () => {
    setResult(null);
    setBusy('Writing the file…');
    try {
      const view = await api['run.export']({ runId: run.id, stream, format });
      const parts: Uint8Array[] = [];
      let offset = 0;
      for (;;) {
        setBusy(`Downloading ${Math.round((100 * offset) / Math.max(1, view.bytes))} %…`);
        const piece = await api['export.read']({ exportId: view.exportId, offset });
        parts.push(piece.bytes);
        offset += piece.bytes.byteLength;
        if (piece.done) break;
      }
      downloadParts(view.name, parts as BlobPart[], FORMATS.find((f) => f.value === format)!.type);
      setResult({ ok: true, text: `Saved ${view.name}: ${formatCount(view.events)} events, ${(view.bytes / (1024 * 1024)).toFixed(2)} MiB.` });
    } catch (e) {
      setResult({ ok: false, text: `Not exported: ${errorText(e)}` });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="run-export" role="group" aria-label="Export run">
      <label>
        Export{' '}
        <select aria-label="Stream to export" value={stream} onChange={(e) => setStream(e.target.value as 'input' | 'output')}>
          <option value="output">output</option>
          <option value="input">input</option>
        </select>
      </label>{' '}
      <label>
        as{' '}
        <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as RunExportFormat)}>
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="button" disabled={busy !== null} onClick={() => void exportRun()}>
        Export run #{run.id}
      </button>
      {busy && <span className="quiet small"> {busy}</span>}
      {result && (
        <span className={result.ok ? 'quiet small' : 'field-error small'} role={result.ok ? 'status' : 'alert'} data-testid="export-result">
          {' '}
          {result.text}
        </span>
      )}
    </div>
  );
}
