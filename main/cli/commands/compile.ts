// `dcnn compile MODEL --weights W [--weights-key K] --input-shape C,H,W --device TYPE [--ordering ...] [--json]`
// MODEL is model text, or a model file an importer reads (a torch.save(model) pickle, ...)
// whose written model text and tensors are used; W is safetensors or a torch.save file.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chipConfigToJson } from '../../chips/chip-config-json.js';
import { compileReport } from '../../compiler/compile-report.js';
import { compileModel } from '../../compiler/compile.js';
import type { CompileRequest } from '../../compiler/compile-types.js';
import { parseModel } from '../../compiler/parse/parse-model.js';
import { bindWeights } from '../../compiler/weights.js';
import type { Tensor } from '../../formats/tensor.js';
import { importModel, isImportedModelFile, readBytes, readJsonFile, readWeightsFile, safetensorsOf } from '../../services/model-files.js';
import { parseConversion, parseInputShape, parseLayer2CoreMap, parseMonitor, parseOrdering, parseSeed } from '../args.js';
import { CliError, type CliIO } from '../cli-io.js';
import { formatCompileResult } from '../compile-table.js';
import { compactJson } from '../compact-json.js';
import { weightsFile, withoutWeights } from '../compile-weights.js';

export const COMPILE_OPTIONS = {
  weights: { type: 'string' },
  'weights-key': { type: 'string' },
  init: { type: 'string' },
  'input-shape': { type: 'string' },
  device: { type: 'string', default: 'speck2fdevkit' },
  ordering: { type: 'string' },
  'layer2core-map': { type: 'string' },
  monitor: { type: 'string' },
  'config-patch': { type: 'string' },
  'spike-threshold': { type: 'string' },
  'min-v-mem': { type: 'string' },
  reset: { type: 'string' },
  'bn-eps': { type: 'boolean' },
  kind: { type: 'string', default: 'auto' },
  'dvs-input': { type: 'boolean' },
} as const;

export interface CompileArgs {
  model?: string;
  weights?: string;
  'weights-key'?: string;
  init?: string;
  'input-shape'?: string;
  device?: string;
  ordering?: string;
  'layer2core-map'?: string;
  monitor?: string;
  'config-patch'?: string;
  'spike-threshold'?: string;
  'min-v-mem'?: string;
  reset?: string;
  'bn-eps'?: boolean;
  kind?: string;
  'dvs-input'?: boolean;
}

export interface PreparedCompile {
  request: CompileRequest;
  kind: 'auto' | 'ann' | 'snn';
  modelPath: string;
  weightsLabel: string;
  readonly weightsBytes: Uint8Array | null;
}

/** Reads the files a compile names and builds the request (shared by compile, simulate, run). */
export async function prepareCompile(values: CompileArgs, io: CliIO): Promise<PreparedCompile> {
  if (!values.model) throw new CliError('a model file is required, e.g. dcnn compile examples/lenet/model.py --weights examples/lenet/weights.safetensors --input-shape 1,28,28');
  const kind = values.kind ?? 'auto';
  if (kind !== 'auto' && kind !== 'ann' && kind !== 'snn') throw new CliError(`--kind must be auto, ann or snn; got "${kind}"`);
  const seed = parseSeed(values.init);
  const modelPath = resolve(io.cwd, values.model);
  const modelBytes = await readBytes(modelPath, 'model file');
  let source: string;
  let imported: { tensors: Map<string, Tensor>; inputShape?: [number, number, number] } | null = null;
  if (isImportedModelFile(modelBytes)) {
    const m = await importModel(modelBytes, modelPath);
    source = m.modelText;
    imported = m;
    io.err(`${values.model}: ${m.format}; model text written from the file:\n${m.modelText}`);
    for (const n of m.notes) io.err(`note: ${n}`);
  } else {
    source = new TextDecoder('utf-8').decode(modelBytes);
  }
  if (!values.weights && !imported && seed === null) throw new CliError('--weights FILE (.safetensors or a torch.save .pt file) is required (or --init SEED for seeded random weights)');
  if (values['weights-key'] && !values.weights) throw new CliError('--weights-key names an entry of the --weights checkpoint; give --weights too');
  const weights = values.weights ? await readWeightsFile(values.weights, io.cwd, { key: values['weights-key'], matches: matcherFor(source) }) : null;
  for (const n of weights?.notes ?? []) io.err(`note: ${n}`);
  const tensors = weights?.tensors ?? (seed === null ? imported?.tensors ?? null : null);
  const shapeText = values['input-shape'] ?? (imported?.inputShape ? imported.inputShape.join(',') : undefined);
  const request: CompileRequest = {
    source,
    weights: tensors,
    initSeed: tensors ? null : seed,
    inputShape: parseInputShape(shapeText),
    device: values.device ?? 'speck2fdevkit',
    ordering: parseOrdering(values.ordering),
    monitorLayers: parseMonitor(values.monitor),
    conversion: parseConversion(values),
    dvsInput: values['dvs-input'] ?? false,
  };
  const layer2core = parseLayer2CoreMap(values['layer2core-map']);
  if (layer2core) request.layer2coreMap = layer2core;
  if (values['config-patch']) request.configPatch = await readJsonFile(values['config-patch'], 'config patch', io.cwd);
  let stored: Uint8Array | null | undefined;
  return {
    request,
    kind,
    modelPath: values.model,
    weightsLabel: weights ? values.weights! : tensors ? `${values.model} (its own tensors)` : `random (seed ${seed})`,
    // Made only when a run records the weights (safetensors of what was used).
    get weightsBytes(): Uint8Array | null {
      if (stored === undefined) stored = weights ? weights.bytes : tensors ? safetensorsOf(tensors) : null;
      return stored;
    },
  };
}

/** Whether a state_dict fits the model text (for choosing a checkpoint's entry); undefined when the text does not parse. */
function matcherFor(source: string): ((tensors: Map<string, Tensor>) => boolean) | undefined {
  const ir = parseModel(source);
  if (ir.diagnostics.some((d) => d.severity === 'error') || ir.layers.length === 0) return undefined;
  return (tensors) => bindWeights(ir.layers, tensors).error === null;
}

export async function compileCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...COMPILE_OPTIONS, json: { type: 'boolean' }, 'config-out': { type: 'string' }, 'weights-out': { type: 'string' } },
  });
  const prepared = await prepareCompile({ ...values, model: positionals[0] }, io);
  const result = compileModel(prepared.request, { modelKind: prepared.kind });
  const report = compileReport(result);
  const weightsPath = values['weights-out'] ? resolve(io.cwd, values['weights-out']) : null;
  if (weightsPath) await writeFile(weightsPath, compactJson(weightsFile(report)));
  if (values.json) io.out(compactJson(withoutWeights(report, weightsPath)));
  else io.out(formatCompileResult(result, { model: prepared.modelPath, weights: prepared.weightsLabel }));
  if (weightsPath && !values.json) io.out(`quantized weights written to ${weightsPath}`);
  if (values['config-out'] && result.config) {
    const path = resolve(io.cwd, values['config-out']);
    await writeFile(path, JSON.stringify(chipConfigToJson(result.config)));
    if (!values.json) io.out(`configuration written to ${path}`);
  }
  return result.error ? 1 : 0;
}
