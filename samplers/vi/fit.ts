/**
 * The result of ADVI: the fitted Gaussian on the unconstrained space, the ELBO history, and
 * draws from the fit as a Trace in constrained space (so `summary`, `predict` and the exports
 * take it like a sampler's trace).
 */
import { Rng } from '../../core/rng.js';
import type { Trace } from '../trace/trace.js';
import type { PosteriorTarget } from '../types.js';
import { traceOfDraws } from './trace_of_draws.js';
import { drawFromQ, logDensityAt, makeScratch, type AdviMethod, type GaussianFamily } from './families.js';
import type { AdviSchedule } from './advi_options.js';

/** Which rule ended a phase: Stan's relative-ELBO mean or median, PyMC's parameter change, the cap, or an abort. */
export type AdviStopRule = 'relative-elbo-mean' | 'relative-elbo-median' | 'parameter-change' | 'max-iterations' | 'interrupted';

export interface AdviFit {
  readonly method: AdviMethod;
  /** The schedule the fit was made with ('accurate' or 'stan'). */
  readonly schedule: AdviSchedule;
  /** Mean of q on the unconstrained scale. */
  readonly mean: Float64Array;
  /** Marginal standard deviations of q on the unconstrained scale. */
  readonly sd: Float64Array;
  /** Full-rank only: covariance L Lᵀ, dim×dim row-major. */
  readonly cov?: Float64Array;
  /** Full-rank only: lower Cholesky factor L (positive diagonal), dim×dim row-major. */
  readonly cholesky?: Float64Array;
  /** ELBO estimate at each evaluation (every `evalElbo` iterations). */
  readonly elbo: Float64Array;
  /** Iteration at which each entry of `elbo` was estimated. */
  readonly elboIterations: Int32Array;
  /** Stochastic-gradient iterations completed (not counting the step-size search). */
  readonly iterations: number;
  readonly converged: boolean;
  readonly interrupted: boolean;
  /** η in use at the end (the searched or given value, halved after any non-finite retries). */
  readonly stepSize: number;
  readonly seed: number;
  /** Stan's informational messages: cap reached, ELBO may be diverging, final ELBO below the best. */
  readonly warnings: readonly string[];
  /** The rule that ended Stan's phase (the whole run under schedule 'stan'). */
  readonly convergedBy: AdviStopRule;
  /** 'accurate' only: the rule that ended the averaging phase. */
  readonly refinedBy?: AdviStopRule;
  /** 'accurate' only: the iteration at which the averaging phase began (ELBO entries after it are of the average). */
  readonly refineStart?: number;
  /** ELBO estimated from `finalElboSamples` draws at the returned parameters (schedule 'accurate', or restarts > 1). */
  readonly finalElbo?: number;
  /** Restarts only: the final ELBO estimate of every restart, in seed order (the fit is the best one). */
  readonly restartElbos?: Float64Array;
  /** Log density + gradient evaluations of the whole run (search, optimisation, refinement, restarts). */
  readonly numGradEvals: number;
  /** Log density evaluations without a gradient (ELBO estimates), when the target has `logDensity`. */
  readonly numLogDensityEvals: number;
  /** `n` independent draws from q as a one-chain Trace in constrained space; stats.lp = log density. */
  sample(n: number, seed?: number): Trace;
}

/** What the optimiser hands over to make a fit: η at the end, the iterations and the ELBO record. */
export interface FitRecord {
  eta: number;
  iteration: number;
  converged: boolean;
  interrupted: boolean;
  elbos: number[];
  elboIters: number[];
  warnings: string[];
  seed: number;
  schedule: AdviSchedule;
  convergedBy: AdviStopRule;
  refinedBy?: AdviStopRule;
  refineStart?: number;
  finalElbo?: number;
  restartElbos?: Float64Array;
  numGradEvals: number;
  numLogDensityEvals: number;
}

export function makeFit(family: GaussianFamily, target: PosteriorTarget, params: Float64Array, r: FitRecord): AdviFit {
  const frozen = params.slice(); // the fit must not change if the run goes on (error.fit, interrupts)
  const fullRank = family.method === 'fullrank';
  return {
    method: family.method,
    mean: family.mean(frozen),
    sd: family.marginalSd(frozen),
    ...(fullRank ? { cov: family.covariance(frozen), cholesky: family.cholesky(frozen) } : {}),
    elbo: Float64Array.from(r.elbos),
    elboIterations: Int32Array.from(r.elboIters),
    iterations: r.iteration,
    converged: r.converged,
    interrupted: r.interrupted,
    stepSize: r.eta,
    seed: r.seed,
    warnings: [...r.warnings],
    schedule: r.schedule,
    convergedBy: r.convergedBy,
    ...(r.refinedBy !== undefined ? { refinedBy: r.refinedBy, refineStart: r.refineStart } : {}),
    ...(r.finalElbo !== undefined ? { finalElbo: r.finalElbo } : {}),
    ...(r.restartElbos !== undefined ? { restartElbos: r.restartElbos } : {}),
    numGradEvals: r.numGradEvals,
    numLogDensityEvals: r.numLogDensityEvals,
    sample: (n, seed = r.seed) => drawTrace(family, target, frozen, n, seed, r),
  };
}

/** Draws from q, mapped to constrained space like a sampler's trace (derived quantities too), with lp = log density. */
function drawTrace(
  family: GaussianFamily,
  target: PosteriorTarget,
  params: Float64Array,
  n: number,
  seed: number,
  r: FitRecord,
): Trace {
  if (!Number.isInteger(n) || n < 1) throw new Error(`AdviFit.sample: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(seed)) throw new Error(`AdviFit.sample: seed must be an integer, got ${seed}`);
  const dim = target.dim;
  // Stream 3: the run itself uses streams 0–2 of the same seed, so default draws reuse none of its numbers.
  const rng = Rng.fromSeed(seed).stream(3);
  const scratch = makeScratch(dim);
  const draws = new Float64Array(n * dim);
  const lp = new Float64Array(n);
  for (let d = 0; d < n; d++) {
    const zeta = drawFromQ(family, params, rng, scratch);
    draws.set(zeta, d * dim);
    lp[d] = logDensityAt(target, zeta, scratch);
  }
  const meta = { sampler: 'advi', method: family.method, seed, fitSeed: r.seed, iterations: r.iteration, converged: r.converged, stepSize: r.eta };
  return traceOfDraws(target, draws, lp, meta, 'AdviFit.sample');
}
