// THE contract between the workbench UI and everything behind it. Every request/reply
// channel and every event stream is declared here, with its payload types; no channel
// exists outside this file. The Electron preload exposes exactly these channels (one
// function each), the web host serves the very same contract over a WebSocket, and
// main/ipc validates every incoming payload against schemas checked against these types.
// Types only (plus channel-name lists): no runtime dependencies, so the sandboxed preload
// and the browser client can both include it.

// ---------------------------------------------------------------- shared views

export type Shape3 = [number, number, number];

export interface SpanView {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface DiagnosticView {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  span?: SpanView;
  hint?: string;
}

export interface ErrorView {
  /** Compile stage (parse, weights, conversion, limits, mapping) or a service area. */
  stage: string;
  class: string;
  code: string;
  message: string;
  layer?: number;
  span?: SpanView;
  hint?: string;
}

export interface ConversionSettings {
  spikeThreshold: number;
  minVMem: number | null;
  reset: 'subtract' | 'zero';
  batchNormEps: boolean;
}

/** Everything that defines one compile: what the editor, inspector and placement views edit. */
export interface ModelSpec {
  source: string;
  /** Id returned by `weights.load` or an example; null = seeded random weights. */
  weightsId: string | null;
  initSeed?: number;
  inputShape: Shape3;
  /** Device type key, e.g. "speck2fdevkit". */
  chip: string;
  ordering: 'auto' | number[];
  /** Chip-layer indices, -1 = last, "dvs"; or "all". */
  monitorLayers: 'all' | Array<number | 'dvs'>;
  /** JSON text of the config patch ("" = none). */
  configPatch: string;
  conversion?: Partial<ConversionSettings>;
  kind?: 'auto' | 'ann' | 'snn';
  dvsInput?: boolean;
  /** The built-in example this spec started from (its input events go with it). */
  exampleId?: string;
}

export interface CoreLimitsView {
  core: number;
  kernel: number;
  neuron: number;
  bias: number;
}

export interface FamilyView {
  id: string;
  name: string;
  cores: CoreLimitsView[];
  notes: string[];
}

export interface ModelLayerView {
  index: number;
  kind: string;
  written: string;
  path: string;
  span: SpanView;
  /** [C, H, W] after this layer, when conversion got that far. */
  outputShape: Shape3 | null;
  /** Chip layer this model layer became part of (null: dropped or not converted). */
  chipLayer: number | null;
}

export interface HistogramView {
  min: number;
  max: number;
  counts: number[];
}

export interface MemoryView {
  kernel: number;
  neuron: number;
  bias: number;
}

export interface ChipLayerView {
  index: number;
  sourceLayers: number[];
  /** First and last source line. */
  lines: [number, number];
  conv: { inChannels: number; outChannels: number; kernelSize: [number, number]; stride: [number, number]; padding: [number, number]; fromLinear: boolean };
  inputShape: Shape3;
  neuronShape: Shape3;
  pooling: number;
  outputShape: Shape3;
  destinations: number[];
  rescaleWeights: number;
  scale: number;
  threshold: { float: number; int: number };
  minVMem: { float: number | null; int: number };
  reset: 'subtract' | 'zero';
  weightCount: number;
  zeroedWeights: number;
  hasBias: boolean;
  floatHistogram: HistogramView;
  /** Over the integer range -128..127. */
  intHistogram: HistogramView;
  memory: MemoryView;
  candidates: number[];
}

export type PlacementProblemView =
  | { kind: 'no-core'; layer: number; memory: MemoryView; largest: MemoryView }
  | { kind: 'too-few-cores'; layers: number[]; cores: number[] }
  | { kind: 'length'; expected: number; got: number }
  | { kind: 'core-range'; position: number; core: number; coreCount: number }
  | { kind: 'duplicate-core'; core: number; layers: number[] }
  | { kind: 'does-not-fit'; layer: number; core: number; overflows: Array<{ memory: 'kernel' | 'neuron' | 'bias'; need: number; have: number }> };

export interface CompileView {
  ok: boolean;
  error: ErrorView | null;
  diagnostics: DiagnosticView[];
  chip: string;
  family: FamilyView | null;
  modelLayers: ModelLayerView[];
  chipLayers: ChipLayerView[];
  dvs: { pooling: [number, number]; inputShape: Shape3; outputShape: Shape3 } | null;
  placement: { ordering: number[]; auto: boolean } | null;
  placementProblems: PlacementProblemView[];
  monitoredCores: number[];
  weightsSource: 'file' | 'random' | 'none';
  timings: { totalMs: number };
}

export interface WeightsInfo {
  id: string;
  name: string;
  bytes: number;
  tensors: Array<{ name: string; dtype: string; shape: number[] }>;
  /** A trainer checkpoint (torch.save of a dict): the entry whose tensors were taken, and every entry holding tensors. */
  checkpoint?: { key: string; keys: Array<{ key: string; tensors: number }> };
  /** What the reader did that the user should know (a stripped "module." prefix, the entry used). */
  notes?: string[];
}

/** What an opened model file held (model-file-open.ts). */
export type ModelFileView =
  | {
      kind: 'model';
      name: string;
      /** "model text", "PyTorch module (torch.save)", "ONNX opset 13", "NIR", ... */
      format: string;
      /** The model text: the file itself, or written from what the importer understood. */
      source: string;
      /** The file's tensors, loaded as weights (null: model text without weights). */
      weights: WeightsInfo | null;
      inputShape: Shape3 | null;
      notes: string[];
    }
  | { kind: 'weights'; name: string; weights: WeightsInfo; reason: string };

export interface ExampleModel {
  id: string;
  name: string;
  description: string;
  spec: ModelSpec;
  /** Example input events shipped with it, if any. */
  inputName: string | null;
}

export interface DeviceView {
  id: string;
  type: string;
  name: string;
  virtual: boolean;
  deployable: boolean;
  /** Why it cannot be deployed to, when it cannot. */
  reason?: string;
  status: 'available' | 'busy' | 'unsupported' | 'disconnected';
  busyBy?: { runId: string; since: string };
  family: string | null;
  /** Serial number of a real board, when samna listed it. */
  serial?: string;
}

export interface UsbStatusView {
  status: 'ok' | 'no-devices' | 'permission-denied' | 'unavailable' | 'error';
  message: string;
  fix?: string;
}

/** Whether real boards can be driven: the Python tried, samna's version, or what to install. */
export interface SamnaStatusView {
  status: 'ok' | 'samna-missing' | 'python-missing' | 'bridge-failed' | 'error' | 'not-checked';
  message: string;
  fix?: string;
}

export interface DevicesView {
  devices: DeviceView[];
  usb: UsbStatusView;
  /** Present when the workbench uses samna for real boards. */
  samna?: SamnaStatusView;
}

export interface DeviceTypeView {
  key: string;
  name: string;
  kind: string;
  family: string | null;
  deployable: boolean;
  reason?: string;
  usb: string;
}

export interface ProjectView {
  path: string;
  name: string;
  createdAt: string;
  modelVersions: ModelVersionView[];
  /** The model spec of the newest version (what the editor shows on open). */
  current: ModelSpec | null;
}

export interface ModelVersionView {
  id: number;
  name: string;
  createdAt: string;
  chip: string;
  inputShape: Shape3;
  ordering: 'auto' | number[];
}

export interface RecentProjectView {
  path: string;
  name: string;
  lastOpened: string;
  missing: boolean;
}

/** 'stopped': the user stopped it; 'interrupted': it ended for a reason outside the user's hands. */
export type RunStatus = 'running' | 'completed' | 'stopped' | 'interrupted' | 'failed';

export interface RunView {
  id: number;
  status: RunStatus;
  reason: string | null;
  message: string | null;
  device: string;
  deviceType: string;
  modelVersion: number;
  parentRun: number | null;
  started: string;
  ended: string | null;
  eventsIn: number;
  eventsOut: number;
  monitorLayers: string;
  /** What the run monitored (layer, core, neuron shape), for its replay; empty for imported files. */
  monitored: MonitoredLayerView[];
  /** Core whose channels are the classes; null when unknown (imported files). */
  exitCore: number | null;
  /** The input as the user gave it (file, example, generator settings, "input of run #N"); null when not recorded. */
  input: string | null;
  /** A camera recording's input mapping, in words ("crop 43,0 260x260, downsample to 34x34"); absent when none. */
  inputMapping?: string;
}

export type InputSource =
  | {
      kind: 'file';
      name: string;
      bytes: Uint8Array;
      /** Put rows out of time order in order instead of refusing the file. */ sort?: boolean;
      /** Drop (and count) events outside the model's input instead of refusing the file. */ dropOutOfRange?: boolean;
      /** Camera recordings only: how the sensor's events become the model's input; kept with the run. */
      mapping?: InputMappingView;
      /** Camera recordings whose file names no sensor size (ATIS .bin). */
      sensor?: { width: number; height: number };
    }
  | { kind: 'example'; exampleId: string }
  /** Sample `index` of class `className` (a name, or its output channel) of a dataset folder on the workbench's machine. */
  | { kind: 'dataset'; dir: string; className: string; index: number }
  | { kind: 'generator'; generator: 'poisson' | 'moving-bar'; durationMs: number; rateHz: number; seed: number; /** moving-bar only; default right. */ direction?: 'right' | 'left' | 'down' | 'up' };

/** A camera recording's input mapping (main/formats/events/input-mapping.ts), applied in this order. */
export interface InputMappingView {
  /** µs after the recording's first event: keep from <= t - t0 < to. */
  window?: { fromUs: number; toUs: number };
  crop?: { x: number; y: number; width: number; height: number };
  downsample?: { factor: number } | { width: number; height: number };
  /** 'two': channel = polarity; 'merge': one channel; 'on' / 'off': that polarity only. */
  polarity?: 'two' | 'merge' | 'on' | 'off';
  refractoryUs?: number;
  /** Map on the chip's DVS layer where the mapping fits it (main/formats/events/dvs-layer-fit.ts); else on the host, with the reasons. */
  dvsLayer?: boolean;
}

/** Whether the previewed mapping fits the chip's DVS pre-processing layer: the fields it would set, or every reason it cannot. */
export type DvsLayerFitView =
  | { fits: true; fields: { merge: boolean; on_channel: boolean; off_channel: boolean; pooling: { x: number; y: number }; origin: { x: number; y: number }; cut: { x: number; y: number } }; summary: string }
  | { fits: false; reasons: string[] };

/** Events per pixel of one image, `binning` x `binning` source pixels to one image pixel (bounded size). */
export interface CountImageView {
  width: number;
  height: number;
  binning: number;
  /** height x width little-endian uint16 counts, saturating. */
  counts: Uint8Array;
  maxCount: number;
  events: number;
}

export interface EventPreviewRequest {
  name: string;
  bytes: Uint8Array;
  /** The model's input [C, H, W] the mapped events feed. */
  inputShape: Shape3;
  /** Absent: the mapping that fits the sensor to the model (the reply's `suggested`) is previewed. */
  mapping?: InputMappingView;
  sensor?: { width: number; height: number };
}

/** An event file looked at before a run: what it is and, for a camera recording, the raw and mapped event-count images. */
export interface EventPreviewView {
  /** 'npy' | 'csv' files take no mapping; the rest of the view is then only `format` and `events`. */
  camera: boolean;
  format: string;
  events: number;
  spanUs: number;
  /** The sensor size the file gives; null when it gives none (then `extent` stands in). */
  sensor: { width: number; height: number } | null;
  /** The pixels the events cover (largest x, y + 1). */
  extent: { width: number; height: number };
  suggested: InputMappingView;
  /** The mapping previewed (the request's, or `suggested`). */
  mapping: InputMappingView;
  raw: CountImageView | null;
  mapped: CountImageView | null;
  mappedShape: Shape3 | null;
  /** What is wrong with the mapping, naming the field to fix; null when it is usable. */
  problem: { field: 'window' | 'crop' | 'downsample' | 'polarity' | 'refractory' | 'sensor'; message: string } | null;
  /** Events the model receives, and what was dropped where (mapping stages, outside the model's input). */
  kept: number;
  notes: string[];
  /** Whether the mapping (without its time window, which stays on the host) can run on the chip's DVS layer; null when the mapping has a problem or the file is not a camera recording. */
  dvsLayer: DvsLayerFitView | null;
}

export type RunExportFormat = 'npy' | 'csv' | 'aedat4' | 'h5';

export interface RunExportRequest {
  runId: number;
  stream: 'input' | 'output';
  format: RunExportFormat;
}

export interface RunExportView {
  exportId: string;
  /** The file name to save it as, e.g. "run-12-output.h5". */
  name: string;
  bytes: number;
  events: number;
}

/** The largest piece export.read hands out: a recording of any length downloads in bounded messages. */
export const EXPORT_PIECE_BYTES = 8 * 1024 * 1024;

export interface RunRequest {
  deviceId: string;
  model: ModelSpec;
  input: InputSource;
  slowClockHz?: number;
  order?: 'depth-first' | 'breadth-first';
}

export interface MonitoredLayerView {
  core: number;
  /** Chip-layer index; null for the DVS monitor. */
  layer: number | null;
  neuronShape: Shape3;
}

export interface RunStartedView {
  runId: number;
  deviceId: string;
  modelVersion: number;
  monitored: MonitoredLayerView[];
  exitCore: number;
  eventsInTotal: number;
  inputDurationUs: number;
  /** The input in a few time windows, events per pixel (null: streamed from a file, or too large to preview). */
  inputPreview: InputPreviewView | null;
}

export interface InputPreviewView {
  frames: number;
  width: number;
  height: number;
  fromUs: number;
  windowUs: number;
  /** frames x height x width little-endian uint16 counts. */
  counts: Uint8Array;
  maxCount: number;
}

export interface RunSummaryView {
  runId: number;
  status: RunStatus;
  reason: string | null;
  message: string | null;
  eventsIn: number;
  eventsOut: number;
  perLayer: Array<{ core: number; layer: number | null; events: number }>;
  exitCounts: number[];
  predicted: number | null;
  wallMs: number;
}

export interface RecordingInfoView {
  runId: number;
  stream: 'input' | 'output';
  count: number;
  firstUs: number | null;
  lastUs: number | null;
}

export interface ReplayRequest {
  runId: number;
  stream: 'input' | 'output';
  /** 1 = real time, N = N times faster, 'max' = as fast as possible. */
  speed: number | 'max';
  fromUs?: number;
}

export type ReplayAction = { action: 'pause' } | { action: 'resume' } | { action: 'stop' } | { action: 'seek'; timeUs: number } | { action: 'speed'; speed: number | 'max' };

export interface CompareView {
  a: number;
  b: number;
  /** Cores are run A's; B's events of the same chip layer are compared with them. */
  perLayer: Array<{ layer: number; a: number; b: number }>;
  perChannel: Array<{ layer: number; channel: number; a: number; b: number }>;
  firstDivergence: null | { index: number; a: SpikeEventView | null; b: SpikeEventView | null };
  /** What was compared: the chip layers both runs monitored ('both-monitored'), one run's ('a-monitored' / 'b-monitored'), or every event. */
  basis: 'both-monitored' | 'a-monitored' | 'b-monitored' | 'everything';
  /** The compared chip layers with the core each run had it on (empty for 'everything'). */
  layers: Array<{ chipLayer: number | null; coreA: number; coreB: number }>;
  /** What only one run recorded, left out of the comparison. */
  notCompared: Array<{ run: 'a' | 'b'; core: number; chipLayer: number | null; events: number; reason: 'only-this-run-monitored' | 'other-run-did-not-record' }>;
  /** Events per compared core in equal time bins, A against B. */
  timeline: null | { fromUs: number; binUs: number; perLayer: Array<{ layer: number; a: number[]; b: number[] }> };
}

export interface SpikeEventView {
  t: number;
  layer: number;
  channel: number;
  x: number;
  y: number;
}

export interface AppInfo {
  version: string;
  mode: 'electron' | 'web';
  platform: string;
  dataDir: string;
  /** The simulator engine virtual devkits and evaluations use, and why when it is not the native one. */
  simulator: { engine: 'native' | 'wasm' | 'js'; note: string | null };
}

export interface SettingsView {
  theme: 'system' | 'light' | 'dark';
  defaultChip: string;
  compileDebounceMs: number;
}

// ---------------------------------------------------------------- dataset evaluation

/** 'event': the chip's event-driven semantics; 'timestep': the reference's time-stepped run; 'both': side by side. */
export type EvalModeChoice = 'event' | 'timestep' | 'both';
/** 'count': the output channel with most exit spikes; 'first': the channel that spiked first. */
export type ReadoutChoice = 'count' | 'first';

/** A dataset folder on the workbench's machine, listed (nothing read from its samples). */
export interface DatasetView {
  path: string;
  layout: 'class-folders' | 'labels-csv';
  /** In output-channel order: class i is answered by channel i. */
  classes: Array<{ channel: number; name: string; samples: number }>;
  samples: number;
  /** The first sample that is a camera recording (relative to `path`): its input mapping is previewed on it. Null: the samples are .npy / CSV, sent as they are. */
  cameraSample: string | null;
}

export interface EvalStartRequest {
  spec: ModelSpec;
  dataset: string;
  mode: EvalModeChoice;
  readout: ReadoutChoice;
  /** Only the first windowUs µs of each sample are fed; null: all of it. */
  windowUs: number | null;
  /** Time step of the time-stepped mode (default 1000 µs). */
  dtUs?: number;
  /** Worker threads (default: one per core). */
  workers?: number;
  /** Start a new evaluation even when one of the same model, dataset and settings was stopped. */
  fresh?: boolean;
  /**
   * Evaluate on this device (a board, `speck2fdevkit:0`) instead of the simulator: one sample
   * at a time, in event mode (the board decides the semantics), as `dcnn eval --device`.
   */
  deviceId?: string;
  /** Camera recordings: mapped onto the model's input on the host (as `dcnn eval --window/--crop/...`). */
  mapping?: InputMappingView;
  /** The sensor size, for recordings whose files do not give it. */
  sensor?: { width: number; height: number };
}

export interface EvalStartedView {
  evaluationId: number;
  total: number;
  /** Samples done before (a stopped evaluation going on): not run again. */
  resumedSamples: number;
  workers: number;
}

export type EvaluationStatusView = 'running' | 'completed' | 'stopped';

export interface EvaluationListItemView {
  id: number;
  status: EvaluationStatusView;
  /** Running in this session now (a 'running' one that is not was cut short: it can go on). */
  active: boolean;
  createdAt: string;
  finishedAt: string | null;
  modelVersion: number;
  dataset: string;
  mode: EvalModeChoice;
  readout: ReadoutChoice;
  windowUs: number | null;
  dtUs: number;
  /** The device the samples ran on (a board); null: the simulator. */
  device: string | null;
  /** The camera recordings' input mapping in words; null: none. */
  mapping: string | null;
  sampleCount: number;
  done: number;
  failed: number;
  /** Per mode evaluated (chip semantics first); null before any sample was scored. */
  accuracy: Array<{ mode: 'event' | 'timestep'; accuracy: number | null }>;
  /** Why it cannot go on here, when it is unfinished and cannot (null: it can, or it is complete). */
  notResumable: string | null;
}

export interface EvalModeScoreView {
  mode: 'event' | 'timestep';
  samples: number;
  correct: number;
  accuracy: number | null;
  /** Samples without any exit spike. */
  silent: number;
  perClass: Array<{ label: string; samples: number; correct: number; accuracy: number | null }>;
  /** confusion[true][predicted]; the last column: no exit spike, or a channel that is no class. */
  confusion: number[][];
}

export interface EvalSampleResultView {
  mode: 'event' | 'timestep';
  predicted: number | null;
  predictedLabel: string | null;
  exitCounts: number[];
  firstSpikeUs: number | null;
  synapticOps: number;
}

export type DisagreementCauseKind = 'dropped_events' | 'saturation' | 'ordering' | 'unattributed';

export interface EvalSampleView {
  file: string;
  label: string;
  labelIndex: number;
  eventsIn: number;
  error: string | null;
  /** One per mode evaluated, chip semantics first. */
  results: EvalSampleResultView[];
  /** Both modes: the prediction changes between them. */
  disagree: boolean;
  /** Why, as measured (kinds and one line each); null when the modes agree or only one ran. */
  causes: Array<{ kind: DisagreementCauseKind; text: string }> | null;
}

export interface EvaluationView extends EvaluationListItemView {
  classes: string[];
  modes: EvalModeScoreView[];
  agreement: null | { samples: number; disagreeing: number; byCause: Record<DisagreementCauseKind, number>; eventOnlyCorrect: number; timestepOnlyCorrect: number };
  samples: EvalSampleView[];
}

// ---------------------------------------------------------------- request/reply channels

export interface Requests {
  'app.info': { req: Record<string, never>; res: AppInfo };
  'examples.list': { req: Record<string, never>; res: ExampleModel[] };
  'weights.load': { req: { name: string; bytes: Uint8Array }; res: WeightsInfo };
  /** A file opened or dropped on the Model view: a model (its text written, its tensors bound) or weights only. */
  'model.openFile': { req: { name: string; bytes: Uint8Array }; res: ModelFileView };
  /** The converted SNN of this model as a NIR file (HDF5), as `dcnn export --nir` writes it. */
  'model.exportNir': { req: { spec: ModelSpec }; res: { bytes: Uint8Array; notes: string[]; chipLayers: number } };
  'compile.run': { req: { spec: ModelSpec }; res: CompileView };
  'devices.list': { req: Record<string, never>; res: DevicesView };
  'devices.types': { req: Record<string, never>; res: DeviceTypeView[] };
  'devices.addVirtual': { req: { type: string }; res: { id: string } };
  'devices.removeVirtual': { req: { id: string }; res: Record<string, never> };
  /** Lists USB and samna's boards again (for PCs whose system sends no hot-plug events). */
  'devices.refresh': { req: Record<string, never>; res: DevicesView };
  'project.current': { req: Record<string, never>; res: ProjectView | null };
  'project.new': { req: { name: string; path?: string; exampleId?: string }; res: ProjectView };
  'project.open': { req: { path: string }; res: ProjectView };
  'project.saveModel': { req: { spec: ModelSpec; name?: string }; res: ModelVersionView };
  'project.recent': { req: Record<string, never>; res: RecentProjectView[] };
  'runs.list': { req: Record<string, never>; res: RunView[] };
  /** An event file before it is run: its format and, for a camera recording, the raw and mapped previews. */
  'events.preview': { req: EventPreviewRequest; res: EventPreviewView };
  'run.start': { req: RunRequest; res: RunStartedView };
  /** A recorded stream written as a file on the host (.npy, CSV, AEDAT4, HDF5); its bytes are then read in pieces with export.read. */
  'run.export': { req: RunExportRequest; res: RunExportView };
  /** Up to EXPORT_PIECE_BYTES of an export from `offset`; the export is removed once its last piece is read. */
  'export.read': { req: { exportId: string; offset: number }; res: { bytes: Uint8Array; done: boolean } };
  'run.stop': { req: { runId: number }; res: Record<string, never> };
  /**
   * Feeds a recorded run's input through a device / model version. A device of another
   * type than the model's fails with NEEDS_RECOMPILE unless `recompile` says to compile a
   * new model version for that type (the UI asks the user first).
   */
  'run.rerun': { req: { runId: number; deviceId?: string; modelVersion?: number; recompile?: boolean }; res: RunStartedView };
  'runs.compare': { req: { a: number; b: number }; res: CompareView };
  'recording.info': { req: { runId: number; stream: 'input' | 'output' }; res: RecordingInfoView };
  'replay.start': { req: ReplayRequest; res: { replayId: string; info: RecordingInfoView } };
  'replay.control': { req: { replayId: string } & ReplayAction; res: Record<string, never> };
  'settings.get': { req: Record<string, never>; res: SettingsView };
  'settings.set': { req: Partial<SettingsView>; res: SettingsView };
  /** Lists a dataset folder (classes, samples per class) before an evaluation starts. */
  'eval.inspect': { req: { path: string }; res: DatasetView };
  /** The dataset's first camera recording previewed under a mapping (as events.preview does for a file). */
  'eval.previewSample': { req: { dataset: string; inputShape: Shape3; mapping?: InputMappingView; sensor?: { width: number; height: number } }; res: EventPreviewView };
  /** Starts evaluating the model on a dataset in the open project (or goes on with a stopped one of the same settings). */
  'eval.start': { req: EvalStartRequest; res: EvalStartedView };
  'eval.stop': { req: { evaluationId: number }; res: Record<string, never> };
  /** Goes on with a stopped or cut-short evaluation: the samples already done are not run again. */
  'eval.resume': { req: { evaluationId: number; workers?: number }; res: EvalStartedView };
  'evals.list': { req: Record<string, never>; res: EvaluationListItemView[] };
  'eval.get': { req: { evaluationId: number }; res: EvaluationView };
  /** The per-sample rows as the CSV `dcnn evals --csv` writes. */
  'eval.csv': { req: { evaluationId: number }; res: { name: string; text: string } };
  /** Runs one sample of an evaluation on a device as a recorded run (its spikes show in the Run view). */
  'eval.openSample': { req: { evaluationId: number; file: string; deviceId: string }; res: RunStartedView };
}

export type RequestChannel = keyof Requests;
export type RequestOf<C extends RequestChannel> = Requests[C]['req'];
export type ReplyOf<C extends RequestChannel> = Requests[C]['res'];

export const REQUEST_CHANNELS = [
  'app.info',
  'examples.list',
  'weights.load',
  'model.openFile',
  'model.exportNir',
  'compile.run',
  'devices.list',
  'devices.types',
  'devices.addVirtual',
  'devices.removeVirtual',
  'devices.refresh',
  'project.current',
  'project.new',
  'project.open',
  'project.saveModel',
  'project.recent',
  'runs.list',
  'events.preview',
  'run.start',
  'run.export',
  'export.read',
  'run.stop',
  'run.rerun',
  'runs.compare',
  'recording.info',
  'replay.start',
  'replay.control',
  'settings.get',
  'settings.set',
  'eval.inspect',
  'eval.previewSample',
  'eval.start',
  'eval.stop',
  'eval.resume',
  'evals.list',
  'eval.get',
  'eval.csv',
  'eval.openSample',
] as const satisfies readonly RequestChannel[];

// Every channel of `Requests` is in the list: a channel left out fails to compile here
// (the dispatcher refuses channels not in the list as UNKNOWN_CHANNEL).
type UnlistedChannel = Exclude<RequestChannel, (typeof REQUEST_CHANNELS)[number]>;
const everyChannelListed: [UnlistedChannel] extends [never] ? true : UnlistedChannel = true;
void everyChannelListed;

// ---------------------------------------------------------------- event streams

/**
 * A spike batch on the wire: the packed layout of main/sim/spike-batch.ts (columns
 * t f64 | x u16 | y u16 | channel u16 | layer u8, 15 bytes per event), never JSON objects.
 */
export type PackedSpikes = Uint8Array;

export type AppCommand = 'save-model' | 'new-project' | 'open-project' | 'save-and-close';

export interface Events {
  'devices.changed': { change: 'attach' | 'detach' | 'status'; id?: string; devices: DevicesView };
  'project.changed': { project: ProjectView | null };
  'runs.changed': { runs: RunView[] };
  'run.progress': { runId: number; eventsIn: number; eventsOut: number; totalIn: number; timeUs: number };
  'run.spikes': { runId: number; spikes: PackedSpikes };
  'run.ended': RunSummaryView;
  'replay.spikes': { replayId: string; spikes: PackedSpikes; timeUs: number };
  'replay.state': { replayId: string; state: 'playing' | 'paused' | 'ended' | 'stopped'; timeUs: number; speed: number | 'max' };
  'eval.progress': { evaluationId: number; done: number; total: number; samplesPerSecond: number; etaSeconds: number | null };
  /** 'failed': it ended on an error (`message`); the samples done are kept and it can go on. */
  'eval.ended': { evaluationId: number; status: 'completed' | 'stopped' | 'failed'; message: string | null };
  log: { level: 'info' | 'warning' | 'error'; message: string };
  /**
   * A command of the desktop app the UI carries out (it holds the editor state): the File
   * menu's items, and 'save-and-close' when the user chose Save on closing with unsaved edits.
   */
  'app.command': { command: AppCommand };
}

export type EventChannel = keyof Events;
export type EventOf<C extends EventChannel> = Events[C];

export const EVENT_CHANNELS = [
  'devices.changed',
  'project.changed',
  'runs.changed',
  'run.progress',
  'run.spikes',
  'run.ended',
  'replay.spikes',
  'replay.state',
  'eval.progress',
  'eval.ended',
  'log',
  'app.command',
] as const satisfies readonly EventChannel[];

/** Largest request payload accepted (weights and event-file uploads included). */
export const MAX_REQUEST_BYTES = 256 * 1024 * 1024;

// ---------------------------------------------------------------- the API object

/**
 * Every code a failed request can carry. Anything the workbench expects to go wrong (bad
 * input, a busy device, a damaged file, a full disk) has its own code; `INTERNAL` means a
 * bug, and only it is logged as a crash.
 */
export const API_ERROR_CODES = [
  // the request itself
  'UNKNOWN_CHANNEL',
  'PAYLOAD_TOO_LARGE',
  'INVALID_PAYLOAD',
  'UNTRUSTED_SENDER',
  // a connection asked for more at once than it may hold (web host)
  'BUDGET_EXCEEDED',
  // projects and their files
  'NO_PROJECT',
  'PROJECT_EXISTS',
  'BAD_PROJECT_PATH',
  'CANNOT_OPEN_PROJECT',
  'PATH_OUTSIDE_DATA',
  'FILE_NOT_FOUND',
  'FOLDER_NOT_FOUND',
  'PERMISSION_DENIED',
  'NOT_A_PROJECT',
  'PROJECT_TOO_NEW',
  'PROJECT_DAMAGED',
  'PROJECT_READ_ONLY',
  'PROJECT_LOCKED',
  'PROJECT_UPGRADE_FAILED',
  'DISK_FULL',
  'RECORDING_DAMAGED',
  'EVENTS_OUT_OF_ORDER',
  'STORE_STOPPED',
  'UNKNOWN_RUN',
  'UNKNOWN_MODEL_VERSION',
  'UNKNOWN_REPLAY',
  'UNKNOWN_EXPORT',
  'EXPORT_SHAPE',
  'NOT_IN_PROJECT',
  'BAD_SETTING',
  // models, weights and inputs
  'COMPILE_FAILED',
  'CONFIG_PATCH_JSON',
  'NEEDS_RECOMPILE',
  'UNKNOWN_EXAMPLE',
  'UNKNOWN_WEIGHTS',
  'NO_EXAMPLE_INPUT',
  'BAD_WEIGHTS_FILE',
  'BAD_INPUT_FILE',
  'BAD_EVENT_FILE',
  'BAD_FILE_FORMAT',
  'BAD_INPUT_MAPPING',
  'BAD_DATASET',
  'UNKNOWN_EVALUATION',
  'EVALUATION_RUNNING',
  'NOT_RESUMABLE',
  'BAD_QUEUE_URL',
  'EMPTY_INPUT',
  'INPUT_TOO_LARGE',
  'BAD_SIM_CONFIG',
  'SIMULATION_RUNAWAY',
  // devices and runs
  'BAD_DEVICE_ID',
  'TOO_MANY_DEVICES',
  'DEVICE_NOT_FOUND',
  'DEVICE_BUSY',
  'DEVICE_DISCONNECTED',
  'DEVICE_NOT_READY',
  'DEVICE_TYPE_MISMATCH',
  'NOT_A_VIRTUAL_DEVKIT',
  'NOT_DEPLOYABLE',
  'CONFIG_FAMILY_MISMATCH',
  'VENDOR_PROTOCOL_UNAVAILABLE',
  'SAMNA_UNAVAILABLE',
  'SAMNA_REFUSED',
  'SAMNA_BRIDGE_EXITED',
  'RUN_NOT_ACTIVE',
  // the transport (web host): the connection was lost
  'DISCONNECTED',
  // a bug
  'INTERNAL',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A failed request: what went wrong, for people; `code` for programs. */
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
  /** Offending payload field, for validation errors. */
  path?: string;
  details?: ErrorView;
}

export type Unsubscribe = () => void;

/**
 * What the renderer finds on `window.workbench`: one async function per request channel
 * (rejecting with an Error whose `payload` is an ApiErrorPayload) and `on` for events.
 */
export type WorkbenchApi = {
  [C in RequestChannel]: (req: RequestOf<C>) => Promise<ReplyOf<C>>;
} & {
  on<C extends EventChannel>(channel: C, listener: (payload: EventOf<C>) => void): Unsubscribe;
};

/** Name of the global the API is installed under. */
export const API_GLOBAL = 'workbench';
