// The human-readable form of a compile result: chip layers, where they sit, memory per
// core as text bars, and the diagnostics. JSON output is compile-report.ts' job.

import { CHIP_FAMILIES } from '../chips/families.js';
import { formatEntries } from '../common/number-format.js';
import type { ChipLayer, CompileResult } from '../compiler/compile-types.js';
import { formatDiagnostic } from '../compiler/diagnostics.js';

export function table(rows: string[][], align: Array<'l' | 'r'> = []): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) => r.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

export function bar(used: number, capacity: number, width = 12): string {
  if (capacity <= 0) return '-'.repeat(width);
  const filled = Math.min(width, Math.round((used / capacity) * width));
  return '█'.repeat(filled) + '░'.repeat(width - filled) + (used > capacity ? '!' : '');
}

const shape = (s: readonly number[]) => s.join('x');

function sourceLines(r: CompileResult, l: ChipLayer): string {
  const lines = l.sourceLayers.map((i) => r.model.layers[i]?.span.line).filter((n): n is number => n !== undefined);
  if (lines.length === 0) return '';
  const lo = Math.min(...lines);
  const hi = Math.max(...lines);
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

function convText(l: ChipLayer): string {
  const c = l.conv;
  const base = c.fromLinear ? `Linear ${c.inChannels * c.kernelSize[0] * c.kernelSize[1]}→${c.outChannels}` : `Conv ${c.inChannels}→${c.outChannels}`;
  return `${base} k${c.kernelSize[0]} s${c.stride[0]} p${c.padding[0]}`;
}

export function formatCompileResult(r: CompileResult, label: { model: string; weights: string }): string {
  const out: string[] = [];
  const family = r.family ? CHIP_FAMILIES[r.family] : null;
  out.push(`${label.model} → ${r.device}${family ? ` (${family.name}, ${family.cores.length} cores)` : ''}`);
  out.push(`weights: ${label.weights} · compiled in ${r.timings.totalMs.toFixed(2)} ms`);
  if (r.layers.length > 0) {
    out.push('', 'Chip layers (convolution → integrate-and-fire → sum pooling)');
    const rows = [['#', 'lines', 'conv', 'input', 'neurons', 'pool', 'output', 'scale', 'thr', 'low', 'reset', 'zeroed', 'core']];
    for (const l of r.layers) {
      rows.push([
        String(l.index),
        sourceLines(r, l),
        convText(l),
        shape(l.inputShape),
        shape(l.neuronShape),
        String(l.pooling),
        shape(l.outputShape),
        l.quantized.scale.toPrecision(6),
        String(l.quantized.spikeThreshold),
        String(l.quantized.minVMem),
        l.reset,
        `${l.quantized.zeroedWeights}/${l.quantized.weights.length}`,
        r.placement ? String(r.placement.ordering[l.index]) : '-',
      ]);
    }
    out.push(table(rows, ['r', 'l', 'l', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'l', 'r', 'r']));
  }
  if (family && r.layers.length > 0) {
    out.push('', `Cores: memory used / capacity${r.placement ? (r.placement.auto ? ' (auto placement)' : ' (your ordering)') : ' (not placed)'}`);
    const layerOn = new Map<number, ChipLayer>();
    r.placement?.ordering.forEach((core, i) => layerOn.set(core, r.layers[i]!));
    const rows = [['core', 'chip layer', 'kernel', '', 'neuron', '', 'bias', '']];
    for (const c of family.cores) {
      const l = layerOn.get(c.core);
      const m = l?.memory ?? { kernel: 0, neuron: 0, bias: 0 };
      rows.push([
        String(c.core),
        l ? String(l.index) : '·',
        bar(m.kernel, c.kernel),
        `${formatEntries(m.kernel)} / ${formatEntries(c.kernel)}`,
        bar(m.neuron, c.neuron),
        `${formatEntries(m.neuron)} / ${formatEntries(c.neuron)}`,
        bar(m.bias, c.bias, 6),
        `${m.bias} / ${c.bias}`,
      ]);
    }
    out.push(table(rows, ['r', 'r']));
    if (!r.placement) {
      out.push('', 'Chip layer needs (kernel / neuron / bias) and the cores they fit:');
      for (const l of r.layers) {
        out.push(`  chip layer ${l.index}: ${formatEntries(l.memory.kernel)} / ${formatEntries(l.memory.neuron)} / ${l.memory.bias} → ${l.candidates.length ? `cores ${l.candidates.join(', ')}` : 'no core'}`);
      }
    }
  }
  if (r.placement && r.monitoredCores.length > 0) {
    out.push('', `Monitored: ${r.monitoredCores.map((c) => `chip layer ${r.placement!.ordering.indexOf(c)} on core ${c}`).join(', ')}`);
  }
  const notes = r.diagnostics.filter((d) => d.severity !== 'error');
  if (notes.length > 0) out.push('', ...notes.map((d) => formatDiagnostic(d, label.model)));
  if (r.error) {
    const e = r.error;
    const where = e.span ? `${label.model}:${e.span.line}:${e.span.column}: ` : '';
    out.push('', `error (${e.stage}, ${e.class}): ${where}${e.message}`);
    if (e.hint) out.push(`  hint: ${e.hint}`);
    for (const d of r.diagnostics.filter((x) => x.severity === 'error').slice(1)) out.push(formatDiagnostic(d, label.model));
  } else {
    out.push('', `ok: ${r.layers.length} chip layers placed on cores ${r.placement?.ordering.join(' ')}`);
  }
  return out.join('\n');
}
