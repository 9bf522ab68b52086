// Evaluating on a device instead of the simulator: a board (through samna) or any device
// the device manager opens. One board runs one sample at a time: the configuration is
// written once, and before each sample the neuron states are reset, so every sample starts
// from rest as it does in the simulator. The exit core's spikes are what the board sent
// back from its monitored layers, counted as the simulator's event mode counts them.

import { readFile } from 'node:fs/promises';
import type { DeviceDriver } from '../devices/driver.js';
import type { DatasetSample } from './dataset.js';
import type { SampleRunner } from './evaluation.js';
import { readSampleInput, type EvalTask, type EvalTaskResult } from '../threads/eval-worker.js';

export interface BoardAccess {
  /** The device's id (`speck2fdevkit:0`), for labels. */
  id: string;
  open(): Promise<DeviceDriver>;
  release(): Promise<void>;
}

export function boardRunner(board: BoardAccess): SampleRunner {
  let driver: DeviceDriver | null = null;
  const opened = async (): Promise<DeviceDriver> => (driver ??= await board.open());
  return {
    lanes: 1,
    label: `the device ${board.id}`,
    prepare: async (base) => {
      await (await opened()).writeConfig(base.config);
    },
    run: async (task, sample) => runOnBoard(await opened(), task, sample),
    close: async () => {
      if (driver) await board.release();
      driver = null;
    },
  };
}

async function runOnBoard(driver: DeviceDriver, task: EvalTask, sample: DatasetSample): Promise<EvalTaskResult> {
  const t0 = performance.now();
  let read: ReturnType<typeof readSampleInput>;
  try {
    read = readSampleInput(task, sample.path, task.bytes ?? new Uint8Array(await readFile(sample.path)));
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const { input, warnings } = read;
  // Device errors (unplugged, the bridge gone) end the evaluation: they are not the sample's fault.
  await driver.resetStates();
  const exitCounts = new Array<number>(task.exitChannels).fill(0);
  let firstSpikeUs: number | null = null;
  let firstChannel: number | null = null;
  const start = input.length > 0 ? input.t[0]! : 0;
  const result = await driver.forward(input, {
    onOutput: (b) => {
      for (let i = 0; i < b.length; i++) {
        if (b.layer[i] !== task.exitCore) continue;
        const c = b.channel[i]!;
        if (c < exitCounts.length) exitCounts[c]!++;
        const dt = b.t[i]! - start;
        if (firstSpikeUs === null || dt < firstSpikeUs) {
          firstSpikeUs = dt;
          firstChannel = c;
        }
      }
    },
  });
  return { ok: true, exitCounts, firstSpikeUs, firstChannel, eventsIn: input.length, synapticOps: result.stats.synapticOps, warnings, wallMs: performance.now() - t0 };
}
