/**
 * plotRank, as ArviZ's plot_rank (Vehtari et al. 2021, §4.2): per scalar, the draws of all chains
 * ranked together and a histogram of each chain's ranks. Chains that mix have flat histograms,
 * near the dashed line (draws per chain / bins); a chain that sits apart has skewed ranks.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import { averageRanks, concatChains } from '../diagnostics/rank_normalize.js';
import { asSpec, chainColor, chainId, checkDraws, DEFAULT_SCALAR_LIMIT, type PlotOptions } from './plot_spec.js';
import { selectScalars, type ScalarRef } from './select.js';

export interface RankPlotOptions extends PlotOptions {
  /** Histogram bins over the ranks; 20 by default, at most the draws per chain. */
  bins?: number;
}

export interface RankRow {
  var: string;
  chain: string;
  /** Bin number from 0, and the ranks it holds, [rankFrom, rankTo). */
  bin: number;
  rankFrom: number;
  rankTo: number;
  count: number;
}

/** The rank histogram rows of `scalars`: bins × chains per scalar. */
export function rankRows(trace: Trace, scalars: readonly ScalarRef[], bins: number): RankRow[] {
  const total = trace.chains * trace.draws;
  const rows: RankRow[] = [];
  for (const s of scalars) {
    const ranks = averageRanks(concatChains(trace.scalarChains(s.param, s.index)));
    for (let c = 0; c < trace.chains; c++) {
      const counts = new Array<number>(bins).fill(0);
      for (let d = 0; d < trace.draws; d++) {
        const r = ranks[c * trace.draws + d];
        if (!Number.isNaN(r)) counts[Math.min(bins - 1, Math.floor(((r - 1) * bins) / total))]++;
      }
      const chain = String(chainId(trace, c));
      counts.forEach((count, bin) => rows.push({ var: s.label, chain, bin, rankFrom: (bin * total) / bins + 1, rankTo: ((bin + 1) * total) / bins + 1, count }));
    }
  }
  return rows;
}

/** Rank histograms: one row of panels per scalar, one column per chain. */
export function plotRank(trace: Trace, options: RankPlotOptions = {}): TopLevelSpec {
  checkDraws(trace, 'plotRank');
  const bins = options.bins ?? Math.min(20, trace.draws);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`plotRank: bins must be a positive integer, got ${bins}`);
  const scalars = selectScalars(trace, 'plotRank', { limit: DEFAULT_SCALAR_LIMIT, ...options });
  const { width = 150, height = 70 } = options;
  return asSpec({
    title: { text: options.title ?? 'Rank plot', subtitle: `ranks of all ${trace.chains * trace.draws} draws, ${bins} bins per chain; dashed: uniform (well-mixed chains)` },
    data: { values: rankRows(trace, scalars, bins) },
    facet: {
      row: { field: 'var', type: 'nominal', sort: scalars.map((s) => s.label), title: null, header: { labelAngle: 0, labelAlign: 'left' } },
      column: { field: 'chain', type: 'ordinal', title: null, header: { labelExpr: "'chain ' + datum.value" } },
    },
    spec: {
      width, height,
      layer: [
        { mark: { type: 'bar', opacity: 0.85, stroke: 'white', strokeWidth: 0.5 }, encoding: { x: { field: 'rankFrom', type: 'quantitative', title: 'rank (all chains)', scale: { domain: [1, trace.chains * trace.draws + 1], nice: false } }, x2: { field: 'rankTo' }, y: { field: 'count', type: 'quantitative', title: 'draws' }, y2: { datum: 0 }, color: { ...chainColor(trace), legend: null } } },
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'black' }, encoding: { y: { datum: trace.draws / bins } } },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  });
}
