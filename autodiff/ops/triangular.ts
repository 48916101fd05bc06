/**
 * Ops on a lower-triangular factor L (e.g. a Cholesky factor) that may itself be tracked:
 * `solveLowerTriangular(L, B)` = L⁻¹B and `logDetTriangular(L)` = Σ log L_ii. Together they give
 * a multivariate normal log density differentiable in its Cholesky factor. Only the lower
 * triangle of L is read; its gradient is lower-triangular too.
 */
import { solveLower, solveLowerTransposed } from '../../core/linalg.js';
import { shapeToString } from '../../core/shape.js';
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
  const lower = lowerPart(l.data, k);
  const z = solveLower(lower, b.data, k, m);
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
  });
}

/** log|det L| = Σ log|L_ii| of a triangular matrix; ∂/∂L_ii = 1/L_ii. */
export function logDetTriangular(lInput: TensorLike): Tensor {
  const l = asTensor(lInput, 'logDetTriangular');
  const k = checkSquare(l, 'logDetTriangular');
  let s = 0;
  for (let i = 0; i < k; i++) s += libm.log(Math.abs(l.data[i * k + i]));
  return record(new Tensor(new Float64Array([s]), []), [l], (g) => {
    if (!tracks(l)) return;
    const gl = new Float64Array(k * k);
    for (let i = 0; i < k; i++) gl[i * k + i] = g[0] / l.data[i * k + i];
    accumulate(l, gl, l.shape, 'logDetTriangular', true);
  });
}
