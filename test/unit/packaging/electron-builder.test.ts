// The installer configuration (packaging runs on a connected machine, not here): targets
// for the three platforms, native modules outside the asar, the app's files included,
// better-sqlite3 rebuilt for Electron by the hook while usb's N-API build is left alone,
// the udev rule shipped and installed by the deb, and the Electron fuses set by the
// afterPack hook (scripts/after-pack.test.ts runs the hook itself) as the README lists them.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface BuilderConfig {
  appId: string;
  files: string[];
  extraResources: Array<{ from: string; to: string }>;
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  beforeBuild: string;
  afterPack: string;
  fileAssociations: Array<{ ext: string }>;
  linux: { target: string[] };
  deb: { afterInstall: string; afterRemove: string };
  win: { target: string[] };
  mac: { target: string[] };
}

const config = parse(readFileSync(`${ROOT}electron-builder.yml`, 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toContain('nsis');
    expect(config.mac.target).toContain('dmg');
  });
  it('packs the built app and examples into an asar, unpacking every native .node file', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'examples/**', 'package.json']));
    expect(config.asarUnpack).toContain('**/*.node');
    // Worker threads start from the unpacked main code (spawn-worker.ts looks there).
    expect(config.asarUnpack).toContain('dist/main/**');
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/usb/**']));
  });
  it('rebuilds only better-sqlite3 for Electron (the hook skips the blanket rebuild)', () => {
    expect(config.npmRebuild).toBe(true);
    const hook = readFileSync(`${ROOT}${config.beforeBuild}`, 'utf8');
    expect(hook).toMatch(/'--only', 'better-sqlite3'/);
    expect(hook).toMatch(/return false;/);
    expect(hook).not.toMatch(/'--only'[^\n]*usb/);
  });
  it('ships the udev rule and installs it from the deb', () => {
    const rule = config.extraResources.find((r) => r.from.endsWith('99-dynapcnn-workbench.rules'))!;
    expect(existsSync(`${ROOT}${rule.from}`)).toBe(true);
    const after = readFileSync(`${ROOT}${config.deb.afterInstall}`, 'utf8');
    expect(after).toContain('/etc/udev/rules.d/99-dynapcnn-workbench.rules');
    expect(after).toContain(rule.to);
    expect(existsSync(`${ROOT}${config.deb.afterRemove}`)).toBe(true);
  });
  it('sets the Electron fuses after packing, the ones the README names', () => {
    expect(config.afterPack).toBe('scripts/after-pack.cjs');
    const hook = createRequire(import.meta.url)(`${ROOT}${config.afterPack}`) as { FUSES: Record<string, boolean>; default: unknown };
    expect(hook.default).toBeTypeOf('function');
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Building installers'), readme.indexOf('\n## ', readme.indexOf('## Building installers') + 1));
    const listed = Object.fromEntries([...section.matchAll(/`(\w+)` (on|off)\b/g)].map((m) => [m[1], m[2] === 'on']));
    expect(listed).toEqual(hook.FUSES);
    expect(hook.FUSES).toMatchObject({ RunAsNode: false, EnableCookieEncryption: true, OnlyLoadAppFromAsar: true });
  });
  it('opens .dcnnproj files', () => {
    expect(config.fileAssociations.map((a) => a.ext)).toContain('dcnnproj');
  });
  it('the Electron entry points it packages are built by `npm run build`', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/main/app.js');
    expect(pkg.scripts.build).toContain('scripts/build-electron.mjs');
    const script = readFileSync(`${ROOT}scripts/build-electron.mjs`, 'utf8');
    expect(script).toContain("outfile: 'dist/preload/preload.cjs'");
    expect(script).toContain("outfile: 'dist/main/app.js'");
  });
});
