/**
 * The informative prior of the study (Wiecki 2018): from a hierarchical posterior, for every
 * draw of each layer's (mu, sd), draw `realizationsPerDraw` weight matrices w ~ N(mu, sd²)
 * elementwise, flatten them, and fit a multivariate normal (sample mean, full sample covariance
 * with divisor S − 1 as numpy.cov) to all S = draws × realizationsPerDraw realisations.
 * The fit's expectation is mean E[mu] and covariance Cov(mu) + E[sd²]·I: the posterior
 * uncertainty of the group mean plus the spread of the groups around it.
 */
import { Rng } from '../../core/rng.js';
import type { Trace } from '../../samplers/trace/trace.js';

/** 20 realisations per posterior draw, as in the post. */
export const DEFAULT_REALIZATIONS_PER_DRAW = 20;

/** One layer's prior: over the flattened weights (row-major in `shape`), mean [k] and cov [k×k]. */
export interface LayerPrior {
  mean: Float64Array;
  cov: Float64Array;
  shape: number[];
}

export interface GroupPriorOptions {
  realizationsPerDraw?: number;
  /** Seed of the realisations (default 0); layer l draws from stream l. */
  seed?: number;
}

/** Per layer (mu0/sd0, mu1/sd1, … in the trace), the multivariate normal fitted to weight realisations. */
export function groupPrior(trace: Trace, opts: GroupPriorOptions = {}): LayerPrior[] {
  const perDraw = opts.realizationsPerDraw ?? DEFAULT_REALIZATIONS_PER_DRAW;
  if (!Number.isInteger(perDraw) || perDraw < 1) throw new Error(`groupPrior: realizationsPerDraw must be a positive integer, got ${perDraw}`);
  const seed = opts.seed ?? 0;
  const names = trace.paramNames;
  if (!names.includes('mu0')) {
    throw new Error(`groupPrior: expects a hierarchical trace with mu0, sd0, mu1, sd1, …; its parameters are ${names.join(', ')}`);
  }
  const root = Rng.fromSeed(seed);
  const layers: LayerPrior[] = [];
  for (let l = 0; names.includes(`mu${l}`); l++) {
    if (!names.includes(`sd${l}`)) throw new Error(`groupPrior: the trace has mu${l} but no sd${l}`);
    const sdShape = trace.shapeOf(`sd${l}`);
    if (sdShape.length !== 0) throw new Error(`groupPrior: sd${l} must be a scalar per draw, got shape [${sdShape.join(',')}]`);
    const mu = trace.get(`mu${l}`);
    const sd = trace.get(`sd${l}`).values;
    checkDraws(mu.values, `mu${l}`, (v) => Number.isFinite(v), 'finite');
    checkDraws(sd, `sd${l}`, (v) => Number.isFinite(v) && v >= 0, 'finite and >= 0');
    layers.push(fitLayer(mu.values, sd, mu.shape.slice(2), perDraw, root.stream(l)));
  }
  return layers;
}

/** A NaN draw would make the whole prior NaN: refused, naming the parameter. */
function checkDraws(values: Float64Array, name: string, ok: (v: number) => boolean, want: string): void {
  const bad = values.findIndex((v) => !ok(v));
  if (bad >= 0) throw new Error(`groupPrior: value ${bad} of ${name} in the trace is ${values[bad]}; its draws must be ${want}`);
}

/** Sample mean and covariance of the realisations, accumulated around the mean of mu for accuracy. */
function fitLayer(mu: Float64Array, sd: Float64Array, shape: number[], perDraw: number, rng: Rng): LayerPrior {
  const draws = sd.length;
  const k = mu.length / Math.max(1, draws);
  const total = draws * perDraw;
  if (total < 2) throw new Error(`groupPrior: needs at least 2 realisations to estimate a covariance, got ${total}`);
  const centre = new Float64Array(k);
  for (let d = 0; d < draws; d++) for (let j = 0; j < k; j++) centre[j] += mu[d * k + j] / draws;
  const s1 = new Float64Array(k);
  const s2 = new Float64Array(k * k);
  const w = new Float64Array(k);
  for (let d = 0; d < draws; d++) {
    const s = sd[d];
    for (let r = 0; r < perDraw; r++) {
      rng.fillNormal(w);
      for (let j = 0; j < k; j++) w[j] = mu[d * k + j] - centre[j] + s * w[j];
      for (let i = 0; i < k; i++) {
        s1[i] += w[i];
        const wi = w[i];
        for (let j = 0; j <= i; j++) s2[i * k + j] += wi * w[j];
      }
    }
  }
  const mean = new Float64Array(k);
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) mean[i] = s1[i] / total;
  for (let i = 0; i < k; i++)
    for (let j = 0; j <= i; j++) {
      const c = (s2[i * k + j] - total * mean[i] * mean[j]) / (total - 1);
      cov[i * k + j] = c;
      cov[j * k + i] = c;
    }
  for (let i = 0; i < k; i++) mean[i] += centre[i];
  return { mean, cov, shape };
}
