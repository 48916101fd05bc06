import test from 'tape';
import { T, Tensor, grad, tensor, valueAndGrad } from '../../autodiff/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

test('tape: one input used many times accumulates every path', (t) => {
  // f(x) = x·x + 3x + x³ → f'(x) = 2x + 3 + 3x²
  const f = valueAndGrad((x) => T.sum(T.add(T.add(T.mul(x, x), T.mul(x, 3)), T.pow(x, 3))));
  const { value, grads } = f([2, -1]);
  t.equal(value, 4 + 6 + 8 + (1 - 3 - 1), 'value');
  t.ok(close(grads[0], [4 + 3 + 12, -2 + 3 + 3]), `gradient ${grads[0]}`);
  t.end();
});

test('tape: an unused input gets a zero gradient of its shape', (t) => {
  const f = valueAndGrad((x, _unused) => T.sum(T.exp(x)));
  const { grads } = f([0, 1], tensor([[1, 2, 3]]));
  t.ok(close(grads[0], [1, Math.E]), 'used input');
  t.deepEqual(Array.from(grads[1]), [0, 0, 0], 'unused input: zeros');
  t.end();
});

test('tape: gradients of broadcast inputs are summed back to their shapes', (t) => {
  // y = a[3,1] * b[1,2] → dy/da_i = Σ_j b_j, dy/db_j = Σ_i a_i
  const f = valueAndGrad((a, b) => T.sum(T.mul(a, b)));
  const { grads } = f(tensor([1, 2, 3], [3, 1]), tensor([10, 20], [1, 2]));
  t.ok(close(grads[0], [30, 30, 30]), 'da');
  t.ok(close(grads[1], [6, 6]), 'db');
  const g = grad((s, v) => T.sum(T.add(v, s)))(tensor(0), [1, 2, 3, 4]);
  t.ok(close(g[0], [4]), 'scalar broadcast over 4 elements gets gradient 4');
  t.end();
});

test('tape: calling twice gives the same answer; nothing leaks between calls', (t) => {
  const f = valueAndGrad((x) => T.sum(T.tanh(T.matmul(x, tensor([[1, 2], [3, 4]])))));
  const a = f([[0.1, 0.2]]);
  const b = f([[0.1, 0.2]]);
  t.equal(a.value, b.value, 'same value');
  t.ok(close(a.grads[0], b.grads[0], 0), 'same gradient, bit for bit');
  t.end();
});

test('tape: constants get no gradient work and ops outside valueAndGrad record nothing', (t) => {
  const c = tensor([1, 2, 3]);
  const y = T.exp(c);
  t.equal(y.requiresGrad, false, 'an op on constants is a constant');
  let leaf: Tensor | null = null;
  valueAndGrad((x) => {
    leaf = x;
    const k = T.mul(c, 2);
    t.equal(k.requiresGrad, false, 'constant·2 inside a call is still a constant');
    return T.sum(T.mul(x, k));
  })([1, 1, 1]);
  t.ok(leaf !== null, 'function ran');
  t.end();
});

test('tape: shape errors name the op and both shapes, and leave the tape usable', (t) => {
  t.throws(() => T.add(tensor([1, 2, 3]), tensor([1, 2])), /add: shapes \[3\] and \[2\] cannot be broadcast/);
  t.throws(() => T.matmul(tensor([[1, 2]]), tensor([[1, 2]])), /matmul: inner dimensions differ, shapes \[1,2\] and \[1,2\]/);
  t.throws(() => T.batchedMatmul(tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]), tensor([1, 2, 3, 4], [2, 1, 2])), /batchedMatmul: batch sizes differ/);
  t.throws(() => T.matmul(tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), tensor([1, 2])), /matmul: expects rank-1 or rank-2/);
  t.throws(() => T.reshape(tensor([1, 2, 3]), [2, 2]), /reshape: cannot reshape \[3\]/);
  t.throws(() => T.sum(tensor([1, 2]), 2), /sum: axis 2 is out of range for rank 1/);
  const f = valueAndGrad((x) => T.sum(T.add(x, tensor([1, 2]))));
  t.throws(() => f([1, 2, 3]), /add: shapes \[3\] and \[2\]/, 'an error inside valueAndGrad propagates');
  const ok = f([1, 2]);
  t.ok(close(ok.grads[0], [1, 1]), 'the next call works normally');
  t.throws(() => valueAndGrad((x) => T.exp(x))([1, 2]), /must return a scalar, got shape \[2\]/);
  t.end();
});

test('tensor(): bad input gets errors naming the value or shape', (t) => {
  t.throws(() => tensor([[1, 2], [3]]), /ragged input, \[1\] has length 1, expected length 2/);
  t.throws(() => tensor([1, 'a' as unknown as number]), /value at \[1\] is "a", not a number/);
  t.throws(() => tensor([1, 2, 3], [2, 2]), /3 values do not fill shape \[2,2\]/);
  t.throws(() => tensor(null as unknown as number), /cannot make a tensor from null/);
  t.ok(Number.isNaN(tensor([NaN]).data[0]), 'NaN is allowed as a value');
  const nd = tensor([[1, 2, 3], [4, 5, 6]]).nd.transpose(1, 0);
  t.deepEqual(Array.from(tensor(nd).data), [1, 4, 2, 5, 3, 6], 'a strided ndarray view is copied in logical order');
  t.end();
});
