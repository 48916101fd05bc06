/**
 * `sample(target, { init: 'pathfinder' })`: multi-path Pathfinder (one path per chain, at least
 * 4) with the run's seed, and each chain warmed up from its own path's approximation (Zhang et
 * al. 2022, §5, on Pathfinder as a NUTS initialiser): chain c takes path c (mod the paths that
 * succeeded), starts at one of that path's own draws and begins warmup with that path's marginal
 * variances diag(H) as its diagonal inverse metric.
 *
 * Why per path and not the pooled, resampled draws: the paths start from independent
 * overdispersed points, so chains that follow them keep R-hat honest (a path stuck in another
 * mode gives a chain there, which R-hat then shows), while resampling would pull every chain into
 * the mode with most weight. When there are more chains than paths, chains that share a path take
 * distinct draws of it (its draws are independent draws from its normal approximation). A draw is
 * used only where the log density and its gradient are finite; a path with no such draw falls
 * back to its approximation's mean, and a path whose variances are not all finite and positive
 * takes the average of the usable paths' variances.
 */
import { allFinite } from '../../../core/finite.js';
import type { PosteriorTarget } from '../../types.js';
import { pathfinder, type PathfinderFit, type PathfinderPath } from './pathfinder.js';

export interface PathfinderStart {
  /** Per chain: its start point (unconstrained). */
  points: Float64Array[];
  /** Per chain: its diagonal inverse metric, the variances of its path's approximation. */
  inverseMassMatrices: Float64Array[];
  /** Per chain: the index in `fit.paths` of the path it starts from. */
  pathOfChain: number[];
  fit: PathfinderFit;
  /** Gradients of the whole initialisation: the fit's and the checks of the start points. */
  numGradEvals: number;
}

export async function pathfinderStart(target: PosteriorTarget, chains: number, seed: number, signal?: AbortSignal): Promise<PathfinderStart> {
  const fit = await pathfinder(target, { paths: Math.max(chains, 4), seed, ...(signal ? { signal } : {}) });
  return startsFromFit(target, fit, chains);
}

/** The per-chain starts and metrics from a Pathfinder fit (chains beyond its paths share them). */
export function startsFromFit(target: PosteriorTarget, fit: PathfinderFit, chains: number): PathfinderStart {
  const pathOfChain = Array.from({ length: chains }, (_, c) => c % fit.paths.length);
  const fallbackMetric = averageUsableVariances(fit.paths);
  const checks = { count: 0 };
  const points = pathOfChain.map((p, c) => startOnPath(target, fit.paths[p], Math.floor(c / fit.paths.length), checks));
  const inverseMassMatrices = pathOfChain.map((p) => (usable(fit.paths[p].variances) ? fit.paths[p].variances.slice() : fallbackMetric.slice()));
  return { points, inverseMassMatrices, pathOfChain, fit, numGradEvals: fit.numGradEvals + checks.count };
}

/** The `k`-th of the path's draws where log p and its gradient are finite (the mean when there is none). */
function startOnPath(target: PosteriorTarget, path: PathfinderPath, k: number, checks: { count: number }): Float64Array {
  const dim = target.dim;
  const grad = new Float64Array(dim);
  const n = path.logDensity.length;
  let found = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(path.logDensity[i])) continue;
    const x = path.draws.slice(i * dim, (i + 1) * dim);
    checks.count++;
    if (!(Number.isFinite(target.logDensityAndGrad(x, grad)) && allFinite(grad))) continue;
    if (found++ === k) return x;
  }
  return path.mean.slice();
}

const usable = (v: Float64Array) => v.every((x) => x > 0 && Number.isFinite(x));

function averageUsableVariances(paths: readonly PathfinderPath[]): Float64Array {
  const good = paths.filter((p) => usable(p.variances));
  if (good.length === 0) {
    const bad = paths[0].variances.findIndex((x) => !(x > 0 && Number.isFinite(x)));
    throw new Error(`sample: init 'pathfinder' gave variance ${paths[0].variances[bad]} for coordinate ${bad} on every path; use init 'jitter'`);
  }
  const out = new Float64Array(good[0].variances.length);
  for (const p of good) for (let i = 0; i < out.length; i++) out[i] += p.variances[i] / good.length;
  return out;
}
