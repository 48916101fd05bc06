/** Small analytic targets shared by the sampler tests. */
import type { LogDensity } from '../samplers/types.js';

/** N(0, 1) × N(0, 2²): a target whose every moment is known. */
export const normal2: LogDensity = {
  dim: 2,
  logDensityAndGrad(x, g) {
    g[0] = -x[0];
    g[1] = -x[1] / 4;
    return -0.5 * x[0] * x[0] - (x[1] * x[1]) / 8;
  },
};
