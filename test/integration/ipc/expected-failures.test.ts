// Failures the workbench expects (an absent device, a real board's id where a virtual one
// is meant, a damaged file, a missing project) reach the UI with their own code through
// the real dispatcher over real services, and are not logged as crashes: only INTERNAL is.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES, type ApiErrorCode, type ModelSpec } from '../../../preload/api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { requestSchemas } from '../../../main/ipc/schemas.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { toApiError } from '../../../main/services/api-error.js';

let dir: string;
let services: Services;
let dispatcher: Dispatcher;
const logged: string[] = [];
let spec: ModelSpec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dcnn-failures-'));
  services = await createServices({ dataDir: dir, mode: 'electron', usb: false, samna: false });
  dispatcher = createWorkbenchDispatcher(services, (m) => logged.push(m));
  const examples = await dispatcher.dispatch('examples.list', {});
  if (!examples.ok) throw new Error('examples.list failed');
  spec = (examples.value as { spec: ModelSpec }[])[0]!.spec;
});

afterAll(async () => {
  await services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function codeOf(channel: string, payload: unknown): Promise<string> {
  const reply = await dispatcher.dispatch(channel, payload);
  if (reply.ok) throw new Error(`${channel} succeeded; a failure was expected`);
  return reply.error.code;
}

const generator = { kind: 'generator', generator: 'poisson', durationMs: 50, rateHz: 1000, seed: 1 } as const;

describe('expected failures through the dispatcher', () => {
  it('before a project is open: runs, replays and recordings say so', async () => {
    expect(await codeOf('run.stop', { runId: 99 })).toBe('RUN_NOT_ACTIVE');
    expect(await codeOf('replay.control', { replayId: 'nope', action: 'pause' })).toBe('UNKNOWN_REPLAY');
    expect(await codeOf('recording.info', { runId: 1, stream: 'input' })).toBe('NO_PROJECT');
  });

  it("devices: absent, a real board's id, not deployable, unknown type, bad id", async () => {
    await dispatcher.dispatch('project.new', { name: 'failures', path: join(dir, 'failures.dcnnproj') });
    expect(await codeOf('run.start', { deviceId: 'speck2fdevkit:7', model: spec, input: generator })).toBe('DEVICE_NOT_FOUND');
    // No board on this machine: a real board's id names no device (NOT_A_VIRTUAL_DEVKIT
    // when the board is there: test/unit/devices).
    expect(await codeOf('devices.removeVirtual', { id: 'speck2fdevkit:0' })).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf('devices.addVirtual', { type: 'davis346' })).toBe('NOT_DEPLOYABLE');
    expect(await codeOf('devices.addVirtual', { type: 'no-such-board' })).toBe('DEVICE_NOT_FOUND');
    expect(await codeOf('devices.removeVirtual', { id: 'sim-speck2fdevkit:x:1' })).toBe('BAD_DEVICE_ID');
  });

  it('files: a missing project, a file that is no project, a damaged weights file', async () => {
    expect(await codeOf('project.open', { path: join(dir, 'missing.dcnnproj') })).toBe('FILE_NOT_FOUND');
    const text = join(dir, 'notes.dcnnproj');
    writeFileSync(text, 'these are my notes, not a project\n'.repeat(200));
    expect(await codeOf('project.open', { path: text })).toBe('NOT_A_PROJECT');
    expect(await codeOf('weights.load', { name: 'w.pt', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]) })).toBe('BAD_WEIGHTS_FILE');
    expect(await codeOf('run.rerun', { runId: 4242 })).toBe('UNKNOWN_RUN');
  });

  it('none of these was logged as a crash', () => {
    expect(logged).toEqual([]);
  });

  it('a bug is INTERNAL and logged', async () => {
    const d = createWorkbenchDispatcher(
      { ...services, compiler: Object.assign(Object.create(services.compiler) as Services['compiler'], { compileAsync: () => Promise.reject(new TypeError('x is undefined')) }) },
      (m) => logged.push(m),
    );
    const reply = await d.dispatch('compile.run', { spec });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('INTERNAL');
    expect(logged.some((m) => m.includes('compile.run failed: TypeError: x is undefined'))).toBe(true);
  });
});

describe('the code list', () => {
  it('every request channel has a schema, and every schema a channel', async () => {
    const { REQUEST_CHANNELS } = await import('../../../preload/api.js');
    expect(Object.keys(requestSchemas).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('system and SQLite codes are named by what they mean; unknown codes are INTERNAL', () => {
    const withCode = (code: string) => Object.assign(new Error('m'), { code });
    const cases: [string, ApiErrorCode][] = [
      ['SQLITE_FULL', 'DISK_FULL'],
      ['ENOSPC', 'DISK_FULL'],
      ['SQLITE_BUSY', 'PROJECT_LOCKED'],
      ['SQLITE_READONLY_DBMOVED', 'PROJECT_READ_ONLY'],
      ['SQLITE_CORRUPT_INDEX', 'PROJECT_DAMAGED'],
      ['ENOENT', 'FILE_NOT_FOUND'],
      ['EACCES', 'PERMISSION_DENIED'],
      ['ERR_SOMETHING_ELSE', 'INTERNAL'],
    ];
    for (const [code, api] of cases) expect(toApiError(withCode(code)).payload.code, code).toBe(api);
    expect(toApiError('a string').payload.code).toBe('INTERNAL');
    expect(new Set(API_ERROR_CODES).size).toBe(API_ERROR_CODES.length);
  });

  it('a format error from the store worker keeps its reason in details', () => {
    const e = Object.assign(new Error('chunk header cut short'), { name: 'FormatError', code: 'TRUNCATED' });
    const mapped = toApiError(e);
    expect(mapped.payload.code).toBe('BAD_FILE_FORMAT');
    expect(mapped.payload.details?.code).toBe('TRUNCATED');
    expect(mapped.internal).toBe(false);
  });
});
