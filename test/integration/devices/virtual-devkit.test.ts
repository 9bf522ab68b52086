// A virtual devkit end to end: the device manager opens `sim-speck2fdevkit:0`, which
// starts the simulator in a real worker thread. Expected values are worked out by hand
// from the neuron rule of chip.md §9.2 (V += w; spike when V >= threshold_high; subtract).

import { afterEach, describe, expect, it } from 'vitest';
import { defaultCnnLayer, defaultDvsLayer, type ChipConfig } from '../../../main/chips/chip-config.js';
import { ConfigFamilyMismatchError, DeviceDisconnectedError, DeviceStateError } from '../../../main/devices/device-errors.js';
import { DeviceManager } from '../../../main/devices/device-manager.js';
import { VirtualDevkitDriver, type StartSimulation } from '../../../main/devices/virtual-devkit.js';
import { batchFromEvents, eventsOfBatch, type SpikeBatch } from '../../../main/common/spike-batch.js';
import { SimulationClient } from '../../../main/threads/simulation-client.js';

/** One core (0): 1 input channel, 1x1 map, 1x1 kernel, weight 127, threshold 127, monitored. */
function oneNeuronConfig(family: ChipConfig['family'], initialV = 0): ChipConfig {
  const cores = Array.from({ length: 9 }, () => defaultCnnLayer());
  const core = cores[0]!;
  core.dimensions = {
    input_shape: { size: { x: 1, y: 1 }, feature_count: 1 },
    output_shape: { size: { x: 1, y: 1 }, feature_count: 1 },
    padding: { x: 0, y: 0 },
    stride: { x: 1, y: 1 },
    kernel_size: 1,
  };
  core.weights = new Int8Array([127]);
  core.biases = new Int16Array([0]);
  core.neurons_initial_value = new Int16Array([initialV]);
  core.threshold_high = 127;
  core.threshold_low = -127;
  core.monitor_enable = true;
  return { family, cnn_layers: cores, dvs_layer: defaultDvsLayer(), readout: { enable: false, monitor_enable: false } };
}

const oneSpikeIn = () => batchFromEvents([{ t: 10, layer: 0, channel: 0, x: 0, y: 0 }]);

let manager: DeviceManager | null = null;
afterEach(async () => {
  await manager?.dispose();
  manager = null;
});

describe('virtual devkit (simulator in a worker thread)', () => {
  it('one input spike -> one output spike; readNeuron, resetStates, reset', async () => {
    manager = await DeviceManager.create({ usb: null });
    const dev = await manager.open('sim-speck2fdevkit', { runId: 'run-1' });
    expect(dev).toMatchObject({ id: 'sim-speck2fdevkit:0', type: 'speck2fdevkit', virtual: true });
    await expect(dev.forward(oneSpikeIn())).rejects.toThrow(DeviceStateError); // nothing deployed yet

    await dev.writeConfig(oneNeuronConfig('speck2f'));
    const res = await dev.forward(oneSpikeIn());
    // V = 0 + 127 = 127 >= 127 -> one spike at the input's timestamp, from core 0; V -> 0.
    expect(eventsOfBatch(res.output!)).toEqual([{ t: 10, layer: 0, channel: 0, x: 0, y: 0 }]);
    expect(res.cancelled).toBe(false);
    expect(res.stats.eventsIn).toBe(1);
    expect(res.stats.eventsOut).toBe(1);

    // Initial V 5: 5 + 127 = 132 >= 127 -> one spike, V = 132 - 127 = 5 (address 0: c=x=y=0).
    await dev.writeConfig(oneNeuronConfig('speck2f', 5));
    expect(eventsOfBatch((await dev.forward(oneSpikeIn())).output!)).toHaveLength(1);
    expect(await dev.readNeuron(0, 0)).toBe(5);
    await dev.resetStates();
    expect(await dev.readNeuron(0, 0)).toBe(0);

    await dev.reset(); // back to the default configuration: deploy again before running
    await expect(dev.forward(oneSpikeIn())).rejects.toThrow(/no configuration yet/);
    await dev.close();
    expect(manager.resolve('sim-speck2fdevkit:0').status).toBe('available');
  });

  it('a configuration of another chip family is refused with both families named', async () => {
    manager = await DeviceManager.create({ usb: null });
    const dev = await manager.open('sim-speck2edevkit:0', { runId: 'run-2' });
    const err = await dev.writeConfig(oneNeuronConfig('speck2f')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigFamilyMismatchError);
    expect((err as Error).message).toMatch(/built for the speck2f family, but sim-speck2edevkit:0 is a speck2e device/);
    await dev.writeConfig(oneNeuronConfig('speck2e')); // the right family works
    await dev.close();
  });

  it('removed as an unplug while a forward runs: the run learns why, the forward ends, the worker stops', async () => {
    const closed: string[] = [];
    // The real simulator, with its close() observed.
    const start: StartSimulation = async (config, options) => {
      const sim = await SimulationClient.start(config, options);
      const close = sim.close.bind(sim);
      sim.close = async () => {
        closed.push('closed');
        await close();
      };
      return sim;
    };
    manager = await DeviceManager.create({ usb: null, virtualDrivers: (d) => new VirtualDevkitDriver(d, start) });
    const dev = await manager.open('sim-speck2fdevkit:0', { runId: 'run-3' });
    await dev.writeConfig(oneNeuronConfig('speck2f'));
    const reasons: string[] = [];
    dev.onDisconnect((r) => reasons.push(r));

    // An input stream that delivers one event and then waits forever (a live source).
    let firstOut!: () => void;
    const gotFirst = new Promise<void>((r) => (firstOut = r));
    async function* live(): AsyncGenerator<SpikeBatch> {
      yield oneSpikeIn();
      await new Promise(() => {});
    }
    const outcome = dev.forward(live(), { onOutput: () => firstOut() }).catch((e: unknown) => e);
    await gotFirst;

    await expect(manager.removeVirtual('sim-speck2fdevkit:0')).rejects.toThrow(/run run-3 has it open/);
    await manager.removeVirtual('sim-speck2fdevkit:0', { unplug: true });
    const err = await outcome;
    expect(err).toBeInstanceOf(DeviceDisconnectedError);
    expect((err as DeviceDisconnectedError).reason).toBe('device-unplugged');
    expect(reasons).toEqual(['device-unplugged']);
    expect(manager.list().find((d) => d.id === 'sim-speck2fdevkit:0')?.status).toBe('disconnected');
    expect(closed).toEqual(['closed']);

    await dev.close(); // the run ends cleanly
    expect(manager.list().find((d) => d.id === 'sim-speck2fdevkit:0')).toBeUndefined();
    expect(manager.addVirtual('speck2fdevkit')).toBe('sim-speck2fdevkit:0');
  });

  it('removed as an unplug while idle: later calls say the device is gone', async () => {
    manager = await DeviceManager.create({ usb: null });
    const dev = await manager.open('sim-dynapcnndevkit:0', { runId: 'run-4' });
    await dev.writeConfig(oneNeuronConfig('dynapcnn'));
    await manager.removeVirtual('sim-dynapcnndevkit:0', { unplug: true });
    await expect(dev.forward(oneSpikeIn())).rejects.toThrow(DeviceDisconnectedError);
    await manager.release('sim-dynapcnndevkit:0', 'run-4');
    await expect(dev.forward(oneSpikeIn())).rejects.toThrow(DeviceStateError);
  });
});
