/**
 * The three BNNs: parameter layout (763 parameters for the study), log densities against naive
 * per-group / per-point loops written independently here, gradients against finite differences
 * at several random points (every coordinate of the 763-parameter hierarchical model at one
 * point, every 5th at two more), weight extraction for prediction, and input errors.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { cholesky, inverseSpd, logDetFromCholesky, logDetSpd } from '../../../core/linalg.js';
import { flatBnn, hierarchicalBnn, informativeBnn, rotatedMoons, type LayerPrior } from '../../../models/index.js';
import type { Model } from '../../../models/index.js';

const rng = Rng.fromSeed(99);
const study = rotatedMoons({ seed: 5 });
const LOG_2PI = Math.log(2 * Math.PI);

/** Logit of the tanh network with row-major weights per layer, one point at a time. */
function naiveLogit(x: number[], weights: Float64Array[], sizes: number[]): number {
  let h = x;
  for (let l = 0; l < weights.length; l++) {
    const next = new Array<number>(sizes[l + 1]).fill(0);
    for (let j = 0; j < sizes[l + 1]; j++) for (let i = 0; i < sizes[l]; i++) next[j] += h[i] * weights[l][i * sizes[l + 1] + j];
    h = l < weights.length - 1 ? next.map(Math.tanh) : next;
  }
  return h[0];
}
function bernoulliLog(y: number, logit: number): number {
  const p = 1 / (1 + Math.exp(-logit));
  return y === 1 ? Math.log(p) : Math.log(1 - p);
}
const stdNormalLog = (v: number, sd = 1) => -0.5 * (v / sd) ** 2 - Math.log(sd) - 0.5 * LOG_2PI;

/** Largest error of the analytic gradient against central differences, over `coords`. */
function gradError(model: Model, x: Float64Array, coords: number[]): number {
  const g = new Float64Array(model.dim);
  model.logDensityAndGrad(x, g);
  let worst = 0;
  for (const i of coords) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]));
    const up = Float64Array.from(x); up[i] += h;
    const down = Float64Array.from(x); down[i] -= h;
    const numeric = (model.logDensity(up) - model.logDensity(down)) / (2 * h);
    worst = Math.max(worst, Math.abs(g[i] - numeric) / (1e-6 + 1e-5 * Math.abs(numeric)));
  }
  return worst; // ≤ 1 means within atol 1e-6 + rtol 1e-5
}
const randVec = (n: number, s = 1) => Float64Array.from({ length: n }, () => s * rng.normal());
const range = (n: number, step = 1) => Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);

test('hierarchicalBnn: 763 parameters for 18 groups in the documented layout', (t) => {
  const m = hierarchicalBnn(study);
  t.equal(m.dim, 763, '720 raw + 40 means + 3 sds');
  t.deepEqual(m.params.map((p) => `${p.name}[${p.shape.join(',')}]`), ['mu0[2,5]', 'mu1[5,5]', 'mu2[5,1]', 'sd0[]', 'sd1[]', 'sd2[]', 'raw0[18,2,5]', 'raw1[18,5,5]', 'raw2[18,5,1]']);
  t.deepEqual([...m.network.sizes], [2, 5, 5, 1], 'network sizes');
  t.equal(m.network.groups, 18);
  t.equal(hierarchicalBnn(study, { hidden: [3] }).dim, 18 * (6 + 3) + 6 + 3 + 2, 'hidden sizes are an option');
  t.end();
});

test('hierarchicalBnn: log density equals a naive per-group loop', (t) => {
  const m = hierarchicalBnn(study);
  const sizes = [2, 5, 5, 1];
  const shapes = [[2, 5], [5, 5], [5, 1]];
  for (let rep = 0; rep < 3; rep++) {
    const x = randVec(m.dim, 0.8);
    // Unpack the unconstrained vector by hand: mu0 mu1 mu2, log sd0..2, raw0 raw1 raw2.
    let off = 0;
    const mu = shapes.map(([a, b]) => x.slice(off, (off += a * b)));
    const logSd = [x[off++], x[off++], x[off++]];
    const raw = shapes.map(([a, b]) => x.slice(off, (off += 18 * a * b)));
    let want = 0;
    for (let l = 0; l < 3; l++) {
      for (const v of mu[l]) want += stdNormalLog(v);
      for (const v of raw[l]) want += stdNormalLog(v);
      const sd = Math.exp(logSd[l]);
      want += Math.log(2) + stdNormalLog(sd) + logSd[l]; // HalfNormal(1) plus log|J| of exp
    }
    for (let g = 0; g < 18; g++) {
      const weights = shapes.map(([a, b], l) => {
        const w = new Float64Array(a * b);
        for (let j = 0; j < a * b; j++) w[j] = raw[l][g * a * b + j] * Math.exp(logSd[l]) + mu[l][j];
        return w;
      });
      study.Xs_train[g].forEach((p, i) => (want += bernoulliLog(study.Ys_train[g][i], naiveLogit(p, weights, sizes))));
    }
    const got = m.logDensity(x);
    t.ok(Math.abs(got - want) < 1e-9 * Math.abs(want), `point ${rep}: ${got} vs naive ${want}`);
  }
  t.end();
});

test('hierarchicalBnn: gradient against finite differences (all 763 coordinates at one point, every 5th at two more)', (t) => {
  const m = hierarchicalBnn(study);
  for (let rep = 0; rep < 3; rep++) {
    const x = randVec(m.dim, 0.8);
    const err = gradError(m, x, range(m.dim, rep === 0 ? 1 : 5));
    t.ok(err <= 1, `point ${rep}: worst error / tolerance = ${err.toFixed(3)}`);
  }
  t.end();
});

test('flatBnn: log density equals a naive loop, gradient at several points', (t) => {
  const group = { X: study.Xs_train[3], y: study.Ys_train[3] };
  const m = flatBnn(group, { priorSd: 1.5 });
  t.equal(m.dim, 10 + 25 + 5, '40 weights');
  t.deepEqual(m.paramNames, ['w0', 'w1', 'w2']);
  for (let rep = 0; rep < 3; rep++) {
    const x = randVec(m.dim);
    const weights = [x.slice(0, 10), x.slice(10, 35), x.slice(35, 40)];
    let want = 0;
    for (const v of x) want += stdNormalLog(v, 1.5);
    group.X.forEach((p, i) => (want += bernoulliLog(group.y[i], naiveLogit(p, weights, [2, 5, 5, 1]))));
    t.ok(Math.abs(m.logDensity(x) - want) < 1e-10 * Math.abs(want), `point ${rep}: log density matches`);
    t.ok(gradError(m, x, range(m.dim)) <= 1, `point ${rep}: gradient matches finite differences`);
  }
  // A flat Float64Array X gives the same model.
  const flatX = Float64Array.from(group.X.flat());
  const m2 = flatBnn({ X: flatX, y: Float64Array.from(group.y) }, { priorSd: 1.5 });
  const x = randVec(40);
  t.equal(m2.logDensity(x), m.logDensity(x), 'Float64Array input');
  t.end();
});

function randomPrior(): LayerPrior[] {
  return [[2, 5], [5, 5], [5, 1]].map(([a, b]) => {
    const k = a * b;
    const A = randVec(k * k, 0.3);
    const cov = new Float64Array(k * k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let s = i === j ? 0.5 : 0;
        for (let q = 0; q < k; q++) s += A[i * k + q] * A[j * k + q];
        cov[i * k + j] = s;
      }
    return { mean: randVec(k, 0.5), cov, shape: [a, b] };
  });
}

test('informativeBnn: log density equals a naive loop with the explicit inverse, gradient at several points', (t) => {
  const group = { X: study.Xs_train[7], y: study.Ys_train[7] };
  const prior = randomPrior();
  const m = informativeBnn(group, prior, { parameterization: 'centered' });
  t.equal(m.dim, 40);
  for (let rep = 0; rep < 3; rep++) {
    const x = randVec(m.dim);
    const weights = [x.slice(0, 10), x.slice(10, 35), x.slice(35, 40)];
    let want = 0;
    prior.forEach((p, l) => {
      const k = p.mean.length;
      const inv = inverseSpd(p.cov, k);
      const d = weights[l].map((v, i) => v - p.mean[i]);
      let q = 0;
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) q += d[i] * inv[i * k + j] * d[j];
      want += -0.5 * q - 0.5 * logDetSpd(p.cov, k) - 0.5 * k * LOG_2PI;
    });
    group.X.forEach((pt, i) => (want += bernoulliLog(group.y[i], naiveLogit(pt, weights, [2, 5, 5, 1]))));
    t.ok(Math.abs(m.logDensity(x) - want) < 1e-9 * Math.abs(want), `point ${rep}: ${m.logDensity(x)} vs naive ${want}`);
    t.ok(gradError(m, x, range(m.dim)) <= 1, `point ${rep}: gradient matches finite differences`);
  }
  t.end();
});

test('informativeBnn non-centred: log density in z = centred log density at w = mean + L·z plus log|L|; weights and gradient', (t) => {
  const group = { X: study.Xs_train[3], y: study.Ys_train[3] };
  const prior = randomPrior();
  const centred = informativeBnn(group, prior, { parameterization: 'centered' });
  const m = informativeBnn(group, prior);
  t.deepEqual(m.paramNames, ['z0', 'z1', 'z2'], 'parameters z<l>');
  const factors = prior.map((p) => cholesky(p.cov, p.mean.length));
  for (let rep = 0; rep < 3; rep++) {
    const z = randVec(m.dim);
    const w = m.network.weightsFromDraw(z);
    // w = mean + L z, computed here independently
    let off = 0;
    const want: number[] = [];
    prior.forEach((p, l) => {
      const k = p.mean.length;
      for (let i = 0; i < k; i++) {
        let s = p.mean[i];
        for (let j = 0; j < k; j++) s += factors[l][i * k + j] * z[off + j];
        want.push(s);
      }
      off += k;
    });
    const got = w.flatMap((a) => Array.from(a));
    t.ok(got.every((v, i) => Math.abs(v - want[i]) < 1e-12), `point ${rep}: weights = mean + L·z`);
    const logDetL = factors.reduce((acc, L, l) => acc + 0.5 * logDetFromCholesky(L, prior[l].mean.length), 0);
    const expected = centred.logDensity(Float64Array.from(want)) + logDetL;
    t.ok(Math.abs(m.logDensity(z) - expected) < 1e-9 * Math.abs(expected), `point ${rep}: ${m.logDensity(z)} vs ${expected}`);
    t.ok(gradError(m, z, range(m.dim)) <= 1, `point ${rep}: gradient matches finite differences`);
  }
  t.throws(() => informativeBnn(group, prior, { parameterization: 'other' as 'centered' }), /parameterization must be 'noncentered' or 'centered', got "other"/);
  t.end();
});

test('BNN weightsFromDraw: hierarchical raw·sd + mu per group, the means without a group', (t) => {
  const m = hierarchicalBnn(study);
  const draw = new Float64Array(m.dim);
  m.constrainInto(randVec(m.dim), draw);
  const g = 4;
  const w = m.network.weightsFromDraw(draw, g);
  // mu1 starts at 10, sd1 at 41, raw1 at 43 + 180 (after mu0..2, sd0..2, raw0).
  const j = 7;
  t.ok(Math.abs(w[1][j] - (draw[43 + 180 + g * 25 + j] * draw[41] + draw[10 + j])) < 1e-15, 'layer 1 element 7 of group 4');
  t.deepEqual([...m.network.weightsFromDraw(draw)[2]], [...draw.slice(35, 40)], 'no group: mu2');
  t.throws(() => m.network.weightsFromDraw(draw, 18), /group must be an integer in \[0, 17\], got 18/);
  t.throws(() => m.network.weightsFromDraw(draw.subarray(1), 0), /a draw has 763 values, got 762/);
  const f = flatBnn({ X: study.Xs_train[0], y: study.Ys_train[0] });
  const fd = randVec(40);
  t.deepEqual(f.network.weightsFromDraw(fd).map((a) => a.length), [10, 25, 5], 'flat layers');
  t.throws(() => f.network.weightsFromDraw(fd, 2), /the model has one group, got group 2/);
  t.end();
});

test('BNN input errors', (t) => {
  const ragged = { Xs_train: [study.Xs_train[0], study.Xs_train[1].slice(0, 40)], Ys_train: [study.Ys_train[0], study.Ys_train[1].slice(0, 40)] };
  t.throws(() => hierarchicalBnn(ragged), /groups must have equal sizes \(ragged groups are not supported\), but group 0 has 50 training points and group 1 has 40/);
  t.throws(() => hierarchicalBnn({ Xs_train: [], Ys_train: [] }), /no groups/);
  t.throws(() => hierarchicalBnn({ Xs_train: study.Xs_train, Ys_train: study.Ys_train.slice(1) }), /Xs_train has 18 groups but Ys_train has 17/);
  t.throws(() => flatBnn({ X: [[0, 1], [1, 2]], y: [0, 2] }), /flatBnn: group\.y\[1\] = 2: labels must be 0 or 1/);
  t.throws(() => flatBnn({ X: [[0, 1], [1]], y: [0, 1] }), /group\.X\[1\]: expected 2 numbers/);
  t.throws(() => flatBnn({ X: [[0, 1]], y: [0, 1] }), /X has 1 rows but y has 2 labels/);
  t.throws(() => flatBnn({ X: [[0, NaN]], y: [0] }), /value NaN at row 0 is not finite/);
  t.throws(() => flatBnn({ X: [[0, 1]], y: [0] }, { priorSd: 0 }), /flatBnn: priorSd must be a positive finite number, got 0/);
  t.throws(() => flatBnn({ X: [[0, 1]], y: [0] }, { hidden: [5, 0] }), /hidden must list positive integer layer widths/);
  const prior = randomPrior();
  t.throws(() => informativeBnn({ X: [[0, 1]], y: [0] }, prior.slice(0, 2)), /prior must list 3 layers/);
  const bad = prior.map((p) => ({ ...p }));
  bad[2] = { ...bad[2], cov: new Float64Array(25) };
  t.throws(() => informativeBnn({ X: [[0, 1]], y: [0] }, bad), /prior\[2\]\.cov is not positive definite/);
  t.throws(() => informativeBnn({ X: [[0, 1]], y: [0] }, prior, { hidden: [4, 5] }), /prior\[0\]\.mean must be a Float64Array of 2×4 = 8 values, got length 10/);
  t.end();
});

test('informativeBnn: a NaN mean, a non-finite or non-symmetric covariance is refused (issue 16)', (t) => {
  const errorOf = (prior: LayerPrior[]) => {
    try {
      informativeBnn({ X: [[0, 1]], y: [0] }, prior);
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  const prior = randomPrior();
  const nanMean = prior.map((p) => ({ ...p, mean: Float64Array.from(p.mean) }));
  nanMean[1].mean[3] = NaN;
  t.equal(errorOf(nanMean), 'informativeBnn: prior[1].mean[3] is NaN; the mean must be finite');
  const skew = prior.map((p) => ({ ...p, cov: Float64Array.from(p.cov) }));
  skew[0].cov[1 * 10 + 0] += 0.25; // cov[1,0] ≠ cov[0,1]; still positive definite
  t.equal(errorOf(skew), `informativeBnn: prior[0].cov is not symmetric: cov[1,0] = ${skew[0].cov[10]} but cov[0,1] = ${skew[0].cov[1]}`);
  const infCov = prior.map((p) => ({ ...p, cov: Float64Array.from(p.cov) }));
  infCov[2].cov[0] = Infinity;
  t.equal(errorOf(infCov), 'informativeBnn: prior[2].cov[0,0] is Infinity; the covariance must be finite');
  const rounded = prior.map((p) => ({ ...p, cov: Float64Array.from(p.cov) }));
  rounded[0].cov[10] *= 1 + 1e-15; // asymmetric only by rounding, as a covariance from a BLAS product may be
  t.equal(errorOf(rounded), 'accepted', 'asymmetry at the rounding level is accepted');
  t.end();
});
