// `dcnn devices [--json] [--python PATH] | --types [--json] | --watch | --udev`
// Connected boards and virtual devkits, the device-type registry, live attach/detach, or
// a udev rule for the USB ids the registry knows. Real boards come from USB ids and from
// samna's device list (through the Python named by --python / DCNN_PYTHON / PATH). It also
// says which simulator engine virtual devkits use: the native addon, or the WebAssembly /
// JavaScript fallback and why.

import { parseArgs } from 'node:util';
import { udevRuleFor } from '../../chips/device-registry.js';
import { devicesJson, formatDeviceTable, formatTypeTable, typeRows, typesJson, watchDeviceEvents } from '../../devices/device-report.js';
import { wasmSimdAvailable } from '../../sim/wasm-simd-kernel.js';
import { BUILD_HINT, describeNativeEngine, nativeEngineStatus, resolveEngine } from '../../threads/native-engine.js';
import type { CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';

export async function devicesCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, types: { type: 'boolean' }, watch: { type: 'boolean' }, udev: { type: 'boolean' }, 'data-dir': { type: 'string' }, python: { type: 'string' } },
  });
  return withServices(io, { dataDir: values['data-dir'], hotplug: values.watch === true, python: values.python }, async (s) => {
    const registry = s.devices.deviceRegistry();
    if (values.udev) {
      io.out(udevRuleFor(registry));
      return 0;
    }
    if (values.types) {
      io.out(values.json ? JSON.stringify(typesJson(registry), null, 1) : formatTypeTable(typeRows(registry)));
      return 0;
    }
    const list = s.devices.list();
    if (values.json) {
      io.out(JSON.stringify({ ...devicesJson(list, s.devices.usbStatus(), s.devices.registryStatus(), s.devices.boardStatus()), engine: engineJson() }, null, 1));
      return 0;
    }
    io.out(formatDeviceTable(list, s.devices.usbStatus(), s.devices.registryStatus(), s.devices.boardStatus()));
    io.out(`simulator: ${describeNativeEngine()}`);
    if (!values.watch) return 0;
    io.out('\nwatching for attach/detach (Ctrl-C to stop)…');
    const stop = watchDeviceEvents(s.devices, (line) => io.out(line));
    await (io.interrupted ?? new Promise<void>(() => undefined));
    stop();
    return 0;
  });
}

/** `engine` in `dcnn devices --json`: what virtual devkits simulate with, and why. */
function engineJson(): { in_use: string; native: { loaded: boolean; path: string; reason: string | null; build: string | null }; wasm_simd: boolean } {
  const native = nativeEngineStatus();
  return {
    in_use: resolveEngine().name,
    native: { loaded: native.loaded, path: native.path, reason: native.reason, build: native.loaded ? null : BUILD_HINT },
    wasm_simd: wasmSimdAvailable(),
  };
}
