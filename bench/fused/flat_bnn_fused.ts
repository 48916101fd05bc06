/**
 * The flat BNN of one group (models/bnn/flat.ts: weights w0 [in, h0], …, every weight
 * ~ N(0, priorSd²), no biases, tanh, Bernoulli-logit) written by hand: the prior in one loop,
 * then the unrolled per-point kernel straight on the parameter vector — the speed limit that the
 * `limits` benchmark compares hbnn's `flatBnn` against. Nothing is allocated per call.
 */
import type { LogDensity } from '../../samplers/types.js';
import * as libm from '../../core/libm.js';
import { bnnPointKernel, layerOffsets, type TanhChoice } from './bnn_point_kernel.js';
import type { FusedGroup } from '../hier_bnn_fused.js';

const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);

/** Parameters in hbnn's order: w0, w1, …, each [in, out] row-major, one after the other. */
export function flatBnnFused(group: FusedGroup, sizes: readonly number[], options: { priorSd?: number; tanh?: TanhChoice } = {}): LogDensity {
  const dim = layerOffsets(sizes)[sizes.length - 1];
  const s = options.priorSd ?? 1;
  if (!(s > 0)) throw new Error(`flatBnnFused: priorSd must be positive, got ${s}`);
  if (group.X.length !== group.y.length * sizes[0]) throw new Error(`flatBnnFused: X has ${group.X.length} values for ${group.y.length} labels and ${sizes[0]} inputs`);
  const kernel = bnnPointKernel(sizes, options.tanh);
  const inv = 1 / (s * s);
  const constant = -dim * (libm.log(s) + HALF_LOG_TWO_PI);
  const { X, y } = group;
  return {
    dim,
    logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number {
      if (x.length !== dim || gradOut.length !== dim) throw new Error(`flatBnnFused: x and gradOut must have length ${dim}, got ${x.length} and ${gradOut.length}`);
      let quad = 0;
      for (let j = 0; j < dim; j++) {
        const w = x[j];
        quad += w * w;
        gradOut[j] = -w * inv; // the kernel adds the likelihood's part
      }
      return constant - 0.5 * quad * inv + kernel(X, y, y.length, x, 0, gradOut, 0);
    },
  };
}
