/**
 * The hierarchical BNN's log density and gradient in TensorFlow.js — the same function as
 * bench/hier_bnn_fused.ts and hbnn's `hierarchicalBnn`, written the way a tfjs user would:
 * slices of one parameter tensor, batched matMuls over the groups, `tf.valueAndGrads`.
 * The baseline of issue #2 on two backends: the pure-JS CPU backend and the WebAssembly one.
 *
 * tfjs computes in float32 (neither backend offers float64), so its values agree with the
 * float64 implementations only to float32 precision; the benchmark reports that agreement.
 * The normalising constants are added in float64 outside the graph: they carry no gradient.
 * `@tensorflow/tfjs` (not `tfjs-core` alone) is imported because only it registers the
 * gradients in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LogDensity } from '../samplers/types.js';
import { checkLayout, layoutDim, type FusedGroup, type HierBnnLayout } from './hier_bnn_fused.js';

export type TfjsBackendName = 'cpu' | 'wasm';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

let wasmPathsSet = false;

/**
 * Make `backend` tfjs's active backend. The wasm binaries are loaded from the installed
 * package's dist/ folder (no network), which `setWasmPaths` must name before the first use.
 */
export async function useTfjsBackend(backend: TfjsBackendName): Promise<void> {
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`useTfjsBackend: backend must be 'cpu' or 'wasm', got ${String(backend)}`);
  if (backend === 'wasm' && !wasmPathsSet) {
    const require = createRequire(import.meta.url);
    // The package's main file lives in dist/, beside the .wasm binaries.
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(join(dist, '/'));
    wasmPathsSet = true;
  }
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) throw new Error(`useTfjsBackend: tfjs could not initialise its '${backend}' backend`);
  await tf.ready();
}

/** A LogDensity backed by tfjs on the currently active backend, plus `dispose` for its data tensors. */
export interface TfjsLogDensity extends LogDensity {
  readonly backend: string;
  dispose(): void;
}

/**
 * The hierarchical BNN in tfjs on the active backend (call `useTfjsBackend` first): the data
 * tensors live on that backend. Groups of unequal size are padded to the largest and masked.
 */
export function hierBnnTfjs(data: readonly FusedGroup[], layout: HierBnnLayout): TfjsLogDensity {
  const { sizes } = layout;
  const L = sizes.length - 1;
  checkLayout(layout, data, 'hierBnnTfjs');
  const dim = layoutDim(layout);
  const tensors = dataTensors(data, layout);
  const valueAndGrads = tf.valueAndGrads(logDensityGraph(layout, tensors) as (...xs: tf.Tensor[]) => tf.Scalar);
  // Constants of every N(0, 1) and of HalfNormal(1): added in float64 outside the graph.
  const constant = -(dim - L) * HALF_LOG_TWO_PI + L * (Math.LN2 - HALF_LOG_TWO_PI);
  const xBuf = new Float32Array(dim);

  function logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number {
    if (x.length !== dim || gradOut.length !== dim) {
      throw new Error(`hierBnnTfjs: x and gradOut must have length ${dim}, got ${x.length} and ${gradOut.length}`);
    }
    xBuf.set(x);
    const [value, grad] = tf.tidy(() => {
      const r = valueAndGrads([tf.tensor1d(xBuf)]);
      return [r.value, r.grads[0]];
    });
    // dataSync waits for the backend; reading both is part of the measured cost, as in a sampler.
    const v = value.dataSync()[0];
    gradOut.set(grad.dataSync());
    value.dispose();
    grad.dispose();
    return v + constant;
  }

  return {
    dim,
    backend: tf.getBackend(),
    logDensityAndGrad,
    dispose() {
      tensors.X.dispose();
      tensors.y.dispose();
      tensors.mask?.dispose();
    },
  };
}

/** The data as kept tensors: X (groups × nMax × inputs), y, and a 0/1 mask when groups differ in size. */
interface DataTensors {
  X: tf.Tensor;
  y: tf.Tensor;
  mask: tf.Tensor | null;
  nMax: number;
}

/** Every group padded to the largest (`nMax` points) and copied to the active backend. */
function dataTensors(data: readonly FusedGroup[], { sizes, groups }: HierBnnLayout): DataTensors {
  const nIn = sizes[0];
  const nMax = Math.max(...data.map((d) => d.y.length));
  const padded = data.some((d) => d.y.length !== nMax);
  const Xflat = new Float32Array(groups * nMax * nIn);
  const yflat = new Float32Array(groups * nMax);
  const maskFlat = new Float32Array(groups * nMax);
  data.forEach((d, g) => {
    Xflat.set(d.X, g * nMax * nIn);
    yflat.set(d.y, g * nMax);
    maskFlat.fill(1, g * nMax, g * nMax + d.y.length);
  });
  const X = tf.keep(tf.tensor3d(Xflat, [groups, nMax, nIn]));
  const y = tf.keep(tf.tensor2d(yflat, [groups, nMax]));
  const mask = padded ? tf.keep(tf.tensor2d(maskFlat, [groups, nMax])) : null;
  return { X, y, mask, nMax };
}

/** The log density (without its constants) as a tfjs function of the flat parameter vector. */
function logDensityGraph(layout: HierBnnLayout, { X, y, mask, nMax }: DataTensors): (x: tf.Tensor) => tf.Scalar {
  const { sizes, groups } = layout;
  const L = sizes.length - 1;
  return (x) => {
    let h: tf.Tensor = X;
    let lp: tf.Scalar = tf.scalar(0);
    for (let l = 0; l < L; l++) {
      const size = sizes[l] * sizes[l + 1];
      const mean = tf.slice(x, [layout.meanOffsets[l]], [size]).reshape([sizes[l], sizes[l + 1]]);
      const u = tf.slice(x, [layout.logSdOffsets[l]], [1]).reshape([]);
      const sd = tf.exp(u);
      const raw = tf.slice(x, [layout.rawOffsets[l]], [groups * size]).reshape([groups, sizes[l], sizes[l + 1]]);
      const W = tf.add(tf.mul(raw, sd), mean);
      const a = tf.matMul(h as tf.Tensor3D, W as tf.Tensor3D);
      h = l + 1 < L ? tf.tanh(a) : a;
      // N(0, 1) priors on mean and raw, HalfNormal(1) on sd, Jacobian u of sd = exp(u).
      const priors = tf.addN([
        tf.mul(tf.sum(tf.square(mean)), -0.5),
        tf.mul(tf.sum(tf.square(raw)), -0.5),
        tf.mul(tf.square(sd), -0.5),
        u,
      ]) as tf.Scalar;
      lp = tf.add(lp, priors);
    }
    const logit = h.reshape([groups, nMax]);
    let ll = tf.sub(tf.mul(y, logit), tf.softplus(logit));
    if (mask !== null) ll = tf.mul(ll, mask);
    return tf.add(lp, tf.sum(ll));
  };
}

/** Number of tensors tfjs holds; the benchmark checks it stays flat (no leak per call). */
export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}
