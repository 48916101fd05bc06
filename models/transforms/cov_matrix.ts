/**
 * 'covMatrix' (Stan's `cov_matrix[K]`, manual §10.10): Σ = L·Lᵀ from K(K+1)/2 free values,
 * L lower-triangular filled row by row (row m: L_{m,0…m−1} = u, then L_{m,m} = e^{u}).
 * The map u → lower triangle of Σ has log|J| = K·log 2 + Σ_m (K − m + 1)·log L_{m,m} (m from 0),
 * as Stan's cov_matrix_constrain (the 2^K is the derivative of L_{m,m}² kept, not dropped).
 */
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import { cholesky } from '../../core/linalg.js';
import * as libm from '../../core/libm.js';
import { forwardIntoVia, showValues, squareSize, type Transform } from './transform.js';

/** How far Σ may be from symmetric, relative to its largest entry. */
export const SYMMETRY_TOLERANCE = 1e-8;

function sizeFromLower(n: number): number {
  return Math.round((Math.sqrt(1 + 8 * n) - 1) / 2);
}

/** Per free coordinate: 1 where it is a diagonal entry's log, and the Jacobian weight there. */
function diagonalWeights(k: number): Float64Array {
  const w = new Float64Array((k * (k + 1)) / 2);
  for (let m = 0; m < k; m++) w[(m * (m + 1)) / 2 + m] = k - m + 1;
  return w;
}

function factor(u: Tensor): { k: number; l: Tensor } {
  const k = sizeFromLower(u.size);
  const pieces: Tensor[] = [];
  for (let m = 0; m < k; m++) {
    const start = (m * (m + 1)) / 2;
    if (m > 0) pieces.push(T.slice(u, [start], [m]));
    pieces.push(T.exp(T.slice(u, [start + m], [1])));
    if (m < k - 1) pieces.push(new Tensor(new Float64Array(k - 1 - m), [k - 1 - m]));
  }
  return { k, l: T.reshape(T.concat(pieces), [k, k]) };
}

function forward(u: Tensor): Tensor {
  const { l } = factor(u);
  return T.matmul(l, T.transpose(l));
}

export function covMatrixTransform(): Transform {
  return {
    kind: 'covMatrix',
    freeShape: (shape, what = 'transform') => {
      const k = squareSize(shape, 'covMatrix', 1, what);
      return [(k * (k + 1)) / 2];
    },
    forward,
    logJacobian: (u) => {
      const k = sizeFromLower(u.size);
      return T.add(T.sum(T.mul(u, new Tensor(diagonalWeights(k), [u.size]))), k * libm.log(2));
    },
    forwardInto: forwardIntoVia(forward),
    inverse: (x, what = 'value') => {
      const k = Math.round(Math.sqrt(x.length));
      const fail = (why: string) => new Error(`${what}: ${why}; a 'covMatrix' value is a symmetric positive-definite K×K matrix, got ${showValues(x)}`);
      if (k * k !== x.length || k === 0) throw fail(`${x.length} values do not make a square matrix`);
      let scale = 0;
      for (const v of x) {
        if (!Number.isFinite(v)) throw fail(`entry ${v} is not finite`);
        scale = Math.max(scale, Math.abs(v));
      }
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < i; j++) {
          if (Math.abs(x[i * k + j] - x[j * k + i]) > SYMMETRY_TOLERANCE * scale) throw fail(`[${i},${j}] = ${x[i * k + j]} differs from [${j},${i}] = ${x[j * k + i]}`);
        }
      }
      let l: Float64Array;
      try {
        l = cholesky(x, k);
      } catch (e) {
        throw fail((e as Error).message);
      }
      const u = new Float64Array((k * (k + 1)) / 2);
      let n = 0;
      for (let m = 0; m < k; m++) {
        for (let j = 0; j < m; j++) u[n++] = l[m * k + j];
        u[n++] = libm.log(l[m * k + m]);
      }
      return u;
    },
  };
}
