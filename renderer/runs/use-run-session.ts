// React handle on the live RunSession (one per workspace; it outlives tab switches).

import { useEffect, useState } from 'react';
import type { WorkbenchApi } from '../../preload/api';
import { RunSession, type RunSessionState } from './run-session';

export function useRunSession(api: WorkbenchApi): [RunSessionState, RunSession | null] {
  const [session, setSession] = useState<RunSession | null>(null);
  const [state, setState] = useState<RunSessionState>({ phase: 'idle', started: null, progress: null, summary: null, error: null });
  useEffect(() => {
    const s = new RunSession(api, setState);
    setSession(s);
    return () => s.dispose();
  }, [api]);
  return [state, session];
}
