// The fake samna (test/fake-samna, README there) set up for the integration tests of the
// samna bridge: a temporary folder with the board list the fake re-reads on every call
// (rewriting it plugs and unplugs boards, or sets a knob), the folder the fake records
// applied configurations in, and SamnaHosts whose bridges run the real
// native/samna-bridge under `python3` with the fake on PYTHONPATH. It is not the product's
// code and knows nothing of what a board would do.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../../main/services/package-root.js';
import type { PythonCandidate } from '../../../main/devices/python-locator.js';
import type { SamnaTimings } from '../../../main/devices/samna-driver.js';
import { SamnaHost, type SamnaHostOptions } from '../../../main/devices/samna-host.js';

export const FAKE_SAMNA_DIR = join(packageRoot(), 'test', 'fake-samna');

/** A board as the fake's device list holds it (samna's DeviceInfo fields). */
export interface FakeBoard {
  device_type_name: string;
  serial_number: string;
  usb_bus_number: number;
  usb_device_address: number;
  logic_version?: number;
}

export interface FakeKnobs {
  hang?: 'list' | 'open' | 'apply' | 'write';
  die?: 'list' | 'open' | 'apply' | 'write';
  dieAfterEvents?: number;
}

/** No settle sleep after apply, a short quiet time: the fake answers at once. */
export const FAST_TIMINGS: SamnaTimings = { settleS: 0, quietMs: 60, stallMs: 3000, applyTimeoutMs: 3000 };

export const PYTHON3: PythonCandidate[] = [{ command: 'python3', source: 'path' }];

export class FakeSamna {
  readonly dir = mkdtempSync(join(tmpdir(), 'dcnn-fake-samna-'));
  readonly devicesFile = join(this.dir, 'devices.json');
  readonly recordDir = join(this.dir, 'record');
  private boards: FakeBoard[] = [];
  private knobs: FakeKnobs = {};
  private readonly hosts: SamnaHost[] = [];

  constructor(boards: FakeBoard[] = []) {
    this.setBoards(boards);
  }

  setBoards(boards: FakeBoard[]): void {
    this.boards = boards.map((b) => ({ ...b }));
    this.write();
  }

  setKnobs(knobs: FakeKnobs): void {
    this.knobs = { ...knobs };
    this.write();
  }

  /** The environment of a bridge that imports the fake (PYTHONPATH as a user would set it). */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const base = { ...process.env };
    delete base.DCNN_PYTHON;
    return {
      ...base,
      PYTHONPATH: process.env.PYTHONPATH ? `${FAKE_SAMNA_DIR}${delimiter}${process.env.PYTHONPATH}` : FAKE_SAMNA_DIR,
      FAKE_SAMNA_DEVICES: this.devicesFile,
      FAKE_SAMNA_RECORD: this.recordDir,
      ...extra,
    };
  }

  host(options: Partial<SamnaHostOptions> = {}): SamnaHost {
    const h = new SamnaHost({ python: PYTHON3, env: this.env(), helloTimeoutMs: 10_000, requestTimeoutMs: 3000, timings: FAST_TIMINGS, ...options });
    this.hosts.push(h);
    return h;
  }

  /** The configurations the fake recorded for a board, in the order they were applied. */
  recorded(serial: string): Array<Record<string, unknown>> {
    let names: string[];
    try {
      names = readdirSync(this.recordDir);
    } catch {
      return [];
    }
    const prefix = `${serial}-`;
    return names
      .filter((n) => n.startsWith(prefix) && n.endsWith('.json'))
      .map((n) => ({ n: Number(n.slice(prefix.length, -5)), n2: n }))
      .sort((a, b) => a.n - b.n)
      .map(({ n2 }) => JSON.parse(readFileSync(join(this.recordDir, n2), 'utf8')) as Record<string, unknown>);
  }

  /** The id of the process that opened the board (the bridge holding it), from the fake's pid file. */
  openerPid(serial: string): number {
    return Number(readFileSync(join(this.recordDir, `${serial}.pid`), 'utf8'));
  }

  async cleanup(): Promise<void> {
    for (const h of this.hosts.splice(0)) await h.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private write(): void {
    writeFileSync(this.devicesFile, JSON.stringify({ devices: this.boards, knobs: this.knobs }));
  }
}

export function speck2f(serial: string, bus: number, address: number): FakeBoard {
  return { device_type_name: 'Speck2fDevKit', serial_number: serial, usb_bus_number: bus, usb_device_address: address, logic_version: 1 };
}
