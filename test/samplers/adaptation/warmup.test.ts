import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { windowSchedule } from '../../../samplers/adaptation/window_schedule.js';
import { dualAveragingFinalStepSize, dualAveragingInit, dualAveragingStepSize, dualAveragingUpdate } from '../../../samplers/adaptation/dual_averaging.js';
import { regularizedInverseMassMatrix, welfordAdd, welfordInit } from '../../../samplers/adaptation/mass_matrix.js';
import { initialStepSize, windowAdaptation } from '../../../samplers/adaptation/window_adaptation.js';
import { nuts } from '../../../samplers/mcmc/nuts.js';
import type { LogDensity } from '../../../samplers/types.js';

const ends = (n: number, o = {}) => windowSchedule(n, o).windows.map((w) => [w.start, w.end]);

test('window schedule matches Stan for 1000 warmup iterations', (t) => {
  // Stan: init_buffer 75, windows 25, 50, 100, 200, then the last stretched to 500, term_buffer 50.
  t.deepEqual(ends(1000), [[75, 100], [100, 150], [150, 250], [250, 450], [450, 950]]);
  const s = windowSchedule(1000);
  t.deepEqual([s.initBuffer, s.termBuffer, s.baseWindow], [75, 50, 25]);
  t.end();
});

test('window schedule for short warmups (Stan fallback 15%/75%/10%, none below 20)', (t) => {
  t.deepEqual(ends(150), [[75, 100]], '150 fits exactly: one window, then 50 terminal');
  t.deepEqual(ends(200), [[75, 100], [100, 150]]);
  t.deepEqual(ends(250), [[75, 100], [100, 200]], 'second window stretched because a third would not fit');
  t.deepEqual(ends(160), [[75, 100], [100, 110]]);
  t.deepEqual(ends(100), [[15, 90]], '100: init 15, window 75, term 10');
  t.deepEqual(ends(149), [[22, 135]], '149: floor(22.35)=22, floor(14.9)=14');
  t.deepEqual(ends(20), [[3, 18]]);
  t.deepEqual(ends(19), [], 'no metric adaptation below 20');
  t.deepEqual(ends(0), []);
  t.deepEqual(ends(500, { initBuffer: 50, termBuffer: 50, baseWindow: 50 }), [[50, 100], [100, 200], [200, 450]], 'custom buffers');
  t.throws(() => windowSchedule(-1), /numWarmup/);
  t.throws(() => windowSchedule(100, { baseWindow: 2.5 }), /baseWindow/);
  t.end();
});

test('dual averaging follows Stan formula on a known acceptance sequence', (t) => {
  const accepts = [0.3, 0.95, 1.4, 0.5, 0.0, 0.85, 0.99, 0.7];
  const delta = 0.8, gamma = 0.05, t0 = 10, kappa = 0.75;
  let s = dualAveragingInit(0.5);
  const mu = Math.log(10 * 0.5);
  let sum = 0;
  let xbar = 0;
  accepts.forEach((a, i) => {
    const k = i + 1;
    s = dualAveragingUpdate(s, a, { targetAccept: delta });
    // Closed form of Stan's recurrence: H̄_t = Σ(δ - min(1, α_i)) / (t + t0).
    sum += delta - Math.min(1, a);
    const x = mu - (Math.sqrt(k) / gamma) * (sum / (k + t0));
    xbar = Math.pow(k, -kappa) * x + (1 - Math.pow(k, -kappa)) * xbar;
    t.ok(Math.abs(Math.log(dualAveragingStepSize(s)) - x) < 1e-12, `iteration ${k}: log ε = ${x.toFixed(6)}`);
    t.ok(Math.abs(s.logStepSizeAverage - xbar) < 1e-12, `iteration ${k}: log ε̄ = ${xbar.toFixed(6)}`);
  });
  // First step by hand: μ = log 5, H̄ = 0.5/11, x = log 5 − 20·0.5/11.
  const first = dualAveragingUpdate(dualAveragingInit(0.5), 0.3);
  t.ok(Math.abs(first.logStepSize - (Math.log(5) - (20 * 0.5) / 11)) < 1e-12, 'first step by hand');
  t.ok(Math.abs(dualAveragingFinalStepSize(s) - Math.exp(xbar)) < 1e-12, 'final step size exp(x̄)');
  t.equal(dualAveragingFinalStepSize(dualAveragingInit(0.25)), 0.25, 'no updates: keep the current step (not exp(0) = 1)');
  t.end();
});

test('Welford variance/covariance and Stan regularisation', (t) => {
  const xs = [[1, 2], [3, 1], [4, 7], [-2, 0], [0.5, 0.25]];
  const diag = welfordInit(2, false);
  const dense = welfordInit(2, true);
  for (const x of xs) {
    welfordAdd(diag, Float64Array.from(x));
    welfordAdd(dense, Float64Array.from(x));
  }
  const n = xs.length;
  const mean = [0, 1].map((j) => xs.reduce((s, x) => s + x[j], 0) / n);
  const cov = (a: number, b: number) => xs.reduce((s, x) => s + (x[a] - mean[a]) * (x[b] - mean[b]), 0) / (n - 1);
  const w = n / (n + 5), shrink = 1e-3 * (5 / (n + 5));
  const d = regularizedInverseMassMatrix(diag)!;
  t.ok(Math.abs(d[0] - (w * cov(0, 0) + shrink)) < 1e-12 && Math.abs(d[1] - (w * cov(1, 1) + shrink)) < 1e-12, 'diagonal');
  const m = regularizedInverseMassMatrix(dense)!;
  const expected = [w * cov(0, 0) + shrink, w * cov(0, 1), w * cov(1, 0), w * cov(1, 1) + shrink];
  t.ok(expected.every((e, i) => Math.abs(m[i] - e) < 1e-12), 'dense');
  t.equal(regularizedInverseMassMatrix(welfordInit(2, false)), undefined, 'fewer than two draws: no estimate');
  t.end();
});

const scaledNormal = (sds: number[]): LogDensity => ({
  dim: sds.length,
  logDensityAndGrad(x, g) {
    let lp = 0;
    for (let i = 0; i < sds.length; i++) {
      lp -= (0.5 * x[i] * x[i]) / (sds[i] * sds[i]);
      g[i] = -x[i] / (sds[i] * sds[i]);
    }
    return lp;
  },
});

test('initial step-size heuristic brackets the one-step acceptance of 0.8', (t) => {
  const target = scaledNormal([1, 1]);
  const state = { position: Float64Array.of(0.3, -0.2), logDensity: 0, logDensityGrad: new Float64Array(2) };
  state.logDensity = target.logDensityAndGrad(state.position, state.logDensityGrad);
  const eps = initialStepSize(Rng.fromSeed(3), state, target, { stepSize: 1, inverseMassMatrix: Float64Array.of(1, 1) });
  t.ok(Math.log2(eps) === Math.round(Math.log2(eps)), `a power of two times the start (${eps})`);
  t.ok(eps >= 0.25 && eps <= 4, `on a unit normal the crossing is near 1 (${eps})`);
  const narrow = scaledNormal([1e-3, 1e-3]);
  const at = { position: Float64Array.of(1e-4, -2e-4), logDensity: 0, logDensityGrad: new Float64Array(2) };
  at.logDensity = narrow.logDensityAndGrad(at.position, at.logDensityGrad);
  const tiny = initialStepSize(Rng.fromSeed(3), at, narrow, { stepSize: 1, inverseMassMatrix: Float64Array.of(1, 1) });
  t.ok(tiny < 0.01, `halves on a narrow target (${tiny})`);
  t.end();
});

test('window adaptation learns the variances of a scaled normal', (t) => {
  const sds = [1, 3, 0.3];
  const target = scaledNormal(sds);
  const sampler = nuts();
  const rng = Rng.fromSeed(11);
  const adapt = windowAdaptation({ numWarmup: 1000 });
  let state = sampler.init(Float64Array.of(1, -1, 0.5), target);
  let a = adapt.init(rng, state, target, sampler.defaultParams(3));
  for (let i = 0; i < 1000; i++) {
    const [s, info] = sampler.step(rng, state, target, a.params);
    state = s;
    a = adapt.update(rng, a, state, info, target);
  }
  t.equal(a.numMetricUpdates, 5, 'five metric updates for 1000 warmup iterations');
  const final = adapt.finalParams(a);
  // The last window holds 500 NUTS draws; assume ESS ≥ 150 (NUTS on a Gaussian is near 1 per draw):
  // relative SE of a variance is √(2/ESS) ≈ 0.115, and we allow 4 SE.
  const tol = 4 * Math.sqrt(2 / 150);
  sds.forEach((sd, i) => t.ok(Math.abs(final.inverseMassMatrix[i] / (sd * sd) - 1) < tol, `variance ${i}: ${final.inverseMassMatrix[i].toFixed(4)} vs ${sd * sd}`));
  // With the metric matched, a 3-D Gaussian's adapted step is of order 1 (Stan gives ≈ 0.8-1.1).
  t.ok(final.stepSize > 0.4 && final.stepSize < 2, `step size ${final.stepSize.toFixed(3)}`);
  t.end();
});
