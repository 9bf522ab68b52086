// A stand-in for `window.workbench` (the contract of preload/api.ts) for component tests
// and for running the renderer alone (`vite` dev server with ?fake): an in-memory project,
// two devices, the LeNet example with the compile numbers `dcnn compile` prints for it,
// a syntax check good enough to produce diagnostics, manual placement checked against the
// Speck2f core table, and runs/replays that stream synthetic spikes. It is not a
// simulator: spike patterns are made up; only their layout is the real one.

import { overflows } from '../../../main/common/memory-fit';
import { CHIP_FAMILIES } from '../../../main/chips/families';
import lenetModelText from '../../../examples/lenet/model.py?raw';
import type {
  ChipLayerView,
  CompileView,
  CompareView,
  CoreLimitsView,
  DeviceView,
  DevicesView,
  EventChannel,
  EventOf,
  ExampleModel,
  ModelLayerView,
  ModelSpec,
  PlacementProblemView,
  ProjectView,
  RecentProjectView,
  RecordingInfoView,
  RequestChannel,
  RequestOf,
  ReplyOf,
  RunStartedView,
  RunView,
  SettingsView,
  SpanView,
  WorkbenchApi,
} from '../../../preload/api';
import { packBatch, SpikeBatchBuilder } from '../../../main/common/spike-batch';
import { FakeEvaluations } from './fake-evaluations';

/** The seed example's model text, as the real example ships it. */
export const LENET_SOURCE: string = lenetModelText;

const Ki = 1024;
/** The Speck2f core table, from the chip data itself. */
export const SPECK2F_CORES: CoreLimitsView[] = CHIP_FAMILIES.speck2f.cores.map((c) => ({ ...c }));

/** Auto placement of LeNet on Speck2f, as `dcnn compile` reports it. */
export const LENET_AUTO_ORDERING = [0, 3, 5, 6, 1];

function hist(min: number, max: number, counts: number[]) {
  return { min, max, counts };
}

function chipLayer(
  index: number,
  sourceLayers: number[],
  lines: [number, number],
  conv: ChipLayerView['conv'],
  inputShape: [number, number, number],
  neuronShape: [number, number, number],
  pooling: number,
  outputShape: [number, number, number],
  scale: number,
  thr: number,
  zeroed: number,
  weights: number,
  memory: ChipLayerView['memory'],
  candidates: number[],
): ChipLayerView {
  return {
    index,
    sourceLayers,
    lines,
    conv,
    inputShape,
    neuronShape,
    pooling,
    outputShape,
    destinations: index === 4 ? [-1] : [index + 1],
    rescaleWeights: pooling > 1 ? 1 / (pooling * pooling) : 1,
    scale,
    threshold: { float: thr / scale, int: thr },
    minVMem: { float: -thr / scale, int: -thr },
    reset: 'subtract',
    weightCount: weights,
    zeroedWeights: zeroed,
    hasBias: false,
    floatHistogram: hist(-0.5, 0.5, [1, 3, 8, 20, 45, 80, 45, 20, 8, 3, 1]),
    intHistogram: hist(-128, 127, [0, 2, 6, 18, 44, 90, 44, 18, 6, 2, 0]),
    memory,
    candidates,
  };
}

const conv = (i: number, o: number, k: number, fromLinear = false): ChipLayerView['conv'] => ({
  inChannels: i,
  outChannels: o,
  kernelSize: [k, k],
  stride: [1, 1],
  padding: [0, 0],
  fromLinear,
});

export const LENET_CHIP_LAYERS: ChipLayerView[] = [
  chipLayer(0, [0, 1, 2], [4, 6], conv(1, 20, 5), [1, 28, 28], [20, 24, 24], 2, [20, 12, 12], 208.573, 209, 1, 500, { kernel: 1024, neuron: 20 * Ki, bias: 0 }, [0, 1, 2]),
  chipLayer(1, [3, 4, 5], [7, 9], conv(20, 32, 5), [20, 12, 12], [32, 8, 8], 2, [32, 4, 4], 3525.33, 3525, 66, 16000, { kernel: 20 * Ki, neuron: 2 * Ki, bias: 0 }, [3, 4, 5, 6]),
  chipLayer(2, [6, 7, 8], [10, 12], conv(32, 128, 3), [32, 4, 4], [128, 2, 2], 2, [128, 1, 1], 2719.49, 2719, 158, 36864, { kernel: 64 * Ki, neuron: 512, bias: 0 }, [5, 6]),
  chipLayer(3, [9, 10, 11], [13, 15], conv(128, 500, 1, true), [128, 1, 1], [500, 1, 1], 1, [500, 1, 1], 1846.6, 1847, 213, 64000, { kernel: 64 * Ki, neuron: 500, bias: 0 }, [5, 6]),
  chipLayer(4, [12], [16, 16], conv(500, 10, 1, true), [500, 1, 1], [10, 1, 1], 1, [10, 1, 1], 881.332, 881, 28, 5000, { kernel: 8000, neuron: 10, bias: 0 }, [0, 1, 2, 3, 4, 5, 6, 7, 8]),
];

const LENET_SHAPES: Array<[number, number, number]> = [
  [20, 24, 24], [20, 24, 24], [20, 12, 12], [32, 8, 8], [32, 8, 8], [32, 4, 4], [128, 2, 2], [128, 2, 2], [128, 1, 1], [128, 1, 1], [500, 1, 1], [500, 1, 1], [10, 1, 1],
];
const LENET_CHIP_OF = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4];

/** Span of the first `text` at or after line `fromLine` (1-based, columns 1-based, end exclusive). */
export function spanOfText(source: string, text: string, fromLine = 1): SpanView | null {
  const lines = source.split('\n');
  for (let i = fromLine - 1; i < lines.length; i++) {
    const c = lines[i]!.indexOf(text);
    if (c >= 0) return { line: i + 1, column: c + 1, endLine: i + 1, endColumn: c + 1 + text.length };
  }
  return null;
}

/** Model layers found in the text (one per `nn.X(` call inside the Sequential). */
function modelLayersOf(source: string): ModelLayerView[] {
  const out: ModelLayerView[] = [];
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const m = /^\s*((?:nn|sl)\.(\w+))\(.*\)\s*,?\s*$/.exec(line);
    if (!m || m[2] === 'Sequential') return;
    const col = line.indexOf(m[1]!) + 1;
    const index = out.length;
    out.push({
      index,
      kind: m[2]!.toLowerCase(),
      written: m[1]!,
      path: String(index),
      span: { line: i + 1, column: col, endLine: i + 1, endColumn: line.trimEnd().length + 1 },
      outputShape: LENET_SHAPES[index] ?? null,
      chipLayer: LENET_CHIP_OF[index] ?? null,
    });
  });
  return out;
}

/** First unbalanced bracket, as a span; null when brackets balance. */
function bracketProblem(source: string): { span: SpanView; message: string } | null {
  const stack: Array<{ ch: string; line: number; col: number }> = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[' };
  const lines = source.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    for (let ci = 0; ci < line.length; ci++) {
      const ch = line[ci]!;
      if (ch === '#') break;
      if (ch === '(' || ch === '[') stack.push({ ch, line: li + 1, col: ci + 1 });
      else if (ch === ')' || ch === ']') {
        const top = stack.pop();
        if (!top || top.ch !== pairs[ch]) {
          return { span: { line: li + 1, column: ci + 1, endLine: li + 1, endColumn: ci + 2 }, message: `unmatched '${ch}'` };
        }
      }
    }
  }
  const open = stack.pop();
  if (open) return { span: { line: open.line, column: open.col, endLine: open.line, endColumn: open.col + 1 }, message: `'${open.ch}' was never closed` };
  return null;
}


/** The fake compile: LeNet's numbers for any text that passes the bracket check. */
export function fakeCompile(spec: ModelSpec): CompileView {
  const base: CompileView = {
    ok: false,
    error: null,
    diagnostics: [],
    chip: spec.chip,
    family: { id: 'speck2f', name: 'Speck2f', cores: SPECK2F_CORES, notes: [] },
    modelLayers: [],
    chipLayers: [],
    dvs: null,
    placement: null,
    placementProblems: [],
    monitoredCores: [],
    weightsSource: spec.weightsId ? 'file' : 'random',
    timings: { totalMs: 1.5 },
  };
  const syntax = bracketProblem(spec.source);
  if (syntax) {
    const d = { severity: 'error' as const, code: 'SYNTAX', message: `invalid syntax: ${syntax.message}`, span: syntax.span, hint: 'Check the brackets around this position.' };
    return { ...base, diagnostics: [d], error: { stage: 'parse', class: 'SyntaxError', code: 'SYNTAX', message: d.message, span: syntax.span } };
  }
  const maxPool = spanOfText(spec.source, 'nn.MaxPool2d');
  if (maxPool) {
    const d = { severity: 'error' as const, code: 'UNSUPPORTED_LAYER', message: 'MaxPool2d is not supported on DYNAP-CNN', span: maxPool, hint: 'Use nn.AvgPool2d (converted to sum pooling).' };
    return { ...base, modelLayers: modelLayersOf(spec.source), diagnostics: [d], error: { stage: 'conversion', class: 'UnsupportedLayer', code: d.code, message: d.message, span: maxPool } };
  }
  const modelLayers = modelLayersOf(spec.source);
  const last = modelLayers[modelLayers.length - 1];
  const diagnostics = last
    ? [{ severity: 'info' as const, code: 'SPIKING_OUTPUT_ADDED', message: 'The model does not end in a ReLU: a spiking output layer was appended (add_spiking_output).', span: last.span }]
    : [];
  const view: CompileView = { ...base, modelLayers, chipLayers: LENET_CHIP_LAYERS, diagnostics, monitoredCores: [1] };
  if (spec.ordering === 'auto') return { ...view, ok: true, placement: { ordering: LENET_AUTO_ORDERING, auto: true } };
  const problems: PlacementProblemView[] = [];
  if (spec.ordering.length !== LENET_CHIP_LAYERS.length) problems.push({ kind: 'length', expected: LENET_CHIP_LAYERS.length, got: spec.ordering.length });
  spec.ordering.forEach((core, layer) => {
    const l = LENET_CHIP_LAYERS[layer];
    const c = SPECK2F_CORES[core];
    if (!l || !c) return;
    const o = overflows(l.memory, c);
    if (o.length > 0) problems.push({ kind: 'does-not-fit', layer, core, overflows: o });
  });
  if (problems.length > 0) {
    return { ...view, placementProblems: problems, error: { stage: 'mapping', class: 'ValueError', code: 'ORDERING_INVALID', message: 'The chosen ordering is not valid on Speck2f.' } };
  }
  return { ...view, ok: true, placement: { ordering: [...spec.ordering], auto: false } };
}

export const LENET_EXAMPLE: ExampleModel = {
  id: 'lenet',
  name: 'LeNet (28 x 28 digits)',
  description: 'Five chip layers: three convolutions with pooling, two linear layers.',
  spec: {
    source: LENET_SOURCE,
    weightsId: 'example:lenet',
    inputShape: [1, 28, 28],
    chip: 'speck2fdevkit',
    ordering: 'auto',
    monitorLayers: [-1],
    configPatch: '',
  },
  inputName: 'digit-7.npy',
};

type Listener = (payload: never) => void;

export interface FakeOptions {
  /** Start with an open project (else `project.current` is null). */
  project?: boolean;
  /** Stream synthetic spikes on run.start / replay.start (dev mode); tests drive events by hand. */
  autoStream?: boolean;
  /** Delay of every reply, ms. */
  latencyMs?: number;
}

export class FakeWorkbench {
  readonly calls: Array<{ channel: RequestChannel; req: unknown }> = [];
  private listeners = new Map<EventChannel, Set<Listener>>();
  project: ProjectView | null;
  devices: DeviceView[] = [
    { id: 'sim-speck2fdevkit:0', type: 'speck2fdevkit', name: 'Speck2f DevKit (virtual)', virtual: true, deployable: true, status: 'available', family: 'speck2f' },
    {
      id: 'dynapse2:0',
      type: 'dynapse2',
      name: 'DYNAP-SE2 DevBoard',
      virtual: false,
      deployable: false,
      reason: 'Different chip (DYNAP-SE2, mixed-signal): no DYNAP-CNN cores to configure.',
      status: 'unsupported',
      family: null,
    },
  ];
  usb: DevicesView['usb'] = { status: 'ok', message: 'USB access ok: 1 board found.' };
  runs: RunView[] = [];
  recent: RecentProjectView[] = [];
  settings: SettingsView = { theme: 'system', defaultChip: 'speck2fdevkit', compileDebounceMs: 300 };
  /** Replace to control compile replies in a test. */
  compile: (spec: ModelSpec) => Promise<CompileView> = async (spec) => fakeCompile(spec);
  private nextRun = 1;
  private nextReplay = 1;
  private timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: FakeOptions = {}) {
    this.project = options.project ? this.newProject('demo', LENET_EXAMPLE.spec) : null;
  }

  /** The object to install as `window.workbench`. */
  api(): WorkbenchApi {
    const api = {} as Record<string, unknown>;
    const handlers = this.handlers();
    for (const [channel, fn] of Object.entries(handlers)) {
      api[channel] = async (req: unknown) => {
        this.calls.push({ channel: channel as RequestChannel, req });
        if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
        return (fn as (r: unknown) => unknown)(req);
      };
    }
    api.on = (channel: EventChannel, listener: Listener) => {
      const set = this.listeners.get(channel) ?? new Set();
      set.add(listener);
      this.listeners.set(channel, set);
      return () => set.delete(listener);
    };
    return api as unknown as WorkbenchApi;
  }

  emit<C extends EventChannel>(channel: C, payload: EventOf<C>): void {
    for (const l of this.listeners.get(channel) ?? []) (l as (p: EventOf<C>) => void)(payload);
  }

  listenerCount(channel: EventChannel): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  callsOf<C extends RequestChannel>(channel: C): Array<RequestOf<C>> {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.req as RequestOf<C>);
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  devicesView(): DevicesView {
    return { devices: this.devices.map((d) => ({ ...d })), usb: { ...this.usb } };
  }

  private newProject(name: string, spec: ModelSpec): ProjectView {
    return {
      path: `/projects/${name}.dcnnproj`,
      name,
      createdAt: '2025-01-01T00:00:00Z',
      modelVersions: [{ id: 1, name: 'v1', createdAt: '2025-01-01T00:00:00Z', chip: spec.chip, inputShape: spec.inputShape, ordering: spec.ordering }],
      current: spec,
    };
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Made-up output of a LeNet run: the exit core fires mostly on class 7. */
  static lenetSpikes(fromUs: number, toUs: number, seed = 1): Uint8Array {
    const b = new SpikeBatchBuilder(256);
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = fromUs; t < toUs; t += 200) {
      b.push(t, 0, Math.floor(rnd() * 20), Math.floor(rnd() * 24), Math.floor(rnd() * 24));
      if (rnd() < 0.5) b.push(t + 50, 3, Math.floor(rnd() * 32), Math.floor(rnd() * 8), Math.floor(rnd() * 8));
      if (rnd() < 0.3) b.push(t + 100, 1, rnd() < 0.7 ? 7 : Math.floor(rnd() * 10), 0, 0);
    }
    return packBatch(b.take());
  }

  private handlers(): { [C in RequestChannel]: (req: RequestOf<C>) => ReplyOf<C> | Promise<ReplyOf<C>> } {
    return {
      'app.info': () => ({ version: '0.1.0', mode: 'web', platform: 'linux', dataDir: '/tmp/fake', simulator: { engine: 'wasm', note: 'native engine not in use: not built; using the WebAssembly SIMD engine' } }),
      'examples.list': () => [LENET_EXAMPLE],
      'model.exportNir': () => ({ bytes: new Uint8Array([0x89, 0x48, 0x44, 0x46]), notes: [], chipLayers: 5 }),
      'run.export': (req) => ({ exportId: `x${req.runId}`, name: `run-${req.runId}-${req.stream}.${req.format}`, bytes: 4, events: 1 }),
      'export.read': () => ({ bytes: new Uint8Array([1, 2, 3, 4]), done: true }),
      'events.preview': (req) => ({ camera: false, format: /\.csv$/i.test(req.name) ? 'csv' : 'npy', events: 0, spanUs: 0, sensor: null, extent: { width: 0, height: 0 }, suggested: {}, mapping: {}, raw: null, mapped: null, mappedShape: null, problem: null, kept: 0, notes: [], dvsLayer: null }),
      'model.openFile': (req) => ({ kind: 'model', name: req.name, format: 'model text', source: new TextDecoder().decode(req.bytes), weights: null, inputShape: null, notes: [] }),
      'weights.load': (req) => ({ id: `w:${req.name}`, name: req.name, bytes: req.bytes.byteLength, tensors: [{ name: '0.weight', dtype: 'F32', shape: [20, 1, 5, 5] }] }),
      'compile.run': (req) => this.compile(req.spec),
      'devices.list': () => this.devicesView(),
      'devices.refresh': () => this.devicesView(),
      'devices.types': () => [
        { key: 'speck2fdevkit', name: 'Speck2fDevKit', kind: 'neuromorphic-processor', family: 'speck2f', deployable: true, usb: '' },
        { key: 'dynapcnndevkit', name: 'DynapcnnDevKit', kind: 'neuromorphic-processor', family: 'dynapcnn', deployable: true, usb: '' },
        { key: 'davis346', name: 'Davis 346', kind: 'event-camera', family: null, deployable: false, reason: 'Event camera.', usb: '' },
      ],
      'devices.addVirtual': (req) => {
        const n = this.devices.filter((d) => d.virtual && d.type === req.type).length;
        const id = `sim-${req.type}:${n}`;
        this.devices.push({ id, type: req.type, name: `${req.type} (virtual)`, virtual: true, deployable: true, status: 'available', family: 'speck2f' });
        this.later(5, () => this.emit('devices.changed', { change: 'attach', id, devices: this.devicesView() }));
        return { id };
      },
      'devices.removeVirtual': (req) => {
        this.devices = this.devices.filter((d) => d.id !== req.id);
        this.later(5, () => this.emit('devices.changed', { change: 'detach', id: req.id, devices: this.devicesView() }));
        return {};
      },
      'project.current': () => this.project,
      'project.new': (req) => {
        // As the project service: an example's model becomes version 1; without one there is no version yet.
        const example = req.exampleId === LENET_EXAMPLE.id ? LENET_EXAMPLE : null;
        const made = this.newProject(req.name, LENET_EXAMPLE.spec);
        this.project = example ? made : { ...made, modelVersions: [], current: null };
        return this.project;
      },
      'project.open': (req) => {
        if (!this.project || !req.path.endsWith('.dcnnproj')) throw Object.assign(new Error('no such project'), { payload: { code: 'NOT_FOUND', message: 'No project at that path.' } });
        this.project = { ...this.project, path: req.path, name: req.path.replace(/^.*\//, '').replace(/\.dcnnproj$/, '') };
        return this.project;
      },
      'project.saveModel': (req) => {
        const p = this.project!;
        const v = { id: p.modelVersions.length + 1, name: req.name ?? `v${p.modelVersions.length + 1}`, createdAt: new Date(0).toISOString(), chip: req.spec.chip, inputShape: req.spec.inputShape, ordering: req.spec.ordering };
        this.project = { ...p, modelVersions: [...p.modelVersions, v], current: req.spec };
        return v;
      },
      'project.recent': () => this.recent,
      'runs.list': () => this.runs,
      'run.start': (req) => this.startRun(req.deviceId, null),
      'run.stop': (req) => {
        this.finishRun(req.runId, 'stopped');
        return {};
      },
      'run.rerun': (req) => this.startRun(req.deviceId ?? this.runs.find((r) => r.id === req.runId)?.device ?? 'sim-speck2fdevkit:0', req.runId),
      'runs.compare': (req): CompareView => ({
        a: req.a,
        b: req.b,
        perLayer: [
          { layer: 0, a: 1200, b: 1200 },
          { layer: 4, a: 40, b: 38 },
        ],
        perChannel: [
          { layer: 4, channel: 7, a: 30, b: 29 },
          { layer: 4, channel: 2, a: 3, b: 2 },
        ],
        firstDivergence: { index: 812, a: { t: 40200, layer: 1, channel: 7, x: 0, y: 0 }, b: { t: 40300, layer: 1, channel: 7, x: 0, y: 0 } },
        basis: 'both-monitored',
        layers: [
          { chipLayer: 0, coreA: 0, coreB: 0 },
          { chipLayer: 4, coreA: 4, coreB: 4 },
        ],
        notCompared: [],
        timeline: { fromUs: 0, binUs: 50_000, perLayer: [{ layer: 0, a: [700, 500], b: [700, 500] }, { layer: 4, a: [20, 20], b: [20, 18] }] },
      }),
      'recording.info': (req): RecordingInfoView => ({ runId: req.runId, stream: req.stream, count: 600, firstUs: 0, lastUs: 100_000 }),
      'replay.start': (req) => {
        const replayId = `replay-${this.nextReplay++}`;
        const info: RecordingInfoView = { runId: req.runId, stream: req.stream, count: 600, firstUs: 0, lastUs: 100_000 };
        if (this.options.autoStream) this.streamReplay(replayId, req.fromUs ?? 0);
        return { replayId, info };
      },
      'replay.control': () => ({}),
      'settings.get': () => this.settings,
      'settings.set': (req) => (this.settings = { ...this.settings, ...req }),
      ...new FakeEvaluations(
        (channel, payload) => this.emit(channel, payload),
        (ms, fn) => this.later(ms, fn),
        (deviceId) => this.startRun(deviceId, null),
      ).handlers(),
    };
  }

  private startRun(deviceId: string, parent: number | null): RunStartedView {
    const id = this.nextRun++;
    const run: RunView = {
      id,
      status: 'running',
      reason: null,
      message: null,
      device: deviceId,
      deviceType: 'speck2fdevkit',
      modelVersion: this.project?.modelVersions.length ?? 1,
      parentRun: parent,
      started: new Date(Date.UTC(2025, 0, 1, 12, 0, id)).toISOString(),
      ended: null,
      eventsIn: 0,
      eventsOut: 0,
      monitorLayers: '-1',
      monitored: [],
      exitCore: null,
      input: parent !== null ? `input of run ${parent}` : 'digit-7.npy (input of the example "lenet")',
    };
    this.runs = [run, ...this.runs];
    this.emit('runs.changed', { runs: this.runs });
    const started: RunStartedView = {
      runId: id,
      deviceId,
      modelVersion: run.modelVersion,
      monitored: [
        { core: 0, layer: 0, neuronShape: [20, 24, 24] },
        { core: 1, layer: 4, neuronShape: [10, 1, 1] },
      ],
      exitCore: 1,
      eventsInTotal: 784,
      inputDurationUs: 100_000,
      // Two windows of a 4x4 input: pixel (x 1, y 2) once in the first, twice in the second.
      inputPreview: { frames: 2, width: 4, height: 4, fromUs: 0, windowUs: 50_000, counts: new Uint8Array(new Uint16Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]).buffer), maxCount: 2 },
    };
    if (this.options.autoStream) {
      for (let k = 0; k < 10; k++) {
        this.later(60 * (k + 1), () => {
          if (this.runs.find((r) => r.id === id)?.status !== 'running') return;
          this.emit('run.spikes', { runId: id, spikes: FakeWorkbench.lenetSpikes(k * 10_000, (k + 1) * 10_000, id * 100 + k) });
          this.emit('run.progress', { runId: id, eventsIn: 78 * (k + 1), eventsOut: 60 * (k + 1), totalIn: 784, timeUs: (k + 1) * 10_000 });
        });
      }
      this.later(700, () => this.finishRun(id, 'completed'));
    }
    return started;
  }

  finishRun(id: number, status: 'completed' | 'stopped' | 'interrupted'): void {
    const r = this.runs.find((x) => x.id === id);
    if (!r || r.status !== 'running') return;
    Object.assign(r, { status, ended: new Date(Date.UTC(2025, 0, 1, 12, 0, id + 1)).toISOString(), eventsIn: 784, eventsOut: 600, reason: status === 'interrupted' ? 'stopped' : null });
    this.runs = [...this.runs];
    this.emit('run.ended', {
      runId: id,
      status,
      reason: r.reason,
      message: null,
      eventsIn: 784,
      eventsOut: 600,
      perLayer: [
        { core: 0, layer: 0, events: 500 },
        { core: 1, layer: 4, events: 100 },
      ],
      exitCounts: [2, 1, 3, 0, 1, 2, 0, 88, 2, 1],
      predicted: 7,
      wallMs: 650,
    });
    this.emit('runs.changed', { runs: this.runs });
  }

  private streamReplay(replayId: string, fromUs: number): void {
    const steps = Math.max(1, Math.ceil((100_000 - fromUs) / 10_000));
    for (let k = 0; k < steps; k++) {
      this.later(50 * (k + 1), () => {
        const a = fromUs + k * 10_000;
        this.emit('replay.spikes', { replayId, spikes: FakeWorkbench.lenetSpikes(a, Math.min(100_000, a + 10_000), k + 7), timeUs: Math.min(100_000, a + 10_000) });
      });
    }
    this.later(50 * (steps + 1), () => this.emit('replay.state', { replayId, state: 'ended', timeUs: 100_000, speed: 1 }));
  }
}
