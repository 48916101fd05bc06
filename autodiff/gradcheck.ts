/**
 * gradcheck: compare reverse-mode gradients with central finite differences in float64, so a
 * researcher can check an op, a distribution or a whole model. NaN anywhere fails the check.
 * Given a model (anything with `dim` and `logDensityAndGrad`), it checks the model's own
 * gradient — for a compiled model, the compiled plan's.
 */
import { valueAndGrad, type DiffArg } from './grad.js';
import { Tensor, tensor, type TensorLike } from './tensor.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6, scaled by max(1, |x|)). */
  eps?: number;
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-7). */
  atol?: number;
  /** Check at most this many coordinates per input, chosen evenly (default: all). */
  maxCoordinates?: number;
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  /** The coordinate with the largest error relative to its tolerance. */
  worst: { input: number; index: number; analytic: number; numeric: number; absError: number; relError: number } | null;
  value: number;
  /** Number of coordinates compared. */
  checked: number;
}

/** What gradcheck needs of a model: a flat log density with its gradient (a `Model`, a sampler's target). */
export interface DifferentiableDensity {
  readonly dim: number;
  logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number;
}

/** The default point of a model check: deterministic values spread over (−0.9, 0.9) (golden-ratio steps), away from symmetric points like 0. */
function defaultPoint(dim: number): Float64Array {
  return Float64Array.from({ length: dim }, (_, i) => 0.9 * ((((i + 0.5) * 0.6180339887498949) % 1) * 2 - 1));
}

/** Check `f`'s gradient at `inputs`, or a model's gradient at `x` (default: a fixed point in (−1, 1)^dim). */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: DiffArg[], opts?: GradcheckOptions): GradcheckResult;
export function gradcheck(model: DifferentiableDensity, x?: Float64Array, opts?: GradcheckOptions): GradcheckResult;
export function gradcheck(target: ((...xs: Tensor[]) => Tensor) | DifferentiableDensity, inputs?: DiffArg[] | Float64Array, opts: GradcheckOptions = {}): GradcheckResult {
  if (typeof target === 'function') return compare(functionProbe(target, inputs as DiffArg[]), opts);
  if (target === null || typeof target !== 'object' || typeof target.logDensityAndGrad !== 'function') {
    throw new Error('gradcheck: expects a function of tensors with its inputs, or a model with dim and logDensityAndGrad');
  }
  return compare(modelProbe(target, (inputs as Float64Array | undefined) ?? defaultPoint(target.dim)), opts);
}

/** What `compare` checks: the inputs, the analytic value and gradients there, and the value with one coordinate moved. */
interface Probe {
  base: Tensor[];
  value: number;
  grads: Float64Array[];
  evalAt(j: number, idx: number, v: number): number;
}

function functionProbe(f: (...xs: Tensor[]) => Tensor, inputs: DiffArg[]): Probe {
  const base = inputs.map((x) => (x instanceof Tensor ? x : tensor(x)));
  const vg = valueAndGrad(f);
  const { value, grads } = vg(...base);
  const evalAt = (j: number, idx: number, v: number): number => {
    const args = base.map((t, k) => {
      if (k !== j) return t;
      const d = Float64Array.from(t.data);
      d[idx] = v;
      return new Tensor(d, t.shape);
    });
    return vg(...args).value;
  };
  return { base, value, grads, evalAt };
}

function modelProbe(model: DifferentiableDensity, x: Float64Array): Probe {
  if (!(x instanceof Float64Array) || x.length !== model.dim) throw new Error(`gradcheck: the point must be a Float64Array of length dim = ${model.dim}`);
  const grad = new Float64Array(model.dim);
  const scratch = new Float64Array(model.dim);
  // Twice: the first call of a compiled model records its plan on the eager tape; the second replays it.
  model.logDensityAndGrad(x, grad);
  const value = model.logDensityAndGrad(x, grad);
  const moved = Float64Array.from(x);
  const evalAt = (_j: number, idx: number, v: number): number => {
    moved[idx] = v;
    const out = model.logDensityAndGrad(moved, scratch);
    moved[idx] = x[idx];
    return out;
  };
  return { base: [new Tensor(Float64Array.from(x), [model.dim])], value, grads: [grad], evalAt };
}

function compare({ base, value, grads, evalAt }: Probe, opts: GradcheckOptions): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-7;
  let maxAbsError = 0;
  let maxRelError = 0;
  let worstScore = -1;
  let worst: GradcheckResult['worst'] = null;
  let ok = Number.isFinite(value);
  let checked = 0;
  base.forEach((t, j) => {
    const n = t.size;
    const count = Math.min(n, opts.maxCoordinates ?? n);
    for (let c = 0; c < count; c++) {
      const idx = count === n ? c : Math.floor((c * n) / count);
      const x0 = t.data[idx];
      const h = eps * Math.max(1, Math.abs(x0));
      const numeric = (evalAt(j, idx, x0 + h) - evalAt(j, idx, x0 - h)) / (2 * h);
      const analytic = grads[j][idx];
      const absError = Math.abs(analytic - numeric);
      const relError = absError / Math.max(Math.abs(numeric), Math.abs(analytic), 1e-300);
      const tol = atol + rtol * Math.abs(numeric);
      const finite = Number.isFinite(analytic) && Number.isFinite(numeric);
      const score = finite ? absError / tol : Infinity;
      if (!finite || absError > tol) ok = false;
      if (finite) {
        maxAbsError = Math.max(maxAbsError, absError);
        maxRelError = Math.max(maxRelError, absError === 0 ? 0 : relError);
      } else {
        maxAbsError = NaN;
        maxRelError = NaN;
      }
      if (score > worstScore || worst === null) {
        worstScore = score;
        worst = { input: j, index: idx, analytic, numeric, absError, relError };
      }
      checked++;
    }
  });
  return { ok, maxAbsError, maxRelError, worst, value, checked };
}
