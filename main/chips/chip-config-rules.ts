// What makes a chip configuration writable to a chip of its family: array lengths that
// agree with the dimensions, documented shape limits (chip.md §6), memory per core
// (§3-4), destinations, DVS layer fields and family features. This is our counterpart of
// samna's validate_configuration; it returns every issue found, worded for people.

import { coreIsUsed, type ChipConfig, type CnnLayerConfig } from './chip-config.js';
import { overflows } from '../common/memory-fit.js';
import { layerMemory } from './core-memory.js';
import { CHIP_FAMILIES, CHIP_LIMITS } from './families.js';

function convOut(n: number, k: number, s: number, p: number): number {
  return Math.floor((n + 2 * p - k) / s) + 1;
}

function coreIssues(core: number, l: CnnLayerConfig, config: ChipConfig): string[] {
  const out: string[] = [];
  const family = CHIP_FAMILIES[config.family];
  const at = (msg: string) => out.push(`cnn_layers.${core}: ${msg}`);
  const d = l.dimensions;
  const c = d.input_shape.feature_count;
  const f = d.output_shape.feature_count;
  const k = d.kernel_size;
  const L = CHIP_LIMITS;

  if (l.weights.length !== f * c * k * k) at(`weights has ${l.weights.length} values; ${f}x${c}x${k}x${k} = ${f * c * k * k} expected`);
  if (l.biases.length !== f) at(`biases has ${l.biases.length} values; ${f} expected (one per output feature)`);
  const neurons = f * d.output_shape.size.x * d.output_shape.size.y;
  if (l.neurons_initial_value.length !== 0 && l.neurons_initial_value.length !== neurons) {
    at(`neurons_initial_value has ${l.neurons_initial_value.length} values; ${neurons} expected (or none for all zeros)`);
  }
  const ox = convOut(d.input_shape.size.x, k, d.stride.x, d.padding.x);
  const oy = convOut(d.input_shape.size.y, k, d.stride.y, d.padding.y);
  if (ox !== d.output_shape.size.x || oy !== d.output_shape.size.y) {
    at(`output_shape ${d.output_shape.size.x}x${d.output_shape.size.y} does not follow from input ${d.input_shape.size.x}x${d.input_shape.size.y}, kernel ${k}, stride and padding (${ox}x${oy} expected)`);
  }
  if (k > L.maxKernelSize) at(`kernel_size ${k} exceeds ${L.maxKernelSize}`);
  if (!L.strides.includes(d.stride.x) || !L.strides.includes(d.stride.y)) at(`stride ${d.stride.x}x${d.stride.y}: each axis must be 1, 2, 4 or 8`);
  if (d.padding.x < 0 || d.padding.y < 0 || d.padding.x > L.maxPadding || d.padding.y > L.maxPadding) at(`padding ${d.padding.x}x${d.padding.y}: 0..${L.maxPadding}`);
  if (c > L.maxChannels || f > L.maxChannels) at(`feature counts ${c} -> ${f} exceed ${L.maxChannels}`);
  if (d.output_shape.size.x > L.maxNeuronMapSize || d.output_shape.size.y > L.maxNeuronMapSize) at(`neuron map exceeds ${L.maxNeuronMapSize}x${L.maxNeuronMapSize}`);
  if (d.input_shape.size.x > L.maxInputSize || d.input_shape.size.y > L.maxInputSize) at(`input exceeds ${L.maxInputSize}x${L.maxInputSize}`);
  if (!(l.threshold_high > 0)) at(`threshold_high ${l.threshold_high} must be positive`);
  if (l.threshold_low >= l.threshold_high) at(`threshold_low ${l.threshold_low} must be below threshold_high ${l.threshold_high}`);

  const hasBias = l.leak_enable || l.biases.some((b) => b !== 0);
  const memory = layerMemory(c, f, [k, k], [d.output_shape.size.y, d.output_shape.size.x], hasBias);
  const limits = family.cores[core];
  if (limits) {
    for (const o of overflows(memory, limits)) at(`${o.memory} memory ${o.need} exceeds this core's ${o.have}`);
  }
  if (l.output_decimator_enable && !family.hasDecimator) at(`${family.name} has no output decimator`);
  if (family.killBits !== (l.weights_kill_bit !== undefined)) {
    at(family.killBits ? `${family.name} needs weights_kill_bit` : `${family.name} has no kill bits (weights_kill_bit must be absent)`);
  }
  if (l.weights_kill_bit && l.weights_kill_bit.length !== l.weights.length) at('weights_kill_bit length differs from weights');
  if (l.biases_kill_bit && l.biases_kill_bit.length !== l.biases.length) at('biases_kill_bit length differs from biases');
  return out;
}

function destinationIssues(core: number, l: CnnLayerConfig, config: ChipConfig): string[] {
  const out: string[] = [];
  const family = CHIP_FAMILIES[config.family];
  l.destinations.forEach((dest, slot) => {
    if (!dest.enable) return;
    const where = `cnn_layers.${core}.destinations.${slot}`;
    if (!coreIsUsed(l)) out.push(`${where}: enabled on a core that holds no layer`);
    if (dest.layer === CHIP_LIMITS.readoutCore) {
      if (!family.hasReadout) out.push(`${where}: ${family.name} has no readout layer (12)`);
    } else if (dest.layer >= family.cores.length) {
      out.push(`${where}: layer ${dest.layer} does not exist (cores 0..${family.cores.length - 1}, readout 12)`);
    } else if (!coreIsUsed(config.cnn_layers[dest.layer]!)) {
      out.push(`${where}: core ${dest.layer} holds no layer`);
    }
    if (!CHIP_LIMITS.corePooling.includes(dest.pooling)) out.push(`${where}: pooling ${dest.pooling} not in {1,2,4}`);
  });
  return out;
}

function dvsIssues(config: ChipConfig): string[] {
  const out: string[] = [];
  const d = config.dvs_layer;
  const family = CHIP_FAMILIES[config.family];
  const L = CHIP_LIMITS;
  if (!L.dvsPooling.includes(d.pooling.x) || !L.dvsPooling.includes(d.pooling.y)) out.push(`dvs_layer.pooling ${d.pooling.x}x${d.pooling.y}: each axis 1, 2 or 4`);
  const maxX = Math.floor(L.dvsSize / Math.max(1, d.pooling.x)) - 1;
  const maxY = Math.floor(L.dvsSize / Math.max(1, d.pooling.y)) - 1;
  if (d.origin.x < 0 || d.origin.y < 0 || d.origin.x > d.cut.x || d.origin.y > d.cut.y) out.push('dvs_layer: origin must be at or before cut on both axes');
  if (d.cut.x > maxX || d.cut.y > maxY) out.push(`dvs_layer.cut (${d.cut.x}, ${d.cut.y}) outside the pooled array (max ${maxX}, ${maxY})`);
  d.destinations.forEach((dest, slot) => {
    if (!dest.enable) return;
    const target = config.cnn_layers[dest.layer];
    if (!target || !coreIsUsed(target)) out.push(`dvs_layer.destinations.${slot}: core ${dest.layer} holds no layer`);
  });
  if (config.readout && !family.hasReadout) out.push(`readout: ${family.name} has no readout layer`);
  return out;
}

export function validateChipConfig(config: ChipConfig): string[] {
  const family = CHIP_FAMILIES[config.family];
  const out: string[] = [];
  if (config.cnn_layers.length !== family.cores.length) {
    out.push(`cnn_layers has ${config.cnn_layers.length} entries; ${family.name} has ${family.cores.length} cores`);
  }
  config.cnn_layers.forEach((l, core) => {
    if (coreIsUsed(l)) out.push(...coreIssues(core, l, config));
    out.push(...destinationIssues(core, l, config));
  });
  out.push(...dvsIssues(config));
  return out;
}
