/**
 * Batched matrix product on flat row-major Float64Arrays, the Float64 reference path:
 *   C[b] = op(A[b]) · op(B[b]),  op(X) = X or Xᵀ,
 * with op(A[b]) of shape n×k, op(B[b]) k×m and C[b] n×m. A side without a batch axis
 * (`batchA`/`batchB` false) is shared by every batch entry. One routine serves the forward
 * product and both gradients (dA = dC·Bᵀ, dB = Aᵀ·dC) through the transpose flags.
 *
 * `batchedMatmulInto` is the entry point the autodiff op calls: it checks the shapes and runs
 * the JS path or the gpu.js kernels (gpu_kernels.ts) as the backend switch (backend.ts) says.
 */
import { resolveBackend, type BackendName } from './backend.js';
import { batchedMatmulGpu } from './gpu_kernels.js';

export interface BatchedMatmulSpec {
  batch: number;
  n: number;
  k: number;
  m: number;
  /** A is stored k×n (so op(A) = Aᵀ). */
  transA?: boolean;
  /** B is stored m×k (so op(B) = Bᵀ). */
  transB?: boolean;
  /** A has a leading batch axis (default true). */
  batchA?: boolean;
  /** B has a leading batch axis (default true). */
  batchB?: boolean;
}

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

/** Throw a clear error unless the spec is well formed and the arrays have its sizes. */
export function checkBatchedMatmul(out: Float64Array, a: Float64Array, b: Float64Array, spec: BatchedMatmulSpec): void {
  const { batch, n, k, m } = spec;
  for (const [name, v] of [['batch', batch], ['n', n], ['k', k], ['m', m]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`batchedMatmul: spec.${name} must be a non-negative integer, got ${v}`);
  }
  const batchA = spec.batchA !== false;
  const batchB = spec.batchB !== false;
  const shapeA = `${batchA ? `${batch}×` : ''}${spec.transA ? `${k}×${n}` : `${n}×${k}`}`;
  const shapeB = `${batchB ? `${batch}×` : ''}${spec.transB ? `${m}×${k}` : `${k}×${m}`}`;
  const want = (arr: unknown, name: string, shape: string, size: number) => {
    if (!(arr instanceof Float64Array)) throw new Error(`batchedMatmul: ${name} must be a Float64Array, got ${Object.prototype.toString.call(arr)}`);
    if (arr.length !== size) {
      throw new Error(`batchedMatmul: ${name} has ${arr.length} values but spec ${describe(spec)} needs ${shape} = ${size} (mismatched inner dimension or rank?)`);
    }
  };
  want(a, 'A', shapeA, (batchA ? batch : 1) * n * k);
  want(b, 'B', shapeB, (batchB ? batch : 1) * k * m);
  want(out, 'out', `${batch}×${n}×${m}`, batch * n * m);
}

function describe(spec: BatchedMatmulSpec): string {
  const flags = [spec.transA && 'transA', spec.transB && 'transB', spec.batchA === false && 'A shared', spec.batchB === false && 'B shared'].filter(Boolean);
  return `{batch ${spec.batch}, n ${spec.n}, k ${spec.k}, m ${spec.m}${flags.length ? `, ${flags.join(', ')}` : ''}}`;
}

/**
 * out (batch×n×m) = op(A)·op(B), or out += op(A)·op(B) when `accumulate`, on `backend`
 * ('js' | 'gpu' | 'auto'; undefined: the process default, see backend.ts). The gpu path
 * computes in float32 and widens the result into `out`.
 */
export function batchedMatmulInto(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  spec: BatchedMatmulSpec,
  accumulate = false,
  backend?: BackendName,
): void {
  checkBatchedMatmul(out, a, b, spec);
  if (resolveBackend(backend) === 'gpu') batchedMatmulGpu(out, a, b, spec, accumulate);
  else batchedMatmulJs(out, a, b, spec, accumulate);
}
