/**
 * The op table: one gradient-check row per exported op (random inputs inside the op's domain,
 * plus broadcasting cases), shared by the gradient check and the compiled-vs-eager check.
 */
import type { Rng } from '../../core/rng.js';
import { T, Tensor, tensor } from '../../autodiff/index.js';

export interface Row {
  op: keyof typeof T;
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
}

/** The rows, drawing their random inputs from `rng` when each row's `inputs()` runs. */
export function opRows(rng: Rng): Row[] {
  /** Random tensor with values in [lo, hi). */
  function rand(shape: number[], lo = -2, hi = 2): Tensor {
    const n = shape.reduce((p, d) => p * d, 1);
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = rng.uniformRange(lo, hi);
    return tensor(d, shape);
  }
  const pos = (shape: number[]) => rand(shape, 0.3, 3);

  /** A well-conditioned lower-triangular matrix: positive diagonal, small off-diagonal entries. */
  function lowerFactor(n: number): Tensor {
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) d[i * n + j] = i === j ? rng.uniformRange(0.8, 2) : rng.uniformRange(-0.5, 0.5);
    return tensor(d, [n, n]);
  }

  /** A symmetric positive-definite matrix B·Bᵀ + n·I (full, both triangles). */
  function spd(n: number): Tensor {
    const b = rand([n, n]).data;
    const d = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = i === j ? n : 0;
        for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
        d[i * n + j] = s;
      }
    return tensor(d, [n, n]);
  }

  /** Weighted sum so every output element gets a distinct gradient. */
  function reduceWeighted(y: Tensor): Tensor {
    const w = tensor(Float64Array.from({ length: y.size }, (_, i) => 0.5 + ((i * 7) % 11) / 10), [...y.shape]);
    return T.sum(T.mul(y, w));
  }

  const rows: Row[] = [
    { op: 'add', name: 'same shape', f: (a, b) => reduceWeighted(T.add(a, b)), inputs: () => [rand([3, 4]), rand([3, 4])] },
    { op: 'add', name: 'broadcast [3,1]+[4]', f: (a, b) => reduceWeighted(T.add(a, b)), inputs: () => [rand([3, 1]), rand([4])] },
    { op: 'sub', name: 'broadcast [2,3,4]-[3,1]', f: (a, b) => reduceWeighted(T.sub(a, b)), inputs: () => [rand([2, 3, 4]), rand([3, 1])] },
    { op: 'mul', name: 'broadcast scalar', f: (a, b) => reduceWeighted(T.mul(a, b)), inputs: () => [rand([3, 4]), rand([])] },
    { op: 'mul', name: 'same shape', f: (a, b) => reduceWeighted(T.mul(a, b)), inputs: () => [rand([5]), rand([5])] },
    { op: 'div', name: 'broadcast [4,1]/[1,3]', f: (a, b) => reduceWeighted(T.div(a, b)), inputs: () => [rand([4, 1]), pos([1, 3])] },
    { op: 'pow', name: 'positive base', f: (a, b) => reduceWeighted(T.pow(a, b)), inputs: () => [pos([3, 2]), rand([2], -1.5, 1.5)] },
    { op: 'neg', name: '', f: (a) => reduceWeighted(T.neg(a)), inputs: () => [rand([4])] },
    { op: 'exp', name: '', f: (a) => reduceWeighted(T.exp(a)), inputs: () => [rand([2, 3])] },
    { op: 'log', name: 'x > 0', f: (a) => reduceWeighted(T.log(a)), inputs: () => [pos([2, 3])] },
    { op: 'log1p', name: 'x > -1', f: (a) => reduceWeighted(T.log1p(a)), inputs: () => [rand([5], -0.7, 3)] },
    { op: 'expm1', name: '', f: (a) => reduceWeighted(T.expm1(a)), inputs: () => [rand([5])] },
    { op: 'tanh', name: '', f: (a) => reduceWeighted(T.tanh(a)), inputs: () => [rand([5])] },
    { op: 'sigmoid', name: '', f: (a) => reduceWeighted(T.sigmoid(a)), inputs: () => [rand([5], -6, 6)] },
    { op: 'softplus', name: '', f: (a) => reduceWeighted(T.softplus(a)), inputs: () => [rand([5], -6, 6)] },
    { op: 'logSigmoid', name: '', f: (a) => reduceWeighted(T.logSigmoid(a)), inputs: () => [rand([5], -6, 6)] },
    { op: 'square', name: '', f: (a) => reduceWeighted(T.square(a)), inputs: () => [rand([5])] },
    { op: 'sqrt', name: 'x > 0', f: (a) => reduceWeighted(T.sqrt(a)), inputs: () => [pos([5])] },
    { op: 'abs', name: 'x away from 0', f: (a) => reduceWeighted(T.abs(a)), inputs: () => [tensor([-1.3, 0.7, 2.1, -0.4])] },
    { op: 'sum', name: 'all', f: (a) => T.sum(T.square(a)), inputs: () => [rand([2, 3])] },
    { op: 'sum', name: 'axis 1', f: (a) => reduceWeighted(T.sum(a, 1)), inputs: () => [rand([2, 3, 4])] },
    { op: 'sum', name: 'axis -1 keepDims', f: (a) => reduceWeighted(T.sum(a, -1, true)), inputs: () => [rand([3, 4])] },
    { op: 'mean', name: 'axis 0', f: (a) => reduceWeighted(T.mean(a, 0)), inputs: () => [rand([3, 4])] },
    { op: 'mean', name: 'all', f: (a) => T.mean(T.square(a)), inputs: () => [rand([3, 4])] },
    { op: 'logSumExp', name: 'all', f: (a) => T.logSumExp(a), inputs: () => [rand([6])] },
    { op: 'logSumExp', name: 'axis 1', f: (a) => reduceWeighted(T.logSumExp(a, 1)), inputs: () => [rand([3, 4, 2])] },
    { op: 'matmul', name: '[3,4]·[4,2]', f: (a, b) => reduceWeighted(T.matmul(a, b)), inputs: () => [rand([3, 4]), rand([4, 2])] },
    { op: 'matmul', name: '[3,4]·[4]', f: (a, b) => reduceWeighted(T.matmul(a, b)), inputs: () => [rand([3, 4]), rand([4])] },
    { op: 'matmul', name: '[4]·[4,2]', f: (a, b) => reduceWeighted(T.matmul(a, b)), inputs: () => [rand([4]), rand([4, 2])] },
    { op: 'matmul', name: '[4]·[4]', f: (a, b) => T.matmul(a, b), inputs: () => [rand([4]), rand([4])] },
    { op: 'batchedMatmul', name: '[3,2,4]×[3,4,5]', f: (a, b) => reduceWeighted(T.batchedMatmul(a, b)), inputs: () => [rand([3, 2, 4]), rand([3, 4, 5])] },
    { op: 'batchedMatmul', name: 'broadcast A [2,4]×[3,4,5]', f: (a, b) => reduceWeighted(T.batchedMatmul(a, b)), inputs: () => [rand([2, 4]), rand([3, 4, 5])] },
    { op: 'batchedMatmul', name: 'broadcast B [3,2,4]×[4,5]', f: (a, b) => reduceWeighted(T.batchedMatmul(a, b)), inputs: () => [rand([3, 2, 4]), rand([4, 5])] },
    { op: 'reshape', name: '[2,3]→[3,-1]', f: (a) => reduceWeighted(T.reshape(a, [3, -1])), inputs: () => [rand([2, 3])] },
    { op: 'transpose', name: 'matrix', f: (a) => reduceWeighted(T.transpose(a)), inputs: () => [rand([2, 3])] },
    { op: 'transpose', name: 'perm [1,2,0]', f: (a) => reduceWeighted(T.transpose(a, [1, 2, 0])), inputs: () => [rand([2, 3, 4])] },
    { op: 'slice', name: 'block', f: (a) => reduceWeighted(T.slice(a, [1, 0, 2], [1, 2, -1])), inputs: () => [rand([2, 3, 4])] },
    { op: 'index', name: 'axis 1', f: (a) => reduceWeighted(T.index(a, 2, 1)), inputs: () => [rand([2, 3, 4])] },
    { op: 'index', name: 'negative index', f: (a) => reduceWeighted(T.index(a, -1)), inputs: () => [rand([3, 2])] },
    { op: 'concat', name: 'axis 1', f: (a, b) => reduceWeighted(T.concat([a, b, a], 1)), inputs: () => [rand([2, 3]), rand([2, 1])] },
    { op: 'stack', name: 'axis 1', f: (a, b) => reduceWeighted(T.stack([a, b], 1)), inputs: () => [rand([2, 3]), rand([2, 3])] },
    { op: 'lgamma', name: 'x > 0', f: (a) => reduceWeighted(T.lgamma(a)), inputs: () => [pos([4])] },
    { op: 'solveLowerTriangular', name: 'L [3,3], b [3]', f: (l, b) => reduceWeighted(T.solveLowerTriangular(l, b)), inputs: () => [lowerFactor(3), rand([3])] },
    { op: 'solveLowerTriangular', name: 'L [3,3], B [3,2]', f: (l, b) => reduceWeighted(T.solveLowerTriangular(l, b)), inputs: () => [lowerFactor(3), rand([3, 2])] },
    { op: 'logDetTriangular', name: 'L [4,4]', f: (l) => T.logDetTriangular(l), inputs: () => [lowerFactor(4)] },
    { op: 'bernoulliLogitSum', name: 'logits', f: (l) => T.bernoulliLogitSum(tensor([0, 1, 1, 0, 1]), l), inputs: () => [rand([5], -5, 5)] },
    { op: 'digamma', name: 'x > 0', f: (a) => reduceWeighted(T.digamma(a)), inputs: () => [pos([4])] },
    { op: 'digamma', name: 'x < 0 off the poles', f: (a) => reduceWeighted(T.digamma(a)), inputs: () => [tensor([-0.4, -1.7, -2.3])] },
    { op: 'lbeta', name: 'same shape', f: (a, b) => reduceWeighted(T.lbeta(a, b)), inputs: () => [pos([4]), pos([4])] },
    { op: 'lbeta', name: 'broadcast [3,1] with [2]', f: (a, b) => reduceWeighted(T.lbeta(a, b)), inputs: () => [pos([3, 1]), pos([2])] },
    { op: 'cholesky', name: 'A [4,4]', f: (a) => reduceWeighted(T.cholesky(a)), inputs: () => [spd(4)] },
    { op: 'cholesky', name: 'A [7,7]', f: (a) => reduceWeighted(T.cholesky(a)), inputs: () => [spd(7)] },
    { op: 'cholesky', name: 'A [1,1]', f: (a) => reduceWeighted(T.cholesky(a)), inputs: () => [spd(1)] },
    { op: 'cholesky', name: 'symmetrised (A+Aᵀ)/2, log det', f: (a) => T.logDetTriangular(T.cholesky(T.mul(T.add(a, T.transpose(a)), 0.5))), inputs: () => [spd(3)] },
    { op: 'gather', name: 'axis 0, repeats', f: (a) => reduceWeighted(T.gather(a, [2, 0, 2, 1, 2])), inputs: () => [rand([3])] },
    { op: 'gather', name: 'axis 1 of [2,3,4], Int32Array', f: (a) => reduceWeighted(T.gather(a, Int32Array.from([1, 1, 0]), 1)), inputs: () => [rand([2, 3, 4])] },
    { op: 'gather', name: 'axis -1', f: (a) => reduceWeighted(T.gather(a, [3, 0], -1)), inputs: () => [rand([2, 4])] },
    { op: 'logAddExp', name: 'same shape', f: (a, b) => reduceWeighted(T.logAddExp(a, b)), inputs: () => [rand([3, 2], -4, 4), rand([3, 2], -4, 4)] },
    { op: 'logAddExp', name: 'broadcast [3,1] with [4]', f: (a, b) => reduceWeighted(T.logAddExp(a, b)), inputs: () => [rand([3, 1], -4, 4), rand([4], -4, 4)] },
    { op: 'logAddExp', name: 'broadcast scalar', f: (a, b) => reduceWeighted(T.logAddExp(a, b)), inputs: () => [rand([]), rand([5], -4, 4)] },
    { op: 'logSoftmax', name: 'last axis', f: (a) => reduceWeighted(T.logSoftmax(a)), inputs: () => [rand([3, 4])] },
    { op: 'logSoftmax', name: 'axis 1 of [2,3,2]', f: (a) => reduceWeighted(T.logSoftmax(a, 1)), inputs: () => [rand([2, 3, 2])] },
    { op: 'softmax', name: 'last axis', f: (a) => reduceWeighted(T.softmax(a)), inputs: () => [rand([2, 4])] },
    { op: 'softmax', name: 'axis 0', f: (a) => reduceWeighted(T.softmax(a, 0)), inputs: () => [rand([3, 2])] },
    { op: 'cumsum', name: 'last axis', f: (a) => reduceWeighted(T.cumsum(a)), inputs: () => [rand([2, 5])] },
    { op: 'cumsum', name: 'axis 1 of [2,3,2]', f: (a) => reduceWeighted(T.cumsum(a, 1)), inputs: () => [rand([2, 3, 2])] },
    { op: 'dot', name: '[5]·[5]', f: (a, b) => T.dot(a, b), inputs: () => [rand([5]), rand([5])] },
    { op: 'dot', name: 'x·x', f: (a) => T.dot(a, a), inputs: () => [rand([4])] },
    { op: 'max', name: 'all', f: (a) => T.max(T.mul(a, 2)), inputs: () => [rand([3, 4])] },
    { op: 'max', name: 'axis 1 keepDims', f: (a) => reduceWeighted(T.max(a, 1, true)), inputs: () => [rand([3, 4])] },
    { op: 'min', name: 'axis 0', f: (a) => reduceWeighted(T.min(a, 0)), inputs: () => [rand([3, 4])] },
    { op: 'min', name: 'axis -1 of [2,3,2]', f: (a) => reduceWeighted(T.min(a, -1)), inputs: () => [rand([2, 3, 2])] },
  ];
  return rows;
}
