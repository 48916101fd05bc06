/**
 * Model comparison by expected log predictive density, as R's `loo::loo_compare` (loo 2.10):
 * models ordered by elpd, best first; elpd_diff = Σ_i (elpd_i(model) − elpd_i(best)) and its
 * standard error √N · sd of the pointwise differences (Vehtari, Gelman & Gabry 2017, eq. 24), the
 * normal-approximation probability p_worse that the model predicts worse than the best
 * (Sivula et al. 2025), and loo's two flags: `N < 100` or `|elpd_diff| < 4` (the normal
 * approximation is poor) and the count of Pareto k̂ above the threshold.
 */
import type { ElpdResult, LooResult } from './loo.js';
import { normalCdf } from './normal_cdf.js';
import { paretoKThreshold } from './psis.js';

export interface CompareRow {
  /** The name given, or `model1`, `model2`, … by position, as loo names unnamed models. */
  model: string;
  elpdDiff: number;
  seDiff: number;
  /** P(elpd of this model < elpd of the best) under a normal approximation; NaN for the best. */
  pWorse: number;
  /** '' or a reason the normal approximation is doubtful: 'N < 100' or '|elpd_diff| < 4'. */
  diagDiff: string;
  /** '' or e.g. '3 k_psis > 0.7' when PSIS-LOO is unreliable for some observations. */
  diagElpd: string;
  elpd: number;
  seElpd: number;
  p: number;
  seP: number;
  ic: number;
  seIc: number;
}

/**
 * Compares fits by loo() or waic() (all of one criterion, on the same N observations); takes an
 * array (names model1, model2, …) or a record of named results. Rows come best first; ties keep
 * the order given.
 */
export function compare(fits: readonly ElpdResult[] | Readonly<Record<string, ElpdResult>>): CompareRow[] {
  const named = Array.isArray(fits)
    ? (fits as readonly ElpdResult[]).map((f, i) => [`model${i + 1}`, f] as const)
    : Object.entries(fits as Record<string, ElpdResult>);
  if (named.length < 2) throw new Error(`compare: needs at least two fits, got ${named.length}`);
  const [first] = named;
  for (const [name, f] of named) {
    if (f?.pointwise?.elpd === undefined) throw new Error(`compare: '${name}' is not a result of loo() or waic()`);
    if (f.criterion !== first[1].criterion) throw new Error(`compare: '${name}' is a ${f.criterion} result and '${first[0]}' a ${first[1].criterion} one; compare fits by one criterion`);
    if (f.observations !== first[1].observations) {
      throw new Error(`compare: not all models have the same number of observations: '${first[0]}' has ${first[1].observations}, '${name}' ${f.observations}`);
    }
  }
  const order = named.map((_, i) => i).sort((a, b) => named[b][1].elpd.estimate - named[a][1].elpd.estimate);
  const best = named[order[0]][1].pointwise.elpd;
  const n = best.length;
  return order.map((idx) => {
    const [model, f] = named[idx];
    const diffs = f.pointwise.elpd.map((v, i) => v - best[i]);
    const elpdDiff = diffs.reduce((a, b) => a + b, 0);
    const seDiff = Math.sqrt(n) * sd(diffs);
    return {
      model,
      elpdDiff,
      seDiff,
      pWorse: elpdDiff === 0 ? NaN : normalCdf((0 - elpdDiff) / seDiff),
      diagDiff: elpdDiff === 0 ? '' : n < 100 ? 'N < 100' : elpdDiff > -4 ? '|elpd_diff| < 4' : '',
      diagElpd: diagElpd(f),
      elpd: f.elpd.estimate,
      seElpd: f.elpd.se,
      p: f.p.estimate,
      seP: f.p.se,
      ic: f.ic.estimate,
      seIc: f.ic.se,
    };
  });
}

function sd(x: Float64Array): number {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / (x.length - 1));
}

function diagElpd(f: ElpdResult): string {
  if (f.criterion !== 'loo') return '';
  const threshold = paretoKThreshold(f.draws);
  let count = 0;
  for (const k of (f as LooResult).diagnostics.paretoK) if (k > threshold) count++;
  return count === 0 ? '' : `${count} k_psis > ${Math.round(threshold * 100) / 100}`;
}

/** The comparison as loo prints it: model, elpd_diff, se_diff (one decimal), p_worse (two), and the flags. */
export function formatCompare(rows: readonly CompareRow[]): string {
  const cells = [['model', 'elpd_diff', 'se_diff', 'p_worse', 'diag_diff', 'diag_elpd']];
  for (const r of rows) {
    cells.push([r.model, r.elpdDiff.toFixed(1), r.seDiff.toFixed(1), Number.isNaN(r.pWorse) ? 'NA' : r.pWorse.toFixed(2), r.diagDiff, r.diagElpd]);
  }
  const widths = cells[0].map((_, j) => Math.max(...cells.map((row) => row[j].length)));
  return cells.map((row) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd()).join('\n');
}
