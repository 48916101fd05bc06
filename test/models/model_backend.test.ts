/**
 * A model's kernel backend is chosen once, when the model is made: the process default
 * (setBackend, HBNN_BACKEND) never puts float32 kernels into a log density, and a model that
 * names 'gpu' runs its products on the gpu.js kernels. gpu.js's 'cpu' mode (transpiled
 * JavaScript, float32 like every gpu.js mode) initialises everywhere, so it stands in for a GPU.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { resetBackend, setBackend } from '../../core/kernels/backend.js';
import { kernelCacheInfo, setGpuMode, gpuStatus, GPU_MODES } from '../../core/kernels/gpu_kernels.js';
import * as T from '../../autodiff/ops/index.js';
import { Tensor } from '../../autodiff/tensor.js';
import { defineModel, type Model } from '../../models/define_model.js';
import { flatBnn } from '../../models/bnn/flat.js';
import { hierarchicalBnn } from '../../models/bnn/hierarchical.js';

const rng = Rng.fromSeed(21);
const group = { X: Array.from({ length: 30 }, () => [rng.normal(), rng.normal()]), y: Array.from({ length: 30 }, (_, i) => i % 2) };
const position = (dim: number) => Float64Array.from({ length: dim }, () => 0.7 * rng.normal());

function valueAndGrad(model: Model, x: Float64Array): { value: number; grad: number[] } {
  const g = new Float64Array(model.dim);
  const value = model.logDensityAndGrad(x, g);
  return { value, grad: Array.from(g) };
}

/** Runs `f` under each process default that could select gpu.js, restoring the environment after. */
function underEachDefault(f: (label: string) => void): void {
  const savedEnv = process.env.HBNN_BACKEND;
  try {
    for (const [label, set] of [
      ['HBNN_BACKEND=gpu', () => (process.env.HBNN_BACKEND = 'gpu')],
      ["setBackend('gpu')", () => setBackend('gpu')],
      ["setBackend('auto')", () => setBackend('auto')],
    ] as const) {
      resetBackend();
      set();
      f(label);
    }
  } finally {
    resetBackend();
    if (savedEnv === undefined) delete process.env.HBNN_BACKEND;
    else process.env.HBNN_BACKEND = savedEnv;
  }
}

test('model backend: a flat BNN stays bit-identical to the JS path whatever the process default says', (t) => {
  setGpuMode('cpu');
  try {
    const model = flatBnn(group);
    t.equal(model.backend, 'js', "made without a backend: 'js'");
    const x = position(model.dim);
    const reference = valueAndGrad(model, x);
    underEachDefault((label) => {
      const misses = kernelCacheInfo().misses;
      const hits = kernelCacheInfo().hits;
      t.deepEqual(valueAndGrad(model, x), reference, `${label}: log density and gradient bit-identical to JS`);
      t.deepEqual(valueAndGrad(flatBnn(group), x), reference, `${label}: also for a model made under it`);
      t.equal(kernelCacheInfo().misses + kernelCacheInfo().hits, misses + hits, `${label}: no gpu.js kernel ran`);
    });
  } finally {
    setGpuMode(undefined);
  }
  t.end();
});

test("model backend: a user's model whose products name no backend runs them on the model's", (t) => {
  setGpuMode('cpu');
  try {
    const A = new Tensor(Float64Array.from({ length: 12 }, () => rng.normal()), [4, 3]);
    const spec = { params: { w: [3, 2] }, logp: (p: Record<string, Tensor>) => T.neg(T.sum(T.square(T.matmul(A, p.w)))) };
    const js = defineModel(spec);
    const x = position(js.dim);
    const reference = valueAndGrad(js, x);
    underEachDefault((label) => {
      t.deepEqual(valueAndGrad(js, x), reference, `${label}: still the Float64 result`);
      t.equal(js.logDensity(x), reference.value, `${label}: logDensity too`);
    });
    const gpu = defineModel({ ...spec, backend: 'gpu' });
    const before = kernelCacheInfo();
    const onGpu = valueAndGrad(gpu, x);
    const after = kernelCacheInfo();
    t.ok(after.hits + after.misses > before.hits + before.misses, "backend 'gpu': the products ran on gpu.js");
    t.notDeepEqual(onGpu, reference, "backend 'gpu': float32 rounding shows");
    t.ok(Math.abs(onGpu.value - reference.value) < 1e-5 * Math.abs(reference.value), `backend 'gpu': value within float32 accuracy (${onGpu.value} vs ${reference.value})`);
    const product = T.matmul(A, new Tensor(x.slice(), [3, 2]));
    setBackend('gpu');
    t.notDeepEqual(Array.from(T.matmul(A, new Tensor(x.slice(), [3, 2])).data), Array.from(product.data), 'outside a model the process default still governs');
  } finally {
    resetBackend();
    setGpuMode(undefined);
  }
  t.end();
});

test("model backend: a BNN made with backend 'gpu' by name uses the gpu.js kernels", (t) => {
  setGpuMode('cpu');
  try {
    const js = flatBnn(group);
    const gpu = flatBnn(group, { backend: 'gpu' });
    t.equal(gpu.backend, 'gpu', "the model records 'gpu'");
    const x = position(js.dim);
    const reference = valueAndGrad(js, x);
    const before = kernelCacheInfo();
    const onGpu = valueAndGrad(gpu, x);
    const after = kernelCacheInfo();
    t.ok(after.hits + after.misses >= before.hits + before.misses + 3, `forward and gradient products ran on gpu.js (${after.hits + after.misses - before.hits - before.misses} calls)`);
    t.notDeepEqual(onGpu.grad, reference.grad, 'float32 rounding shows in the gradient');
    const worst = Math.max(...onGpu.grad.map((g, i) => Math.abs(g - reference.grad[i]) / (1 + Math.abs(reference.grad[i]))));
    t.ok(worst < 1e-4, `gradient within float32 accuracy of the JS one (worst ${worst.toExponential(2)})`);
    const study = { Xs_train: [group.X, group.X], Ys_train: [group.y, group.y] };
    t.equal(hierarchicalBnn(study, { backend: 'gpu' }).backend, 'gpu', 'the hierarchical BNN takes it too');
  } finally {
    setGpuMode(undefined);
  }
  t.end();
});

test("model backend: decided at construction — 'auto' is refused, an unavailable 'gpu' throws there", (t) => {
  t.throws(() => flatBnn(group, { backend: 'auto' as never }), /flatBnn: a model's backend must be named, 'js' or 'gpu'; 'auto' is for prediction/, "'auto' on a model");
  t.throws(() => defineModel({ params: { a: [] }, logp: (p) => p.a, backend: 'cuda' as never }), /defineModel: backend: unknown backend "cuda"/, 'an unknown name');
  const missing = GPU_MODES.find((m) => !gpuStatus().modes[m]);
  if (missing === undefined) t.comment('every gpu.js mode initialises here; the unavailable case is not testable');
  else {
    setGpuMode(missing);
    try {
      t.throws(() => flatBnn(group, { backend: 'gpu' }), new RegExp(`flatBnn: backend 'gpu' unavailable: .*'${missing}'`), `'gpu' with gpu.js mode ${missing} unavailable: thrown when the model is made`);
    } finally {
      setGpuMode(undefined);
    }
  }
  t.end();
});

test("model backend: the model's choice ends with its evaluation, also when logp throws", (t) => {
  setGpuMode('cpu');
  try {
    const failing = defineModel({ params: { w: [2, 2] }, backend: 'gpu', logp: () => { throw new Error('bad logp'); } });
    t.throws(() => failing.logDensityAndGrad(new Float64Array(4), new Float64Array(4)), /bad logp/, 'the error comes through');
    const before = kernelCacheInfo();
    T.matmul(new Tensor(Float64Array.of(1, 2, 3, 4), [2, 2]), new Tensor(Float64Array.of(5, 6, 7, 8), [2, 2]));
    const after = kernelCacheInfo();
    t.equal(after.hits + after.misses, before.hits + before.misses, "afterwards a standalone product runs on the process default ('js') again");
  } finally {
    setGpuMode(undefined);
  }
  t.end();
});
