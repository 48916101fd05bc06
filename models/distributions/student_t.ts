/**
 * Heavy-tailed families: studentT(x, nu, mu, sigma), halfStudentT(x, nu, sigma) on x ≥ 0,
 * cauchy(x, location, scale) and halfCauchy(x, scale) on x ≥ 0 (the Student-t with ν = 1).
 */
import type { Rng } from '../../core/rng.js';
import { cauchyVariate, studentTVariate } from '../../core/random/continuous.js';
import { lgamma as lgammaScalar } from '../../core/special.js';
import * as T from '../../autodiff/ops/index.js';
import { lgamma } from '../../autodiff/ops/special.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import {
  LOG_PI, anyNegative, arg, broadcastShape, broadcastSize, broadcastSum, checkConstant, drawElementwise, family, finish, finite, minusInfinity, negate,
  nonNegative, positive, standardize, support, total, type DistArg,
} from './common.js';

function studentTArgs(dist: string, x: DistArg, nu: DistArg, mu: DistArg, sigma: DistArg): Tensor[] {
  const ts = [arg(x, dist, 'x'), arg(nu, dist, 'nu'), arg(mu, dist, 'mu'), arg(sigma, dist, 'sigma')];
  checkConstant(ts[1], dist, 'nu', positive, 'positive and finite');
  checkConstant(ts[3], dist, 'sigma', positive, 'positive and finite');
  return ts;
}

/**
 * Σ log StudentT(x | nu, mu, sigma):
 * lgamma((ν+1)/2) − lgamma(ν/2) − ½log(νπ) − log σ − (ν+1)/2 · log(1 + z²/ν), z = (x−μ)/σ.
 */
function studentTSum(x: DistArg, nu: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, nt, mt, st] = studentTArgs('studentT', x, nu, mu, sigma);
  const n = broadcastSize('studentT', ['x', 'nu', 'mu', 'sigma'], xt, nt, mt, st);
  const z = standardize(xt, mt, st);
  const tailTerms = T.mul(T.add(nt, 1), T.log1p(T.div(T.square(z), nt)));
  const tail = T.mul(T.sum(tailTerms), -0.5 * (n / tailTerms.size));
  const normaliser = broadcastSum(
    nt,
    n,
    (v) => T.sub(T.sub(lgamma(T.mul(T.add(v, 1), 0.5)), lgamma(T.mul(v, 0.5))), T.mul(T.log(v), 0.5)),
    (v) => lgammaScalar((v + 1) / 2) - lgammaScalar(v / 2) - 0.5 * libm.log(v),
  );
  return total(tail, normaliser, negate(broadcastSum(st, n, T.log, libm.log)), -0.5 * n * LOG_PI);
}

/** The Student-t log density per element, before broadcasting and support. */
function studentTTerms(x: Tensor, nu: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  const z = standardize(x, mu, sigma);
  const tail = T.mul(T.mul(T.add(nu, 1), T.log1p(T.div(T.square(z), nu))), -0.5);
  const norm = T.sub(T.sub(lgamma(T.mul(T.add(nu, 1), 0.5)), lgamma(T.mul(nu, 0.5))), T.mul(T.log(nu), 0.5));
  return T.sub(T.add(tail, norm), T.add(T.log(sigma), 0.5 * LOG_PI));
}

function studentTPointwise(x: DistArg, nu: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, nt, mt, st] = studentTArgs('studentT', x, nu, mu, sigma);
  const shape = broadcastShape('studentT', ['x', 'nu', 'mu', 'sigma'], xt, nt, mt, st);
  return finish(studentTTerms(xt, nt, mt, st), shape, { x: xt, mask: null });
}

function studentTSample(rng: Rng, nu: DistArg, mu: DistArg, sigma: DistArg, shape?: number[]): Tensor {
  const [nt, mt, st] = [arg(nu, 'studentT', 'nu'), arg(mu, 'studentT', 'mu'), arg(sigma, 'studentT', 'sigma')];
  checkConstant(nt, 'studentT', 'nu', positive, 'positive and finite');
  checkConstant(mt, 'studentT', 'mu', finite, 'finite');
  checkConstant(st, 'studentT', 'sigma', positive, 'positive and finite');
  return drawElementwise(rng, 'studentT', ['nu', 'mu', 'sigma'], [nt, mt, st], shape, (r, n, m, s) => m + s * studentTVariate(r, n));
}

/** log StudentT(x | nu, mu, sigma) (Stan's student_t; R's dt((x − mu)/sigma, nu) − log sigma). */
export const studentT = family(studentTSum, studentTPointwise, studentTSample);

function halfStudentTPointwise(x: DistArg, nu: DistArg, sigma: DistArg): Tensor {
  const [xt, nt, , st] = studentTArgs('halfStudentT', x, nu, 0, sigma);
  const shape = broadcastShape('halfStudentT', ['x', 'nu', 'sigma'], xt, nt, st);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null) return finish(xt, shape, null);
  return finish(T.add(studentTTerms(s.x, nt, arg(0, 'halfStudentT', 'mu'), st), Math.LN2), shape, s);
}

function halfStudentTSample(rng: Rng, nu: DistArg, sigma: DistArg, shape?: number[]): Tensor {
  const [nt, st] = [arg(nu, 'halfStudentT', 'nu'), arg(sigma, 'halfStudentT', 'sigma')];
  checkConstant(nt, 'halfStudentT', 'nu', positive, 'positive and finite');
  checkConstant(st, 'halfStudentT', 'sigma', positive, 'positive and finite');
  return drawElementwise(rng, 'halfStudentT', ['nu', 'sigma'], [nt, st], shape, (r, n, s) => s * Math.abs(studentTVariate(r, n)));
}

/** log HalfStudentT(x | nu, sigma) = log 2 + log StudentT(x | nu, 0, sigma) on x ≥ 0. */
export const halfStudentT = family((x: DistArg, nu: DistArg, sigma: DistArg) => T.sum(halfStudentTPointwise(x, nu, sigma)), halfStudentTPointwise, halfStudentTSample);

function cauchyArgs(x: DistArg, location: DistArg, scale: DistArg): Tensor[] {
  const ts = [arg(x, 'cauchy', 'x'), arg(location, 'cauchy', 'location'), arg(scale, 'cauchy', 'scale')];
  checkConstant(ts[2], 'cauchy', 'scale', positive, 'positive and finite');
  return ts;
}

function cauchyPointwise(x: DistArg, location: DistArg, scale: DistArg): Tensor {
  const [xt, lt, st] = cauchyArgs(x, location, scale);
  const shape = broadcastShape('cauchy', ['x', 'location', 'scale'], xt, lt, st);
  const z = standardize(xt, lt, st);
  return finish(T.neg(T.add(T.log1p(T.square(z)), T.add(T.log(st), LOG_PI))), shape, { x: xt, mask: null });
}

function cauchySample(rng: Rng, location: DistArg, scale: DistArg, shape?: number[]): Tensor {
  const [lt, st] = [arg(location, 'cauchy', 'location'), arg(scale, 'cauchy', 'scale')];
  checkConstant(lt, 'cauchy', 'location', finite, 'finite');
  checkConstant(st, 'cauchy', 'scale', positive, 'positive and finite');
  return drawElementwise(rng, 'cauchy', ['location', 'scale'], [lt, st], shape, (r, l, s) => l + s * cauchyVariate(r));
}

/** log Cauchy(x | location, scale) = −log π − log scale − log(1 + z²). */
export const cauchy = family((x: DistArg, location: DistArg, scale: DistArg) => T.sum(cauchyPointwise(x, location, scale)), cauchyPointwise, cauchySample);

function halfCauchyArgs(x: DistArg, scale: DistArg): [Tensor, Tensor] {
  const [xt, st] = [arg(x, 'halfCauchy', 'x'), arg(scale, 'halfCauchy', 'scale')];
  checkConstant(st, 'halfCauchy', 'scale', positive, 'positive and finite');
  return [xt, st];
}

/** Σ log HalfCauchy(x | scale): density 2 / (π·scale·(1 + (x/scale)²)) on x ≥ 0. */
function halfCauchySum(x: DistArg, scale: DistArg): Tensor {
  const [xt, st] = halfCauchyArgs(x, scale);
  const n = broadcastSize('halfCauchy', ['x', 'scale'], xt, st);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null || s.mask !== null) return minusInfinity();
  const z = T.div(xt, st);
  const tail = T.mul(T.sum(T.log1p(T.square(z))), -(n / z.size));
  return total(tail, negate(broadcastSum(st, n, T.log, libm.log)), n * (Math.LN2 - LOG_PI));
}

function halfCauchyPointwise(x: DistArg, scale: DistArg): Tensor {
  const [xt, st] = halfCauchyArgs(x, scale);
  const shape = broadcastShape('halfCauchy', ['x', 'scale'], xt, st);
  const s = support(xt, anyNegative, nonNegative, 0);
  if (s === null) return finish(xt, shape, null);
  const z = T.div(s.x, st);
  return finish(T.neg(T.add(T.log1p(T.square(z)), T.add(T.log(st), LOG_PI - Math.LN2))), shape, s);
}

function halfCauchySample(rng: Rng, scale: DistArg, shape?: number[]): Tensor {
  const st = arg(scale, 'halfCauchy', 'scale');
  checkConstant(st, 'halfCauchy', 'scale', positive, 'positive and finite');
  return drawElementwise(rng, 'halfCauchy', ['scale'], [st], shape, (r, s) => s * Math.abs(cauchyVariate(r)));
}

/** log HalfCauchy(x | scale) on x ≥ 0 (−∞ below 0). */
export const halfCauchy = family(halfCauchySum, halfCauchyPointwise, halfCauchySample);
