/**
 * `batchedMatmulInto`, the entry point the autodiff op calls: it checks the shapes
 * (matmul_spec.ts) and runs the Float64 JS loops (matmul_js.ts) or the gpu.js kernels
 * (gpu_kernels.ts) as the backend switch (backend.ts) says. Imports run one way:
 * matmul_spec ← matmul_js, gpu_kernels ← backend ← this file.
 */
import { resolveBackend, type BackendName } from './backend.js';
import { batchedMatmulGpu } from './gpu_kernels.js';
import { batchedMatmulJs } from './matmul_js.js';
import { checkBatchedMatmul, type BatchedMatmulSpec } from './matmul_spec.js';

export type { BatchedMatmulSpec } from './matmul_spec.js';

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
