/** The compact inverse-Hessian normal approximation: secant condition, its draws' covariance, log q, the diagonal update, PSIS. */
import test from 'tape';
import { Rng } from '../../../../core/rng.js';
import { normalApproximation, updateDiagonal, curvatureOk } from '../../../../samplers/vi/pathfinder/normal_approximation.js';
import { paretoSmooth } from '../../../../samplers/vi/pathfinder/pareto_smoothing.js';

const D = 5;
const HESS = [
  [2, 0.3, 0, 0.1, 0],
  [0.3, 1, 0.2, 0, 0.1],
  [0, 0.2, 3, 0.5, 0],
  [0.1, 0, 0.5, 1.5, 0.2],
  [0, 0.1, 0, 0.2, 0.8],
];
const mul = (a: number[][], v: ArrayLike<number>) => Float64Array.from(a, (row) => row.reduce((s, x, j) => s + x * v[j], 0));

function setup(m: number) {
  const rng = Rng.fromSeed(11);
  const pairs = Array.from({ length: m }, () => {
    const s = Float64Array.from({ length: D }, () => rng.normal());
    return { s, y: mul(HESS, s) };
  });
  let alpha: Float64Array = new Float64Array(D).fill(1);
  for (const p of pairs) alpha = updateDiagonal(alpha, p);
  return { pairs, alpha, rng };
}

/** H as a dense matrix: column j is the mean of the approximation at x = 0 with ∇log p = e_j. */
function denseH(alpha: Float64Array, pairs: { s: Float64Array; y: Float64Array }[]): number[][] {
  const cols = Array.from({ length: D }, (_, j) => normalApproximation(alpha, pairs, new Float64Array(D), Float64Array.from({ length: D }, (_, i) => (i === j ? 1 : 0)))!.mean);
  return Array.from({ length: D }, (_, i) => cols.map((c) => c[i]));
}

test('normal approximation: H satisfies the secant condition H y = s of the newest pair, and is symmetric', async (t) => {
  for (const m of [1, 3, 4]) {
    const { pairs, alpha } = setup(m);
    t.ok(pairs.every(curvatureOk), 'pairs from a convex quadratic pass the curvature check');
    const H = denseH(alpha, pairs);
    const hy = mul(H, pairs[m - 1].y);
    const err = Math.max(...hy.map((v, i) => Math.abs(v - pairs[m - 1].s[i])));
    t.ok(err < 1e-10, `m = ${m}: |H y − s|∞ = ${err.toExponential(2)}`);
    const asym = Math.max(...H.flatMap((row, i) => row.map((v, j) => Math.abs(v - H[j][i]))));
    t.ok(asym < 1e-10, `m = ${m}: symmetric (${asym.toExponential(2)})`);
  }
});

test('normal approximation: draws have covariance H and log q is the N(μ, H) log density', async (t) => {
  const { pairs, alpha, rng } = setup(3);
  const x = Float64Array.of(0.5, -1, 0.2, 0, 1);
  const grad = Float64Array.of(0.3, 0.1, -0.2, 0.4, 0);
  const approx = normalApproximation(alpha, pairs, x, grad)!;
  const H = denseH(alpha, pairs);
  const hg = mul(H, grad);
  t.ok(Math.max(...Array.from(approx.mean, (v, i) => Math.abs(v - x[i] - hg[i]))) < 1e-12, 'mean = x + H ∇log p');
  // Monte Carlo covariance: SE of a covariance entry is √((H_ii H_jj + H_ij²)/N).
  const N = 40000;
  const C = H.map((row) => row.map(() => 0));
  const u = new Float64Array(D);
  const out = new Float64Array(D);
  let worstLogQ = 0;
  // Dense log N(x; μ, H) from the Cholesky factor of H for comparison.
  const L = H.map((row) => row.map(() => 0));
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const logDet = L.reduce((s, row, i) => s + Math.log(row[i]), 0);
  for (let n = 0; n < N; n++) {
    rng.fillNormal(u);
    const lq = approx.draw(u, out);
    const r = Array.from(out, (v, i) => v - approx.mean[i]);
    for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) C[i][j] += (r[i] * r[j]) / N;
    if (n < 200) {
      const z = new Array<number>(D).fill(0);
      for (let i = 0; i < D; i++) {
        let s = r[i];
        for (let k = 0; k < i; k++) s -= L[i][k] * z[k];
        z[i] = s / L[i][i];
      }
      const dense = -logDet - 0.5 * z.reduce((s, v) => s + v * v, 0) - 0.5 * D * Math.log(2 * Math.PI);
      worstLogQ = Math.max(worstLogQ, Math.abs(dense - lq));
    }
  }
  t.ok(worstLogQ < 1e-9, `log q agrees with the dense Gaussian density (worst ${worstLogQ.toExponential(2)})`);
  let worstZ = 0;
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) worstZ = Math.max(worstZ, Math.abs(C[i][j] - H[i][j]) / Math.sqrt((H[i][i] * H[j][j] + H[i][j] ** 2) / N));
  t.ok(worstZ < 4, `sample covariance within 4 SE of H (worst z = ${worstZ.toFixed(2)})`);
  const v = approx.variances();
  t.ok(Math.max(...Array.from(v, (x, i) => Math.abs(x - H[i][i]))) < 1e-10, 'variances() = diag(H)');
});

test('pareto smoothing: normalised weights, uniform for equal ratios, and k̂ of a Pareto tail', async (t) => {
  const flat = paretoSmooth(new Float64Array(100).fill(3));
  t.ok(flat.logWeights.every((w) => Math.abs(w + Math.log(100)) < 1e-12), 'equal ratios: uniform weights');
  const rng = Rng.fromSeed(5);
  for (const k of [0.2, 0.8]) {
    // w = U^(−k) has a Pareto tail with shape k; the GPD estimate's sd is about (1 + k)/√M, M = 3√S tail draws.
    const S = 20000;
    const lr = Float64Array.from({ length: S }, () => -k * Math.log(rng.uniform()));
    const res = paretoSmooth(lr);
    const M = Math.ceil(3 * Math.sqrt(S));
    const se = (1 + k) / Math.sqrt(M);
    t.ok(Math.abs(res.k - k) < 4 * se, `k = ${k}: k̂ = ${res.k.toFixed(3)} (4 SE = ${(4 * se).toFixed(3)})`);
    const total = res.logWeights.reduce((s, w) => s + Math.exp(w), 0);
    t.ok(Math.abs(total - 1) < 1e-9, 'weights sum to 1');
  }
});
