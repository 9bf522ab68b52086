// What the workbench's uPlot charts share: whether a chart can be drawn here, series
// colours, a time axis in ms over data in seconds, and short rate labels.

import type uPlot from 'uplot';

export const COLOURS = ['#2f6fdb', '#d9822b', '#2e9e5b', '#b9418e', '#7a5cd6', '#c2402b', '#1f9aa8', '#8a8a28', '#555555'];

/** uPlot draws on a 2D canvas; without one (jsdom) charts are left out. */
export function canDraw(): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

/** 0, 950, 12k, 1.5M: short enough for an axis. */
export function compactRate(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** The x axis and x series of a chart whose x values are seconds, labelled in ms. */
export const msAxis: uPlot.Axis = { label: 'time (ms)', size: 40, values: (_u, vals) => vals.map((v) => `${+(v * 1000).toPrecision(4)}`) };
export const msSeries: uPlot.Series = { label: 'time (ms)', value: (_u, v) => (v === null ? '--' : `${+(v * 1000).toPrecision(5)}`) };
