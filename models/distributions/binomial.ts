/**
 * Counts out of n trials: binomial(y, n, p) and binomialLogit(y, n, logits); y and n are constant
 * non-negative integers with y ≤ n, so log(n choose y) is a constant computed once per call.
 */
import type { Rng } from '../../core/rng.js';
import { binomialVariate } from '../../core/random/discrete.js';
import { sigmoidScalar } from '../../core/logistic.js';
import { lchoose } from '../../core/special.js';
import { broadcastIndexMap } from '../../core/shape.js';
import * as T from '../../autodiff/ops/index.js';
import { tracks } from '../../autodiff/tape.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { arg, broadcastShape, checkConstant, checkData, count, drawElementwise, elementwiseConstant, expandTo, family, probability, xlogy, type DistArg } from './common.js';

/** y and n, checked as counts with y ≤ n, and log(n choose y) in their broadcast shape. */
function countArgs(dist: string, y: DistArg, n: DistArg): { yt: Tensor; nt: Tensor; choose: Tensor } {
  const [yt, nt] = [arg(y, dist, 'y'), arg(n, dist, 'n')];
  checkData(yt, dist, 'y', count, 'a non-negative integer');
  checkData(nt, dist, 'n', count, 'a non-negative integer');
  const shape = broadcastShape(dist, ['y', 'n'], yt, nt);
  const my = broadcastIndexMap(yt.shape, shape), mn = broadcastIndexMap(nt.shape, shape);
  for (let j = 0; j < my.length; j++) {
    const yv = yt.buffer[my[j]], nv = nt.buffer[mn[j]];
    if (yv > nv) throw new Error(`dist.${dist}: y must be at most n, got y = ${yv} and n = ${nv}${my.length === 1 ? '' : ` at flat index ${j}`}`);
  }
  return { yt, nt, choose: elementwiseConstant(shape, [yt, nt], (yv, nv) => lchoose(nv, yv)) };
}

function binomialPointwise(y: DistArg, n: DistArg, p: DistArg): Tensor {
  const { yt, nt, choose } = countArgs('binomial', y, n);
  const pt = arg(p, 'binomial', 'p');
  checkConstant(pt, 'binomial', 'p', probability, 'a probability in [0, 1]');
  const shape = broadcastShape('binomial', ['y', 'n', 'p'], yt, nt, pt);
  if (!tracks(pt)) return elementwiseConstant(shape, [yt, nt, pt, choose], (yv, nv, pv, c) => c + xlogy(yv, pv) + (nv - yv === 0 ? 0 : (nv - yv) * libm.log1p(-pv)));
  const lp = T.add(T.add(T.mul(yt, T.log(pt)), T.mul(T.sub(nt, yt), T.log1p(T.neg(pt)))), choose);
  return expandTo(lp, shape);
}

function binomialSample(rng: Rng, n: DistArg, p: DistArg, shape?: number[]): Tensor {
  const [nt, pt] = [arg(n, 'binomial', 'n'), arg(p, 'binomial', 'p')];
  checkConstant(nt, 'binomial', 'n', count, 'a non-negative integer');
  checkConstant(pt, 'binomial', 'p', probability, 'a probability in [0, 1]');
  return drawElementwise(rng, 'binomial', ['n', 'p'], [nt, pt], shape, (r, nv, pv) => binomialVariate(r, nv, pv));
}

/** log Binomial(y | n, p) = log(n choose y) + y·log p + (n − y)·log(1 − p) (R's dbinom(y, n, p)). */
export const binomial = family((y: DistArg, n: DistArg, p: DistArg) => T.sum(binomialPointwise(y, n, p)), binomialPointwise, binomialSample);

function binomialLogitPointwise(y: DistArg, n: DistArg, logits: DistArg): Tensor {
  const { yt, nt, choose } = countArgs('binomialLogit', y, n);
  const lt = arg(logits, 'binomialLogit', 'logits');
  const shape = broadcastShape('binomialLogit', ['y', 'n', 'logits'], yt, nt, lt);
  // y·log σ(l) + (n − y)·log(1 − σ(l)) = y·l − n·log(1 + e^l)
  return expandTo(T.add(T.sub(T.mul(yt, lt), T.mul(nt, T.softplus(lt))), choose), shape);
}

function binomialLogitSample(rng: Rng, n: DistArg, logits: DistArg, shape?: number[]): Tensor {
  const [nt, lt] = [arg(n, 'binomialLogit', 'n'), arg(logits, 'binomialLogit', 'logits')];
  checkConstant(nt, 'binomialLogit', 'n', count, 'a non-negative integer');
  checkConstant(lt, 'binomialLogit', 'logits', (v) => !Number.isNaN(v), 'a number');
  return drawElementwise(rng, 'binomialLogit', ['n', 'logits'], [nt, lt], shape, (r, nv, l) => binomialVariate(r, nv, sigmoidScalar(l)));
}

/** log Binomial(y | n, sigmoid(logits)), stable for large |logits| (Stan's binomial_logit). */
export const binomialLogit = family((y: DistArg, n: DistArg, logits: DistArg) => T.sum(binomialLogitPointwise(y, n, logits)), binomialLogitPointwise, binomialLogitSample);
