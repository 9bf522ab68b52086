// The Conversion tab: which source lines became which chip layer, and per chip layer its
// geometry, threshold and scale, weight histograms before and after quantization, zeroed
// weights and memory against the largest core. Clicking a row highlights its lines in
// the editor; "show" jumps there.

import type { ReactNode } from 'react';
import type { ChipLayerView, CompileView, ModelLayerView } from '../../preload/api';
import { formatEntries, formatFloat } from '../../main/common/number-format';
import { CapacityBar, Histogram } from './small-charts';

export interface InspectorProps {
  view: CompileView | null;
  pending: boolean;
  selected: number | null;
  onSelect(layer: ChipLayerView): void;
  onShowLines(lines: [number, number]): void;
  /** Buttons at the end of the header (Export as NIR). */
  actions?: ReactNode;
}

const shape = (s: readonly number[]) => s.join('×');
const pair = (p: readonly [number, number]) => (p[0] === p[1] ? String(p[0]) : `${p[0]},${p[1]}`);

export function largestCore(view: CompileView): { kernel: number; neuron: number; bias: number } {
  const cores = view.family?.cores ?? [];
  return {
    kernel: Math.max(0, ...cores.map((c) => c.kernel)),
    neuron: Math.max(0, ...cores.map((c) => c.neuron)),
    bias: Math.max(0, ...cores.map((c) => c.bias)),
  };
}

function sourceText(view: CompileView, l: ChipLayerView): ModelLayerView[] {
  return l.sourceLayers.map((i) => view.modelLayers.find((m) => m.index === i)).filter((m): m is ModelLayerView => m !== undefined);
}

function lineText(lines: [number, number]): string {
  return lines[0] === lines[1] ? `L${lines[0]}` : `L${lines[0]}–${lines[1]}`;
}

/** "input → 1, 2" or "0 + 1 → output": the chip layers feeding this one (more than one: a merge) and the ones it sends to. */
export function flowText(layers: readonly ChipLayerView[], l: ChipLayerView): string {
  const from = layers.filter((o) => o.destinations.includes(l.index)).map((o) => o.index);
  const to = l.destinations.filter((d) => d >= 0);
  return `${from.length === 0 ? 'input' : from.join(' + ')} → ${to.length === 0 ? 'output' : to.join(', ')}`;
}

export function ConversionInspector(p: InspectorProps) {
  const view = p.view;
  if (!view) return <section className="inspector" aria-label="Conversion inspector"><p className="quiet pad">{p.pending ? 'Compiling…' : 'Nothing compiled yet.'}</p></section>;
  const largest = largestCore(view);
  const coreOf = (i: number) => view.placement?.ordering[i];
  const dropped = view.modelLayers.filter((m) => m.chipLayer === null);
  return (
    <section className="inspector" aria-label="Conversion inspector">
      <header className="view-header">
        <h2>Conversion</h2>
        <span className="quiet">
          {view.chipLayers.length} chip layer{view.chipLayers.length === 1 ? '' : 's'} from {view.modelLayers.length} model layers · {view.family?.name ?? view.chip} · weights:{' '}
          {view.weightsSource === 'file' ? 'from file' : view.weightsSource === 'random' ? 'seeded random' : 'none'}
        </span>
        {p.actions}
      </header>
      {view.error && view.chipLayers.length === 0 && (
        <p className="view-error pad" role="alert">
          The model did not convert ({view.error.stage}): {view.error.message} {view.error.hint ?? ''} Fix it in the Model tab; this view updates as you type.
        </p>
      )}
      {view.dvs && (
        <p className="pad dvs-row">
          <strong>DVS input</strong> {shape(view.dvs.inputShape)} → pooling {view.dvs.pooling.join('×')} → {shape(view.dvs.outputShape)}
        </p>
      )}
      {view.chipLayers.length > 0 && (
        <div className="table-scroll">
          <table className="dense inspector-table">
            <caption className="sr-only">Chip layers, grouped under the model lines they came from</caption>
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col" className="num">Core</th>
                <th scope="col" title="Where the layer's input comes from, and where its spikes go: a graph network merges and splits here">From → to</th>
                <th scope="col">Input</th>
                <th scope="col">Conv in→out · k/s/p</th>
                <th scope="col">Neurons</th>
                <th scope="col" className="num">Pool</th>
                <th scope="col">Output</th>
                <th scope="col" className="num">Threshold</th>
                <th scope="col" className="num">Scale</th>
                <th scope="col">Weights float → int8</th>
                <th scope="col" className="num">Zeroed</th>
                <th scope="col">Memory (entries)</th>
              </tr>
            </thead>
            {view.chipLayers.map((l) => {
              const src = sourceText(view, l);
              const core = coreOf(l.index);
              const selected = p.selected === l.index;
              return (
                <tbody key={l.index} className={selected ? 'selected' : ''}>
                  <tr className="group-row">
                    <th colSpan={13} scope="rowgroup">
                      <button type="button" className="link mono" onClick={() => p.onShowLines(l.lines)} title="Show these lines in the editor">
                        {lineText(l.lines)}
                      </button>{' '}
                      <span className="mono quiet">{src.map((m) => m.written).join(' → ')}</span>
                    </th>
                  </tr>
                  <tr className="layer-row" onClick={() => p.onSelect(l)} aria-selected={selected}>
                    <th scope="row">
                      <button type="button" className="link" onClick={() => p.onSelect(l)} aria-pressed={selected} aria-label={`Chip layer ${l.index}: highlight lines ${l.lines[0]} to ${l.lines[1]}`}>
                        <span className="swatch" style={{ background: `var(--layer-${l.index % 9})` }} aria-hidden="true" />
                        {l.index}
                      </button>
                    </th>
                    <td className="num">{core ?? '—'}</td>
                    <td className="mono flow">{flowText(view.chipLayers, l)}</td>
                    <td className="mono">{shape(l.inputShape)}</td>
                    <td className="mono" title={l.conv.fromLinear ? 'a Linear layer, run as a convolution over its whole input' : undefined}>
                      {l.conv.inChannels}→{l.conv.outChannels} · {pair(l.conv.kernelSize)}/{pair(l.conv.stride)}/{pair(l.conv.padding)}
                    </td>
                    <td className="mono">{shape(l.neuronShape)}</td>
                    <td className="num">{l.pooling}</td>
                    <td className="mono">{shape(l.outputShape)}</td>
                    <td className="num" title={`threshold ${l.threshold.float} → ${l.threshold.int}; low bound ${l.minVMem.float ?? 'none'} → ${l.minVMem.int}; reset ${l.reset}`}>
                      {formatFloat(l.threshold.float)} → {l.threshold.int}
                    </td>
                    <td className="num">{formatFloat(l.scale)}</td>
                    <td>
                      <div className="hist-pair">
                        <Histogram h={l.floatHistogram} label={`Layer ${l.index} float weights`} width={56} />
                        <Histogram h={l.intHistogram} label={`Layer ${l.index} int8 weights`} width={56} />
                      </div>
                    </td>
                    <td className="num" title={`${l.zeroedWeights} of ${l.weightCount} weights were non-zero as floats and became 0`}>
                      {l.zeroedWeights.toLocaleString('en-US')} / {l.weightCount.toLocaleString('en-US')}
                    </td>
                    <td className="mem-cell">
                      <CapacityBar label="kernel" used={l.memory.kernel} capacity={largest.kernel} compact />
                      <CapacityBar label="neuron" used={l.memory.neuron} capacity={largest.neuron} compact />
                      <CapacityBar label="bias" used={l.memory.bias} capacity={largest.bias} compact />
                    </td>
                  </tr>
                </tbody>
              );
            })}
          </table>
        </div>
      )}
      {dropped.length > 0 && (
        <p className="pad quiet">
          Not on the chip: {dropped.map((m) => `${m.written} (L${m.span.line})`).join(', ')}.
        </p>
      )}
      <p className="pad quiet legend">
        Memory in entries (Ki = 1024); bars against the largest core of {view.family?.name ?? 'the chip'}: kernel {formatEntries(largest.kernel)}, neuron {formatEntries(largest.neuron)}, bias {formatEntries(largest.bias)}.
      </p>
    </section>
  );
}

