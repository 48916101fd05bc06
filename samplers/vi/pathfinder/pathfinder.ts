/**
 * `pathfinder(target, options)`: Pathfinder variational inference (Zhang, Carpenter, Gelman &
 * Vehtari, JMLR 23, 2022), single- or multi-path as Stan's services run it. Each path follows
 * L-BFGS from its start and keeps the normal approximation along the path with the largest ELBO;
 * with several paths the pooled draws are Pareto-smoothed and importance-resampled.
 *
 * Streams of the seed: path p starts from stream 2p (uniform(−initRadius, initRadius), retried as
 * the jitter initialisation) and draws from stream 2p + 1; the run's resampling uses stream
 * 2·paths; `fit.sample(n, seed)` uses `Rng.fromSeed(seed).stream(2^20)`, which no run uses.
 */
import { Rng } from '../../../core/rng.js';
import { yieldToEventLoop } from '../../../core/runtime.js';
import type { PosteriorTarget } from '../../types.js';
import type { Trace } from '../../trace/trace.js';
import { jitterInit } from '../../mcmc/initialisation.js';
import { countingTarget } from '../counting_target.js';
import { validatePathfinderOptions, type PathfinderOptions } from './pathfinder_options.js';
import { multiPath, resampleIndices } from './multi_path.js';
import { traceOfDraws } from '../trace_of_draws.js';
import type { LbfgsStop } from './lbfgs.js';
import { PathfinderError } from './pathfinder_error.js';
import * as libm from '../../../core/libm.js';

export { PathfinderError } from './pathfinder_error.js';
export type { PathfinderOptions } from './pathfinder_options.js';

/** The stream `fit.sample` draws its indices from (far from the 2·paths + 1 the run uses). */
const SAMPLE_STREAM = 1 << 20;

export interface PathfinderPath {
  /** ELBO estimate of the chosen normal approximation. */
  readonly elbo: number;
  /** The L-BFGS iteration whose approximation was chosen. */
  readonly bestIteration: number;
  readonly lbfgsIterations: number;
  readonly lbfgsStop: LbfgsStop;
  /** ELBO estimate at each L-BFGS iteration 1, 2, … (−∞ where the approximation failed). */
  readonly elboPath: Float64Array;
  /** Mean and marginal variances of the chosen approximation (unconstrained). */
  readonly mean: Float64Array;
  readonly variances: Float64Array;
  /** The path's own `drawsPerPath` draws from that approximation (before any resampling), n × dim, unconstrained. */
  readonly draws: Float64Array;
  /** log p at each of the path's draws (−∞ where not finite). */
  readonly logDensity: Float64Array;
}

export interface PathfinderFit {
  /** `draws` draws (after importance resampling, or the pooled draws without it), n × dim, unconstrained. */
  readonly draws: Float64Array;
  /** log p at each of `draws`. */
  readonly logDensity: Float64Array;
  /** Mean and marginal sd of `draws` (unconstrained). */
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** Pareto k̂ of the importance ratios (NaN without resampling); above 0.7 the approximation is poor. */
  readonly paretoK: number;
  /** Kish effective sample size 1/Σw² of the pooled importance weights (the pool size without resampling). */
  readonly ess: number;
  readonly paths: readonly PathfinderPath[];
  /** Messages of the paths that failed (left out). */
  readonly failedPaths: readonly string[];
  /** logDensityAndGrad calls (L-BFGS, and ELBO draws when the target has no logDensity). */
  readonly numGradEvals: number;
  /** logDensity calls (ELBO and final draws), when the target has one. */
  readonly numLogDensityEvals: number;
  readonly seed: number;
  readonly interrupted: boolean;
  /** `n` draws resampled (with replacement) from the pooled draws by their importance weights, as a one-chain Trace. */
  sample(n: number, seed?: number): Trace;
}

export async function pathfinder(target: PosteriorTarget, options: PathfinderOptions = {}): Promise<PathfinderFit> {
  const s = validatePathfinderOptions(target, options);
  const root = Rng.fromSeed(s.seed);
  const { target: counted, counts } = countingTarget(target);
  const starts = (p: number) => {
    if (s.init instanceof Float64Array) return s.init.slice();
    if (s.init) return s.init[p].slice();
    try {
      return jitterInit(root.stream(2 * p), counted, { radius: s.initRadius, describe: `pathfinder path ${p}` });
    } catch (e) {
      throw new PathfinderError(`pathfinder: ${(e as Error).message}`);
    }
  };
  const pool = await multiPath(counted, starts, (p) => root.stream(2 * p + 1), s, yieldToEventLoop);
  const take = s.psisResample ? resampleIndices(pool.logWeights, s.draws, root.stream(2 * s.paths)) : Int32Array.from({ length: pool.logP.length }, (_, i) => i);
  const { draws, logP } = gather(pool.draws, pool.logP, take, target.dim);
  const { mean, sd } = moments(draws, target.dim);
  const fitMeta = { sampler: 'pathfinder', paths: pool.paths.length, fitSeed: s.seed, paretoK: pool.paretoK };
  return {
    draws,
    logDensity: logP,
    mean,
    sd,
    paretoK: pool.paretoK,
    ess: 1 / pool.logWeights.reduce((acc, lw) => acc + libm.exp(2 * lw), 0),
    paths: pool.paths.map((r) => ({
      elbo: r.elbo, bestIteration: r.bestIteration, lbfgsIterations: r.lbfgsIterations, lbfgsStop: r.lbfgsStop, elboPath: r.elboPath,
      mean: r.approximation.mean.slice(), variances: r.approximation.variances(), draws: r.draws.draws, logDensity: r.draws.logP,
    })),
    failedPaths: pool.failures,
    numGradEvals: counts.grad,
    numLogDensityEvals: counts.value,
    seed: s.seed,
    interrupted: s.signal?.aborted ?? false,
    sample(n, seed = s.seed) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`PathfinderFit.sample: n must be a positive integer, got ${n}`);
      if (!Number.isInteger(seed)) throw new Error(`PathfinderFit.sample: seed must be an integer, got ${seed}`);
      const idx = resampleIndices(pool.logWeights, n, Rng.fromSeed(seed).stream(SAMPLE_STREAM));
      const picked = gather(pool.draws, pool.logP, idx, target.dim);
      return traceOfDraws(target, picked.draws, picked.logP, { ...fitMeta, seed }, 'PathfinderFit.sample');
    },
  };
}

function gather(draws: Float64Array, logP: Float64Array, idx: Int32Array, dim: number): { draws: Float64Array; logP: Float64Array } {
  const out = new Float64Array(idx.length * dim);
  const lp = new Float64Array(idx.length);
  idx.forEach((i, j) => {
    out.set(draws.subarray(i * dim, (i + 1) * dim), j * dim);
    lp[j] = logP[i];
  });
  return { draws: out, logP: lp };
}

function moments(draws: Float64Array, dim: number): { mean: Float64Array; sd: Float64Array } {
  const n = draws.length / dim;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let c = 0; c < dim; c++) mean[c] += draws[i * dim + c] / n;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dim; c++) {
      const dev = draws[i * dim + c] - mean[c];
      sd[c] += (dev * dev) / Math.max(n - 1, 1);
    }
  }
  for (let c = 0; c < dim; c++) sd[c] = Math.sqrt(sd[c]);
  return { mean, sd };
}
