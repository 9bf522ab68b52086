// @vitest-environment jsdom
// The event-file options the readers' messages point at exist in the window: two
// checkboxes under the file picker, sent with the request; and a reader's message is
// shown in the window's terms (the checkbox's label), not the API's option names.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { inUiTerms } from '../../../renderer/app/workbench-api';
import { DEFAULT_INPUT, InputSourcePicker, inputSourceOf, type InputChoice } from '../../../renderer/runs/input-source';

afterEach(cleanup);

describe('event-file options in the window', () => {
  it('the two checkboxes set sort and dropOutOfRange on the file input', () => {
    let latest: InputChoice = { ...DEFAULT_INPUT, kind: 'file', file: { name: 'e.csv', bytes: new Uint8Array([1]) } };
    function Harness() {
      const [c, setC] = useState<InputChoice>(latest);
      return <InputSourcePicker choice={c} onChoice={(n) => { latest = n; setC(n); }} example={null} disabled={false} />;
    }
    render(<Harness />);
    expect(inputSourceOf(latest, null)).toEqual({ ok: true, input: { kind: 'file', name: 'e.csv', bytes: new Uint8Array([1]) } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Sort events by time' }));
    expect(inputSourceOf(latest, null)).toMatchObject({ ok: true, input: { sort: true } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Drop events outside the input' }));
    expect(inputSourceOf(latest, null)).toMatchObject({ ok: true, input: { sort: true, dropOutOfRange: true } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Sort events by time' }));
    const r = inputSourceOf(latest, null);
    expect(r.ok && 'sort' in r.input).toBe(false);
  });

  it('reader messages name the checkboxes', () => {
    expect(inUiTerms('line 3: timestamp 5 µs is earlier than the 9 µs of the row before; events must be in time order — sort the file, or import it with the sort option')).toBe(
      'line 3: timestamp 5 µs is earlier than the 9 µs of the row before; events must be in time order — sort the file, or tick "Sort events by time" under Input',
    );
    expect(inUiTerms('x = 40 is outside the input shape 2x16x16 (width 16, so 0..15); check the sensor size, or import with dropOutOfRange to drop such events')).toBe(
      'x = 40 is outside the input shape 2x16x16 (width 16, so 0..15); check the sensor size, or tick "Drop events outside the input" under Input to drop such events',
    );
  });
});
