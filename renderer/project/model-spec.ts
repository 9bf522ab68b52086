// Small rules about the ModelSpec the workspace edits: whether two specs are the same
// (unsaved-changes marker), the spec a workspace starts from when there is nothing else,
// and reading the input-shape fields. Pure.

import type { ModelSpec, Shape3 } from '../../preload/api';

const KEYS: ReadonlyArray<keyof ModelSpec> = ['source', 'weightsId', 'initSeed', 'inputShape', 'chip', 'ordering', 'monitorLayers', 'configPatch', 'conversion', 'kind', 'dvsInput'];

/** Same content, whatever the key order (a spec coming back from the store may differ in order). */
export function sameSpec(a: ModelSpec | null, b: ModelSpec | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return KEYS.every((k) => canonical(a[k]) === canonical(b[k]));
}

function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/** "New project -> Empty model": no layers yet (the compiler says what a model needs), a hint at the first one. */
export const EMPTY_SOURCE = 'import torch.nn as nn\n\nmodel = nn.Sequential(\n    # add layers here, e.g. nn.Conv2d(2, 8, 3, bias=False), nn.ReLU(),\n)\n';

export function emptySpec(chip = 'speck2fdevkit'): ModelSpec {
  return { source: EMPTY_SOURCE, weightsId: null, initSeed: 1, inputShape: [2, 32, 32], chip, ordering: 'auto', monitorLayers: [-1], configPatch: '' };
}

/** A shape field's text -> positive integer, or an explanation. */
export function parseDimension(text: string, name: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, message: `${name} must be a whole number, got "${text}"` };
  const v = Number(t);
  if (v < 1) return { ok: false, message: `${name} must be at least 1` };
  if (v > 4096) return { ok: false, message: `${name} ${v} is larger than any chip input (128 x 128 pixels, 1024 channels)` };
  return { ok: true, value: v };
}

export function shapeText(s: Shape3 | readonly number[]): string {
  return s.join(' × ');
}
