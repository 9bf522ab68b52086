// Checking the config patch text before it is compiled: empty is fine (no patch), else
// it must be a JSON object. Where the JSON reader stops, the marker goes. Pure.

import { JsonTextError, lineColumnAt, parseJsonText } from '../../main/common/json-text';
import type { MarkerData } from './problems';
import { MARKER_SEVERITY } from './problems';

export type PatchCheck = { ok: true; empty: boolean; keys: string[] } | { ok: false; message: string; line: number; column: number };

export function checkPatch(text: string): PatchCheck {
  if (text.trim() === '') return { ok: true, empty: true, keys: [] };
  let value: unknown;
  try {
    value = parseJsonText(text).value;
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    return { ok: false, message: `Not valid JSON: ${e.detail}`, line: e.position.line, column: e.position.column };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const first = lineColumnAt(text, text.length - text.trimStart().length);
    return { ok: false, message: 'The config patch must be a JSON object, e.g. {"cnn_layers": [{"leak_enable": true}]}.', ...first };
  }
  return { ok: true, empty: false, keys: Object.keys(value) };
}

export function patchMarkers(check: PatchCheck): MarkerData[] {
  if (check.ok) return [];
  return [{ severity: MARKER_SEVERITY.error, message: check.message, code: 'PATCH_JSON', startLineNumber: check.line, startColumn: check.column, endLineNumber: check.line, endColumn: check.column + 1 }];
}
