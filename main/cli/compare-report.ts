// How `dcnn compare` reports two runs: what was compared (the chip layers both recorded)
// and what was not, per chip layer totals, the largest per-channel differences and the
// first divergent event. The text is a summary a person reads; --json holds everything
// (every channel) in the same chip-layer-and-core vocabulary.

import type { SpikeEvent } from '../common/spike-batch.js';
import type { NotCompared, ScopedComparison } from '../store/run-compare-scope.js';
import { chipLayerCell, describeCore, type ChipLayers } from './chip-layers.js';
import { table } from './compile-table.js';

/** Channels the text shows; the rest are in --json. */
export const TOP_DIFFERENCES = 10;

interface LayerRow {
  chip_layer: number | null;
  core: number;
  /** Run B's core for the same chip layer (another placement can put it elsewhere). */
  core_b: number;
  a: number;
  b: number;
  diff: number;
  channels_differing: number;
}

interface ChannelRow {
  chip_layer: number | null;
  core: number;
  channel: number;
  a: number;
  b: number;
  diff: number;
}

interface EventJson {
  t_us: number;
  chip_layer: number | null;
  core: number;
  channel: number;
  x: number;
  y: number;
}

export interface CompareJson {
  a: number;
  b: number;
  stream: string;
  basis: ScopedComparison['basis'];
  events_a: number;
  events_b: number;
  compared_events_a: number;
  compared_events_b: number;
  chip_layers: LayerRow[];
  not_compared: Array<{ run: number; chip_layer: number | null; core: number; events: number; reason: NotCompared['reason'] }>;
  /** The TOP_DIFFERENCES largest |b - a| channel counts, largest first. */
  top_differences: ChannelRow[];
  /** Every channel with an event in either compared stream, by chip layer then channel. */
  per_channel: ChannelRow[];
  first_divergence: { index: number; a: EventJson | null; b: EventJson | null } | null;
}

export function compareJson(c: ScopedComparison, namesA: ChipLayers, namesB: ChipLayers): CompareJson {
  const cmp = c.comparison;
  // Compared events carry run A's core; B's own core comes back through the pairing.
  const coreBOf = new Map(c.layers.map((l) => [l.coreA, l.coreB]));
  const chipLayerOf = (core: number): number | null => c.layers.find((l) => l.coreA === core)?.chipLayer ?? namesA.chipLayerOf(core);
  const perChannel: ChannelRow[] = cmp.perChannel.map((ch) => ({ chip_layer: chipLayerOf(ch.layer), core: ch.layer, channel: ch.channel, a: ch.a, b: ch.b, diff: ch.b - ch.a }));
  const differing = new Map<number, number>();
  for (const ch of perChannel) if (ch.diff !== 0) differing.set(ch.core, (differing.get(ch.core) ?? 0) + 1);
  const top = perChannel
    .filter((ch) => ch.diff !== 0)
    .sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff) || x.core - y.core || x.channel - y.channel)
    .slice(0, TOP_DIFFERENCES);
  const event = (e: SpikeEvent | null, run: 'a' | 'b'): EventJson | null => {
    if (!e) return null;
    const core = run === 'b' ? coreBOf.get(e.layer) ?? e.layer : e.layer;
    return { t_us: e.t, chip_layer: chipLayerOf(e.layer), core, channel: e.channel, x: e.x, y: e.y };
  };
  const d = cmp.firstDivergence;
  return {
    a: c.runA,
    b: c.runB,
    stream: c.stream,
    basis: c.basis,
    events_a: c.recordedA,
    events_b: c.recordedB,
    compared_events_a: cmp.eventsA,
    compared_events_b: cmp.eventsB,
    chip_layers: byChipLayer(cmp.perLayer.map((l) => ({
      chip_layer: chipLayerOf(l.layer),
      core: l.layer,
      core_b: coreBOf.get(l.layer) ?? l.layer,
      a: l.a,
      b: l.b,
      diff: l.b - l.a,
      channels_differing: differing.get(l.layer) ?? 0,
    }))),
    not_compared: c.notCompared.map((n) => ({
      run: n.run === 'a' ? c.runA : c.runB,
      chip_layer: n.chipLayer ?? (n.run === 'a' ? namesA : namesB).chipLayerOf(n.core),
      core: n.core,
      events: n.events,
      reason: n.reason,
    })),
    top_differences: top,
    per_channel: byChipLayer(perChannel),
    first_divergence: d ? { index: d.index, a: event(d.a, 'a'), b: event(d.b, 'b') } : null,
  };
}

const BASIS_TEXT: Record<ScopedComparison['basis'], string> = {
  'both-monitored': 'the chip layers both runs monitored',
  'a-monitored': 'the chip layers run A monitored (run B did not store what it monitored)',
  'b-monitored': 'the chip layers run B monitored (run A did not store what it monitored)',
  everything: 'every event',
};

function coreCell(l: { core: number; core_b: number }): string {
  return l.core === l.core_b ? String(l.core) : `${l.core} / ${l.core_b}`;
}

function eventText(e: EventJson | null): string {
  return e ? `t=${e.t_us} µs ${describeCore(e.core, e.chip_layer)} channel ${e.channel} (x ${e.x}, y ${e.y})` : 'none (the stream ended)';
}

export function formatCompare(j: CompareJson): string {
  const basis = j.basis === 'everything' && j.stream === 'output' ? 'every event (neither run stored what it monitored)' : BASIS_TEXT[j.basis].replace('run A', `run ${j.a}`).replace('run B', `run ${j.b}`);
  const lines = [`run ${j.a} vs run ${j.b} (${j.stream}): ${j.events_a} vs ${j.events_b} events recorded`, `compared: ${basis}: ${j.compared_events_a} vs ${j.compared_events_b} events`];
  for (const n of j.not_compared) {
    const why = n.reason === 'only-this-run-monitored' ? `only run ${n.run} monitored it` : `run ${n.run === j.a ? j.b : j.a} did not record it`;
    lines.push(`not compared: ${describeCore(n.core, n.chip_layer)} of run ${n.run} (${n.events} events): ${why}`);
  }
  lines.push('');
  if (j.chip_layers.length === 0) lines.push('no events to compare');
  else {
    const rows = j.chip_layers.map((l) => [chipLayerCell(l.core, l.chip_layer), coreCell(l), String(l.a), String(l.b), signed(l.diff), String(l.channels_differing)]);
    lines.push(table([['chip layer', 'core', `run ${j.a}`, `run ${j.b}`, 'diff', 'channels differing'], ...rows], ['r', 'r', 'r', 'r', 'r', 'r']));
  }
  const differing = j.per_channel.filter((ch) => ch.diff !== 0).length;
  lines.push('');
  if (differing === 0) lines.push('every compared channel has the same count');
  else {
    const shown = j.top_differences.length;
    lines.push(`largest per-channel differences (${shown === differing ? `all ${differing}` : `${shown} of ${differing}`} differing channels${shown < differing ? '; --json lists every channel' : ''}):`);
    const rows = j.top_differences.map((ch) => [chipLayerCell(ch.core, ch.chip_layer), String(ch.core), String(ch.channel), String(ch.a), String(ch.b), signed(ch.diff)]);
    lines.push(table([['chip layer', 'core', 'channel', `run ${j.a}`, `run ${j.b}`, 'diff'], ...rows], ['r', 'r', 'r', 'r', 'r', 'r']));
  }
  const d = j.first_divergence;
  lines.push(d ? `first divergence at event ${d.index}: ${eventText(d.a)} vs ${eventText(d.b)}` : 'the compared streams are identical event for event');
  return lines.join('\n');
}

/** Chip layer order (the order the network runs in), then the DVS and unknown cores by core. */
function byChipLayer<T extends { chip_layer: number | null; core: number }>(rows: T[]): T[] {
  const order = (r: T): number => r.chip_layer ?? 1000 + r.core;
  return rows.sort((x, y) => order(x) - order(y));
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
