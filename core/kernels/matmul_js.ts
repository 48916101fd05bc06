/**
 * The batched matrix product in Float64 JavaScript loops (layout in matmul_spec.ts): the
 * reference path, the default backend, and what the gpu.js kernels are checked against.
 */
import type { BatchedMatmulSpec } from './matmul_spec.js';

/**
 * out (batch×n×m) = op(A)·op(B), or out += op(A)·op(B) when `accumulate`.
 *
 * The BNN's matrices are tiny (k and m of 1, 2 or 5, n of 50), where loop overhead, not
 * arithmetic, is the cost; so the loop order is chosen per case (measured in
 * bench/batched_matmul.bench.ts): a register-accumulated dot product where op(A)'s rows are
 * contiguous or m = 1, an outer-product update over p where A is transposed (dB = Aᵀ·dC, whose
 * k is the long axis).
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
  if (transA && m > 1) {
    // Outer-product form: C[b] += A[b][p,:]ᵀ · op(B)[b][p,:] for each p; C stays in cache.
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
    return;
  }
  // Dot-product form: one register accumulator per output cell.
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
