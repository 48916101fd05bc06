/**
 * The Cholesky factor L of a symmetric positive-definite matrix A = L·Lᵀ, differentiable in A.
 * Only A's lower triangle is read (as core/linalg's factorisation), so A's gradient is
 * lower-triangular: the derivative with respect to the entries the result depends on. The
 * backward pass is the unblocked reverse-mode algorithm of Murray (2016), "Differentiation of
 * the Cholesky decomposition" (arXiv:1602.07527), as Stan's cholesky_decompose adjoint.
 */
import { choleskyInto } from '../../core/linalg.js';
import { shapeToString } from '../../core/shape.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

/**
 * Ā from L̄ (Murray 2016, Algorithm "chol_rev_unblocked"): `ga` starts as L̄'s lower triangle and
 * is overwritten column by column from the last; the strict upper triangle is left zero.
 */
function choleskyBackwardInto(l: Float64Array, g: Float64Array, ga: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ga[i * n + j] = j <= i ? g[i * n + j] : 0;
  for (let j = n - 1; j >= 0; j--) {
    const ljj = l[j * n + j];
    let s = 0;
    for (let i = j + 1; i < n; i++) s += l[i * n + j] * ga[i * n + j];
    ga[j * n + j] -= s / ljj;
    for (let i = j; i < n; i++) ga[i * n + j] /= ljj;
    // Ā[j, :j] −= Ā[j:, j]ᵀ · L[j:, :j]
    for (let k = 0; k < j; k++) {
      let t = 0;
      for (let i = j; i < n; i++) t += ga[i * n + j] * l[i * n + k];
      ga[j * n + k] -= t;
    }
    // Ā[j+1:, :j] −= Ā[j+1:, j] · L[j, :j]
    for (let i = j + 1; i < n; i++) {
      const gij = ga[i * n + j];
      for (let k = 0; k < j; k++) ga[i * n + k] -= gij * l[j * n + k];
    }
    ga[j * n + j] *= 0.5;
  }
}

const choleskyKernel: PlanKernel<number> = {
  forward: (n, ins, out) => choleskyInto(ins[0], out, n),
  backward: (n, _i, _ins, out, g, ga) => choleskyBackwardInto(out, g, ga, n),
};

/**
 * The lower-triangular Cholesky factor L of a symmetric positive-definite A [n,n] (A = L·Lᵀ).
 * Reads A's lower triangle only; throws, naming the pivot and its value, when A is not positive definite.
 */
export function cholesky(input: TensorLike): Tensor {
  const a = asTensor(input, 'cholesky');
  if (a.rank !== 2 || a.shape[0] !== a.shape[1] || a.shape[0] === 0) {
    throw new Error(`cholesky: A must be a non-empty square matrix [n,n], got shape ${shapeToString(a.shape)}`);
  }
  const n = a.shape[0];
  const out = new Float64Array(n * n);
  choleskyInto(a.buffer, out, n);
  return record(new Tensor(out, a.shape), [a], (g) => {
    if (!tracks(a)) return;
    const ga = new Float64Array(n * n);
    choleskyBackwardInto(out, g, ga, n);
    accumulate(a, ga, a.shape, 'cholesky', true);
  }, 'cholesky', planned(choleskyKernel, n));
}
