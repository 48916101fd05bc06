/**
 * Posterior prediction of a tanh MLP without biases, for all posterior draws at once:
 *   h₀ = X,  h_{l+1} = tanh(h_l · W_l[d])  (hidden layers),  p = sigmoid(h_L · W_L[d]),
 * with per point the posterior mean and sd of p over draws d. Draws are processed in chunks,
 * each layer one batched product (draws × points × width) through batchedMatmulInto, so the
 * gpu.js kernels run it when selected; no per-draw tiny products. The mean and variance are
 * accumulated in Float64 (Welford), whatever the backend.
 */
import { batchedMatmulInto } from './batched_matmul.js';
import { resolveBackend, type BackendName } from './backend.js';
import * as libm from '../libm.js';
import { sigmoidScalar } from '../logistic.js';

export interface MlpProbabilityOptions {
  /** Backend of the matrix products (default: the process default, see backend.ts). */
  backend?: BackendName;
  /** Draws per chunk (default: as many as keep one layer's activations near the budget below). */
  chunkDraws?: number;
}

export interface MlpProbabilities {
  /** Posterior mean of the class-1 probability, per point. */
  mean: Float64Array;
  /** Posterior sd of the class-1 probability over draws (divisor nDraws − 1, as R's sd; 0 for one draw). */
  sd: Float64Array;
}

/**
 * Activations per chunk, in cells: 2^18 (2 MiB of Float64) keeps a chunk in cache for the JS
 * loops; 2^22 amortises gpu.js's per-call copies (and stays below its 2^24-cell limit).
 */
const CHUNK_CELLS_JS = 2 ** 18;
const CHUNK_CELLS_GPU = 2 ** 22;

/**
 * X: nPoints × sizes[0] row-major; weights[l]: nDraws × sizes[l] × sizes[l+1] row-major;
 * sizes: layer widths ending in 1 (the logit), e.g. [2, 5, 5, 1].
 */
export function mlpProbabilities(
  X: Float64Array,
  weights: Float64Array[],
  sizes: number[],
  nDraws: number,
  options: MlpProbabilityOptions = {},
): MlpProbabilities {
  checkInputs(X, weights, sizes, nDraws);
  const nLayers = sizes.length - 1;
  const nPoints = X.length / sizes[0];
  const backend = resolveBackend(options.backend);
  const widest = Math.max(...sizes.slice(1));
  const budget = backend === 'gpu' ? CHUNK_CELLS_GPU : CHUNK_CELLS_JS;
  const chunk = options.chunkDraws ?? Math.max(1, Math.min(nDraws, Math.floor(budget / Math.max(1, nPoints * widest))));
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`mlpProbabilities: chunkDraws must be a positive integer, got ${chunk}`);

  // Two ping-pong buffers big enough for any layer's activations of one chunk.
  const bufA = new Float64Array(chunk * nPoints * widest);
  const bufB = new Float64Array(chunk * nPoints * widest);
  const mean = new Float64Array(nPoints);
  const m2 = new Float64Array(nPoints);
  let seen = 0;

  for (let d0 = 0; d0 < nDraws; d0 += chunk) {
    const nd = Math.min(chunk, nDraws - d0);
    let input = X;
    let shared = true; // layer 0 input X is the same for every draw
    let out = bufA;
    for (let l = 0; l < nLayers; l++) {
      const [k, m] = [sizes[l], sizes[l + 1]];
      const w = weights[l].subarray(d0 * k * m, (d0 + nd) * k * m);
      const h = out.subarray(0, nd * nPoints * m);
      batchedMatmulInto(h, input, w, { batch: nd, n: nPoints, k, m, batchA: !shared }, false, backend);
      if (l < nLayers - 1) for (let i = 0; i < h.length; i++) h[i] = libm.tanh(h[i]);
      input = h;
      shared = false;
      out = out === bufA ? bufB : bufA;
    }
    // input now holds nd × nPoints logits.
    for (let d = 0; d < nd; d++) {
      seen++;
      const inv = 1 / seen;
      const row = d * nPoints;
      for (let i = 0; i < nPoints; i++) {
        const p = sigmoidScalar(input[row + i]);
        const delta = p - mean[i];
        mean[i] += delta * inv;
        m2[i] += delta * (p - mean[i]);
      }
    }
  }
  const sd = new Float64Array(nPoints);
  if (nDraws > 1) for (let i = 0; i < nPoints; i++) sd[i] = Math.sqrt(Math.max(0, m2[i]) / (nDraws - 1));
  return { mean, sd };
}

function checkInputs(X: Float64Array, weights: Float64Array[], sizes: number[], nDraws: number): void {
  if (!Number.isInteger(nDraws) || nDraws < 1) throw new Error(`mlpProbabilities: nDraws must be a positive integer, got ${nDraws}`);
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new Error(`mlpProbabilities: sizes must list at least two positive integer widths, got ${JSON.stringify(sizes)}`);
  }
  if (sizes[sizes.length - 1] !== 1) throw new Error(`mlpProbabilities: the last width must be 1 (one logit), got sizes ${JSON.stringify(sizes)}`);
  if (!(X instanceof Float64Array) || X.length % sizes[0] !== 0) {
    throw new Error(`mlpProbabilities: X must be a Float64Array of nPoints × ${sizes[0]} values, got length ${X?.length}`);
  }
  if (weights.length !== sizes.length - 1) {
    throw new Error(`mlpProbabilities: expected ${sizes.length - 1} weight arrays for sizes ${JSON.stringify(sizes)}, got ${weights.length}`);
  }
  weights.forEach((w, l) => {
    const want = nDraws * sizes[l] * sizes[l + 1];
    if (!(w instanceof Float64Array) || w.length !== want) {
      throw new Error(`mlpProbabilities: weights[${l}] must hold nDraws × ${sizes[l]} × ${sizes[l + 1]} = ${want} values, got ${w?.length}`);
    }
  });
}
