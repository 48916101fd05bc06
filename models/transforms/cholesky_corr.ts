/**
 * 'choleskyCorr' (Stan's `cholesky_factor_corr[K]`, manual §10.12): the lower-triangular
 * Cholesky factor L of a K×K correlation matrix from K(K−1)/2 free values, through canonical
 * partial correlations z = tanh(u), taken row by row (row i holds z_{i,0…i−1}):
 *   L_{i,j} = z_{i,j}·√w_{i,j} (j < i),  L_{i,i} = √w_{i,i},  w_{i,j} = Π_{j'<j} (1 − z²_{i,j'}),
 * so every row has unit norm. The map u → (L_{i,j}, j < i) is triangular in that order, with
 * log|J| = Σ log(1 − z²) + Σ_{i, 1≤j<i} ½·log w_{i,j} (Stan's cholesky_corr_constrain).
 * log(1 − tanh² u) = 2·(log 2 − u − softplus(−2u)) stays finite for large |u|; log w is an
 * exclusive cumulative sum within each row, a product with a constant matrix.
 */
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import * as libm from '../../core/libm.js';
import { forwardIntoVia, showValues, sizeFromStrictLower, squareSize, summingMatrix, type Transform } from './transform.js';

/** How far a row of L may be from unit norm, or its upper triangle from 0 (Stan's CONSTRAINT_TOLERANCE). */
export const CORR_TOLERANCE = 1e-8;

/** Row and column of free coordinate n (row-major strict lower triangle). */
function strictLowerIndex(k: number): { row: Int32Array; col: Int32Array } {
  const m = (k * (k - 1)) / 2;
  const row = new Int32Array(m);
  const col = new Int32Array(m);
  let n = 0;
  for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) [row[n], col[n], n] = [i, j, n + 1];
  return { row, col };
}

/** z, log(1 − z²), log w at each free coordinate, and log w_{i,i} of each row. */
function partials(u: Tensor) {
  const m = u.size;
  const k = sizeFromStrictLower(m);
  const { row, col } = strictLowerIndex(k);
  const z = T.tanh(u);
  const log1mZ2 = T.mul(T.sub(libm.log(2), T.add(u, T.softplus(T.mul(u, -2)))), 2);
  const column = T.reshape(log1mZ2, [m, 1]);
  const logW = T.reshape(T.matmul(summingMatrix(m, m, (a, b) => row[a] === row[b] && col[b] < col[a]), column), [m]);
  const logDiag = T.reshape(T.matmul(summingMatrix(k, m, (i, b) => row[b] === i), column), [k]);
  return { k, z, log1mZ2, logW, logDiag, col };
}

function forward(u: Tensor): Tensor {
  const { k, z, logW, logDiag } = partials(u);
  const below = T.mul(z, T.exp(T.mul(logW, 0.5)));
  const diag = T.exp(T.mul(logDiag, 0.5));
  const pieces: Tensor[] = [];
  for (let i = 0; i < k; i++) {
    if (i > 0) pieces.push(T.slice(below, [(i * (i - 1)) / 2], [i]));
    pieces.push(T.slice(diag, [i], [1]));
    if (i < k - 1) pieces.push(new Tensor(new Float64Array(k - 1 - i), [k - 1 - i]));
  }
  return T.reshape(T.concat(pieces), [k, k]);
}

export function choleskyCorrTransform(): Transform {
  return {
    kind: 'choleskyCorr',
    freeShape: (shape, what = 'transform') => {
      const k = squareSize(shape, 'choleskyCorr', 2, what);
      return [(k * (k - 1)) / 2];
    },
    forward,
    logJacobian: (u) => {
      const { log1mZ2, logW, col } = partials(u);
      // ½·log w_{i,j} for j ≥ 1 only: w_{i,0} = 1.
      const weights = new Tensor(Float64Array.from(col, (j) => (j >= 1 ? 0.5 : 0)), [u.size]);
      return T.add(T.sum(log1mZ2), T.sum(T.mul(logW, weights)));
    },
    forwardInto: forwardIntoVia(forward),
    inverse: (x, what = 'value') => inverseCholeskyCorr(x, what),
  };
}

/** Stan's cholesky_corr_free, after checking that x is a K×K lower-triangular factor with unit rows. */
function inverseCholeskyCorr(x: Float64Array, what: string): Float64Array {
  const k = Math.round(Math.sqrt(x.length));
  const fail = (why: string) => new Error(`${what}: ${why}; a 'choleskyCorr' value is a lower-triangular K×K matrix with positive diagonal and rows of unit length, got ${showValues(x)}`);
  if (k * k !== x.length) throw fail(`${x.length} values do not make a square matrix`);
  for (let i = 0; i < k; i++) {
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const v = x[i * k + j];
      if (!Number.isFinite(v)) throw fail(`[${i},${j}] = ${v} is not finite`);
      if (j > i && Math.abs(v) > CORR_TOLERANCE) throw fail(`[${i},${j}] = ${v} is above the diagonal and not 0`);
      if (j <= i) norm += v * v;
    }
    if (!(x[i * k + i] > 0)) throw fail(`diagonal [${i},${i}] = ${x[i * k + i]} is not positive`);
    if (Math.abs(norm - 1) > CORR_TOLERANCE) throw fail(`row ${i} has squared length ${norm}, not 1`);
  }
  const u = new Float64Array((k * (k - 1)) / 2);
  let n = 0;
  for (let i = 1; i < k; i++) {
    let sumSq = 0;
    for (let j = 0; j < i; j++) {
      const v = x[i * k + j];
      const r = v / Math.sqrt(1 - sumSq);
      u[n++] = 0.5 * (libm.log1p(r) - libm.log1p(-r)); // atanh
      sumSq += v * v;
    }
  }
  return u;
}
