import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { concatBatches } from '../../../main/common/spike-batch.js';
import { openProject } from '../../../main/store/project.js';
import { runsReportOfFile } from '../../../main/store/runs-report.js';
import { firstMismatch, makeTempDirs } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());

const CHILD = fileURLToPath(new URL('./crash-recording-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the child until `killWhen` says so, kills it with SIGKILL and waits for it to be gone. */
async function recordAndKill(path: string, mode: 'pause' | 'flood', killWhen: (line: string) => boolean): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, mode], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    if (killWhen(line)) {
      child.kill('SIGKILL');
      break;
    }
  }
  const end = await exited;
  if (end.signal !== 'SIGKILL') throw new Error(`child ended with code ${end.code} before it was killed:\n${stderr}`);
  return lines;
}

function integrityCheck(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('a recording process killed with SIGKILL', () => {
  it('leaves a project whose run is interrupted and holds exactly the committed events', async () => {
    const path = join(temp.make(), 'killed.dcnnproj');
    const lines = await recordAndKill(path, 'pause', (l) => l.startsWith('ready'));
    const [committedIn, committedOut, acceptedIn, acceptedOut] = lines.at(-1)!.split(' ').slice(1).map(Number);
    // 5250 input events fed in chunks of 1000: 5000 committed, 250 lost with the process.
    expect([committedIn, committedOut, acceptedIn, acceptedOut]).toEqual([5000, 2000, 5250, 2625]);
    expect(existsSync(`${path}-wal`)).toBe(true);

    const project = openProject(path);
    expect(project.interruptedOnOpen).toEqual([1]);
    const run = project.getRun(1)!;
    expect(run).toMatchObject({ status: 'interrupted', reason: 'crashed', message: 'the workbench process ended during the run', eventsIn: 5000, eventsOut: 2000 });
    expect(run.endedAt).not.toBeNull();
    for (const [stream, count] of [['input', 5000], ['output', 2000]] as const) {
      const reader = project.openRecording(1, stream);
      expect(reader.count).toBe(count);
      const all = concatBatches([...reader.read()]);
      expect(all.length).toBe(count);
      expect(firstMismatch(all, 0)).toBe(-1);
    }
    project.close();
    expect(integrityCheck(path)).toBe('ok');
    // Opening again changes nothing more.
    const again = openProject(path);
    expect(again.interruptedOnOpen).toEqual([]);
    again.close();
  });

  it('while recording at full speed: every event it reported committed is there, consistent with the counters', async () => {
    const path = join(temp.make(), 'flood.dcnnproj');
    const lines = await recordAndKill(path, 'flood', (l) => l.startsWith('committed') && Number(l.split(' ')[1]) >= 50_000);
    const [reportedIn, reportedOut] = lines.at(-1)!.split(' ').slice(1).map(Number) as [number, number];

    // This is what `dcnn runs exp.dcnnproj --json` prints.
    const report = runsReportOfFile(path);
    expect(report.runs).toHaveLength(1);
    expect(Object.keys(report.runs[0]!).sort()).toEqual(['device', 'ended', 'events_in', 'events_out', 'id', 'model_version', 'started', 'status']);
    expect(report.runs[0]).toMatchObject({ id: 1, status: 'interrupted', device: 'sim-speck2fdevkit:0', model_version: 1 });
    const { events_in: eventsIn, events_out: eventsOut } = report.runs[0]!;
    // The process may have committed more after its last line, never less; whole chunks only.
    expect(eventsIn).toBeGreaterThanOrEqual(reportedIn);
    expect(eventsOut).toBeGreaterThanOrEqual(reportedOut);
    expect(eventsIn % 1000).toBe(0);
    expect(eventsOut % 1000).toBe(0);

    const project = openProject(path);
    for (const [stream, count] of [['input', eventsIn], ['output', eventsOut]] as const) {
      const reader = project.openRecording(1, stream);
      expect(reader.count).toBe(count);
      const all = concatBatches([...reader.read()]);
      expect(all.length).toBe(count);
      expect(firstMismatch(all, 0)).toBe(-1);
    }
    project.close();
    expect(integrityCheck(path)).toBe('ok');
  });
});
