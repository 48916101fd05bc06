/**
 * Matrix products: `matmul` (matrix·matrix, matrix·vector, vector·matrix, vector·vector) and
 * `batchedMatmul` ([B,N,K]×[B,K,M], either side may drop the batch axis to be shared). Both are
 * fused kernels for speed; their gradients are batched products with transpose flags
 * (dA = dC·Bᵀ, dB = Aᵀ·dC), so the gpu.js backend serves forward and backward alike. The plan
 * kernel runs the same products on the backend resolved when the plan was recorded.
 */
import { batchedMatmulInto, type BatchedMatmulSpec } from '../../core/kernels/batched_matmul.js';
import { resolveBackend, type BackendName, type ResolvedBackend } from '../../core/kernels/backend.js';
import { batchedMatmulJs } from '../../core/kernels/matmul_js.js';
import { batchedMatmulSource } from '../../core/kernels/matmul_source.js';
import { planned, type PlanKernel } from '../compile/kernel.js';
import { shapeToString } from '../../core/shape.js';
import { accumulate, record, tracks } from '../tape.js';
import { Tensor, asTensor, type TensorLike } from '../tensor.js';

export interface MatmulOptions {
  /** Kernel backend for this call ('js', 'gpu', 'auto'); default: the global setting. */
  backend?: BackendName;
}

/** A product's plan attributes: its spec, both gradients' specs, and the backend resolved at recording. */
interface ProductAttrs {
  spec: BatchedMatmulSpec;
  gradASpec: BatchedMatmulSpec;
  gradBSpec: BatchedMatmulSpec;
  backend: ResolvedBackend;
  /** Scratch for a shared side's per-batch gradient before it is summed; made on first use. */
  scratch: Float64Array | null;
}

function productAttrs(spec: BatchedMatmulSpec, backend: BackendName | undefined): ProductAttrs {
  const { batch, n, k, m } = spec;
  const batchA = spec.batchA !== false;
  const batchB = spec.batchB !== false;
  return {
    spec,
    // dA[b] = dC[b] · B[b]ᵀ and dB[b] = A[b]ᵀ · dC[b], each per batch entry.
    gradASpec: { batch, n, k: m, m: k, transB: true, batchA: true, batchB },
    gradBSpec: { batch, n: k, k: n, m, transA: true, batchA, batchB: true },
    backend: resolveBackend(backend),
    scratch: null,
  };
}

/** out = op(A)·op(B) on the recorded backend; the JS loops directly, since the plan checked the sizes once. */
function productInto(out: Float64Array, a: Float64Array, b: Float64Array, spec: BatchedMatmulSpec, backend: ResolvedBackend): void {
  if (backend === 'js') batchedMatmulJs(out, a, b, spec);
  else batchedMatmulInto(out, a, b, spec, false, backend);
}

const productKernel: PlanKernel<ProductAttrs> = {
  forward(p, ins, out) {
    productInto(out, ins[0], ins[1], p.spec, p.backend);
  },
  backward(p, i, ins, _out, g, gradIn) {
    const { batch, n, k, m } = p.spec;
    const batched = i === 0 ? p.spec.batchA !== false : p.spec.batchB !== false;
    const size = i === 0 ? n * k : k * m;
    const target = batched ? gradIn : (p.scratch ??= new Float64Array(batch * size));
    if (i === 0) productInto(target, g, ins[1], p.gradASpec, p.backend);
    else productInto(target, ins[0], g, p.gradBSpec, p.backend);
    if (!batched) sumBatchInto(target, batch, size, gradIn);
  },
  // Generated code at the recorded sizes (JS backend; a shared side's gradient calls the kernel).
  source: {
    forward: (p, ins, out) => (p.backend === 'js' ? batchedMatmulSource(p.spec, out, ins[0], ins[1]) : null),
    backward(p, i, ins, _out, g, gradIn) {
      if (p.backend !== 'js' || (i === 0 ? p.spec.batchA === false : p.spec.batchB === false)) return null;
      return i === 0 ? batchedMatmulSource(p.gradASpec, gradIn, g, ins[1]) : batchedMatmulSource(p.gradBSpec, gradIn, ins[0], g);
    },
  },
};

/** Product of [batch?, n, k] and [batch?, k, m] with gradients; the core of both public ops. */
function product(op: string, a: Tensor, b: Tensor, spec: BatchedMatmulSpec, outShape: number[], backend?: BackendName): Tensor {
  const { batch, n, k, m } = spec;
  const batchA = spec.batchA !== false;
  const batchB = spec.batchB !== false;
  const out = new Float64Array(batch * n * m);
  batchedMatmulInto(out, a.buffer, b.buffer, spec, false, backend);
  return record(new Tensor(out, outShape), [a, b], (g) => {
    if (tracks(a)) {
      // dA[b] = dC[b] · B[b]ᵀ, summed over the batch when A is shared.
      const ga = new Float64Array(batch * n * k);
      batchedMatmulInto(ga, g, b.buffer, { batch, n, k: m, m: k, transB: true, batchA: true, batchB }, false, backend);
      accumulate(a, batchA ? ga : sumBatch(ga, batch, n * k), a.shape, op, true);
    }
    if (tracks(b)) {
      // dB[b] = A[b]ᵀ · dC[b], summed over the batch when B is shared.
      const gb = new Float64Array(batch * k * m);
      batchedMatmulInto(gb, a.buffer, g, { batch, n: k, k: n, m, transA: true, batchA, batchB: true }, false, backend);
      accumulate(b, batchB ? gb : sumBatch(gb, batch, k * m), b.shape, op, true);
    }
  }, op, planned(productKernel, productAttrs(spec, backend)));
}

/** Σ over the batch of x (batch × size) into `out` (size), zeroed first. */
function sumBatchInto(x: Float64Array, batch: number, size: number, out: Float64Array): void {
  out.fill(0);
  for (let bi = 0; bi < batch; bi++) for (let i = 0; i < size; i++) out[i] += x[bi * size + i];
}

function sumBatch(x: Float64Array, batch: number, size: number): Float64Array {
  const out = new Float64Array(size);
  sumBatchInto(x, batch, size, out);
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
