/**
 * Distributions: log densities against closed forms computed independently here, a gradient
 * check row for every argument that can be tracked (with broadcasting), the special functions
 * and the triangular ops they rest on, and the errors for invalid constant arguments.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { digamma, lgamma } from '../../../core/special.js';
import { T, Tensor, gradcheck, tensor, valueAndGrad } from '../../../autodiff/index.js';
import { lgamma as lgammaOp } from '../../../autodiff/ops/special.js';
import { logDetTriangular, solveLowerTriangular } from '../../../autodiff/ops/triangular.js';
import { dist } from '../../../models/index.js';

const rng = Rng.fromSeed(6061);

function rand(shape: number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Float64Array.from({ length: n }, () => rng.uniformRange(lo, hi)), shape);
}
const pos = (shape: number[]) => rand(shape, 0.4, 2.5);
const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** A well-conditioned lower-triangular factor with positive diagonal. */
function lowerFactor(k: number): Tensor {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) l[i * k + j] = i === j ? rng.uniformRange(0.8, 1.6) : rng.uniformRange(-0.5, 0.5);
  return tensor(l, [k, k]);
}

test('lgamma and digamma: known values, reflection, digamma = d lgamma', (t) => {
  const cases: [number, number][] = [
    [1, 0], [2, 0], [0.5, 0.5 * Math.log(Math.PI)], [10, Math.log(362880)], [3.5, Math.log(3.32335097044784255)],
    [100, 359.13420536957539878], [1e-8, 18.420680738180208], [-0.5, Math.log(2 * Math.sqrt(Math.PI))],
  ];
  for (const [x, want] of cases) t.ok(close(lgamma(x), want, 1e-13), `lgamma(${x}) = ${lgamma(x)} vs ${want}`);
  t.equal(lgamma(0), Infinity, 'pole at 0');
  t.equal(lgamma(-3), Infinity, 'pole at -3');
  t.ok(close(digamma(1), -0.57721566490153286, 1e-13), `digamma(1) = ${digamma(1)}`);
  t.ok(close(digamma(0.5), -0.57721566490153286 - 2 * Math.LN2, 1e-13), `digamma(0.5) = ${digamma(0.5)}`);
  for (const x of [0.3, 1.7, 4.2, 9.9, 31, -1.3]) {
    const h = 1e-5 * Math.max(1, Math.abs(x));
    const numeric = (lgamma(x + h) - lgamma(x - h)) / (2 * h);
    t.ok(Math.abs(digamma(x) - numeric) < 1e-8, `digamma(${x}) = ${digamma(x)} vs numeric ${numeric}`);
  }
  t.end();
});

test('normal, halfNormal, halfCauchy, studentT, poissonLog, bernoulliLogit: closed forms', (t) => {
  const x = [-1.2, 0.3, 2.5];
  // normal: Σ −½((x−μ)/σ)² − log σ − ½ log 2π with μ = 0.4, σ = 1.7
  let want = 0;
  for (const v of x) want += -0.5 * ((v - 0.4) / 1.7) ** 2 - Math.log(1.7) - 0.5 * Math.log(2 * Math.PI);
  t.ok(close(dist.normal(Float64Array.from(x), 0.4, 1.7).item(), want), 'normal, scalar parameters');
  // broadcast: per-element sigma
  const sig = [0.5, 1, 2];
  want = x.reduce((s, v, i) => s - 0.5 * (v / sig[i]) ** 2 - Math.log(sig[i]) - 0.5 * Math.log(2 * Math.PI), 0);
  t.ok(close(dist.normal(Float64Array.from(x), 0, Float64Array.from(sig)).item(), want), 'normal, vector sigma');
  // x scalar broadcast against a vector mu: three terms each
  want = [0, 1, 2].reduce((s, m) => s - 0.5 * (0.7 - m) ** 2 - 0.5 * Math.log(2 * Math.PI), 0);
  t.ok(close(dist.normal(0.7, Float64Array.from([0, 1, 2]), 1).item(), want), 'normal, scalar x broadcast over mu');
  t.ok(close(dist.normal(0, 0, 1).item(), -0.9189385332046727), 'standard normal at 0');

  const hx = [0.1, 0.9, 3];
  want = hx.reduce((s, v) => s + Math.log(2) - 0.5 * Math.log(2 * Math.PI) - Math.log(1.3) - 0.5 * (v / 1.3) ** 2, 0);
  t.ok(close(dist.halfNormal(Float64Array.from(hx), 1.3).item(), want), 'halfNormal');
  t.equal(dist.halfNormal(-0.1, 1).item(), -Infinity, 'halfNormal below 0 is -Infinity');
  want = hx.reduce((s, v) => s + Math.log(2 / (Math.PI * 0.8 * (1 + (v / 0.8) ** 2))), 0);
  t.ok(close(dist.halfCauchy(Float64Array.from(hx), 0.8).item(), want), 'halfCauchy');
  t.equal(dist.halfCauchy(-2, 1).item(), -Infinity, 'halfCauchy below 0 is -Infinity');

  // Student-t: Γ((ν+1)/2) / (Γ(ν/2) √(νπ) σ) (1 + z²/ν)^(−(ν+1)/2); Γ(2) = 1, Γ(1.5) = √π/2 for ν = 3.
  const nu = 3, mu = -0.2, s = 1.4;
  want = x.reduce((acc, v) => {
    const z = (v - mu) / s;
    return acc + Math.log(1 / ((Math.sqrt(Math.PI) / 2) * Math.sqrt(nu * Math.PI) * s)) - ((nu + 1) / 2) * Math.log(1 + (z * z) / nu);
  }, 0);
  t.ok(close(dist.studentT(Float64Array.from(x), nu, mu, s).item(), want), 'studentT, nu = 3 with exact gamma values');
  const nu2 = 7.3;
  want = x.reduce((acc, v) => acc + lgamma((nu2 + 1) / 2) - lgamma(nu2 / 2) - 0.5 * Math.log(nu2 * Math.PI) - ((nu2 + 1) / 2) * Math.log1p(v * v / nu2), 0);
  t.ok(close(dist.studentT(Float64Array.from(x), nu2, 0, 1).item(), want), 'studentT, nu = 7.3 with lgamma');
  // ν = 1 is the Cauchy density.
  t.ok(close(dist.studentT(0.6, 1, 0, 2).item(), Math.log(1 / (Math.PI * 2 * (1 + 0.09)))), 'studentT(nu = 1) is Cauchy');

  // Poisson: log(λ^y e^−λ / y!) with y! as a product.
  const ys = [0, 3, 7];
  const eta = 0.9;
  const fact = (k: number) => { let f = 1; for (let i = 2; i <= k; i++) f *= i; return f; };
  want = ys.reduce((acc, y) => acc + Math.log(Math.exp(eta) ** y * Math.exp(-Math.exp(eta)) / fact(y)), 0);
  t.ok(close(dist.poissonLog(Float64Array.from(ys), eta).item(), want), 'poissonLog, scalar log rate broadcast');

  const labels = [1, 0, 1, 1];
  const logits = [0.3, -2, 5, -40];
  want = labels.reduce((acc, y, i) => {
    const p = 1 / (1 + Math.exp(-logits[i]));
    return acc + (y === 1 ? Math.log(p) : Math.log(1 - p));
  }, 0);
  // p at logit −40 is 4.2e-18: log(p) is still exact there.
  t.ok(close(dist.bernoulliLogit(Float64Array.from(labels), Float64Array.from(logits)).item(), want, 1e-10), 'bernoulliLogit');
  want = labels.reduce((acc, y) => acc + (y === 1 ? Math.log(1 / (1 + Math.exp(-0.4))) : Math.log(1 - 1 / (1 + Math.exp(-0.4)))), 0);
  t.ok(close(dist.bernoulliLogit(Float64Array.from(labels), 0.4).item(), want), 'bernoulliLogit, scalar logit broadcast');
  want = dist.bernoulliLogit(Float64Array.from(labels), Float64Array.from(logits)).item();
  t.equal(dist.bernoulliLogit(Float64Array.from(labels), tensor(logits, [1, 4])).item(), want, 'bernoulliLogit, y [4] against logits [1, 4]: the same pairs');
  t.end();
});

test('mvNormal: closed form for a 2×2 covariance, rows, cov vs cholesky', (t) => {
  const cov = Float64Array.from([2, 0.6, 0.6, 1]);
  const det = 2 * 1 - 0.36;
  const inv = [1 / det, -0.6 / det, -0.6 / det, 2 / det];
  const mean = Float64Array.from([0.5, -1]);
  const lp = (v: number[]) => {
    const d = [v[0] - mean[0], v[1] - mean[1]];
    const q = d[0] * (inv[0] * d[0] + inv[1] * d[1]) + d[1] * (inv[2] * d[0] + inv[3] * d[1]);
    return -0.5 * q - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
  };
  t.ok(close(dist.mvNormal(Float64Array.from([1, 0.2]), mean, { cov }).item(), lp([1, 0.2])), 'one vector');
  const rows = tensor([[1, 0.2], [-0.3, -2], [0, 0]]);
  const want = lp([1, 0.2]) + lp([-0.3, -2]) + lp([0, 0]);
  t.ok(close(dist.mvNormal(rows, mean, { cov }).item(), want), 'rows are iid draws');
  const l00 = Math.sqrt(2), l10 = 0.6 / l00, l11 = Math.sqrt(1 - l10 * l10);
  t.ok(close(dist.mvNormal(rows, mean, { cholesky: Float64Array.from([l00, 0, l10, l11]) }).item(), want), 'cholesky gives the same');
  t.ok(close(dist.mvNormal(rows, mean, { cholesky: tensor([[l00, 0], [l10, l11]]) }).item(), want), 'cholesky as a [2,2] Tensor');
  t.ok(close(valueAndGrad((c) => dist.mvNormal(rows, mean, { cov: c }))(tensor(cov, [2, 2])).value, want), 'a tracked cov (factored by T.cholesky) gives the same');
  t.end();
});

/** Gradient-check rows: every trackable argument of every distribution, with broadcasting cases. */
interface Row {
  name: string;
  f: (...xs: Tensor[]) => Tensor;
  inputs: () => Tensor[];
}
const L3 = lowerFactor(3);
const rows: Row[] = [
  { name: 'normal(x, mu, sigma) all tracked, same shape', f: (x, m, s) => dist.normal(x, m, s), inputs: () => [rand([4]), rand([4]), pos([4])] },
  { name: 'normal broadcast x [2,3], mu [3], sigma []', f: (x, m, s) => dist.normal(x, m, s), inputs: () => [rand([2, 3]), rand([3]), pos([])] },
  { name: 'normal broadcast x [], mu [3], sigma [2,1]', f: (x, m, s) => dist.normal(x, m, s), inputs: () => [rand([]), rand([3]), pos([2, 1])] },
  { name: 'normal(x, 0, 1) constants', f: (x) => dist.normal(x, 0, 1), inputs: () => [rand([5])] },
  { name: 'halfNormal(x, sigma)', f: (x, s) => dist.halfNormal(x, s), inputs: () => [pos([4]), pos([4])] },
  { name: 'halfNormal broadcast x [3,2], sigma [2]', f: (x, s) => dist.halfNormal(x, s), inputs: () => [pos([3, 2]), pos([2])] },
  { name: 'halfCauchy(x, scale)', f: (x, s) => dist.halfCauchy(x, s), inputs: () => [pos([4]), pos([4])] },
  { name: 'halfCauchy broadcast x [3], scale []', f: (x, s) => dist.halfCauchy(x, s), inputs: () => [pos([3]), pos([])] },
  { name: 'studentT(x, nu, mu, sigma) all tracked', f: (x, n, m, s) => dist.studentT(x, n, m, s), inputs: () => [rand([3]), pos([3]), rand([3]), pos([3])] },
  { name: 'studentT broadcast x [2,3], nu [], mu [3], sigma [2,1]', f: (x, n, m, s) => dist.studentT(x, n, m, s), inputs: () => [rand([2, 3]), pos([]), rand([3]), pos([2, 1])] },
  { name: 'mvNormal(x [3], mean [3]) constant cov', f: (x, m) => dist.mvNormal(x, m, { cov: T.matmul(L3, T.transpose(L3)).data }), inputs: () => [rand([3]), rand([3])] },
  { name: 'mvNormal(x [4,3], mean [3], tracked cholesky)', f: (x, m, l) => dist.mvNormal(x, m, { cholesky: l }), inputs: () => [rand([4, 3]), rand([3]), lowerFactor(3)] },
  { name: 'bernoulliLogit(y, logits) same shape', f: (l) => dist.bernoulliLogit(Float64Array.from([1, 0, 0, 1, 1]), l), inputs: () => [rand([5], -4, 4)] },
  { name: 'bernoulliLogit broadcast logits [] over y [4]', f: (l) => dist.bernoulliLogit(Float64Array.from([1, 0, 0, 1]), l), inputs: () => [rand([])] },
  { name: 'poissonLog(y, logRate)', f: (l) => dist.poissonLog(Float64Array.from([0, 2, 5]), l), inputs: () => [rand([3])] },
  { name: 'poissonLog broadcast logRate [2,1] over y [3]', f: (l) => dist.poissonLog(Float64Array.from([0, 2, 5]), l), inputs: () => [rand([2, 1])] },
  { name: 'op lgamma', f: (x) => T.sum(lgammaOp(x)), inputs: () => [rand([4], 0.2, 6)] },
  { name: 'op solveLowerTriangular(L, b [3])', f: (l, b) => T.sum(T.mul(solveLowerTriangular(l, b), tensor([0.3, -1, 2]))), inputs: () => [lowerFactor(3), rand([3])] },
  { name: 'op solveLowerTriangular(L, B [3,2])', f: (l, b) => T.sum(T.square(solveLowerTriangular(l, b))), inputs: () => [lowerFactor(3), rand([3, 2])] },
  { name: 'op logDetTriangular', f: (l) => logDetTriangular(l), inputs: () => [lowerFactor(4)] },
];

test('gradcheck: every distribution argument, with broadcasting', (t) => {
  for (const row of rows) {
    for (let rep = 0; rep < 2; rep++) {
      const r = gradcheck(row.f, row.inputs(), { rtol: 1e-6, atol: 1e-8 });
      t.ok(r.ok, `${row.name} #${rep}: max abs error ${r.maxAbsError.toExponential(2)}${r.ok ? '' : ` worst ${JSON.stringify(r.worst)}`}`);
    }
  }
  t.end();
});

test('mvNormal with a tracked cholesky: its gradient only touches the lower triangle', (t) => {
  const l = lowerFactor(3);
  const r = gradcheck((x, f) => dist.mvNormal(x, 0, { cholesky: f }), [rand([3]), l]);
  t.ok(r.ok, 'gradient matches');
  t.end();
});

test('distributions: invalid constant arguments throw naming the argument', (t) => {
  t.throws(() => dist.normal(0, 0, 0), /dist\.normal: sigma must be positive and finite, got 0/);
  t.throws(() => dist.normal(0, 0, Float64Array.from([1, -2])), /sigma must be positive and finite, got -2 at flat index 1/);
  t.throws(() => dist.normal(Float64Array.from([1, 2, 3]), Float64Array.from([1, 2]), 1), /dist\.normal: argument mu cannot be broadcast.*x \[3\], mu \[2\]/);
  t.throws(() => dist.halfNormal(1, NaN), /halfNormal: sigma must be positive and finite, got NaN/);
  t.throws(() => dist.halfCauchy(1, -1), /halfCauchy: scale must be positive/);
  t.throws(() => dist.studentT(0, 0, 0, 1), /studentT: nu must be positive/);
  t.throws(() => dist.studentT(0, 3, 0, -1), /studentT: sigma must be positive/);
  t.throws(() => dist.bernoulliLogit(Float64Array.from([0, 2]), Float64Array.from([0, 0])), /bernoulliLogit: y must be 0 or 1, got 2 at flat index 1/);
  t.throws(() => dist.poissonLog(Float64Array.from([1.5]), 0), /poissonLog: y must be a non-negative integer, got 1.5/);
  t.throws(() => dist.poissonLog(-1, 0), /poissonLog: y must be a non-negative integer, got -1/);
  const cov = Float64Array.from([1, 0, 0, 1]);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, {} as never), /exactly one of \{ cov \} or \{ cholesky \}/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, { cov, cholesky: cov } as never), /exactly one/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0, 0]), 0, { cov }), /cov must hold 3×3 = 9 values for x of width 3, got 4/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), Float64Array.from([0, 0, 0]), { cov }), /mean must have shape \[2\]/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, { cov: Float64Array.from([1, 2, 2, 1]) }), /cov is not positive definite/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, { cov: Float64Array.from([1, 0.5, 0.2, 1]) }), /cov must be symmetric.*cov\[1,0\] = 0.2/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, { cholesky: Float64Array.from([1, 0.5, 0, 1]) }), /cholesky must be lower-triangular.*cholesky\[0,1\] = 0.5/);
  t.throws(() => dist.mvNormal(Float64Array.from([0, 0]), 0, { cholesky: Float64Array.from([1, 0, 0, -1]) }), /positive finite diagonal.*cholesky\[1,1\] = -1/);
  t.throws(() => dist.mvNormal(tensor([[[0]]]), 0, { cov: Float64Array.from([1]) }), /x must have shape \[k\] or \[n,k\]/);
  t.throws(() => valueAndGrad((c) => dist.mvNormal(Float64Array.from([0, 0]), 0, { cov: c }))(tensor([1, 2, 2, 1], [2, 2])), /cholesky: the 2×2 matrix is not positive definite \(pivot 1 is -3\)/);
  t.end();
});

test('distributions: invalid tracked parameters give the math value, not an error', (t) => {
  t.ok(Number.isNaN(valueAndGrad((s) => dist.normal(1, 0, s))(-1).value), 'normal with tracked sigma < 0 is NaN');
  t.ok(Number.isNaN(valueAndGrad((n) => dist.studentT(1, n, 0, 1))(-2.5).value), 'studentT with tracked nu < 0 is NaN');
  t.equal(valueAndGrad((x) => dist.halfNormal(x, 1))(-0.5).value, -Infinity, 'halfNormal with tracked x < 0 is -Infinity');
  t.throws(() => valueAndGrad((y) => dist.bernoulliLogit(y, 0))(1), /y is data and cannot carry gradient/, 'tracked labels are rejected');
  t.end();
});
