// The Placement tab: the chip drawn as its cores (3 x 3, or 5 for the mini chips) with
// each core's kernel / neuron / bias capacity and what the placed layer uses, arrows for
// destinations (routed through the gutters; each card names its destinations and pooling), unplaced layers in a tray with the reason, and a
// core picker per layer (plus drag and drop onto a card). A pick is checked against the
// core table at once; the compile that follows is the authority.

import { useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { ChipLayerView, CompileView } from '../../preload/api';
import { formatEntries } from '../../main/common/number-format';
import { CapacityBar } from '../inspector/small-charts';
import { assignLayer, baseOrdering, fits, overflowText, overflowsOf, placedCountText, placementPicture, placementProblemText, type CoreUse } from './placement-fit';
import { routeBetween, type Rect } from './arrow-routes';

export interface PlacementViewProps {
  view: CompileView | null;
  pending: boolean;
  ordering: 'auto' | number[];
  onOrdering(ordering: 'auto' | number[]): void;
}

export function layerName(l: ChipLayerView): string {
  return `L${l.index} ${l.conv.fromLinear ? 'Linear' : 'Conv'} ${l.conv.inChannels}→${l.conv.outChannels}`;
}

const DRAG_TYPE = 'application/x-dcnn-layer';

export function PlacementView(p: PlacementViewProps) {
  const view = p.view;
  const layers = view?.chipLayers ?? [];
  const cores = view?.family?.cores ?? [];
  const manual = p.ordering !== 'auto';
  const drawn: number[] | null = manual ? (p.ordering as number[]) : (view?.placement?.ordering ?? null);
  const stoppedBy = view && !view.placement && view.error ? view.error.message : null;
  const picture = useMemo(() => placementPicture(layers, cores, drawn, view?.placementProblems ?? [], stoppedBy), [layers, cores, drawn, view?.placementProblems, stoppedBy]);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const [dragLayer, setDragLayer] = useState<number | null>(null);

  if (!view || !view.family) {
    return (
      <section className="placement" aria-label="Placement">
        <p className="quiet pad">{p.pending ? 'Compiling…' : view?.error ? `Nothing to place: ${view.error.message}` : 'Nothing compiled yet.'}</p>
      </section>
    );
  }

  const assign = (layer: number, core: number) => {
    const base = manual ? (p.ordering as number[]) : baseOrdering(layers, cores, view.placement?.ordering ?? null);
    p.onOrdering(assignLayer(base, layer, core));
  };
  const coreOfLayer = (i: number) => drawn?.[i] ?? null;
  // No chip layers came out of the model: say why instead of "0 of 0 layers placed".
  const firstError = view.error?.message ?? view.diagnostics.find((d) => d.severity === 'error')?.message ?? null;
  // no-core / too-few-cores are in the tray, does-not-fit on the cards; the rest is listed.
  const otherProblems = view.placementProblems.filter((x) => x.kind !== 'no-core' && x.kind !== 'too-few-cores' && x.kind !== 'does-not-fit');
  const onDrop = (core: number) => (e: DragEvent) => {
    e.preventDefault();
    setDragOver(null);
    const layer = Number(e.dataTransfer.getData(DRAG_TYPE) || dragLayer);
    if (Number.isInteger(layer) && layer >= 0) assign(layer, core);
    setDragLayer(null);
  };

  return (
    <section className="placement" aria-label="Placement">
      <header className="view-header">
        <h2>Placement</h2>
        <span className={`placed-count ${picture.valid ? 'ok' : 'bad'}`} role="status" data-testid="placed-count">
          {layers.length === 0 && firstError ? `Nothing to place: ${firstError}` : placedCountText(picture)}
        </span>
        <span className="quiet">
          {view.family.name}, {cores.length} cores · {manual ? 'manual ordering (saved with the model)' : 'automatic (maximum bipartite matching)'}
          {p.pending ? ' · checking…' : ''}
        </span>
        <button type="button" onClick={() => p.onOrdering('auto')} disabled={!manual}>
          Back to auto
        </button>
      </header>
      <div className="placement-body">
        <div className={`chip-grid cores-${cores.length}`} data-testid="chip-grid">
          {picture.cores.map((c) => (
            <CoreCard
              key={c.limits.core}
              use={c}
              layers={layers}
              over={dragOver === c.limits.core}
              draggingFits={dragLayer === null ? null : fits(layers[dragLayer]?.memory ?? { kernel: 0, neuron: 0, bias: 0 }, c.limits)}
              coreOfLayer={coreOfLayer}
              onDragStart={(layer, e) => {
                e.dataTransfer.setData(DRAG_TYPE, String(layer));
                e.dataTransfer.effectAllowed = 'move';
                setDragLayer(layer);
              }}
              onDragEnd={() => {
                setDragLayer(null);
                setDragOver(null);
              }}
              onDragOver={(e) => {
                e.preventDefault();
                setDragOver(c.limits.core);
              }}
              onDragLeave={() => setDragOver((x) => (x === c.limits.core ? null : x))}
              onDrop={onDrop(c.limits.core)}
            />
          ))}
          <DestinationArrows layers={layers} ordering={drawn} />
        </div>
        <div className="placement-side">
          <table className="dense assign-table">
            <caption>Assign layers to cores</caption>
            <thead>
              <tr>
                <th scope="col">Layer</th>
                <th scope="col" className="num">Kernel</th>
                <th scope="col" className="num">Neuron</th>
                <th scope="col" className="num">Bias</th>
                <th scope="col">Core</th>
              </tr>
            </thead>
            <tbody>
              {layers.map((l) => {
                const core = coreOfLayer(l.index);
                const limits = cores.find((c) => c.core === core);
                const over = limits ? overflowsOf(l.memory, limits) : [];
                return (
                  <tr key={l.index}>
                    <th scope="row">
                      <span className="swatch" style={{ background: `var(--layer-${l.index % 9})` }} aria-hidden="true" />
                      <span
                        draggable
                        className="drag-handle"
                        onDragStart={(e) => {
                          e.dataTransfer.setData(DRAG_TYPE, String(l.index));
                          setDragLayer(l.index);
                        }}
                        onDragEnd={() => setDragLayer(null)}
                      >
                        {layerName(l)}
                      </span>
                    </th>
                    <td className="num">{formatEntries(l.memory.kernel)}</td>
                    <td className="num">{formatEntries(l.memory.neuron)}</td>
                    <td className="num">{formatEntries(l.memory.bias)}</td>
                    <td>
                      <select aria-label={`Core for layer ${l.index}`} aria-invalid={over.length > 0} value={core ?? ''} onChange={(e) => assign(l.index, Number(e.target.value))}>
                        {core === null && <option value="">not placed</option>}
                        {cores.map((c) => {
                          const o = overflowsOf(l.memory, c);
                          return (
                            <option key={c.core} value={c.core}>
                              core {c.core} — {o.length === 0 ? 'fits' : `too small (${o.map((x) => x.memory).join(', ')})`}
                            </option>
                          );
                        })}
                      </select>
                      {over.length > 0 && (
                        <div className="field-error" role="alert">
                          {over.map(overflowText).join('; ')}
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {picture.unplaced.length > 0 && (
            <section className="tray" aria-label="Unplaced layers">
              <h3>Not placed</h3>
              <ul>
                {picture.unplaced.map((u) => {
                  const l = layers.find((x) => x.index === u.layer);
                  return (
                    <li key={u.layer}>
                      <span
                        className="layer-chip"
                        draggable
                        onDragStart={(e) => {
                          e.dataTransfer.setData(DRAG_TYPE, String(u.layer));
                          setDragLayer(u.layer);
                        }}
                        onDragEnd={() => setDragLayer(null)}
                        style={{ borderColor: `var(--layer-${u.layer % 9})` }}
                      >
                        {l ? layerName(l) : `L${u.layer}`}
                      </span>
                      <span className="reason">{u.reason}</span>
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          {otherProblems.length > 0 && (
            <ul className="placement-problems" aria-label="Placement problems">
              {otherProblems.map((x, i) => (
                <li key={i} className="field-error">
                  {placementProblemText(x)}
                </li>
              ))}
            </ul>
          )}
          {view.family.notes.map((n) => (
            <p key={n} className="warn-text">
              {n}
            </p>
          ))}
        </div>
      </div>
    </section>
  );
}

interface CoreCardProps {
  use: CoreUse;
  layers: readonly ChipLayerView[];
  over: boolean;
  draggingFits: boolean | null;
  coreOfLayer(i: number): number | null;
  onDragStart(layer: number, e: DragEvent): void;
  onDragEnd(): void;
  onDragOver(e: DragEvent): void;
  onDragLeave(): void;
  onDrop(e: DragEvent): void;
}

function CoreCard(p: CoreCardProps) {
  const { limits, layers: on, use, overflows } = p.use;
  const placed = on.map((i) => p.layers.find((l) => l.index === i)).filter((l): l is ChipLayerView => l !== undefined);
  const first = placed[0];
  const color = first ? `var(--layer-${first.index % 9})` : undefined;
  const bad = overflows.length > 0 || on.length > 1;
  const dests = first
    ? first.destinations.map((d) => (d < 0 ? 'output' : `core ${p.coreOfLayer(d) ?? '?'}`)).join(', ')
    : '';
  const cls = ['core-card', first ? 'placed' : 'empty', bad ? 'bad' : '', p.over ? 'drop-over' : '', p.draggingFits === false ? 'drop-no' : p.draggingFits ? 'drop-ok' : ''].join(' ');
  return (
    <div className={cls} role="group" aria-label={`Core ${limits.core}`} data-core={limits.core} onDragOver={p.onDragOver} onDragLeave={p.onDragLeave} onDrop={p.onDrop}>
      <div className="core-head">
        <span className="core-id">core {limits.core}</span>
        {placed.map((l) => (
          <span key={l.index} className="layer-chip" draggable onDragStart={(e) => p.onDragStart(l.index, e)} onDragEnd={p.onDragEnd} style={{ borderColor: `var(--layer-${l.index % 9})` }}>
            {layerName(l)}
          </span>
        ))}
        {placed.length === 0 && <span className="quiet">free</span>}
      </div>
      <CapacityBar label="kernel" used={use.kernel} capacity={limits.kernel} stacked {...(color ? { color } : {})} />
      <CapacityBar label="neuron" used={use.neuron} capacity={limits.neuron} stacked {...(color ? { color } : {})} />
      <CapacityBar label="bias" used={use.bias} capacity={limits.bias} stacked {...(color ? { color } : {})} />
      {first && (
        <div className="core-dest quiet">
          → {dests}
          {first.pooling > 1 ? ` · pool ${first.pooling}` : ''}
        </div>
      )}
      {overflows.length > 0 && (
        <div className="core-overflow" role="alert">
          Does not fit: {overflows.map(overflowText).join('; ')}
        </div>
      )}
      {on.length > 1 && <div className="core-overflow">Layers {on.join(' and ')} share this core: one layer per core.</div>}
    </div>
  );
}

/** Arrows from card to card for each destination, routed through the gutters (arrow-routes.ts); measured after layout. */
function DestinationArrows(props: { layers: readonly ChipLayerView[]; ordering: readonly number[] | null }) {
  const svg = useRef<SVGSVGElement>(null);
  const [arrows, setArrows] = useState<Array<{ key: string; d: string }>>([]);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const deps = JSON.stringify([props.ordering, props.layers.map((l) => [l.destinations, l.pooling])]);
  useLayoutEffect(() => {
    const el = svg.current;
    const grid = el?.parentElement;
    if (!el || !grid) return;
    const measure = () => {
      const box = grid.getBoundingClientRect();
      const rects = new Map<number, Rect>();
      grid.querySelectorAll<HTMLElement>('[data-core]').forEach((card) => {
        const r = card.getBoundingClientRect();
        rects.set(Number(card.dataset.core), { left: r.left - box.left, top: r.top - box.top, width: r.width, height: r.height });
      });
      const all = [...rects.values()];
      const out: Array<{ key: string; d: string }> = [];
      for (const l of props.layers) {
        const from = props.ordering?.[l.index];
        if (from === undefined) continue;
        for (const dest of l.destinations) {
          if (dest < 0) continue;
          const to = props.ordering?.[dest];
          if (to === undefined || to === from) continue;
          const a = rects.get(from);
          const b = rects.get(to);
          if (!a || !b) continue;
          // Each arrow its own lane, so arrows sharing a gutter stay apart.
          const { points } = routeBetween(a, b, all, out.length);
          out.push({ key: `${l.index}-${dest}`, d: points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x},${y}`).join(' ') });
        }
      }
      setArrows(out);
      setSize({ w: box.width, h: box.height });
    };
    measure();
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    ro?.observe(grid);
    return () => ro?.disconnect();
  }, [deps]);
  return (
    <svg ref={svg} className="arrows" width={size.w} height={size.h} aria-hidden="true">
      <defs>
        <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="arrowhead" />
        </marker>
      </defs>
      {arrows.map((a) => (
        <path key={a.key} d={a.d} className="arrow" markerEnd="url(#arrowhead)" />
      ))}
    </svg>
  );
}
