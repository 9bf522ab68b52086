// Checks every documented per-core hardware limit (chip.md §6) on the grouped chip
// layers, before placement, so that a model the chip cannot run is reported as a model
// error naming the layer and the limit, not as "no mapping". Memory is placement's job.

import { CHIP_LIMITS } from '../chips/families.js';
import type { DvsInputLayer } from './compile-types.js';
import type { ChipLayerDraft } from './chip-layers.js';
import type { CompileError } from './diagnostics.js';
import type { LayerIR } from './model-ir.js';

export interface LimitViolation {
  layer: number | 'dvs';
  code: string;
  message: string;
}

export function checkHardwareLimits(layers: readonly ChipLayerDraft[], dvs: DvsInputLayer | null): LimitViolation[] {
  const v: LimitViolation[] = [];
  const L = CHIP_LIMITS;
  if (dvs) {
    const [py, px] = dvs.pooling;
    if (!L.dvsPooling.includes(py) || !L.dvsPooling.includes(px)) {
      v.push({ layer: 'dvs', code: 'POOL_SIZE', message: `DVS layer pooling ${py}x${px}: each axis must be 1, 2 or 4` });
    }
    const [, h, w] = dvs.inputShape;
    if (h > L.dvsSize || w > L.dvsSize) v.push({ layer: 'dvs', code: 'INPUT_SIZE', message: `DVS input ${h}x${w} exceeds the ${L.dvsSize}x${L.dvsSize} pixel array` });
  }
  for (const l of layers) {
    const at = (code: string, message: string) => v.push({ layer: l.index, code, message: `layer ${l.index} (${l.weightLayer.written}, line ${l.weightLayer.span.line}): ${message}` });
    const [kh, kw] = l.conv.kernelSize;
    const [sh, sw] = l.conv.stride;
    const [ph, pw] = l.conv.padding;
    const [cin, hin, win] = l.inputShape;
    const [f, hn, wn] = l.neuronShape;
    if (kh > L.maxKernelSize || kw > L.maxKernelSize) {
      at('KERNEL_SIZE', `kernel ${kh}x${kw} exceeds ${L.maxKernelSize}x${L.maxKernelSize}${l.conv.fromLinear ? ' (a Linear layer becomes a convolution over its whole input map)' : ''}`);
    }
    if (!L.strides.includes(sh) || !L.strides.includes(sw)) at('STRIDE', `stride ${sh}x${sw}: each axis must be 1, 2, 4 or 8`);
    if (ph < 0 || pw < 0 || ph > L.maxPadding || pw > L.maxPadding) at('PADDING', `padding ${ph}x${pw}: each axis must be 0..${L.maxPadding}`);
    if (l.dilation[0] !== 1 || l.dilation[1] !== 1) at('DILATION', `dilation ${l.dilation[0]}x${l.dilation[1]}: the chip has no dilated convolutions`);
    if (l.groups !== 1) at('GROUPS', `groups=${l.groups}: the chip has no grouped convolutions`);
    if (!L.corePooling.includes(l.pooling)) at('POOL_SIZE', `pooling ${l.pooling} not in {1,2,4}`);
    if (hin > L.maxInputSize || win > L.maxInputSize) at('INPUT_SIZE', `input ${hin}x${win} exceeds ${L.maxInputSize}x${L.maxInputSize}`);
    if (hn > L.maxNeuronMapSize || wn > L.maxNeuronMapSize) {
      at('NEURON_MAP_SIZE', `neuron map ${hn}x${wn} exceeds ${L.maxNeuronMapSize}x${L.maxNeuronMapSize} (down-sample with a stride or pooling earlier)`);
    }
    if (cin > L.maxChannels) at('CHANNELS', `${cin} input channels exceed ${L.maxChannels}`);
    if (f > L.maxChannels) at('CHANNELS', `${f} output channels exceed ${L.maxChannels}`);
  }
  return v;
}

export function limitsError(violations: readonly LimitViolation[]): CompileError | null {
  const first = violations[0];
  if (!first) return null;
  const error: CompileError = {
    stage: 'limits',
    class: 'ValueError',
    code: first.code,
    message: `The model exceeds the chip's limits: ${violations.map((x) => x.message).join('; ')}.`,
  };
  if (typeof first.layer === 'number') error.layer = first.layer;
  return error;
}

/**
 * The limits a layer breaks whatever the shapes: dilated and grouped convolutions. Checked
 * on the model's own layers before conversion, so `dilation=2` is named as such, not as the
 * shape mismatch it causes two layers later.
 */
export function shapeFreeLimitsError(layers: readonly LayerIR[]): CompileError | null {
  for (const l of layers) {
    if (l.kind !== 'conv2d') continue;
    const where = `${l.written} (line ${l.span.line})`;
    let code: string | null = null;
    let message = '';
    if (l.dilation[0] !== 1 || l.dilation[1] !== 1) {
      code = 'DILATION';
      message = `${where}: dilation ${l.dilation[0]}x${l.dilation[1]}: the chip has no dilated convolutions`;
    } else if (l.groups !== 1) {
      code = 'GROUPS';
      message = `${where}: groups=${l.groups}: the chip has no grouped convolutions`;
    }
    if (code) {
      return {
        stage: 'limits',
        class: 'ValueError',
        code,
        message: `The model exceeds the chip's limits: ${message}.`,
        hint: code === 'DILATION' ? 'use dilation=1 (a larger kernel covers the same field)' : 'use groups=1',
        span: l.span,
      };
    }
  }
  return null;
}
