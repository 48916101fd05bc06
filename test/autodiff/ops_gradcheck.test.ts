/**
 * One gradient-check row per exported op (random inputs inside the op's domain, plus broadcasting
 * cases); the last test fails when an op of `T` has no row.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { T, Tensor, accumulate, gradcheck, record, tensor } from '../../autodiff/index.js';

const rng = Rng.fromSeed(20261126);

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

/** Weighted sum so every output element gets a distinct gradient. */
function reduceWeighted(y: Tensor): Tensor {
  const w = tensor(Float64Array.from({ length: y.size }, (_, i) => 0.5 + ((i * 7) % 11) / 10), [...y.shape]);
  return T.sum(T.mul(y, w));
}

interface Row {
  op: keyof typeof T;
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
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
];

for (const row of rows) {
  test(`gradcheck ${row.op} ${row.name}`, (t) => {
    const r = gradcheck(row.f, row.inputs(), { rtol: 1e-6, atol: 1e-8 });
    t.ok(r.ok, `max abs error ${r.maxAbsError.toExponential(2)}, worst ${JSON.stringify(r.worst)}`);
    t.end();
  });
}

test('every exported op has a gradcheck row', (t) => {
  const covered = new Set(rows.map((r) => r.op));
  const missing = Object.keys(T).filter((k) => !covered.has(k as keyof typeof T));
  t.deepEqual(missing, [], `ops without a row: ${missing.join(', ') || 'none'}`);
  t.end();
});

test('stable ops stay finite, with finite gradients, at ±1000', (t) => {
  const x = tensor([-1000, -30, 0, 30, 1000]);
  for (const op of ['softplus', 'logSigmoid', 'sigmoid'] as const) {
    const r = gradcheck((a) => T.sum(T[op](a)), [x], { rtol: 1e-5, atol: 1e-8 });
    t.ok(Number.isFinite(r.value) && r.ok, `${op}: value ${r.value}, ok ${r.ok}`);
  }
  const l = gradcheck((a) => T.logSumExp(a), [tensor([1000, 999, -1000])]);
  t.ok(l.ok && Math.abs(l.value - (1000 + Math.log1p(Math.exp(-1)))) < 1e-9, `logSumExp at ±1000 = ${l.value}`);
  const b = gradcheck((a) => T.bernoulliLogitSum(tensor([1, 0]), a), [tensor([1000, -1000])]);
  t.ok(b.ok && Math.abs(b.value) < 1e-12, `bernoulliLogitSum at ±1000 = ${b.value}`);
  t.end();
});

test('bernoulliLogitSum refuses labels other than 0/1 and shapes that differ, even of equal size (issue 16)', (t) => {
  const errorOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([0, 2, 1]), tensor([0.1, 0.2, 0.3]))), 'bernoulliLogitSum: label 1 is 2; labels must be 0 or 1');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([0, 0.5]), tensor([0.1, 0.2]))), 'bernoulliLogitSum: label 1 is 0.5; labels must be 0 or 1');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([1, 0, 1, 0], [4, 1]), tensor([1, 2, 3, 4], [1, 4]))), 'bernoulliLogitSum: labels of shape [4,1] do not match logits of shape [1,4]');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([1, 0, 1, 0], [2, 2]), tensor([1, 2, 3, 4], [4]))), 'bernoulliLogitSum: labels of shape [2,2] do not match logits of shape [4]');
  t.end();
});

test('gradcheck reports NaN rather than passing, and catches a wrong gradient', (t) => {
  const r = gradcheck((a) => T.sum(T.log(a)), [tensor([-1, 2])]);
  t.notOk(r.ok, 'log of a negative number fails the check');
  // A deliberately wrong op: forward is x², backward claims 3x.
  const wrongSquare = (a: Tensor) => {
    const out = new Tensor(a.data.map((v) => v * v), a.shape);
    return record(out, [a], (g) => accumulate(a, a.data.map((v, i) => 3 * v * g[i]), a.shape, 'wrongSquare', true));
  };
  const bad = gradcheck((a) => T.sum(wrongSquare(a)), [tensor([1, 2])]);
  t.notOk(bad.ok, 'a wrong gradient fails');
  t.equal(bad.worst?.input, 0, 'worst coordinate names the input');
  t.ok(Math.abs((bad.worst?.analytic ?? 0) - 1.5 * (bad.worst?.numeric ?? 0)) < 1e-6, 'and reports both values');
  t.ok(gradcheck((a) => T.sum(T.square(a)), [tensor([1, 2])]).ok, 'the right gradient passes');
  t.end();
});
