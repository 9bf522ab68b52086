// Errors of the device layer, as classes carrying their data (which device, which run,
// which devices exist) with a message that tells a lab user what to do. Drivers and the
// manager throw these; the CLI, IPC and UI show `message` or read the fields.

export interface DeviceHold {
  runId: string;
  /** ISO time the run opened the device. */
  since: string;
}

function listOr(ids: readonly string[], none: string): string {
  return ids.length > 0 ? ids.join(', ') : none;
}

/** An id naming no device that is there: unknown type, or known type but not connected. */
export class DeviceNotFoundError extends Error {
  override readonly name = 'DeviceNotFoundError';
  readonly code = 'DEVICE_NOT_FOUND';
  constructor(
    /** Standardized id that was asked for. */
    readonly id: string,
    readonly reason: 'unknown-type' | 'not-connected' | 'no-virtual-of-type',
    /** Ids of the devices that are there. */
    readonly available: readonly string[],
    /** For `unknown-type` and `no-virtual-of-type`: the type keys that would be accepted. */
    readonly knownTypes: readonly string[] = [],
  ) {
    const there = `Devices there: ${listOr(available, 'none')}.`;
    let text: string;
    if (reason === 'unknown-type') {
      const type = id.replace(/^sim-/, '').replace(/:\d+$/, '');
      text = `Device ${id} has not been found: "${type}" is not a known device type (known: ${knownTypes.join(', ')}). ${there}`;
    } else if (reason === 'no-virtual-of-type') {
      text = `Device ${id} has not been found: virtual devkits exist only for deployable types (${knownTypes.join(', ')}). ${there}`;
    } else {
      text = `Device ${id} has not been found. Make sure it is connected. ${there}`;
    }
    super(text);
  }
}

/** The device is held by another run (or, for remove/reset, by any run). */
export class DeviceBusyError extends Error {
  override readonly name = 'DeviceBusyError';
  readonly code = 'DEVICE_BUSY';
  constructor(
    readonly id: string,
    readonly heldBy: DeviceHold,
    readonly action: 'open' | 'remove' | 'reset' | 'release',
    readonly requestedBy: string | null,
  ) {
    const by = requestedBy ? ` by run ${requestedBy}` : '';
    const what = { open: 'cannot be opened', remove: 'cannot be removed', reset: 'cannot be reset', release: 'cannot be released' }[action] + by;
    const todo =
      action === 'remove'
        ? 'Stop that run first (or remove it as an unplug, which ends the run).'
        : 'Wait for that run to end or stop it, or use another device.';
    super(`Device ${id} is busy and ${what}: run ${heldBy.runId} has it open since ${heldBy.since}. ${todo}`);
  }
}

/** `removeVirtual` was given a real board's id. */
export class NotAVirtualDevkitError extends Error {
  override readonly name = 'NotAVirtualDevkitError';
  readonly code = 'NOT_A_VIRTUAL_DEVKIT';
  constructor(readonly id: string) {
    super(`${id} is a real board: only virtual devkits (sim-TYPE:INDEX) can be added and removed; unplug a real board to remove it.`);
  }
}

/** Real boards need SynSense's vendor protocol (samna), which the workbench does not include. */
export class VendorProtocolUnavailableError extends Error {
  override readonly name = 'VendorProtocolUnavailableError';
  readonly code = 'VENDOR_PROTOCOL_UNAVAILABLE';
  constructor(
    readonly id: string,
    readonly type: string,
    /** Whether a virtual devkit of this type exists (deployable types). */
    readonly virtualAlternative: string | null,
  ) {
    const instead = virtualAlternative
      ? `Use a virtual devkit (${virtualAlternative}) to run the model, or record the input and replay it on the board with SynSense's own tools.`
      : `This type is not deployable, so there is no virtual devkit for it either.`;
    super(`Opening ${id} needs SynSense's vendor protocol (samna), which this workbench does not include yet. ${instead}`);
  }
}

/** A virtual devkit was asked for a type the workbench cannot build configurations for. */
export class DeviceTypeNotDeployableError extends Error {
  override readonly name = 'DeviceTypeNotDeployableError';
  readonly code = 'NOT_DEPLOYABLE';
  constructor(
    readonly type: string,
    readonly reason: string,
    readonly deployable: readonly string[],
  ) {
    super(`"${type}" is not deployable: ${reason} Virtual devkits exist for: ${deployable.join(', ')}.`);
  }
}

/** A configuration built for one chip family written to a device of another. */
export class ConfigFamilyMismatchError extends Error {
  override readonly name = 'ConfigFamilyMismatchError';
  readonly code = 'CONFIG_FAMILY_MISMATCH';
  constructor(
    readonly id: string,
    readonly deviceFamily: string,
    readonly configFamily: string,
  ) {
    super(
      `The configuration was built for the ${configFamily} family, but ${id} is a ${deviceFamily} device. Compile the model for ${id}'s type (or pick a ${configFamily} device) and deploy again.`,
    );
  }
}

/** An operation on a device that has gone away (unplugged, removed, or its worker died). */
export class DeviceDisconnectedError extends Error {
  override readonly name = 'DeviceDisconnectedError';
  readonly code = 'DEVICE_DISCONNECTED';
  constructor(
    readonly id: string,
    readonly reason: string,
  ) {
    super(`Device ${id} is no longer available (${reason}). Plug it in again (or pick another device) and start a new run.`);
  }
}

/** An operation that needs an open device (or one that needs a configuration first). */
export class DeviceStateError extends Error {
  override readonly name = 'DeviceStateError';
  readonly code = 'DEVICE_NOT_READY';
  constructor(
    readonly id: string,
    readonly state: 'closed' | 'not-configured',
  ) {
    super(state === 'closed' ? `Device ${id} is not open: open it before using it.` : `Device ${id} has no configuration yet: deploy a model (writeConfig) first.`);
  }
}
