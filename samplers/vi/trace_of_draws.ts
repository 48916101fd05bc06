/**
 * Unconstrained draws of a variational fit (ADVI's q, Pathfinder's resampled draws) as a
 * one-chain Trace laid out like a sampler's: the target's named parameters in constrained space,
 * then its derived quantities (`derived` / `derivedInto`, e.g. a model's `derived` and `logLik`),
 * computed once per draw as the chain runner does; stats.lp = the log density at the draw.
 */
import { shapeSize } from '../../core/shape.js';
import { Trace } from '../trace/trace.js';
import type { ParamInfo, PosteriorTarget } from '../types.js';

/** `who` names the caller in errors (e.g. 'AdviFit.sample'). */
export function traceOfDraws(target: PosteriorTarget, draws: Float64Array, logP: Float64Array, meta: Record<string, unknown>, who: string): Trace {
  const dim = target.dim;
  const n = logP.length;
  const params: readonly ParamInfo[] = target.params ?? [{ name: 'x', shape: [dim] }];
  const width = params.reduce((w, p) => w + shapeSize(p.shape), 0);
  const constrain = target.params ? target.constrainInto?.bind(target) : undefined;
  if (!constrain && width !== dim) throw new Error(`${who}: target.params has ${width} values but dim is ${dim} and there is no constrainInto`);
  const derived = target.derived ?? [];
  if (derived.length > 0 && typeof target.derivedInto !== 'function') throw new Error(`${who}: target has derived quantities but no derivedInto(x, out)`);
  const all: ParamInfo[] = [...params, ...derived.map((p) => ({ name: p.name, shape: [...p.shape], kind: p.kind ?? 'derived' }))];
  const rowWidth = all.reduce((w, p) => w + shapeSize(p.shape), 0);
  const values = new Float64Array(n * rowWidth);
  for (let d = 0; d < n; d++) {
    const zeta = draws.subarray(d * dim, (d + 1) * dim);
    const row = values.subarray(d * rowWidth, (d + 1) * rowWidth);
    if (constrain) constrain(zeta, row.subarray(0, width));
    else row.set(zeta);
    if (derived.length > 0) target.derivedInto!(zeta, row.subarray(width));
  }
  return new Trace({ params: all, chains: [{ values, stats: { lp: logP.slice() } }], meta });
}
