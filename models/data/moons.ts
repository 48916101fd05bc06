/**
 * The study's generated data: 18 groups of rotated, noisy half-moons (Wiecki 2018).
 *
 * Generation follows the post's notebook: per group scikit-learn's `make_moons(noise=0.3,
 * n_samples=100)`, `sklearn.preprocessing.scale`, then a rotation by an angle ~ N(0, 90²)
 * degrees; the first half of each group trains, the second half tests. Our draws come from
 * `core/rng.ts`, so the numbers differ from NumPy's while the distribution is the same.
 */
import { Rng } from '../../core/rng.js';
import * as libm from '../../core/libm.js';
import type { StudyData } from './study_data.js';

/** One labelled point set: `X[i] = [x1, x2]`, `y[i]` in {0, 1}. */
export interface LabelledPoints {
  X: number[][];
  y: number[];
}

/** Defaults of the post: 18 groups of 100 points, noise 0.3, half of each group for training. */
export const STUDY_GROUPS = 18;
export const STUDY_SAMPLES_PER_GROUP = 100;
export const STUDY_NOISE = 0.3;
export const STUDY_TRAIN_FRACTION = 0.5;
/** Rotation angles are drawn as `randn() * 90.` degrees in the post. */
export const ROTATION_SD_DEGREES = 90;

/** NumPy's `linspace(start, stop, n)` with the endpoint included and set exactly. */
function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  const step = (stop - start) / (n - 1);
  const out = Array.from({ length: n }, (_, i) => start + i * step);
  out[n - 1] = stop;
  return out;
}

/**
 * Two interleaving half-circles, as scikit-learn's `make_moons(n_samples, shuffle=True, noise)`:
 * `n // 2` outer points (cos t, sin t) labelled 0 and the rest inner points
 * (1 - cos t, 1 - sin t - 0.5) labelled 1, t evenly spaced on [0, π]; the points are shuffled,
 * then N(0, noise²) is added to every coordinate. The noise is drawn even when `noise` is 0, so
 * a seed gives the same shuffle (and later draws) whatever the noise level.
 */
export function makeMoons(nSamples: number, noise: number, rng: Rng): LabelledPoints {
  if (!Number.isInteger(nSamples) || nSamples < 1) {
    throw new Error(`makeMoons: nSamples must be a positive integer, got ${nSamples}`);
  }
  if (!Number.isFinite(noise) || noise < 0) {
    throw new Error(`makeMoons: noise must be a finite number >= 0, got ${noise}`);
  }
  const nOut = Math.floor(nSamples / 2);
  const nIn = nSamples - nOut;
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of linspace(0, Math.PI, nOut)) {
    X.push([libm.cos(t), libm.sin(t)]);
    y.push(0);
  }
  for (const t of linspace(0, Math.PI, nIn)) {
    X.push([1 - libm.cos(t), 1 - libm.sin(t) - 0.5]);
    y.push(1);
  }
  // sklearn shuffles X and y with one permutation before adding noise.
  const order = rng.shuffle(Array.from({ length: nSamples }, (_, i) => i)) as number[];
  const shuffledX = order.map((i) => X[i]);
  const shuffledY = order.map((i) => y[i]);
  for (const point of shuffledX) {
    point[0] += noise * rng.normal();
    point[1] += noise * rng.normal();
  }
  return { X: shuffledX, y: shuffledY };
}

/**
 * Standardise each column to mean 0 and population sd 1, as `sklearn.preprocessing.scale`
 * (ddof 0; a column with sd 0 is only centred). Returns new arrays.
 */
export function standardize(X: readonly (readonly number[])[]): number[][] {
  if (X.length === 0) throw new Error('standardize: X has no rows');
  const d = X[0].length;
  const out = X.map((row, i) => {
    if (row.length !== d) throw new Error(`standardize: X[${i}] has length ${row.length}, expected ${d}`);
    return [...row];
  });
  for (let j = 0; j < d; j++) {
    // Centre twice: the second pass removes the rounding error of the first (sklearn does too).
    for (let pass = 0; pass < 2; pass++) {
      let mean = 0;
      for (const row of out) mean += row[j];
      mean /= out.length;
      for (const row of out) row[j] -= mean;
    }
    let ss = 0;
    for (const row of out) ss += row[j] * row[j];
    const sd = Math.sqrt(ss / out.length);
    if (sd > 0) for (const row of out) row[j] /= sd;
  }
  return out;
}

/**
 * Rotate 2-D points given as row vectors: `p' = p · R` with R = [[cos θ, -sin θ], [sin θ, cos θ]],
 * as the post's `X.dot(R)`. For row vectors this turns points clockwise by θ:
 * (1, 0) ↦ (cos θ, -sin θ).
 */
export function rotate(X: readonly (readonly number[])[], radians: number): number[][] {
  if (!Number.isFinite(radians)) throw new Error(`rotate: radians must be finite, got ${radians}`);
  const c = libm.cos(radians);
  const s = libm.sin(radians);
  return X.map((p, i) => {
    if (p.length !== 2) throw new Error(`rotate: X[${i}] has length ${p.length}, expected 2`);
    return [p[0] * c + p[1] * s, -p[0] * s + p[1] * c];
  });
}

export interface RotatedMoonsOptions {
  /** Number of groups (categories); 18 as in the post. */
  groups?: number;
  /** Points per group before the train/test split; 100 as in the post. */
  nSamples?: number;
  /** Sd of the Gaussian noise on each coordinate; 0.3 as in the post. */
  noise?: number;
  /** Integer seed for `Rng.fromSeed`. */
  seed?: number;
  /** Share of each group's points (the first ones) used for training; 0.5 as in the post. */
  trainFraction?: number;
}

/** The study data together with each group's rotation angle in degrees. */
export interface RotatedMoons {
  study: StudyData;
  anglesDegrees: number[];
}

/**
 * Generate the study data and report the rotation angles: per group make_moons, standardise,
 * rotate by N(0, 90²) degrees (see `rotate` for the direction), split into the first
 * `floor(nSamples · trainFraction)` points for training and the rest for testing. The draws
 * per group run in the post's order (shuffle, noise, angle) from one generator.
 */
export function rotatedMoonsWithAngles(options: RotatedMoonsOptions = {}): RotatedMoons {
  const {
    groups = STUDY_GROUPS,
    nSamples = STUDY_SAMPLES_PER_GROUP,
    noise = STUDY_NOISE,
    seed = 0,
    trainFraction = STUDY_TRAIN_FRACTION,
  } = options;
  if (!Number.isInteger(groups) || groups < 1) {
    throw new Error(`rotatedMoons: groups must be a positive integer, got ${groups}`);
  }
  if (!Number.isInteger(nSamples) || nSamples < 2) {
    throw new Error(`rotatedMoons: nSamples must be an integer >= 2, got ${nSamples}`);
  }
  if (!Number.isInteger(seed)) throw new Error(`rotatedMoons: seed must be an integer, got ${seed}`);
  if (!(trainFraction > 0 && trainFraction < 1)) {
    throw new Error(`rotatedMoons: trainFraction must be in (0, 1), got ${trainFraction}`);
  }
  const nTrain = Math.floor(nSamples * trainFraction);
  if (nTrain < 1 || nTrain > nSamples - 1) {
    throw new Error(
      `rotatedMoons: trainFraction ${trainFraction} of nSamples ${nSamples} leaves ${nTrain} training ` +
        `and ${nSamples - nTrain} test points; both need at least one`,
    );
  }
  const rng = Rng.fromSeed(seed);
  const study: StudyData = { Xs_train: [], Ys_train: [], Xs_test: [], Ys_test: [] };
  const anglesDegrees: number[] = [];
  for (let g = 0; g < groups; g++) {
    const moons = makeMoons(nSamples, noise, rng);
    const degrees = rng.normal() * ROTATION_SD_DEGREES;
    const X = rotate(standardize(moons.X), (degrees * Math.PI) / 180);
    anglesDegrees.push(degrees);
    study.Xs_train.push(X.slice(0, nTrain));
    study.Ys_train.push(moons.y.slice(0, nTrain));
    study.Xs_test.push(X.slice(nTrain));
    study.Ys_test.push(moons.y.slice(nTrain));
  }
  return { study, anglesDegrees };
}

/** The study data of the post (defaults: 18 groups × 100 points, noise 0.3, half train). */
export function rotatedMoons(options: RotatedMoonsOptions = {}): StudyData {
  return rotatedMoonsWithAngles(options).study;
}
