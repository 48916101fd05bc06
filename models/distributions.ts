/**
 * Distributions as log-density functions of Tensors. Each returns the SUMMED log density, with
 * its normalising constants, as a scalar Tensor, and broadcasts its arguments like the ops do
 * (a scalar sigma serves every element of x). Arguments may be Tensors, numbers or Float64Arrays.
 *
 * Validation: a constant parameter (one that does not carry gradient on the active tape) with an
 * invalid value is a user error and throws, naming the distribution and the argument. A tracked
 * parameter is never checked: its invalid values give the mathematical result (NaN or -Infinity),
 * which samplers treat as a divergence rather than a crash. Data outside the support
 * (halfNormal's x < 0) gives -Infinity.
 */
import { cholesky as choleskyFactor, logDetFromCholesky } from '../core/linalg.js';
import { broadcastShapes, shapeSize, shapeToString } from '../core/shape.js';
import { lgamma as lgammaScalar } from '../core/special.js';
import * as T from '../autodiff/ops/index.js';
import { lgamma } from '../autodiff/ops/special.js';
import { logDetTriangular, solveLowerTriangular } from '../autodiff/ops/triangular.js';
import { tracks } from '../autodiff/tape.js';
import { branchOn } from '../autodiff/compile/guard.js';
import { Tensor, asTensor, type TensorLike } from '../autodiff/tensor.js';
import * as libm from '../core/libm.js';

/** What a distribution argument may be. */
export type DistArg = Tensor | number | Float64Array | number[];

const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);
const LOG_PI = libm.log(Math.PI);

function arg(x: DistArg, dist: string, name: string): Tensor {
  try {
    return asTensor(x as TensorLike, `${dist}(${name})`);
  } catch (e) {
    throw new Error(`dist.${dist}: argument ${name}: ${(e as Error).message}`);
  }
}

/** Number of elements after broadcasting all arguments together; the error names the distribution. */
function broadcastSize(dist: string, names: string[], ...xs: Tensor[]): number {
  let shape: readonly number[] = [];
  xs.forEach((x, i) => {
    try {
      shape = broadcastShapes(shape, x.shape, `dist.${dist}`);
    } catch {
      const shapes = xs.map((t, j) => `${names[j]} ${shapeToString(t.shape)}`).join(', ');
      throw new Error(`dist.${dist}: argument ${names[i]} cannot be broadcast with the others (${shapes})`);
    }
  });
  return shapeSize(shape);
}

/** Throw unless every value of a constant parameter satisfies `ok`. */
function checkConstant(t: Tensor, dist: string, name: string, ok: (v: number) => boolean, want: string): void {
  if (tracks(t)) return;
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!ok(d[i])) {
      const where = d.length === 1 ? '' : ` at flat index ${i}`;
      throw new Error(`dist.${dist}: ${name} must be ${want}, got ${d[i]}${where}`);
    }
  }
}

const positive = (v: number) => v > 0 && Number.isFinite(v);

/**
 * Σ over the broadcast shape (n elements) of f(t), where f is elementwise on a parameter t:
 * broadcasting repeats every element of t exactly n / t.size times. Returns a number for a
 * constant t (no tape work) and a Tensor otherwise.
 */
function broadcastSum(t: Tensor, n: number, f: (t: Tensor) => Tensor, fScalar: (v: number) => number): Tensor | number {
  const scale = t.size === 0 ? 0 : n / t.size;
  if (!tracks(t)) {
    let s = 0;
    for (let i = 0; i < t.data.length; i++) s += fScalar(t.data[i]);
    return s * scale;
  }
  return T.mul(T.sum(f(t)), scale);
}

/** Sum of scalar Tensors and numbers as one scalar Tensor. */
function total(...terms: (Tensor | number)[]): Tensor {
  let constant = 0;
  let acc: Tensor | null = null;
  for (const t of terms) {
    if (typeof t === 'number') constant += t;
    else acc = acc === null ? t : T.add(acc, t);
  }
  if (acc === null) return new Tensor(new Float64Array([constant]), []);
  return constant === 0 ? acc : T.add(acc, constant);
}

/** (x - mu) / sigma, skipping the ops that a constant 0 or 1 makes redundant. */
function standardize(x: Tensor, mu: Tensor, sigma: Tensor): Tensor {
  const isConst = (t: Tensor, v: number) => !tracks(t) && t.size === 1 && t.data[0] === v;
  const centred = isConst(mu, 0) ? x : T.sub(x, mu);
  return isConst(sigma, 1) ? centred : T.div(centred, sigma);
}

function anyNegativeValue(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] < 0) return true;
  return false;
}

/** A branch on x's values: through `branchOn`, so a compiled model re-checks it on every replay. */
function anyNegative(x: Tensor): boolean {
  return branchOn(x, anyNegativeValue);
}

const minusInfinity = () => new Tensor(new Float64Array([-Infinity]), []);

/** Σ log N(x | mu, sigma²). */
export function normal(x: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, mt, st] = [arg(x, 'normal', 'x'), arg(mu, 'normal', 'mu'), arg(sigma, 'normal', 'sigma')];
  checkConstant(st, 'normal', 'sigma', positive, 'positive and finite');
  const n = broadcastSize('normal', ['x', 'mu', 'sigma'], xt, mt, st);
  const z = standardize(xt, mt, st);
  const quad = T.mul(T.sum(T.square(z)), -0.5 * (n / z.size));
  return total(quad, negate(broadcastSum(st, n, T.log, libm.log)), -n * HALF_LOG_TWO_PI);
}

function negate(t: Tensor | number): Tensor | number {
  return typeof t === 'number' ? -t : T.neg(t);
}

/** Σ log HalfNormal(x | sigma): density 2·N(x | 0, sigma²) on x ≥ 0. */
export function halfNormal(x: DistArg, sigma: DistArg): Tensor {
  const [xt, st] = [arg(x, 'halfNormal', 'x'), arg(sigma, 'halfNormal', 'sigma')];
  checkConstant(st, 'halfNormal', 'sigma', positive, 'positive and finite');
  const n = broadcastSize('halfNormal', ['x', 'sigma'], xt, st);
  if (anyNegative(xt)) return minusInfinity();
  const z = T.div(xt, st);
  const quad = T.mul(T.sum(T.square(z)), -0.5 * (n / z.size));
  return total(quad, negate(broadcastSum(st, n, T.log, libm.log)), n * (Math.LN2 - HALF_LOG_TWO_PI));
}

/** Σ log HalfCauchy(x | scale): density 2 / (π·scale·(1 + (x/scale)²)) on x ≥ 0. */
export function halfCauchy(x: DistArg, scale: DistArg): Tensor {
  const [xt, st] = [arg(x, 'halfCauchy', 'x'), arg(scale, 'halfCauchy', 'scale')];
  checkConstant(st, 'halfCauchy', 'scale', positive, 'positive and finite');
  const n = broadcastSize('halfCauchy', ['x', 'scale'], xt, st);
  if (anyNegative(xt)) return minusInfinity();
  const z = T.div(xt, st);
  const tail = T.mul(T.sum(T.log1p(T.square(z))), -(n / z.size));
  return total(tail, negate(broadcastSum(st, n, T.log, libm.log)), n * (Math.LN2 - LOG_PI));
}

/**
 * Σ log StudentT(x | nu, mu, sigma):
 * lgamma((ν+1)/2) − lgamma(ν/2) − ½log(νπ) − log σ − (ν+1)/2 · log(1 + z²/ν), z = (x−μ)/σ.
 */
export function studentT(x: DistArg, nu: DistArg, mu: DistArg, sigma: DistArg): Tensor {
  const [xt, nt, mt, st] = [arg(x, 'studentT', 'x'), arg(nu, 'studentT', 'nu'), arg(mu, 'studentT', 'mu'), arg(sigma, 'studentT', 'sigma')];
  checkConstant(nt, 'studentT', 'nu', positive, 'positive and finite');
  checkConstant(st, 'studentT', 'sigma', positive, 'positive and finite');
  const n = broadcastSize('studentT', ['x', 'nu', 'mu', 'sigma'], xt, nt, mt, st);
  const z = standardize(xt, mt, st);
  const tailTerms = T.mul(T.add(nt, 1), T.log1p(T.div(T.square(z), nt)));
  const tail = T.mul(T.sum(tailTerms), -0.5 * (n / tailTerms.size));
  const normaliser = broadcastSum(
    nt,
    n,
    (v) => T.sub(T.sub(lgamma(T.mul(T.add(v, 1), 0.5)), lgamma(T.mul(v, 0.5))), T.mul(T.log(v), 0.5)),
    (v) => lgammaScalar((v + 1) / 2) - lgammaScalar(v / 2) - 0.5 * libm.log(v),
  );
  return total(tail, normaliser, negate(broadcastSum(st, n, T.log, libm.log)), -0.5 * n * LOG_PI);
}

/** Covariance of a multivariate normal, given as the matrix itself or its lower Cholesky factor. */
export type MvNormalScale = { cov: Float64Array | Tensor } | { cholesky: Float64Array | Tensor };

/**
 * Σ_rows log MvNormal(x_row | mean, Σ) for x of shape [k] or [n,k] (rows iid), mean [k] (or a
 * number). `cov` must be a constant (it is factored once per call with core/linalg); `cholesky`
 * (lower-triangular L with Σ = L·Lᵀ) may be constant or tracked: a tracked factor is
 * differentiated through `solveLowerTriangular` and only its lower triangle is read.
 */
export function mvNormal(x: DistArg, mean: DistArg, scale: MvNormalScale): Tensor {
  const xt = arg(x, 'mvNormal', 'x');
  const mt = arg(mean, 'mvNormal', 'mean');
  if (xt.rank !== 1 && xt.rank !== 2) throw new Error(`dist.mvNormal: x must have shape [k] or [n,k], got ${shapeToString(xt.shape)}`);
  const k = xt.shape[xt.rank - 1];
  const rows = xt.rank === 2 ? xt.shape[0] : 1;
  if (!(mt.rank === 0 || (mt.rank === 1 && mt.shape[0] === k))) {
    throw new Error(`dist.mvNormal: mean must have shape [${k}] to match x ${shapeToString(xt.shape)}, got ${shapeToString(mt.shape)}`);
  }
  const l = choleskyOf(scale, k);
  const centred = T.sub(xt, mt);
  const z = solveLowerTriangular(l, xt.rank === 2 ? T.transpose(centred) : centred);
  const quad = T.mul(T.sum(T.square(z)), -0.5);
  const logDet = tracks(l) ? T.mul(logDetTriangular(l), -rows) : -rows * 0.5 * logDetFromCholesky(l.data, k);
  return total(quad, logDet, -rows * k * HALF_LOG_TWO_PI);
}

/** The lower Cholesky factor as a [k,k] Tensor, validated when constant. */
function choleskyOf(scale: MvNormalScale, k: number): Tensor {
  const hasCov = scale !== null && typeof scale === 'object' && 'cov' in scale && scale.cov !== undefined;
  const hasChol = scale !== null && typeof scale === 'object' && 'cholesky' in scale && scale.cholesky !== undefined;
  if (hasCov === hasChol) throw new Error('dist.mvNormal: pass exactly one of { cov } or { cholesky } as the third argument');
  const name = hasCov ? 'cov' : 'cholesky';
  const value = hasCov ? (scale as { cov: Float64Array | Tensor }).cov : (scale as { cholesky: Float64Array | Tensor }).cholesky;
  const t = arg(value as DistArg, 'mvNormal', name);
  if (t.size !== k * k) throw new Error(`dist.mvNormal: ${name} must hold ${k}×${k} = ${k * k} values for x of width ${k}, got ${t.size} (shape ${shapeToString(t.shape)})`);
  const m = t.rank === 2 ? t : new Tensor(t.data, [k, k]);
  if (hasCov) {
    if (tracks(m)) {
      throw new Error('dist.mvNormal: a tracked cov is not supported (no differentiable Cholesky); pass { cholesky: L } with a tracked lower-triangular L instead');
    }
    for (let i = 0; i < k; i++)
      for (let j = 0; j < i; j++) {
        const a = m.data[i * k + j], b = m.data[j * k + i];
        if (!(Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(a), Math.abs(b)))) {
          throw new Error(`dist.mvNormal: cov must be symmetric, but cov[${i},${j}] = ${a} and cov[${j},${i}] = ${b}`);
        }
      }
    try {
      return new Tensor(choleskyFactor(m.data, k), [k, k]);
    } catch (e) {
      throw new Error(`dist.mvNormal: cov is not positive definite (${(e as Error).message})`);
    }
  }
  if (!tracks(m)) {
    for (let i = 0; i < k; i++) {
      const d = m.data[i * k + i];
      if (!positive(d)) throw new Error(`dist.mvNormal: cholesky must have a positive finite diagonal, got cholesky[${i},${i}] = ${d}`);
      for (let j = i + 1; j < k; j++) {
        if (m.data[i * k + j] !== 0) {
          throw new Error(`dist.mvNormal: cholesky must be lower-triangular, got cholesky[${i},${j}] = ${m.data[i * k + j]} above the diagonal`);
        }
      }
    }
  }
  return m;
}

/** Labels must be constant data; `ok` says which values are allowed. */
function checkData(t: Tensor, dist: string, name: string, ok: (v: number) => boolean, want: string): void {
  if (tracks(t)) throw new Error(`dist.${dist}: ${name} is data and cannot carry gradient; pass it as a constant`);
  checkConstant(t, dist, name, ok, want);
}

/** Σ log Bernoulli(y | sigmoid(logits)), stable for large |logits|; y holds 0/1 labels. */
export function bernoulliLogit(y: DistArg, logits: DistArg): Tensor {
  const [yt, lt] = [arg(y, 'bernoulliLogit', 'y'), arg(logits, 'bernoulliLogit', 'logits')];
  checkData(yt, 'bernoulliLogit', 'y', (v) => v === 0 || v === 1, '0 or 1');
  const n = broadcastSize('bernoulliLogit', ['y', 'logits'], yt, lt);
  // Equal sizes that broadcast to n (e.g. [n] and [1, n]) pair element by element: one fused pass.
  if (yt.size === n && lt.size === n) return T.bernoulliLogitSum(T.reshape(yt, [...lt.shape]), lt);
  // Broadcast case: Σ y·l − Σ softplus(l) over the broadcast shape.
  const softplusSum = T.mul(T.sum(T.softplus(lt)), n / lt.size);
  return T.sub(T.sum(T.mul(yt, lt)), softplusSum);
}

/** Σ log Poisson(y | exp(logRate)) = Σ y·η − e^η − log y!; y holds non-negative integer counts. */
export function poissonLog(y: DistArg, logRate: DistArg): Tensor {
  const [yt, lt] = [arg(y, 'poissonLog', 'y'), arg(logRate, 'poissonLog', 'logRate')];
  checkData(yt, 'poissonLog', 'y', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const n = broadcastSize('poissonLog', ['y', 'logRate'], yt, lt);
  const rate = T.mul(T.sum(T.exp(lt)), -(n / lt.size));
  // y is constant data (checked above), so Σ log y! is a number, repeated n / y.size times.
  let logFactorial = 0;
  for (let i = 0; i < yt.data.length; i++) logFactorial += lgammaScalar(yt.data[i] + 1);
  return total(T.sum(T.mul(yt, lt)), rate, -logFactorial * (n / yt.size));
}
