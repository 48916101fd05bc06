/**
 * `sample(target, { init: 'pathfinder' })`: multi-path Pathfinder (one path per chain, at least
 * 4) with the run's seed; each chain starts at its own importance-resampled draw (distinct
 * draws where the pool has them, else the paths' means: overdispersed starts keep R-hat honest),
 * and the initial diagonal metric is the approximations' variances averaged over the paths (the
 * resampled draws' variance collapses when k̂ is large), so warmup begins with the posterior's
 * scales instead of the identity (Zhang et al. 2022, §5, on Pathfinder as a NUTS initialiser).
 */
import type { PosteriorTarget } from '../../types.js';
import { pathfinder, type PathfinderFit } from './pathfinder.js';

export interface PathfinderStart {
  points: Float64Array[];
  /** Diagonal inverse metric: the normal approximations' variances, averaged over the paths. */
  inverseMassMatrix: Float64Array;
  fit: PathfinderFit;
}

export async function pathfinderStart(target: PosteriorTarget, chains: number, seed: number, signal?: AbortSignal): Promise<PathfinderStart> {
  const fit = await pathfinder(target, { paths: Math.max(chains, 4), seed, ...(signal ? { signal } : {}) });
  const dim = target.dim;
  const n = fit.draws.length / dim;
  const rows: Float64Array[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n && rows.length < chains; i++) {
    const row = fit.draws.slice(i * dim, (i + 1) * dim);
    const key = row.join(',');
    if (seen.has(key)) continue; // resampling repeats draws; give chains distinct ones while there are any
    seen.add(key);
    rows.push(row);
  }
  // A poor fit (k̂ ≫ 0.7) resamples few distinct draws: the paths' approximation means fill in.
  for (let p = 0; rows.length < chains && p < fit.paths.length; p++) rows.push(fit.paths[p].mean.slice());
  for (let c = rows.length; c < chains; c++) rows.push(rows[c % rows.length].slice());
  // The approximations' own variances (averaged over paths), not the resampled draws', which collapse with them.
  const inverseMassMatrix = new Float64Array(dim);
  for (const p of fit.paths) for (let i = 0; i < dim; i++) inverseMassMatrix[i] += p.variances[i] / fit.paths.length;
  inverseMassMatrix.forEach((v, i) => {
    if (!(v > 0 && Number.isFinite(v))) {
      throw new Error(`sample: init 'pathfinder' gave variance ${v} for coordinate ${i}; use init 'jitter'`);
    }
  });
  return { points: rows, inverseMassMatrix, fit };
}
