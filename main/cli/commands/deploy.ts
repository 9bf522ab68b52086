// `dcnn deploy MODEL --weights W --input-shape C,H,W --device TYPE:INDEX [--monitor ...]
//  [--config-patch P] [--slow-clock HZ] [--python PATH] [--json]`: compiles the model for the
// device's chip, writes the configuration to the device (a board through samna, or a
// virtual devkit) and prints what was written, then exits: what sinabs' `.to(device)`
// does. Nothing is streamed and nothing is recorded; `dcnn run` does that.

import { parseArgs } from 'node:util';
import { compileModel } from '../../compiler/compile.js';
import { monitoredLayers } from '../../services/run-service.js';
import { CliError, type CliIO } from '../cli-io.js';
import { withServices } from '../cli-services.js';
import { formatCompileResult, table } from '../compile-table.js';
import { COMPILE_OPTIONS, prepareCompile } from './compile.js';
import { parseSlowClock } from './run.js';

export async function deployCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...COMPILE_OPTIONS,
      device: { type: 'string' },
      'slow-clock': { type: 'string' },
      'data-dir': { type: 'string' },
      python: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.device) throw new CliError('--device TYPE:INDEX is required (e.g. speck2fdevkit:0; `dcnn devices` lists them)');
  const slowClockHz = parseSlowClock(values['slow-clock']);
  return withServices(io, { dataDir: values['data-dir'], python: values.python }, async (services) => {
    let device;
    try {
      device = services.devices.resolve(values.device!);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    if (!device.deployable) throw new CliError(`${device.id} cannot take a model: ${device.reason ?? 'not deployable'}`, 1);
    const prepared = await prepareCompile({ ...values, model: positionals[0], device: device.type }, io);
    const compiled = compileModel(prepared.request, { modelKind: prepared.kind });
    if (!compiled.ok || !compiled.config || !compiled.placement) {
      io.err(formatCompileResult(compiled, { model: prepared.modelPath, weights: prepared.weightsLabel }));
      return 1;
    }
    const holder = `deploy-${process.pid}`;
    let driver;
    try {
      driver = await services.devices.open(device.id, { runId: holder });
    } catch (e) {
      throw new CliError(`could not open ${device.id}: ${(e as Error).message}`, 1);
    }
    const t0 = performance.now();
    try {
      await driver.writeConfig(compiled.config, slowClockHz !== undefined ? { slowClockHz } : {});
    } catch (e) {
      throw new CliError(`${device.id} did not take the configuration: ${(e as Error).message}`, 1);
    } finally {
      await services.devices.release(device.id, holder).catch(() => undefined);
    }
    const ms = performance.now() - t0;
    const ordering = compiled.placement.ordering;
    const monitored = monitoredLayers(compiled);
    const config = compiled.config;
    const dvs = config.dvs_layer;
    const destinationsOf = (core: number): number[] => config.cnn_layers[core]?.destinations.filter((d) => d.enable).map((d) => d.layer) ?? [];
    if (values.json) {
      io.out(
        JSON.stringify({
          device: device.id,
          chip: compiled.device,
          cores: ordering.map((core, layer) => ({ layer, core, destinations: destinationsOf(core) })),
          monitored: monitored.map((m) => ({ core: m.core, layer: m.layer, shape: m.neuronShape })),
          dvs_layer: { pass_sensor_events: dvs.pass_sensor_events, monitor_enable: dvs.monitor_enable },
          slow_clock_hz: slowClockHz ?? null,
          write_ms: ms,
        }),
      );
      return 0;
    }
    io.out(`deployed to ${device.id} (${compiled.device}) in ${ms.toFixed(0)} ms`);
    io.out(
      table([
        ['chip layer', 'core', 'sends to'],
        ...ordering.map((core, layer) => [String(layer), String(core), destinationsOf(core).map((d) => (d === 12 ? 'readout' : `core ${d}`)).join(', ') || 'nothing']),
      ]),
    );
    io.out(`monitored: ${monitored.map((m) => (m.layer === null ? `DVS (core ${m.core})` : `chip layer ${m.layer} on core ${m.core} (${m.neuronShape.join('x')})`)).join('; ') || 'nothing'}`);
    io.out(`slow clock: ${slowClockHz !== undefined ? `${slowClockHz} Hz` : 'off (no leak)'}`);
    io.out(`stream input through it with: dcnn run MODEL ... --device ${device.id} --events FILE`);
    return 0;
  });
}
