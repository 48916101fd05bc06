/**
 * `dist.*.sample`: draws agree with the family's moments within Monte Carlo error (4.5 standard
 * errors, the errors estimated from the draws' own higher moments), discrete draws' frequencies
 * agree with the pmf (`exp(dist.*.pointwise)`, itself checked against R), and the heavy-tailed
 * families' quartiles with their CDFs. Fixed seeds; shapes, broadcasting and reproducibility.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { lgamma } from '../../../core/special.js';
import { Tensor, tensor } from '../../../autodiff/index.js';
import { dist } from '../../../models/index.js';

const N = 20000;
const Z = 4.5;

/** Check the sample mean and variance of `xs` against `mean` and `variance` within Z standard errors. */
function checkMoments(t: test.Test, xs: ArrayLike<number>, mean: number, variance: number, label: string): void {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i];
  m /= n;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n - 1;
  m4 /= n;
  const seMean = Math.sqrt(m2 / n);
  const seVar = Math.sqrt(Math.max(m4 - m2 * m2, 0) / n);
  t.ok(Math.abs(m - mean) <= Z * seMean, `${label}: mean ${m.toFixed(5)} vs ${mean.toFixed(5)} (se ${seMean.toExponential(2)})`);
  t.ok(Math.abs(m2 - variance) <= Z * seVar, `${label}: variance ${m2.toFixed(5)} vs ${variance.toFixed(5)} (se ${seVar.toExponential(2)})`);
}

/** Check the fraction of draws below `q` against probability `p`. */
function checkFraction(t: test.Test, xs: ArrayLike<number>, q: number, p: number, label: string): void {
  let c = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] < q) c++;
  const f = c / xs.length, se = Math.sqrt((p * (1 - p)) / xs.length);
  t.ok(Math.abs(f - p) <= Z * se, `${label}: P(X < ${q}) = ${f.toFixed(4)} vs ${p}`);
}

/** Frequencies of each value 0…max against pmf(k), for every k with pmf above 1e-3. */
function checkFrequencies(t: test.Test, xs: ArrayLike<number>, pmf: (k: number) => number, max: number, label: string): void {
  const counts = new Map<number, number>();
  for (let i = 0; i < xs.length; i++) {
    counts.set(xs[i], (counts.get(xs[i]) ?? 0) + 1);
  }
  let worst = 0, total = 0;
  for (let k = 0; k <= max; k++) {
    const p = pmf(k);
    total += p;
    if (p < 1e-3) continue;
    const f = (counts.get(k) ?? 0) / xs.length;
    worst = Math.max(worst, Math.abs(f - p) / Math.sqrt((p * (1 - p)) / xs.length));
  }
  t.ok(total > 0.999, `${label}: the checked values hold ${total.toFixed(5)} of the mass`);
  t.ok(worst <= Z, `${label}: frequencies vs pmf, worst ${worst.toFixed(2)} standard errors`);
  t.ok(Array.from(xs).every((v) => Number.isInteger(v) && v >= 0), `${label}: draws are non-negative integers`);
}

const draws = (s: Tensor) => s.data;
const pmfOf = (f: (k: Tensor) => Tensor) => (k: number) => Math.exp(f(tensor(k)).item());

test('continuous families: mean and variance within Monte Carlo error', (t) => {
  const rng = Rng.fromSeed(90210);
  checkMoments(t, draws(dist.normal.sample(rng, 1.5, 2, [N])), 1.5, 4, 'normal(1.5, 2)');
  const s = 1.3;
  checkMoments(t, draws(dist.halfNormal.sample(rng, s, [N])), s * Math.sqrt(2 / Math.PI), s * s * (1 - 2 / Math.PI), 'halfNormal(1.3)');
  const [mu, sd] = [0.2, 0.5];
  checkMoments(t, draws(dist.lognormal.sample(rng, mu, sd, [N])), Math.exp(mu + sd * sd / 2), (Math.exp(sd * sd) - 1) * Math.exp(2 * mu + sd * sd), 'lognormal(0.2, 0.5)');
  checkMoments(t, draws(dist.studentT.sample(rng, 9, -1, 1.5, [N])), -1, 2.25 * 9 / 7, 'studentT(9, -1, 1.5)');
  const nu = 9, hs = 1.5;
  const hMean = 2 * hs * Math.sqrt(nu / Math.PI) * Math.exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) / (nu - 1);
  checkMoments(t, draws(dist.halfStudentT.sample(rng, nu, hs, [N])), hMean, hs * hs * nu / (nu - 2) - hMean * hMean, 'halfStudentT(9, 1.5)');
  checkMoments(t, draws(dist.exponential.sample(rng, 2.5, [N])), 0.4, 0.16, 'exponential(2.5)');
  for (const [a, b] of [[0.4, 2], [3.5, 0.5], [1, 1]]) checkMoments(t, draws(dist.gamma.sample(rng, a, b, [N])), a / b, a / (b * b), `gamma(${a}, ${b})`);
  checkMoments(t, draws(dist.inverseGamma.sample(rng, 5, 2, [N])), 0.5, 4 / (16 * 3), 'inverseGamma(5, 2)');
  for (const [a, b] of [[0.3, 0.7], [2, 5]]) checkMoments(t, draws(dist.beta.sample(rng, a, b, [N])), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)), `beta(${a}, ${b})`);
  checkMoments(t, draws(dist.uniform.sample(rng, -1, 3, [N])), 1, 16 / 12, 'uniform(-1, 3)');
  checkMoments(t, draws(dist.laplace.sample(rng, 0.5, 1.2, [N])), 0.5, 2 * 1.44, 'laplace(0.5, 1.2)');
  checkMoments(t, draws(dist.logistic.sample(rng, -1, 0.7, [N])), -1, 0.49 * Math.PI * Math.PI / 3, 'logistic(-1, 0.7)');
  t.end();
});

test('Cauchy families: quartiles from the CDF', (t) => {
  const rng = Rng.fromSeed(4242);
  const c = draws(dist.cauchy.sample(rng, 0.5, 2, [N]));
  checkFraction(t, c, 0.5, 0.5, 'cauchy(0.5, 2) median');
  checkFraction(t, c, 2.5, 0.75, 'cauchy(0.5, 2) upper quartile');
  checkFraction(t, c, -1.5, 0.25, 'cauchy(0.5, 2) lower quartile');
  const h = draws(dist.halfCauchy.sample(rng, 2, [N]));
  checkFraction(t, h, 2, 0.5, 'halfCauchy(2) median');
  t.ok(Array.from(h).every((v) => v >= 0), 'halfCauchy draws are non-negative');
  t.end();
});

test('discrete families: frequencies against the pmf', (t) => {
  const rng = Rng.fromSeed(31337);
  checkFrequencies(t, draws(dist.bernoulli.sample(rng, 0.3, [N])), pmfOf((k) => dist.bernoulli(k, 0.3)), 1, 'bernoulli(0.3)');
  checkFrequencies(t, draws(dist.bernoulliLogit.sample(rng, -0.4, [N])), pmfOf((k) => dist.bernoulliLogit(k, -0.4)), 1, 'bernoulliLogit(-0.4)');
  for (const [n, p] of [[12, 0.3], [200, 0.4], [30, 0.8], [1000, 0.02]]) {
    checkFrequencies(t, draws(dist.binomial.sample(rng, n, p, [N])), pmfOf((k) => dist.binomial(k, n, p)), n, `binomial(${n}, ${p})`);
  }
  checkFrequencies(t, draws(dist.binomialLogit.sample(rng, 50, 0.7, [N])), pmfOf((k) => dist.binomialLogit(k, 50, 0.7)), 50, 'binomialLogit(50, 0.7)');
  for (const rate of [0.7, 3.5, 40, 400]) {
    checkFrequencies(t, draws(dist.poisson.sample(rng, rate, [N])), pmfOf((k) => dist.poisson(k, rate)), Math.ceil(rate + 12 * Math.sqrt(rate) + 10), `poisson(${rate})`);
  }
  checkFrequencies(t, draws(dist.poissonLog.sample(rng, Math.log(7), [N])), pmfOf((k) => dist.poissonLog(k, Math.log(7))), 40, 'poissonLog(log 7)');
  checkFrequencies(t, draws(dist.negativeBinomial.sample(rng, 4, 1.5, [N])), pmfOf((k) => dist.negativeBinomial(k, 4, 1.5)), 80, 'negativeBinomial(4, 1.5)');
  const probs = [0.1, 0.2, 0.3, 0.4];
  checkFrequencies(t, draws(dist.categorical.sample(rng, probs, [N])), (k) => probs[k] ?? 0, 3, 'categorical');
  const logits = [1, -0.5, 0, 2.5];
  checkFrequencies(t, draws(dist.categoricalLogit.sample(rng, logits, [N])), pmfOf((k) => dist.categoricalLogit(k, logits)), 3, 'categoricalLogit');
  t.end();
});

test('dirichlet and mvNormal: component means and (co)variances', (t) => {
  const rng = Rng.fromSeed(777);
  const alpha = [0.5, 2, 3.5], a0 = 6;
  const d = dist.dirichlet.sample(rng, alpha, [N]);
  t.deepEqual(d.shape, [N, 3], 'dirichlet draws [N, 3]');
  let worstSum = 0;
  for (let i = 0; i < N; i++) worstSum = Math.max(worstSum, Math.abs(d.data[3 * i] + d.data[3 * i + 1] + d.data[3 * i + 2] - 1));
  t.ok(worstSum < 1e-14, `each draw sums to 1 (worst ${worstSum.toExponential(1)})`);
  alpha.forEach((a, k) => {
    const xs = Float64Array.from({ length: N }, (_, i) => d.data[3 * i + k]);
    checkMoments(t, xs, a / a0, (a * (a0 - a)) / (a0 * a0 * (a0 + 1)), `dirichlet component ${k}`);
  });

  const mean = [1, -2, 0.5];
  const cov = [2, 0.6, -0.3, 0.6, 1, 0.2, -0.3, 0.2, 0.5];
  const m = dist.mvNormal.sample(rng, mean, { cov: Float64Array.from(cov) }, [N]);
  t.deepEqual(m.shape, [N, 3], 'mvNormal draws [N, 3]');
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j <= i; j++) {
      // The product of centred coordinates has mean cov[i,j]; its Monte Carlo error from its own variance.
      const prod = Float64Array.from({ length: N }, (_, r) => (m.data[3 * r + i] - mean[i]) * (m.data[3 * r + j] - mean[j]));
      let pm = 0, pv = 0;
      for (const v of prod) pm += v;
      pm /= N;
      for (const v of prod) pv += (v - pm) ** 2;
      const se = Math.sqrt(pv / (N - 1) / N);
      t.ok(Math.abs(pm - cov[i * 3 + j]) <= Z * se, `mvNormal cov[${i},${j}] ${pm.toFixed(4)} vs ${cov[i * 3 + j]}`);
    }
    checkMoments(t, Float64Array.from({ length: N }, (_, r) => m.data[3 * r + i]), mean[i], cov[i * 4], `mvNormal component ${i}`);
  }
  const viaFactor = dist.mvNormal.sample(Rng.fromSeed(5), mean, { cholesky: Float64Array.from([1, 0, 0, 0.5, 2, 0, 0, 0, 1]) }, [2]);
  t.deepEqual(viaFactor.shape, [2, 3], 'mvNormal from a cholesky factor');
  t.end();
});

test('lkjCholesky: unit rows, lower-triangular, correlations with the LKJ marginal Beta(η − 1 + K/2) on (−1, 1)', (t) => {
  const rng = Rng.fromSeed(2468);
  const k = 4, eta = 2, n = 8000;
  const ls = dist.lkjCholesky.sample(rng, k, eta, [n]);
  t.deepEqual(ls.shape, [n, k, k], 'draws [n, K, K]');
  let worstRow = 0, upper = 0;
  const corr: number[][] = Array.from({ length: k * k }, () => []);
  for (let s = 0; s < n; s++) {
    const l = ls.data.subarray(s * k * k, (s + 1) * k * k);
    for (let i = 0; i < k; i++) {
      let norm = 0;
      for (let j = 0; j < k; j++) {
        norm += l[i * k + j] ** 2;
        if (j > i && l[i * k + j] !== 0) upper++;
      }
      worstRow = Math.max(worstRow, Math.abs(norm - 1));
      for (let j = 0; j < i; j++) {
        let r = 0;
        for (let c = 0; c < k; c++) r += l[i * k + c] * l[j * k + c];
        corr[i * k + j].push(r);
      }
    }
  }
  t.ok(worstRow < 1e-14 && upper === 0, `rows of unit length (worst ${worstRow.toExponential(1)}), nothing above the diagonal`);
  // Every off-diagonal correlation: mean 0, variance 1/(2η + K − 1) (LKJ 2009, section 3.2).
  for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) checkMoments(t, corr[i * k + j], 0, 1 / (2 * eta + k - 1), `R[${i},${j}]`);
  t.equal(dist.lkjCholesky(tensor(ls.data.slice(0, k * k), [k, k]), eta).size, 1, 'a draw is in the support of the density');
  t.end();
});

test('sample: shapes, broadcasting and reproducibility by seed', (t) => {
  t.deepEqual(dist.normal.sample(Rng.fromSeed(1), 0, 1).shape, [], 'no shape: one draw of the parameters\' shape');
  t.deepEqual(dist.normal.sample(Rng.fromSeed(1), [0, 1, 2], 1, [5]).shape, [5, 3], 'shape [5] of draws of a [3] parameter');
  t.deepEqual(dist.gamma.sample(Rng.fromSeed(1), tensor([[1], [2]]), [1, 2, 3], [4]).shape, [4, 2, 3], 'parameters broadcast [2,1] with [3]');
  t.deepEqual(dist.categorical.sample(Rng.fromSeed(1), tensor([[0.5, 0.5], [0.1, 0.9]]), [7]).shape, [7, 2], 'categorical: a label per row of probs');
  t.deepEqual(dist.dirichlet.sample(Rng.fromSeed(1), [1, 1, 1]).shape, [3], 'dirichlet: one simplex');
  const a = dist.studentT.sample(Rng.fromSeed(99), 3, 0, 1, [50]).data;
  const b = dist.studentT.sample(Rng.fromSeed(99), 3, 0, 1, [50]).data;
  t.deepEqual(Array.from(a), Array.from(b), 'the same seed gives the same draws');
  const means = dist.normal.sample(Rng.fromSeed(3), [0, 100], 0.001, [1000]).data;
  let left = 0;
  for (let i = 0; i < means.length; i += 2) left += means[i];
  t.ok(Math.abs(left / 500) < 0.01 && Math.abs(means[1] - 100) < 0.01, 'each element uses its own parameter');
  t.throws(() => dist.normal.sample(Rng.fromSeed(1), 0, -1), /dist\.normal: sigma must be positive and finite, got -1/);
  t.throws(() => dist.normal.sample(Rng.fromSeed(1), 0, 1, [2.5]), /dist\.normal\.sample: shape must be an array of non-negative integers, got \[2.5\]/);
  t.throws(() => dist.binomial.sample(Rng.fromSeed(1), 3.5, 0.5), /dist\.binomial: n must be a non-negative integer, got 3.5/);
  t.throws(() => dist.categorical.sample(Rng.fromSeed(1), [0.5, 0.6]), /dist\.categorical: probs must be a simplex summing to 1, but its entries sum to 1.1/);
  t.throws(() => dist.lkjCholesky.sample(Rng.fromSeed(1), 0, 1), /k must be a positive integer, got 0/);
  t.end();
});
