// Silent damage inside a recording chunk: 200 bytes flipped inside one chunk's blob pass
// SQLite's integrity_check (the b-tree is intact) and used to decode into wrong events.
// Every chunk now carries an XXH32 checksum; the damaged chunk is reported with its run,
// stream and time range, the others still read, `dcnn check` lists it, and `replay` and
// `export` exit non-zero naming it. Chunks written before schema 6 (no checksum) read as before.

import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../../main/store/project.js';
import { checkProject, projectIsSound } from '../../../main/store/project-check.js';
import { RecordingDamagedError } from '../../../main/store/recording-reader.js';
import { firstMismatch, makeTempDirs, MODEL, streamBatch, streamEvent } from './store-fixtures.js';

const temp = makeTempDirs();
afterEach(() => temp.cleanup());
const exec = promisify(execFile);
const DCNN = fileURLToPath(new URL('../../../bin/dcnn.js', import.meta.url));

/** A project with one run: 1000 input events of the test stream in 10 chunks of 100. */
function recorded(): { path: string; runId: number } {
  const path = join(temp.make(), 'sums.dcnnproj');
  const project = openProject(path, { create: true });
  const mv = project.addModelVersion(MODEL).id;
  const rec = project.startRun({ modelVersionId: mv, deviceId: 'sim-speck2fdevkit:0', deviceType: 'speck2fdevkit', monitorLayers: [0], recording: { chunkEvents: 100 } });
  rec.recordInput(streamBatch(0, 1000));
  rec.finish({ status: 'completed' });
  project.close();
  return { path, runId: rec.runId };
}

/** XORs 200 bytes of chunk `seq`'s blob from byte 24 (past the column header), same length. */
function flipBytes(path: string, seq: number): void {
  const db = new Database(path);
  const row = db.prepare(`SELECT d.chunk_id AS id, d.bytes AS bytes FROM chunks c JOIN chunk_data d ON d.chunk_id = c.id WHERE c.seq = ? AND c.recording_id = 1`).get(seq) as { id: number; bytes: Buffer };
  const bytes = Buffer.from(row.bytes);
  for (let i = 24; i < 224; i++) bytes[i]! ^= 0x5a;
  db.prepare('UPDATE chunk_data SET bytes = ? WHERE chunk_id = ?').run(bytes, row.id);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
}

describe('chunk checksums', () => {
  it('a chunk with flipped bytes is reported with run, stream and time range; the other chunks read', () => {
    const { path, runId } = recorded();
    flipBytes(path, 3);
    const project = openProject(path);
    const reader = project.openRecording(runId, 'input');
    let damage: unknown = null;
    try {
      reader.loadChunk(3);
    } catch (e) {
      damage = e;
    }
    expect(damage).toBeInstanceOf(RecordingDamagedError);
    const d = damage as RecordingDamagedError;
    // Chunk 3 holds events 300..399: t = 1000 + 7 * floor(i / 3) = 1700 .. 1931 µs.
    expect(d).toMatchObject({ runId, stream: 'input', seq: 3, range: { tFirst: 1700, tLast: 1931, count: 100 } });
    expect(d.message).toContain('checksum mismatch');
    expect(d.message).toContain('from 1700 to 1931 µs');
    for (const seq of [0, 1, 2, 4, 5, 9]) expect(firstMismatch(reader.loadChunk(seq), seq * 100)).toBe(-1);
    // Reading from after the damaged range gives the rest of the recording (event 400
    // shares chunk 3's last timestamp, 1931 µs; event 402 is the first at 1938 µs).
    const rest = [...reader.read(streamEvent(402).t)];
    expect(rest.reduce((n, b) => n + b.length, 0)).toBe(598);
    expect(firstMismatch(rest[0]!, 402)).toBe(-1);
    const report = checkProject(project);
    expect(report).toMatchObject({ integrity: ['ok'], runs: 1, chunks: 10, checksummed: 10, events: 900 });
    expect(report.damaged.map((x) => x.seq)).toEqual([3]);
    expect(projectIsSound(report)).toBe(false);
    project.close();
  });

  it('chunks without a checksum (written before schema 6) read as before', () => {
    const { path, runId } = recorded();
    const db = new Database(path);
    db.exec('UPDATE chunks SET checksum = NULL');
    db.close();
    const project = openProject(path);
    const events = [...project.openRecording(runId, 'input').read()];
    expect(events.reduce((n, b) => n + b.length, 0)).toBe(1000);
    expect(checkProject(project)).toMatchObject({ chunks: 10, checksummed: 0, events: 1000, damaged: [] });
    project.close();
  });

  it('dcnn check, replay and export exit 1 naming the damaged chunk; check is 0 on a sound project', async () => {
    const { path } = recorded();
    const run = async (args: string[]) => {
      try {
        const { stdout, stderr } = await exec(process.execPath, [DCNN, ...args]);
        return { code: 0, stdout, stderr };
      } catch (e) {
        return e as { code: number; stdout: string; stderr: string };
      }
    };
    const sound = await run(['check', path]);
    expect(sound.code).toBe(0);
    expect(sound.stdout).toContain('10 chunks (10 with checksums), 1000 events read back');
    flipBytes(path, 3);
    const check = await run(['check', path, '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: false, integrity: ['ok'], damaged: [{ run: 1, stream: 'input', chunk: 3, t_first: 1700, t_last: 1931, events: 100 }] });
    const replay = await run(['replay', path, '1', '--stream', 'input', '--speed', 'max']);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('run 1, input recording: chunk 3 is damaged');
    const exported = await run(['export', path, '1', '--stream', 'input', '--out', join(temp.make(), 'in.csv')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('chunk 3 is damaged');
  });
});
