// Two runs over time, layer by layer: each compared chip layer's events per time bin, run
// A as a solid line and run B dashed in the same colour, so where two runs part shows at
// a glance (uPlot, loaded when first drawn).

import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CompareView } from '../../preload/api';
import { canDraw, COLOURS, compactRate, msAxis, msSeries } from '../monitor/chart-parts';

/** x in seconds (bin middles), then per layer A's and B's counts. */
export function compareSeries(timeline: NonNullable<CompareView['timeline']>): number[][] {
  const bins = timeline.perLayer[0]?.a.length ?? 0;
  const x = Array.from({ length: bins }, (_, k) => (timeline.fromUs + (k + 0.5) * timeline.binUs) / 1e6);
  return [x, ...timeline.perLayer.flatMap((l) => [l.a, l.b])];
}

export function ComparePlot(props: { result: CompareView; nameOf: (core: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  const { result, nameOf } = props;
  const timeline = result.timeline;
  useEffect(() => {
    const el = host.current;
    if (!el || !timeline || timeline.perLayer.length === 0 || !canDraw()) return;
    let plot: uPlot | null = null;
    let closed = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (closed) return;
      plot = new UPlot(
        {
          width: Math.max(240, el.clientWidth || 600),
          height: 180,
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: false } },
          axes: [msAxis, { label: 'events per bin', size: 64, values: (_u, vals) => vals.map(compactRate) }],
          series: [
            msSeries,
            ...timeline.perLayer.flatMap((l, i) => {
              const stroke = COLOURS[i % COLOURS.length]!;
              return [
                { label: `${nameOf(l.layer)} #${result.a}`, stroke, width: 1.5, points: { show: false } },
                { label: `${nameOf(l.layer)} #${result.b}`, stroke, width: 1.5, dash: [6, 4], points: { show: false } },
              ];
            }),
          ],
        },
        compareSeries(timeline) as uPlot.AlignedData,
        el,
      );
    });
    return () => {
      closed = true;
      plot?.destroy();
    };
  }, [timeline, result.a, result.b, nameOf]);
  if (!timeline) return null;
  return (
    <div
      className="compare-plot"
      ref={host}
      role="img"
      data-testid="compare-plot"
      aria-label={`Events over time, run #${result.a} (solid) against run #${result.b} (dashed), per chip layer, in bins of ${Math.round(timeline.binUs)} µs`}
    />
  );
}
