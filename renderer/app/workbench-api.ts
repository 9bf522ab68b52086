// How the UI reaches everything behind it: the `window.workbench` object of the contract
// (preload/api.ts), handed down through a React context so tests can give a fake. This
// module also turns a rejected request into one line a lab user can read. It deliberately
// knows no transport: Electron's preload and the web client both install the same object.

import { createContext, useContext } from 'react';
import type { ApiErrorPayload, WorkbenchApi } from '../../preload/api';

declare global {
  interface Window {
    workbench?: WorkbenchApi;
  }
}

export const WorkbenchContext = createContext<WorkbenchApi | null>(null);

export function useWorkbench(): WorkbenchApi {
  const api = useContext(WorkbenchContext);
  if (!api) throw new Error('useWorkbench: no WorkbenchContext provider above this component');
  return api;
}

function payloadOf(e: unknown): ApiErrorPayload | null {
  if (typeof e !== 'object' || e === null || !('payload' in e)) return null;
  const p = (e as { payload: unknown }).payload;
  if (typeof p !== 'object' || p === null || typeof (p as ApiErrorPayload).message !== 'string') return null;
  return p as ApiErrorPayload;
}

/** The service's error code of a rejected request (null when it carries none). */
export function errorCode(e: unknown): string | null {
  return payloadOf(e)?.code ?? null;
}

/** One line for people: the service's message (with the hint when there is one). */
export function errorText(e: unknown): string {
  const p = payloadOf(e);
  if (p) {
    const hint = p.details?.hint ? ` ${p.details.hint}` : '';
    return `${p.message}${hint}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}
