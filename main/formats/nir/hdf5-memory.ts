// HDF5 files as bytes, through h5wasm (the HDF5 C library compiled to WebAssembly): the
// bytes go into h5wasm's in-memory file system under a name used once, are opened there,
// and the file is removed when the caller is done. This keeps the NIR reader and writer
// free of Node I/O. It does not interpret the file's contents (nir-file.ts does).

import h5wasm from 'h5wasm';
import { FormatError } from '../format-error.js';

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** The HDF5 signature (format spec, "Format Signature"): at offset 0 or at 512, 1024, ... after a user block. */
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function hasHdf5Signature(bytes: Uint8Array): boolean {
  for (let at = 0; at + SIGNATURE.length <= bytes.length && at <= 8192; at = at === 0 ? 512 : at * 2) {
    if (SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

let module: Promise<Awaited<typeof h5wasm.ready>> | null = null;
let serial = 0;

function ready(): Promise<Awaited<typeof h5wasm.ready>> {
  module ??= h5wasm.ready.then((m) => {
    // HDF5 errors become JS exceptions instead of an error stack printed on stderr.
    m.activate_throwing_error_handler();
    return m;
  });
  return module;
}

function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // The last "minor:" line of an HDF5 error stack is the most specific reason.
  const minors = [...text.matchAll(/minor: (.+)/g)].map((m) => m[1]!.trim());
  return minors.length ? minors[minors.length - 1]! : text.split('\n')[0]!.slice(0, 200);
}

/** Opens `bytes` as an HDF5 file, runs `read` on it, and removes it again. Errors of the HDF5 library become FormatErrors. */
export async function withHdf5Bytes<T>(bytes: Uint8Array, read: (file: H5File) => T): Promise<T> {
  const m = await ready();
  const name = `/nir-read-${++serial}.h5`;
  m.FS.writeFile(name, bytes);
  let file: H5File | null = null;
  try {
    try {
      file = new h5wasm.File(name, 'r');
    } catch (e) {
      throw new FormatError('nir', 'BAD_HEADER', `The file is not a readable HDF5 file (${hdf5Message(e)}): it is truncated or damaged.`, { bytes: bytes.length });
    }
    if (file.file_id < 0n) throw new FormatError('nir', 'BAD_HEADER', 'The file is not a readable HDF5 file: it is truncated or damaged.', { bytes: bytes.length });
    try {
      return read(file);
    } catch (e) {
      if (e instanceof FormatError) throw e;
      throw new FormatError('nir', 'TRUNCATED', `Reading the HDF5 file failed (${hdf5Message(e)}): it is truncated or damaged.`, { bytes: bytes.length });
    }
  } finally {
    try {
      file?.close();
    } catch {
      // a damaged file may fail to close; it is removed below either way
    }
    m.FS.unlink(name);
  }
}

/** Builds an HDF5 file with `write` and returns its bytes. */
export async function hdf5Bytes(write: (file: H5File) => void): Promise<Uint8Array> {
  const m = await ready();
  const name = `/nir-write-${++serial}.h5`;
  const file = new h5wasm.File(name, 'w');
  try {
    write(file);
  } finally {
    file.close();
  }
  try {
    return m.FS.readFile(name);
  } finally {
    m.FS.unlink(name);
  }
}
