/**
 * Multi-path Pathfinder (Zhang et al. 2022, Alg. 5; Stan's `services/pathfinder/multi.hpp`):
 * `paths` single paths from independent starts, their draws pooled, the log ratios log p − log q
 * Pareto-smoothed, and the pool importance-resampled with replacement. Resampling repairs what a
 * single normal gets wrong (a path stuck in a poor mode gets little weight); k̂ says how well.
 * A path that fails is left out (its message kept); when all fail the last error is thrown.
 */
import type { Rng } from '../../../core/rng.js';
import type { LogDensity } from '../../types.js';
import { singlePath, type PathResult } from './single_path.js';
import { paretoSmooth } from './pareto_smoothing.js';
import type { PathfinderSettings } from './pathfinder_options.js';
import { PathfinderError } from './pathfinder_error.js';
import * as libm from '../../../core/libm.js';

export interface PooledDraws {
  readonly paths: readonly PathResult[];
  readonly failures: readonly string[];
  /** Pooled draws (paths in order), n × dim, and log p at each. */
  readonly draws: Float64Array;
  readonly logP: Float64Array;
  /** Normalised log importance weights of the pool (uniform without psisResample). */
  readonly logWeights: Float64Array;
  /** Pareto k̂ of the pooled log ratios (NaN without psisResample). */
  readonly paretoK: number;
}

export async function multiPath(
  target: LogDensity,
  starts: (p: number) => Float64Array,
  pathRng: (p: number) => Rng,
  s: PathfinderSettings,
  yieldNow: () => Promise<void>,
): Promise<PooledDraws> {
  const paths: PathResult[] = [];
  const failures: string[] = [];
  let lastError: unknown;
  for (let p = 0; p < s.paths; p++) {
    if (p > 0 && s.signal?.aborted) break;
    try {
      paths.push(singlePath(target, starts(p), pathRng(p), s, p));
    } catch (e) {
      lastError = e;
      failures.push((e as Error).message);
    }
    await yieldNow();
  }
  if (paths.length === 0) {
    if (s.paths === 1) throw lastError;
    throw new PathfinderError(`pathfinder: all ${s.paths} paths failed; the first: ${failures[0].replace(/^pathfinder: /, '')}`);
  }
  const n = paths.reduce((k, r) => k + r.draws.logP.length, 0);
  const draws = new Float64Array(n * target.dim);
  const logP = new Float64Array(n);
  const logRatio = new Float64Array(n);
  let at = 0;
  for (const r of paths) {
    draws.set(r.draws.draws, at * target.dim);
    logP.set(r.draws.logP, at);
    for (let i = 0; i < r.draws.logP.length; i++) logRatio[at + i] = r.draws.logP[i] - r.draws.logQ[i];
    at += r.draws.logP.length;
  }
  if (!s.psisResample) return { paths, failures, draws, logP, logWeights: new Float64Array(n).fill(-libm.log(n)), paretoK: NaN };
  const { logWeights, k } = paretoSmooth(logRatio);
  return { paths, failures, draws, logP, logWeights, paretoK: k };
}

/** `n` indices drawn with replacement with probabilities exp(logWeights) (inverse CDF, binary search). */
export function resampleIndices(logWeights: Float64Array, n: number, rng: Rng): Int32Array {
  const cdf = new Float64Array(logWeights.length);
  let acc = 0;
  for (let i = 0; i < logWeights.length; i++) {
    acc += libm.exp(logWeights[i]);
    cdf[i] = acc;
  }
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const u = rng.uniform() * acc;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}
