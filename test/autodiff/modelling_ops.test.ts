/**
 * Edge cases and errors of the modelling ops (cholesky, gather, logAddExp, logSoftmax, softmax,
 * cumsum, dot, max, min); their gradients are checked in the op table (op_rows.ts).
 */
import test from 'tape';
import { cholesky as choleskyCore } from '../../core/linalg.js';
import { T, gradcheck, tensor, valueAndGrad } from '../../autodiff/index.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

test('cholesky: the factor of core/linalg bit for bit, L·Lᵀ = A, and only the lower triangle read', (t) => {
  const a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
  const l = T.cholesky(tensor(a, [3, 3]));
  t.deepEqual(Array.from(l.data), Array.from(choleskyCore(Float64Array.from(a), 3)), 'same values as core/linalg');
  const llt = T.matmul(l, T.transpose(l));
  t.ok(close(llt.data, a, 1e-14), 'L·Lᵀ = A');
  const upperJunk = [4, 99, -7, 2, 5, 42, 0.4, 1, 3];
  t.deepEqual(Array.from(T.cholesky(tensor(upperJunk, [3, 3])).data), Array.from(l.data), 'strict upper triangle ignored');
  const { grads } = valueAndGrad((x) => T.sum(T.cholesky(x)))(tensor(a, [3, 3]));
  t.deepEqual([grads[0][1], grads[0][2], grads[0][5]], [0, 0, 0], 'gradient lower-triangular');
  t.end();
});

test('cholesky: errors name the pivot and its value, and the shape', (t) => {
  t.equal(errorOf(() => T.cholesky(tensor([1, 2, 2, 1], [2, 2]))), 'cholesky: the 2×2 matrix is not positive definite (pivot 1 is -3)');
  t.equal(errorOf(() => T.cholesky(tensor([1, 0, 0, NaN], [2, 2]))), 'cholesky: the 2×2 matrix is not positive definite (pivot 1 is NaN)');
  t.equal(errorOf(() => T.cholesky(tensor([1, 2, 3]))), 'cholesky: A must be a non-empty square matrix [n,n], got shape [3]');
  t.equal(errorOf(() => T.cholesky(tensor([1, 2, 3, 4, 5, 6], [2, 3]))), 'cholesky: A must be a non-empty square matrix [n,n], got shape [2,3]');
  t.end();
});

test('gather: values along an axis, repeats scatter-added, errors naming the index and its position', (t) => {
  const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  t.deepEqual(T.gather(x, [2, 0], 1).toArray(), [[3, 1], [6, 4]], 'axis 1');
  t.deepEqual(T.gather(x, [1, 1, 0]).toArray(), [[4, 5, 6], [4, 5, 6], [1, 2, 3]], 'axis 0 with a repeat');
  t.deepEqual(T.gather(x, []).shape, [0, 3], 'no indices: an empty axis');
  const { grads } = valueAndGrad((v) => T.sum(T.gather(v, [0, 2, 2, 2])))(tensor([1, 2, 3]));
  t.deepEqual(Array.from(grads[0]), [1, 0, 3], 'gradient counts each pick');
  t.equal(errorOf(() => T.gather(x, [0, 3], 1)), 'gather: index 3 at position 1 is out of range [0, 3) for axis 1 of shape [2,3]');
  t.equal(errorOf(() => T.gather(x, [-1])), 'gather: index -1 at position 0 is out of range [0, 2) for axis 0 of shape [2,3]');
  t.equal(errorOf(() => T.gather(x, [0, 1.5])), 'gather: index 1.5 at position 1 is out of range [0, 2) for axis 0 of shape [2,3]');
  t.equal(errorOf(() => T.gather(x, tensor([0]) as never)), 'gather: indices must be an Int32Array or an array of integers, got a Tensor');
  t.equal(errorOf(() => T.gather(x, [0], 2)), 'gather: axis 2 is out of range for rank 2');
  t.equal(errorOf(() => T.gather(tensor(3), [0])), 'gather: x must have at least one axis, got a scalar');
  t.end();
});

test('logAddExp: stable at ±1000 and −∞, broadcasting, shape errors', (t) => {
  const r = gradcheck((a, b) => T.sum(T.logAddExp(a, b)), [tensor([1000, -1000, 0.5, -40]), tensor([999, -1000, -3, 2])]);
  t.ok(r.ok, `finite gradients at ±1000 (${r.maxAbsError})`);
  const v = T.logAddExp(tensor([1000, -1000, 0.5, -Infinity, -Infinity]), tensor([999, -1000, -3, 2, -Infinity])).data;
  t.ok(Math.abs(v[0] - (1000 + Math.log1p(Math.exp(-1)))) < 1e-12 && Math.abs(v[1] - (-1000 + Math.log(2))) < 1e-12, 'large arguments');
  t.ok(Math.abs(v[2] - Math.log(Math.exp(0.5) + Math.exp(-3))) < 1e-15 && v[3] === 2 && v[4] === -Infinity, 'moderate and −∞ arguments');
  t.equal(T.logAddExp(Infinity, Infinity).item(), Infinity, '+∞ with +∞');
  const { grads } = valueAndGrad((a, b) => T.logAddExp(a, b))(tensor(-Infinity), tensor(-Infinity));
  t.deepEqual([grads[0][0], grads[1][0]], [0, 0], 'both −∞: zero gradients, not NaN');
  t.deepEqual(T.logAddExp(tensor([1, 2], [2, 1]), tensor([0, 0, 0])).shape, [2, 3], 'broadcast shape');
  t.equal(errorOf(() => T.logAddExp(tensor([1, 2]), tensor([1, 2, 3]))), 'logAddExp: shapes [2] and [3] cannot be broadcast together');
  t.end();
});

test('logSoftmax and softmax: rows sum to one, stable at ±1000, scalars refused', (t) => {
  const x = tensor([1000, 999, -1000, 0, 1, 2], [2, 3]);
  const p = T.softmax(x).data;
  t.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-15 && Math.abs(p[3] + p[4] + p[5] - 1) < 1e-15, 'rows sum to one');
  const lp = T.logSoftmax(x).data;
  t.ok(close(lp.slice(0, 3), [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1)), -2000 - Math.log1p(Math.exp(-1))], 1e-12), 'log probabilities at ±1000');
  t.ok(close(lp.map(Math.exp), p, 1e-14), 'exp(logSoftmax) = softmax');
  t.ok(close(T.logSoftmax(x, 0).data.slice(0, 1), [0], 1e-12), 'axis 0');
  const r = gradcheck((a) => T.sum(T.mul(T.logSoftmax(a), tensor([1, 2, 3, 4, 5, 6], [2, 3]))), [x]);
  t.ok(r.ok, 'finite, correct gradient at ±1000');
  t.equal(errorOf(() => T.softmax(tensor(2))), 'softmax: needs a tensor with at least one axis, got a scalar');
  t.equal(errorOf(() => T.logSoftmax(x, 2)), 'logSoftmax: axis 2 is out of range for rank 2');
  t.end();
});

test('cumsum and dot: values and shape errors', (t) => {
  t.deepEqual(T.cumsum(tensor([1, 2, 3, 4, 5, 6], [2, 3])).toArray(), [[1, 3, 6], [4, 9, 15]], 'last axis');
  t.deepEqual(T.cumsum(tensor([1, 2, 3, 4, 5, 6], [2, 3]), 0).toArray(), [[1, 2, 3], [5, 7, 9]], 'axis 0');
  t.equal(errorOf(() => T.cumsum(tensor(1))), 'cumsum: needs a tensor with at least one axis, got a scalar');
  t.equal(T.dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(), 32, 'dot');
  t.equal(errorOf(() => T.dot(tensor([1, 2, 3]), tensor([1, 2]))), 'dot: expects two vectors of one length, got shapes [3] and [2]');
  t.equal(errorOf(() => T.dot(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3, 4], [2, 2]))), 'dot: expects two vectors of one length, got shapes [2,2] and [2,2]');
  t.end();
});

test('max and min: the subgradient goes to the first extremum; NaN wins; empty refused', (t) => {
  const tie = tensor([1, 3, 3, 0, 0, 2], [2, 3]);
  const gm = valueAndGrad((a) => T.sum(T.max(a, 1)))(tie);
  t.deepEqual(Array.from(gm.grads[0]), [0, 1, 0, 0, 0, 1], 'max: first of a tie');
  const gn = valueAndGrad((a) => T.min(a))(tie);
  t.deepEqual(Array.from(gn.grads[0]), [0, 0, 0, 1, 0, 0], 'min over all: first of a tie');
  t.deepEqual(T.max(tie, 0, true).toArray(), [[1, 3, 3]], 'keepDims');
  t.ok(Number.isNaN(T.max(tensor([1, NaN, 5])).item()) && Number.isNaN(T.min(tensor([1, NaN, -5])).item()), 'NaN propagates');
  t.equal(T.max(tensor([-Infinity, -Infinity])).item(), -Infinity, 'all −∞');
  t.equal(errorOf(() => T.max(tensor([]))), 'max: the tensor of shape [0] is empty');
  t.equal(errorOf(() => T.max(tensor(new Float64Array(0), [0, 2]), 0)), 'max: axis 0 of shape [0,2] is empty');
  t.equal(errorOf(() => T.min(tensor(new Float64Array(0), [2, 0]), 1)), 'min: axis 1 of shape [2,0] is empty');
  t.deepEqual(T.min(tensor(new Float64Array(0), [2, 0]), 0).shape, [0], 'a non-empty axis of an empty tensor');
  t.end();
});
