// @vitest-environment jsdom
// A file larger than one request may carry is refused in the page, before it is read,
// with what to do instead; the run cannot start with it. Smaller files are read and used.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../preload/api';
import { uploadProblem } from '../../../renderer/app/upload-limit';
import { DEFAULT_INPUT, InputSourcePicker, inputSourceOf, type InputChoice } from '../../../renderer/runs/input-source';

afterEach(cleanup);

/** A File-like object of any claimed size whose bytes are never there (reading it is a bug). */
function fakeFile(name: string, size: number, bytes = new Uint8Array(0)) {
  return { name, size, arrayBuffer: vi.fn(async () => bytes.buffer) };
}

describe('upload limit', () => {
  it('names the file, its size and the limit, and says what to do', () => {
    expect(uploadProblem({ name: 'small.npy', size: MAX_REQUEST_BYTES }, 'x')).toBeNull();
    expect(uploadProblem({ name: 'big.npy', size: 300 * 1024 * 1024 }, 'Use the CLI.')).toBe('big.npy is 300 MiB; the window takes files of up to 256 MiB. Use the CLI.');
  });

  it('the event file picker refuses a large file without reading it, and the run cannot start', async () => {
    let latest: InputChoice = { ...DEFAULT_INPUT, kind: 'file' };
    function Harness() {
      const [c, setC] = useState<InputChoice>(latest);
      return (
        <InputSourcePicker
          choice={c}
          onChoice={(n) => {
            latest = n;
            setC(n);
          }}
          example={null}
          disabled={false}
        />
      );
    }
    render(<Harness />);
    const big = fakeFile('long.npy', MAX_REQUEST_BYTES + 1);
    fireEvent.change(screen.getByLabelText('Event file (.npy, .csv or a camera recording)'), { target: { files: [big] } });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/long\.npy is 257 MiB.*dcnn run --events FILE/));
    expect(big.arrayBuffer).not.toHaveBeenCalled();
    expect(inputSourceOf(latest, null)).toMatchObject({ ok: false, message: expect.stringMatching(/long\.npy is 257 MiB/) });

    const small = fakeFile('short.npy', 4, new Uint8Array([1, 2, 3, 4]));
    fireEvent.change(screen.getByLabelText('Event file (.npy, .csv or a camera recording)'), { target: { files: [small] } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(inputSourceOf(latest, null)).toMatchObject({ ok: true, input: { kind: 'file', name: 'short.npy' } });
  });
});
