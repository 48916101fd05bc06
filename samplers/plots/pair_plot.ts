/**
 * plotPair, as ArviZ's plot_pair: a scatter of each pair of the selected scalars (the lower
 * triangle of a matrix), draws coloured by chain, divergent draws in red on top, which shows
 * where in the posterior the sampler has trouble (a funnel's neck, say).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import { asSpec, chainColor, chainId, checkDraws, DIVERGENT_COLOR, divergentDraws, strideFor, type PlotOptions } from './plot_spec.js';
import { selectScalars, type ScalarRef } from './select.js';

/** Scalars in a pair plot when no `vars` are given: n scalars make n(n-1)/2 panels. */
export const PAIR_DEFAULT_LIMIT = 4;
/** Points per panel at most, all chains together. */
const MAX_PAIR_POINTS = 2000;

/** One row per draw: chain id, divergence, and the scalars as fields v0, v1, … (labels may hold brackets). */
export function pairRows(trace: Trace, scalars: readonly ScalarRef[]): Record<string, number | string | boolean>[] {
  const stride = strideFor(trace.draws, Math.ceil(MAX_PAIR_POINTS / trace.chains));
  const columns = scalars.map((s) => trace.scalarChains(s.param, s.index));
  const divergent = divergentDraws(trace);
  const rows: Record<string, number | string | boolean>[] = [];
  for (let c = 0; c < trace.chains; c++) {
    for (let d = 0; d < trace.draws; d += stride) {
      const row: Record<string, number | string | boolean> = { chain: String(chainId(trace, c)), divergent: divergent[c][d] === 1 };
      columns.forEach((col, k) => (row[`v${k}`] = col[c][d]));
      rows.push(row);
    }
  }
  return rows;
}

function panel(trace: Trace, scalars: readonly ScalarRef[], i: number, j: number, size: number) {
  const x = { field: `v${j}`, type: 'quantitative', title: scalars[j].label, scale: { zero: false } };
  const y = { field: `v${i}`, type: 'quantitative', title: scalars[i].label, scale: { zero: false } };
  return {
    width: size, height: size,
    layer: [
      { transform: [{ filter: '!datum.divergent' }], mark: { type: 'circle', size: 8, opacity: 0.5 }, encoding: { x, y, color: chainColor(trace) } },
      { transform: [{ filter: 'datum.divergent' }], mark: { type: 'circle', size: 16, color: DIVERGENT_COLOR, opacity: 0.9 }, encoding: { x, y } },
    ],
  };
}

/** Pairwise scatter plots of the selected scalars (the first 4 when `vars` is not given). */
export function plotPair(trace: Trace, options: PlotOptions = {}): TopLevelSpec {
  checkDraws(trace, 'plotPair');
  const scalars = selectScalars(trace, 'plotPair', { limit: PAIR_DEFAULT_LIMIT, ...options });
  if (scalars.length < 2) throw new Error(`plotPair: needs at least two scalars, got ${scalars.map((s) => s.label).join(', ') || 'none'}`);
  const size = options.width ?? 160;
  const rows = Array.from({ length: scalars.length - 1 }, (_, r) => ({ hconcat: Array.from({ length: r + 1 }, (_, j) => panel(trace, scalars, r + 1, j, size)) }));
  return asSpec({
    title: { text: options.title ?? 'Pair plot', subtitle: `divergent draws (red): ${trace.numDivergences()}` },
    data: { values: pairRows(trace, scalars) },
    vconcat: rows,
    resolve: { scale: { color: 'shared' } },
  });
}
