// What hovering over a layer in the model text says: the layer as written, its output
// shape, and the chip layer it became part of. Pure, over the compile result.

import type { CompileView, ModelLayerView, SpanView } from '../../preload/api';

function contains(s: SpanView, line: number, column: number): boolean {
  if (line < s.line || line > s.endLine) return false;
  if (line === s.line && column < s.column) return false;
  if (line === s.endLine && column > s.endColumn) return false;
  return true;
}

export function layerAt(view: CompileView | null, line: number, column: number): ModelLayerView | null {
  if (!view) return null;
  // Innermost (shortest) span wins when spans nest.
  let best: ModelLayerView | null = null;
  for (const l of view.modelLayers) {
    if (!contains(l.span, line, column)) continue;
    if (!best || l.span.endLine - l.span.line < best.span.endLine - best.span.line || l.span.endColumn - l.span.column < best.span.endColumn - best.span.column) best = l;
  }
  return best;
}

export function layerHoverText(l: ModelLayerView): string {
  const shape = l.outputShape ? `output **${l.outputShape.join(' × ')}** (C × H × W)` : 'output shape unknown (conversion did not get this far)';
  const chip = l.chipLayer === null ? 'not on the chip (dropped in conversion)' : `part of chip layer ${l.chipLayer}`;
  return `\`${l.written}\` · layer ${l.index}\n\n${shape}\n\n${chip}`;
}

export function hoverAt(view: CompileView | null, line: number, column: number): { text: string; range: [number, number, number, number] } | null {
  const l = layerAt(view, line, column);
  if (!l) return null;
  return { text: layerHoverText(l), range: [l.span.line, l.span.column, l.span.endLine, l.span.endColumn] };
}
