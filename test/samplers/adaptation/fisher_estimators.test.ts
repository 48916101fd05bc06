import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { cholesky } from '../../../core/linalg.js';
import { DrawGradMoments, fisherDiagonal, gradientInitialVariance } from '../../../samplers/adaptation/fisher_diagonal.js';
import { fisherLowRank } from '../../../samplers/adaptation/fisher_low_rank.js';
import { symmetricEigen } from '../../../samplers/adaptation/symmetric_eigen.js';
import { FisherSchedule, fisherSwitches } from '../../../samplers/adaptation/fisher_schedule.js';
import { euclideanMetric, lowRankInverseMassMatrix, lowRankOf, lowRankToDense, metricKind, unpackLowRank } from '../../../samplers/mcmc/metric.js';
import { metricKindOf } from '../../../samplers/trace/trace_meta.js';

/** A d×d SPD covariance with strong correlations and scales from 0.1 to 10, its precision and a Cholesky factor. */
function gaussian(d: number, seed: number) {
  const rng = Rng.fromSeed(seed);
  const a = Float64Array.from({ length: d * d }, () => rng.normal());
  const cov = new Float64Array(d * d);
  const scale = Float64Array.from({ length: d }, (_, i) => 10 ** (-1 + (2 * i) / (d - 1)));
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = i === j ? 0.5 : 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k];
    cov[i * d + j] = s * scale[i] * scale[j];
  }
  const l = cholesky(cov, d);
  const prec = invert(cov, d);
  return { cov, prec, l };
}

function invert(a: Float64Array, d: number): Float64Array {
  const m = Array.from({ length: d }, (_, i) => [...Array.from(a.subarray(i * d, (i + 1) * d)), ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let i = 0; i < d; i++) {
    let p = i;
    for (let r = i + 1; r < d; r++) if (Math.abs(m[r][i]) > Math.abs(m[p][i])) p = r;
    [m[i], m[p]] = [m[p], m[i]];
    const piv = m[i][i];
    for (let j = 0; j < 2 * d; j++) m[i][j] /= piv;
    for (let r = 0; r < d; r++) if (r !== i) {
      const f = m[r][i];
      for (let j = 0; j < 2 * d; j++) m[r][j] -= f * m[i][j];
    }
  }
  return Float64Array.from(m.flatMap((row) => row.slice(d)));
}

/** n exact draws x ~ N(0, Σ) and their gradients g = −Σ⁻¹x. */
function drawsOf(g: ReturnType<typeof gaussian>, d: number, n: number, rng: Rng) {
  const xs: Float64Array[] = [];
  const gs: Float64Array[] = [];
  for (let t = 0; t < n; t++) {
    const z = Float64Array.from({ length: d }, () => rng.normal());
    const x = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let k = 0; k <= i; k++) x[i] += g.l[i * d + k] * z[k];
    const gr = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) gr[i] -= g.prec[i * d + k] * x[k];
    xs.push(x);
    gs.push(gr);
  }
  return { xs, gs };
}

test('fisher diagonal: on a Gaussian σ² tends to exp(½ log diag Σ − ½ log diag Σ⁻¹)', (t) => {
  const d = 6, n = 20000;
  const g = gaussian(d, 1);
  const { xs, gs } = drawsOf(g, d, n, Rng.fromSeed(2));
  const m = new DrawGradMoments(d);
  for (let k = 0; k < n; k++) m.add(xs[k], gs[k]);
  const est = fisherDiagonal(m, new Float64Array(d).fill(1))!;
  // σ² = √(v_x / v_g): each sample variance has relative sd √(2/n), so log σ² has sd at most
  // ½(√(2/n) + √(2/n)) = √(2/n) = 1% (Cauchy–Schwarz bounds the covariance term); 4.5 sd allowed.
  const tol = 4.5 * Math.sqrt(2 / n);
  for (let i = 0; i < d; i++) {
    const exact = Math.exp(0.5 * Math.log(g.cov[i * d + i]) - 0.5 * Math.log(g.prec[i * d + i]));
    t.ok(Math.abs(Math.log(est[i] / exact)) < tol, `σ²[${i}] = ${est[i].toPrecision(5)} vs ${exact.toPrecision(5)} (|log ratio| < ${tol.toFixed(3)})`);
  }
  t.equal(fisherDiagonal(Object.assign(new DrawGradMoments(d), { count: 2 }), new Float64Array(d)), undefined, 'fewer than 3 draws: no estimate');
  t.end();
});

test('fisher diagonal: a coordinate without gradient variance keeps its value; the initial metric is 1/|g|', (t) => {
  const m = new DrawGradMoments(2);
  for (const v of [1, 2, 4]) m.add(Float64Array.of(v, v), Float64Array.of(-v, 3));
  const est = fisherDiagonal(m, Float64Array.of(7, 7))!;
  t.ok(Math.abs(est[0] - 1) < 1e-12, 'x and g = −x: σ² = 1');
  t.equal(est[1], 7, 'a constant gradient keeps the previous value');
  t.deepEqual(Array.from(gradientInitialVariance(Float64Array.of(-4, 0.5, 0, NaN))), [0.25, 2, 1e20, 1], '1/|g|, clamped; 1 where not finite');
  t.end();
});

test('fisher low-rank: with exact Gaussian draws the metric is Σ and its directions are Σ\'s', (t) => {
  // For a Gaussian Cov(g) = Σ⁻¹ Cov(x) Σ⁻¹, so Σ solves Σ B Σ = A exactly whatever the draws (n > d).
  const d = 8, n = 40;
  const g = gaussian(d, 3);
  const { xs, gs } = drawsOf(g, d, n, Rng.fromSeed(4));
  // With cutoff 1 no direction is dropped, so the estimate is the whole Σ.
  const whole = lowRankToDense(unpackLowRank(fisherLowRank(xs, gs, { cutoff: 1 })!.inverseMassMatrix, d));
  const fit = fisherLowRank(xs, gs)!;
  t.equal(metricKind(fit.inverseMassMatrix, d), 'lowrank', 'a low-rank metric');
  const f = unpackLowRank(fit.inverseMassMatrix, d);
  const dense = whole;
  let worst = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) worst = Math.max(worst, Math.abs(dense[i * d + j] - g.cov[i * d + j]) / Math.sqrt(g.cov[i * d + i] * g.cov[j * d + j]));
  t.ok(worst < 1e-3, `M⁻¹ = Σ with every direction kept (largest error relative to √(Σii Σjj): ${worst.toExponential(2)})`);
  t.ok(f.eigenvalues.every((l) => l > 2 || l < 0.5), `default cutoff keeps only eigenvalues outside [1/2, 2]: ${Array.from(f.eigenvalues, (l) => l.toPrecision(3)).join(', ')}`);
  // The leading eigenvector of the rescaled covariance S⁻¹ Σ S⁻¹ is the kept direction with the largest eigenvalue.
  const s = Float64Array.from(f.variance, Math.sqrt);
  const scaled = Float64Array.from(g.cov, (v, k) => v / (s[Math.floor(k / d)] * s[k % d]));
  const e = symmetricEigen(scaled, d);
  const top = f.eigenvalues.indexOf(Math.max(...f.eigenvalues));
  let dot = 0;
  for (let i = 0; i < d; i++) dot += e.vectors[i * d + d - 1] * f.eigenvectors[top * d + i];
  t.ok(Math.abs(Math.abs(dot) - 1) < 1e-6, `leading eigenvector recovered (|cos| = ${Math.abs(dot).toFixed(8)})`);
  t.ok(Math.abs(f.eigenvalues[top] / e.values[d - 1] - 1) < 1e-4, `leading eigenvalue ${f.eigenvalues[top].toPrecision(6)} vs ${e.values[d - 1].toPrecision(6)}`);
  t.end();
});

test('fisher low-rank: fewer draws than dimensions give a valid metric of rank below the draws', (t) => {
  const d = 30, n = 12;
  const g = gaussian(d, 5);
  const { xs, gs } = drawsOf(g, d, n, Rng.fromSeed(6));
  const fit = fisherLowRank(xs, gs)!;
  const k = lowRankOf(fit.inverseMassMatrix.length, d);
  t.ok(k >= 1 && k <= 2 * (n - 1), `rank ${k}: at most the span of the centred draws and gradients, 2(n − 1) = ${2 * (n - 1)}`);
  t.doesNotThrow(() => euclideanMetric(fit.inverseMassMatrix, d), 'positive, orthonormal: a metric NUTS can use');
  t.end();
});

test('low-rank metric: kinetic energy and velocity agree with the dense M⁻¹; momenta have covariance M', (t) => {
  const d = 5;
  const rng = Rng.fromSeed(6);
  // Two orthonormal directions by Gram–Schmidt.
  const u1 = Float64Array.from({ length: d }, () => rng.normal());
  const n1 = Math.hypot(...u1);
  u1.forEach((x, i) => (u1[i] = x / n1));
  const u2 = Float64Array.from({ length: d }, () => rng.normal());
  const p12 = u2.reduce((s, x, i) => s + x * u1[i], 0);
  u2.forEach((x, i) => (u2[i] = x - p12 * u1[i]));
  const n2 = Math.hypot(...u2);
  u2.forEach((x, i) => (u2[i] = x / n2));
  const packed = lowRankInverseMassMatrix({ variance: Float64Array.of(1, 4, 0.25, 2, 9), eigenvalues: Float64Array.of(30, 0.05), eigenvectors: Float64Array.from([...u1, ...u2]) });
  t.equal(lowRankOf(packed.length, d), 2, 'rank 2 from the length');
  t.equal(metricKindOf(packed.length, d), 'lowrank', 'trace meta kind');
  const metric = euclideanMetric(packed, d);
  const dense = lowRankToDense(unpackLowRank(packed, d));
  const denseMetric = euclideanMetric(dense, d);
  const p = Float64Array.of(0.3, -1.2, 2, 0.7, -0.1);
  t.ok(Math.abs(metric.kineticEnergy(p) - denseMetric.kineticEnergy(p)) < 1e-12, 'kinetic energy ½ pᵀM⁻¹p');
  const v = metric.velocity(p, new Float64Array(d));
  const vd = denseMetric.velocity(p, new Float64Array(d));
  t.ok(v.every((x, i) => Math.abs(x - vd[i]) < 1e-12), 'velocity M⁻¹p');
  // Cov(p) = M: each entry of a sample covariance of n draws has sd √((M_ii M_jj + M_ij²)/n).
  const mass = inverse(dense, d);
  const n = 40000;
  const acc = new Float64Array(d * d);
  const out = new Float64Array(d);
  const r2 = Rng.fromSeed(7);
  for (let k = 0; k < n; k++) {
    metric.sampleMomentum(r2, out);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) acc[i * d + j] += out[i] * out[j];
  }
  let worst = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    const sd = Math.sqrt((mass[i * d + i] * mass[j * d + j] + mass[i * d + j] ** 2) / n);
    worst = Math.max(worst, Math.abs(acc[i * d + j] / n - mass[i * d + j]) / sd);
  }
  t.ok(worst < 4.5, `sample covariance of momenta within ${worst.toFixed(2)} sd of M (4.5 allowed)`);
  t.throws(() => euclideanMetric(lowRankInverseMassMatrix({ variance: Float64Array.of(1, 1, 1), eigenvalues: Float64Array.of(2), eigenvectors: Float64Array.of(1, 1, 0) }), 3), /orthonormal/, 'non-orthonormal directions are refused');
  t.throws(() => euclideanMetric(new Float64Array(6), 3), /low-rank/, 'a length that is no metric names the layouts');
  t.end();

  function inverse(a: Float64Array, n2: number) {
    return invert(a, n2);
  }
});

test('fisher schedule: switches for tune 1000, 400, 100 by hand', (t) => {
  // tune 1000: early phase [0, 300): the init point plus draws 0..8 make 10 → switch after draw 8,
  // then every 10 draws to 298. Draw 300 opens the main phase with a window of 80: the background
  // (from draw 299) holds 80 after draw 378 → switch, window 120 → after 498, window 180; a third
  // switch at 678 would leave 180 + 678 > 850 = finalStart, so none: the last window runs to 850.
  const early = Array.from({ length: 30 }, (_, k) => 8 + 10 * k);
  t.deepEqual(fisherSwitches(1000), { earlyEnd: 300, finalStart: 850, switches: [...early, 378, 498] });
  // tune 400: early [0, 120), switches 8..118; window 80 → after 198 (80 + 198 <= 340); next 120 + 318 > 340.
  t.deepEqual(fisherSwitches(400), { earlyEnd: 120, finalStart: 340, switches: [...early.slice(0, 12), 198] });
  // tune 100: early [0, 30): 8, 18, 28; the first window (80) never fits before 85.
  t.deepEqual(fisherSwitches(100), { earlyEnd: 30, finalStart: 85, switches: [8, 18, 28] });
  const s = new FisherSchedule(100);
  t.deepEqual(s.advance(5, 3, 3), { phase: 'early', switched: false }, 'no switch without enough kept draws');
  t.equal(s.phaseOf(90), 'step size');
  t.throws(() => new FisherSchedule(0), /numTune/);
  t.throws(() => new FisherSchedule(100, { windowGrowth: 0.5 }), /windowGrowth/);
  t.end();
});

test('symmetric eigen: reconstructs the matrix', (t) => {
  const n = 6;
  const rng = Rng.fromSeed(8);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  const e = symmetricEigen(a, n);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
    worst = Math.max(worst, Math.abs(s - a[i * n + j]));
  }
  t.ok(worst < 1e-12, `V Λ Vᵀ = A (error ${worst.toExponential(2)})`);
  t.ok(e.values.every((v, k) => k === 0 || v >= e.values[k - 1]), 'ascending');
  t.end();
});
