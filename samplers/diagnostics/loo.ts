/**
 * PSIS-LOO: approximate leave-one-out cross-validation from one fit (Vehtari, Gelman & Gabry 2017,
 * "Practical Bayesian model evaluation using leave-one-out cross-validation and WAIC", Statistics
 * and Computing 27), computed as R's `loo` 2.x computes it (`loo.array`, `pointwise_loo_calcs`,
 * `relative_eff`): per observation i, the log ratios −log p(y_i | θ_s) are Pareto smoothed
 * (psis.ts) with a tail length from the chains' relative efficiency, and
 * elpd_loo,i = log Σ_s w_is p(y_i | θ_s) with normalised weights; p_loo,i = lpd_i − elpd_loo,i;
 * looic = −2 elpd_loo; SEs √(N · var) over observations.
 */
import * as libm from '../../core/libm.js';
import { essMean } from './ess.js';
import { readLogLik, observationColumn, sumAndSe, type LogLikDraws, type LogLikInput } from './log_lik.js';
import { logSumExp, paretoKThreshold, psisSmooth, psisTailLength } from './psis.js';

export interface Estimate {
  estimate: number;
  se: number;
}

/** The result of loo() or waic(): the three estimates, per observation and summed. compare() takes several. */
export interface ElpdResult {
  criterion: 'loo' | 'waic';
  /** Expected log pointwise predictive density, summed over observations. */
  elpd: Estimate;
  /** Effective number of parameters (p_loo or p_waic). */
  p: Estimate;
  /** The information criterion −2 · elpd (looic or waic). */
  ic: Estimate;
  /** Per observation, in the order of the log-likelihood's last axis. */
  pointwise: { elpd: Float64Array; p: Float64Array; ic: Float64Array };
  /** S = chains × draws and N. */
  draws: number;
  observations: number;
  /** What loo prints as warnings; empty when nothing is amiss. */
  warnings: string[];
}

export interface LooResult extends ElpdResult {
  criterion: 'loo';
  /** Per-observation PSIS diagnostics: Pareto k̂, PSIS effective sample size, relative efficiency, tail length. */
  diagnostics: { paretoK: Float64Array; nEff: Float64Array; rEff: Float64Array; tailLength: Float64Array };
  /** min(1 − 1/log10(S), 0.7): k̂ above it marks an observation whose estimate is unreliable. */
  kThreshold: number;
}

export interface LooOptions {
  /**
   * Relative efficiency per observation (one number for all, or N). Default: relativeEff() of the
   * chains; pass 1 for independent draws (loo's default when it is not given).
   */
  rEff?: number | ArrayLike<number>;
}

/**
 * Relative efficiency ESS / S of exp(log_lik) per observation: the ESS for the mean of the split
 * chains (`posterior::ess_mean`, which `loo::relative_eff` uses from loo 2.9); NaN (constant
 * likelihood) as loo's NA, which loo() then reads as 1.
 */
export function relativeEff(logLik: LogLikInput): Float64Array {
  return relativeEffOf(readLogLik('relativeEff', logLik));
}

function relativeEffOf(ll: LogLikDraws): Float64Array {
  const s = ll.chains * ll.draws;
  if (ll.draws < 4) return new Float64Array(ll.observations).fill(NaN); // too short to split
  const out = new Float64Array(ll.observations);
  for (let i = 0; i < ll.observations; i++) {
    const col = observationColumn(ll, i);
    const chains = Array.from({ length: ll.chains }, (_, c) => col.subarray(c * ll.draws, (c + 1) * ll.draws).map(libm.exp));
    out[i] = essMean(chains) / s;
  }
  return out;
}

/** PSIS-LOO of a Trace's `log_lik` (or a chain × draw × observation array); see the module comment. */
export function loo(logLik: LogLikInput, options: LooOptions = {}): LooResult {
  const ll = readLogLik('loo', logLik);
  const s = ll.chains * ll.draws;
  const n = ll.observations;
  const rEff = resolveREff(options.rEff, ll);
  const elpd = new Float64Array(n);
  const p = new Float64Array(n);
  const paretoK = new Float64Array(n);
  const nEff = new Float64Array(n);
  const tailLength = new Float64Array(n);
  const problems = { 'short tail': [] as number[], 'constant tail': [] as number[] };
  for (let i = 0; i < n; i++) {
    const col = observationColumn(ll, i);
    tailLength[i] = psisTailLength(s, rEff[i]);
    const smoothed = psisSmooth(col.map((v) => -v), tailLength[i]);
    if (smoothed.problem) problems[smoothed.problem].push(i);
    const lw = smoothed.logWeights;
    const norm = logSumExp(lw);
    let sumW2 = 0;
    const weighted = new Float64Array(s);
    for (let j = 0; j < s; j++) {
      const lwj = lw[j] - norm;
      weighted[j] = col[j] + lwj;
      sumW2 += libm.exp(2 * lwj);
    }
    elpd[i] = logSumExp(weighted);
    p[i] = logSumExp(col) - libm.log(s) - elpd[i];
    paretoK[i] = smoothed.paretoK;
    nEff[i] = rEff[i] / sumW2;
  }
  const ic = elpd.map((v) => -2 * v);
  const kThreshold = paretoKThreshold(s);
  return {
    criterion: 'loo',
    elpd: sumAndSe(elpd),
    p: sumAndSe(p),
    ic: sumAndSe(ic),
    pointwise: { elpd, p, ic },
    draws: s,
    observations: n,
    diagnostics: { paretoK, nEff, rEff, tailLength },
    kThreshold,
    warnings: looWarnings(paretoK, kThreshold, s, problems),
  };
}

/** The per-observation r_eff: given, or from the chains; NaN or non-positive ones become 1, as loo replaces NA by 1. */
function resolveREff(given: LooOptions['rEff'], ll: LogLikDraws): Float64Array {
  const n = ll.observations;
  let r: Float64Array;
  if (given === undefined) r = relativeEffOf(ll);
  else if (typeof given === 'number') r = new Float64Array(n).fill(given);
  else {
    if (given.length !== n) throw new Error(`loo: rEff must be one number or one per observation (${n}), got ${given.length}`);
    r = Float64Array.from(given);
  }
  r.forEach((v, i) => {
    if (Number.isNaN(v)) r[i] = 1;
    else if (!(v > 0) || v === Infinity) throw new Error(`loo: rEff must be positive and finite; observation ${i} has ${v}`);
  });
  return r;
}

/** loo's warnings (psis.R's throw_pareto_warnings and throw_tail_length_warnings), with the observations they concern. */
function looWarnings(paretoK: Float64Array, kThreshold: number, s: number, problems: Record<'short tail' | 'constant tail', number[]>): string[] {
  const warnings: string[] = [];
  const list = (ids: number[]) => (ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')}, … (${ids.length - 10} more)`);
  if (problems['short tail'].length > 0) {
    warnings.push(`Not enough tail samples to fit the generalized Pareto distribution (a tail of fewer than 5 of the ${s} draws) for observations ${list(problems['short tail'])}; their Pareto k is Infinity and their draws are not smoothed.`);
  }
  if (problems['constant tail'].length > 0) {
    warnings.push(`Can't fit generalized Pareto distribution because all tail values are the same, for observations ${list(problems['constant tail'])}.`);
  }
  const high: number[] = [];
  const veryHigh: number[] = [];
  paretoK.forEach((k, i) => (k > 1 ? veryHigh : k > kThreshold ? high : []).push(i));
  if (high.length + veryHigh.length > 0) {
    const t = kThreshold.toFixed(3);
    warnings.push(
      `Some Pareto k diagnostic values are too high: ${high.length + veryHigh.length} of ${paretoK.length} above ${t} ` +
        `(min(1 - 1/log10(S), 0.7) for S = ${s} draws)${veryHigh.length ? `, ${veryHigh.length} of them above 1` : ''}; ` +
        `observations ${list([...high, ...veryHigh].sort((a, b) => a - b))} (0-based). Their elpd_loo is unreliable: ` +
        `refit leaving them out (exact LOO), use K-fold cross-validation, or a more robust model (Vehtari et al. 2024).`,
    );
  }
  return warnings;
}

/**
 * loo's Pareto k table: how many observations are good (k̂ ≤ threshold), bad (threshold < k̂ ≤ 1)
 * and very bad (k̂ > 1), as `loo::pareto_k_table` (loo ≥ 2.7) counts them.
 */
export function paretoKTable(result: LooResult): { good: number; bad: number; veryBad: number; threshold: number } {
  let good = 0;
  let bad = 0;
  let veryBad = 0;
  for (const k of result.diagnostics.paretoK) {
    if (k <= result.kThreshold) good++;
    else if (k <= 1) bad++;
    else veryBad++;
  }
  return { good, bad, veryBad, threshold: result.kThreshold };
}
