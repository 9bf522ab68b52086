// The NIR file layout (what `nir.write` of the nir package, 1.0.x, produces), read into
// plain objects and written back: an HDF5 file with a `version` string, and a group
// `node` with `type` = "NIRGraph", `edges` (an [n, 2] array of node names) and `nodes`,
// one group per node holding a `type` string and one dataset per field (float32 weights,
// int64 shapes and sizes). No HDF5 attributes are used. It does not decide what the nodes
// mean for the chip (nir-import.ts and nir-export.ts do).

import { FormatError } from '../format-error.js';
import type { Tensor } from '../tensor.js';
import { elementCount } from '../tensor.js';
import { hdf5Bytes, withHdf5Bytes, type H5Dataset, type H5Group } from './hdf5-memory.js';

export type NirField = string | Tensor;

export interface NirNode {
  name: string;
  type: string;
  /** Every dataset of the node's group but `type`, by name. */
  fields: Map<string, NirField>;
}

export interface NirGraph {
  version: string;
  /** In the file's order (HDF5 sorts group members by name: "10" before "2"). */
  nodes: NirNode[];
  edges: Array<[string, string]>;
}

function isDataset(e: unknown): e is H5Dataset {
  return !!e && (e as { type?: string }).type === 'Dataset';
}
function isGroup(e: unknown): e is H5Group {
  return !!e && (e as { type?: string }).type === 'Group';
}

function readString(d: H5Dataset, path: string): string {
  const v = d.value;
  if (typeof v !== 'string') throw new FormatError('nir', 'BAD_ENTRY', `${path} should be a string but holds ${typeof v === 'object' ? 'an array' : typeof v}.`, { path });
  return v;
}

function readField(d: H5Dataset, path: string): NirField {
  const shape = d.shape ?? [];
  const v = d.value;
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number') {
    const n = Number(v);
    if (!Number.isSafeInteger(n) && typeof v === 'bigint') throw new FormatError('nir', 'UNSAFE_INTEGER', `${path} = ${v} does not fit in a double exactly.`, { path });
    return typeof v === 'bigint' ? { dtype: 'I64', shape: [], data: Float64Array.of(n) } : { dtype: 'F32', shape: [], data: Float32Array.of(n) };
  }
  if (v instanceof Float32Array || v instanceof Float64Array) {
    if (v.length !== elementCount(shape)) throw new FormatError('nir', 'SHAPE_MISMATCH', `${path} holds ${v.length} values for shape [${shape.join(', ')}].`, { path });
    return { dtype: v instanceof Float32Array ? 'F32' : 'F64', shape, data: v instanceof Float32Array ? v : Float32Array.from(v) };
  }
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const data = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const n = Number(v[i]!);
      if (!Number.isSafeInteger(n)) throw new FormatError('nir', 'UNSAFE_INTEGER', `${path}[${i}] = ${v[i]} does not fit in a double exactly.`, { path });
      data[i] = n;
    }
    return { dtype: 'I64', shape, data };
  }
  if (v instanceof Int32Array || v instanceof Int16Array || v instanceof Int8Array || v instanceof Uint8Array || v instanceof Uint16Array || v instanceof Uint32Array) {
    return { dtype: 'I32', shape, data: Float64Array.from(v) };
  }
  if (typeof v === 'boolean') return { dtype: 'BOOL', shape: [], data: Float64Array.of(v ? 1 : 0) };
  throw new FormatError('nir', 'UNSUPPORTED_DTYPE', `${path} has a data type this reader does not take (${JSON.stringify(d.dtype)}).`, { path });
}

function child(g: H5Group, name: string, path: string): unknown {
  if (!g.keys().includes(name)) {
    throw new FormatError('nir', 'MISSING_FIELD', `The NIR file has no ${path}: it is not a graph written by nir.write, or it is damaged.`, { path });
  }
  return g.get(name);
}

/** Reads the NIR graph of an HDF5 file's bytes. */
export function readNirGraph(bytes: Uint8Array): Promise<NirGraph> {
  return withHdf5Bytes(bytes, (file) => {
    const versionEntry = file.keys().includes('version') ? file.get('version') : null;
    const version = isDataset(versionEntry) ? readString(versionEntry, 'version') : 'unknown';
    const root = child(file, 'node', 'group "node"');
    if (!isGroup(root)) throw new FormatError('nir', 'BAD_ENTRY', '"node" is not a group: this HDF5 file is not a NIR graph.', { path: 'node' });
    const typeEntry = child(root, 'type', 'node/type');
    const graphType = isDataset(typeEntry) ? readString(typeEntry, 'node/type') : '';
    if (graphType !== 'NIRGraph') {
      throw new FormatError('nir', 'BAD_ENTRY', `node/type is "${graphType}", not "NIRGraph": this HDF5 file is not a NIR graph.`, { path: 'node/type' });
    }
    const nodesGroup = child(root, 'nodes', 'node/nodes');
    if (!isGroup(nodesGroup)) throw new FormatError('nir', 'BAD_ENTRY', 'node/nodes is not a group.', { path: 'node/nodes' });
    const nodes: NirNode[] = [];
    for (const name of nodesGroup.keys()) {
      const path = `node/nodes/${name}`;
      const g = nodesGroup.get(name);
      if (!isGroup(g)) throw new FormatError('nir', 'BAD_ENTRY', `${path} is not a group.`, { path });
      const t = child(g, 'type', `${path}/type`);
      if (!isDataset(t)) throw new FormatError('nir', 'BAD_ENTRY', `${path}/type is not a dataset.`, { path });
      const node: NirNode = { name, type: readString(t, `${path}/type`), fields: new Map() };
      for (const key of g.keys()) {
        if (key === 'type') continue;
        const e = g.get(key);
        // Sub-groups are nested graphs or dict-valued fields (metadata); the chip layers need neither.
        if (isDataset(e)) node.fields.set(key, readField(e, `${path}/${key}`));
      }
      nodes.push(node);
    }
    const edgesEntry = child(root, 'edges', 'node/edges');
    if (!isDataset(edgesEntry)) throw new FormatError('nir', 'BAD_ENTRY', 'node/edges is not a dataset.', { path: 'node/edges' });
    const flat = edgesEntry.value;
    const list = Array.isArray(flat) ? flat : flat === null ? [] : [flat];
    if (list.length % 2 !== 0 || !list.every((s) => typeof s === 'string')) {
      throw new FormatError('nir', 'BAD_ENTRY', `node/edges should be an [n, 2] array of node names (shape [${(edgesEntry.shape ?? []).join(', ')}]).`, { path: 'node/edges' });
    }
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < list.length; i += 2) edges.push([list[i] as string, list[i + 1] as string]);
    return { version, nodes, edges };
  });
}

/** Writes a NIR graph in the layout of nir.write: datasets only, strings variable-length UTF-8. */
export function writeNirGraph(graph: NirGraph): Promise<Uint8Array> {
  return hdf5Bytes((file) => {
    const str = 'S'; // variable-length UTF-8, as h5py stores a Python str
    file.create_dataset({ name: 'version', data: graph.version, dtype: str });
    const root = file.create_group('node');
    root.create_dataset({ name: 'type', data: 'NIRGraph', dtype: str });
    root.create_dataset({ name: 'edges', data: graph.edges.flat(), shape: [graph.edges.length, 2], dtype: str });
    const nodes = root.create_group('nodes');
    for (const n of graph.nodes) {
      const g = nodes.create_group(n.name);
      g.create_dataset({ name: 'type', data: n.type, dtype: str });
      for (const [key, v] of n.fields) {
        if (typeof v === 'string') {
          g.create_dataset({ name: key, data: v, dtype: str });
        } else if (v.dtype === 'I64') {
          g.create_dataset({ name: key, data: BigInt64Array.from(v.data, (x) => BigInt(x)), shape: [...v.shape], dtype: '<q' });
        } else {
          g.create_dataset({ name: key, data: Float32Array.from(v.data), shape: [...v.shape], dtype: '<f' });
        }
      }
    }
  });
}
