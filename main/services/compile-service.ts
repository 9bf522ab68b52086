// Compiling on behalf of the UI and of runs: a cache of loaded weights (by content hash),
// the built-in examples, ModelSpec -> CompileRequest, and a small cache of recent results
// so compile-as-you-type and the run that follows do not redo the same work.
// Examples are listed landing example first (the one whose example.json says
// "landing": true: the project a new user starts in), then by folder name.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompileView, ExampleModel, ModelSpec, WeightsInfo } from '../../preload/api.js';
import { compileModel, modelWeightCount } from '../compiler/compile.js';
import { CompilePool } from '../threads/compile-pool.js';
import type { CompileRequest, CompileResult } from '../compiler/compile-types.js';
import { spanOf } from '../compiler/diagnostics.js';
import { JsonTextError, parseJsonText } from '../common/json-text.js';
import type { Tensor } from '../formats/tensor.js';
import { ServiceError } from './service-error.js';
import { compileView } from './compile-view.js';
import { parseWeightsFile, safetensorsOf, type ParsedWeights } from './model-files.js';
import { packageRoot } from './package-root.js';
import { heldBinaryBytes } from './held-bytes.js';
import { WeightsCache, type WeightsCacheLimits, type WeightsCacheStats } from './weights-cache.js';

export interface LoadedWeightsEntry {
  info: WeightsInfo;
  bytes: Uint8Array;
  tensors: Map<string, Tensor>;
}

interface ExampleEntry {
  model: ExampleModel;
  dir: string;
  inputFile: string | null;
}

const RESULT_CACHE = 8;
/**
 * Results are cached for compile-as-you-type and the run that follows; one holding a
 * layer near the compiler's 2^26-weight limit is hundreds of MiB, so the cache holds at
 * most this much binary data (a result larger than it alone is returned, not kept).
 */
const RESULT_CACHE_BYTES = 256 * 1024 * 1024;

/** What an entry keeps alive: the file and every decoded tensor not sharing its memory. */
function heldBytes(bytes: Uint8Array, tensors: ReadonlyMap<string, Tensor>): number {
  let n = bytes.byteLength;
  for (const t of tensors.values()) if (t.data.buffer !== bytes.buffer) n += t.data.byteLength;
  return n;
}

interface CachedCompile {
  result: CompileResult;
  view: CompileView;
  weightsId: string | null;
  bytes: number;
}

/** Models with more weights than this are compiled in a worker thread (about 100 ms of work and more). */
export const OFF_THREAD_WEIGHTS = 2_000_000;

export class CompileService {
  private readonly pool = new CompilePool();
  private readonly weights: WeightsCache<LoadedWeightsEntry>;
  private readonly results = new Map<string, CachedCompile>();
  private examplesCache: ExampleEntry[] | null = null;

  constructor(
    private readonly examplesDir = join(packageRoot(), 'examples'),
    weightsLimits?: WeightsCacheLimits,
  ) {
    // A result made from dropped weights goes too: the id then fails the same way everywhere.
    this.weights = new WeightsCache<LoadedWeightsEntry>(weightsLimits, (id) => {
      for (const [key, r] of this.results) if (r.weightsId === id) this.results.delete(key);
    });
  }

  /** How much the weights cache holds now (tests and diagnostics). */
  weightsCacheStats(): WeightsCacheStats {
    return this.weights.stats();
  }

  loadWeights(name: string, bytes: Uint8Array, options: { pinned?: boolean } = {}): WeightsInfo {
    const id = createHash('sha256').update(bytes).digest('hex');
    const known = this.weights.get(id);
    if (known) {
      if (options.pinned) this.weights.set(id, known, heldBytes(known.bytes, known.tensors), { pinned: true });
      return known.info;
    }
    let parsed: ParsedWeights;
    try {
      parsed = parseWeightsFile(bytes, name);
    } catch (e) {
      throw new ServiceError('BAD_WEIGHTS_FILE', (e as Error).message);
    }
    const info = this.remember(id, name, bytes, parsed.tensors, options);
    if (parsed.checkpoint) info.checkpoint = { key: parsed.checkpoint.key, keys: parsed.checkpoint.candidates.map((c) => ({ key: c.key, tensors: c.tensorCount })) };
    if (parsed.notes.length > 0) info.notes = parsed.notes;
    return info;
  }

  /** Tensors an importer already decoded (ONNX, NIR, a module pickle), kept as weights without parsing them again. */
  loadTensors(name: string, tensors: Map<string, Tensor>): WeightsInfo {
    const bytes = safetensorsOf(tensors);
    const id = createHash('sha256').update(bytes).digest('hex');
    return this.weights.get(id)?.info ?? this.remember(id, name, bytes, tensors, {});
  }

  private remember(id: string, name: string, bytes: Uint8Array, tensors: Map<string, Tensor>, options: { pinned?: boolean }): WeightsInfo {
    const info: WeightsInfo = {
      id,
      name,
      bytes: bytes.byteLength,
      tensors: [...tensors].map(([n, t]) => ({ name: n, dtype: t.dtype, shape: [...t.shape] })),
    };
    this.weights.set(id, { info, bytes, tensors }, heldBytes(bytes, tensors), options);
    return info;
  }

  weightsEntry(id: string): LoadedWeightsEntry {
    const w = this.weights.get(id);
    if (!w) throw new ServiceError('UNKNOWN_WEIGHTS', `no weights with id ${id.slice(0, 12)}… are loaded; load the weights file again`);
    return w;
  }

  hasWeights(id: string): boolean {
    return this.weights.has(id);
  }

  examples(): ExampleModel[] {
    return this.exampleEntries().map((e) => e.model);
  }

  exampleEntry(id: string): ExampleEntry {
    const e = this.exampleEntries().find((x) => x.model.id === id);
    if (!e) throw new ServiceError('UNKNOWN_EXAMPLE', `no example named ${id}; examples: ${this.examples().map((x) => x.id).join(', ')}`);
    return e;
  }

  /** The example's input event file bytes, if it ships one. */
  exampleInput(id: string): { name: string; bytes: Uint8Array } | null {
    const e = this.exampleEntry(id);
    if (!e.inputFile || !existsSync(e.inputFile)) return null;
    return { name: e.inputFile, bytes: new Uint8Array(readFileSync(e.inputFile)) };
  }

  private exampleEntries(): ExampleEntry[] {
    if (this.examplesCache) return this.examplesCache;
    const out: Array<ExampleEntry & { landing: boolean }> = [];
    const dirs = existsSync(this.examplesDir) ? readdirSync(this.examplesDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
    for (const d of dirs) {
      const dir = join(this.examplesDir, d.name);
      const metaPath = join(dir, 'example.json');
      if (!existsSync(metaPath)) continue;
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as {
        name: string;
        description: string;
        inputShape: [number, number, number];
        chip: string;
        model: string;
        weights: string;
        input?: string;
        landing?: boolean;
      };
      // Pinned: the examples list offers these ids for as long as the session runs.
      const weights = this.loadWeights(meta.weights, new Uint8Array(readFileSync(join(dir, meta.weights))), { pinned: true });
      const inputFile = meta.input ? join(dir, meta.input) : null;
      out.push({
        dir,
        inputFile,
        landing: meta.landing === true,
        model: {
          id: d.name,
          name: meta.name,
          description: meta.description,
          inputName: inputFile && existsSync(inputFile) ? meta.input! : null,
          spec: {
            source: readFileSync(join(dir, meta.model), 'utf8'),
            weightsId: weights.id,
            inputShape: meta.inputShape,
            chip: meta.chip,
            ordering: 'auto',
            monitorLayers: [-1],
            configPatch: '',
            exampleId: d.name,
          },
        },
      });
    }
    out.sort((a, b) => Number(b.landing) - Number(a.landing) || (a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0));
    return (this.examplesCache = out.map(({ landing: _landing, ...e }) => e));
  }

  requestFor(spec: ModelSpec): { request: CompileRequest } | { patchError: CompileView['error'] } {
    const request: CompileRequest = {
      source: spec.source,
      weights: spec.weightsId ? this.weightsEntry(spec.weightsId).tensors : null,
      initSeed: spec.weightsId ? null : (spec.initSeed ?? 0),
      inputShape: spec.inputShape,
      device: spec.chip,
      ordering: spec.ordering,
      monitorLayers: spec.monitorLayers,
      dvsInput: spec.dvsInput ?? false,
    };
    if (spec.conversion) request.conversion = { ...spec.conversion };
    if (spec.configPatch.trim() !== '') {
      try {
        request.configPatch = parseJsonText(spec.configPatch).value;
      } catch (e) {
        if (!(e instanceof JsonTextError)) throw e;
        const offset = e.position.offset;
        const s = spanOf(spec.configPatch, offset, Math.min(offset + 1, spec.configPatch.length));
        return {
          patchError: {
            stage: 'limits',
            class: 'SyntaxError',
            code: 'CONFIG_PATCH_JSON',
            message: `The config patch is not valid JSON (line ${e.position.line}, column ${e.position.column}): ${e.detail}`,
            span: { line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn },
          },
        };
      }
    }
    return { request };
  }

  compile(spec: ModelSpec): { result: CompileResult | null; view: CompileView } {
    const ready = this.prepare(spec);
    if ('done' in ready) return ready.done;
    return this.keep(ready.key, spec, compileModel(ready.request, { modelKind: spec.kind ?? 'auto' }));
  }

  /**
   * The same compile, with models of more than OFF_THREAD_WEIGHTS weights compiled in a
   * worker thread: the UI and the web host's other clients stay responsive meanwhile.
   */
  async compileAsync(spec: ModelSpec): Promise<{ result: CompileResult | null; view: CompileView }> {
    const ready = this.prepare(spec);
    if ('done' in ready) return ready.done;
    const options = { modelKind: spec.kind ?? 'auto' } as const;
    const heavy = modelWeightCount(spec.source) > OFF_THREAD_WEIGHTS;
    if (heavy) this.compilesOffThread++;
    const result = heavy ? await this.pool.run(ready.request, options) : compileModel(ready.request, options);
    return this.keep(ready.key, spec, result);
  }

  /** Compiles done in the worker thread so far (tests and diagnostics). */
  compilesOffThread = 0;

  /** Ends the compile thread, if one runs. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private prepare(spec: ModelSpec): { done: { result: CompileResult | null; view: CompileView } } | { key: string; request: CompileRequest } {
    const { exampleId: _example, ...compiled } = spec;
    const key = JSON.stringify(compiled);
    const cached = this.results.get(key);
    if (cached) {
      // Compiling from a cached result still counts as using its weights (least recently used).
      if (cached.weightsId) this.weights.get(cached.weightsId);
      return { done: cached };
    }
    const prepared = this.requestFor(spec);
    if ('patchError' in prepared) return { done: { result: null, view: { ...emptyView(spec.chip), error: prepared.patchError } } };
    return { key, request: prepared.request };
  }

  private keep(key: string, spec: ModelSpec, result: CompileResult): CachedCompile {
    // Its own float and quantized copies of the weights (the file's tensors are not in it).
    const bytes = heldBinaryBytes(result);
    const entry: CachedCompile = { result, view: compileView(result), weightsId: spec.weightsId, bytes };
    if (bytes > RESULT_CACHE_BYTES) return entry;
    this.results.set(key, entry);
    let held = 0;
    for (const r of this.results.values()) held += r.bytes;
    for (const [k, r] of this.results) {
      if (this.results.size <= RESULT_CACHE && held <= RESULT_CACHE_BYTES) break;
      this.results.delete(k);
      held -= r.bytes;
    }
    return entry;
  }
}

function emptyView(chip: string): CompileView {
  return {
    ok: false,
    error: null,
    diagnostics: [],
    chip,
    family: null,
    modelLayers: [],
    chipLayers: [],
    dvs: null,
    placement: null,
    placementProblems: [],
    monitoredCores: [],
    weightsSource: 'none',
    timings: { totalMs: 0 },
  };
}
