// The project's runs, kept current by `runs.changed` events.

import { useEffect, useState } from 'react';
import type { RunView } from '../../preload/api';
import { errorText, useWorkbench } from './workbench-api';

export function useRuns(projectPath: string | null): { runs: RunView[]; error: string | null } {
  const api = useWorkbench();
  const [runs, setRuns] = useState<RunView[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    let evented = false;
    const off = api.on('runs.changed', (e) => {
      evented = true;
      setRuns(e.runs);
    });
    if (projectPath !== null) {
      api['runs.list']({}).then(
        (r) => !cancelled && !evented && setRuns(r),
        (e: unknown) => !cancelled && setError(`Listing runs failed: ${errorText(e)}`),
      );
    }
    return () => {
      cancelled = true;
      off();
    };
  }, [api, projectPath]);
  return { runs, error };
}
