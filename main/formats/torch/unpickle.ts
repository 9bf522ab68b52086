// One pickle read with the pickleparser package and our table of globals: dicts become
// Maps (so a key like "__proto__" stays a key), sets become Sets, persistent ids
// ('storage', type, key, location, numel) become StorageRefs. Errors of the reader
// itself (a damaged opcode stream) become a FormatError saying where the pickle starts.

import { BufferReader, Parser } from 'pickleparser';
import { FormatError } from '../format-error.js';
import { describe, GlobalTable, StorageRef, storageDType } from './pickle-globals.js';

export interface Unpickled {
  value: unknown;
  /** Byte offset just past the pickle's STOP, relative to the bytes given. */
  end: number;
  /** The PROTO opcode's version, or null for protocol 0/1 pickles. */
  protocol: number | null;
}

/** Storages met in persistent ids, one StorageRef per key. */
export class StorageTable {
  readonly byKey = new Map<string, StorageRef>();

  resolve(pid: unknown): StorageRef {
    if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
      throw new FormatError('torch', 'BAD_PICKLE', `persistent id ${describe(pid)} is not a ('storage', type, key, location, numel) record; the pickle is damaged`);
    }
    const [, type, key, location, numel, view] = pid as unknown[];
    const dtype = storageDType(type);
    if (dtype === null) throw new FormatError('torch', 'BAD_PICKLE', `persistent id names storage type ${describe(type)}, which is not a torch storage class`, {});
    if (typeof key !== 'string' && typeof key !== 'number') throw new FormatError('torch', 'BAD_PICKLE', `storage key ${describe(key)} is not a name`);
    if (!Number.isSafeInteger(numel) || (numel as number) < 0) throw new FormatError('torch', 'BAD_PICKLE', `storage ${String(key)} has element count ${describe(numel)}`);
    if (view !== undefined && view !== null) {
      throw new FormatError('torch', 'BAD_PICKLE', `storage ${String(key)} is a view of another storage (a file from torch before 1.0); load and save it again with a current torch`, { storage: String(key) });
    }
    const k = String(key);
    const known = this.byKey.get(k);
    if (known) return known;
    const ref = new StorageRef(k, dtype, String(describe(type)).replace(/^torch\./, ''), typeof location === 'string' ? location : 'cpu', numel as number);
    this.byKey.set(k, ref);
    return ref;
  }
}

/**
 * The package's reader moves by whatever length an opcode states; a negative length (a
 * damaged BINBYTES) would move it backwards and replay the same opcodes forever. This
 * one only moves forward.
 */
class ForwardReader extends BufferReader {
  override skip(offset: number): void {
    if (!(offset >= 0)) throw new Error(`an opcode states the length ${offset}`);
    super.skip(offset);
  }

  // The package warns on the console and goes on with a rounded value; a length beyond 2^53 is damage.
  override uint64(): number {
    const b = this.bytes(8);
    const v = (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + b[3]! * 2 ** 24 + (b[4]! | (b[5]! << 8) | (b[6]! << 16)) * 2 ** 32 + b[7]! * 2 ** 56;
    if (!Number.isSafeInteger(v)) throw new Error(`an opcode states the length ${v}, beyond 2^53`);
    return v;
  }
}

export function unpickle(bytes: Uint8Array, globals: GlobalTable, storages: StorageTable, what: string): Unpickled {
  const reader = new ForwardReader(bytes);
  const parser = new Parser({
    nameResolver: { resolve: (module, name) => globals.resolve(module, name) },
    persistentResolver: { resolve: (pid) => storages.resolve(pid) },
    extensionResolver: {
      resolve: (code) => {
        throw new FormatError('torch', 'BAD_PICKLE', `${what} uses the copyreg extension code ${code}, which torch.save never writes; the file is refused`, { code });
      },
    },
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'Set',
  });
  const protocol = bytes[0] === 0x80 && bytes.byteLength > 1 ? bytes[1]! : null;
  let value: unknown;
  try {
    value = parser.read(reader);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError('torch', 'BAD_PICKLE', `${what} is damaged near byte ${reader.position} (${(e as Error).message}); the file is cut off or not written by torch.save — save it again`, {
      offset: reader.position,
    });
  }
  return { value, end: reader.position, protocol };
}
