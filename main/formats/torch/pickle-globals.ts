// The fixed table of Python globals a torch.save pickle may name, and the inert values
// they become. Nothing here runs code from a file: every allowed global maps to a small
// function of ours that builds plain data (a Map for OrderedDict, a TensorRef for
// _rebuild_tensor_v2, a PickledObject holding a module's attribute dict). Any other
// global is refused before the pickle goes on, naming it; globals that can run commands
// or code (os.system, builtins.eval, subprocess.Popen ...) say so. Module classes are
// allowed when the layer catalogue knows their name (torch.nn.modules.conv.Conv2d is
// torch.nn.Conv2d), so the table and the parser never disagree.

import { lookup, SINABS_ACTIVATION, SINABS_LAYERS, TORCH_NN } from '../../compiler/parse/layer-catalog.js';
import { FormatError } from '../format-error.js';
import type { TensorDType } from '../tensor.js';

/** Set on every function the table hands to the pickle reader: the global it stands for. */
export const GLOBAL_NAME: unique symbol = Symbol('pickle global');

export type TableFunction = ((...args: unknown[]) => unknown) & { [GLOBAL_NAME]: string };

/** A storage named by a persistent id: which record holds the bytes, and their element type. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly dtype: TensorDType,
    readonly storageType: string,
    readonly location: string,
    readonly numel: number,
  ) {}
}

/** A tensor as the pickle describes it: a strided view of a storage, decoded later. */
export class TensorRef {
  isParameter = false;
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
    readonly requiresGrad: boolean,
  ) {}
}

/** An instance of an allowed class (an nn.Module, a sinabs layer or activation): its attribute dict, untouched. */
export class PickledObject {
  state: unknown = undefined;
  constructor(
    readonly qualified: string,
    readonly args: readonly unknown[],
  ) {}
  // The pickle's BUILD hands the attribute dict here instead of assigning it onto us.
  __setstate__(state: unknown): void {
    this.state = state;
  }
}

function bad(message: string, details: Record<string, string | number> = {}): never {
  throw new FormatError('torch', 'BAD_PICKLE', message, details);
}

function tableFunction(name: string, f: (...args: unknown[]) => unknown): TableFunction {
  return Object.assign(f, { [GLOBAL_NAME]: name });
}

export function globalNameOf(v: unknown): string | null {
  return typeof v === 'function' && GLOBAL_NAME in v ? (v as TableFunction)[GLOBAL_NAME] : null;
}

const STORAGE_DTYPES: Readonly<Record<string, TensorDType>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** dtype of a storage class global (torch.FloatStorage ...), or null. */
export function storageDType(v: unknown): TensorDType | null {
  const name = globalNameOf(v);
  if (name === null || !name.startsWith('torch.')) return null;
  return STORAGE_DTYPES[name.slice('torch.'.length)] ?? null;
}

function isIntList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));
}

function rebuildTensor(name: string) {
  return tableFunction(name, (storage, offset, size, stride, requiresGrad) => {
    if (!(storage instanceof StorageRef)) bad(`${name} was given ${describe(storage)} where a storage belongs; the pickle is damaged`);
    if (!Number.isSafeInteger(offset) || (offset as number) < 0) bad(`${name}: storage offset ${String(offset)} is not a non-negative integer; the pickle is damaged`);
    if (!isIntList(size) || size.some((d) => d < 0)) bad(`${name}: size ${describe(size)} is not a list of non-negative integers; the pickle is damaged`);
    if (!isIntList(stride) || stride.length !== size.length || stride.some((d) => d < 0)) {
      bad(`${name}: stride ${describe(stride)} does not fit size [${size.join(', ')}]; the pickle is damaged`);
    }
    return new TensorRef(storage, offset as number, size, stride, requiresGrad === true);
  });
}

function rebuildParameter(name: string) {
  return tableFunction(name, (data) => {
    if (!(data instanceof TensorRef)) bad(`${name} was given ${describe(data)} where a tensor belongs; the pickle is damaged`);
    data.isParameter = true;
    return data;
  });
}

function pairsToMap(name: string, items: unknown): Map<unknown, unknown> {
  const m = new Map<unknown, unknown>();
  if (items === undefined || items === null) return m;
  if (items instanceof Map) return new Map(items);
  if (!Array.isArray(items)) bad(`${name} was given ${describe(items)}; expected a list of (key, value) pairs`);
  for (const p of items) {
    if (!Array.isArray(p) || p.length !== 2) bad(`${name} was given an item ${describe(p)} that is not a (key, value) pair`);
    m.set(p[0], p[1]);
  }
  return m;
}

function toSet(name: string) {
  return tableFunction(name, (items) => {
    if (items === undefined) return new Set();
    if (!Array.isArray(items) && !(items instanceof Set)) bad(`${name} was given ${describe(items)}; expected a list`);
    return new Set(items);
  });
}

const FUNCTIONS = new Map<string, TableFunction>();
function fn(name: string, f: TableFunction): void {
  FUNCTIONS.set(name, f);
}
fn('collections.OrderedDict', tableFunction('collections.OrderedDict', (items) => pairsToMap('collections.OrderedDict', items)));
for (const n of ['builtins.set', '__builtin__.set', 'builtins.frozenset', '__builtin__.frozenset']) fn(n, toSet(n));
// Protocol-2 pickles of Python 3 bytes: _codecs.encode(text, 'latin1').
fn('_codecs.encode', tableFunction('_codecs.encode', (text, encoding) => {
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) bad(`_codecs.encode(${describe(text)}, ${describe(encoding)}) is not the latin1 form of bytes`);
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}));
fn('torch.Size', tableFunction('torch.Size', (dims) => (isIntList(dims) ? [...dims] : bad(`torch.Size(${describe(dims)}) is not a list of integers`))));
fn('torch.device', tableFunction('torch.device', (type, index) => (typeof type === 'string' ? (index === undefined || index === null ? type : `${type}:${String(index)}`) : bad(`torch.device(${describe(type)}) is not a device name`))));
for (const n of ['_rebuild_tensor', '_rebuild_tensor_v2']) fn(`torch._utils.${n}`, rebuildTensor(`torch._utils.${n}`));
for (const n of ['_rebuild_parameter', '_rebuild_parameter_with_state']) fn(`torch._utils.${n}`, rebuildParameter(`torch._utils.${n}`));
for (const s of Object.keys(STORAGE_DTYPES)) fn(`torch.${s}`, tableFunction(`torch.${s}`, () => bad(`torch.${s} is used as a function; storages come only through persistent ids`)));

/** A class global: works both as NEWOBJ's constructor and as REDUCE's callable, building a PickledObject. */
function classFunction(qualified: string): TableFunction {
  // A plain function (not an arrow) so Reflect.construct accepts it; returning an object from it makes `new` yield that object.
  return tableFunction(qualified, function build(...args: unknown[]) {
    return new PickledObject(qualified, args);
  });
}

/** Catalogue name for a pickled class path: torch.nn.modules.conv.Conv2d -> torch.nn.Conv2d. */
export function catalogNameOf(qualified: string): string | null {
  const dot = qualified.lastIndexOf('.');
  const module = qualified.slice(0, dot);
  const name = qualified.slice(dot + 1);
  const candidates: [string, string][] = [
    ['torch.nn.modules.', TORCH_NN],
    ['sinabs.layers.', SINABS_LAYERS],
    ['sinabs.activation.', SINABS_ACTIVATION],
  ];
  for (const [prefix, catalogModule] of candidates) {
    if (module.startsWith(prefix) || module === prefix.slice(0, -1)) {
      const entry = lookup(`${catalogModule}.${name}`);
      if (entry && entry.role !== 'function') return entry.qualified;
    }
  }
  return null;
}

// Names that exist to run commands or code: reported as such, not as a merely unknown class.
const DANGEROUS_MODULES = ['os', 'posix', 'nt', 'subprocess', 'sys', 'shutil', 'socket', 'pty', 'runpy', 'importlib', 'ctypes', 'code', 'commands', 'webbrowser', 'multiprocessing', 'signal', 'pickle', 'marshal', 'types', 'platform', 'asyncio', 'tempfile', 'pathlib', 'io', 'operator', 'functools', 'torch.hub', 'torch.package'];
const DANGEROUS_BUILTINS = ['eval', 'exec', 'execfile', 'compile', 'open', 'getattr', 'setattr', 'delattr', '__import__', 'apply', 'input', 'globals', 'locals', 'vars', 'breakpoint', 'file', 'reload', 'memoryview', 'type', 'object', 'classmethod', 'staticmethod', 'super', 'print', 'exit', 'quit', 'help'];

function isDangerous(module: string, name: string): boolean {
  if (module === 'builtins' || module === '__builtin__') return DANGEROUS_BUILTINS.includes(name);
  return DANGEROUS_MODULES.some((m) => module === m || module.startsWith(`${m}.`));
}

/** Looks a global up in the table; records what the pickle named; refuses anything else. */
export class GlobalTable {
  readonly seen: string[] = [];
  private readonly classes = new Map<string, TableFunction>();

  resolve(module: string, name: string): TableFunction {
    if (typeof module !== 'string' || typeof name !== 'string') bad('the pickle names a global with a non-text module or name; it is damaged');
    const qualified = `${module}.${name}`;
    if (!this.seen.includes(qualified)) this.seen.push(qualified);
    const f = FUNCTIONS.get(qualified);
    if (f) return f;
    // TorchScript archives name their own script classes; they only ever hold attributes here.
    if (catalogNameOf(qualified) !== null || module === '__torch__' || module.startsWith('__torch__.')) {
      let c = this.classes.get(qualified);
      if (!c) this.classes.set(qualified, (c = classFunction(qualified)));
      return c;
    }
    if (isDangerous(module, name)) {
      throw new FormatError(
        'torch',
        'UNSAFE_GLOBAL',
        `the pickle calls ${qualified}, which can run commands or code on this computer; the file is refused for safety (the workbench never executes anything from a pickle). If you wrote this file yourself, save only the weights: torch.save(model.state_dict(), path)`,
        { global: qualified },
      );
    }
    throw new FormatError(
      'torch',
      'UNKNOWN_CLASS',
      `the pickle names ${qualified}, which is not in the workbench's table of allowed globals (tensors, storages, OrderedDict, set, torch.nn and sinabs layers); the file is refused for safety, since loading it in Python would run that code. ${hintFor(module)}`,
      { global: qualified },
    );
  }
}

function hintFor(module: string): string {
  if (module === '__main__' || !module.includes('.')) {
    return 'A model of your own class cannot be read from a whole-model pickle: save its weights with torch.save(model.state_dict(), path) and write the model as nn.Sequential text.';
  }
  if (module.startsWith('numpy')) return 'Numbers stored as numpy values cannot be read: store plain Python numbers, or save only torch.save(model.state_dict(), path).';
  return 'Save only the weights with torch.save(model.state_dict(), path).';
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v instanceof TensorRef) return `a tensor [${v.size.join(', ')}]`;
  if (v instanceof StorageRef) return `storage ${v.key}`;
  if (v instanceof PickledObject) return `an object of ${v.qualified}`;
  if (v instanceof Map) return 'a dict';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  const g = globalNameOf(v);
  if (g !== null) return g;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v;
}
