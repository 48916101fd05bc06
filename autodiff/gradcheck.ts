/**
 * gradcheck: compare reverse-mode gradients with central finite differences in float64, so a
 * researcher can check an op, a distribution or a whole model. NaN anywhere fails the check.
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

export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: DiffArg[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-7;
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
