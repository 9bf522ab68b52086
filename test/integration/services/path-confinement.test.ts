// In web mode, project paths stay under the data folder and the --allow-dir folders
// (issue 15, item 9): the web API used to create files and folders anywhere (`../`
// included), and its errors told whether a file outside existed and what it held. The
// desktop app and the CLI stay unconfined.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ReplyEnvelope } from '../../../preload/client-api.js';
import type { Dispatcher } from '../../../main/ipc/dispatcher.js';
import { createWorkbenchDispatcher } from '../../../main/ipc/workbench-dispatcher.js';
import { webCommand } from '../../../main/cli/commands/web.js';
import { decodeWire, encodeWire } from '../../../main/common/wire-codec.js';
import { createServices, type Services } from '../../../main/services/compose.js';
import { OUTSIDE_DATA_MESSAGE, confineTo } from '../../../main/services/path-confinement.js';

let root: string;
let dataDir: string;
let extraDir: string;
let outside: string;
let services: Services;
let web: Dispatcher;
const startCwd = process.cwd();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dcnn-confine-'));
  dataDir = join(root, 'data');
  extraDir = join(root, 'extra');
  outside = join(root, 'outside');
  for (const d of [dataDir, extraDir, outside]) mkdirSync(d);
  // Whatever a relative path would escape to stays inside `root`, even on a build without the confinement.
  mkdirSync(join(root, 'cwd'));
  process.chdir(join(root, 'cwd'));
  // An outside file whose existence and content a refusal must not reveal.
  writeFileSync(join(outside, 'real.dcnnproj'), 'not a project, but it exists');
  symlinkSync(outside, join(dataDir, 'link-out'), 'dir');
  symlinkSync(join(outside, 'real.dcnnproj'), join(dataDir, 'file-link.dcnnproj'));
  symlinkSync(join(outside, 'later.dcnnproj'), join(dataDir, 'dangling.dcnnproj'));
  services = await createServices({ dataDir, mode: 'web', usb: false, samna: false, hotplug: false, allowDirs: [extraDir] });
  web = createWorkbenchDispatcher(services, () => undefined);
});

afterAll(async () => {
  process.chdir(startCwd);
  await services.dispose();
  rmSync(root, { recursive: true, force: true });
});

function refusal(reply: ReplyEnvelope): { code: string; message: string } {
  if (reply.ok) throw new Error('the request succeeded; a refusal was expected');
  return { code: reply.error.code, message: reply.error.message };
}

const OUTSIDE = { code: 'PATH_OUTSIDE_DATA', message: OUTSIDE_DATA_MESSAGE };

describe('web mode: project.new', () => {
  it('refuses ../ and absolute paths outside, creating no file and no folder', async () => {
    for (const path of ['../x.dcnnproj', join(dataDir, '..', 'y.dcnnproj'), join(outside, 'a.dcnnproj'), join(outside, 'deep', 'er', 'b.dcnnproj')]) {
      expect(refusal(await web.dispatch('project.new', { name: 'escape', path })), path).toEqual(OUTSIDE);
    }
    expect(readdirSync(root).sort()).toEqual(['cwd', 'data', 'extra', 'outside']);
    expect(readdirSync(join(root, 'cwd'))).toEqual([]);
    expect(readdirSync(outside)).toEqual(['real.dcnnproj']);
  });

  it('refuses symlinks inside the data folder that lead outside, dangling ones included', async () => {
    for (const path of [join(dataDir, 'link-out', 'c.dcnnproj'), join(dataDir, 'dangling.dcnnproj'), 'link-out/d.dcnnproj']) {
      expect(refusal(await web.dispatch('project.new', { name: 'via link', path })), path).toEqual(OUTSIDE);
    }
    expect(readdirSync(outside)).toEqual(['real.dcnnproj']);
  });

  it('creates projects in the data folder (relative paths taken from it) and in an --allow-dir folder', async () => {
    const inData = await web.dispatch('project.new', { name: 'in data', path: 'projects/in-data.dcnnproj' });
    expect(inData.ok).toBe(true);
    expect(existsSync(join(dataDir, 'projects', 'in-data.dcnnproj'))).toBe(true);
    const inExtra = await web.dispatch('project.new', { name: 'in extra', path: join(extraDir, 'sub', 'in-extra.dcnnproj') });
    expect(inExtra.ok).toBe(true);
    expect(existsSync(join(extraDir, 'sub', 'in-extra.dcnnproj'))).toBe(true);
    expect((await web.dispatch('project.open', { path: join(dataDir, 'projects', 'in-data.dcnnproj') })).ok).toBe(true);
    expect((await web.dispatch('project.open', { path: join(extraDir, 'sub', 'in-extra.dcnnproj') })).ok).toBe(true);
    // `..` that stays inside is fine: it is resolved before anything is looked at.
    expect((await web.dispatch('project.open', { path: join(extraDir, 'sub', '..', 'sub', 'in-extra.dcnnproj') })).ok).toBe(true);
  });
});

describe('web mode: project.open', () => {
  it('gives one answer for an existing file, a missing one and /etc/shadow, naming none of them', async () => {
    const answers = [];
    for (const path of ['/etc/shadow', join(outside, 'real.dcnnproj'), join(outside, 'missing.dcnnproj'), join(dataDir, 'file-link.dcnnproj'), join(dataDir, 'link-out', 'real.dcnnproj')]) {
      answers.push(refusal(await web.dispatch('project.open', { path })));
    }
    for (const a of answers) expect(a).toEqual(OUTSIDE);
    expect(OUTSIDE_DATA_MESSAGE).not.toMatch(/shadow|outside|real|missing/);
  });

  it('leaves projects it may not open out of the recent list', async () => {
    services.appDb.noteProjectOpened(join(outside, 'real.dcnnproj'), 'outside');
    const recent = await web.dispatch('project.recent', {});
    if (!recent.ok) throw new Error(recent.error.message);
    const paths = (recent.value as { path: string }[]).map((r) => r.path);
    expect(paths).not.toContain(join(outside, 'real.dcnnproj'));
    expect(paths).toContain(join(dataDir, 'projects', 'in-data.dcnnproj'));
  });
});

describe('CLI mode', () => {
  it('stays unconfined: a project anywhere the user names', async () => {
    const cliData = join(root, 'cli-data');
    const cli = await createServices({ dataDir: cliData, mode: 'cli', usb: false, samna: false, hotplug: false });
    try {
      const path = join(outside, 'cli.dcnnproj');
      const view = await cli.projects.create({ name: 'cli', path });
      expect(view.path).toBe(path);
      await cli.projects.open(path);
      expect(cli.projects.recent().map((r) => r.path)).toContain(path);
    } finally {
      await cli.dispose();
      rmSync(join(outside, 'cli.dcnnproj'), { force: true });
      rmSync(cliData, { recursive: true, force: true });
    }
  });
});

describe('confineTo', () => {
  it('does not take a sibling with the same prefix for the folder', () => {
    const c = confineTo([dataDir]);
    expect(c.allows(join(root, 'data-other', 'x.dcnnproj'))).toBe(false);
    expect(c.allows(join(dataDir, '..data', 'x.dcnnproj'))).toBe(true);
    expect(() => c.check('/')).toThrow(OUTSIDE_DATA_MESSAGE);
  });
});

describe('dcnn web --allow-dir', () => {
  it('passes its folders (and the --project file) to the web API, refuses a folder that does not exist', async () => {
    const cmdData = join(root, 'cmd-data');
    const given = join(outside, 'given.dcnnproj');
    const cli = await createServices({ dataDir: join(root, 'cmd-cli'), mode: 'cli', usb: false, samna: false, hotplug: false });
    await cli.projects.create({ name: 'given', path: given });
    await cli.dispose();

    await expect(webCommand(['--port', '0', '--data-dir', cmdData, '--no-usb', '--allow-dir', join(root, 'nope')], { out: () => undefined, err: () => undefined, cwd: root })).rejects.toThrow(
      /--allow-dir .*nope: no such folder/,
    );

    let stop: () => void = () => undefined;
    const interrupted = new Promise<void>((r) => (stop = r));
    let printed: (url: string) => void = () => undefined;
    const urlPrinted = new Promise<string>((r) => (printed = r));
    const io = { out: (t: string) => printed(/(http:\S+)/.exec(t)?.[1] ?? ''), err: () => undefined, cwd: root, interrupted };
    const command = webCommand(['--port', '0', '--data-dir', cmdData, '--no-usb', '--allow-dir', 'extra', '--project', given], io);
    const url = await Promise.race([urlPrinted, command.then((code) => Promise.reject(new Error(`dcnn web exited with ${code} before printing its URL`)))]);
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const replies = new Map<number, ReplyEnvelope>();
    const waiting = new Map<number, () => void>();
    ws.on('message', (data: Buffer, isBinary) => {
      const m = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8'));
      if (m.t === 'res') {
        replies.set(m.id, m.reply as ReplyEnvelope);
        waiting.get(m.id)?.();
      }
    });
    let id = 0;
    const call = (channel: string, payload: unknown) =>
      new Promise<ReplyEnvelope>((resolve) => {
        const n = ++id;
        waiting.set(n, () => resolve(replies.get(n)!));
        ws.send(encodeWire({ t: 'req', id: n, channel, payload }));
      });
    try {
      expect((await call('project.new', { name: 'allowed', path: join(extraDir, 'cmd.dcnnproj') })).ok).toBe(true);
      expect((await call('project.open', { path: given })).ok).toBe(true);
      expect(refusal(await call('project.new', { name: 'no', path: join(outside, 'cmd.dcnnproj') }))).toEqual(OUTSIDE);
      expect(existsSync(join(outside, 'cmd.dcnnproj'))).toBe(false);
    } finally {
      ws.close();
      stop();
      expect(await command).toBe(0);
    }
  });
});
