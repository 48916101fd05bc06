/** Location–scale families on the real line: laplace(x, mu, scale) and logistic(x, mu, scale). */
import type { Rng } from '../../core/rng.js';
import { laplaceVariate, logisticVariate } from '../../core/random/continuous.js';
import * as T from '../../autodiff/ops/index.js';
import type { Tensor } from '../../autodiff/tensor.js';
import { arg, broadcastShape, checkConstant, drawElementwise, family, finish, finite, positive, standardize, type DistArg } from './common.js';

function locationScale(dist: string, x: DistArg, mu: DistArg, scale: DistArg): { z: Tensor; scale: Tensor; shape: number[]; x: Tensor } {
  const [xt, mt, st] = [arg(x, dist, 'x'), arg(mu, dist, 'mu'), arg(scale, dist, 'scale')];
  checkConstant(st, dist, 'scale', positive, 'positive and finite');
  return { z: standardize(xt, mt, st), scale: st, shape: broadcastShape(dist, ['x', 'mu', 'scale'], xt, mt, st), x: xt };
}

function locationScaleSample(rng: Rng, dist: string, mu: DistArg, scale: DistArg, shape: number[] | undefined, standard: (r: Rng) => number): Tensor {
  const [mt, st] = [arg(mu, dist, 'mu'), arg(scale, dist, 'scale')];
  checkConstant(mt, dist, 'mu', finite, 'finite');
  checkConstant(st, dist, 'scale', positive, 'positive and finite');
  return drawElementwise(rng, dist, ['mu', 'scale'], [mt, st], shape, (r, m, s) => m + s * standard(r));
}

function laplacePointwise(x: DistArg, mu: DistArg, scale: DistArg): Tensor {
  const { z, scale: st, shape, x: xt } = locationScale('laplace', x, mu, scale);
  return finish(T.neg(T.add(T.abs(z), T.add(T.log(st), Math.LN2))), shape, { x: xt, mask: null });
}

/** log Laplace(x | mu, scale) = −log(2·scale) − |x − mu|/scale (Stan's double_exponential). */
export const laplace = family(
  (x: DistArg, mu: DistArg, scale: DistArg) => T.sum(laplacePointwise(x, mu, scale)),
  laplacePointwise,
  (rng: Rng, mu: DistArg, scale: DistArg, shape?: number[]) => locationScaleSample(rng, 'laplace', mu, scale, shape, laplaceVariate),
);

function logisticPointwise(x: DistArg, mu: DistArg, scale: DistArg): Tensor {
  const { z, scale: st, shape, x: xt } = locationScale('logistic', x, mu, scale);
  // −z − log s − 2·log(1 + e^−z), with softplus for large |z|.
  return finish(T.sub(T.neg(z), T.add(T.log(st), T.mul(T.softplus(T.neg(z)), 2))), shape, { x: xt, mask: null });
}

/** log Logistic(x | mu, scale), z = (x − mu)/scale: −z − log scale − 2·log(1 + e^−z) (R's dlogis). */
export const logistic = family(
  (x: DistArg, mu: DistArg, scale: DistArg) => T.sum(logisticPointwise(x, mu, scale)),
  logisticPointwise,
  (rng: Rng, mu: DistArg, scale: DistArg, shape?: number[]) => locationScaleSample(rng, 'logistic', mu, scale, shape, logisticVariate),
);
