// The afterPack hook that sets the Electron fuses (issue 15, item 12), run on a stand-in
// for the Electron binary: a file holding the fuse wire as Electron lays it out (sentinel,
// version, length, one byte per fuse), since no Electron binary can be fetched here.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
}
const hook = require('../../../scripts/after-pack.cjs') as {
  FUSES: Record<string, boolean>;
  electronBinaryPath(context: PackContext): string;
  default(context: PackContext): Promise<void>;
};
const { SENTINEL } = require('@electron/fuses/dist/constants.js') as { SENTINEL: string };
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };

// Electron's shipped defaults for the eight V1 fuses ('1' on, '0' off), in wire order.
const STOCK_WIRE = '10110001';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakePackedLinuxApp(wire: string = STOCK_WIRE): { context: PackContext; binary: string; wireAt: number } {
  const dir = mkdtempSync(join(tmpdir(), 'after-pack-'));
  dirs.push(dir);
  const context: PackContext = {
    appOutDir: dir,
    electronPlatformName: 'linux',
    arch: 1,
    packager: { appInfo: { productFilename: 'DYNAP-CNN Workbench' }, executableName: 'dynapcnn-workbench' },
  };
  const head = Buffer.alloc(4096, 0xcc);
  const body = Buffer.concat([head, Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), Buffer.alloc(4096, 0xdd)]);
  const binary = join(dir, 'dynapcnn-workbench');
  writeFileSync(binary, body);
  return { context, binary, wireAt: head.length + SENTINEL.length + 2 };
}

const wireOf = (binary: string, at: number) =>
  readFileSync(binary)
    .subarray(at, at + STOCK_WIRE.length)
    .toString('latin1');

describe('scripts/after-pack.cjs', () => {
  it('wants RunAsNode, NODE_OPTIONS and --inspect off; cookie encryption, asar integrity and asar-only loading on', () => {
    expect(hook.FUSES).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
    });
    for (const name of Object.keys(hook.FUSES)) expect(FuseV1Options[name], name).toBeTypeOf('number');
  });
  it('flips exactly those fuses in the packed binary and leaves the others as Electron ships them', async () => {
    const { context, binary, wireAt } = fakePackedLinuxApp();
    const before = readFileSync(binary);
    await hook.default(context);
    const after = readFileSync(binary);
    // RunAsNode 0, Cookie 1, NodeOptions 0, Inspect 0, AsarIntegrity 1, OnlyAsar 1, then V8 snapshot and file privileges untouched.
    expect(wireOf(binary, wireAt)).toBe('01001101');
    expect(after.length).toBe(before.length);
    expect(after.subarray(0, wireAt)).toEqual(before.subarray(0, wireAt));
    expect(after.subarray(wireAt + STOCK_WIRE.length)).toEqual(before.subarray(wireAt + STOCK_WIRE.length));
  });
  it('is idempotent (a second pack of the same folder changes nothing)', async () => {
    const { context, binary, wireAt } = fakePackedLinuxApp();
    await hook.default(context);
    await hook.default(context);
    expect(wireOf(binary, wireAt)).toBe('01001101');
  });
  it('fails the packaging when a fuse cannot be set (marked removed in that Electron)', async () => {
    const { context } = fakePackedLinuxApp('r0110001');
    await expect(hook.default(context)).rejects.toThrow(/cannot set .*: RunAsNode$/);
  });
  it('fails the packaging when the wire is too short for a wanted fuse (an older Electron)', async () => {
    const { context } = fakePackedLinuxApp('1011');
    await expect(hook.default(context)).rejects.toThrow(/cannot set .*: EnableEmbeddedAsarIntegrityValidation, OnlyLoadAppFromAsar$/);
  });
  it('fails the packaging when the binary has no fuse wire', async () => {
    const { context, binary } = fakePackedLinuxApp();
    writeFileSync(binary, Buffer.alloc(1024));
    await expect(hook.default(context)).rejects.toThrow(/sentinel/);
  });
  it('finds the binary on each platform', () => {
    const packager = { appInfo: { productFilename: 'DYNAP-CNN Workbench' }, executableName: 'dynapcnn-workbench' };
    const at = (electronPlatformName: string) => hook.electronBinaryPath({ appOutDir: '/out', electronPlatformName, arch: 1, packager });
    expect(at('linux')).toBe(join('/out', 'dynapcnn-workbench'));
    expect(at('win32')).toBe(join('/out', 'DYNAP-CNN Workbench.exe'));
    expect(at('darwin')).toBe(join('/out', 'DYNAP-CNN Workbench.app'));
    expect(at('mas')).toBe(join('/out', 'DYNAP-CNN Workbench.app'));
  });
});
