/**
 * WAIC, the widely applicable information criterion (Watanabe 2010), as R's `loo::waic` computes
 * it (Vehtari, Gelman & Gabry 2017, eqs. 11–12): per observation, lpd_i = log mean_s p(y_i | θ_s),
 * p_waic,i = the variance of log p(y_i | θ_s) over draws, elpd_waic,i = lpd_i − p_waic,i and
 * waic_i = −2 elpd_waic,i. loo recommends PSIS-LOO instead when some p_waic,i exceed 0.4.
 */
import * as libm from '../../core/libm.js';
import type { ElpdResult } from './loo.js';
import { readLogLik, observationColumn, sumAndSe, variance, type LogLikInput } from './log_lik.js';
import { logSumExp } from './psis.js';

/** A p_waic,i above this makes WAIC unreliable; 0.4 as in loo's throw_pwaic_warnings. */
export const P_WAIC_THRESHOLD = 0.4;

export interface WaicResult extends ElpdResult {
  criterion: 'waic';
}

/** WAIC of a Trace's `log_lik` (or a chain × draw × observation array); see the module comment. */
export function waic(logLik: LogLikInput): WaicResult {
  const ll = readLogLik('waic', logLik);
  const s = ll.chains * ll.draws;
  const n = ll.observations;
  const elpd = new Float64Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const col = observationColumn(ll, i);
    p[i] = variance(col);
    elpd[i] = logSumExp(col) - libm.log(s) - p[i];
  }
  const ic = elpd.map((v) => -2 * v);
  let bad = 0;
  for (const v of p) if (v > P_WAIC_THRESHOLD) bad++;
  const warnings = bad > 0
    ? [`${bad} (${((100 * bad) / n).toFixed(1)}%) p_waic estimates greater than ${P_WAIC_THRESHOLD}. We recommend trying loo instead.`]
    : [];
  return { criterion: 'waic', elpd: sumAndSe(elpd), p: sumAndSe(p), ic: sumAndSe(ic), pointwise: { elpd, p, ic }, draws: s, observations: n, warnings };
}
