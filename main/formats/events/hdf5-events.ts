// Events as HDF5 for Python users (h5py, pandas): one 1-D dataset per column, the columns
// the .npy export has (t, x, y, p; or t, layer, x, y, feature with layer = the core) but
// t as int64 µs, plus attributes naming what the file holds. The datasets are chunked and
// grow batch by batch, so a recording of any length is written without holding it. It
// takes an open h5wasm file and does no I/O of its own: the caller decides where the
// file lives (h5wasm's in-memory file system, or the disk through h5wasm's Node build).

import type h5wasm from 'h5wasm';
import type { SpikeBatch } from '../../common/spike-batch.js';
import type { EventColumns } from '../event-files.js';

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** Events per HDF5 chunk: 64 Ki events is 512 KiB of timestamps, a good size for h5py's reads. */
const CHUNK_EVENTS = 1 << 16;

interface Column {
  name: string;
  dtype: string;
  description: string;
  take(b: SpikeBatch): BigInt64Array | Uint8Array | Uint16Array;
}

const T: Column = {
  name: 't',
  dtype: '<q',
  description: 'timestamp, microseconds (int64)',
  take: (b) => BigInt64Array.from(b.t.subarray(0, b.length), (v) => BigInt(v)),
};
const X: Column = { name: 'x', dtype: '<H', description: 'column (uint16)', take: (b) => b.x.subarray(0, b.length) };
const Y: Column = { name: 'y', dtype: '<H', description: 'row (uint16)', take: (b) => b.y.subarray(0, b.length) };

export const HDF5_COLUMNS: Readonly<Record<EventColumns, readonly Column[]>> = {
  xytp: [T, X, Y, { name: 'p', dtype: '<H', description: 'polarity or channel (uint16)', take: (b) => b.channel.subarray(0, b.length) }],
  layered: [
    T,
    { name: 'layer', dtype: '<B', description: 'the core the event came from or went to (uint8)', take: (b) => b.layer.subarray(0, b.length) },
    X,
    Y,
    { name: 'feature', dtype: '<H', description: 'channel (uint16)', take: (b) => b.channel.subarray(0, b.length) },
  ],
};

/**
 * Writes `batches` into `file` as the columns of `columns`, with `attributes` on the file
 * (strings and numbers); returns the number of events written. The file's `columns`
 * attribute lists the dataset names in order, `events` the count.
 */
export function writeEventsHdf5(file: H5File, columns: EventColumns, attributes: Readonly<Record<string, string | number>>, batches: Iterable<SpikeBatch>): number {
  const spec = HDF5_COLUMNS[columns];
  const sets: H5Dataset[] = spec.map((c) => {
    const empty = c.dtype === '<q' ? new BigInt64Array(0) : c.dtype === '<B' ? new Uint8Array(0) : new Uint16Array(0);
    const d = file.create_dataset({ name: c.name, data: empty, shape: [0], maxshape: [null], chunks: [CHUNK_EVENTS], dtype: c.dtype });
    d.create_attribute('description', c.description);
    return d;
  });
  sets[0]!.create_attribute('unit', 'us');
  let n = 0;
  for (const b of batches) {
    if (b.length === 0) continue;
    for (let k = 0; k < spec.length; k++) {
      const d = sets[k]!;
      d.resize([n + b.length]);
      d.write_slice([[n, n + b.length]], spec[k]!.take(b));
    }
    n += b.length;
  }
  for (const [key, value] of Object.entries(attributes)) attribute(file, key, value);
  attribute(file, 'columns', spec.map((c) => c.name).join(','));
  attribute(file, 'events', n);
  return n;
}

/** Whole numbers as int64: h5wasm would guess int32 and wrap counts above 2^31. */
function attribute(file: H5File, key: string, value: string | number): void {
  if (typeof value === 'number' && Number.isSafeInteger(value)) file.create_attribute(key, BigInt64Array.of(BigInt(value)), [], '<q');
  else if (typeof value === 'number') file.create_attribute(key, value, null, '<d');
  else file.create_attribute(key, value);
}
