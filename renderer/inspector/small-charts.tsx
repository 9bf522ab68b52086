// Tiny inline charts for dense tables: a histogram sparkline (SVG) and a capacity bar
// with its numbers. Decorative shapes are hidden from screen readers; the numbers and
// labels carry the meaning.

import type { HistogramView } from '../../preload/api';
import { formatEntries, formatValue } from '../../main/common/number-format';

export function Histogram(props: { h: HistogramView; label: string; width?: number; height?: number }) {
  const w = props.width ?? 72;
  const h = props.height ?? 20;
  const counts = props.h.counts;
  const max = Math.max(1, ...counts);
  const bw = counts.length > 0 ? w / counts.length : w;
  const summary = `${props.label}: ${counts.length} bins from ${formatValue(props.h.min)} to ${formatValue(props.h.max)}, largest bin ${max}`;
  return (
    <svg className="histogram" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={summary}>
      <title>{summary}</title>
      <line x1={0} x2={w} y1={h - 0.5} y2={h - 0.5} className="axis" />
      {counts.map((c, i) => {
        const bh = c > 0 ? Math.max(1, (c / max) * (h - 1)) : 0;
        return <rect key={i} x={i * bw} y={h - 1 - bh} width={Math.max(0.5, bw - 0.5)} height={bh} />;
      })}
    </svg>
  );
}


/** "used / capacity" with a bar; `over` turns it red. */
export function CapacityBar(props: { label: string; used: number; capacity: number; color?: string; compact?: boolean; stacked?: boolean }) {
  const frac = props.capacity > 0 ? props.used / props.capacity : props.used > 0 ? Infinity : 0;
  const over = frac > 1;
  const full = `${formatEntries(props.used)} / ${formatEntries(props.capacity)}`;
  // Compact bars (tables) show the use only; the capacity is the same for the whole column.
  const text = props.compact ? formatEntries(props.used) : full;
  return (
    <div className={`capacity ${over ? 'over' : ''} ${props.compact ? 'compact' : ''} ${props.stacked ? 'stacked' : ''}`} title={`${props.label} memory: ${full} entries`}>
      <span className="capacity-label">{props.label}</span>
      <span className="capacity-track" aria-hidden="true">
        <span className="capacity-fill" style={{ width: `${Math.min(1, frac) * 100}%`, ...(props.color && !over ? { background: props.color } : {}) }} />
      </span>
      <span className="capacity-text num">{text}</span>
    </div>
  );
}
