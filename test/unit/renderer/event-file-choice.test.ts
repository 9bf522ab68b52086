// A file picked or dropped on the Run tab: an event file of any readable format is read
// into the page; another file, or one above the upload limit, is refused with why.

import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../preload/api';
import { chosenEventFile } from '../../../renderer/runs/input-source';

function file(name: string, size: number): File {
  const f = new File([new Uint8Array(Math.min(size, 16))], name);
  if (size > 16) Object.defineProperty(f, 'size', { value: size });
  return f;
}

describe('choosing an event file', () => {
  it('takes every format the workbench reads, by extension, with the mapping reset', async () => {
    for (const name of ['a.npy', 'b.csv', 'c.aedat4', 'd.AEDAT', 'e.bin', 'f.dat', 'g.raw']) {
      const c = await chosenEventFile(file(name, 8));
      expect(c).toMatchObject({ file: { name }, fileProblem: null, mapping: null });
    }
  });

  it('refuses a file that is no event file, naming what is read', async () => {
    const c = await chosenEventFile(file('photo.jpg', 8));
    expect(c.file).toBeNull();
    expect(c.fileProblem).toBe('photo.jpg is not an event file the workbench reads (.npy .csv .txt .aedat4 .aedat .bin .dat .raw).');
  });

  it('refuses a recording above the upload limit before reading it', async () => {
    const c = await chosenEventFile(file('long.aedat4', MAX_REQUEST_BYTES + 1));
    expect(c.file).toBeNull();
    expect(c.fileProblem).toMatch(/^long\.aedat4 is 257 MiB; the window takes files of up to 256 MiB\. Run it from the command line instead: dcnn run --events FILE/);
  });
});
