/**
 * Transforms from the real line onto a parameter's support, as in Stan's constrained parameters:
 *   'log'                   x = exp(u)                     log|J| = Σ u
 *   { lower: a }            x = a + exp(u)                 log|J| = Σ u
 *   { upper: b }            x = b − exp(u)                 log|J| = Σ u
 *   { lower: a, upper: b }  x = a + (b − a)·sigmoid(u)     log|J| = Σ log(b − a) + log σ(u) + log σ(−u)
 *   { } (no finite bound)   x = u                          log|J| = 0
 * Samplers move on u; defineModel applies `forward` and adds `logJacobian` so the density on u is
 * the model's density on x. `inverse` maps user-given constrained values (initial values) to u.
 */
import * as T from '../autodiff/ops/index.js';
import { sigmoidScalar } from '../core/logistic.js';
import { Tensor } from '../autodiff/tensor.js';
import * as libm from '../core/libm.js';

export type TransformSpec = 'log' | { lower?: number; upper?: number };

export interface Transform {
  /** 'identity', 'log', 'lower', 'upper' or 'interval': for messages and docs. */
  readonly kind: 'identity' | 'log' | 'lower' | 'upper' | 'interval';
  readonly lower: number;
  readonly upper: number;
  /** Constrained value x(u) (on the tape). */
  forward(u: Tensor): Tensor;
  /** Σ log|dx/du| over all elements, as a scalar Tensor (on the tape). */
  logJacobian(u: Tensor): Tensor;
  /** x(u) on plain arrays (no tape), for writing draws. */
  forwardInto(u: Float64Array, out: Float64Array): void;
  /** u(x) for values inside the support; throws naming `what` and the bad value otherwise. */
  inverse(x: Float64Array, what?: string): Float64Array;
}

/** Validate a transform spec (`what` names the parameter) and build its Transform. */
export function makeTransform(spec: TransformSpec | undefined, what = 'transform'): Transform {
  if (spec === undefined) return interval(-Infinity, Infinity);
  if (spec === 'log') return interval(0, Infinity, 'log');
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new Error(`${what}: transform must be 'log' or { lower?, upper? }, got ${JSON.stringify(spec)}`);
  }
  const extra = Object.keys(spec).filter((k) => k !== 'lower' && k !== 'upper');
  if (extra.length > 0) throw new Error(`${what}: unknown transform field(s) ${extra.join(', ')}; expected lower and/or upper`);
  const lower = spec.lower ?? -Infinity;
  const upper = spec.upper ?? Infinity;
  if (typeof lower !== 'number' || Number.isNaN(lower) || lower === Infinity) throw new Error(`${what}: lower bound must be a number below +Infinity, got ${String(spec.lower)}`);
  if (typeof upper !== 'number' || Number.isNaN(upper) || upper === -Infinity) throw new Error(`${what}: upper bound must be a number above -Infinity, got ${String(spec.upper)}`);
  if (!(lower < upper)) throw new Error(`${what}: lower bound ${lower} must be below upper bound ${upper}`);
  return interval(lower, upper);
}

function scalar(v: number): Tensor {
  return new Tensor(new Float64Array([v]), []);
}

function interval(lower: number, upper: number, name?: 'log'): Transform {
  const hasLower = Number.isFinite(lower);
  const hasUpper = Number.isFinite(upper);
  const kind = name ?? (hasLower && hasUpper ? 'interval' : hasLower ? 'lower' : hasUpper ? 'upper' : 'identity');
  const width = upper - lower;
  const logWidth = libm.log(width);
  const bounds = `(${lower}, ${upper})`;
  const inverse = (x: Float64Array, what = 'value'): Float64Array => {
    const u = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (!(v > lower && v < upper) || Number.isNaN(v)) {
        const where = x.length === 1 ? '' : `[${i}]`;
        throw new Error(`${what}${where} = ${v} is outside the open support ${bounds} of its ${kind} transform`);
      }
      if (kind === 'identity') u[i] = v;
      else if (kind === 'interval') {
        const p = (v - lower) / width;
        u[i] = libm.log(p) - libm.log1p(-p);
      } else u[i] = hasLower ? libm.log(v - lower) : libm.log(upper - v);
    }
    return u;
  };

  if (kind === 'identity') {
    return {
      kind, lower, upper, inverse,
      forward: (u) => u,
      logJacobian: () => scalar(0),
      forwardInto: (u, out) => out.set(u),
    };
  }
  if (kind === 'interval') {
    return {
      kind, lower, upper, inverse,
      forward: (u) => T.add(T.mul(T.sigmoid(u), width), lower),
      // dx/du = (b − a)·σ(u)·σ(−u); the log-sigmoids keep it finite for large |u|.
      logJacobian: (u) => T.add(T.sum(T.add(T.logSigmoid(u), T.logSigmoid(T.neg(u)))), u.size * logWidth),
      forwardInto: (u, out) => {
        for (let i = 0; i < u.length; i++) out[i] = lower + width * sigmoidScalar(u[i]);
      },
    };
  }
  // One-sided: x = lower + e^u or upper − e^u, with |dx/du| = e^u.
  return {
    kind, lower, upper, inverse,
    forward: (u) => (hasLower ? (lower === 0 ? T.exp(u) : T.add(T.exp(u), lower)) : T.sub(upper, T.exp(u))),
    logJacobian: (u) => T.sum(u),
    forwardInto: (u, out) => {
      for (let i = 0; i < u.length; i++) out[i] = hasLower ? lower + libm.exp(u[i]) : upper - libm.exp(u[i]);
    },
  };
}
