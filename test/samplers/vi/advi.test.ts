/**
 * ADVI tests. Tolerances come from Monte Carlo error: either the standard error of a Monte Carlo
 * average computed from the draws themselves, or the spread of R independent fits (seeds
 * 100..100+R−1). With a test statistic z = (estimate − truth)/SE we allow |z| < K_SE = 4: for a
 * t distribution with 19 degrees of freedom P(|t| > 4) ≈ 8e-4, so ~20 such checks per test fail
 * by chance with probability ≈ 1.5%, while a wrong gradient or fixed point gives z of 10s or more.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { advi, AdviError, MAX_STEP_HALVINGS, type AdviFit, type AdviOptions } from '../../../samplers/vi/advi.js';
import { estimateElbo, estimateElboGrad, makeFamily, makeScratch } from '../../../samplers/vi/families.js';
import { ascentStep, updateGradHistory, STEP_SIZE_ALPHA, STEP_SIZE_TAU } from '../../../samplers/vi/step_size.js';
import { adviInitializer } from '../../../samplers/vi/advi_initializer.js';
import { ADVI_OPTION_NAMES } from '../../../samplers/vi/advi_options.js';
import type { PosteriorTarget } from '../../../samplers/types.js';
import { createAdviProgress } from '../../../samplers/vi/progress_bar.js';
import { Writable } from 'node:stream';

const K_SE = 4;

// ---------- small dense linear algebra (row-major number[][]) ----------

function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(s) : s / l[j][j];
    }
  }
  return l;
}

function inverseSpd(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: number[]) => {
  const m = meanOf(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

// ---------- a correlated 5-d Gaussian target with known mean and precision ----------

const DIM = 5;
const FACTOR = [
  [1.5, 0, 0, 0, 0],
  [0.6, 1.2, 0, 0, 0],
  [-0.4, 0.5, 0.9, 0, 0],
  [0.3, -0.2, 0.4, 1.1, 0],
  [0.2, 0.3, -0.5, 0.2, 0.8],
];
const PRECISION = FACTOR.map((ri) => FACTOR.map((rj) => ri.reduce((s, v, k) => s + v * rj[k], 0)));
const COVARIANCE = inverseSpd(PRECISION);
const MEAN = [1, -2, 0.5, 3, -1];
/** The ELBO's optimum has log p near 0; −100 keeps Stan's relative ELBO change meaningful. */
const LOG_DENSITY_OFFSET = -100;

function gaussianTarget(): PosteriorTarget {
  return {
    dim: DIM,
    logDensityAndGrad(x, g) {
      let lp = LOG_DENSITY_OFFSET;
      for (let i = 0; i < DIM; i++) {
        let s = 0;
        for (let j = 0; j < DIM; j++) s += PRECISION[i][j] * (x[j] - MEAN[j]);
        g[i] = -s;
        lp -= 0.5 * (x[i] - MEAN[i]) * s;
      }
      return lp;
    },
  };
}

/** Runs R fits with seeds 100.. and returns, per statistic, the replicate mean and standard error. */
async function replicate(R: number, opts: AdviOptions, stats: (f: AdviFit) => number[]) {
  const rows: number[][] = [];
  for (let r = 0; r < R; r++) rows.push(stats(await advi(gaussianTarget(), { schedule: 'stan', ...opts, seed: 100 + r })));
  return rows[0].map((_, j) => {
    const col = rows.map((row) => row[j]);
    return { mean: meanOf(col), se: sdOf(col) / Math.sqrt(R), sd: sdOf(col) };
  });
}

/*
 * Why gradSamples = 10 in the recovery tests: Stan's step ρ_k divides g_k by √s_k, and s_k
 * contains g_k² itself, so large gradient draws are shrunk more than small ones. For the log-sd
 * (whose gradient noise is a skewed χ²-like term) this moves the fixed point: we measured sds
 * ~4% too large with gradSamples = 1, independent of the iteration count (5000 vs 20000), and
 * ~1% with gradSamples = 10, below the replicate standard error here (documented in docs/advi.md).
 * The mean is unaffected (its noise is symmetric). So these checks are k·SE tests of an
 * algorithm whose residual bias is below one SE, not tolerances tuned to pass.
 */
const RECOVERY = { R: 20, iterations: 2000, gradSamples: 10, tolRelObj: 1e-12 } as const;

test('advi meanfield recovers the mean and the variances 1/Λ_ii of a correlated Gaussian', async (t) => {
  const res = await replicate(
    RECOVERY.R,
    { method: 'meanfield', iterations: RECOVERY.iterations, gradSamples: RECOVERY.gradSamples, tolRelObj: RECOVERY.tolRelObj },
    (f) => [...f.mean, ...f.sd.map((s) => s * s)],
  );
  const truth = [...MEAN, ...PRECISION.map((row, i) => 1 / row[i])];
  truth.forEach((v, j) => {
    const z = (res[j].mean - v) / res[j].se;
    const what = j < DIM ? `mean[${j}]` : `variance[${j - DIM}]`;
    t.ok(Math.abs(z) < K_SE, `${what}: ${res[j].mean.toFixed(4)} vs ${v.toFixed(4)} (z = ${z.toFixed(2)}, SE ${res[j].se.toFixed(4)})`);
  });
  // The approximation is the mean-field one, not the marginal: var 1/Λ_ii is well below Σ_ii here.
  t.ok(res[DIM].mean < 0.8 * COVARIANCE[0][0], 'meanfield variance underestimates the marginal variance, as theory says');
});

test('advi fullrank recovers the full covariance of a correlated Gaussian', async (t) => {
  const res = await replicate(
    RECOVERY.R,
    { method: 'fullrank', iterations: RECOVERY.iterations, gradSamples: RECOVERY.gradSamples, tolRelObj: RECOVERY.tolRelObj },
    (f) => [...f.mean, ...f.cov!],
  );
  const truth = [...MEAN, ...COVARIANCE.flat()];
  let worst = 0;
  truth.forEach((v, j) => {
    const z = (res[j].mean - v) / res[j].se;
    worst = Math.max(worst, Math.abs(z));
    if (j < DIM || j % (DIM + 1) === 0 || Math.abs(z) >= K_SE) {
      const what = j < DIM ? `mean[${j}]` : `cov[${Math.floor((j - DIM) / DIM)},${(j - DIM) % DIM}]`;
      t.ok(Math.abs(z) < K_SE, `${what}: ${res[j].mean.toFixed(4)} vs ${v.toFixed(4)} (z = ${z.toFixed(2)})`);
    }
  });
  t.ok(worst < K_SE, `all ${truth.length} mean and covariance entries within ${K_SE} SE (worst z = ${worst.toFixed(2)})`);
});

test('advi families: Monte Carlo ELBO and gradient match the closed forms for a Gaussian target', async (t) => {
  // For log p = −½(x−m)ᵀΛ(x−m) + c and q = N(μ, LLᵀ):
  //   ELBO = c − ½(μ−m)ᵀΛ(μ−m) − ½ tr(ΛLLᵀ) + Σ log L_ii + ½ d (1 + log 2π)
  //   ∇_μ = −Λ(μ−m), ∇_L = tril(−ΛL) + diag(1/L_ii); mean-field is L = diag(exp ω), ∇_ω = −Λ_ii e^{2ω} + 1.
  const target = gaussianTarget();
  const rng = Rng.fromSeed(7);
  const N = 4000;
  for (const method of ['meanfield', 'fullrank'] as const) {
    const family = makeFamily(method, DIM);
    const params = family.initialParams(Float64Array.from(MEAN, (m, i) => m + 0.3 * (i - 2)));
    for (let i = DIM; i < family.numParams; i++) params[i] += 0.2 * Math.sin(3 * i); // a generic point
    const L = family.cholesky(params);
    // L as stored (the diagonal may carry any sign); zero above the diagonal
    const Lsigned = (i: number, j: number) =>
      j > i ? 0 : method === 'fullrank' ? params[DIM + (i * (i + 1)) / 2 + j] : i === j ? Math.exp(params[DIM + i]) : 0;
    const dmu = MEAN.map((m, i) => params[i] - m);
    const lam = (i: number) => PRECISION[i];
    let quad = 0;
    let trace = 0;
    let logDet = 0;
    for (let i = 0; i < DIM; i++) {
      quad += dmu[i] * lam(i).reduce((s, v, j) => s + v * dmu[j], 0);
      logDet += Math.log(L[i * DIM + i]);
      for (let j = 0; j < DIM; j++) for (let k = 0; k < DIM; k++) trace += PRECISION[i][j] * L[j * DIM + k] * L[i * DIM + k];
    }
    const elboExact = LOG_DENSITY_OFFSET - 0.5 * quad - 0.5 * trace + logDet + 0.5 * DIM * (1 + Math.log(2 * Math.PI));
    const expected = new Float64Array(family.numParams);
    for (let i = 0; i < DIM; i++) expected[i] = -lam(i).reduce((s, v, j) => s + v * dmu[j], 0);
    for (let i = 0; i < DIM; i++) {
      for (let j = 0; j <= i; j++) {
        let v = 0;
        for (let k = 0; k < DIM; k++) v -= PRECISION[i][k] * Lsigned(k, j);
        if (i === j) v += 1 / Lsigned(i, i);
        if (method === 'fullrank') expected[DIM + (i * (i + 1)) / 2 + j] = v;
        else if (i === j) expected[DIM + i] = v * Lsigned(i, i); // chain rule through exp(ω)
      }
    }
    // Per-draw gradients (numSamples = 1) give the mean and its standard error.
    const scratch = makeScratch(DIM);
    const g = new Float64Array(family.numParams);
    const sum = new Float64Array(family.numParams);
    const sumSq = new Float64Array(family.numParams);
    for (let n = 0; n < N; n++) {
      estimateElboGrad(family, params, target, rng, 1, g, scratch);
      for (let i = 0; i < g.length; i++) {
        sum[i] += g[i];
        sumSq[i] += g[i] * g[i];
      }
    }
    let worst = 0;
    for (let i = 0; i < g.length; i++) {
      const m = sum[i] / N;
      const se = Math.sqrt((sumSq[i] / N - m * m) / (N - 1));
      const zi = Math.abs(m - expected[i]) / se;
      worst = Math.max(worst, zi);
    }
    t.ok(worst < K_SE, `${method}: every gradient component within ${K_SE} SE of the closed form (worst z = ${worst.toFixed(2)})`);
    // ELBO: 20 estimates of 200 draws each; the entropy is exact, only E log p is noisy.
    const elbos = Array.from({ length: 20 }, () => estimateElbo(family, params, target, rng, 200, scratch));
    const z = (meanOf(elbos) - elboExact) / (sdOf(elbos) / Math.sqrt(elbos.length));
    t.ok(Math.abs(z) < K_SE, `${method}: ELBO ${meanOf(elbos).toFixed(4)} vs closed form ${elboExact.toFixed(4)} (z = ${z.toFixed(2)})`);
    t.ok(Math.abs(family.entropy(params) - (logDet + 0.5 * DIM * (1 + Math.log(2 * Math.PI)))) < 1e-12, `${method}: entropy`);
  }
});

test('advi step-size sequence follows ρ_k = η k^(-1/2) / (τ + √s_k) with s_1 = g_1²', async (t) => {
  const g1 = Float64Array.of(2, -0.5);
  const g2 = Float64Array.of(-1, 4);
  const s = new Float64Array(2);
  updateGradHistory(s, g1, 1, s);
  t.deepEqual(Array.from(s), [4, 0.25], 's_1 = g_1²');
  updateGradHistory(s, g2, 2, s);
  const s2 = [STEP_SIZE_ALPHA * 1 + (1 - STEP_SIZE_ALPHA) * 4, STEP_SIZE_ALPHA * 16 + (1 - STEP_SIZE_ALPHA) * 0.25];
  t.ok(Math.abs(s[0] - s2[0]) < 1e-15 && Math.abs(s[1] - s2[1]) < 1e-15, 's_2 = α g_2² + (1−α) s_1');
  const next = ascentStep(Float64Array.of(1, 1), g2, s, 2, 0.1, new Float64Array(2));
  for (let i = 0; i < 2; i++) {
    const want = 1 + ((0.1 / Math.sqrt(2)) * g2[i]) / (STEP_SIZE_TAU + Math.sqrt(s2[i]));
    t.ok(Math.abs(next[i] - want) < 1e-14, `step ${i}: ${next[i]} vs ${want}`);
  }
});

// ---------- Bayesian logistic regression, 3 coefficients, 200 points ----------

const PRIOR_SD = 2.5;

function logisticData() {
  const rng = Rng.fromSeed(2024);
  const beta = [-0.5, 1.2, -0.8];
  const X: number[][] = [];
  const y: number[] = [];
  for (let n = 0; n < 200; n++) {
    const x = [1, rng.normal(), rng.normal()];
    const eta = x.reduce((s, v, k) => s + v * beta[k], 0);
    X.push(x);
    y.push(rng.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

/** log p(β | X, y) up to a constant, with β ~ N(0, 2.5²) and y ~ Bernoulli(logit⁻¹(Xβ)). */
function logisticTarget(): PosteriorTarget & { hessian(b: ArrayLike<number>): number[][] } {
  const { X, y } = logisticData();
  const logDensityAndGrad = (b: Float64Array, g: Float64Array) => {
    let lp = 0;
    for (let k = 0; k < 3; k++) {
      lp -= (0.5 * b[k] * b[k]) / PRIOR_SD ** 2;
      g[k] = -b[k] / PRIOR_SD ** 2;
    }
    for (let n = 0; n < X.length; n++) {
      const eta = X[n][0] * b[0] + X[n][1] * b[1] + X[n][2] * b[2];
      // log σ(η) = −log(1 + e^−η), stable for either sign
      const logSig = eta >= 0 ? -Math.log1p(Math.exp(-eta)) : eta - Math.log1p(Math.exp(eta));
      lp += y[n] ? logSig : logSig - eta;
      const r = y[n] - 1 / (1 + Math.exp(-eta));
      for (let k = 0; k < 3; k++) g[k] += r * X[n][k];
    }
    return lp;
  };
  return {
    dim: 3,
    logDensityAndGrad,
    hessian(b) {
      const h = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? -1 / PRIOR_SD ** 2 : 0)));
      for (const x of X) {
        const p = 1 / (1 + Math.exp(-(x[0] * b[0] + x[1] * b[1] + x[2] * b[2])));
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) h[i][j] -= p * (1 - p) * x[i] * x[j];
      }
      return h;
    },
  };
}

/**
 * Reference posterior: Laplace approximation by Newton's method, then self-normalised importance
 * sampling with the Laplace Gaussian (covariance inflated 1.5² for safe tails) as proposal, which
 * removes the Laplace error and gives the exact posterior mean with a computable MCSE.
 */
function logisticReference() {
  const target = logisticTarget();
  const b = new Float64Array(3);
  const g = new Float64Array(3);
  for (let it = 0; it < 50; it++) {
    target.logDensityAndGrad(b, g);
    const step = inverseSpd(target.hessian(b).map((r) => r.map((v) => -v)));
    for (let i = 0; i < 3; i++) b[i] += step[i].reduce((s, v, j) => s + v * g[j], 0);
  }
  const cov = inverseSpd(target.hessian(b).map((r) => r.map((v) => -v)));
  const scale = 1.5;
  const L = cholesky(cov);
  const rng = Rng.fromSeed(99);
  const N = 20000;
  const draws: number[][] = [];
  const logW: number[] = [];
  const z = new Float64Array(3);
  const x = new Float64Array(3);
  for (let n = 0; n < N; n++) {
    rng.fillNormal(z);
    for (let i = 0; i < 3; i++) x[i] = b[i] + scale * L[i].reduce((s, v, j) => s + v * z[j], 0);
    const logQ = -0.5 * (z[0] ** 2 + z[1] ** 2 + z[2] ** 2); // constants cancel after normalising
    logW.push(target.logDensityAndGrad(x, g) - logQ);
    draws.push(Array.from(x));
  }
  const maxLogW = Math.max(...logW);
  const w = logW.map((v) => Math.exp(v - maxLogW));
  const wSum = w.reduce((a, c) => a + c, 0);
  const mean = [0, 1, 2].map((k) => draws.reduce((s, d, n) => s + w[n] * d[k], 0) / wSum);
  const sd = [0, 1, 2].map((k) => Math.sqrt(draws.reduce((s, d, n) => s + w[n] * (d[k] - mean[k]) ** 2, 0) / wSum));
  // Delta-method MCSE of a self-normalised IS mean: √(Σ w_n² (x_n − mean)²) / Σ w_n.
  const mcse = [0, 1, 2].map((k) => Math.sqrt(draws.reduce((s, d, n) => s + w[n] ** 2 * (d[k] - mean[k]) ** 2, 0)) / wSum);
  const ess = wSum ** 2 / w.reduce((s, v) => s + v * v, 0);
  return { mode: Array.from(b), mean, sd, mcse, ess };
}

test('advi on a Bayesian logistic regression: means agree with the exact posterior means', async (t) => {
  const ref = logisticReference();
  t.ok(ref.ess > 5000, `importance-sampling reference has ESS ${ref.ess.toFixed(0)} of 20000`);
  /*
   * Tolerance per coefficient: ALLOWED_VI_BIAS·sd for the approximation itself (the KL(q‖p)
   * optimum's mean differs from the posterior mean by the posterior's skewness, O(n^-1/2) sds;
   * the Laplace mode here differs from the mean by at most 0.05 sd, a measure of that skewness),
   * plus K_SE standard errors of (reference MCSE and ADVI's run-to-run spread over R = 8 seeds).
   */
  const ALLOWED_VI_BIAS = 0.1;
  for (const method of ['meanfield', 'fullrank'] as const) {
    const fits: AdviFit[] = [];
    for (let r = 0; r < 8; r++) fits.push(await advi(logisticTarget(), { schedule: 'stan', method, seed: 300 + r }));
    for (let k = 0; k < 3; k++) {
      const est = fits.map((f) => f.mean[k]);
      const spread = sdOf(est);
      const tol = ALLOWED_VI_BIAS * ref.sd[k] + K_SE * Math.sqrt(ref.mcse[k] ** 2 + spread ** 2);
      // each fit individually (a user runs one), not just their average
      const worst = Math.max(...est.map((v) => Math.abs(v - ref.mean[k])));
      t.ok(
        worst < tol,
        `${method} β[${k}]: worst of 8 fits off by ${worst.toFixed(4)} from ${ref.mean[k].toFixed(4)} (tol ${tol.toFixed(4)}, posterior sd ${ref.sd[k].toFixed(3)}, fit spread ${spread.toFixed(4)})`,
      );
    }
    t.ok(fits.every((f) => f.converged), `${method}: every run converged at tolRelObj 0.01 (iterations ${fits.map((f) => f.iterations).join(', ')})`);
  }
});

test('advi: the ELBO increases on average over a run', async (t) => {
  // A far start and a small fixed η (the search would pick a large one and be at the optimum within
  // its 50 iterations), so the run is a climb that the ELBO history must show.
  const fit = await advi(logisticTarget(), { schedule: 'stan', seed: 11, iterations: 2000, evalElbo: 50, tolRelObj: 1e-12, stepSize: 0.05, init: Float64Array.of(3, -3, 3) });
  const e = Array.from(fit.elbo);
  t.equal(e.length, 40, '40 evaluations at every 50 of 2000 iterations');
  t.deepEqual(Array.from(fit.elboIterations.slice(0, 3)), [50, 100, 150], 'elboIterations records when each was taken');
  const q = e.length / 4;
  const first = meanOf(e.slice(0, q));
  const last = meanOf(e.slice(-q));
  // Noise of a quarter-mean: the last quarter's spread over √q; the gap must exceed K_SE of it.
  const se = sdOf(e.slice(-q)) / Math.sqrt(q);
  t.ok(last - first > K_SE * se, `mean ELBO of the last quarter ${last.toFixed(3)} > first quarter ${first.toFixed(3)} by > ${K_SE} SE (${se.toFixed(4)})`);
  t.notOk(fit.converged, 'tolRelObj 1e-12 runs to the cap');
  t.ok(fit.warnings.some((w) => w.includes('maximum number of iterations')), 'hitting the cap is reported in warnings');
});

test('advi: the same seed gives an identical fit and identical draws', async (t) => {
  for (const method of ['meanfield', 'fullrank'] as const) {
    const a = await advi(logisticTarget(), { schedule: 'stan', method, seed: 5 });
    const b = await advi(logisticTarget(), { schedule: 'stan', method, seed: 5 });
    const c = await advi(logisticTarget(), { schedule: 'stan', method, seed: 6 });
    t.deepEqual(Array.from(a.mean), Array.from(b.mean), `${method}: mean`);
    t.deepEqual(Array.from(a.sd), Array.from(b.sd), `${method}: sd`);
    t.deepEqual(Array.from(a.elbo), Array.from(b.elbo), `${method}: ELBO history`);
    t.equal(a.stepSize, b.stepSize, `${method}: step size`);
    t.deepEqual(Array.from(a.sample(50, 1).get('x').values), Array.from(b.sample(50, 1).get('x').values), `${method}: draws`);
    t.notDeepEqual(Array.from(a.mean), Array.from(c.mean), `${method}: another seed gives another fit`);
  }
});

test('advi sample(): a one-chain Trace in constrained space with lp', async (t) => {
  // x0 unconstrained, x1 = exp(u1) > 0: log p(u) = log N(x0; 1, 0.5²) + log Gamma(x1; 3, 2) + u1 (Jacobian)
  const target: PosteriorTarget = {
    dim: 2,
    params: [
      { name: 'mu', shape: [] },
      { name: 'sigma', shape: [] },
    ],
    logDensityAndGrad(u, g) {
      const s = Math.exp(u[1]);
      g[0] = -(u[0] - 1) / 0.25;
      g[1] = 3 - 2 * s; // d/du [2 log s − 2 s + u] with log s = u: (3 − 1)·1 − 2s + 1
      return -0.5 * (u[0] - 1) ** 2 / 0.25 + 2 * u[1] - 2 * s + u[1];
    },
    constrainInto(u, out) {
      out[0] = u[0];
      out[1] = Math.exp(u[1]);
    },
  };
  const fit = await advi(target, { schedule: 'stan', seed: 3, gradSamples: 10 });
  const n = 4000;
  const trace = fit.sample(n, 8);
  t.equal(trace.chains, 1, 'one chain');
  t.equal(trace.draws, n, `${n} draws`);
  t.deepEqual(trace.paramNames, ['mu', 'sigma'], 'parameter names from target.params');
  const sigma = trace.get('sigma').values;
  t.ok(sigma.every((v) => v > 0), 'sigma draws are on the constrained (positive) scale');
  // Draws follow q: the log of sigma has mean fit.mean[1] and sd fit.sd[1], within K_SE MC errors.
  const logSigma = Array.from(sigma, Math.log);
  const zMean = (meanOf(logSigma) - fit.mean[1]) / (fit.sd[1] / Math.sqrt(n));
  t.ok(Math.abs(zMean) < K_SE, `mean of log sigma draws matches the fit (z = ${zMean.toFixed(2)})`);
  const zSd = (sdOf(logSigma) / fit.sd[1] - 1) / Math.sqrt(1 / (2 * (n - 1))); // SE of a normal sample sd ratio
  t.ok(Math.abs(zSd) < K_SE, `sd of log sigma draws matches the fit (z = ${zSd.toFixed(2)})`);
  const lp = trace.stat('lp')![0];
  const mu = trace.get('mu').values;
  const g = new Float64Array(2);
  const want = target.logDensityAndGrad(Float64Array.of(mu[17], Math.log(sigma[17])), g);
  t.ok(Math.abs(lp[17] - want) < 1e-9, 'stats.lp is the log density at the draw');
  t.equal(trace.meta.sampler, 'advi', 'meta names the method');
  t.throws(() => fit.sample(0, 1), /n must be a positive integer, got 0/, 'sample(0) rejected');
  t.throws(() => fit.sample(10, 1.5), /seed must be an integer, got 1.5/, 'fractional seed rejected');
  // Without params: one parameter x of shape [dim] on the unconstrained scale.
  const plain = await advi(gaussianTarget(), { schedule: 'stan', seed: 1, iterations: 200 });
  const tr = plain.sample(3, 1);
  t.deepEqual(tr.paramNames, ['x'], "no params: one parameter 'x'");
  t.deepEqual(tr.get('x').shape, [1, 3, DIM], 'x has shape [chains, draws, dim]');
});

test('advi: a non-finite step is retried with a halved step size', async (t) => {
  // N(0, 1) in 2-d that is undefined (NaN) beyond |x_i| > 20: η = 100 makes the first steps leave it.
  let nanCalls = 0;
  const target: PosteriorTarget = {
    dim: 2,
    logDensityAndGrad(x, g) {
      if (Math.abs(x[0]) > 20 || Math.abs(x[1]) > 20) {
        nanCalls++;
        g.fill(NaN);
        return NaN;
      }
      g[0] = -x[0];
      g[1] = -x[1];
      return -100 - 0.5 * (x[0] ** 2 + x[1] ** 2);
    },
  };
  const fit = await advi(target, { schedule: 'stan', seed: 4, stepSize: 100, init: 'zero', iterations: 3000, gradSamples: 10 });
  t.ok(nanCalls > 0, `the target did return NaN (${nanCalls} times)`);
  t.ok(fit.stepSize < 100 && fit.stepSize >= 100 / 2 ** MAX_STEP_HALVINGS, `step size halved to ${fit.stepSize}`);
  t.ok(Array.from(fit.mean).every((m) => Math.abs(m) < 0.5) && Array.from(fit.sd).every((s) => Math.abs(s - 1) < 0.3), `fit still finds N(0, I): mean ${Array.from(fit.mean, (v) => v.toFixed(3))}, sd ${Array.from(fit.sd, (v) => v.toFixed(3))}`);
});

test('advi: a target that stays non-finite gives an error naming the iteration and step size', async (t) => {
  let calls = 0;
  const target: PosteriorTarget = {
    dim: 3,
    logDensityAndGrad(x, g) {
      calls++;
      for (let i = 0; i < 3; i++) g[i] = -x[i];
      return calls > 300 ? NaN : -50 - 0.5 * (x[0] ** 2 + x[1] ** 2 + x[2] ** 2); // breaks after 300 calls
    },
  };
  try {
    await advi(target, { schedule: 'stan', seed: 1, stepSize: 0.5, init: 'zero', evalElbo: 1000 });
    t.fail('expected an error');
  } catch (e) {
    t.ok(e instanceof AdviError, 'an AdviError');
    const msg = (e as Error).message;
    // init check (1 call) + initial gradient (1) + one gradient per iteration: iteration 299 is the first NaN
    t.ok(/at iteration 299 /.test(msg), `names the iteration: ${msg}`);
    t.ok(msg.includes(`step size ${0.5 / 2 ** MAX_STEP_HALVINGS}`), 'names the final step size');
    const fit = (e as AdviError).fit!;
    t.equal(fit.iterations, 298, 'error.fit keeps the last good iterate');
    t.ok(Array.from(fit.mean).every(Number.isFinite), 'and it is finite');
  }
  // A target that is NaN everywhere but at the start cannot even begin.
  const nowhere: PosteriorTarget = { dim: 1, logDensityAndGrad: (x, g) => ((g[0] = -x[0]), x[0] === 0 ? 0 : NaN) };
  try {
    await advi(nowhere, { schedule: 'stan', seed: 1, stepSize: 1, init: 'zero' });
    t.fail('expected an error');
  } catch (e) {
    t.ok(/initial point \(iteration 0\)/.test((e as Error).message), `initial failure: ${(e as Error).message}`);
  }
  try {
    await advi(nowhere, { schedule: 'stan', seed: 1, init: 'zero' });
    t.fail('expected an error');
  } catch (e) {
    t.ok(/cannot compute the ELBO at the initial/.test((e as Error).message), `step-size search failure: ${(e as Error).message}`);
  }
});

test('advi: invalid options are rejected by name', async (t) => {
  const target = gaussianTarget();
  const cases: [AdviOptions | Record<string, unknown>, RegExp][] = [
    [{ method: 'lowrank' }, /options\.method must be one of 'meanfield', 'fullrank', got "lowrank"/],
    [{ iterations: 0 }, /options\.iterations must be a positive integer, got 0/],
    [{ iterations: 10.5 }, /options\.iterations must be a positive integer, got 10.5/],
    [{ tolRelObj: 0 }, /options\.tolRelObj must be a finite number > 0, got 0/],
    [{ tolRelObj: NaN }, /options\.tolRelObj must be a finite number > 0, got NaN/],
    [{ gradSamples: 0 }, /options\.gradSamples must be a positive integer, got 0/],
    [{ elboSamples: -1 }, /options\.elboSamples must be a positive integer, got -1/],
    [{ evalElbo: 0 }, /options\.evalElbo must be a positive integer, got 0/],
    [{ stepSize: -1 }, /options\.stepSize must be a finite number > 0, got -1/],
    [{ adaptIterations: 0 }, /options\.adaptIterations must be a positive integer, got 0/],
    [{ seed: 1.5 }, /options\.seed must be an integer, got 1.5/],
    [{ init: new Float64Array(2) }, /options\.init has length 2, expected target\.dim = 5/],
    [{ init: 'middle' }, /options\.init must be a Float64Array, 'random' or 'zero', got middle/],
    [{ iter: 100 }, /unknown option 'iter'/],
  ];
  for (const [opts, re] of cases) {
    try {
      await advi(target, opts as AdviOptions);
      t.fail(`accepted ${JSON.stringify(opts)}`);
    } catch (e) {
      t.ok(re.test((e as Error).message), `${JSON.stringify(opts)} -> ${(e as Error).message}`);
    }
  }
  try {
    await advi({ dim: 0, logDensityAndGrad: () => 0 });
    t.fail('accepted dim 0');
  } catch (e) {
    t.ok(/target\.dim must be a positive integer, got 0/.test((e as Error).message), 'target.dim 0 rejected');
  }
  t.throws(() => adviInitializer({ method: 'fullrank' } as never), /option 'method' is set by the hook/, 'adviInitializer rejects method');
});

test('advi: every documented option name is known, and the unknown-option error lists them all', async (t) => {
  const target = gaussianTarget();
  t.deepEqual(
    [...ADVI_OPTION_NAMES].sort(),
    [
      'adaptIterations', 'elboSamples', 'evalElbo', 'finalElboSamples', 'gradSamples', 'init', 'iterations', 'method', 'progress', 'refineGradSamples',
      'refineIterations', 'restarts', 'schedule', 'seed', 'signal', 'stepSize', 'tolParam', 'tolRelObj',
    ],
    'the names of AdviOptions',
  );
  for (const name of ADVI_OPTION_NAMES) {
    // undefined is "not given" for every option, so only the name is checked here.
    const fit = await advi(target, { schedule: 'stan', [name]: undefined, iterations: 200, seed: 1, stepSize: 0.1, progress: false } as AdviOptions);
    t.ok(fit.iterations > 0, `'${name}' is accepted`);
  }
  for (const name of ['toString', 'constructor', 'iter']) {
    try {
      await advi(target, { schedule: 'stan', [name]: 1 } as AdviOptions);
      t.fail(`accepted '${name}'`);
    } catch (e) {
      t.equal((e as Error).message, `advi: unknown option '${name}'; known options are ${ADVI_OPTION_NAMES.join(', ')}`, `'${name}' is rejected`);
    }
  }
});

test('advi: an aborted signal returns the fit so far, equal to a run capped there', async (t) => {
  const controller = new AbortController();
  let calls = 0;
  const base = logisticTarget();
  const target: PosteriorTarget = {
    dim: base.dim,
    logDensityAndGrad(x, g) {
      if (++calls === 1000) controller.abort(); // deterministic: after a fixed amount of work
      return base.logDensityAndGrad(x, g);
    },
  };
  const opts: AdviOptions = { seed: 21, stepSize: 1, tolRelObj: 1e-12, iterations: 5000, evalElbo: 100 };
  const fit = await advi(target, { schedule: 'stan', ...opts, signal: controller.signal });
  t.ok(fit.interrupted && !fit.converged, 'interrupted, not converged');
  t.ok(fit.iterations > 0 && fit.iterations < 5000, `stopped after ${fit.iterations} iterations`);
  t.equal(fit.elbo.length, Math.floor(fit.iterations / 100), 'the ELBO history so far is kept');
  // Nothing is lost: the fit is the same as that of a run whose cap is the iteration reached.
  const capped = await advi(logisticTarget(), { schedule: 'stan', ...opts, iterations: fit.iterations });
  t.deepEqual(Array.from(fit.mean), Array.from(capped.mean), 'same mean as the capped run');
  t.deepEqual(Array.from(fit.sd), Array.from(capped.sd), 'same sd as the capped run');
  t.ok(fit.sample(10, 1).draws === 10, 'the interrupted fit can be sampled');
  // Aborted before starting: the initial approximation, zero iterations.
  const early = new AbortController();
  early.abort();
  const none = await advi(logisticTarget(), { schedule: 'stan', seed: 1, signal: early.signal, init: 'zero' });
  t.ok(none.interrupted && none.iterations === 0, 'pre-aborted signal: interrupted at iteration 0');
  t.deepEqual(Array.from(none.mean), [0, 0, 0], 'pre-aborted signal: the starting mean');
});

test('adviInitializer: position = fitted mean, inverse mass matrix = fitted variances', async (t) => {
  const init = adviInitializer({ iterations: 3000, gradSamples: 5 });
  const target = logisticTarget();
  const r = await init(target, { seed: 9 });
  const fit = await advi(logisticTarget(), { schedule: 'stan', method: 'meanfield', seed: 9, iterations: 3000, gradSamples: 5 });
  t.deepEqual(Array.from(r.position), Array.from(fit.mean), 'position is the mean-field ADVI mean for the same seed');
  t.deepEqual(Array.from(r.inverseMassMatrix), Array.from(fit.sd, (s) => s * s), 'inverse mass matrix is sd²');
  t.equal(r.fit?.method, 'meanfield', 'always mean-field, as PyMC');
});

test('advi progress: a bar with ELBO and relative change on a TTY, silent otherwise', async (t) => {
  const fakeStream = (isTTY: boolean) => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    Object.assign(stream, { isTTY, columns: 120 });
    return { stream, chunks };
  };
  const tty = fakeStream(true);
  const bar = createAdviProgress(true, 1000, tty.stream);
  bar.update(500, -123.456789, 0.0123);
  bar.stop();
  const text = tty.chunks.join('');
  t.ok(text.includes('500/1000') && text.includes('ELBO -123.457') && text.includes('rel. change 0.0123'), 'TTY: shows iteration, ELBO and relative change');
  for (const [enabled, isTTY] of [[true, false], [undefined, false], [false, true]] as const) {
    const s = fakeStream(isTTY);
    const p = createAdviProgress(enabled, 10, s.stream);
    p.update(5, -1, 0.5);
    p.stop();
    t.equal(s.chunks.length, 0, `progress ${enabled} with isTTY ${isTTY}: silent`);
  }
});
