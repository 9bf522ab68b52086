// Device ids `TYPE:INDEX` (and `sim-TYPE:INDEX` for virtual devkits): parsing and the
// standard form (devices.md §1, TC-49). It only reads the text; whether the type is known
// or the device is connected is the device manager's question.
//
// Deviations from the reference's `parse_device_id` (Python), on purpose:
// - surrounding whitespace is trimmed, from the whole id and from each part;
// - the type is case-folded (`Speck2fDevKit:1` = `speck2fdevkit:1`);
// - the index must be decimal digits only (`^[0-9]+$` after trimming): Python's int()
//   also takes a sign, digit underscores and inner spaces, which an id should not;
//   leading zeros are still accepted (`speck2f:00` = `speck2f:0`).
// - a `sim-` prefix marks a virtual devkit (`sim-speck2fdevkit` = `sim-speck2fdevkit:0`).

export const VIRTUAL_PREFIX = 'sim-';

export interface ParsedDeviceId {
  /** Type key without the `sim-` prefix, case-folded. */
  type: string;
  index: number;
  /** True for `sim-` ids (virtual devkits). */
  virtual: boolean;
}

export type DeviceIdProblem = 'too-many-parts' | 'empty-type' | 'bad-index';

/** An id whose text cannot be read; `problem` says which part is wrong. */
export class DeviceIdSyntaxError extends Error {
  override readonly name = 'DeviceIdSyntaxError';
  readonly code = 'BAD_DEVICE_ID';
  constructor(
    readonly input: string,
    readonly problem: DeviceIdProblem,
  ) {
    super(syntaxMessage(input, problem));
  }
}

const UNDERSTOOD = 'Device id not understood. A string of form `device_type:index` expected.';

function syntaxMessage(input: string, problem: DeviceIdProblem): string {
  switch (problem) {
    case 'too-many-parts':
      return UNDERSTOOD;
    case 'empty-type':
      return `${UNDERSTOOD} ${JSON.stringify(input)} has no device type before the colon.`;
    case 'bad-index':
      return `${UNDERSTOOD} The index in ${JSON.stringify(input)} must be a whole number written with digits (0, 1, 2, ...).`;
  }
}

export function parseDeviceId(input: string): ParsedDeviceId {
  const parts = input.trim().split(':');
  if (parts.length > 2) throw new DeviceIdSyntaxError(input, 'too-many-parts');
  let type = (parts[0] ?? '').trim().toLowerCase();
  let index = 0;
  if (parts.length === 2) {
    const text = (parts[1] ?? '').trim();
    if (!/^[0-9]+$/.test(text)) throw new DeviceIdSyntaxError(input, 'bad-index');
    index = Number(text);
    if (!Number.isSafeInteger(index)) throw new DeviceIdSyntaxError(input, 'bad-index');
  }
  const virtual = type.startsWith(VIRTUAL_PREFIX);
  if (virtual) type = type.slice(VIRTUAL_PREFIX.length).trim();
  if (type === '') throw new DeviceIdSyntaxError(input, 'empty-type');
  return { type, index, virtual };
}

export function formatDeviceId(id: ParsedDeviceId): string {
  return `${id.virtual ? VIRTUAL_PREFIX : ''}${id.type}:${id.index}`;
}

/** `speck2f` -> `speck2f:0`, `speck2f:00` -> `speck2f:0`, ` Sim-Speck2fDevKit ` -> `sim-speck2fdevkit:0`. */
export function standardizeDeviceId(input: string): string {
  return formatDeviceId(parseDeviceId(input));
}
