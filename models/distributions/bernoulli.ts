/**
 * Binary outcomes: bernoulli(y, p) and bernoulliLogit(y, logits), y holding 0/1 labels (constant
 * data). A constant p is evaluated with 0·log 0 = 0, so p = 0 or 1 gives 0 or −∞ exactly.
 */
import type { Rng } from '../../core/rng.js';
import { sigmoidScalar } from '../../core/logistic.js';
import * as T from '../../autodiff/ops/index.js';
import { tracks } from '../../autodiff/tape.js';
import type { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { arg, broadcastShape, broadcastSize, checkConstant, checkData, drawElementwise, elementwiseConstant, expandTo, family, probability, type DistArg } from './common.js';

const binary = (v: number) => v === 0 || v === 1;

function bernoulliPointwise(y: DistArg, p: DistArg): Tensor {
  const [yt, pt] = [arg(y, 'bernoulli', 'y'), arg(p, 'bernoulli', 'p')];
  checkData(yt, 'bernoulli', 'y', binary, '0 or 1');
  checkConstant(pt, 'bernoulli', 'p', probability, 'a probability in [0, 1]');
  const shape = broadcastShape('bernoulli', ['y', 'p'], yt, pt);
  if (!tracks(pt)) return elementwiseConstant(shape, [yt, pt], (yv, pv) => (yv === 1 ? libm.log(pv) : libm.log1p(-pv)));
  return expandTo(T.add(T.mul(yt, T.log(pt)), T.mul(T.sub(1, yt), T.log1p(T.neg(pt)))), shape);
}

function bernoulliSample(rng: Rng, p: DistArg, shape?: number[]): Tensor {
  const pt = arg(p, 'bernoulli', 'p');
  checkConstant(pt, 'bernoulli', 'p', probability, 'a probability in [0, 1]');
  return drawElementwise(rng, 'bernoulli', ['p'], [pt], shape, (r, pv) => (r.uniform() < pv ? 1 : 0));
}

/** log Bernoulli(y | p) = y·log p + (1 − y)·log(1 − p). */
export const bernoulli = family((y: DistArg, p: DistArg) => T.sum(bernoulliPointwise(y, p)), bernoulliPointwise, bernoulliSample);

function logitArgs(y: DistArg, logits: DistArg): [Tensor, Tensor] {
  const [yt, lt] = [arg(y, 'bernoulliLogit', 'y'), arg(logits, 'bernoulliLogit', 'logits')];
  checkData(yt, 'bernoulliLogit', 'y', binary, '0 or 1');
  return [yt, lt];
}

/** Σ log Bernoulli(y | sigmoid(logits)), stable for large |logits|. */
function bernoulliLogitSum(y: DistArg, logits: DistArg): Tensor {
  const [yt, lt] = logitArgs(y, logits);
  const n = broadcastSize('bernoulliLogit', ['y', 'logits'], yt, lt);
  // Equal sizes that broadcast to n (e.g. [n] and [1, n]) pair element by element: one fused pass.
  if (yt.size === n && lt.size === n) return T.bernoulliLogitSum(T.reshape(yt, [...lt.shape]), lt);
  // Broadcast case: Σ y·l − Σ softplus(l) over the broadcast shape.
  const softplusSum = T.mul(T.sum(T.softplus(lt)), n / lt.size);
  return T.sub(T.sum(T.mul(yt, lt)), softplusSum);
}

function bernoulliLogitPointwise(y: DistArg, logits: DistArg): Tensor {
  const [yt, lt] = logitArgs(y, logits);
  const shape = broadcastShape('bernoulliLogit', ['y', 'logits'], yt, lt);
  return expandTo(T.sub(T.mul(yt, lt), T.softplus(lt)), shape);
}

function bernoulliLogitSample(rng: Rng, logits: DistArg, shape?: number[]): Tensor {
  const lt = arg(logits, 'bernoulliLogit', 'logits');
  checkConstant(lt, 'bernoulliLogit', 'logits', (v) => !Number.isNaN(v), 'a number');
  return drawElementwise(rng, 'bernoulliLogit', ['logits'], [lt], shape, (r, l) => (r.uniform() < sigmoidScalar(l) ? 1 : 0));
}

/** log Bernoulli(y | sigmoid(logits)) = y·l − log(1 + e^l). */
export const bernoulliLogit = family(bernoulliLogitSum, bernoulliLogitPointwise, bernoulliLogitSample);
