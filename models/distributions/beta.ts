/** Families on an interval: beta(x, a, b) on (0, 1) and uniform(x, lower, upper) on [lower, upper]. */
import type { Rng } from '../../core/rng.js';
import { betaVariate } from '../../core/random/gamma.js';
import * as T from '../../autodiff/ops/index.js';
import { lbeta } from '../../autodiff/ops/special.js';
import { tracks } from '../../autodiff/tape.js';
import { branchOn } from '../../autodiff/compile/guard.js';
import { Tensor } from '../../autodiff/tensor.js';
import { broadcastIndexMap, shapeSize } from '../../core/shape.js';
import {
  anyOutsideUnit, arg, broadcastShape, checkConstant, drawElementwise, family, finish, finite, insideUnit, positive, support, type DistArg, type Support,
} from './common.js';

function betaPointwise(x: DistArg, a: DistArg, b: DistArg): Tensor {
  const [xt, at, bt] = [arg(x, 'beta', 'x'), arg(a, 'beta', 'a'), arg(b, 'beta', 'b')];
  checkConstant(at, 'beta', 'a', positive, 'positive and finite');
  checkConstant(bt, 'beta', 'b', positive, 'positive and finite');
  const shape = broadcastShape('beta', ['x', 'a', 'b'], xt, at, bt);
  const s = support(xt, anyOutsideUnit, insideUnit, 0.5);
  if (s === null) return finish(xt, shape, null);
  // (a − 1)·log x + (b − 1)·log(1 − x) − log B(a, b)
  const lp = T.sub(T.add(T.mul(T.sub(at, 1), T.log(s.x)), T.mul(T.sub(bt, 1), T.log1p(T.neg(s.x)))), lbeta(at, bt));
  return finish(lp, shape, s);
}

function betaSample(rng: Rng, a: DistArg, b: DistArg, shape?: number[]): Tensor {
  const [at, bt] = [arg(a, 'beta', 'a'), arg(b, 'beta', 'b')];
  checkConstant(at, 'beta', 'a', positive, 'positive and finite');
  checkConstant(bt, 'beta', 'b', positive, 'positive and finite');
  return drawElementwise(rng, 'beta', ['a', 'b'], [at, bt], shape, (r, av, bv) => betaVariate(r, av, bv));
}

/** log Beta(x | a, b) on 0 < x < 1, −∞ elsewhere (R's dbeta(x, shape1, shape2)). */
export const beta = family((x: DistArg, a: DistArg, b: DistArg) => T.sum(betaPointwise(x, a, b)), betaPointwise, betaSample);

/**
 * The support of uniform: constant x and bounds are masked element by element; a tracked x
 * with constant bounds goes through `branchOn` (−∞ everywhere when any element is outside);
 * tracked bounds are not checked (constrain the parameter with `{ lower, upper }` instead).
 */
function uniformSupport(xt: Tensor, lt: Tensor, ut: Tensor, shape: number[]): Support | null {
  if (tracks(lt) || tracks(ut)) return { x: xt, mask: null };
  const n = shapeSize(shape);
  const mx = broadcastIndexMap(xt.shape, shape), ml = broadcastIndexMap(lt.shape, shape), mu = broadcastIndexMap(ut.shape, shape);
  const lo = lt.buffer, hi = ut.buffer;
  const outside = (v: Float64Array) => {
    for (let j = 0; j < n; j++) if (!(v[mx[j]] >= lo[ml[j]] && v[mx[j]] <= hi[mu[j]])) return true;
    return false;
  };
  if (!branchOn(xt, outside)) return { x: xt, mask: null };
  if (tracks(xt)) return null;
  const m = new Float64Array(n);
  for (let j = 0; j < n; j++) if (!(xt.buffer[mx[j]] >= lo[ml[j]] && xt.buffer[mx[j]] <= hi[mu[j]])) m[j] = -Infinity;
  return { x: xt, mask: new Tensor(m, shape) };
}

function uniformPointwise(x: DistArg, lower: DistArg, upper: DistArg): Tensor {
  const [xt, lt, ut] = [arg(x, 'uniform', 'x'), arg(lower, 'uniform', 'lower'), arg(upper, 'uniform', 'upper')];
  checkConstant(lt, 'uniform', 'lower', finite, 'finite');
  checkConstant(ut, 'uniform', 'upper', finite, 'finite');
  const shape = broadcastShape('uniform', ['x', 'lower', 'upper'], xt, lt, ut);
  if (!tracks(lt) && !tracks(ut)) checkOrdered(lt, ut, shape);
  const s = uniformSupport(xt, lt, ut, shape);
  return finish(T.neg(T.log(T.sub(ut, lt))), shape, s);
}

function checkOrdered(lt: Tensor, ut: Tensor, shape: number[]): void {
  const ml = broadcastIndexMap(lt.shape, shape), mu = broadcastIndexMap(ut.shape, shape);
  for (let j = 0; j < ml.length; j++) {
    const lo = lt.buffer[ml[j]], hi = ut.buffer[mu[j]];
    if (!(lo < hi)) throw new Error(`dist.uniform: lower must be below upper, got lower ${lo} and upper ${hi}${ml.length === 1 ? '' : ` at flat index ${j}`}`);
  }
}

function uniformSample(rng: Rng, lower: DistArg, upper: DistArg, shape?: number[]): Tensor {
  const [lt, ut] = [arg(lower, 'uniform', 'lower'), arg(upper, 'uniform', 'upper')];
  checkConstant(lt, 'uniform', 'lower', finite, 'finite');
  checkConstant(ut, 'uniform', 'upper', finite, 'finite');
  checkOrdered(lt, ut, broadcastShape('uniform', ['lower', 'upper'], lt, ut));
  return drawElementwise(rng, 'uniform', ['lower', 'upper'], [lt, ut], shape, (r, lo, hi) => r.uniformRange(lo, hi));
}

/** log Uniform(x | lower, upper) = −log(upper − lower) on lower ≤ x ≤ upper, −∞ outside. */
export const uniform = family((x: DistArg, lower: DistArg, upper: DistArg) => T.sum(uniformPointwise(x, lower, upper)), uniformPointwise, uniformSample);
