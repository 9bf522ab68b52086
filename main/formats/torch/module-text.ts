// Model text written from a pickled module tree (torch.save(model)): the nn.Sequential
// with its children's constructor arguments read from their attribute dicts, nested
// OrderedDict names kept, sinabs layers as sl.IAFSqueeze(...) and friends, in the subset
// of Python the parser in main/compiler/parse reads. Arguments equal to the constructor's
// default are left out, as people write them. It reads attributes only; whether the
// network can run on the chip is the compiler's decision, except for layers the
// catalogue marks unsupported, which are refused here with the catalogue's alternative.

import { lookup } from '../../compiler/parse/layer-catalog.js';
import { FormatError } from '../format-error.js';
import { catalogNameOf, describe, globalNameOf, PickledObject, TensorRef } from './pickle-globals.js';

export interface ModuleTextOptions {
  /** The value of a scalar tensor attribute (sinabs keeps spike_threshold and min_v_mem as tensors). */
  scalar(ref: TensorRef, name: string): number;
}

export interface ModuleText {
  text: string;
  notes: string[];
}

const INDENT = '    ';

function fail(path: string, message: string): never {
  throw new FormatError('torch', 'UNKNOWN_CLASS', `${path === '' ? 'the pickled model' : `layer "${path}"`}: ${message}`, { layer: path });
}

export function moduleTreeText(root: PickledObject, options: ModuleTextOptions): ModuleText {
  const notes: string[] = [];
  if (catalogNameOf(root.qualified) !== 'torch.nn.Sequential') {
    fail('', `the file holds a single ${root.qualified}, not an nn.Sequential; wrap it in nn.Sequential(...) before torch.save, or save its state_dict and write the model text`);
  }
  const w = new Writer(options, notes);
  return { text: w.sequential(root, '', ''), notes };
}

class Writer {
  constructor(
    private readonly options: ModuleTextOptions,
    private readonly notes: string[],
  ) {}

  sequential(m: PickledObject, path: string, indent: string): string {
    const children = [...(mapAttr(m, '_modules', path) ?? new Map<unknown, unknown>())].filter(([, v]) => v !== null);
    const inner = indent + INDENT;
    const positional = children.every(([k], i) => k === String(i));
    if (positional) {
      const lines = children.map(([k, v]) => `${inner}${this.module(v, join(path, String(k)), inner)},\n`);
      return `nn.Sequential(\n${lines.join('')}${indent})`;
    }
    const lines = children.map(([k, v]) => `${inner}(${JSON.stringify(String(k))}, ${this.module(v, join(path, String(k)), inner)}),\n`);
    return `nn.Sequential(OrderedDict([\n${lines.join('')}${indent}]))`;
  }

  module(v: unknown, path: string, indent: string): string {
    if (!(v instanceof PickledObject)) fail(path, `expected a layer object, found ${describe(v)}`);
    // A damaged pickle can make a Sequential its own child; real models nest a few levels.
    if (indent.length > INDENT.length * 32) fail(path, 'the modules nest more than 32 levels deep; the pickle is damaged');
    const name = catalogNameOf(v.qualified);
    const entry = name !== null ? lookup(name) : undefined;
    if (!entry || !name) fail(path, `${v.qualified} is not a layer the workbench knows`);
    if (entry.role === 'unsupported') {
      fail(path, `${v.qualified} (${entry.module === 'torch.nn' ? 'nn' : 'sl'}.${entry.name}) cannot run on the chip${entry.alternative ? `: ${entry.alternative}` : ''}`);
    }
    const a = new Attrs(v, path, this.options);
    switch (name) {
      case 'torch.nn.Sequential':
        return this.sequential(v, path, indent);
      case 'torch.nn.Conv2d': {
        const args = [String(a.int('in_channels')), String(a.int('out_channels')), `kernel_size=${a.pair('kernel_size')}`, `stride=${a.pair('stride')}`, `padding=${a.padding()}`];
        if (a.pair('dilation') !== '1') args.push(`dilation=${a.pair('dilation')}`);
        if (a.int('groups') !== 1) args.push(`groups=${a.int('groups')}`);
        args.push(`bias=${py(a.hasParam('bias'))}`);
        const mode = a.optional('padding_mode');
        if (mode !== undefined && mode !== 'zeros') args.push(`padding_mode=${py(mode)}`);
        return `nn.Conv2d(${args.join(', ')})`;
      }
      case 'torch.nn.Linear':
        return `nn.Linear(${a.int('in_features')}, ${a.int('out_features')}, bias=${py(a.hasParam('bias'))})`;
      case 'torch.nn.ReLU':
        return 'nn.ReLU()';
      case 'torch.nn.AvgPool2d': {
        const args = [`kernel_size=${a.pair('kernel_size')}`];
        if (a.optional('stride') !== null) args.push(`stride=${a.pair('stride')}`);
        if (a.pair('padding') !== '0') args.push(`padding=${a.pair('padding')}`);
        if (a.optional('ceil_mode') === true) args.push('ceil_mode=True');
        if (a.optional('count_include_pad') === false) args.push('count_include_pad=False');
        const d = a.optional('divisor_override');
        if (d !== null && d !== undefined) args.push(`divisor_override=${a.int('divisor_override')}`);
        return `nn.AvgPool2d(${args.join(', ')})`;
      }
      case 'torch.nn.Flatten': {
        const s = a.int('start_dim');
        const e = a.int('end_dim');
        return s === 1 && e === -1 ? 'nn.Flatten()' : `nn.Flatten(start_dim=${s}, end_dim=${e})`;
      }
      case 'torch.nn.BatchNorm2d': {
        const args = [String(a.int('num_features'))];
        const eps = a.number('eps');
        if (eps !== 1e-5) args.push(`eps=${pyFloat(eps)}`);
        const momentum = a.optional('momentum');
        if (momentum === null) args.push('momentum=None');
        else if (a.number('momentum') !== 0.1) args.push(`momentum=${pyFloat(a.number('momentum'))}`);
        if (a.optional('affine') === false) args.push('affine=False');
        if (a.optional('track_running_stats') === false) args.push('track_running_stats=False');
        return `nn.BatchNorm2d(${args.join(', ')})`;
      }
      case 'torch.nn.Dropout':
      case 'torch.nn.Dropout2d':
        return `nn.${entry.name}(p=${pyFloat(a.number('p'))})`;
      case 'torch.nn.Identity':
        return 'nn.Identity()';
      case 'sinabs.layers.IAF':
      case 'sinabs.layers.IAFSqueeze':
        return this.iaf(a, entry.name);
      case 'sinabs.layers.SumPool2d': {
        const args = [`kernel_size=${a.pair('kernel_size')}`];
        if (a.optional('stride') !== null && a.optional('stride') !== undefined && a.pair('stride') !== a.pair('kernel_size')) args.push(`stride=${a.pair('stride')}`);
        if (a.optional('ceil_mode') === true) args.push('ceil_mode=True');
        return `sl.SumPool2d(${args.join(', ')})`;
      }
      case 'sinabs.layers.NeuromorphicReLU':
        return `sl.NeuromorphicReLU(quantize=${py(a.optional('quantize') !== false)}, fanout=${a.int('fanout')}, stochastic_rounding=${py(a.optional('stochastic_rounding') === true)})`;
      default:
        return fail(path, `${v.qualified} cannot be written as model text`);
    }
  }

  private iaf(a: Attrs, cls: string): string {
    const args = [`spike_threshold=${pyFloat(a.scalarOrNumber('spike_threshold') ?? 1)}`];
    const minV = a.scalarOrNumber('min_v_mem');
    if (minV !== null) args.push(`min_v_mem=${pyFloat(minV)}`);
    const spikeFn = a.optional('spike_fn');
    const spikeName = spikeFn instanceof PickledObject ? catalogNameOf(spikeFn.qualified) : (globalNameOf(spikeFn) && catalogNameOf(globalNameOf(spikeFn)!));
    if (spikeName === 'sinabs.activation.SingleSpike') args.push('spike_fn=sa.SingleSpike');
    else if (spikeName === 'sinabs.activation.MaxSpike') {
      const n = spikeFn instanceof PickledObject && spikeFn.state instanceof Map ? spikeFn.state.get('max_num_spikes_per_bin') : undefined;
      args.push(`spike_fn=sa.MaxSpike(${typeof n === 'number' ? `max_num_spikes_per_bin=${n}` : ''})`);
    } else if (spikeName !== 'sinabs.activation.MultiSpike' && spikeFn !== undefined) {
      fail(a.path, `spike_fn ${describe(spikeFn)} is not MultiSpike, SingleSpike or MaxSpike`);
    }
    const reset = a.optional('reset_fn');
    const resetName = reset instanceof PickledObject ? catalogNameOf(reset.qualified) : null;
    if (resetName === 'sinabs.activation.MembraneReset') args.push('reset_fn=sa.MembraneReset()');
    else if (resetName !== 'sinabs.activation.MembraneSubtract' && reset !== undefined) fail(a.path, `reset_fn ${describe(reset)} is not MembraneSubtract() or MembraneReset()`);
    const tauSyn = a.optional('tau_syn');
    if (tauSyn !== null && tauSyn !== undefined) this.notes.push(`layer "${a.path}": tau_syn is set; the chip's neurons have no synaptic time constant`);
    if (cls === 'IAFSqueeze') {
      const batch = a.optional('batch_size');
      const steps = a.optional('num_timesteps');
      if (typeof batch === 'number' && batch > 0) args.push(`batch_size=${batch}`);
      else if (typeof steps === 'number' && steps > 0) args.push(`num_timesteps=${steps}`);
      else args.push('batch_size=1');
    }
    return `sl.${cls}(${args.join(', ')})`;
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function mapAttr(m: PickledObject, field: string, path: string): Map<unknown, unknown> | null {
  if (!(m.state instanceof Map)) fail(path, `${m.qualified} has no attribute dict; the pickle is damaged`);
  const v = m.state.get(field);
  return v instanceof Map ? v : null;
}

/** Reading one module's attributes, each failure naming the layer and the attribute. */
class Attrs {
  private readonly state: Map<unknown, unknown>;
  constructor(
    readonly m: PickledObject,
    readonly path: string,
    private readonly options: ModuleTextOptions,
  ) {
    if (!(m.state instanceof Map)) fail(path, `${m.qualified} has no attribute dict; the pickle is damaged`);
    this.state = m.state;
  }

  optional(name: string): unknown {
    return this.state.get(name);
  }

  private need(name: string): unknown {
    if (!this.state.has(name)) fail(this.path, `${this.m.qualified} has no attribute ${name}; it was saved by a torch or sinabs version the workbench does not know`);
    return this.state.get(name);
  }

  int(name: string): number {
    const v = this.need(name);
    if (!Number.isSafeInteger(v)) fail(this.path, `${name} is ${describe(v)}, expected an integer`);
    return v as number;
  }

  number(name: string): number {
    const v = this.need(name);
    if (typeof v !== 'number') fail(this.path, `${name} is ${describe(v)}, expected a number`);
    return v;
  }

  /** An int or a pair of ints, written as one int when both are equal (kernel_size=5). */
  pair(name: string): string {
    const v = this.need(name);
    if (Number.isSafeInteger(v)) return String(v);
    if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x))) return v[0] === v[1] ? String(v[0]) : `(${v[0]}, ${v[1]})`;
    return fail(this.path, `${name} is ${describe(v)}, expected an int or a pair of ints`);
  }

  padding(): string {
    const v = this.need('padding');
    return typeof v === 'string' ? py(v) : this.pair('padding');
  }

  hasParam(name: string): boolean {
    const params = this.state.get('_parameters');
    return params instanceof Map && params.get(name) instanceof TensorRef;
  }

  /** A parameter, buffer or plain attribute holding one number (null when None or absent). */
  scalarOrNumber(name: string): number | null {
    for (const field of ['_parameters', '_buffers']) {
      const m = this.state.get(field);
      const t = m instanceof Map ? m.get(name) : undefined;
      if (t instanceof TensorRef) return this.options.scalar(t, join(this.path, name));
    }
    const v = this.state.get(name);
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (v instanceof TensorRef) return this.options.scalar(v, join(this.path, name));
    return fail(this.path, `${name} is ${describe(v)}, expected a number`);
  }
}

function py(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return String(v);
}

/** Python's float repr for a value read as float32 or float64: the shortest text that reads back the same. */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : v < 0 ? 'float("-inf")' : 'float("nan")';
  let text = String(v);
  if (Math.fround(v) === v) {
    for (let p = 1; p <= 9; p++) {
      const t = Number(v.toPrecision(p));
      if (Math.fround(t) === v) {
        text = String(t);
        break;
      }
    }
  }
  return /[.e]/.test(text) ? text : `${text}.0`;
}
