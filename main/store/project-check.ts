// Verifies a whole project: SQLite's integrity_check over every page, then every chunk of
// every recording read back (checksum where the chunk has one, then decoding against its
// index row). Reports each damaged chunk with its run, stream and time range instead of
// stopping at the first, so a user knows exactly what is lost. Reads only.

import type { Project } from './project.js';
import { RecordingDamagedError } from './recording-reader.js';
import { RECORDING_STREAMS } from './recording-writer.js';

export interface ProjectCheckReport {
  /** integrity_check's rows: ['ok'] when the file's structure is sound. */
  integrity: string[];
  runs: number;
  chunks: number;
  /** Chunks checked against a stored checksum (the others predate schema 6). */
  checksummed: number;
  events: number;
  damaged: RecordingDamagedError[];
}

export function checkProject(project: Project): ProjectCheckReport {
  const integrity = project.integrityCheck();
  const report: ProjectCheckReport = { integrity, runs: 0, chunks: 0, checksummed: 0, events: 0, damaged: [] };
  for (const run of project.listRuns()) {
    report.runs++;
    for (const stream of RECORDING_STREAMS) {
      const reader = project.openRecording(run.id, stream);
      for (let seq = 0; seq < reader.chunkCount; seq++) {
        report.chunks++;
        const info = reader.chunkInfo(seq);
        if (info?.checksum != null) report.checksummed++;
        try {
          report.events += reader.loadChunk(seq).length;
        } catch (e) {
          if (e instanceof RecordingDamagedError) report.damaged.push(e);
          else if (e instanceof RangeError) report.damaged.push(new RecordingDamagedError(run.id, stream, seq, 'its index row is missing'));
          else throw e;
        }
      }
    }
  }
  return report;
}

export function projectIsSound(report: ProjectCheckReport): boolean {
  return report.damaged.length === 0 && report.integrity.length === 1 && report.integrity[0] === 'ok';
}
