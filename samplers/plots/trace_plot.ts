/**
 * plotTrace, as ArviZ's plot_trace: per scalar, the density of each chain (left) and its draws
 * in order (right), chains coloured by CmdStan id, divergent draws marked in red on the trace.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import { asSpec, chainColor, chainId, checkDraws, DEFAULT_SCALAR_LIMIT, DIVERGENT_COLOR, divergentDraws, strideFor, type PlotOptions } from './plot_spec.js';
import { selectScalars, type ScalarRef } from './select.js';

/** One row per drawn point: scalar label, chain id, draw number (0-based, post-warmup), value. */
export interface DrawRow {
  var: string;
  chain: string;
  draw: number;
  value: number;
  divergent: boolean;
}

/** The draws of `scalars`, every `stride`-th of each chain. */
export function drawRows(trace: Trace, scalars: readonly ScalarRef[], stride = strideFor(trace.draws)): DrawRow[] {
  const divergent = divergentDraws(trace);
  const rows: DrawRow[] = [];
  for (const s of scalars) {
    trace.scalarChains(s.param, s.index).forEach((values, c) => {
      const chain = String(chainId(trace, c));
      for (let d = 0; d < values.length; d += stride) rows.push({ var: s.label, chain, draw: d, value: values[d], divergent: divergent[c][d] === 1 });
    });
  }
  return rows;
}

/** One scalar's row of the figure: density by chain, then the trace with its divergences. */
function scalarPanels(trace: Trace, label: string, width: number, height: number) {
  const only = { filter: { field: 'var', equal: label } };
  const color = chainColor(trace);
  const density = {
    width, height,
    transform: [only, { density: 'value', groupby: ['chain'], as: ['value', 'density'] }],
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: { x: { field: 'value', type: 'quantitative', title: label, scale: { zero: false } }, y: { field: 'density', type: 'quantitative', title: 'density' }, color },
  };
  const draws = {
    width: 2 * width, height,
    transform: [only],
    layer: [
      { mark: { type: 'line', strokeWidth: 0.8, opacity: 0.8 }, encoding: { x: { field: 'draw', type: 'quantitative', title: 'draw' }, y: { field: 'value', type: 'quantitative', title: label, scale: { zero: false } }, color } },
      { transform: [{ filter: 'datum.divergent' }], mark: { type: 'point', shape: 'cross', color: DIVERGENT_COLOR, size: 70, filled: true }, encoding: { x: { field: 'draw', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } } },
    ],
  };
  return { hconcat: [density, draws] };
}

/** The trace plot of the selected scalars (the first 8 when `vars` is not given). */
export function plotTrace(trace: Trace, options: PlotOptions = {}): TopLevelSpec {
  checkDraws(trace, 'plotTrace');
  const scalars = selectScalars(trace, 'plotTrace', { limit: DEFAULT_SCALAR_LIMIT, ...options });
  const { width = 220, height = 110 } = options;
  const divergences = trace.numDivergences();
  return asSpec({
    title: { text: options.title ?? 'Trace plot', subtitle: `${trace.chains} chains × ${trace.draws} draws; ${divergences} divergent (red crosses)` },
    data: { values: drawRows(trace, scalars) },
    vconcat: scalars.map((s) => scalarPanels(trace, s.label, width, height)),
    resolve: { scale: { color: 'shared' } },
  });
}
