// The runs table as the CLI prints it (`dcnn runs exp.dcnnproj --json`). Opening the
// project first settles runs whose process died, so they show as 'interrupted'.

import { openProject, type Project } from './project.js';
import type { RunStatus } from './run-status.js';

export interface RunsReportRow {
  id: number;
  status: RunStatus;
  /** Device id, e.g. "sim-speck2fdevkit:0". */
  device: string;
  model_version: number;
  /** ISO 8601 times (UTC). */
  started: string;
  ended: string | null;
  events_in: number;
  events_out: number;
}

export interface RunsReport {
  runs: RunsReportRow[];
}

export function runsReport(project: Project): RunsReport {
  return {
    runs: project.listRuns().map((r) => ({
      id: r.id,
      status: r.status,
      device: r.deviceId,
      model_version: r.modelVersionId,
      started: r.startedAt,
      ended: r.endedAt,
      events_in: r.eventsIn,
      events_out: r.eventsOut,
    })),
  };
}

/** Opens the project (never creating it), reports its runs and closes it. */
export function runsReportOfFile(path: string): RunsReport {
  const project = openProject(path);
  try {
    return runsReport(project);
  } finally {
    project.close();
  }
}
