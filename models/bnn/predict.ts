/**
 * Posterior prediction of a BNN: for every draw of a trace, the network's class-1 probability at
 * each point, summarised as the posterior mean and sd per point. All draws go through
 * core/mlp_forward (batched over draws and points, in chunks), not a per-draw loop.
 */
import type { BackendName } from '../../core/kernels/backend.js';
import { mlpProbabilities } from '../../core/kernels/mlp_forward.js';
import type { Trace } from '../../samplers/trace/trace.js';
import type { BnnModel } from './network.js';

export interface PredictOptions {
  /** Group of a hierarchical model; without it the hierarchical model predicts with its group-mean weights. */
  group?: number;
  /** Backend of the batched products (default: the process default). */
  backend?: BackendName;
  /** Draws per batched chunk (default: chosen by mlpProbabilities). */
  chunkDraws?: number;
}

export interface Prediction {
  /** Posterior mean of P(y = 1 | x) per point. */
  mean: Float64Array;
  /** Posterior sd of P(y = 1 | x) per point (divisor draws − 1). */
  sd: Float64Array;
}

/** Points as a row-major Float64Array of `inputs` columns; nested rows are checked for width. */
function pointsArray(X: number[][] | Float64Array, inputs: number): Float64Array {
  if (X instanceof Float64Array) {
    if (X.length % inputs !== 0) throw new Error(`predict: X has ${X.length} values, not a multiple of the network's ${inputs} inputs`);
    return X;
  }
  if (!Array.isArray(X)) throw new Error(`predict: X must be number[][] or a row-major Float64Array, got ${typeof X}`);
  const out = new Float64Array(X.length * inputs);
  X.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== inputs) throw new Error(`predict: X[${i}] must hold ${inputs} numbers, got ${JSON.stringify(row)}`);
    row.forEach((v, j) => (out[i * inputs + j] = v));
  });
  return out;
}

/** Posterior mean and sd of the class-1 probability at each row of X, over every draw of every chain. */
export function predict(model: BnnModel, trace: Trace, X: number[][] | Float64Array, opts: PredictOptions = {}): Prediction {
  if (!model || typeof model !== 'object' || !model.network) throw new Error('predict: model must be a BNN (flatBnn, hierarchicalBnn or informativeBnn) with a network description');
  const { sizes } = model.network;
  const modelLayout = model.params.map((p) => `${p.name}[${p.shape.join(',')}]`).join(' ');
  const traceLayout = trace.params.map((p) => `${p.name}[${p.shape.join(',')}]`).join(' ');
  if (modelLayout !== traceLayout) throw new Error(`predict: the trace's parameters (${traceLayout}) do not match the model's (${modelLayout})`);
  const points = pointsArray(X, sizes[0]);
  const nDraws = trace.chains * trace.draws;
  if (nDraws === 0) throw new Error('predict: the trace has no draws');
  const weights = sizes.slice(0, -1).map((s, l) => new Float64Array(nDraws * s * sizes[l + 1]));
  const width = trace.width;
  let d = 0;
  for (const chain of trace.chainDraws) {
    for (let i = 0; i < trace.draws; i++, d++) {
      const layers = model.network.weightsFromDraw(chain.values.subarray(i * width, (i + 1) * width), opts.group);
      layers.forEach((w, l) => weights[l].set(w, d * w.length));
    }
  }
  return mlpProbabilities(points, weights, [...sizes], nDraws, { backend: opts.backend, chunkDraws: opts.chunkDraws });
}
