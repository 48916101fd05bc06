/**
 * Pareto-smoothed importance weights for Pathfinder's resampling (Vehtari, Simpson, Gelman, Yao &
 * Gabry, "Pareto smoothed importance sampling", JMLR 25, 2024), as Stan's
 * `services/pathfinder/psis.hpp` does them: loo's PSIS (samplers/diagnostics/psis.ts, the same
 * code `loo()` uses) with a tail of min(0.2 S, 3 √S) draws, then normalised. k̂ > 0.7 means the
 * weights (so the approximation) are unreliable.
 */
import { logSumExp, psisSmooth, psisTailLength } from '../../diagnostics/psis.js';

export interface SmoothedWeights {
  /** Normalised log weights, in the order of the input. */
  readonly logWeights: Float64Array;
  /** Pareto shape k̂ of the tail (NaN when the tail was too short or flat to fit). */
  readonly k: number;
}

export function paretoSmooth(logRatios: Float64Array): SmoothedWeights {
  // A draw whose log density is NaN or infinite carries no weight.
  const finite = Float64Array.from(logRatios, (v) => (Number.isFinite(v) ? v : -Infinity));
  const { logWeights, paretoK, problem } = psisSmooth(finite, psisTailLength(finite.length));
  const total = logSumExp(logWeights);
  for (let i = 0; i < logWeights.length; i++) logWeights[i] -= total;
  return { logWeights, k: problem ? NaN : paretoK };
}
