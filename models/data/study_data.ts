/**
 * The study's data format: `StudyData`, the `--data` JSON of DESIGN.md (per group, training and
 * test points with 0/1 labels), its validation with errors that name the field and the index, and
 * flat Float64Array views of each group for the models.
 */
import { readText } from '../../core/platform/files.js';

/** The `--data` JSON format: per group g, points `Xs_*[g][i] = [x1, x2]` and labels 0/1. */
export interface StudyData {
  Xs_train: number[][][];
  Ys_train: number[][];
  Xs_test: number[][][];
  Ys_test: number[][];
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

/**
 * One group's points as flat arrays, as the BNNs take them: `X` is n × inputs row-major
 * (`X[i · inputs + j]`), `y` the n labels; study data has two inputs.
 */
export interface GroupArrays {
  X: Float64Array;
  y: Float64Array;
  n: number;
  inputs: number;
}

function toArrays(Xs: number[][], ys: number[]): GroupArrays {
  const n = Xs.length;
  const X = new Float64Array(2 * n);
  Xs.forEach((p, i) => {
    X[2 * i] = p[0];
    X[2 * i + 1] = p[1];
  });
  return { X, y: Float64Array.from(ys), n, inputs: 2 };
}

/** Per group, the training and test points as Float64Arrays (the study is assumed validated). */
export function studyToArrays(study: StudyData): { train: GroupArrays[]; test: GroupArrays[] } {
  return {
    train: study.Xs_train.map((X, g) => toArrays(X, study.Ys_train[g])),
    test: study.Xs_test.map((X, g) => toArrays(X, study.Ys_test[g])),
  };
}
