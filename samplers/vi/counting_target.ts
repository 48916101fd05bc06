/**
 * A log density that counts its evaluations, so that a fit can report the gradients it took
 * (the cost measure the benchmarks and the Pathfinder-against-NUTS comparison use).
 */
import type { LogDensity } from '../types.js';

export interface EvalCounts {
  /** logDensityAndGrad calls. */
  grad: number;
  /** logDensity calls (no gradient). */
  value: number;
}

/** Wraps `target`: the same values, with every call counted in the returned `counts`. */
export function countingTarget(target: LogDensity): { target: LogDensity; counts: EvalCounts } {
  const counts: EvalCounts = { grad: 0, value: 0 };
  const counted: LogDensity = {
    dim: target.dim,
    logDensityAndGrad(x, g) {
      counts.grad++;
      return target.logDensityAndGrad(x, g);
    },
    ...(target.logDensity
      ? {
          logDensity(x: Float64Array) {
            counts.value++;
            return target.logDensity!(x);
          },
        }
      : {}),
  };
  return { target: counted, counts };
}
