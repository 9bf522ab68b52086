// Parsing of the arguments several commands share (input shape, ordering, monitor layers,
// conversion settings, simulator engine), with messages that say what was expected.

import type { ConversionOptions, MonitorSpec, Shape3 } from '../compiler/compile-types.js';
import { ENGINE_NAMES, EngineUnavailableError, resolveEngine, type EngineName, type ResolvedEngine } from '../threads/native-engine.js';
import { CliError } from './cli-io.js';

export function parseInputShape(text: string | undefined): Shape3 {
  if (text === undefined) throw new CliError('--input-shape C,H,W is required (e.g. --input-shape 1,28,28)');
  const parts = text.split(/[,x×]/).map((s) => s.trim());
  const nums = parts.map(Number);
  if (nums.length !== 3 || !nums.every((n) => Number.isInteger(n) && n > 0)) {
    throw new CliError(`--input-shape must be three positive integers C,H,W (e.g. 1,28,28); got "${text}"`);
  }
  return [nums[0]!, nums[1]!, nums[2]!];
}

export function parseOrdering(text: string | undefined): 'auto' | number[] {
  if (text === undefined || text.trim() === 'auto') return 'auto';
  const parts = text.split(',').map((s) => s.trim());
  if (!parts.every((p) => /^[0-9]+$/.test(p))) throw new CliError(`--ordering must be "auto" or core ids separated by commas (e.g. 2,0,1); got "${text}"`);
  return parts.map(Number);
}

/** `--layer2core-map 0:0,1:2,2:1` (layer number:core), as sinabs' layer2core_map. */
export function parseLayer2CoreMap(text: string | undefined): Record<number, number> | undefined {
  if (text === undefined) return undefined;
  const map: Record<number, number> = {};
  for (const part of text.split(',').map((s) => s.trim())) {
    const m = /^([0-9]+):([0-9]+)$/.exec(part);
    if (!m) throw new CliError(`--layer2core-map takes layer:core pairs separated by commas (e.g. 0:0,1:2,2:1); got "${part}"`);
    if (map[Number(m[1])] !== undefined) throw new CliError(`--layer2core-map names layer ${m[1]} twice`);
    map[Number(m[1])] = Number(m[2]);
  }
  return map;
}

export function parseMonitor(text: string | undefined): MonitorSpec {
  if (text === undefined) return [-1];
  const t = text.trim();
  if (t === 'all') return 'all';
  if (t === '' || t === 'none') return [];
  return t.split(',').map((p) => {
    const s = p.trim();
    if (s.toLowerCase() === 'dvs') return 'dvs' as const;
    if (!/^-?[0-9]+$/.test(s)) throw new CliError(`--monitor takes layer indices (-1 = last), "all", "dvs" or "none"; got "${s}"`);
    return Number(s);
  });
}

export function parseConversion(values: { 'spike-threshold'?: string; 'min-v-mem'?: string; reset?: string; 'bn-eps'?: boolean }): Partial<ConversionOptions> {
  const out: Partial<ConversionOptions> = {};
  if (values['spike-threshold'] !== undefined) {
    const v = Number(values['spike-threshold']);
    if (!(v > 0)) throw new CliError(`--spike-threshold must be a positive number; got "${values['spike-threshold']}"`);
    out.spikeThreshold = v;
  }
  if (values['min-v-mem'] !== undefined) {
    const t = values['min-v-mem'].trim().toLowerCase();
    if (t === 'none') out.minVMem = null;
    else {
      const v = Number(t);
      if (!Number.isFinite(v)) throw new CliError(`--min-v-mem must be a number or "none"; got "${values['min-v-mem']}"`);
      out.minVMem = v;
    }
  }
  if (values.reset !== undefined) {
    if (values.reset !== 'subtract' && values.reset !== 'zero') throw new CliError(`--reset must be "subtract" or "zero"; got "${values.reset}"`);
    out.reset = values.reset;
  }
  if (values['bn-eps']) out.batchNormEps = true;
  return out;
}

export function parseSeed(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (!/^[0-9]+$/.test(text.trim())) throw new CliError(`--init takes a non-negative integer seed; got "${text}"`);
  return Number(text);
}

/** `--engine native|wasm|js`: the simulator engine; undefined = the fastest available. */
export function parseEngine(text: string | undefined): EngineName | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!(ENGINE_NAMES as readonly string[]).includes(t)) throw new CliError(`--engine must be "native", "wasm" or "js" (the simulator engine; default: the fastest available); got "${text}"`);
  return t as EngineName;
}

/** The engine `--engine` names, checked now: asking for one this machine lacks is a clear error (exit 2), not a failed run. */
export function chooseEngine(text: string | undefined): ResolvedEngine {
  try {
    return resolveEngine(parseEngine(text));
  } catch (e) {
    if (e instanceof EngineUnavailableError) throw new CliError(e.message);
    throw e;
  }
}
