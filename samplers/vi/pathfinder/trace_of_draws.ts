/** Unconstrained draws as a one-chain Trace in constrained space (as a sampler's), with lp = log density. */
import { shapeSize } from '../../../core/shape.js';
import { Trace } from '../../trace/trace.js';
import type { ParamInfo, PosteriorTarget } from '../../types.js';

export function traceOfDraws(target: PosteriorTarget, draws: Float64Array, logP: Float64Array, meta: Record<string, unknown>): Trace {
  const dim = target.dim;
  const n = logP.length;
  const params: readonly ParamInfo[] = target.params ?? [{ name: 'x', shape: [dim] }];
  const width = params.reduce((w, p) => w + shapeSize(p.shape), 0);
  const constrain = target.params ? target.constrainInto?.bind(target) : undefined;
  if (!constrain && width !== dim) throw new Error(`pathfinder: target.params has ${width} values but dim is ${dim} and there is no constrainInto`);
  const values = new Float64Array(n * width);
  for (let d = 0; d < n; d++) {
    const zeta = draws.subarray(d * dim, (d + 1) * dim);
    const row = values.subarray(d * width, (d + 1) * width);
    if (constrain) constrain(zeta, row);
    else row.set(zeta);
  }
  return new Trace({ params, chains: [{ values, stats: { lp: logP.slice() } }], meta });
}
