/**
 * What every density shares: argument coercion, broadcasting with errors that name the
 * distribution, validation of constant parameters, the support of the data, and `family`, which
 * joins a summed density, its pointwise form and its sampler into one `dist.name`.
 *
 * Validation: a constant parameter (one that does not carry gradient on the active tape) with an
 * invalid value is a user error and throws, naming the distribution, the argument and the value.
 * A tracked parameter is never checked: its invalid values give the mathematical result (NaN or
 * -Infinity), which samplers treat as a divergence rather than a crash.
 */
import { broadcastIndexMap, broadcastShapes, shapeSize, shapeToString, shapesEqual } from '../../core/shape.js';
import type { Rng } from '../../core/rng.js';
import * as T from '../../autodiff/ops/index.js';
import { tracks } from '../../autodiff/tape.js';
import { branchOn } from '../../autodiff/compile/guard.js';
import { Tensor, asTensor, type TensorLike } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';

/** What a distribution argument may be. */
export type DistArg = Tensor | number | Float64Array | number[];

export const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);
export const LOG_PI = libm.log(Math.PI);

/** A density `dist.name`: the summed log density, its pointwise form and its sampler. */
export type Family<D extends (...args: never[]) => Tensor, S extends (rng: Rng, ...args: never[]) => Tensor> = D & {
  /** The log density of every element (row, for multivariate families) in the broadcast shape. */
  pointwise: D;
  /** Draws from the seeded `rng`: shape `[...shape, ...the parameters' broadcast shape]`. */
  sample: S;
};

/** Join the three forms of a density into one function object. */
export function family<D extends (...args: never[]) => Tensor, S extends (rng: Rng, ...args: never[]) => Tensor>(summed: D, pointwise: D, sample: S): Family<D, S> {
  return Object.assign(summed, { pointwise, sample });
}

export function arg(x: DistArg, dist: string, name: string): Tensor {
  try {
    return asTensor(x as TensorLike, `${dist}(${name})`);
  } catch (e) {
    throw new Error(`dist.${dist}: argument ${name}: ${(e as Error).message}`);
  }
}

/** The broadcast shape of all arguments; the error names the distribution and the arguments. */
export function broadcastShape(dist: string, names: string[], ...xs: Tensor[]): number[] {
  let shape: number[] = [];
  xs.forEach((x, i) => {
    try {
      shape = broadcastShapes(shape, x.shape, `dist.${dist}`);
    } catch {
      const shapes = xs.map((t, j) => `${names[j]} ${shapeToString(t.shape)}`).join(', ');
      throw new Error(`dist.${dist}: argument ${names[i]} cannot be broadcast with the others (${shapes})`);
    }
  });
  return shape;
}

/** Number of elements after broadcasting all arguments together. */
export function broadcastSize(dist: string, names: string[], ...xs: Tensor[]): number {
  return shapeSize(broadcastShape(dist, names, ...xs));
}

/** Throw unless every value of a constant parameter satisfies `ok`. */
export function checkConstant(t: Tensor, dist: string, name: string, ok: (v: number) => boolean, want: string): void {
  if (tracks(t)) return;
  const d = t.buffer;
  for (let i = 0; i < d.length; i++) {
    if (!ok(d[i])) {
      const where = d.length === 1 ? '' : ` at flat index ${i}`;
      throw new Error(`dist.${dist}: ${name} must be ${want}, got ${d[i]}${where}`);
    }
  }
}

/** Labels and counts must be constant data; `ok` says which values are allowed. */
export function checkData(t: Tensor, dist: string, name: string, ok: (v: number) => boolean, want: string): void {
  if (tracks(t)) throw new Error(`dist.${dist}: ${name} is data and cannot carry gradient; pass it as a constant`);
  checkConstant(t, dist, name, ok, want);
}

export const positive = (v: number) => v > 0 && Number.isFinite(v);
export const finite = (v: number) => Number.isFinite(v);
export const probability = (v: number) => v >= 0 && v <= 1;
export const count = (v: number) => Number.isInteger(v) && v >= 0;

/**
 * Σ over the broadcast shape (n elements) of f(t), where f is elementwise on a parameter t:
 * broadcasting repeats every element of t exactly n / t.size times. Returns a number for a
 * constant t (no tape work) and a Tensor otherwise.
 */
export function broadcastSum(t: Tensor, n: number, f: (t: Tensor) => Tensor, fScalar: (v: number) => number): Tensor | number {
  const scale = t.size === 0 ? 0 : n / t.size;
  if (!tracks(t)) {
    let s = 0;
    for (let i = 0; i < t.buffer.length; i++) s += fScalar(t.buffer[i]);
    return s * scale;
  }
  return T.mul(T.sum(f(t)), scale);
}

/** Sum of scalar Tensors and numbers as one scalar Tensor. */
export function total(...terms: (Tensor | number)[]): Tensor {
  let constant = 0;
  let acc: Tensor | null = null;
  for (const t of terms) {
    if (typeof t === 'number') constant += t;
    else acc = acc === null ? t : T.add(acc, t);
  }
  if (acc === null) return new Tensor(new Float64Array([constant]), []);
  return constant === 0 ? acc : T.add(acc, constant);
}

export function negate(t: Tensor | number): Tensor | number {
  return typeof t === 'number' ? -t : T.neg(t);
}

const isConst = (t: Tensor, v: number) => !tracks(t) && t.size === 1 && t.buffer[0] === v;

/** (x - mu) / sigma, skipping the ops that a constant 0 or 1 makes redundant. */
export function standardize(x: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  const centred = isConst(mu, 0) ? x : T.sub(x, mu);
  return isConst(sigma, 1) ? centred : T.div(centred, sigma);
}

export const minusInfinity = () => new Tensor(new Float64Array([-Infinity]), []);

/** A constant tensor of `shape` filled with `v`. */
export function filled(shape: readonly number[], v: number): Tensor {
  return new Tensor(new Float64Array(shapeSize(shape)).fill(v), [...shape]);
}

/** `t` broadcast to `shape` (a term that does not involve every argument still covers every element). */
export function expandTo(t: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(t.shape, shape) ? t : T.add(t, filled(shape, 0));
}

/** The data's support for the pointwise forms: `x` to compute with, and a 0/−∞ mask. */
export interface Support {
  x: Tensor;
  /** −∞ where the data lies outside the support, 0 elsewhere; null when all of it is inside. */
  mask: Tensor | null;
}

/**
 * Restrict a density to the support of x. `anyOutside` is a module-level test on x's values (a
 * compiled model re-checks it on every replay, see `branchOn`); `inside` tests one value. A
 * constant x outside the support gets −∞ at those elements (computed at `safe` instead); for a
 * tracked x with any element outside, returns null: the caller returns −∞ everywhere.
 */
export function support(x: Tensor, anyOutside: (v: Float64Array) => boolean, inside: (v: number) => boolean, safe: number): Support | null {
  if (!branchOn(x, anyOutside)) return { x, mask: null };
  if (tracks(x)) return null;
  const xs = Float64Array.from(x.buffer), m = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    if (!inside(xs[i])) {
      xs[i] = safe;
      m[i] = -Infinity;
    }
  }
  return { x: new Tensor(xs, [...x.shape]), mask: new Tensor(m, [...x.shape]) };
}

/** The pointwise result in `shape`, with the support's mask added (or −∞ everywhere for null). */
export function finish(lp: Tensor, shape: readonly number[], s: Support | null): Tensor {
  if (s === null) return filled(shape, -Infinity);
  const full = expandTo(lp, shape);
  return s.mask === null ? full : T.add(full, s.mask);
}

/** Module-level support tests (a compiled model keeps a reference to them, so no closures). */
export function anyNegative(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] < 0) return true;
  return false;
}
export function anyNonPositive(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] > 0)) return true;
  return false;
}
export function anyOutsideUnit(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] > 0 && v[i] < 1)) return true;
  return false;
}
export const nonNegative = (v: number) => v >= 0;
export const strictlyPositive = (v: number) => v > 0;
export const insideUnit = (v: number) => v > 0 && v < 1;

/** The optional trailing `shape` of a sampler, checked. */
export function sampleShape(dist: string, shape: readonly number[] | undefined): number[] {
  if (shape === undefined) return [];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`dist.${dist}.sample: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return [...shape];
}

/**
 * Draw `[...shape, ...B]` values, B the parameters' broadcast shape: `draw(rng, p0, p1, …)` with
 * each parameter's value at that element, in row-major order of the output.
 */
export function drawElementwise(rng: Rng, dist: string, names: string[], params: Tensor[], shape: readonly number[] | undefined, draw: (rng: Rng, ...p: number[]) => number): Tensor {
  const lead = sampleShape(dist, shape);
  const b = broadcastShape(dist, names, ...params);
  const nb = shapeSize(b), reps = shapeSize(lead);
  const maps = params.map((p) => (shapesEqual(p.shape, b) ? null : broadcastIndexMap(p.shape, b)));
  const out = new Float64Array(reps * nb);
  const vals = new Array<number>(params.length);
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < nb; j++) {
      for (let p = 0; p < params.length; p++) {
        const m = maps[p];
        vals[p] = params[p].buffer[m === null ? j : m[j]];
      }
      out[r * nb + j] = draw(rng, ...vals);
    }
  }
  return new Tensor(out, [...lead, ...b]);
}

/** Per element of `shape`, f of the broadcast arguments' values: a constant Tensor (no tape work). */
export function elementwiseConstant(shape: readonly number[], args: Tensor[], f: (...v: number[]) => number): Tensor {
  const n = shapeSize(shape);
  const maps = args.map((a) => (shapesEqual(a.shape, shape) ? null : broadcastIndexMap(a.shape, shape)));
  const out = new Float64Array(n);
  const vals = new Array<number>(args.length);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < args.length; k++) {
      const m = maps[k];
      vals[k] = args[k].buffer[m === null ? j : m[j]];
    }
    out[j] = f(...vals);
  }
  return new Tensor(out, [...shape]);
}

/** x·log(y) with 0·log 0 = 0 (a count of zero at probability or rate zero). */
export function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * libm.log(y);
}
