/**
 * The posterior summary table: one row per scalar of the trace with its mean, sd, quantiles and
 * the convergence diagnostics of posterior::summarise_draws (R-hat, bulk- and tail-ESS) plus the
 * MCSE of the mean, all from the post-warmup draws of every chain.
 */
import { shapeSize } from '../../core/shape.js';
import type { Trace } from '../trace/trace.js';
import { MIN_DRAWS, concatChains, foldDraws, median, quantile7, rankNormalize, splitChains } from './rank_normalize.js';
import { essOfChains, essTail, sampleVariance } from './ess.js';
import { mcseMean } from './mcse.js';
import { rhatOfChains } from './rhat.js';

export interface SummaryRow {
  /** Scalar name as in `trace.columnNames()`, e.g. `w[0,1]`. */
  name: string;
  mean: number;
  sd: number;
  q5: number;
  q50: number;
  q95: number;
  mcseMean: number;
  essBulk: number;
  essTail: number;
  rhat: number;
  /** The quantiles at `probs`, keyed as posterior names them: `q5`, `q2.5`, `q97.5`. */
  quantiles: Record<string, number>;
}

export interface SummaryOptions {
  /** Quantile probabilities for `quantiles` and the printed table; [0.05, 0.5, 0.95] as in posterior. */
  probs?: readonly number[];
  /** Only these parameters (names as in `trace.paramNames`); all by default. */
  params?: readonly string[];
  /** Start with a row `lp__` for the log density of each draw, as CmdStan's stansummary does; false by default. */
  lp?: boolean;
}

const DEFAULT_PROBS = [0.05, 0.5, 0.95] as const;

/** posterior's quantile label: `q` + 100·p without trailing zeros (q5, q2.5, q97.5). */
export function quantileLabel(prob: number): string {
  return `q${Number((prob * 100).toPrecision(12))}`;
}

/**
 * One summary row per scalar of every quantity in the trace, in storage order: parameters, then
 * derived quantities and `log_lik` (after an `lp__` row with `lp: true`). Diagnostics need at least 4 draws per chain; with fewer, the
 * diagnostic columns are NaN and the moments are still given.
 */
export function summary(trace: Trace, options: SummaryOptions = {}): SummaryRow[] {
  const probs = options.probs ?? DEFAULT_PROBS;
  probs.forEach((p, i) => {
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new Error(`summary: probs[${i}] must be in [0, 1], got ${p}`);
  });
  const wanted = options.params ?? trace.paramNames;
  for (const name of wanted) {
    if (!trace.paramNames.includes(name)) {
      throw new Error(`summary: no parameter '${name}'; parameters are ${trace.paramNames.join(', ')}`);
    }
  }
  const names = trace.columnNames();
  const rows: SummaryRow[] = options.lp ? [summarizeScalar('lp__', trace.stat('lp')!, probs)] : [];
  let column = 0;
  for (const p of trace.params) {
    const size = shapeSize(p.shape);
    if (wanted.includes(p.name)) {
      for (let i = 0; i < size; i++) rows.push(summarizeScalar(names[column + i], trace.scalarChains(p.name, i), probs));
    }
    column += size;
  }
  return rows;
}

/**
 * The summary row of one scalar given its chains. Gives the same numbers as calling `rhat`,
 * `essBulk`, `essTail` and `mcseMean` separately, but sorts the draws and rank-normalises the
 * split chains once for all of them.
 */
export function summarizeScalar(name: string, chains: Float64Array[], probs: readonly number[] = DEFAULT_PROBS): SummaryRow {
  const pooled = concatChains(chains);
  const sorted = Float64Array.from(pooled).sort();
  const hasNaN = Number.isNaN(sorted[sorted.length - 1]); // NaN sorts last
  // Like posterior's quantile2, quantiles are NaN when a draw is NaN.
  const q = (p: number) => (hasNaN || sorted.length === 0 ? NaN : quantile7(sorted, p, true));
  let mean = 0;
  for (const v of pooled) mean += v;
  mean /= pooled.length;
  const quantiles: Record<string, number> = {};
  for (const p of probs) quantiles[quantileLabel(p)] = q(p);
  const row = {
    name,
    mean,
    sd: Math.sqrt(sampleVariance(pooled)),
    q5: q(0.05),
    q50: q(0.5),
    q95: q(0.95),
    mcseMean: NaN,
    essBulk: NaN,
    essTail: NaN,
    rhat: NaN,
    quantiles,
  };
  if (chains[0].length < MIN_DRAWS) return row;
  const bulk = rankNormalize(splitChains(chains));
  const tail = rankNormalize(splitChains(foldDraws(chains, median(sorted, true))));
  row.rhat = Math.max(rhatOfChains(bulk), rhatOfChains(tail)); // as rhat()
  row.essBulk = essOfChains(bulk); // as essBulk()
  row.essTail = essTail(chains, sorted);
  row.mcseMean = mcseMean(chains);
  return row;
}

/**
 * A fixed-width text table of summary rows (columns: name, mean, sd, the quantiles of the rows,
 * mcse_mean, ess_bulk, ess_tail, rhat), numbers to `digits` significant digits, ESS as integers.
 */
export function formatSummary(rows: readonly SummaryRow[], { digits = 3 }: { digits?: number } = {}): string {
  const qLabels = rows.length > 0 ? Object.keys(rows[0].quantiles) : DEFAULT_PROBS.map(quantileLabel);
  const header = ['name', 'mean', 'sd', ...qLabels, 'mcse_mean', 'ess_bulk', 'ess_tail', 'rhat'];
  const num = (v: number) => (Number.isNaN(v) ? 'NA' : Number.isFinite(v) ? formatNumber(v, digits) : String(v));
  const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toString() : Number.isNaN(v) ? 'NA' : String(v));
  const body = rows.map((r) => [
    r.name,
    num(r.mean),
    num(r.sd),
    ...qLabels.map((k) => num(r.quantiles[k] ?? NaN)),
    num(r.mcseMean),
    int(r.essBulk),
    int(r.essTail),
    Number.isFinite(r.rhat) ? r.rhat.toFixed(3) : num(r.rhat),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

/** `digits` significant digits, switching to exponent form for very large or small magnitudes. */
function formatNumber(v: number, digits: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}
