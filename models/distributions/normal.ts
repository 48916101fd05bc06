/** The normal family: normal(x, mu, sigma), halfNormal(x, sigma) on x ≥ 0, lognormal(x, mu, sigma) on x > 0. */
import type { Rng } from '../../core/rng.js';
import * as T from '../../autodiff/ops/index.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import {
  HALF_LOG_TWO_PI, anyNegative, anyNonPositive, arg, broadcastShape, broadcastSize, broadcastSum, checkConstant, drawElementwise, family, finish, finite,
  minusInfinity, negate, nonNegative, positive, standardize, strictlyPositive, support, total, type DistArg,
} from './common.js';

function normalArgs(x: DistArg, mu: DistArg, sigma: DistArg): [Tensor, Tensor, Tensor] {
  const [xt, mt, st] = [arg(x, 'normal', 'x'), arg(mu, 'normal', 'mu'), arg(sigma, 'normal', 'sigma')];
  checkConstant(st, 'normal', 'sigma', positive, 'positive and finite');
  return [xt, mt, st];
}

/** Σ log N(x | mu, sigma²). */
function normalSum(x: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, mt, st] = normalArgs(x, mu, sigma);
  const n = broadcastSize('normal', ['x', 'mu', 'sigma'], xt, mt, st);
  const z = standardize(xt, mt, st);
  const quad = T.mul(T.sum(T.square(z)), -0.5 * (n / z.size));
  return total(quad, negate(broadcastSum(st, n, T.log, libm.log)), -n * HALF_LOG_TWO_PI);
}

function normalPointwise(x: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, mt, st] = normalArgs(x, mu, sigma);
  const shape = broadcastShape('normal', ['x', 'mu', 'sigma'], xt, mt, st);
  const z = standardize(xt, mt, st);
  return finish(T.sub(T.mul(T.square(z), -0.5), T.add(T.log(st), HALF_LOG_TWO_PI)), shape, { x: xt, mask: null });
}

function normalSample(rng: Rng, mu: DistArg, sigma: DistArg, shape?: number[]): Tensor {
  const [mt, st] = [arg(mu, 'normal', 'mu'), arg(sigma, 'normal', 'sigma')];
  checkConstant(mt, 'normal', 'mu', finite, 'finite');
  checkConstant(st, 'normal', 'sigma', positive, 'positive and finite');
  return drawElementwise(rng, 'normal', ['mu', 'sigma'], [mt, st], shape, (r, m, s) => m + s * r.normal());
}

/** log N(x | mu, sigma²), summed (`dist.normal`) or per element (`.pointwise`); `.sample(rng, mu, sigma, shape?)`. */
export const normal = family(normalSum, normalPointwise, normalSample);

function halfNormalArgs(x: DistArg, sigma: DistArg): [Tensor, Tensor] {
  const [xt, st] = [arg(x, 'halfNormal', 'x'), arg(sigma, 'halfNormal', 'sigma')];
  checkConstant(st, 'halfNormal', 'sigma', positive, 'positive and finite');
  return [xt, st];
}

/** Σ log HalfNormal(x | sigma): density 2·N(x | 0, sigma²) on x ≥ 0. */
function halfNormalSum(x: DistArg, sigma: DistArg): Tensor {
  const [xt, st] = halfNormalArgs(x, sigma);
  const n = broadcastSize('halfNormal', ['x', 'sigma'], xt, st);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null || s.mask !== null) return minusInfinity();
  const z = T.div(xt, st);
  const quad = T.mul(T.sum(T.square(z)), -0.5 * (n / z.size));
  return total(quad, negate(broadcastSum(st, n, T.log, libm.log)), n * (Math.LN2 - HALF_LOG_TWO_PI));
}

function halfNormalPointwise(x: DistArg, sigma: DistArg): Tensor {
  const [xt, st] = halfNormalArgs(x, sigma);
  const shape = broadcastShape('halfNormal', ['x', 'sigma'], xt, st);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null) return finish(xt, shape, null);
  const z = T.div(s.x, st);
  return finish(T.sub(T.mul(T.square(z), -0.5), T.add(T.log(st), HALF_LOG_TWO_PI - Math.LN2)), shape, s);
}

function halfNormalSample(rng: Rng, sigma: DistArg, shape?: number[]): Tensor {
  const st = arg(sigma, 'halfNormal', 'sigma');
  checkConstant(st, 'halfNormal', 'sigma', positive, 'positive and finite');
  return drawElementwise(rng, 'halfNormal', ['sigma'], [st], shape, (r, s) => s * Math.abs(r.normal()));
}

/** log HalfNormal(x | sigma) = log 2 + log N(x | 0, sigma²) on x ≥ 0 (−∞ below 0). */
export const halfNormal = family(halfNormalSum, halfNormalPointwise, halfNormalSample);

function lognormalPointwise(x: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, mt, st] = [arg(x, 'lognormal', 'x'), arg(mu, 'lognormal', 'mu'), arg(sigma, 'lognormal', 'sigma')];
  checkConstant(st, 'lognormal', 'sigma', positive, 'positive and finite');
  const shape = broadcastShape('lognormal', ['x', 'mu', 'sigma'], xt, mt, st);
  const s = support(xt, anyNonPositive, strictlyPositive, 1);
  if (s === null) return finish(xt, shape, null);
  const logX = T.log(s.x);
  const z = standardize(logX, mt, st);
  return finish(T.sub(T.mul(T.square(z), -0.5), T.add(T.add(logX, T.log(st)), HALF_LOG_TWO_PI)), shape, s);
}

function lognormalSample(rng: Rng, mu: DistArg, sigma: DistArg, shape?: number[]): Tensor {
  const [mt, st] = [arg(mu, 'lognormal', 'mu'), arg(sigma, 'lognormal', 'sigma')];
  checkConstant(mt, 'lognormal', 'mu', finite, 'finite');
  checkConstant(st, 'lognormal', 'sigma', positive, 'positive and finite');
  return drawElementwise(rng, 'lognormal', ['mu', 'sigma'], [mt, st], shape, (r, m, s) => libm.exp(m + s * r.normal()));
}

/** log LogNormal(x | mu, sigma): log x ~ N(mu, sigma²), on x > 0 (R's dlnorm(x, meanlog, sdlog)). */
export const lognormal = family((x: DistArg, mu: DistArg, sigma: DistArg) => T.sum(lognormalPointwise(x, mu, sigma)), lognormalPointwise, lognormalSample);
