/**
 * Draws from a Pathfinder normal approximation with their log densities under the target and
 * under q, and the ELBO estimate mean(log p − log q) (the paper's Alg. 1, line 7; Stan's
 * `est_approx_draws`). A draw where log p is not finite counts as −∞, as in Stan, so an
 * approximation that puts mass where the target is undefined loses the comparison.
 */
import type { Rng } from '../../../core/rng.js';
import type { LogDensity } from '../../types.js';
import type { NormalApproximation } from './normal_approximation.js';

export interface ApproximationDraws {
  /** n × dim, row-major, unconstrained. */
  readonly draws: Float64Array;
  /** log p at each draw (−∞ where not finite). */
  readonly logP: Float64Array;
  /** log q at each draw. */
  readonly logQ: Float64Array;
}

export function drawApproximation(approx: NormalApproximation, target: LogDensity, rng: Rng, n: number): ApproximationDraws {
  const d = approx.dim;
  const draws = new Float64Array(n * d);
  const logP = new Float64Array(n);
  const logQ = new Float64Array(n);
  const u = new Float64Array(d);
  const grad = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    rng.fillNormal(u);
    const x = draws.subarray(i * d, (i + 1) * d);
    logQ[i] = approx.draw(u, x);
    const lp = target.logDensity ? target.logDensity(x) : target.logDensityAndGrad(x, grad);
    logP[i] = Number.isFinite(lp) ? lp : -Infinity;
  }
  return { draws, logP, logQ };
}

/** mean(log p − log q): −∞ as soon as one draw has a non-finite log p. */
export function elboOf({ logP, logQ }: ApproximationDraws): number {
  let s = 0;
  for (let i = 0; i < logP.length; i++) s += logP[i] - logQ[i];
  return s / logP.length;
}
