// Seeded fuzz of the two readers not fuzzed elsewhere: safetensors weights files (the
// examples' own, damaged 400 ways) and the JSON text reader behind config patches and
// usb-ids.json (400 damaged texts). Each damaged input gives a result or the reader's own
// error (FormatError / JsonTextError), never another exception; bounded by the case count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../main/formats/format-error.js';
import { readSafetensors } from '../../../main/formats/safetensors.js';
import { JsonTextError, parseJsonText } from '../../../main/common/json-text.js';
import { EXAMPLES_DIR } from '../../helpers/fixtures.js';
import { mutate } from './seeded-mutations.js';

const CASES = 400;

describe('fuzz: safetensors', () => {
  it(`${CASES} seeded mutations of the LeNet weights give tensors or a FormatError`, () => {
    const src = new Uint8Array(readFileSync(join(EXAMPLES_DIR, 'lenet', 'weights.safetensors')));
    const headerBytes = 8 + Number(new DataView(src.buffer, src.byteOffset).getBigUint64(0, true));
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const bytes = mutate(src, 0x5afe, i, headerBytes);
      try {
        const tensors = readSafetensors(bytes);
        for (const t of tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`case ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        refused++;
      }
    }
    // Most damage hits the header or cuts the file: a good share must be refused.
    expect(refused).toBeGreaterThan(CASES / 4);
  });
});

describe('fuzz: JSON text (config patches, usb-ids.json)', () => {
  it(`${CASES} seeded mutations of a config patch give a value or a JsonTextError with a position`, () => {
    const text = JSON.stringify({ layers: [{ threshold_high: 12, leak_enable: true, weights: [[1, -2], [3, 4]] }], dvs_layer: { pooling: { x: 2, y: 2 }, monitor_enable: false }, name: 'ünïcode \u00e9' }, null, 2);
    const src = new TextEncoder().encode(text);
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const damaged = new TextDecoder().decode(mutate(src, 0x150, i));
      try {
        parseJsonText(damaged);
      } catch (e) {
        if (!(e instanceof JsonTextError)) throw new Error(`case ${i}: ${(e as Error).name}: ${(e as Error).message}`);
        expect(e.position.line).toBeGreaterThanOrEqual(1);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(CASES / 4);
  });
});
