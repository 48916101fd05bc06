/**
 * The structured constraints (ordered, positiveOrdered, simplex, choleskyCorr, covMatrix): forward
 * values satisfy the constraint, inverse∘forward = id, forwardInto = forward, log|J| equals the
 * finite-difference log|det| of the square map from u onto the constrained value's free
 * coordinates (Stan manual's change of variables), gradients of both by gradcheck, and errors.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { T, Tensor, gradcheck, tensor } from '../../../autodiff/index.js';
import { makeTransform, type TransformSpec } from '../../../models/index.js';

const rng = Rng.fromSeed(1414);
const randU = (n: number, r = 1.5) => Float64Array.from({ length: n }, () => rng.uniformRange(-r, r));

/** log|det A| by Gaussian elimination with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (p !== c) for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    const d = m[c * n + c];
    s += Math.log(Math.abs(d));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / d;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
    }
  }
  return s;
}

interface Case {
  spec: TransformSpec;
  shape: number[];
  /** The free coordinates of a constrained value (the square map's output). */
  free: (x: Float64Array) => number[];
  /** Whether x satisfies the constraint (to 1e-12). */
  valid: (x: Float64Array) => boolean;
}

const lowerIdx = (k: number, strict: boolean) => {
  const idx: number[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < (strict ? i : i + 1); j++) idx.push(i * k + j);
  return idx;
};
const increasing = (x: Float64Array) => x.every((v, i) => i === 0 || v > x[i - 1]);
const unitRows = (x: Float64Array, k: number) =>
  Array.from({ length: k }, (_, i) => x.slice(i * k, i * k + i + 1).reduce((s, v) => s + v * v, 0)).every((n) => Math.abs(n - 1) < 1e-12) &&
  x.every((v, f) => Math.floor(f / k) >= f % k || v === 0) && Array.from({ length: k }, (_, i) => x[i * k + i] > 0).every(Boolean);
const symmetricPd = (x: Float64Array, k: number) => {
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) if (Math.abs(x[i * k + j] - x[j * k + i]) > 1e-12) return false;
  try {
    makeTransform('covMatrix').inverse(x);
    return true;
  } catch {
    return false;
  }
};

const cases: Case[] = [
  { spec: 'ordered', shape: [5], free: (x) => [...x], valid: increasing },
  { spec: 'ordered', shape: [1], free: (x) => [...x], valid: () => true },
  { spec: 'positiveOrdered', shape: [4], free: (x) => [...x], valid: (x) => increasing(x) && x[0] > 0 },
  { spec: 'simplex', shape: [2], free: (x) => [x[0]], valid: (x) => x.every((v) => v > 0) && Math.abs(x[0] + x[1] - 1) < 1e-12 },
  { spec: 'simplex', shape: [5], free: (x) => [...x.slice(0, 4)], valid: (x) => x.every((v) => v > 0) && Math.abs(x.reduce((s, v) => s + v, 0) - 1) < 1e-12 },
  { spec: 'choleskyCorr', shape: [2, 2], free: (x) => lowerIdx(2, true).map((i) => x[i]), valid: (x) => unitRows(x, 2) },
  { spec: 'choleskyCorr', shape: [4, 4], free: (x) => lowerIdx(4, true).map((i) => x[i]), valid: (x) => unitRows(x, 4) },
  { spec: 'covMatrix', shape: [1, 1], free: (x) => [x[0]], valid: (x) => x[0] > 0 },
  { spec: 'covMatrix', shape: [3, 3], free: (x) => lowerIdx(3, false).map((i) => x[i]), valid: (x) => symmetricPd(x, 3) },
];

const label = (c: Case) => `${String(c.spec)} [${c.shape}]`;
const freeSize = (c: Case) => makeTransform(c.spec, 'p', c.shape).freeShape(c.shape).reduce((a, b) => a * b, 1);

test('structured transforms: free shapes, valid values, forwardInto, inverse round trip', (t) => {
  for (const c of cases) {
    const tr = makeTransform(c.spec, 'p', c.shape);
    const n = freeSize(c);
    const size = c.shape.reduce((a, b) => a * b, 1);
    t.deepEqual(tr.freeShape(c.shape), [c.free(new Float64Array(size)).length], `${label(c)}: free shape = number of free coordinates`);
    for (let rep = 0; rep < 5; rep++) {
      const u = randU(n, 2);
      const x = tr.forward(tensor(u)).data;
      t.equal(x.length, size, `${label(c)}: constrained size`);
      t.ok(c.valid(x), `${label(c)}: forward satisfies the constraint`);
      const xi = new Float64Array(x.length);
      tr.forwardInto(u, xi);
      t.deepEqual([...xi], [...x], `${label(c)}: forwardInto agrees with forward`);
      const back = tr.inverse(x, 'p');
      const err = Math.max(...back.map((v, i) => Math.abs(v - u[i])), 0);
      t.ok(back.length === n && err < 1e-9, `${label(c)}: inverse(forward(u)) = u (max error ${err.toExponential(1)})`);
    }
  }
  t.end();
});

test('structured transforms: log|J| equals the finite-difference log|det| of u → free coordinates of x', (t) => {
  for (const c of cases) {
    const tr = makeTransform(c.spec, 'p', c.shape);
    const n = freeSize(c);
    for (let rep = 0; rep < 3; rep++) {
      const u = randU(n);
      const jac = new Float64Array(n * n);
      for (let j = 0; j < n; j++) {
        const h = 1e-5;
        const up = Float64Array.from(u);
        const down = Float64Array.from(u);
        up[j] += h;
        down[j] -= h;
        const fu = c.free(tr.forward(tensor(up)).data);
        const fd = c.free(tr.forward(tensor(down)).data);
        for (let i = 0; i < n; i++) jac[i * n + j] = (fu[i] - fd[i]) / (2 * h);
      }
      const numeric = logAbsDet(jac, n);
      const analytic = tr.logJacobian(tensor(u)).item();
      t.ok(Math.abs(analytic - numeric) < 1e-6 * Math.max(1, Math.abs(numeric)), `${label(c)}: log|J| ${analytic.toFixed(9)} vs numeric ${numeric.toFixed(9)}`);
    }
  }
  t.end();
});

test('gradcheck: structured transforms forward and log-Jacobian', (t) => {
  for (const c of cases) {
    const tr = makeTransform(c.spec, 'p', c.shape);
    const n = freeSize(c);
    const size = c.shape.reduce((a, b) => a * b, 1);
    const weights = tensor(randU(size));
    const fwd = gradcheck((u: Tensor) => T.sum(T.mul(T.reshape(tr.forward(u), [size]), weights)), [tensor(randU(n))]);
    t.ok(fwd.ok, `${label(c)} forward: max abs error ${fwd.maxAbsError.toExponential(2)}`);
    const jac = gradcheck((u: Tensor) => tr.logJacobian(u), [tensor(randU(n))]);
    t.ok(jac.ok, `${label(c)} logJacobian: max abs error ${jac.maxAbsError.toExponential(2)}`);
  }
  t.end();
});

test('structured transforms: far in the tails the values and log|J| stay finite', (t) => {
  for (const c of cases) {
    const tr = makeTransform(c.spec, 'p', c.shape);
    const u = Float64Array.from({ length: freeSize(c) }, (_, i) => (i % 2 === 0 ? 30 : -30));
    const x = tr.forward(tensor(u)).data;
    const lj = tr.logJacobian(tensor(u)).item();
    t.ok(x.every(Number.isFinite) && Number.isFinite(lj), `${label(c)} at u = ±30: finite values, log|J| = ${lj.toFixed(3)}`);
  }
  t.end();
});

test('structured transforms: shapes and values that break the constraint throw, naming them', (t) => {
  t.throws(() => makeTransform('simplex', "parameter 'w'", [3, 2]), /parameter 'w': a 'simplex' parameter is a vector of shape \[K\] with K ≥ 2, got shape \[3,2\]/);
  t.throws(() => makeTransform('simplex', "parameter 'w'", [1]), /K ≥ 2, got shape \[1\]/);
  t.throws(() => makeTransform('choleskyCorr', "parameter 'L'", [3, 2]), /parameter 'L': a 'choleskyCorr' parameter is a square matrix of shape \[K, K\] with K ≥ 2, got shape \[3,2\]/);
  t.throws(() => makeTransform('covMatrix', "parameter 'S'", [3]), /square matrix .* got shape \[3\]/);
  t.throws(() => makeTransform('ordered', "parameter 'c'", []), /'ordered' parameter is a vector of shape \[K\] with K ≥ 1, got shape \[\]/);
  t.throws(() => makeTransform('simplex').inverse(Float64Array.from([0.5, 0.6]), 'w'), /w sums to 1.1(\d*), not 1: a 'simplex' value .* got \[0.5, 0.6\]/);
  t.throws(() => makeTransform('simplex').inverse(Float64Array.from([1, 0]), 'w'), /w\[1\] = 0 is not a positive number/);
  t.throws(() => makeTransform('ordered').inverse(Float64Array.from([0, 2, 1]), 'c'), /c\[2\] = 1 is not above \[1\] = 2: an 'ordered' value must be strictly increasing, got \[0, 2, 1\]/);
  t.throws(() => makeTransform('positiveOrdered').inverse(Float64Array.from([-1, 2]), 'c'), /c\[0\] = -1 is not a finite positive number/);
  t.throws(() => makeTransform('choleskyCorr').inverse(Float64Array.from([1, 0, 0.5, 0.5]), 'L'), /L: row 1 has squared length 0.5, not 1/);
  t.throws(() => makeTransform('choleskyCorr').inverse(Float64Array.from([1, 0.1, 0, 1]), 'L'), /L: \[0,1\] = 0.1 is above the diagonal and not 0/);
  t.throws(() => makeTransform('covMatrix').inverse(Float64Array.from([1, 2, 2, 1]), 'S'), /S: cholesky: the 2×2 matrix is not positive definite \(pivot 1 is -3\)/);
  t.throws(() => makeTransform('covMatrix').inverse(Float64Array.from([1, 0.5, 0.2, 1]), 'S'), /S: \[1,0\] = 0.2 differs from \[0,1\] = 0.5/);
  t.end();
});

test('bounds per element: arrays and constant tensors of the parameter size', (t) => {
  const lower = [0, -1, 2];
  const upper = tensor([1, 1, 10]);
  const tr = makeTransform({ lower, upper }, "parameter 'b'", [3]);
  const u = randU(3, 4);
  const x = tr.forward(tensor(u)).data;
  t.ok(x.every((v, i) => v > lower[i] && v < upper.data[i]), `forward lands inside each element's bounds: ${[...x].map((v) => v.toFixed(3))}`);
  t.ok(tr.inverse(x).every((v, i) => Math.abs(v - u[i]) < 1e-10), 'inverse round trip');
  let numeric = 0;
  for (let i = 0; i < 3; i++) {
    const h = 1e-6;
    const up = Float64Array.from(u);
    const down = Float64Array.from(u);
    up[i] += h;
    down[i] -= h;
    numeric += Math.log((tr.forward(tensor(up)).data[i] - tr.forward(tensor(down)).data[i]) / (2 * h));
  }
  t.ok(Math.abs(tr.logJacobian(tensor(u)).item() - numeric) < 1e-7, 'log|J| equals the numeric one');
  const g = gradcheck((v: Tensor) => T.add(T.sum(tr.forward(v)), tr.logJacobian(v)), [tensor(randU(3))]);
  t.ok(g.ok, `gradcheck: ${g.maxAbsError.toExponential(2)}`);
  const lo = makeTransform({ lower: [1, 2] }, 'p', [2]);
  t.equal(lo.kind, 'lower');
  t.ok(lo.forward(tensor([0, 0])).data.every((v, i) => v === [2, 3][i]), 'lower-only per element: lower + e^u');
  const hi = makeTransform({ upper: [[1], [2]] }, 'p', [2, 1]);
  t.deepEqual([...hi.forward(tensor([[0], [0]])).data], [0, 1], 'upper-only per element (nested arrays): upper − e^u');
  t.equal(makeTransform('unitInterval').forward(tensor([0])).data[0], 0.5, "'unitInterval' is (0, 1)");
  t.throws(() => makeTransform({ lower: [0, 0] }, "parameter 'b'", [3]), /parameter 'b': bounds have 2 values but the parameter of shape \[3\] has 3/);
  t.throws(() => makeTransform({ lower: [0, 2], upper: [1, 1] }, "parameter 'b'"), /parameter 'b': lower bound 2 must be below upper bound 1 \(element 1\)/);
  t.throws(() => makeTransform({ lower: [0, -Infinity] }, "parameter 'b'"), /a lower bound given per element must hold finite numbers .* got lower\[1\] = -Infinity/);
  t.throws(() => tr.inverse(Float64Array.from([0.5, 0, 1]), 'b'), /b\[2\] = 1 is outside the open support \(2, 10\)/);
  t.end();
});
