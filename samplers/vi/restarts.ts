/**
 * `restarts: n`: n independent ADVI runs with seeds seed, seed + 1, …, seed + n − 1 (each one is
 * the run `advi` makes with that seed alone), ranked by their final ELBO estimate; the best is
 * returned with every restart's estimate and the evaluations of all of them. A restart that fails
 * is skipped (its error is rethrown when every one fails); an abort ends the loop.
 */
import type { PosteriorTarget } from '../types.js';
import type { AdviSettings } from './advi_options.js';
import type { AdviFit } from './fit.js';

export async function bestOfRestarts(_target: PosteriorTarget, s: AdviSettings, runOne: (seed: number) => Promise<AdviFit>): Promise<AdviFit> {
  const elbos = new Float64Array(s.restarts).fill(NaN);
  let best: AdviFit | undefined;
  let lastError: unknown;
  let grads = 0;
  let values = 0;
  for (let r = 0; r < s.restarts; r++) {
    if (r > 0 && s.signal?.aborted) break;
    try {
      const fit = await runOne(s.seed + r);
      grads += fit.numGradEvals;
      values += fit.numLogDensityEvals;
      elbos[r] = fit.finalElbo ?? NaN;
      if (!best || elbos[r] > best.finalElbo! || (Number.isNaN(best.finalElbo!) && !Number.isNaN(elbos[r]))) best = fit; // NaN never wins
    } catch (e) {
      lastError = e;
    }
  }
  if (!best) throw lastError;
  return { ...best, restartElbos: elbos, numGradEvals: grads, numLogDensityEvals: values };
}
