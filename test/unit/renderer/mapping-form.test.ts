// The Run tab's input-mapping fields: text in the units people type (window in ms,
// refractory in µs) to the mapping the host takes, and a message per field that is wrong.

import { describe, expect, it } from 'vitest';
import { formOf, mappingOfForm } from '../../../renderer/runs/mapping-form';

describe('the input-mapping fields', () => {
  it('round-trip the host fit: crop and a target size, polarities merged', () => {
    const m = { crop: { x: 43, y: 0, width: 260, height: 260 }, downsample: { width: 34, height: 34 }, polarity: 'merge' as const };
    expect(mappingOfForm(formOf(m))).toEqual({ mapping: m, errors: {} });
  });

  it('take the window in ms and the refractory period in µs', () => {
    const f = { ...formOf({}), windowFromMs: '1.5', windowToMs: '20', refractoryUs: '500' };
    expect(mappingOfForm(f).mapping).toEqual({ window: { fromUs: 1500, toUs: 20000 }, refractoryUs: 500 });
  });

  it("round-trip the choice of the chip's DVS layer (off unless chosen)", () => {
    const m = { crop: { x: 0, y: 0, width: 32, height: 32 }, downsample: { factor: 2 }, dvsLayer: true };
    expect(formOf(m).onChip).toBe(true);
    expect(mappingOfForm(formOf(m))).toEqual({ mapping: m, errors: {} });
    expect(formOf({}).onChip).toBe(false);
  });

  it('an empty mapping for empty fields (the recording as it is)', () => {
    expect(mappingOfForm(formOf({}))).toEqual({ mapping: {}, errors: {} });
  });

  it('name the field that is wrong, and leave it out of the mapping', () => {
    const f = { ...formOf({}), windowFromMs: '30', windowToMs: '10', crop: true, cropX: '-1', cropY: '0', cropWidth: '10', cropHeight: '10', downsample: 'factor' as const, factor: '0', refractoryUs: 'x' };
    const { mapping, errors } = mappingOfForm(f);
    expect(mapping).toEqual({});
    expect(errors).toEqual({
      window: 'The window must end after it starts (30 ms).',
      crop: 'The crop x must be a whole number ≥ 0.',
      downsample: 'The factor must be at least 1.',
      refractory: 'The refractory period is a number of µs ≥ 0 (empty: none).',
    });
  });

  it('a window needs its end', () => {
    expect(mappingOfForm({ ...formOf({}), windowFromMs: '5' }).errors.window).toMatch(/end of the window/);
  });
});
