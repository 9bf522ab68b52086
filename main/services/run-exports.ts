// Exports of recorded runs for the UI's download: the project's thread writes the file
// (.npy, CSV, AEDAT4, HDF5; chunk by chunk, see main/store/recording-export.ts) into a
// folder of its own, and the window reads it back in pieces of EXPORT_PIECE_BYTES, so
// neither the host nor a message ever holds a long recording whole. A file is removed
// when its last piece has been read, when it is left unread for a while, or at shutdown.

import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_PIECE_BYTES, type RunExportRequest, type RunExportView } from '../../preload/api.js';
import { RECORDING_FILE_EXTENSIONS } from '../store/recording-export.js';
import type { ProjectStore } from '../store/project-store.js';
import { ServiceError } from './service-error.js';

/** An export not read for this long is removed (a window closed mid-download). */
const UNREAD_MS = 10 * 60 * 1000;

interface HeldExport {
  path: string;
  bytes: number;
  timer: NodeJS.Timeout;
}

export class RunExports {
  private readonly held = new Map<string, HeldExport>();
  private folder: Promise<string> | null = null;

  async start(project: ProjectStore, req: RunExportRequest): Promise<RunExportView> {
    const run = await project.getRun(req.runId);
    if (!run) throw new ServiceError('UNKNOWN_RUN', `run ${req.runId} does not exist in this project`);
    this.folder ??= mkdtemp(join(tmpdir(), 'dcnn-exports-'));
    const exportId = randomUUID();
    const name = `run-${req.runId}-${req.stream}${RECORDING_FILE_EXTENSIONS[req.format]}`;
    const path = join(await this.folder, `${exportId}${RECORDING_FILE_EXTENSIONS[req.format]}`);
    const result = await project.writeRecordingFile(req.runId, req.stream, path, { format: req.format });
    const bytes = (await stat(path)).size;
    this.held.set(exportId, { path, bytes, timer: this.expiry(exportId) });
    return { exportId, name, bytes, events: result.events };
  }

  async read(exportId: string, offset: number): Promise<{ bytes: Uint8Array; done: boolean }> {
    const e = this.held.get(exportId);
    if (!e) throw new ServiceError('UNKNOWN_EXPORT', 'this export is no longer there (it was read to the end, or left unread for 10 minutes): export the run again');
    clearTimeout(e.timer);
    const length = Math.max(0, Math.min(EXPORT_PIECE_BYTES, e.bytes - offset));
    const bytes = new Uint8Array(length);
    const f = await open(e.path, 'r');
    try {
      let done = 0;
      while (done < length) {
        const { bytesRead } = await f.read(bytes, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } finally {
      await f.close();
    }
    const last = offset + length >= e.bytes;
    if (last) await this.drop(exportId);
    else e.timer = this.expiry(exportId);
    return { bytes, done: last };
  }

  async dispose(): Promise<void> {
    for (const id of [...this.held.keys()]) await this.drop(id);
    if (this.folder) await rm(await this.folder, { recursive: true, force: true });
    this.folder = null;
  }

  private expiry(exportId: string): NodeJS.Timeout {
    const t = setTimeout(() => void this.drop(exportId), UNREAD_MS);
    t.unref();
    return t;
  }

  private async drop(exportId: string): Promise<void> {
    const e = this.held.get(exportId);
    if (!e) return;
    this.held.delete(exportId);
    clearTimeout(e.timer);
    await rm(e.path, { force: true });
  }
}
