// Events as HDF5, read back with h5wasm: the datasets and their types, the values (written
// in two batches, so the growing datasets are exercised) and the attributes, by hand.

import { describe, expect, it } from 'vitest';
import { writeEventsHdf5 } from '../../../../main/formats/events/hdf5-events.js';
import { hdf5Bytes, withHdf5Bytes, type H5Dataset } from '../../../../main/formats/nir/hdf5-memory.js';
import { SpikeBatchBuilder, type SpikeBatch } from '../../../../main/common/spike-batch.js';

function batch(rows: Array<[t: number, layer: number, channel: number, x: number, y: number]>): SpikeBatch {
  const b = new SpikeBatchBuilder(rows.length);
  for (const r of rows) b.push(...r);
  return b.take();
}

const A = batch([
  [0, 0, 1, 3, 4],
  [2 ** 40 + 7, 3, 65535, 65535, 1],
]);
const B = batch([[2 ** 40 + 9, 0, 0, 0, 2]]);

describe('events as HDF5', () => {
  it('layered: t int64 µs, layer uint8, x, y, feature uint16, over two batches', async () => {
    const bytes = await hdf5Bytes((f) => expect(writeEventsHdf5(f, 'layered', { run: 3, stream: 'output' }, [A, batch([]), B])).toBe(3));
    await withHdf5Bytes(bytes, (f) => {
      const get = (name: string) => f.get(name) as H5Dataset;
      expect(f.keys()).toEqual(['feature', 'layer', 't', 'x', 'y']);
      expect(get('t').dtype).toBe('<q');
      expect(get('layer').dtype).toBe('<B');
      expect(get('feature').dtype).toBe('<H');
      expect(Array.from(get('t').value as BigInt64Array)).toEqual([0n, 2n ** 40n + 7n, 2n ** 40n + 9n]);
      expect(Array.from(get('layer').value as Uint8Array)).toEqual([0, 3, 0]);
      expect(Array.from(get('x').value as Uint16Array)).toEqual([3, 65535, 0]);
      expect(Array.from(get('y').value as Uint16Array)).toEqual([4, 1, 2]);
      expect(Array.from(get('feature').value as Uint16Array)).toEqual([1, 65535, 0]);
      expect(get('t').attrs['unit']?.value).toBe('us');
      expect(f.attrs['columns']?.value).toBe('t,layer,x,y,feature');
      expect(Number(f.attrs['events']?.value)).toBe(3);
      expect(f.attrs['events']?.dtype).toBe('<q');
      expect(Number(f.attrs['run']?.value)).toBe(3);
      expect(f.attrs['stream']?.value).toBe('output');
    });
  });

  it('xytp: t, x, y, p; an empty recording has empty datasets', async () => {
    const bytes = await hdf5Bytes((f) => writeEventsHdf5(f, 'xytp', {}, [B]));
    await withHdf5Bytes(bytes, (f) => {
      expect(f.keys()).toEqual(['p', 't', 'x', 'y']);
      expect(Array.from((f.get('p') as H5Dataset).value as Uint16Array)).toEqual([0]);
    });
    const none = await hdf5Bytes((f) => writeEventsHdf5(f, 'xytp', {}, []));
    await withHdf5Bytes(none, (f) => {
      expect((f.get('t') as H5Dataset).shape).toEqual([0]);
      expect(Number(f.attrs['events']?.value)).toBe(0);
    });
  });
});
