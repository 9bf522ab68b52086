// Who is writing a run, and whether that writer still exists. A run is 'running' only
// while its recorder is alive; a project opened after the writer died must show the run
// as interrupted. The owner is identified by host name, process id, and on Linux the boot
// id and the process start time (so a reused pid after a reboot or a restart is not
// mistaken for the writer). Runs owned by another host are left alone: a process on
// another machine cannot be checked from here.

import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface RunOwner {
  host: string;
  pid: number;
  /** Linux boot id, null elsewhere. */
  boot: string | null;
  /** Process start time in clock ticks since boot (Linux), null elsewhere. */
  start: string | null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

interface ProcStat {
  state: string;
  start: string;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat; the name (field 2) may hold spaces. */
function procStat(pid: number): ProcStat | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0];
  const start = rest[19];
  return state !== undefined && start !== undefined ? { state, start } : null;
}

let self: RunOwner | null = null;

export function currentOwner(): RunOwner {
  if (!self) {
    self = {
      host: hostname(),
      pid: process.pid,
      boot: readText('/proc/sys/kernel/random/boot_id')?.trim() ?? null,
      start: procStat(process.pid)?.start ?? null,
    };
  }
  return self;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * 'alive', 'gone', or 'unknown' (another host). `liveInThisProcess` answers for runs owned
 * by this very process, which only the process itself knows (its open recorders).
 */
export function ownerState(owner: RunOwner, liveInThisProcess: () => boolean): 'alive' | 'gone' | 'unknown' {
  const me = currentOwner();
  if (owner.host !== me.host) return 'unknown';
  if (owner.boot !== null && me.boot !== null && owner.boot !== me.boot) return 'gone';
  if (owner.pid === me.pid && (owner.start === null || owner.start === me.start)) return liveInThisProcess() ? 'alive' : 'gone';
  if (!processExists(owner.pid)) return 'gone';
  const stat = procStat(owner.pid);
  if (stat) {
    // A zombie has ended; a different start time means the pid was reused.
    if (stat.state === 'Z' || stat.state === 'X') return 'gone';
    if (owner.start !== null && stat.start !== owner.start) return 'gone';
  }
  return 'alive';
}
