/**
 * `advi+adapt_diag` initialisation for NUTS, as PyMC's `init_nuts`: run mean-field ADVI, start
 * the chain at the fitted mean and use the fitted variances as the diagonal inverse mass matrix,
 * so warmup begins with the posterior's scales roughly right instead of the identity.
 *
 * Stan's schedule by default (a mass matrix needs the scales' order of magnitude, not the
 * accurate fit, and the study's runs stay as they were); pass `schedule: 'accurate'` for the other.
 *
 * `adviInitializer(opts)` returns the hook that `sample(target, { init: 'advi+adapt_diag', adviInit })`
 * calls once per run with that run's seed.
 */
import { advi, type AdviFit, type AdviOptions } from './advi.js';
import type { PosteriorTarget } from '../types.js';

/** ADVI options the hook sets itself: mean-field, and the run's seed and signal. */
const SET_BY_HOOK = ['method', 'seed', 'signal'] as const satisfies readonly (keyof AdviOptions)[];
export type AdviInitOptions = Omit<AdviOptions, 'method' | 'seed' | 'signal'>;

export interface AdviInitResult {
  position: Float64Array;
  /** Diagonal inverse mass matrix = fitted unconstrained variances. */
  inverseMassMatrix: Float64Array;
  /** The ADVI fit behind them, for diagnostics (ELBO history, convergence, warnings); a custom hook may omit it. */
  fit?: AdviFit;
  /** Gradients the fit evaluated (`trace.meta.initGradEvals`); a custom hook may omit it. */
  numGradEvals?: number;
}

export type AdviInit = (target: PosteriorTarget, context: { seed: number; signal?: AbortSignal }) => Promise<AdviInitResult>;

export function adviInitializer(opts: AdviInitOptions = {}): AdviInit {
  for (const key of SET_BY_HOOK) {
    if (key in opts) throw new Error(`adviInitializer: option '${key}' is set by the hook (mean-field, the run's seed and signal)`);
  }
  return async (target, { seed, signal }) => {
    const fit = await advi(target, { schedule: 'stan', ...opts, method: 'meanfield', seed, ...(signal ? { signal } : {}) });
    const inverseMassMatrix = Float64Array.from(fit.sd, (sd) => sd * sd);
    inverseMassMatrix.forEach((v, i) => {
      // exp(ω)² can under/overflow on a degenerate fit; a mass matrix must be finite and positive.
      if (!(v > 0 && Number.isFinite(v))) {
        throw new Error(`adviInitializer: fitted variance of coordinate ${i} is ${v}; cannot use it as an inverse mass matrix`);
      }
    });
    return { position: fit.mean, inverseMassMatrix, fit, numGradEvals: fit.numGradEvals };
  };
}
