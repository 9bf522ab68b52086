// The states a run can be in and why an unfinished run stopped, as data: the schema's
// CHECK constraint, the recorder, the UI and the CLI all read these tables.

// 'stopped': the user ended the run (Stop, Ctrl-C). 'interrupted' is kept for runs that
// ended for a reason outside the user's hands (the device went, the process died).
export const RUN_STATUSES = ['running', 'completed', 'stopped', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Relation of a run that fed an earlier run's recorded input through another model or device. */
export const RERUN_RELATION = 're-run';

/** A run that ended early for a reason outside the model: each reason with its text. */
export const INTERRUPT_REASONS = {
  'device-unplugged': 'the device was unplugged during the run',
  cancelled: 'the run was cancelled',
  crashed: 'the workbench process ended during the run',
  'disk-full': 'the disk holding the project is full',
} as const;
export type InterruptReason = keyof typeof INTERRUPT_REASONS;

export function isInterruptReason(value: string): value is InterruptReason {
  return Object.hasOwn(INTERRUPT_REASONS, value);
}

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

/** How a recorder ends a run (a run never ends as 'running'). */
export type RunEnding =
  | { status: 'completed' }
  | { status: 'stopped'; message?: string }
  | { status: 'interrupted'; reason: InterruptReason; message?: string }
  | { status: 'failed'; message: string };

/**
 * How a run ends when its device goes away (the reasons of DeviceDriver.onDisconnect in
 * main/devices/driver.ts); unknown reasons count as an unplug.
 */
const DISCONNECT_ENDINGS: Readonly<Record<string, { reason: InterruptReason; message: string }>> = {
  'device-unplugged': { reason: 'device-unplugged', message: INTERRUPT_REASONS['device-unplugged'] },
  'worker-exited': { reason: 'crashed', message: "the virtual devkit's simulator thread ended during the run" },
  'manager-disposed': { reason: 'cancelled', message: 'the workbench shut down during the run' },
  'bridge-exited': { reason: 'crashed', message: "the board's samna bridge process ended or stopped answering during the run" },
};

export function endingForDisconnect(disconnectReason: string): RunEnding {
  const known = Object.hasOwn(DISCONNECT_ENDINGS, disconnectReason) ? DISCONNECT_ENDINGS[disconnectReason] : undefined;
  return known
    ? { status: 'interrupted', reason: known.reason, message: known.message }
    : { status: 'interrupted', reason: 'device-unplugged', message: `the device went away during the run (${disconnectReason})` };
}

/** The interrupt reason an ending carries (null for every other ending). */
export function endingReason(ending: RunEnding): InterruptReason | null {
  return ending.status === 'interrupted' ? ending.reason : null;
}
