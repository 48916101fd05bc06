/**
 * Ops on a lower-triangular factor L (e.g. a Cholesky factor) that may itself be tracked:
 * `solveLowerTriangular(L, B)` = L⁻¹B and `logDetTriangular(L)` = Σ log L_ii. Together they give
 * a multivariate normal log density differentiable in its Cholesky factor. Only the lower
 * triangle of L is read; its gradient is lower-triangular too. The plan kernels repeat
 * core/linalg's substitutions in place, in the same order, so they allocate nothing.
 */
import { solveLower, solveLowerTransposed } from '../../core/linalg.js';
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';
import * as libm from '../../core/libm.js';

function checkSquare(l: Tensor, op: string): number {
  if (l.rank !== 2 || l.shape[0] !== l.shape[1]) throw new Error(`${op}: L must be a square matrix [k,k], got shape ${shapeToString(l.shape)}`);
  return l.shape[0];
}

/** Keep only the lower triangle (a strictly upper entry of an input must not leak into the solve). */
function lowerPart(l: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) out[i * k + j] = l[i * k + j];
  return out;
}

/** Z = L⁻¹B in place over `x` (holding B), as core/linalg's solveLower; only L's lower triangle is read. */
function solveLowerInPlace(l: Float64Array, x: Float64Array, k: number, m: number): void {
  for (let c = 0; c < m; c++)
    for (let i = 0; i < k; i++) {
      let s = x[i * m + c];
      for (let p = 0; p < i; p++) s -= l[i * k + p] * x[p * m + c];
      x[i * m + c] = s / l[i * k + i];
    }
}

/** Lᵀ⁻¹ applied in place over `x`, as core/linalg's solveLowerTransposed. */
function solveLowerTransposedInPlace(l: Float64Array, x: Float64Array, k: number, m: number): void {
  for (let c = 0; c < m; c++)
    for (let i = k - 1; i >= 0; i--) {
      let s = x[i * m + c];
      for (let p = i + 1; p < k; p++) s -= l[p * k + i] * x[p * m + c];
      x[i * m + c] = s / l[i * k + i];
    }
}

interface SolveAttrs {
  k: number;
  m: number;
  /** dB = L⁻ᵀ·dZ, needed by both inputs' gradients; made on first use. */
  gradB: Float64Array | null;
}

/** dB = L⁻ᵀ·dZ into attrs' scratch (L's lower triangle only, as the eager `lowerPart` keeps). */
function solveGradB(a: SolveAttrs, l: Float64Array, g: Float64Array): Float64Array {
  const gb = (a.gradB ??= new Float64Array(a.k * a.m));
  gb.set(g);
  solveLowerTransposedInPlace(l, gb, a.k, a.m);
  return gb;
}

const solveKernel: PlanKernel<SolveAttrs> = {
  forward({ k, m }, ins, out) {
    out.set(ins[1]);
    solveLowerInPlace(ins[0], out, k, m);
  },
  backward(a, i, ins, z, g, gradIn) {
    const { k, m } = a;
    const gb = solveGradB(a, ins[0], g);
    if (i === 1) {
      gradIn.set(gb);
      return;
    }
    gradIn.fill(0);
    for (let r = 0; r < k; r++)
      for (let j = 0; j <= r; j++) {
        let s = 0;
        for (let c = 0; c < m; c++) s += gb[r * m + c] * z[j * m + c];
        gradIn[r * k + j] = -s;
      }
  },
};

/**
 * Z = L⁻¹B for lower-triangular L [k,k] and B [k] or [k,m] (columns are right-hand sides).
 * Gradients (Z = L⁻¹B): dB = L⁻ᵀ·dZ, dL = −tril(dB·Zᵀ).
 */
export function solveLowerTriangular(lInput: TensorLike, bInput: TensorLike): Tensor {
  const l = asTensor(lInput, 'solveLowerTriangular');
  const b = asTensor(bInput, 'solveLowerTriangular');
  const k = checkSquare(l, 'solveLowerTriangular');
  if ((b.rank !== 1 && b.rank !== 2) || b.shape[0] !== k) {
    throw new Error(`solveLowerTriangular: B must have shape [${k}] or [${k},m] to match L ${shapeToString(l.shape)}, got ${shapeToString(b.shape)}`);
  }
  const m = b.rank === 2 ? b.shape[1] : 1;
  const lower = lowerPart(l.buffer, k);
  const z = solveLower(lower, b.buffer, k, m);
  return record(new Tensor(z, b.shape), [l, b], (g) => {
    const gb = solveLowerTransposed(lower, g, k, m);
    if (tracks(l)) {
      const gl = new Float64Array(k * k);
      for (let i = 0; i < k; i++)
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let c = 0; c < m; c++) s += gb[i * m + c] * z[j * m + c];
          gl[i * k + j] = -s;
        }
      accumulate(l, gl, l.shape, 'solveLowerTriangular', true);
    }
    accumulate(b, gb, b.shape, 'solveLowerTriangular', true);
  }, 'solveLowerTriangular', planned(solveKernel, { k, m, gradB: null }));
}

const logDetKernel: PlanKernel<number> = {
  forward(k, ins, out) {
    const l = ins[0];
    let s = 0;
    for (let i = 0; i < k; i++) s += libm.log(Math.abs(l[i * k + i]));
    out[0] = s;
  },
  backward(k, _i, ins, _out, g, gl) {
    gl.fill(0);
    for (let i = 0; i < k; i++) gl[i * k + i] = g[0] / ins[0][i * k + i];
  },
};

/** log|det L| = Σ log|L_ii| of a triangular matrix; ∂/∂L_ii = 1/L_ii. */
export function logDetTriangular(lInput: TensorLike): Tensor {
  const l = asTensor(lInput, 'logDetTriangular');
  const k = checkSquare(l, 'logDetTriangular');
  const out = new Float64Array(1);
  logDetKernel.forward(k, [l.buffer], out);
  return record(new Tensor(out, []), [l], (g) => {
    if (!tracks(l)) return;
    const gl = new Float64Array(k * k);
    logDetKernel.backward(k, 0, [l.buffer], out, g, gl);
    accumulate(l, gl, l.shape, 'logDetTriangular', true);
  }, 'logDetTriangular', planned(logDetKernel, k));
}
