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

/** The service's error code of a rejected request (e.g. "NEEDS_RECOMPILE"), or null. */
export function errorCode(e: unknown): string | null {
  return payloadOf(e)?.code ?? null;
}

// Messages from the shared readers name their options as the API spells them; the
// window says the checkbox that sets each one (the CLI says its flag: main/cli/option-names.ts).
const UI_TERMS: ReadonlyArray<[RegExp, string]> = [
  [/import it with the sort option/g, 'tick "Sort events by time" under Input'],
  [/import with dropOutOfRange to drop such events/g, 'tick "Drop events outside the input" under Input to drop such events'],
];

export function inUiTerms(message: string): string {
  return UI_TERMS.reduce((text, [api, label]) => text.replace(api, label), message);
}

/** One line for people: the service's message (with the hint when there is one). */
export function errorText(e: unknown): string {
  const p = payloadOf(e);
  if (p) {
    const hint = p.details?.hint ? ` ${p.details.hint}` : '';
    return inUiTerms(`${p.message}${hint}`);
  }
  if (e instanceof Error) return inUiTerms(e.message);
  return String(e);
}
