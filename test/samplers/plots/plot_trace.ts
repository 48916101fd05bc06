/** A small fixed Trace for the plot tests: 2 chains × 40 draws of mu and w[2,2], with energy and two divergences. */
import { Trace } from '../../../samplers/trace/trace.js';

export const CHAINS = 2;
export const DRAWS = 40;
/** mu, w[0,0], w[0,1], w[1,0], w[1,1]. */
export const SCALARS = 5;

export function smallTrace(options: { energy?: boolean } = {}): Trace {
  const { energy = true } = options;
  const chains = Array.from({ length: CHAINS }, (_, c) => {
    const values = Float64Array.from({ length: DRAWS * SCALARS }, (_, i) => Math.sin(1.7 * i + c) + (i % SCALARS) + 0.3 * c);
    const diverging = new Float64Array(DRAWS);
    if (c === 1) diverging[3] = diverging[17] = 1;
    const lp = Float64Array.from({ length: DRAWS }, (_, d) => -3 - Math.cos(d + c));
    const stats = { lp, diverging, ...(energy ? { energy: Float64Array.from(lp, (v, d) => -v + 0.5 * Math.sin(3 * d)) } : {}) };
    return { values, stats };
  });
  return new Trace({ params: [{ name: 'mu', shape: [] }, { name: 'w', shape: [2, 2] }], chains, meta: { sampler: 'nuts' } });
}
