/**
 * Matrix products: `matmul` (matrix·matrix, matrix·vector, vector·matrix, vector·vector) and
 * `batchedMatmul` ([B,N,K]×[B,K,M], either side may drop the batch axis to be shared). Both are
 * fused kernels for speed; their gradients are batched products with transpose flags
 * (dA = dC·Bᵀ, dB = Aᵀ·dC), so the gpu.js backend serves forward and backward alike.
 */
import { batchedMatmulInto, type BatchedMatmulSpec } from '../../core/kernels/batched_matmul.js';
import type { BackendName } from '../../core/kernels/backend.js';
import { shapeToString } from '../../core/shape.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

export interface MatmulOptions {
  /** Kernel backend for this call ('js', 'gpu', 'auto'); default: the global setting. */
  backend?: BackendName;
}

/** Product of [batch?, n, k] and [batch?, k, m] with gradients; the core of both public ops. */
function product(op: string, a: Tensor, b: Tensor, spec: BatchedMatmulSpec, outShape: number[], backend?: BackendName): Tensor {
  const { batch, n, k, m } = spec;
  const batchA = spec.batchA !== false;
  const batchB = spec.batchB !== false;
  const out = new Float64Array(batch * n * m);
  batchedMatmulInto(out, a.data, b.data, spec, false, backend);
  return record(new Tensor(out, outShape), [a, b], (g) => {
    if (tracks(a)) {
      // dA[b] = dC[b] · B[b]ᵀ, summed over the batch when A is shared.
      const ga = new Float64Array(batch * n * k);
      batchedMatmulInto(ga, g, b.data, { batch, n, k: m, m: k, transB: true, batchA: true, batchB }, false, backend);
      accumulate(a, batchA ? ga : sumBatch(ga, batch, n * k), a.shape, op, true);
    }
    if (tracks(b)) {
      // dB[b] = A[b]ᵀ · dC[b], summed over the batch when B is shared.
      const gb = new Float64Array(batch * k * m);
      batchedMatmulInto(gb, a.data, g, { batch, n: k, k: n, m, transA: true, batchA, batchB: true }, false, backend);
      accumulate(b, batchB ? gb : sumBatch(gb, batch, k * m), b.shape, op, true);
    }
  });
}

function sumBatch(x: Float64Array, batch: number, size: number): Float64Array {
  const out = new Float64Array(size);
  for (let bi = 0; bi < batch; bi++) for (let i = 0; i < size; i++) out[i] += x[bi * size + i];
  return out;
}

/**
 * Matrix product of rank-1 or rank-2 tensors: [n,k]·[k,m] → [n,m], [n,k]·[k] → [n],
 * [k]·[k,m] → [m], [k]·[k] → scalar.
 */
export function matmul(x: TensorLike, y: TensorLike, opts: MatmulOptions = {}): Tensor {
  const a = asTensor(x, 'matmul');
  const b = asTensor(y, 'matmul');
  if (a.rank < 1 || a.rank > 2 || b.rank < 1 || b.rank > 2) {
    throw new Error(`matmul: expects rank-1 or rank-2 tensors, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} (use batchedMatmul for rank 3)`);
  }
  const n = a.rank === 2 ? a.shape[0] : 1;
  const k = a.shape[a.rank - 1];
  const kb = b.shape[0];
  const m = b.rank === 2 ? b.shape[1] : 1;
  if (k !== kb) {
    throw new Error(`matmul: inner dimensions differ, shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} (${k} vs ${kb})`);
  }
  const outShape: number[] = [];
  if (a.rank === 2) outShape.push(n);
  if (b.rank === 2) outShape.push(m);
  return product('matmul', a, b, { batch: 1, n, k, m }, outShape, opts.backend);
}

/**
 * Batched product [B,N,K]×[B,K,M] → [B,N,M]. A rank-2 side ([N,K] or [K,M]) is broadcast over
 * the batch; at least one side must be rank 3.
 */
export function batchedMatmul(x: TensorLike, y: TensorLike, opts: MatmulOptions = {}): Tensor {
  const a = asTensor(x, 'batchedMatmul');
  const b = asTensor(y, 'batchedMatmul');
  const shapes = `shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`;
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3 || (a.rank === 2 && b.rank === 2)) {
    throw new Error(`batchedMatmul: expects [B,N,K] and [B,K,M] (one side may be rank 2), got ${shapes}`);
  }
  const batchA = a.rank === 3;
  const batchB = b.rank === 3;
  const batch = batchA ? a.shape[0] : b.shape[0];
  if (batchA && batchB && a.shape[0] !== b.shape[0]) {
    throw new Error(`batchedMatmul: batch sizes differ, ${shapes}`);
  }
  const n = a.shape[a.rank - 2];
  const k = a.shape[a.rank - 1];
  const kb = b.shape[b.rank - 2];
  const m = b.shape[b.rank - 1];
  if (k !== kb) throw new Error(`batchedMatmul: inner dimensions differ, ${shapes} (${k} vs ${kb})`);
  return product('batchedMatmul', a, b, { batch, n, k, m, batchA, batchB }, [batch, n, m], opts.backend);
}
