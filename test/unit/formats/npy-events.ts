// A structured .npy event file with the given fields and columns, made by writeNpy (itself
// checked byte for byte in npy.test.ts), for the event-file reader tests.

import { writeNpy, type NpyField } from '../../../main/formats/npy.js';

export function npyEvents(fields: Array<[string, string]>, columns: Record<string, number[]>): Uint8Array {
  const n = Object.values(columns)[0]!.length;
  return writeNpy({ kind: 'structured', shape: [n], fields: fields.map(([name, dtype]): NpyField => ({ name, dtype })), columns });
}
