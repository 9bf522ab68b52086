// What sinabs writes into samna's configuration object, built from the golden fixtures by
// the rules of spec/samna.md §3.1-3.2 (sinabs v3.1.3's make_config; the v2 differences
// where a test asks for them), and a leaf-by-leaf comparison that names every path that
// differs. The values come from the fixtures; the rules are written out here, not taken
// from the workbench's code. Unwritten leaves keep the fake samna's defaults.

import { execFileSync } from 'node:child_process';
import type { Fixture, FixtureLayer } from '../../helpers/fixtures.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

/** A fresh configuration object of the fake (`samna.<module>.configuration.<root>()`), as its to_json gives it. */
export function fakeDefaults(env: NodeJS.ProcessEnv, module: string, root: string): Obj {
  const text = execFileSync('python3', ['-c', `import samna; print(samna.${module}.configuration.${root}().to_json())`], { env, encoding: 'utf8' });
  return JSON.parse(text) as Obj;
}

/** Every leaf as path -> value (arrays of scalars are leaves element by element). */
export function leaves(v: Json, path = '', out = new Map<string, Json>()): Map<string, Json> {
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, []);
    v.forEach((x, i) => leaves(x, `${path}[${i}]`, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else out.set(path, v);
  return out;
}

/** The leaves that differ, as "path: got X, want Y" (empty when equal). */
export function differences(got: Json, want: Json): string[] {
  const g = leaves(got);
  const w = leaves(want);
  const out: string[] = [];
  for (const [p, v] of w) if (JSON.stringify(g.get(p)) !== JSON.stringify(v)) out.push(`${p}: got ${JSON.stringify(g.get(p))}, want ${JSON.stringify(v)}`);
  for (const p of g.keys()) if (!w.has(p)) out.push(`${p}: not in the expected configuration`);
  return out;
}

export function zeros(f: number, x: number, y: number): number[][][] {
  return Array.from({ length: f }, () => Array.from({ length: x }, () => new Array<number>(y).fill(0)));
}

/** sinabs: `weight.transpose(2, 3).tolist()`: [out][in][kx][ky] from the fixture's [out, in, kh, kw]. */
export function samnaWeights(l: FixtureLayer): number[][][][] {
  const [out, inp, kh, kw] = l.weights.shape as [number, number, number, number];
  const d = l.weights.data;
  return Array.from({ length: out }, (_, o) =>
    Array.from({ length: inp }, (_, i) => Array.from({ length: kw }, (_, kx) => Array.from({ length: kh }, (_, ky) => d[((o * inp + i) * kh + ky) * kw + kx]!))),
  );
}

/** What sinabs writes into one core for a layer (spec/samna.md §3.1), except destinations. */
export function coreWrites(l: FixtureLayer, monitored: boolean): Obj {
  const [cin, hin, win] = l.input_shape;
  const [f, h, w] = l.neuron_shape;
  const biases = l.biases ?? new Array<number>(f).fill(0);
  return {
    dimensions: {
      input_shape: { size: { x: win, y: hin }, feature_count: cin },
      output_shape: { size: { x: w, y: h }, feature_count: f },
      padding: { x: l.conv.padding[1], y: l.conv.padding[0] },
      stride: { x: l.conv.stride[1], y: l.conv.stride[0] },
      kernel_size: l.conv.kernel_size[0],
    },
    weights: samnaWeights(l),
    biases,
    leak_enable: biases.some((b) => b !== 0),
    return_to_zero: l.reset === 'zero',
    threshold_high: l.spike_threshold,
    threshold_low: l.min_v_mem,
    monitor_enable: monitored,
    neurons_initial_value: zeros(f, w, h),
  };
}

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function withDefaults(defaults: Obj): { cfg: Obj; cores: Obj[] } {
  const cfg = clone(defaults);
  return { cfg, cores: cfg.cnn_layers as Obj[] };
}

export function setCore(cores: Obj[], core: number, writes: Obj, dests: Array<{ layer: number; pooling: number }>): void {
  const c = cores[core]!;
  Object.assign(c, writes);
  const slots = c.destinations as Obj[];
  dests.forEach((d, s) => Object.assign(slots[s]!, { layer: d.layer, enable: true, pooling: d.pooling }));
}

/** The sequential fixture's configuration as sinabs v3.1.3 writes it, on the cores of `ordering` (default: its speck2fdevkit placement). */
export function expectedSequential(f: Fixture, defaults: Obj, ordering = f.expected.mapping!.speck2fdevkit!.chip_layers_ordering!): Obj {
  const { cfg, cores } = withDefaults(defaults);
  f.expected.layers!.forEach((l, i) => {
    // Exit destinations (< 0) write nothing; the others fill the slots in order, pooling as one number.
    const dests = l.destinations.flatMap((d, j) => (d < 0 ? [] : [{ layer: ordering[d]!, pooling: l.pooling[j]![0] }]));
    setCore(cores, ordering[i]!, coreWrites(l, f.expected.exit_layers!.includes(i)), dests);
  });
  (cfg.dvs_layer as Obj).pass_sensor_events = false;
  return cfg;
}
