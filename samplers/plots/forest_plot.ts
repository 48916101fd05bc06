/**
 * plotForest, as ArviZ's plot_forest: per scalar, the median (point), the 50% interval (thick
 * line, quantiles 25–75) and the 90% interval (thin line, quantiles 5–95), for each chain apart
 * (so disagreeing chains show) or for all chains pooled; R-hat beside each name.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Trace } from '../trace/trace.js';
import { concatChains, quantile7 } from '../diagnostics/rank_normalize.js';
import { rhat } from '../diagnostics/rhat.js';
import { asSpec, chainColor, chainId, checkDraws, DEFAULT_SCALAR_LIMIT, type PlotOptions } from './plot_spec.js';
import { selectScalars, type ScalarRef } from './select.js';

export interface ForestPlotOptions extends PlotOptions {
  /** Pool the chains into one line per scalar; false (one line per chain) by default. */
  combined?: boolean;
}

export interface ForestRow {
  /** The scalar's label with its R-hat, as the y axis shows it. */
  var: string;
  chain: string;
  q5: number;
  q25: number;
  q50: number;
  q75: number;
  q95: number;
}

function intervalRow(label: string, chain: string, draws: Float64Array): ForestRow {
  const s = Float64Array.from(draws).sort();
  const q = (p: number) => quantile7(s, p, true);
  return { var: label, chain, q5: q(0.05), q25: q(0.25), q50: q(0.5), q75: q(0.75), q95: q(0.95) };
}

/** The intervals of `scalars`, one row per chain (or one pooled row, chain 'all'). */
export function forestRows(trace: Trace, scalars: readonly ScalarRef[], combined: boolean): ForestRow[] {
  return scalars.flatMap((s) => {
    const chains = trace.scalarChains(s.param, s.index);
    const r = trace.draws >= 4 ? rhat(chains) : NaN;
    const label = `${s.label}  (R̂ ${Number.isFinite(r) ? r.toFixed(2) : 'NA'})`;
    if (combined) return [intervalRow(label, 'all', concatChains(chains))];
    return chains.map((c, k) => intervalRow(label, String(chainId(trace, k)), c));
  });
}

/** The forest plot of the selected scalars (the first 8 when `vars` is not given). */
export function plotForest(trace: Trace, options: ForestPlotOptions = {}): TopLevelSpec {
  checkDraws(trace, 'plotForest');
  const scalars = selectScalars(trace, 'plotForest', { limit: DEFAULT_SCALAR_LIMIT, ...options });
  const combined = options.combined ?? false;
  const rows = forestRows(trace, scalars, combined);
  const perScalar = combined ? 1 : trace.chains;
  const { width = 360, height = Math.max(60, scalars.length * perScalar * 12) } = options;
  const y = { field: 'var', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.var))] };
  const yOffset = combined ? {} : { yOffset: { field: 'chain', type: 'nominal', sort: null } };
  const color = combined ? { value: '#4c78a8' } : chainColor(trace);
  const enc = (extra: object) => ({ y, ...yOffset, color, ...extra });
  return asSpec({
    title: { text: options.title ?? 'Forest plot', subtitle: `median, 50% (thick) and 90% (thin) intervals${combined ? ', chains pooled' : ', per chain'}` },
    data: { values: rows },
    width, height,
    layer: [
      { mark: { type: 'rule', strokeWidth: 1.2 }, encoding: enc({ x: { field: 'q5', type: 'quantitative', title: 'value', scale: { zero: false } }, x2: { field: 'q95' } }) },
      { mark: { type: 'rule', strokeWidth: 3.5 }, encoding: enc({ x: { field: 'q25', type: 'quantitative' }, x2: { field: 'q75' } }) },
      { mark: { type: 'point', filled: true, size: 30, opacity: 1 }, encoding: enc({ x: { field: 'q50', type: 'quantitative' } }) },
    ],
  });
}
