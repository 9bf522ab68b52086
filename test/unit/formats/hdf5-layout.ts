// Lists an HDF5 file's groups and datasets (path, dtype as numpy names it, shape) and its
// attributes, in the form the real NIR fixtures' expected.json `hdf5_layout` records, so
// tests compare what h5wasm finds in a file with what h5py found in the real ones.

import { withHdf5Bytes, type H5Group } from '../../../main/formats/nir/hdf5-memory.js';

export interface LayoutEntry {
  path: string;
  group?: true;
  dtype?: string;
  shape?: number[];
}

function numpyName(m: { type: number; size: number; signed: boolean; vlen: boolean }): string {
  if (m.type === 3) return m.vlen ? 'object' : `S${m.size}`;
  if (m.type === 1) return `float${m.size * 8}`;
  if (m.type === 0) return `${m.signed ? 'int' : 'uint'}${m.size * 8}`;
  return `class${m.type}`;
}

export function hdf5Layout(bytes: Uint8Array): Promise<{ entries: LayoutEntry[]; attributes: string[] }> {
  return withHdf5Bytes(bytes, (file) => {
    const entries: LayoutEntry[] = [];
    const attributes: string[] = [];
    const walk = (g: H5Group, prefix: string): void => {
      for (const a of Object.keys(g.attrs)) attributes.push(`${prefix || '/'}@${a}`);
      for (const key of g.keys()) {
        const path = prefix ? `${prefix}/${key}` : key;
        const e = g.get(key) as unknown as { type: string; metadata: { type: number; size: number; signed: boolean; vlen: boolean }; shape: number[] | null; attrs: Record<string, unknown> };
        if (e.type === 'Group') {
          entries.push({ path, group: true });
          walk(e as unknown as H5Group, path);
        } else {
          for (const a of Object.keys(e.attrs)) attributes.push(`${path}@${a}`);
          entries.push({ path, dtype: numpyName(e.metadata), shape: e.shape ?? [] });
        }
      }
    };
    walk(file, '');
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { entries, attributes };
  });
}
