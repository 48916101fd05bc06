/**
 * Positive families: exponential(x, rate), gamma(x, shape, rate), inverseGamma(x, shape, scale),
 * each on x > 0 (exponential on x ≥ 0), −∞ outside.
 */
import type { Rng } from '../../core/rng.js';
import { exponentialVariate } from '../../core/random/continuous.js';
import { gammaVariate } from '../../core/random/gamma.js';
import * as T from '../../autodiff/ops/index.js';
import { lgamma } from '../../autodiff/ops/special.js';
import type { Tensor } from '../../autodiff/tensor.js';
import {
  anyNegative, anyNonPositive, arg, broadcastShape, checkConstant, drawElementwise, family, finish, nonNegative, positive, strictlyPositive, support,
  type DistArg,
} from './common.js';

function exponentialPointwise(x: DistArg, rate: DistArg): Tensor {
  const [xt, rt] = [arg(x, 'exponential', 'x'), arg(rate, 'exponential', 'rate')];
  checkConstant(rt, 'exponential', 'rate', positive, 'positive and finite');
  const shape = broadcastShape('exponential', ['x', 'rate'], xt, rt);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null) return finish(xt, shape, null);
  return finish(T.sub(T.log(rt), T.mul(rt, s.x)), shape, s);
}

function exponentialSample(rng: Rng, rate: DistArg, shape?: number[]): Tensor {
  const rt = arg(rate, 'exponential', 'rate');
  checkConstant(rt, 'exponential', 'rate', positive, 'positive and finite');
  return drawElementwise(rng, 'exponential', ['rate'], [rt], shape, (r, l) => exponentialVariate(r, l));
}

/** log Exponential(x | rate) = log rate − rate·x on x ≥ 0 (R's dexp(x, rate)). */
export const exponential = family((x: DistArg, rate: DistArg) => T.sum(exponentialPointwise(x, rate)), exponentialPointwise, exponentialSample);

function shapeArgs(dist: string, x: DistArg, shape: DistArg, second: DistArg, secondName: string): Tensor[] {
  const ts = [arg(x, dist, 'x'), arg(shape, dist, 'shape'), arg(second, dist, secondName)];
  checkConstant(ts[1], dist, 'shape', positive, 'positive and finite');
  checkConstant(ts[2], dist, secondName, positive, 'positive and finite');
  return ts;
}

function gammaPointwise(x: DistArg, shape: DistArg, rate: DistArg): Tensor {
  const [xt, at, bt] = shapeArgs('gamma', x, shape, rate, 'rate');
  const out = broadcastShape('gamma', ['x', 'shape', 'rate'], xt, at, bt);
  const s = support(xt, anyNonPositive, strictlyPositive, 1);
  if (s === null) return finish(xt, out, null);
  // a·log b − log Γ(a) + (a − 1)·log x − b·x
  const lp = T.sub(T.add(T.mul(at, T.log(bt)), T.mul(T.sub(at, 1), T.log(s.x))), T.add(lgamma(at), T.mul(bt, s.x)));
  return finish(lp, out, s);
}

function gammaSample(rng: Rng, shape: DistArg, rate: DistArg, sampleShape?: number[]): Tensor {
  const [at, bt] = [arg(shape, 'gamma', 'shape'), arg(rate, 'gamma', 'rate')];
  checkConstant(at, 'gamma', 'shape', positive, 'positive and finite');
  checkConstant(bt, 'gamma', 'rate', positive, 'positive and finite');
  return drawElementwise(rng, 'gamma', ['shape', 'rate'], [at, bt], sampleShape, (r, a, b) => gammaVariate(r, a, b));
}

/** log Gamma(x | shape, rate), mean shape/rate, on x > 0 (Stan's gamma; R's dgamma(x, shape, rate); scipy uses scale = 1/rate). */
export const gamma = family((x: DistArg, shape: DistArg, rate: DistArg) => T.sum(gammaPointwise(x, shape, rate)), gammaPointwise, gammaSample);

function inverseGammaPointwise(x: DistArg, shape: DistArg, scale: DistArg): Tensor {
  const [xt, at, bt] = shapeArgs('inverseGamma', x, shape, scale, 'scale');
  const out = broadcastShape('inverseGamma', ['x', 'shape', 'scale'], xt, at, bt);
  const s = support(xt, anyNonPositive, strictlyPositive, 1);
  if (s === null) return finish(xt, out, null);
  // a·log b − log Γ(a) − (a + 1)·log x − b/x
  const lp = T.sub(T.sub(T.mul(at, T.log(bt)), T.mul(T.add(at, 1), T.log(s.x))), T.add(lgamma(at), T.div(bt, s.x)));
  return finish(lp, out, s);
}

function inverseGammaSample(rng: Rng, shape: DistArg, scale: DistArg, sampleShape?: number[]): Tensor {
  const [at, bt] = [arg(shape, 'inverseGamma', 'shape'), arg(scale, 'inverseGamma', 'scale')];
  checkConstant(at, 'inverseGamma', 'shape', positive, 'positive and finite');
  checkConstant(bt, 'inverseGamma', 'scale', positive, 'positive and finite');
  return drawElementwise(rng, 'inverseGamma', ['shape', 'scale'], [at, bt], sampleShape, (r, a, b) => b / gammaVariate(r, a, 1));
}

/** log InverseGamma(x | shape, scale): 1/x ~ Gamma(shape, rate = scale), on x > 0 (Stan's inv_gamma). */
export const inverseGamma = family((x: DistArg, shape: DistArg, scale: DistArg) => T.sum(inverseGammaPointwise(x, shape, scale)), inverseGammaPointwise, inverseGammaSample);
