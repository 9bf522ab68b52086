// Checking the config patch text before it is compiled: empty is fine (no patch), else
// it must be a JSON object. Where JSON.parse stops, the marker goes. Pure.

import type { MarkerData } from './problems';
import { MARKER_SEVERITY } from './problems';

export type PatchCheck = { ok: true; empty: boolean; keys: string[] } | { ok: false; message: string; line: number; column: number };

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < Math.min(offset, text.length); i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

export function checkPatch(text: string): PatchCheck {
  if (text.trim() === '') return { ok: true, empty: true, keys: [] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const at = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? lineColumn(text, Number(pos[1])) : lineColumn(text, text.length);
    return { ok: false, message: `Not valid JSON: ${msg.replace(/^JSON\.parse: /, '')}`, ...at };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const first = lineColumn(text, text.length - text.trimStart().length);
    return { ok: false, message: 'The config patch must be a JSON object, e.g. {"cnn_layers": [{"leak_enable": true}]}.', ...first };
  }
  return { ok: true, empty: false, keys: Object.keys(value) };
}

export function patchMarkers(check: PatchCheck): MarkerData[] {
  if (check.ok) return [];
  return [{ severity: MARKER_SEVERITY.error, message: check.message, code: 'PATCH_JSON', startLineNumber: check.line, startColumn: check.column, endLineNumber: check.line, endColumn: check.column + 1 }];
}
