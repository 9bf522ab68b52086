// "Export as NIR": the converted SNN of the model in the editor as a .nir file (what
// `dcnn export --nir` writes), for Norse, snnTorch, Rockpool or the nir package to read.

import { useEffect, useState } from 'react';
import type { ModelSpec } from '../../preload/api';
import { downloadFile } from '../app/download';
import { errorText, useWorkbench } from '../app/workbench-api';

export function ExportNirButton(p: { spec: ModelSpec; fileStem: string; disabled: boolean }) {
  const api = useWorkbench();
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<{ text: string; error: boolean } | null>(null);
  // What was said is about the model as it was exported: an edit makes it stale.
  useEffect(() => setSaid(null), [p.spec]);
  const run = async () => {
    setBusy(true);
    setSaid(null);
    try {
      const out = await api['model.exportNir']({ spec: p.spec });
      const name = `${p.fileStem}.nir`;
      downloadFile(name, out.bytes, 'application/x-hdf5');
      setSaid({ text: [`Saved ${name}: ${out.chipLayers} chip layers as NIR.`, ...out.notes].join(' '), error: false });
    } catch (e) {
      setSaid({ text: errorText(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="export-nir">
      <button type="button" disabled={p.disabled || busy} onClick={() => void run()} title="The converted spiking network as a NIR file (HDF5)">
        {busy ? 'Exporting…' : 'Export as NIR'}
      </button>
      {said && (
        <span className={said.error ? 'field-error' : 'quiet small'} role={said.error ? 'alert' : 'status'} aria-label="NIR export">
          {said.text}
        </span>
      )}
    </span>
  );
}
