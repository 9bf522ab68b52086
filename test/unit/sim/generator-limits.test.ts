// A generator's cost is known from its settings before any event is made (issue 15,
// item 4): the expected count matches what it makes, and requests beyond the limits are
// refused at once by the generator itself, whoever calls it.

import { describe, expect, it } from 'vitest';
import { generatorLoad, GeneratorLimitError, MAX_GENERATED_EVENTS, movingBar, poissonRateImage } from '../../../main/sim/input-generators.js';

const base = { shape: [2, 32, 32] as const, seed: 3, layer: 0 };

describe('generator limits', () => {
  it('the Poisson estimate is the expected count of what it makes; the bar estimate bounds it', () => {
    const o = { ...base, durationMs: 200, rateHz: 300 };
    const made = poissonRateImage(o).length;
    const load = generatorLoad('poisson', o);
    expect(Math.abs(made - load.events) / load.events).toBeLessThan(0.02);
    expect(load.steps).toBe(200 * 2 * 32 * 32);
    for (const direction of ['right', 'down'] as const) {
      const bar = { ...o, direction, rateHz: 1000 };
      expect(movingBar(bar).length).toBeLessThanOrEqual(generatorLoad('moving-bar', bar).events);
    }
  });

  it('refuses beyond the limits before making anything', () => {
    const started = performance.now();
    const huge = { ...base, shape: [2, 128, 128] as const, durationMs: 600_000, rateHz: 1_000_000 };
    expect(() => poissonRateImage(huge)).toThrow(GeneratorLimitError);
    expect(() => movingBar(huge)).toThrow(/the limit is 8,388,608 events/);
    expect(() => poissonRateImage({ ...huge, rateHz: 0.01 })).toThrow(/draws/);
    expect(performance.now() - started).toBeLessThan(500);
    try {
      poissonRateImage(huge);
    } catch (e) {
      expect((e as GeneratorLimitError).code).toBe('INPUT_TOO_LARGE');
    }
    expect(generatorLoad('poisson', huge).events).toBeGreaterThan(MAX_GENERATED_EVENTS);
  });
});
