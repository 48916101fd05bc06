/**
 * The study's data: 18 groups of rotated, noisy half-moons (Wiecki 2018), the `--data` JSON
 * format (`StudyData`), its validation, and flat Float64Array views for the models.
 *
 * Generation follows the post's notebook: per group scikit-learn's `make_moons(noise=0.3,
 * n_samples=100)`, `sklearn.preprocessing.scale`, then a rotation by an angle ~ N(0, 90²)
 * degrees; the first half of each group trains, the second half tests. Our draws come from
 * `core/rng.ts`, so the numbers differ from NumPy's while the distribution is the same.
 */
import { readText } from '../../core/platform/files.js';
import { Rng } from '../../core/rng.js';
import * as libm from '../../core/libm.js';

/** The `--data` JSON format: per group g, points `Xs_*[g][i] = [x1, x2]` and labels 0/1. */
export interface StudyData {
  Xs_train: number[][][];
  Ys_train: number[][];
  Xs_test: number[][][];
  Ys_test: number[][];
}

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

const FIELDS = ['Xs_train', 'Ys_train', 'Xs_test', 'Ys_test'] as const;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function expectArray(value: unknown, where: string, source: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${source}: ${where} is ${describe(value)}, expected an array`);
  return value;
}

/**
 * Check that `json` is study data and return a fresh copy: the four fields present, the same
 * number of groups in each, every group non-empty, points of exactly two finite numbers, labels
 * 0 or 1, one label per point. Errors name `source`, the field and the index. Groups may differ
 * in size.
 */
export function validateStudyData(json: unknown, source = 'data'): StudyData {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(`${source}: expected an object with fields ${FIELDS.join(', ')}, got ${describe(json)}`);
  }
  const obj = json as Record<string, unknown>;
  for (const field of FIELDS) {
    if (!(field in obj)) throw new Error(`${source}: missing field '${field}'`);
  }
  const result: StudyData = { Xs_train: [], Ys_train: [], Xs_test: [], Ys_test: [] };
  for (const split of ['train', 'test'] as const) {
    const xName = `Xs_${split}` as const;
    const yName = `Ys_${split}` as const;
    const xs = expectArray(obj[xName], xName, source);
    const ys = expectArray(obj[yName], yName, source);
    if (xs.length === 0) throw new Error(`${source}: ${xName} has no groups`);
    const groups = (split === 'train' ? xs : result.Xs_train).length;
    if (xs.length !== groups) {
      throw new Error(`${source}: ${xName} has ${xs.length} groups, expected ${groups} (as Xs_train)`);
    }
    if (ys.length !== groups) {
      throw new Error(`${source}: ${yName} has ${ys.length} groups, expected ${groups} (as Xs_train)`);
    }
    for (let g = 0; g < groups; g++) {
      const points = expectArray(xs[g], `${xName}[${g}]`, source);
      const labels = expectArray(ys[g], `${yName}[${g}]`, source);
      if (points.length === 0) throw new Error(`${source}: ${xName}[${g}] has no points`);
      if (labels.length !== points.length) {
        throw new Error(
          `${source}: ${yName}[${g}] has length ${labels.length}, expected ${points.length} (the length of ${xName}[${g}])`,
        );
      }
      result[xName].push(points.map((p, i) => checkPoint(p, `${xName}[${g}][${i}]`, source)));
      result[yName].push(labels.map((v, i) => checkLabel(v, `${yName}[${g}][${i}]`, source)));
    }
  }
  return result;
}

function checkPoint(p: unknown, where: string, source: string): number[] {
  const point = expectArray(p, where, source);
  if (point.length !== 2) throw new Error(`${source}: ${where} has length ${point.length}, expected 2`);
  return point.map((v, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${source}: ${where}[${k}] is ${describe(v)}, expected a finite number`);
    }
    return v;
  });
}

function checkLabel(v: unknown, where: string, source: string): number {
  if (v !== 0 && v !== 1) throw new Error(`${source}: ${where} is ${describe(v)}, expected 0 or 1`);
  return v;
}

/** Read study data from a JSON file and validate it; errors name the path. */
export function loadStudyData(path: string): StudyData {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    throw new Error(`cannot read study data file '${path}': ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`study data file '${path}' is not valid JSON: ${(err as Error).message}`);
  }
  return validateStudyData(json, path);
}

/** One group's points as flat arrays: `X` is n × 2 row-major (`X[2i]`, `X[2i + 1]`). */
export interface GroupArrays {
  X: Float64Array;
  y: Float64Array;
  n: number;
}

function toArrays(Xs: number[][], ys: number[]): GroupArrays {
  const n = Xs.length;
  const X = new Float64Array(2 * n);
  Xs.forEach((p, i) => {
    X[2 * i] = p[0];
    X[2 * i + 1] = p[1];
  });
  return { X, y: Float64Array.from(ys), n };
}

/** Per group, the training and test points as Float64Arrays (the study is assumed validated). */
export function studyToArrays(study: StudyData): { train: GroupArrays[]; test: GroupArrays[] } {
  return {
    train: study.Xs_train.map((X, g) => toArrays(X, study.Ys_train[g])),
    test: study.Xs_test.map((X, g) => toArrays(X, study.Ys_test[g])),
  };
}
