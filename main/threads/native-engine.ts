// Loads the native simulator engine (native/engine, a C++ N-API addon built by node-gyp at
// install) and offers it to the simulator through the interfaces the sim defines
// (TimestepBackend, EventLoopBackend), and picks the engine a command asked for. A missing
// or broken addon is not an error until someone asks for it by name: the WebAssembly and
// JavaScript engines stay as the fallback, and `nativeEngineStatus()` says why.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventLoopBackend, EventLoopHandle, EventLoopPlan } from '../sim/event-loop-backend.js';
import type { TimestepBackend, TimestepPlan, TimestepRunnerHandle } from '../sim/timestep-backend.js';
import { wasmSimdAvailable } from '../sim/wasm-simd-kernel.js';

export type EngineName = 'native' | 'wasm' | 'js';
export const ENGINE_NAMES: readonly EngineName[] = ['native', 'wasm', 'js'];

/** Both seams at once: the addon serves the time-stepped mode and the event loop. */
export type NativeSimBackend = TimestepBackend & EventLoopBackend;

export interface NativeEngineStatus {
  loaded: boolean;
  /** Where the addon is looked for (the build output). */
  path: string;
  /** Why it is not loaded (null when it is). */
  reason: string | null;
}

/** Setting this environment variable to "off" makes the workbench act as if the addon were absent. */
export const NATIVE_ENGINE_ENV = 'DCNN_NATIVE_ENGINE';
export const BUILD_HINT = 'build it with `npm run build:native` (or `npm rebuild`; needs a C++ compiler, make and Python for node-gyp)';

const ADDON_FILE = join('native', 'engine', 'build', 'Release', 'dcnn_engine.node');

interface AddonExports {
  TimestepRunner: new (plan: TimestepPlan) => TimestepRunnerHandle;
  EventRunner: new (plan: EventLoopPlan) => EventLoopHandle;
  version: number;
  lanes: number;
  alignedInt16Array: (length: number) => Int16Array;
}

function isAddon(v: unknown): v is AddonExports {
  const o = v as Partial<Record<keyof AddonExports, unknown>> | null;
  return o !== null && typeof o === 'object' && typeof o.TimestepRunner === 'function' && typeof o.EventRunner === 'function' && o.version === 1 && typeof o.lanes === 'number' && typeof o.alignedInt16Array === 'function';
}

/** The addon's path: the nearest folder upwards (sources or dist/, or app.asar.unpacked) that holds the build output. */
function addonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url)).replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  const first = join(dir, '..', '..', ADDON_FILE);
  for (;;) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return first;
    dir = parent;
  }
}

let loaded: { status: NativeEngineStatus; backend: NativeSimBackend | null } | null = null;

function load(): { status: NativeEngineStatus; backend: NativeSimBackend | null } {
  const path = addonPath();
  if (process.env[NATIVE_ENGINE_ENV] === 'off') return { status: { loaded: false, path, reason: `turned off by ${NATIVE_ENGINE_ENV}=off` }, backend: null };
  if (!existsSync(path)) return { status: { loaded: false, path, reason: `not built (no ${path})` }, backend: null };
  let addon: unknown;
  try {
    addon = createRequire(import.meta.url)(path);
  } catch (e) {
    return { status: { loaded: false, path, reason: `could not be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }, backend: null };
  }
  if (!isAddon(addon)) return { status: { loaded: false, path, reason: 'is from another version of the workbench (rebuild it)' }, backend: null };
  const a = addon;
  const backend: NativeSimBackend = {
    name: 'native',
    laneWidth: a.lanes,
    allocateState: (length) => a.alignedInt16Array(length),
    createTimestepRunner: (plan) => new a.TimestepRunner(plan),
    createEventRunner: (plan) => new a.EventRunner(plan),
  };
  return { status: { loaded: true, path, reason: null }, backend };
}

export function nativeEngineStatus(): NativeEngineStatus {
  loaded ??= load();
  return loaded.status;
}

/** The native backend, or null when the addon is absent (nativeEngineStatus says why). */
export function nativeSimBackend(): NativeSimBackend | null {
  loaded ??= load();
  return loaded.backend;
}

export class EngineUnavailableError extends Error {
  readonly code = 'ENGINE_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

export interface ResolvedEngine {
  /** The engine that will run: 'native', 'wasm' (the WebAssembly SIMD kernel) or 'js'. */
  name: EngineName;
  native: NativeSimBackend | null;
  /** For EventEngineOptions.kernelImpl when the native loop is not used. */
  kernelImpl: 'auto' | 'js';
}

/** The engine to use for `requested` (undefined: the fastest available); throws EngineUnavailableError when it cannot run here. */
export function resolveEngine(requested?: EngineName): ResolvedEngine {
  const native = nativeSimBackend();
  const wasm = wasmSimdAvailable();
  if (requested === 'native') {
    if (!native) throw new EngineUnavailableError(`the native engine is ${nativeEngineStatus().reason}; ${BUILD_HINT}, or use --engine wasm|js`);
    return { name: 'native', native, kernelImpl: 'auto' };
  }
  if (requested === 'wasm') {
    if (!wasm) throw new EngineUnavailableError('WebAssembly SIMD is not available in this runtime; use --engine js');
    return { name: 'wasm', native: null, kernelImpl: 'auto' };
  }
  if (requested === 'js') return { name: 'js', native: null, kernelImpl: 'js' };
  if (native) return { name: 'native', native, kernelImpl: 'auto' };
  return wasm ? { name: 'wasm', native: null, kernelImpl: 'auto' } : { name: 'js', native: null, kernelImpl: 'js' };
}

/** A one-line account for `dcnn devices` and the status bar. */
export function describeNativeEngine(): string {
  const s = nativeEngineStatus();
  if (s.loaded) return `native engine loaded (${s.path})`;
  return `native engine not in use: ${s.reason}; using the ${wasmSimdAvailable() ? 'WebAssembly SIMD' : 'JavaScript'} engine (${BUILD_HINT})`;
}

/** The engine a run or evaluation gets by default, for the status bar (AppInfo.simulator). */
export function simulatorInfo(): { engine: EngineName; note: string | null } {
  const e = resolveEngine();
  return { engine: e.name, note: e.name === 'native' ? null : describeNativeEngine() };
}
