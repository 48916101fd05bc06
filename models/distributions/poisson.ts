/**
 * Unbounded counts: poisson(y, rate), poissonLog(y, logRate) and negativeBinomial(y, mu, phi)
 * (mean mu, variance mu + mu²/phi: Stan's neg_binomial_2). y holds constant non-negative integers.
 */
import type { Rng } from '../../core/rng.js';
import { negativeBinomialVariate, poissonVariate } from '../../core/random/discrete.js';
import { lgamma as lgammaScalar } from '../../core/special.js';
import * as T from '../../autodiff/ops/index.js';
import { lgamma } from '../../autodiff/ops/special.js';
import { tracks } from '../../autodiff/tape.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import {
  arg, broadcastShape, broadcastSize, checkConstant, checkData, count, drawElementwise, elementwiseConstant, expandTo, family, positive, total, xlogy,
  type DistArg,
} from './common.js';

const nonNegativeFinite = (v: number) => v >= 0 && Number.isFinite(v);

function countsOf(dist: string, y: DistArg): Tensor {
  const yt = arg(y, dist, 'y');
  checkData(yt, dist, 'y', count, 'a non-negative integer');
  return yt;
}

/** −log y! per element of y, a constant. */
function minusLogFactorial(yt: Tensor): Tensor {
  return elementwiseConstant(yt.shape, [yt], (v) => -lgammaScalar(v + 1));
}

function poissonPointwise(y: DistArg, rate: DistArg): Tensor {
  const yt = countsOf('poisson', y);
  const rt = arg(rate, 'poisson', 'rate');
  checkConstant(rt, 'poisson', 'rate', nonNegativeFinite, 'non-negative and finite');
  const shape = broadcastShape('poisson', ['y', 'rate'], yt, rt);
  if (!tracks(rt)) return elementwiseConstant(shape, [yt, rt], (yv, r) => xlogy(yv, r) - r - lgammaScalar(yv + 1));
  return expandTo(T.add(T.sub(T.mul(yt, T.log(rt)), rt), minusLogFactorial(yt)), shape);
}

function poissonSample(rng: Rng, rate: DistArg, shape?: number[]): Tensor {
  const rt = arg(rate, 'poisson', 'rate');
  checkConstant(rt, 'poisson', 'rate', nonNegativeFinite, 'non-negative and finite');
  return drawElementwise(rng, 'poisson', ['rate'], [rt], shape, (r, l) => poissonVariate(r, l));
}

/** log Poisson(y | rate) = y·log rate − rate − log y! (R's dpois). */
export const poisson = family((y: DistArg, rate: DistArg) => T.sum(poissonPointwise(y, rate)), poissonPointwise, poissonSample);

/** Σ log Poisson(y | exp(logRate)) = Σ y·η − e^η − log y!. */
function poissonLogSum(y: DistArg, logRate: DistArg): Tensor {
  const yt = countsOf('poissonLog', y);
  const lt = arg(logRate, 'poissonLog', 'logRate');
  const n = broadcastSize('poissonLog', ['y', 'logRate'], yt, lt);
  const rate = T.mul(T.sum(T.exp(lt)), -(n / lt.size));
  // y is constant data (checked above), so Σ log y! is a number, repeated n / y.size times.
  let logFactorial = 0;
  for (let i = 0; i < yt.buffer.length; i++) logFactorial += lgammaScalar(yt.buffer[i] + 1);
  return total(T.sum(T.mul(yt, lt)), rate, -logFactorial * (n / yt.size));
}

function poissonLogPointwise(y: DistArg, logRate: DistArg): Tensor {
  const yt = countsOf('poissonLog', y);
  const lt = arg(logRate, 'poissonLog', 'logRate');
  const shape = broadcastShape('poissonLog', ['y', 'logRate'], yt, lt);
  return expandTo(T.add(T.sub(T.mul(yt, lt), T.exp(lt)), minusLogFactorial(yt)), shape);
}

function poissonLogSample(rng: Rng, logRate: DistArg, shape?: number[]): Tensor {
  const lt = arg(logRate, 'poissonLog', 'logRate');
  checkConstant(lt, 'poissonLog', 'logRate', (v) => v < 700, 'below 700 (a finite rate)');
  return drawElementwise(rng, 'poissonLog', ['logRate'], [lt], shape, (r, l) => poissonVariate(r, libm.exp(l)));
}

/** log Poisson(y | exp(logRate)), for a linear predictor on the log scale (Stan's poisson_log). */
export const poissonLog = family(poissonLogSum, poissonLogPointwise, poissonLogSample);

function negativeBinomialPointwise(y: DistArg, mu: DistArg, phi: DistArg): Tensor {
  const yt = countsOf('negativeBinomial', y);
  const [mt, pt] = [arg(mu, 'negativeBinomial', 'mu'), arg(phi, 'negativeBinomial', 'phi')];
  checkConstant(mt, 'negativeBinomial', 'mu', positive, 'positive and finite');
  checkConstant(pt, 'negativeBinomial', 'phi', positive, 'positive and finite');
  const shape = broadcastShape('negativeBinomial', ['y', 'mu', 'phi'], yt, mt, pt);
  // log Γ(y + φ) − log Γ(φ) − log y! + y·(log μ − log(μ + φ)) − φ·log(1 + μ/φ)
  const gammas = T.add(T.sub(lgamma(T.add(yt, pt)), lgamma(pt)), minusLogFactorial(yt));
  const lp = T.sub(T.add(gammas, T.mul(yt, T.sub(T.log(mt), T.log(T.add(mt, pt))))), T.mul(pt, T.log1p(T.div(mt, pt))));
  return expandTo(lp, shape);
}

function negativeBinomialSample(rng: Rng, mu: DistArg, phi: DistArg, shape?: number[]): Tensor {
  const [mt, pt] = [arg(mu, 'negativeBinomial', 'mu'), arg(phi, 'negativeBinomial', 'phi')];
  checkConstant(mt, 'negativeBinomial', 'mu', positive, 'positive and finite');
  checkConstant(pt, 'negativeBinomial', 'phi', positive, 'positive and finite');
  return drawElementwise(rng, 'negativeBinomial', ['mu', 'phi'], [mt, pt], shape, (r, m, p) => negativeBinomialVariate(r, m, p));
}

/** log NegBinomial(y | mean mu, dispersion phi) (Stan's neg_binomial_2; R's dnbinom(y, size = phi, mu = mu)). */
export const negativeBinomial = family((y: DistArg, mu: DistArg, phi: DistArg) => T.sum(negativeBinomialPointwise(y, mu, phi)), negativeBinomialPointwise, negativeBinomialSample);
