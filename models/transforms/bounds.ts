/**
 * The elementwise transforms, onto bounds given as numbers or, per element, as arrays / constant
 * tensors of the parameter's size (Stan's `real<lower=a, upper=b>` with vector bounds):
 *   'log'                      x = exp(u)                     log|J| = Σ u
 *   { lower: a }               x = a + exp(u)                 log|J| = Σ u
 *   { upper: b }               x = b − exp(u)                 log|J| = Σ u
 *   { lower: a, upper: b }     x = a + (b − a)·sigmoid(u)     log|J| = Σ log(b − a) + log σ(u) + log σ(−u)
 *   'unitInterval'             { lower: 0, upper: 1 }
 *   { } (no finite bound)      x = u                          log|J| = 0
 */
import * as T from '../../autodiff/ops/index.js';
import { sigmoidScalar } from '../../core/logistic.js';
import { Tensor } from '../../autodiff/tensor.js';
import { shapeSize, shapeToString } from '../../core/shape.js';
import * as libm from '../../core/libm.js';
import { scalar, type Transform, type TransformKind } from './transform.js';

/** A bound: a number (±Infinity for none), or finite numbers per element (flat or nested arrays, a constant Tensor). */
export type Bound = number | readonly number[] | readonly (readonly number[])[] | Float64Array | Tensor;

export interface BoundsSpec {
  lower?: Bound;
  upper?: Bound;
}

/** One bound as flat values (length 1 for a number), checked. */
function boundValues(b: Bound | undefined, fallback: number, side: 'lower' | 'upper', what: string): Float64Array {
  if (b === undefined) return new Float64Array([fallback]);
  if (typeof b === 'number') {
    const bad = Number.isNaN(b) || b === (side === 'lower' ? Infinity : -Infinity);
    if (bad) throw new Error(`${what}: ${side} bound must be a number ${side === 'lower' ? 'below +Infinity' : 'above -Infinity'}, got ${String(b)}`);
    return new Float64Array([b]);
  }
  let flat: Float64Array;
  if (b instanceof Tensor) flat = Float64Array.from(b.data);
  else if (b instanceof Float64Array) flat = Float64Array.from(b);
  else if (Array.isArray(b)) flat = Float64Array.from((b as unknown[]).flat(Infinity as 1) as number[]);
  else throw new Error(`${what}: ${side} bound must be a number, an array of numbers or a constant Tensor, got ${String(b)}`);
  const i = flat.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (i >= 0 || flat.length === 0) throw new Error(`${what}: a ${side} bound given per element must hold finite numbers (a number bound may be ±Infinity), got ${flat.length === 0 ? 'an empty array' : `${side}[${i}] = ${String(flat[i])}`}`);
  return flat;
}

/** Validate `{ lower?, upper? }` (`what` names the parameter) and build its Transform. */
export function boundsTransform(spec: BoundsSpec, what: string, name?: 'log'): Transform {
  const extra = Object.keys(spec).filter((k) => k !== 'lower' && k !== 'upper');
  if (extra.length > 0) throw new Error(`${what}: unknown transform field(s) ${extra.join(', ')}; expected lower and/or upper`);
  const lo = boundValues(spec.lower, -Infinity, 'lower', what);
  const hi = boundValues(spec.upper, Infinity, 'upper', what);
  if (lo.length > 1 && hi.length > 1 && lo.length !== hi.length) throw new Error(`${what}: lower bound has ${lo.length} values but upper bound has ${hi.length}`);
  const n = Math.max(lo.length, hi.length);
  for (let i = 0; i < n; i++) {
    const a = lo[lo.length === 1 ? 0 : i];
    const b = hi[hi.length === 1 ? 0 : i];
    if (!(a < b)) throw new Error(`${what}: lower bound ${a} must be below upper bound ${b}${n > 1 ? ` (element ${i})` : ''}`);
  }
  return elementwise(lo, hi, what, name);
}

function elementwise(lo: Float64Array, hi: Float64Array, what: string, name?: 'log'): Transform {
  const hasLower = Number.isFinite(lo[0]);
  const hasUpper = Number.isFinite(hi[0]);
  const kind: TransformKind = name ?? (hasLower && hasUpper ? 'interval' : hasLower ? 'lower' : hasUpper ? 'upper' : 'identity');
  const boundsSize = Math.max(lo.length, hi.length);
  const at = (v: Float64Array, i: number) => v[v.length === 1 ? 0 : i];
  // A bound as an op argument: a number, or a constant tensor of u's shape.
  const asArg = (v: Float64Array, u: Tensor) => (v.length === 1 ? v[0] : new Tensor(v, u.shape));
  const checkSize = (n: number, shape?: readonly number[]) => {
    if (boundsSize > 1 && n !== boundsSize) {
      throw new Error(`${what}: bounds have ${boundsSize} values but the parameter${shape ? ` of shape ${shapeToString(shape)}` : ''} has ${n}`);
    }
  };
  const describe = (i: number) => `(${at(lo, i)}, ${at(hi, i)})`;
  const inverse = (x: Float64Array, who = 'value'): Float64Array => {
    checkSize(x.length);
    const u = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const a = at(lo, i);
      const b = at(hi, i);
      if (!(v > a && v < b) || Number.isNaN(v)) {
        const where = x.length === 1 ? '' : `[${i}]`;
        throw new Error(`${who}${where} = ${v} is outside the open support ${describe(i)} of its ${kind} transform`);
      }
      if (kind === 'identity') u[i] = v;
      else if (kind === 'interval') {
        const p = (v - a) / (b - a);
        u[i] = libm.log(p) - libm.log1p(-p);
      } else u[i] = hasLower ? libm.log(v - a) : libm.log(b - v);
    }
    return u;
  };
  const freeShape = (shape: readonly number[]) => {
    checkSize(shapeSize(shape), shape);
    return [...shape];
  };

  if (kind === 'identity') {
    return { kind, freeShape, inverse, forward: (u) => u, logJacobian: () => scalar(0), forwardInto: (u, out) => out.set(u) };
  }
  if (kind === 'interval') {
    const width = Float64Array.from({ length: boundsSize }, (_, i) => at(hi, i) - at(lo, i));
    const sumLogWidth = width.reduce((s, w) => s + libm.log(w), 0);
    return {
      kind, freeShape, inverse,
      forward: (u) => T.add(T.mul(T.sigmoid(u), asArg(width, u)), asArg(lo, u)),
      // dx/du = (b − a)·σ(u)·σ(−u); the log-sigmoids keep it finite for large |u|.
      logJacobian: (u) => T.add(T.sum(T.add(T.logSigmoid(u), T.logSigmoid(T.neg(u)))), boundsSize === 1 ? u.size * sumLogWidth : sumLogWidth),
      forwardInto: (u, out) => {
        for (let i = 0; i < u.length; i++) out[i] = at(lo, i) + at(width, i) * sigmoidScalar(u[i]);
      },
    };
  }
  // One-sided: x = lower + e^u or upper − e^u, with |dx/du| = e^u.
  const zeroLower = hasLower && lo.length === 1 && lo[0] === 0;
  return {
    kind, freeShape, inverse,
    forward: (u) => (hasLower ? (zeroLower ? T.exp(u) : T.add(T.exp(u), asArg(lo, u))) : T.sub(asArg(hi, u), T.exp(u))),
    logJacobian: (u) => T.sum(u),
    forwardInto: (u, out) => {
      for (let i = 0; i < u.length; i++) out[i] = hasLower ? at(lo, i) + libm.exp(u[i]) : at(hi, i) - libm.exp(u[i]);
    },
  };
}
