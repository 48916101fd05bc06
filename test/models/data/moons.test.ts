/**
 * The study's generated data: make_moons semantics, standardisation and rotation (exact), and the
 * draws (determinism, noise sd and angle sd within Monte Carlo error), and their argument errors.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { makeMoons, standardize, rotate, rotatedMoons, rotatedMoonsWithAngles } from '../../../models/data/moons.js';

/** k in k·MCSE: a correct implementation fails a 4-sigma check about once in 16 000 runs. */
const K_SIGMA = 4;

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, sd };
}

function column(X: number[][], j: number): number[] {
  return X.map((p) => p[j]);
}

test('makeMoons: class balance as sklearn (n // 2 outer points labelled 0)', (t) => {
  for (const [n, zeros] of [[100, 50], [101, 50], [7, 3], [2, 1], [1, 0]]) {
    const { X, y } = makeMoons(n, 0.3, Rng.fromSeed(n));
    t.equal(X.length, n, `n=${n}: ${n} points`);
    t.equal(y.filter((v) => v === 0).length, zeros, `n=${n}: ${zeros} points of class 0`);
    t.equal(y.filter((v) => v === 1).length, n - zeros, `n=${n}: ${n - zeros} points of class 1`);
  }
  t.end();
});

test('makeMoons without noise: outer points on the upper unit half-circle, inner on the shifted one, evenly spaced', (t) => {
  const n = 100;
  const { X, y } = makeMoons(n, 0, Rng.fromSeed(11));
  const outerAngles: number[] = [];
  const innerAngles: number[] = [];
  let worstRadius = 0;
  let wrongHalf = 0;
  X.forEach(([a, b], i) => {
    if (y[i] === 0) {
      worstRadius = Math.max(worstRadius, Math.abs(Math.hypot(a, b) - 1));
      if (b < -1e-15) wrongHalf++;
      outerAngles.push(Math.atan2(b, a));
    } else {
      // inner: (1 - cos t, 0.5 - sin t) lies on the circle of centre (1, 0.5), lower half.
      worstRadius = Math.max(worstRadius, Math.abs(Math.hypot(a - 1, b - 0.5) - 1));
      if (b > 0.5 + 1e-15) wrongHalf++;
      innerAngles.push(Math.atan2(0.5 - b, 1 - a));
    }
  });
  t.ok(worstRadius < 1e-12, `every point on its circle (worst radius error ${worstRadius})`);
  t.equal(wrongHalf, 0, 'every point on its half of the circle');
  for (const [name, angles] of [['outer', outerAngles], ['inner', innerAngles]] as const) {
    const sorted = [...angles].sort((p, q) => p - q);
    const worst = Math.max(...sorted.map((v, i) => Math.abs(v - (i * Math.PI) / (sorted.length - 1))));
    t.ok(worst < 1e-12, `${name} angles are linspace(0, π, ${sorted.length}) (worst error ${worst})`);
  }
  const firstHalfZeros = y.slice(0, n / 2).filter((v) => v === 0).length;
  t.ok(firstHalfZeros > 0 && firstHalfZeros < n / 2, `points are shuffled (${firstHalfZeros} of the first 50 are class 0)`);
  t.end();
});

/**
 * Printed by scikit-learn 1.2.1 (Debian python3-sklearn): make_moons(n_samples=7, shuffle=False,
 * noise=None); and for make_moons(n_samples=100, shuffle=False) the column means and population
 * sds, and rows 0, 37, 50, 99 of scale(X).
 */
const SKLEARN_MOONS_7 = {
  X: [[1.0, 0.0], [6.123233995736766e-17, 1.0], [-1.0, 1.2246467991473532e-16], [0.0, 0.5], [0.4999999999999999, -0.3660254037844385], [1.4999999999999998, -0.3660254037844387], [2.0, 0.4999999999999999]],
  y: [0, 0, 0, 1, 1, 1, 1],
};
const SKLEARN_MOONS_100 = {
  mean: [0.5000000000000001, 0.25],
  sd: [0.8717797887081347, 0.4905743325474608],
  scaledRows: [[0.5735393346764043, -0.5096067678506471], [-1.3975425513169608, 0.9084913764019008], [-0.5735393346764046, 0.5096067678506471], [1.7206180040292134, 0.5096067678506468]],
};

test('makeMoons and standardize match scikit-learn 1.2.1 (fixture): the same points up to the shuffle', (t) => {
  const ours = makeMoons(7, 0, Rng.fromSeed(1));
  const unmatched = SKLEARN_MOONS_7.X.filter(
    (p, i) => !ours.X.some((q, j) => ours.y[j] === SKLEARN_MOONS_7.y[i] && Math.abs(q[0] - p[0]) < 1e-15 && Math.abs(q[1] - p[1]) < 1e-15),
  );
  t.equal(unmatched.length, 0, "every point of sklearn's make_moons(7) is ours, with its label");
  const moons = makeMoons(100, 0, Rng.fromSeed(2));
  for (let j = 0; j < 2; j++) {
    const { mean, sd } = meanSd(column(moons.X, j));
    t.ok(Math.abs(mean - SKLEARN_MOONS_100.mean[j]) < 1e-14 && Math.abs(sd - SKLEARN_MOONS_100.sd[j]) < 1e-14, `column ${j}: mean ${mean}, sd ${sd} as sklearn`);
  }
  const scaled = standardize(moons.X);
  const found = SKLEARN_MOONS_100.scaledRows.filter((p) => scaled.some((q) => Math.abs(q[0] - p[0]) < 1e-12 && Math.abs(q[1] - p[1]) < 1e-12));
  t.equal(found.length, 4, "sklearn's scale() rows appear in ours");
  t.end();
});

test('makeMoons: the noise is N(0, noise²) on every coordinate (sd within 4·MCSE)', (t) => {
  const n = 2000;
  const noise = 0.3;
  // Same seed: the shuffle is the same, so the difference is exactly the added noise.
  const clean = makeMoons(n, 0, Rng.fromSeed(7));
  const noisy = makeMoons(n, noise, Rng.fromSeed(7));
  t.deepEqual(noisy.y, clean.y, 'the noise level does not change the shuffle');
  const residuals = noisy.X.flatMap((p, i) => [p[0] - clean.X[i][0], p[1] - clean.X[i][1]]);
  const { mean, sd } = meanSd(residuals);
  const m = residuals.length;
  const mcseMean = noise / Math.sqrt(m);
  const mcseSd = noise / Math.sqrt(2 * (m - 1)); // sd of a normal sample's sd
  t.ok(Math.abs(mean) < K_SIGMA * mcseMean, `noise mean ${mean.toFixed(5)} within ${K_SIGMA}·${mcseMean.toFixed(5)} of 0`);
  t.ok(Math.abs(sd - noise) < K_SIGMA * mcseSd, `noise sd ${sd.toFixed(5)} within ${K_SIGMA}·${mcseSd.toFixed(5)} of ${noise}`);
  const x1 = residuals.filter((_, k) => k % 2 === 0);
  const x2 = residuals.filter((_, k) => k % 2 === 1);
  const corr = x1.reduce((a, v, i) => a + v * x2[i], 0) / (n * sd * sd);
  t.ok(Math.abs(corr) < K_SIGMA / Math.sqrt(n), `coordinates' noise uncorrelated (r = ${corr.toFixed(4)})`);
  t.end();
});

test('makeMoons: argument errors name the argument and the value', (t) => {
  t.throws(() => makeMoons(0, 0.3, Rng.fromSeed(1)), /makeMoons: nSamples must be a positive integer, got 0/);
  t.throws(() => makeMoons(2.5, 0.3, Rng.fromSeed(1)), /nSamples must be a positive integer, got 2.5/);
  t.throws(() => makeMoons(10, -0.1, Rng.fromSeed(1)), /makeMoons: noise must be a finite number >= 0, got -0.1/);
  t.throws(() => makeMoons(10, NaN, Rng.fromSeed(1)), /noise must be a finite number >= 0, got NaN/);
  t.end();
});

test('standardize: mean 0 and population sd 1 per feature to 1e-12; constant columns only centred', (t) => {
  const rng = Rng.fromSeed(5);
  const X = Array.from({ length: 37 }, () => [1e3 + 50 * rng.normal(), -2 + 1e-3 * rng.normal(), 4]);
  const Z = standardize(X);
  for (let j = 0; j < 2; j++) {
    const { mean, sd } = meanSd(column(Z, j));
    t.ok(Math.abs(mean) < 1e-12 && Math.abs(sd - 1) < 1e-12, `column ${j}: mean ${mean}, sd ${sd}`);
  }
  t.ok(column(Z, 2).every((v) => v === 0), 'a constant column becomes 0 (sklearn keeps scale 1)');
  t.equal(X[0][0] > 900, true, 'the input is not modified');
  t.throws(() => standardize([]), /standardize: X has no rows/);
  t.throws(() => standardize([[1, 2], [3]]), /standardize: X\[1\] has length 1, expected 2/);
  t.end();
});

test('rotate: p · R for row vectors, exact on norms, dot products and angles', (t) => {
  const quarter = rotate([[1, 0], [0, 1]], Math.PI / 2);
  t.ok(Math.abs(quarter[0][0]) < 1e-15 && quarter[0][1] === -1, '(1, 0) ↦ (0, -1): clockwise for row vectors');
  t.ok(quarter[1][0] === 1 && Math.abs(quarter[1][1]) < 1e-15, '(0, 1) ↦ (1, 0)');
  const rng = Rng.fromSeed(9);
  const X = Array.from({ length: 50 }, () => [rng.normal(), rng.normal()]);
  const theta = 1.234;
  const R = rotate(X, theta);
  let worstNorm = 0;
  let worstDot = 0;
  let worstAngle = 0;
  R.forEach((p, i) => {
    worstNorm = Math.max(worstNorm, Math.abs(Math.hypot(p[0], p[1]) - Math.hypot(X[i][0], X[i][1])));
    const q = X[(i + 1) % X.length];
    const qr = R[(i + 1) % X.length];
    worstDot = Math.max(worstDot, Math.abs(p[0] * qr[0] + p[1] * qr[1] - (X[i][0] * q[0] + X[i][1] * q[1])));
    // The signed angle from the original point to its image is -θ.
    const turned = Math.atan2(X[i][0] * p[1] - X[i][1] * p[0], X[i][0] * p[0] + X[i][1] * p[1]);
    worstAngle = Math.max(worstAngle, Math.abs(turned + theta));
  });
  t.ok(worstNorm < 1e-12, `norms preserved (worst ${worstNorm})`);
  t.ok(worstDot < 1e-12, `dot products of consecutive points preserved (worst ${worstDot})`);
  t.ok(worstAngle < 1e-12, `every point turned by exactly -θ (worst ${worstAngle})`);
  const back = rotate(R, -theta);
  t.ok(back.every((p, i) => Math.abs(p[0] - X[i][0]) < 1e-12 && Math.abs(p[1] - X[i][1]) < 1e-12), 'rotating back by -θ restores the points');
  t.throws(() => rotate(X, NaN), /rotate: radians must be finite, got NaN/);
  t.throws(() => rotate([[1, 2, 3]], 1), /rotate: X\[0\] has length 3, expected 2/);
  t.end();
});

test('rotatedMoons: shapes, split, class balance, and the documented composition', (t) => {
  const { study, anglesDegrees } = rotatedMoonsWithAngles({ seed: 31 });
  t.equal(study.Xs_train.length, 18, '18 groups');
  t.ok(study.Xs_train.every((g) => g.length === 50) && study.Xs_test.every((g) => g.length === 50), '50 train + 50 test points per group');
  t.ok(study.Ys_train.every((g) => g.length === 50) && study.Ys_test.every((g) => g.length === 50), 'one label per point');
  t.ok(study.Xs_train.every((g) => g.every((p) => p.length === 2)), 'points have 2 coordinates');
  t.ok(
    study.Ys_train.every((ys, g) => [...ys, ...study.Ys_test[g]].filter((v) => v === 1).length === 50),
    'each group has 50 points of each class over train + test',
  );
  // Composition: per group, make_moons → standardise → rotate, draws in the documented order.
  const rng = Rng.fromSeed(31);
  let identical = true;
  for (let g = 0; g < 18; g++) {
    const m = makeMoons(100, 0.3, rng);
    const degrees = rng.normal() * 90;
    const X = rotate(standardize(m.X), (degrees * Math.PI) / 180);
    identical &&= degrees === anglesDegrees[g];
    identical &&= JSON.stringify(X) === JSON.stringify([...study.Xs_train[g], ...study.Xs_test[g]]);
    identical &&= JSON.stringify(m.y) === JSON.stringify([...study.Ys_train[g], ...study.Ys_test[g]]);
  }
  t.ok(identical, 'equals make_moons → standardize → rotate(N(0, 90²) degrees), first half train');
  // Undoing each group's rotation gives exactly standardised features.
  let worst = 0;
  study.Xs_train.forEach((train, g) => {
    const back = rotate([...train, ...study.Xs_test[g]], (-anglesDegrees[g] * Math.PI) / 180);
    for (let j = 0; j < 2; j++) {
      const { mean, sd } = meanSd(column(back, j));
      worst = Math.max(worst, Math.abs(mean), Math.abs(sd - 1));
    }
  });
  t.ok(worst < 1e-12, `unrotated groups have mean 0, sd 1 per feature (worst deviation ${worst})`);
  const other = rotatedMoons({ seed: 31, trainFraction: 0.3 });
  t.ok(other.Xs_train.every((g) => g.length === 30) && other.Xs_test.every((g) => g.length === 70), 'trainFraction 0.3: 30 / 70');
  t.deepEqual([...other.Xs_train[4], ...other.Xs_test[4]], [...study.Xs_train[4], ...study.Xs_test[4]], 'the split does not change the draws');
  t.end();
});

test('rotatedMoons: determinism by seed', (t) => {
  t.deepEqual(rotatedMoons({ seed: 3, groups: 4 }), rotatedMoons({ seed: 3, groups: 4 }), 'same seed, same data');
  t.deepEqual(rotatedMoons({ groups: 2 }), rotatedMoons({ groups: 2, seed: 0 }), 'default seed is 0');
  t.notDeepEqual(rotatedMoons({ seed: 3, groups: 4 }), rotatedMoons({ seed: 4, groups: 4 }), 'another seed, other data');
  t.end();
});

test('rotatedMoons: rotation angles ~ N(0, 90²) degrees (mean and sd within 4·MCSE)', (t) => {
  const groups = 3000;
  const { anglesDegrees } = rotatedMoonsWithAngles({ groups, nSamples: 2, seed: 17 });
  const { mean, sd } = meanSd(anglesDegrees);
  const mcseMean = 90 / Math.sqrt(groups);
  const mcseSd = 90 / Math.sqrt(2 * (groups - 1));
  t.ok(Math.abs(mean) < K_SIGMA * mcseMean, `angle mean ${mean.toFixed(2)}° within ${K_SIGMA}·${mcseMean.toFixed(2)}° of 0`);
  t.ok(Math.abs(sd - 90) < K_SIGMA * mcseSd, `angle sd ${sd.toFixed(2)}° within ${K_SIGMA}·${mcseSd.toFixed(2)}° of 90°`);
  t.end();
});

test('rotatedMoons: option errors name the option and the value', (t) => {
  t.throws(() => rotatedMoons({ groups: 0 }), /rotatedMoons: groups must be a positive integer, got 0/);
  t.throws(() => rotatedMoons({ nSamples: 1 }), /rotatedMoons: nSamples must be an integer >= 2, got 1/);
  t.throws(() => rotatedMoons({ seed: 0.5 }), /rotatedMoons: seed must be an integer, got 0.5/);
  t.throws(() => rotatedMoons({ trainFraction: 1 }), /rotatedMoons: trainFraction must be in \(0, 1\), got 1/);
  t.throws(() => rotatedMoons({ nSamples: 3, trainFraction: 0.2 }), /leaves 0 training and 3 test points/);
  t.throws(() => rotatedMoons({ noise: -1 }), /noise must be a finite number >= 0, got -1/);
  t.end();
});
