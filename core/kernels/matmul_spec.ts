/**
 * The batched matrix product's layout, shared by every kernel that computes it:
 *   C[b] = op(A[b]) · op(B[b]),  op(X) = X or Xᵀ,
 * on flat row-major Float64Arrays, with op(A[b]) of shape n×k, op(B[b]) k×m and C[b] n×m. A side
 * without a batch axis (`batchA`/`batchB` false) is shared by every batch entry. One spec serves
 * the forward product and both gradients (dA = dC·Bᵀ, dB = Aᵀ·dC) through the transpose flags.
 * This file imports nothing, so the JS kernels, the gpu.js kernels, the backend switch and the
 * dispatch all build on it in one direction.
 */
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

