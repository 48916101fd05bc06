/**
 * Constrained parameters inside defineModel: free and constrained sizes, constrain/unconstrain
 * round trips with shapes, the compiled gradient through every transform (gradcheck), the
 * errors an init or a misspelled name gets, and, sampled by NUTS, densities whose constrained
 * moments are known (Dirichlet(1) on a simplex, LKJ(1) through a Cholesky factor, order
 * statistics of normals, a Wishart), each within 4 Monte Carlo standard errors.
 */
import test from 'tape';
import { T, gradcheck, tensor } from '../../autodiff/index.js';
import { defineModel, dist } from '../../models/index.js';
import { sample } from '../../samplers/run/sample.js';
import { summary, type SummaryRow } from '../../samplers/diagnostics/summary.js';

const model = defineModel({
  params: {
    c: { shape: [3], transform: 'ordered' },
    p: { shape: [2], transform: 'positiveOrdered' },
    w: { shape: [4], transform: 'simplex' },
    L: { shape: [3, 3], transform: 'choleskyCorr' },
    S: { shape: [2, 2], transform: 'covMatrix' },
    q: { shape: [2], transform: 'unitInterval' },
    b: { shape: [2], transform: { lower: [0, 1], upper: [2, 3] } },
  },
  logp: ({ c, p, w, L, S, q, b }) =>
    T.add(
      T.add(T.add(dist.normal(c, 0, 2), dist.normal(p, 1, 1)), T.add(T.sum(T.mul(T.log(w), [1, 2, 3, 4])), T.sum(T.mul(L, tensor([[1, 0, 0], [0.3, 1, 0], [-0.2, 0.5, 1]]))))),
      T.add(T.add(T.mul(T.sum(S), -0.3), T.sum(T.log(q))), dist.normal(b, 1, 1)),
    ),
});

const values = {
  c: [-1, 0.5, 2],
  p: [0.2, 1.5],
  w: [0.1, 0.2, 0.3, 0.4],
  L: [[1, 0, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]],
  S: [[2, 0.5], [0.5, 1]],
  q: [0.3, 0.9],
  b: [1, 2.5],
};

test('constrained model: dim counts free values, constrainedSize the values, and both round trip', (t) => {
  t.equal(model.dim, 3 + 2 + 3 + 3 + 3 + 2 + 2, 'dim: 3 + 2 + (4 − 1) + 3·2/2 + 2·3/2 + 2 + 2');
  t.equal(model.constrainedSize, 3 + 2 + 4 + 9 + 4 + 2 + 2, 'constrainedSize: the values themselves');
  const x = model.unconstrain(values);
  const back = model.constrain(x);
  for (const [name, v] of Object.entries(values)) {
    const flat = (v as unknown[]).flat() as number[];
    t.ok(flat.every((e, i) => Math.abs(e - back[name][i]) < 1e-12), `${name}: constrain(unconstrain(v)) = v`);
  }
  const row = new Float64Array(model.constrainedSize);
  model.constrainInto(x, row);
  t.deepEqual([...row.subarray(9, 18)], [...back.L], 'constrainInto writes L at its constrained offset');
  t.throws(() => model.constrainInto(x, new Float64Array(model.dim)), /Model.constrainInto: out must be a Float64Array of length constrainedSize = 26/);
  t.end();
});

test('constrained model: the compiled gradient through every transform (gradcheck)', (t) => {
  for (const x of [model.unconstrain(values), Float64Array.from({ length: model.dim }, (_, i) => Math.sin(3 * i))]) {
    const g = gradcheck(model, x);
    t.ok(g.ok, `gradcheck over ${g.checked} coordinates: max abs error ${g.maxAbsError.toExponential(2)}`);
  }
  t.equal(model.compilation.state, 'compiled', 'the model runs its compiled plan');
  t.end();
});

test('constrained model: inits of the wrong shape or off the constraint name the parameter and value', (t) => {
  const bad = (name: string, v: unknown) => () => model.unconstrain({ ...values, [name]: v as never });
  t.throws(bad('w', [0.5, 0.5]), /Model.unconstrain: parameter 'w' has shape \[4\] \(4 values\), got 2 values/);
  t.throws(bad('w', [0.5, 0.5, 0.5, 0.5]), /parameter 'w' sums to 2, not 1: a 'simplex' value .* got \[0.5, 0.5, 0.5, 0.5\]/);
  t.throws(bad('L', [[1, 0], [0, 1]]), /parameter 'L' has shape \[3,3\] \(9 values\), got nested arrays of shape \[2,2\]/);
  t.throws(bad('L', [[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1]]), /parameter 'L': row 1 has squared length 0.5, not 1/);
  t.throws(bad('S', [[1, 2], [2, 1]]), /parameter 'S': cholesky: the 2×2 matrix is not positive definite/);
  t.throws(bad('c', [3, 2, 1]), /parameter 'c'\[1\] = 2 is not above \[0\] = 3: an 'ordered' value must be strictly increasing, got \[3, 2, 1\]/);
  t.throws(bad('b', [1, 3]), /parameter 'b'\[1\] = 3 is outside the open support \(1, 3\)/);
  t.throws(bad('q', 'x'), /parameter 'q': expected a number, an array or a Float64Array, got string/);
  t.throws(() => defineModel({ params: { w: { shape: [2, 2], transform: 'simplex' } }, logp: ({ w }) => T.sum(w) }), /defineModel: parameter 'w': a 'simplex' parameter is a vector of shape \[K\] with K ≥ 2, got shape \[2,2\]/);
  t.end();
});

test('defineModel: a misspelled parameter name inside logp names it and the known names', (t) => {
  const m = defineModel({ params: { mu: [], sigma: { shape: [], transform: 'log' } }, logp: (p) => T.add(dist.normal(1.2, p.mu, p.sigmaa), dist.normal(p.mu, 0, 1)) });
  t.throws(() => m.logDensity(new Float64Array(2)), /defineModel logp: no parameter 'sigmaa' \(did you mean 'sigma'\?\); the parameters are mu, sigma/);
  const far = defineModel({ params: { mu: [] }, logp: (p) => p.theta });
  t.throws(() => far.logDensity(new Float64Array(1)), /no parameter 'theta'; the parameters are mu$/);
  t.end();
});

/** Rows of `trace` by name, and a check that `mean` is within 4 MCSE of `truth`. */
function within(t: test.Test, rows: SummaryRow[], name: string, truth: number): void {
  const r = rows.find((q) => q.name === name)!;
  const z = (r.mean - truth) / r.mcseMean;
  t.ok(Math.abs(z) < 4, `${name}: mean ${r.mean.toFixed(4)} vs ${truth.toFixed(4)} (${z.toFixed(2)} MCSE, ess ${Math.round(r.essBulk)})`);
}

const run = { chains: 4, draws: 1000, tune: 500, seed: 2026 };

test('simplex: a flat density on the 4-simplex sampled by NUTS has Dirichlet(1) moments', async (t) => {
  const m = defineModel({ params: { w: { shape: [4], transform: 'simplex' } }, logp: () => tensor(0), derived: ({ w }) => ({ w2: T.square(w) }) });
  const rows = summary(await sample(m, run));
  for (let i = 0; i < 4; i++) {
    within(t, rows, `w[${i}]`, 1 / 4); // α_i / α₀
    within(t, rows, `w2[${i}]`, (1 * 2) / (4 * 5)); // α_i(α_i + 1) / (α₀(α₀ + 1))
  }
  t.end();
});

test('choleskyCorr: the LKJ(1) density of L gives correlations with mean 0 and E[r²] = 1/(K + 1)', async (t) => {
  // LKJ(η) on the factor (Stan's lkj_corr_cholesky): Σ_{i≥1} (K − i − 1 + 2η − 2)·log L_ii (0-based i), = log L₁₁ for K = 3, η = 1.
  const m = defineModel({
    params: { L: { shape: [3, 3], transform: 'choleskyCorr' } },
    logp: ({ L }) => T.sum(T.log(T.slice(L, [1, 1], [1, 1]))),
    derived: ({ L }) => {
      const omega = T.matmul(L, T.transpose(L));
      return { Omega: omega, Omega2: T.square(omega) };
    },
  });
  const rows = summary(await sample(m, run));
  for (const [i, j] of [[1, 0], [2, 0], [2, 1]]) {
    within(t, rows, `Omega[${i},${j}]`, 0);
    within(t, rows, `Omega2[${i},${j}]`, 1 / 4); // r = 2·Beta(K/2, K/2) − 1
  }
  t.end();
});

test('ordered: three iid N(0, 1) values kept in order are the order statistics', async (t) => {
  const m = defineModel({ params: { c: { shape: [3], transform: 'ordered' } }, logp: ({ c }) => dist.normal(c, 0, 1) });
  const rows = summary(await sample(m, run));
  const e = 3 / (2 * Math.sqrt(Math.PI)); // E[max of 3 standard normals]
  within(t, rows, 'c[0]', -e);
  within(t, rows, 'c[1]', 0);
  within(t, rows, 'c[2]', e);
  t.end();
});

test('covMatrix: a Wishart(ν = 5, I) density on a 2×2 covariance has mean ν·I', async (t) => {
  // log p(Σ) = (ν − K − 1)/2 · log|Σ| − tr(Σ)/2, with |Σ| = Σ₀₀Σ₁₁ − Σ₀₁².
  const m = defineModel({
    params: { S: { shape: [2, 2], transform: 'covMatrix' } },
    logp: ({ S }) => {
      const e = (i: number, j: number) => T.reshape(T.slice(S, [i, j], [1, 1]), []);
      const det = T.sub(T.mul(e(0, 0), e(1, 1)), T.square(e(0, 1)));
      return T.sub(T.mul(T.log(det), (5 - 2 - 1) / 2), T.mul(T.add(e(0, 0), e(1, 1)), 0.5));
    },
  });
  const rows = summary(await sample(m, run));
  within(t, rows, 'S[0,0]', 5);
  within(t, rows, 'S[1,1]', 5);
  within(t, rows, 'S[0,1]', 0);
  within(t, rows, 'S[1,0]', 0);
  t.end();
});
