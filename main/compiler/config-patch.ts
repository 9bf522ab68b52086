// The user's config patch (the workbench's `config_modifier`): a JSON merge patch
// (RFC 7396) applied to the generated configuration's JSON form, then validated like any
// configuration. One extension, because merge patches replace arrays wholesale: an
// object whose keys are all array indices, applied to an array, patches those elements
// (`{"cnn_layers": {"3": {"monitor_enable": true}}}`).

import type { ChipConfig } from '../chips/chip-config.js';
import { chipConfigFromJson, chipConfigToJson } from '../chips/chip-config-json.js';
import { validateChipConfig } from '../chips/chip-config-rules.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIndexPatch(patch: Record<string, unknown>): boolean {
  const keys = Object.keys(patch);
  return keys.length > 0 && keys.every((k) => /^(0|[1-9][0-9]*)$/.test(k));
}

// Keys that would reach Object's own machinery instead of a field (`base.__proto__ = v`
// swaps the prototype): refused by name, as no configuration field is called that.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  for (const k of Object.keys(patch)) {
    if (FORBIDDEN_KEYS.has(k)) throw new RangeError(`the patch key "${k}" is not a configuration field`);
  }
  if (Array.isArray(target) && isIndexPatch(patch)) {
    const out = [...target];
    for (const [k, v] of Object.entries(patch)) {
      const i = Number(k);
      if (i >= out.length) throw new RangeError(`patch index ${i} is beyond the array's ${out.length} elements`);
      out[i] = applyMergePatch(out[i], v);
    }
    return out;
  }
  const base: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = applyMergePatch(base[k], v);
  }
  return base;
}

export type PatchOutcome = { ok: true; config: ChipConfig } | { ok: false; issues: string[] };

export function patchChipConfig(config: ChipConfig, patch: unknown): PatchOutcome {
  if (!isObject(patch)) return { ok: false, issues: ['the config patch must be a JSON object'] };
  let patched: unknown;
  try {
    patched = applyMergePatch(chipConfigToJson(config) as unknown as Json, patch);
  } catch (e) {
    return { ok: false, issues: [(e as Error).message] };
  }
  const parsed = chipConfigFromJson(patched);
  if (!parsed.ok) return parsed;
  if (parsed.value.family !== config.family) return { ok: false, issues: [`family cannot be changed by a patch (${config.family} -> ${parsed.value.family})`] };
  const issues = validateChipConfig(parsed.value);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: parsed.value };
}
