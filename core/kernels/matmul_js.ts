/**
 * The batched matrix product in Float64 JavaScript loops (layout in matmul_spec.ts): the
 * reference path, the default backend, and what the gpu.js kernels are checked against.
 *
 * Every output cell is summed the same way whichever loop computes it — start from 0 (or the
 * cell's value when accumulating), add op(A)(i,p)·op(B)(p,j) for p = 0, 1, … in order — so the
 * kernels below give bit-identical results and can be chosen freely by shape.
 */
import type { BatchedMatmulSpec } from './matmul_spec.js';

/** Inner sizes up to this run the unrolled dot products of `dotSmall`. */
export const SMALL_INNER = 8;

/**
 * out (batch×n×m) = op(A)·op(B), or out += op(A)·op(B) when `accumulate`.
 *
 * The BNN's matrices are tiny (k and m of 1, 2 or 5, n of 50), where loop overhead, not
 * arithmetic, is the cost; so the loop is chosen per case (measured in
 * bench/batched_matmul.bench.ts): an unrolled dot product per cell where the inner size k is at
 * most SMALL_INNER (the forward products and dA = dC·Bᵀ), a register-accumulated dot product
 * where it is long (dB = Aᵀ·dC, whose k is the data axis), and an outer-product update over p
 * for large transposed products, where C stays in cache.
 */
export function batchedMatmulJs(out: Float64Array, a: Float64Array, b: Float64Array, spec: BatchedMatmulSpec, accumulate = false): void {
  const { batch, n, k, m } = spec;
  const transA = spec.transA ?? false;
  const transB = spec.transB ?? false;
  const strideA = spec.batchA === false ? 0 : n * k;
  const strideB = spec.batchB === false ? 0 : k * m;
  // Element strides of op(A)(i, p) and op(B)(p, j).
  const sAi = transA ? 1 : k;
  const sAp = transA ? n : 1;
  const sBp = transB ? 1 : m;
  const sBj = transB ? k : 1;
  if (k >= 1 && k <= SMALL_INNER) smallInner(out, a, b, batch, n, k, m, strideA, strideB, sAi, sAp, sBp, sBj, accumulate);
  else if (transA && m > 1 && n * m > 64) outerProduct(out, a, b, batch, n, k, m, strideA, strideB, sBp, sBj, accumulate);
  else dotProducts(out, a, b, batch, n, k, m, strideA, strideB, sAi, sAp, sBp, sBj, accumulate);
}

/** One register accumulator per output cell, looping over p. */
function dotProducts(out: Float64Array, a: Float64Array, b: Float64Array, batch: number, n: number, k: number, m: number, strideA: number, strideB: number, sAi: number, sAp: number, sBp: number, sBj: number, accumulate: boolean): void {
  let c = 0;
  for (let bi = 0; bi < batch; bi++) {
    const oa = bi * strideA, ob = bi * strideB;
    for (let i = 0; i < n; i++) {
      const rowA = oa + i * sAi;
      for (let j = 0; j < m; j++, c++) {
        let sum = accumulate ? out[c] : 0;
        let ia = rowA;
        let ib = ob + j * sBj;
        for (let p = 0; p < k; p++) {
          sum += a[ia] * b[ib];
          ia += sAp;
          ib += sBp;
        }
        out[c] = sum;
      }
    }
  }
}

/** The dot products with the loop over p (k ≤ SMALL_INNER) unrolled by `dotSmall`. */
function smallInner(out: Float64Array, a: Float64Array, b: Float64Array, batch: number, n: number, k: number, m: number, strideA: number, strideB: number, sAi: number, sAp: number, sBp: number, sBj: number, accumulate: boolean): void {
  let c = 0;
  for (let bi = 0; bi < batch; bi++) {
    const oa = bi * strideA, ob = bi * strideB;
    for (let i = 0; i < n; i++) {
      const rowA = oa + i * sAi;
      for (let j = 0; j < m; j++, c++) out[c] = dotSmall(accumulate ? out[c] : 0, a, rowA, sAp, b, ob + j * sBj, sBp, k);
    }
  }
}

/** s + Σ_{p<k} a[ia + p·sa]·b[ib + p·sb], added left to right as the loop would, for 1 ≤ k ≤ 8. */
export function dotSmall(s: number, a: Float64Array, ia: number, sa: number, b: Float64Array, ib: number, sb: number, k: number): number {
  s += a[ia] * b[ib];
  if (k === 1) return s;
  s += a[ia + sa] * b[ib + sb];
  if (k === 2) return s;
  s += a[ia + 2 * sa] * b[ib + 2 * sb];
  if (k === 3) return s;
  s += a[ia + 3 * sa] * b[ib + 3 * sb];
  if (k === 4) return s;
  s += a[ia + 4 * sa] * b[ib + 4 * sb];
  if (k === 5) return s;
  s += a[ia + 5 * sa] * b[ib + 5 * sb];
  if (k === 6) return s;
  s += a[ia + 6 * sa] * b[ib + 6 * sb];
  if (k === 7) return s;
  return s + a[ia + 7 * sa] * b[ib + 7 * sb];
}

/** Outer-product form: C[b] += A[b][p,:]ᵀ · op(B)[b][p,:] for each p (A transposed, stored k×n). */
function outerProduct(out: Float64Array, a: Float64Array, b: Float64Array, batch: number, n: number, k: number, m: number, strideA: number, strideB: number, sBp: number, sBj: number, accumulate: boolean): void {
  if (!accumulate) out.fill(0, 0, batch * n * m);
  for (let bi = 0; bi < batch; bi++) {
    const oa = bi * strideA, ob = bi * strideB, oc = bi * n * m;
    for (let p = 0; p < k; p++) {
      const rowA = oa + p * n;
      const rowB = ob + p * sBp;
      for (let i = 0; i < n; i++) {
        const aip = a[rowA + i];
        const rowC = oc + i * m;
        for (let j = 0; j < m; j++) out[rowC + j] += aip * b[rowB + j * sBj];
      }
    }
  }
}
