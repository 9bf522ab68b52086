// The compiler pipeline end to end: model text + weights -> parsed layers -> spiking
// model -> chip layers -> hardware limits -> quantized integers -> placement -> chip
// configuration (+ the user's patch). Each stage either hands on or stops with one
// CompileError naming the stage; everything worth telling the user is a diagnostic.
// No I/O: callers read files and pass bytes/tensors.

import { parseDeviceId } from '../chips/device-id.js';
import { deviceType } from '../chips/device-types.js';
import { candidateCores, layerMemory } from '../chips/core-memory.js';
import { CHIP_FAMILIES, type ChipFamily } from '../chips/families.js';
import { toSpikingModel, type ModelKind } from './ann-to-snn.js';
import { buildChipLayers, checkSupported, ConversionFailure, type ChipLayerDraft } from './chip-layers.js';
import {
  DEFAULT_CONVERSION,
  type ChipLayer,
  type CompileRequest,
  type CompileResult,
  type CompileTimings,
  type ConversionOptions,
} from './compile-types.js';
import { buildChipConfig } from './config-builder.js';
import { validateChipConfig } from '../chips/chip-config-rules.js';
import { buildGraphChipConfig, slotOverflow } from './graph/graph-config.js';
import { buildGraphChipLayers } from './graph/graph-layers.js';
import { patchChipConfig } from './config-patch.js';
import type { CompileError, Diagnostic, SourceSpan } from './diagnostics.js';
import { checkHardwareLimits, limitsError, shapeFreeLimitsError } from './hardware-limits.js';
import { translateMonitorLayers } from './monitor.js';
import { parseModel } from './parse/parse-model.js';
import type { LayerIR } from './model-ir.js';
import { placeAuto, placeManual } from './placement.js';
import { quantizeLayer } from './quantize.js';
import { bindWeights, randomWeights } from './weights.js';

export interface CompileOptions {
  /** 'auto': a model with nn.ReLU is an ANN (converted), otherwise already spiking. */
  modelKind?: ModelKind;
}

function now(): number {
  return performance.now();
}

interface DeviceTarget {
  device: string;
  family: ChipFamily | null;
  error: CompileError | null;
}

function resolveTarget(device: string): DeviceTarget {
  let key: string;
  try {
    key = parseDeviceId(device).type;
  } catch (e) {
    return { device, family: null, error: { stage: 'limits', class: 'ValueError', code: 'UNKNOWN_DEVICE', message: (e as Error).message } };
  }
  const type = deviceType(key);
  if (!type || !type.family) {
    return {
      device: key,
      family: null,
      error: {
        stage: 'limits',
        class: 'ValueError',
        code: 'UNKNOWN_DEVICE',
        message: type ? `${key} (${type.name}) has no DYNAP-CNN cores to compile for.` : `Builder not found for device type: ${key}.`,
        hint: 'Use a deployable type such as speck2fdevkit, speck2edevkit, dynapcnndevkit or speck2dmini (see `dcnn devices --types`).',
      },
    };
  }
  return { device: key, family: CHIP_FAMILIES[type.family], error: null };
}

export function compileModel(request: CompileRequest, options: CompileOptions = {}): CompileResult {
  const t0 = now();
  const timings: CompileTimings = { parseMs: 0, convertMs: 0, quantizeMs: 0, placeMs: 0, configMs: 0, totalMs: 0 };
  const conversion: ConversionOptions = { ...DEFAULT_CONVERSION, ...request.conversion };
  const diagnostics: Diagnostic[] = [];
  const target = resolveTarget(request.device);
  const model = parseModel(request.source);
  timings.parseMs = now() - t0;
  diagnostics.push(...model.diagnostics);

  const result: CompileResult = {
    ok: false,
    error: null,
    diagnostics,
    model,
    device: target.device,
    family: target.family?.id ?? null,
    conversion,
    dvs: null,
    layers: [],
    entryLayers: [],
    exitLayers: [],
    graph: null,
    placement: null,
    placementProblems: [],
    layerShapes: new Map(),
    config: null,
    monitoredCores: [],
    weightsSource: 'none',
    timings,
  };
  const stop = (error: CompileError): CompileResult => {
    result.error = error.span ? error : { ...error, ...placeOf(error, result) };
    timings.totalMs = now() - t0;
    return result;
  };

  const parseError = model.diagnostics.find((d) => d.severity === 'error');
  if (parseError) {
    const count = model.diagnostics.filter((d) => d.severity === 'error').length;
    return stop({
      stage: 'parse',
      class: 'SyntaxError',
      code: parseError.code,
      message: count > 1 ? `${parseError.message} (and ${count - 1} more problem${count > 2 ? 's' : ''})` : parseError.message,
      ...(parseError.span ? { span: parseError.span } : {}),
      ...(parseError.hint ? { hint: parseError.hint } : {}),
    });
  }
  if (target.error) return stop(target.error);
  const family = target.family!;

  // Before any weights are made or bound: a layer so large that making its weights would
  // exhaust memory (nn.Linear(100000000, 100) is 40 GB of floats) is refused by its size.
  // Smaller layers that still fit no core go on to placement, which names the memory like
  // the reference library does.
  const oversized = oversizedLayer(model.layers, family);
  if (oversized) return stop(oversized);

  // Weights.
  const t1 = now();
  let bound;
  if (request.weights) {
    bound = bindWeights(model.layers, request.weights);
    result.weightsSource = 'file';
  } else if (request.initSeed !== undefined && request.initSeed !== null) {
    bound = randomWeights(model.layers, request.initSeed);
    result.weightsSource = 'random';
  } else {
    return stop({
      stage: 'weights',
      class: 'ValueError',
      code: 'NO_WEIGHTS',
      message: 'No weights were given.',
      hint: 'Give a safetensors file with the model\'s state_dict (--weights), or --init SEED for seeded random weights.',
    });
  }
  diagnostics.push(...bound.diagnostics);
  // Tensors that do not match a model with a layer the chip cannot run are most often
  // that layer's doing (it shifts the state_dict names): name the layer.
  if (bound.error) return stop(unsupportedLayersError(model.layers) ?? bound.error);

  // ANN -> SNN, then chip layers.
  // A graph's forward never calls the output layer from_model appends (README of the graph fixtures).
  const snnOptions = model.graph ? { ...conversion, addSpikingOutput: false } : conversion;
  const snn = toSpikingModel(model.layers, bound.params, snnOptions, options.modelKind ?? 'auto');
  diagnostics.push(...snn.diagnostics);
  if (snn.error) return stop(snn.error);
  const layerOptions = { dvsInput: request.dvsInput ?? false, batchNormEps: conversion.batchNormEps };
  const graphLayers = model.graph ? buildGraphChipLayers(model.graph, snn, request.inputShape, layerOptions) : null;
  const grouped = graphLayers ?? buildChipLayers(snn, request.inputShape, layerOptions);
  diagnostics.push(...grouped.diagnostics);
  result.layerShapes = grouped.layerShapes;
  timings.convertMs = now() - t1;
  // A shape error caused by a dilated or grouped convolution is named by its cause.
  if (grouped.error) return stop(shapeFreeLimitsError(model.layers) ?? grouped.error);
  result.dvs = grouped.dvs;
  const violations = [...checkHardwareLimits(grouped.layers, grouped.dvs), ...(graphLayers?.poolingViolations ?? [])];

  const broken = nonFiniteParameters(grouped.layers);
  if (broken) return stop(broken);

  // Quantization and memory (also done when limits fail, so the inspector can show them).
  const t2 = now();
  const states: Array<Int16Array | null> = [];
  result.layers = grouped.layers.map((draft) => {
    const { layer, state, nonZeroFloatWeights } = finishLayer(draft, family);
    states.push(state);
    if (nonZeroFloatWeights > 0 && layer.quantized.zeroedWeights === nonZeroFloatWeights) {
      diagnostics.push({ severity: 'warning', code: 'ALL_WEIGHTS_ZERO', message: `Every weight of chip layer ${layer.index} quantized to 0 (scale ${layer.quantized.scale}).` });
    }
    return layer;
  });
  if (graphLayers) {
    result.entryLayers = graphLayers.entryLayers;
    result.exitLayers = graphLayers.exitLayers;
    result.graph = graphLayers.summary;
  } else {
    result.entryLayers = result.layers.length > 0 ? [0] : [];
    result.exitLayers = result.layers.length > 0 ? [result.layers.length - 1] : [];
  }
  timings.quantizeMs = now() - t2;
  const limits = limitsError(violations);
  if (limits) return stop(limits);

  // Placement.
  const t3 = now();
  const placementLayers = result.layers.map((l) => ({ index: l.index, memory: l.memory, candidates: l.candidates }));
  const base = result.graph?.numberBase ?? 0;
  const given = request.layer2coreMap;
  const unknown = given ? Object.keys(given).map(Number).filter((k) => !result.layers.some((l) => l.index + base === k)) : [];
  const missing = given ? result.layers.filter((l) => given[l.index + base] === undefined).map((l) => l.index + base) : [];
  if (unknown.length > 0 || missing.length > 0) {
    const numbers = result.layers.map((l) => l.index + base);
    return stop({
      stage: 'mapping',
      class: 'ValueError',
      code: 'INVALID_ORDERING',
      message: `The layer2core_map must give one core for each chip layer ${numbers.join(', ')}${missing.length > 0 ? `; missing: ${missing.join(', ')}` : ''}${unknown.length > 0 ? `; no such layer: ${unknown.join(', ')}` : ''}.`,
    });
  }
  const ordering = given ? result.layers.map((l) => given[l.index + base]!) : (request.ordering ?? 'auto');
  const placed = ordering === 'auto' ? placeAuto(placementLayers, family) : placeManual(placementLayers, ordering, family);
  timings.placeMs = now() - t3;
  if (!placed.ok) {
    result.placementProblems = placed.problems;
    return stop({
      stage: 'mapping',
      class: 'ValueError',
      code: placed.auto ? 'NO_VALID_MAPPING' : 'INVALID_ORDERING',
      message: placed.message,
    });
  }
  result.placement = { ordering: placed.ordering, auto: placed.auto };
  family.notes.forEach((message) => diagnostics.push({ severity: 'info', code: 'CHIP_NOTE', message }));

  // Configuration.
  const t4 = now();
  // Graph models monitor their exit layers (sinabs' monitor_layers=None); a given list adds to them.
  const monitorSpec = request.monitorLayers ?? (result.graph ? [] : [-1]);
  const monitor = translateMonitorLayers(
    monitorSpec,
    placed.ordering,
    result.layers.map((l) => l.pooling),
  );
  if (!monitor.ok) return stop({ stage: 'mapping', class: 'ValueError', code: 'MONITOR_LAYER', message: monitor.message });
  diagnostics.push(...monitor.diagnostics);
  result.monitoredCores = result.graph
    ? [...new Set([...result.exitLayers.map((l) => placed.ordering[l]!), ...monitor.cores])].sort((a, b) => a - b)
    : monitor.cores;
  const configInput = {
    family,
    layers: result.layers,
    states,
    ordering: placed.ordering,
    dvs: grouped.dvs,
    monitorCores: monitor.cores,
    monitorDvs: monitor.dvs,
    inputChannels: request.inputShape[0],
  };
  if (result.graph) {
    const overflow = slotOverflow(result.layers, result.graph, result.graph.numberBase);
    if (overflow) {
      timings.configMs = now() - t4;
      return stop(overflow);
    }
  }
  let config = result.graph ? buildGraphChipConfig(configInput, result.graph, result.exitLayers) : buildChipConfig(configInput);
  if (request.configPatch !== undefined && request.configPatch !== null) {
    const patched = patchChipConfig(config, request.configPatch);
    if (!patched.ok) {
      timings.configMs = now() - t4;
      return stop({
        stage: 'limits',
        class: 'ValueError',
        code: 'CONFIG_PATCH',
        message: `The config patch makes the configuration invalid: ${patched.issues.join('; ')}.`,
        hint: 'A patch is a JSON merge patch of the configuration; address one core with {"cnn_layers": {"3": {...}}}.',
      });
    }
    config = patched.config;
  }
  // The same rules the device applies when the configuration is written (chip-config-rules.ts):
  // a configuration a device would refuse is a compile error, not a run failure later.
  const refused = validateChipConfig(config);
  if (refused.length > 0) {
    timings.configMs = now() - t4;
    return stop({
      stage: 'config',
      class: 'ValueError',
      code: 'DEVICE_WOULD_REFUSE',
      message: `The configuration would be refused by the device: ${refused.slice(0, 5).join('; ')}${refused.length > 5 ? ` (and ${refused.length - 5} more)` : ''}.`,
      hint: 'A threshold that quantizes to 0 comes from a spike_threshold too small for the weights: raise spike_threshold, or scale the weights.',
    });
  }
  result.config = config;
  timings.configMs = now() - t4;
  result.ok = true;
  timings.totalMs = now() - t0;
  return result;
}

/**
 * Where in the model text a stage error without a span is about, so the editor can mark
 * it: the chip layer it names (its first model layer), else the first model layer its
 * message names by line, as "(nn.Conv2d, line 5)" (the weights, limits and mapping
 * messages name layers so).
 */
function placeOf(error: CompileError, result: CompileResult): { span?: SourceSpan } {
  const layers = result.model.layers;
  if (error.layer !== undefined) {
    const chip = result.layers[error.layer];
    const first = chip ? layers[chip.sourceLayers[0]!] : undefined;
    if (first) return { span: first.span };
  }
  const line = /\bline (\d+)\)/.exec(error.message);
  const named = line ? layers.find((l) => l.span.line === Number(line[1])) : undefined;
  return named ? { span: named.span } : {};
}

/** 2^26 weights (256 MiB as float32): a thousand times the largest core's kernel memory. */
const MAX_LAYER_WEIGHTS = 2 ** 26;

function layerWeights(layer: LayerIR): number {
  if (layer.kind === 'conv2d') return layer.outChannels * (layer.inChannels / Math.max(1, layer.groups)) * layer.kernelSize[0] * layer.kernelSize[1];
  if (layer.kind === 'linear') return layer.outFeatures * layer.inFeatures;
  return 0;
}

/**
 * How many weights compiling this model text makes (0 when it does not parse), found by
 * parsing only: callers use it to tell a compile of milliseconds from one of seconds.
 */
export function modelWeightCount(source: string): number {
  const model = parseModel(source);
  if (model.diagnostics.some((d) => d.severity === 'error')) return 0;
  return model.layers.reduce((sum, l) => sum + layerWeights(l), 0);
}

/** The first model layer with more weights than the compiler will make in memory. */
function oversizedLayer(layers: readonly LayerIR[], family: ChipFamily): CompileError | null {
  const largest = Math.max(...family.cores.map((c) => c.kernel));
  for (const layer of layers) {
    if (layer.kind !== 'conv2d' && layer.kind !== 'linear') continue;
    const count = layerWeights(layer);
    if (!(count <= MAX_LAYER_WEIGHTS)) {
      return {
        stage: 'limits',
        class: 'ValueError',
        code: 'LAYER_TOO_LARGE',
        message: `Layer ${layer.index} (${layer.kind === 'linear' ? 'nn.Linear' : 'nn.Conv2d'}) has ${count.toLocaleString('en-US')} weights, more than the ${MAX_LAYER_WEIGHTS.toLocaleString('en-US')} the compiler holds in memory; the largest core of ${family.name} holds ${largest.toLocaleString('en-US')}.`,
        hint: 'Make the layer smaller (fewer channels or features, a smaller kernel), or split it across layers.',
        ...(layer.span ? { span: layer.span } : {}),
      };
    }
  }
  return null;
}

/** The conversion's error for layers the chip cannot run (sl.LIFSqueeze, ...), or null. */
function unsupportedLayersError(layers: readonly LayerIR[]): CompileError | null {
  try {
    checkSupported(layers.map((layer) => ({ layer, params: {}, converted: null })));
    return null;
  } catch (e) {
    if (e instanceof ConversionFailure) return e.error;
    throw e;
  }
}

/** The first chip layer whose float parameters hold NaN or ±Infinity, as a compile error. */
function nonFiniteParameters(layers: readonly ChipLayerDraft[]): CompileError | null {
  for (const [li, draft] of layers.entries()) {
    for (const [what, values] of [
      ['weights', draft.float.weights],
      ['biases', draft.float.biases],
    ] as const) {
      if (!values) continue;
      let bad = 0;
      let first = -1;
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) {
          bad++;
          if (first < 0) first = i;
        }
      }
      if (bad > 0) {
        return {
          stage: 'weights',
          class: 'ValueError',
          code: 'NON_FINITE_WEIGHTS',
          layer: li,
          message: `Chip layer ${li} has ${bad} ${what} that are NaN or infinite (the first at index ${first}, value ${values[first]}); they cannot be quantized.`,
          hint: 'The weights file is broken (a training run that diverged, or a bad export): check it with numpy (np.isfinite) and re-export it.',
        };
      }
    }
    for (const [what, v] of [
      ['spike_threshold', draft.float.spikeThreshold],
      ['min_v_mem', draft.float.minVMem],
    ] as const) {
      if (v !== null && v !== undefined && !Number.isFinite(v)) {
        return { stage: 'conversion', class: 'ValueError', code: 'NON_FINITE_WEIGHTS', layer: li, message: `Chip layer ${li} has ${what} = ${v}; it must be a finite number.` };
      }
    }
  }
  return null;
}

function finishLayer(draft: ChipLayerDraft, family: ChipFamily): { layer: ChipLayer; state: Int16Array | null; nonZeroFloatWeights: number } {
  const q = quantizeLayer({
    weights: draft.float.weights,
    biases: draft.float.biases,
    spikeThreshold: draft.float.spikeThreshold,
    minVMem: draft.float.minVMem,
    state: draft.state,
  });
  const memory = layerMemory(
    draft.conv.inChannels,
    draft.conv.outChannels,
    draft.conv.kernelSize,
    [draft.neuronShape[1], draft.neuronShape[2]],
    draft.float.biases !== null,
  );
  const { dilation: _dilation, groups: _groups, state: _state, weightLayer: _weightLayer, graphInfo, ...base } = draft;
  const layer: ChipLayer = {
    ...base,
    ...(graphInfo ? { graph: graphInfo } : {}),
    quantized: {
      scale: q.scale,
      scaleParts: { weight: q.scaleParts.weight, bias: q.scaleParts.bias, threshold: q.scaleParts.threshold },
      weights: q.weights,
      biases: q.biases,
      spikeThreshold: q.spikeThreshold,
      minVMem: q.minVMem,
      zeroedWeights: q.zeroedWeights,
    },
    memory,
    candidates: candidateCores(memory, family.cores),
  };
  return { layer, state: q.state, nonZeroFloatWeights: q.nonZeroFloatWeights };
}
