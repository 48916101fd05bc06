/**
 * gpu.js batched matmul against the Float64 JS reference, the backend switch, and the batched
 * MLP prediction. Tolerances follow from float32 rounding: with unit roundoff u = 2^-24, a
 * length-k dot product of float32-rounded inputs, summed in float32 in any order and rounded
 * once more, is within γ_{k+2}·Σ|a||b| of the exact value, γ_j = j·u / (1 − j·u) (Higham,
 * Accuracy and Stability of Numerical Algorithms, §3.1). So each check compares against the
 * elementwise bound computed from |A|·|B|, not a picked constant.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { batchedMatmulInto } from '../../../core/kernels/batched_matmul.js';
import { batchedMatmulJs } from '../../../core/kernels/matmul_js.js';
import type { BatchedMatmulSpec } from '../../../core/kernels/matmul_spec.js';
import { batchedMatmulGpu, gpuStatus, kernelCacheInfo, planChunks, setGpuMode, GPU_MODES, KERNEL_CACHE_CAPACITY, MAX_CELLS_PER_CALL } from '../../../core/kernels/gpu_kernels.js';
import { backendInfo, getBackend, resetBackend, resolveBackend, setBackend, calibrateAuto } from '../../../core/kernels/backend.js';
import { mlpProbabilities } from '../../../core/kernels/mlp_forward.js';

const U = 2 ** -24;
const gamma = (j: number) => (j * U) / (1 - j * U);

function randomArray(rng: Rng, length: number): Float64Array {
  const x = new Float64Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.normal();
  return x;
}

function sizes(spec: BatchedMatmulSpec): { a: number; b: number; c: number } {
  return {
    a: (spec.batchA === false ? 1 : spec.batch) * spec.n * spec.k,
    b: (spec.batchB === false ? 1 : spec.batch) * spec.k * spec.m,
    c: spec.batch * spec.n * spec.m,
  };
}

/** Largest |gpu − js| / bound over the output (≤ 1 passes), with the bound γ_{k+2}·(|A|·|B|). */
function compare(a: Float64Array, b: Float64Array, spec: BatchedMatmulSpec, accumulate = false, limit?: number): { ratio: number; maxAbs: number } {
  const sz = sizes(spec);
  const init = Float64Array.from({ length: sz.c }, (_, i) => (accumulate ? Math.sin(i) : 0));
  const js = init.slice();
  const gpu = init.slice();
  batchedMatmulJs(js, a, b, spec, accumulate);
  batchedMatmulGpu(gpu, a, b, spec, accumulate, undefined, limit);
  const absProduct = new Float64Array(sz.c);
  batchedMatmulJs(absProduct, a.map(Math.abs), b.map(Math.abs), spec);
  const g = gamma(spec.k + 2);
  let ratio = 0;
  let maxAbs = 0;
  for (let i = 0; i < sz.c; i++) {
    const err = Math.abs(gpu[i] - js[i]);
    // The accumulated start value is rounded nowhere (added in float64), so it adds no term.
    const bound = g * absProduct[i] + 1e-300;
    ratio = Math.max(ratio, err / bound);
    maxAbs = Math.max(maxAbs, err);
  }
  return { ratio, maxAbs };
}

/** Forward C = A·B and the two gradient products dA = dC·Bᵀ, dB = Aᵀ·dC of a spec. */
function productsOf(spec: BatchedMatmulSpec): [string, BatchedMatmulSpec][] {
  const { batch, n, k, m } = spec;
  return [
    ['forward', spec],
    ['dA = dC·Bᵀ', { batch, n, k: m, m: k, transB: true, batchB: spec.batchB }],
    ['dB = Aᵀ·dC', { batch, n: k, k: n, m, transA: true, batchA: spec.batchA }],
  ];
}

const SHAPES: [string, BatchedMatmulSpec][] = [
  ['1×1', { batch: 1, n: 1, k: 1, m: 1 }],
  ['odd sizes', { batch: 3, n: 7, k: 5, m: 3 }],
  ['batch 1', { batch: 1, n: 13, k: 4, m: 9 }],
  ['batch 18, BNN layer 1', { batch: 18, n: 50, k: 2, m: 5 }],
  ['batch 18, BNN layer 2', { batch: 18, n: 50, k: 5, m: 5 }],
  ['broadcast A', { batch: 5, n: 6, k: 4, m: 3, batchA: false }],
  ['broadcast B', { batch: 5, n: 6, k: 4, m: 3, batchB: false }],
  ['large K', { batch: 2, n: 3, k: 4099, m: 2 }],
];

test('gpu backend: reports which gpu.js mode runs', (t) => {
  const st = gpuStatus();
  t.comment(`gpu.js mode: ${st.mode ?? 'none'} — ${st.reason}`);
  t.comment(`modes that initialise: ${GPU_MODES.filter((m) => st.modes[m]).join(', ') || 'none'}`);
  t.equal(typeof st.reason, 'string', 'status gives a reason');
  t.ok(st.reason.length > 0, 'reason is not empty');
  t.equal(st.ok, st.mode !== null, 'ok iff a mode was picked');
  if (st.mode) t.ok(st.modes[st.mode], `picked mode ${st.mode} is one that initialises`);
  t.end();
});

const gpuOk = gpuStatus().ok;

test('gpu backend: forward and both gradient products agree with Float64 JS within float32 rounding', { skip: !gpuOk }, (t) => {
  const rng = Rng.fromSeed(3);
  for (const [label, base] of SHAPES) {
    for (const [product, spec] of productsOf(base)) {
      const sz = sizes(spec);
      const a = randomArray(rng, sz.a);
      const b = randomArray(rng, sz.b);
      for (const accumulate of [false, true]) {
        const { ratio } = compare(a, b, spec, accumulate);
        t.ok(ratio <= 1, `${label}, ${product}${accumulate ? ', accumulate' : ''}: error / bound = ${ratio.toFixed(3)}`);
      }
    }
  }
  t.end();
});

test('gpu backend: really computes in float32 (differs from Float64 on a non-representable product)', { skip: !gpuOk }, (t) => {
  const spec = { batch: 1, n: 1, k: 1, m: 1 };
  const out = new Float64Array(1);
  batchedMatmulGpu(out, Float64Array.of(0.1), Float64Array.of(0.3), spec);
  t.notEqual(out[0], 0.1 * 0.3, 'result is not the Float64 product');
  t.equal(out[0], Math.fround(Math.fround(0.1) * Math.fround(0.3)), 'result is the float32 product');
  t.end();
});

test('gpu backend: chunking — tiles of batch entries, rows and columns reassemble exactly', { skip: !gpuOk }, (t) => {
  const rng = Rng.fromSeed(4);
  // A tiny per-call limit forces every tiling path: whole batch entries, row tiles, column tiles.
  const cases: [BatchedMatmulSpec, number][] = [
    [{ batch: 7, n: 5, k: 3, m: 4 }, 45],
    [{ batch: 2, n: 9, k: 3, m: 11 }, 40],
    [{ batch: 2, n: 9, k: 6, m: 11, transA: true, transB: true }, 25],
    [{ batch: 3, n: 8, k: 2, m: 7, batchA: false }, 17],
  ];
  for (const [spec, limit] of cases) {
    const chunks = planChunks(spec, limit);
    let cells = 0;
    for (const c of chunks) {
      cells += c.nb * c.nr * c.nc;
      t.ok(c.nb * c.nr * c.nc <= limit && c.nr * spec.k <= limit && spec.k * c.nc <= limit, `chunk ${JSON.stringify(c)} within limit ${limit}`);
    }
    t.equal(cells, spec.batch * spec.n * spec.m, `${chunks.length} chunks cover the ${spec.batch}×${spec.n}×${spec.m} output once`);
    const sz = sizes(spec);
    const { ratio } = compare(randomArray(rng, sz.a), randomArray(rng, sz.b), spec, false, limit);
    t.ok(ratio <= 1, `tiled result within float32 bound (error / bound = ${ratio.toFixed(3)})`);
  }
  t.throws(() => planChunks({ batch: 1, n: 1, k: 100, m: 1 }, 50), /inner dimension k=100/, 'k above the limit is a clear error');
  t.end();
});

test('gpu backend: planChunks keeps both output sides within a GL texture', (t) => {
  // The study's prediction block that Chromium's software GL refused: 40 draws × 2304 grid
  // points × 5 hidden units, with an 8192-texel texture limit.
  const cases: [BatchedMatmulSpec, number, number][] = [
    [{ batch: 40, n: 2304, k: 2, m: 5 }, MAX_CELLS_PER_CALL, 8192],
    [{ batch: 10000, n: 3, k: 4, m: 2 }, MAX_CELLS_PER_CALL, 4096],
    [{ batch: 3, n: 50, k: 7, m: 60 }, 1000, 64],
    [{ batch: 2, n: 9, k: 6, m: 11, transA: true }, 25, 5],
  ];
  for (const [spec, limit, side] of cases) {
    const chunks = planChunks(spec, limit, side);
    const covered = new Uint8Array(spec.batch * spec.n * spec.m);
    for (const c of chunks) {
      t.ok(c.nr * c.nc <= side && c.nb <= side, `chunk ${JSON.stringify(c)}: output ${c.nr * c.nc} × ${c.nb} within ${side}`);
      t.ok(c.nb * c.nr * c.nc <= limit, 'and within the cell limit');
      for (let b = c.b0; b < c.b0 + c.nb; b++) for (let i = c.i0; i < c.i0 + c.nr; i++) for (let j = c.j0; j < c.j0 + c.nc; j++) covered[(b * spec.n + i) * spec.m + j]++;
    }
    t.ok(covered.every((v) => v === 1), `${chunks.length} chunks cover the ${spec.batch}×${spec.n}×${spec.m} output exactly once`);
  }
  t.throws(() => planChunks({ batch: 1, n: 2, k: 2, m: 2 }, 100, 0), /maxSide must be >= 1, got 0/, 'a bad side is a clear error');
  t.end();
});

test('gpu backend: one output just above 2^24 cells is split and correct', { skip: !gpuOk }, (t) => {
  const spec = { batch: 1, n: 4097, k: 2, m: 4096 }; // 16,781,312 cells = 2^24 + 4096
  t.ok(spec.n * spec.m > MAX_CELLS_PER_CALL, `${spec.n * spec.m} cells > 2^24`);
  t.ok(planChunks(spec).length >= 2, `split into ${planChunks(spec).length} calls`);
  const rng = Rng.fromSeed(5);
  const a = randomArray(rng, spec.n * spec.k);
  const b = randomArray(rng, spec.k * spec.m);
  const js = new Float64Array(spec.n * spec.m);
  const gpu = new Float64Array(spec.n * spec.m);
  batchedMatmulJs(js, a, b, spec);
  batchedMatmulGpu(gpu, a, b, spec);
  let ratio = 0;
  const g = gamma(spec.k + 2);
  for (let i = 0; i < spec.n; i++) {
    for (let j = 0; j < spec.m; j++) {
      const bound = g * (Math.abs(a[i * 2]) * Math.abs(b[j]) + Math.abs(a[i * 2 + 1]) * Math.abs(b[spec.m + j])) + 1e-300;
      ratio = Math.max(ratio, Math.abs(gpu[i * spec.m + j] - js[i * spec.m + j]) / bound);
    }
  }
  t.ok(ratio <= 1, `every cell, the last ones included, within float32 bound (error / bound = ${ratio.toFixed(3)})`);
  t.end();
});

test('gpu backend: kernel cache is bounded and keeps results right after eviction', { skip: !gpuOk }, (t) => {
  const rng = Rng.fromSeed(6);
  const before = kernelCacheInfo();
  for (let s = 1; s <= KERNEL_CACHE_CAPACITY + 2; s++) {
    const spec = { batch: 1, n: 1, k: 1, m: s };
    t.ok(compare(randomArray(rng, 1), randomArray(rng, s), spec).ratio <= 1, `shape 1×1×${s} within float32 bound`);
  }
  const after = kernelCacheInfo();
  t.ok(after.size <= KERNEL_CACHE_CAPACITY, `cache holds ${after.size} ≤ ${KERNEL_CACHE_CAPACITY} kernels`);
  t.ok(after.evictions > before.evictions, `evicted ${after.evictions - before.evictions} kernels`);
  const hits = after.hits;
  const spec = { batch: 1, n: 1, k: 1, m: KERNEL_CACHE_CAPACITY + 2 };
  compare(randomArray(rng, 1), randomArray(rng, spec.m), spec);
  t.equal(kernelCacheInfo().hits, hits + 1, 'repeating a recent shape reuses its kernel');
  t.end();
});

/**
 * L(A, B) = Σ W ⊙ tanh(A·B) with its gradient by hand through batchedMatmulInto:
 * dC = W ⊙ (1 − tanh²), dA = dC·Bᵀ, dB = Aᵀ·dC.
 */
function lossAndGrad(a: Float64Array, b: Float64Array, w: Float64Array, spec: BatchedMatmulSpec, backend: 'js' | 'gpu') {
  const { batch, n, k, m } = spec;
  const c = new Float64Array(batch * n * m);
  batchedMatmulInto(c, a, b, spec, false, backend);
  let value = 0;
  const dc = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const th = Math.tanh(c[i]);
    value += w[i] * th;
    dc[i] = w[i] * (1 - th * th);
  }
  const da = new Float64Array(a.length);
  const db = new Float64Array(b.length);
  batchedMatmulInto(da, dc, b, { batch, n, k: m, m: k, transB: true }, false, backend);
  batchedMatmulInto(db, a, dc, { batch, n: k, k: n, m, transA: true }, false, backend);
  return { value, da, db, c, dc };
}

test('gpu backend: gradient of a function through batchedMatmulInto matches the JS backend and finite differences', { skip: !gpuOk }, (t) => {
  const rng = Rng.fromSeed(7);
  const spec = { batch: 3, n: 4, k: 5, m: 2 };
  const sz = sizes(spec);
  const a = randomArray(rng, sz.a).map((x) => 0.5 * x);
  const b = randomArray(rng, sz.b).map((x) => 0.5 * x);
  const w = randomArray(rng, sz.c);
  const js = lossAndGrad(a, b, w, spec, 'js');

  // JS gradient against central differences: truncation error ~h²·|L'''| ≲ 1e-9 here.
  const h = 1e-5;
  let worstFd = 0;
  for (const [x, grad] of [[a, js.da], [b, js.db]] as const) {
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      x[i] = keep + h;
      const up = lossAndGrad(a, b, w, spec, 'js').value;
      x[i] = keep - h;
      const down = lossAndGrad(a, b, w, spec, 'js').value;
      x[i] = keep;
      worstFd = Math.max(worstFd, Math.abs((up - down) / (2 * h) - grad[i]) / Math.max(1, Math.abs(grad[i])));
    }
  }
  t.ok(worstFd < 1e-7, `JS gradient matches central differences (worst relative error ${worstFd.toExponential(2)})`);

  // gpu gradient against JS: the forward error δC ≤ γ_{k+2}|A||B| moves dC by at most
  // max|tanh''|·|W|·δC (max|tanh''| = 4/(3√3)); each gradient product adds its own rounding.
  const gpu = lossAndGrad(a, b, w, spec, 'gpu');
  const absAB = new Float64Array(sz.c);
  batchedMatmulJs(absAB, a.map(Math.abs), b.map(Math.abs), spec);
  const deltaDc = absAB.map((v, i) => (4 / (3 * Math.sqrt(3))) * Math.abs(w[i]) * gamma(spec.k + 2) * v);
  const absDc = js.dc.map((v, i) => Math.abs(v) + deltaDc[i]);
  const boundDa = new Float64Array(sz.a);
  const boundDb = new Float64Array(sz.b);
  const propagatedDa = new Float64Array(sz.a);
  const propagatedDb = new Float64Array(sz.b);
  batchedMatmulJs(boundDa, absDc, b.map(Math.abs), { batch: 3, n: 4, k: 2, m: 5, transB: true });
  batchedMatmulJs(boundDb, a.map(Math.abs), absDc, { batch: 3, n: 5, k: 4, m: 2, transA: true });
  batchedMatmulJs(propagatedDa, deltaDc, b.map(Math.abs), { batch: 3, n: 4, k: 2, m: 5, transB: true });
  batchedMatmulJs(propagatedDb, a.map(Math.abs), deltaDc, { batch: 3, n: 5, k: 4, m: 2, transA: true });
  let ratio = 0;
  for (let i = 0; i < sz.a; i++) ratio = Math.max(ratio, Math.abs(gpu.da[i] - js.da[i]) / (gamma(spec.m + 2) * boundDa[i] + propagatedDa[i]));
  for (let i = 0; i < sz.b; i++) ratio = Math.max(ratio, Math.abs(gpu.db[i] - js.db[i]) / (gamma(spec.n + 2) * boundDb[i] + propagatedDb[i]));
  t.ok(ratio <= 1, `gpu gradients within the propagated float32 bound (error / bound = ${ratio.toFixed(3)})`);
  t.end();
});

test('backend switch: setBackend, HBNN_BACKEND, per-call choice and errors', (t) => {
  const savedEnv = process.env.HBNN_BACKEND;
  try {
    resetBackend();
    delete process.env.HBNN_BACKEND;
    t.equal(getBackend(), 'js', "default is 'js'");
    process.env.HBNN_BACKEND = 'auto';
    t.equal(getBackend(), 'auto', 'HBNN_BACKEND sets the default');
    t.equal(backendInfo().source, 'HBNN_BACKEND', 'backendInfo names the source');
    setBackend('gpu');
    t.equal(getBackend(), 'gpu', 'setBackend overrides HBNN_BACKEND');
    t.equal(backendInfo().source, 'setBackend', 'backendInfo names setBackend');
    resetBackend();
    process.env.HBNN_BACKEND = 'cuda';
    t.throws(() => getBackend(), /HBNN_BACKEND: unknown backend "cuda"; expected one of js, gpu, auto/, 'bad HBNN_BACKEND names the variable and value');
    delete process.env.HBNN_BACKEND;
    t.throws(() => setBackend('fast' as never), /setBackend: unknown backend "fast"/, 'setBackend rejects unknown names');
    const spec = { batch: 1, n: 1, k: 1, m: 1 };
    t.throws(
      () => batchedMatmulInto(new Float64Array(1), new Float64Array(1), new Float64Array(1), spec, false, 'webgl' as never),
      /backend: unknown backend "webgl"/,
      'per-call unknown backend is a clear error',
    );
    t.equal(resolveBackend('js'), 'js', "'js' resolves to js");
  } finally {
    resetBackend();
    if (savedEnv === undefined) delete process.env.HBNN_BACKEND;
    else process.env.HBNN_BACKEND = savedEnv;
  }
  t.end();
});

test("backend switch: 'auto' calibrates once and runs JS unless gpu.js measured faster", (t) => {
  resetBackend();
  const cal = calibrateAuto();
  t.comment(`auto chose '${cal.choice}': ${cal.reason}`);
  t.equal(resolveBackend('auto'), cal.choice, 'resolveBackend(auto) follows the calibration');
  t.equal(calibrateAuto(), cal, 'calibration is cached per process');
  if (cal.jsMs !== null && cal.gpuMs !== null) {
    t.equal(cal.choice === 'gpu', cal.jsMs / cal.gpuMs >= 1.1, 'choice agrees with the measured ratio');
  } else t.equal(cal.choice, 'js', 'no measurement: JS');
  const st = gpuStatus();
  if (st.mode === 'webasm' || st.mode === null) {
    // The issue measured webasm ~2× slower than Float64 loops; here a loss is the expected outcome.
    t.equal(cal.choice, 'js', `without a GPU (mode ${st.mode}) 'auto' runs JS`);
  }
  t.end();
});

test("backend switch: unavailable gpu.js mode — 'gpu' errors with the reason, 'auto' warns once and runs JS", (t) => {
  const missing = GPU_MODES.find((m) => !gpuStatus().modes[m]);
  if (!missing) {
    t.comment('every gpu.js mode initialises here; nothing to test');
    t.end();
    return;
  }
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => warnings.push(String(msg));
  try {
    setGpuMode(missing);
    resetBackend();
    t.throws(() => resolveBackend('gpu'), new RegExp(`backend 'gpu' unavailable: .*'${missing}'`), `'gpu' names the missing mode ${missing}`);
    t.equal(resolveBackend('auto'), 'js', "'auto' falls back to JS");
    t.equal(resolveBackend('auto'), 'js', "'auto' again");
    t.equal(warnings.length, 1, 'exactly one warning');
    t.ok(/cannot initialise/.test(warnings[0] ?? ''), `warning says why: ${warnings[0]}`);
    t.equal(backendInfo().gpu.ok, false, 'backendInfo reports gpu as unavailable');
    const out = new Float64Array(1);
    batchedMatmulInto(out, Float64Array.of(2), Float64Array.of(3), { batch: 1, n: 1, k: 1, m: 1 }, false, 'auto');
    t.equal(out[0], 6, "batchedMatmulInto with 'auto' still computes (on JS)");
  } finally {
    console.warn = warn;
    setGpuMode(undefined);
    resetBackend();
  }
  t.end();
});

test('batchedMatmulInto: bad shapes are clear errors', (t) => {
  const spec = { batch: 2, n: 3, k: 4, m: 5 };
  const ok = () => [new Float64Array(30), new Float64Array(24), new Float64Array(40)] as const;
  const [out, a, b] = ok();
  t.throws(() => batchedMatmulInto(out, new Float64Array(2 * 3 * 5), b, spec), /A has 30 values but spec \{batch 2, n 3, k 4, m 5\} needs 2×3×4 = 24/, 'mismatched inner dimension of A');
  t.throws(() => batchedMatmulInto(out, a, new Float64Array(2 * 3 * 5), spec), /B has 30 values .* needs 2×4×5 = 40/, 'mismatched inner dimension of B');
  t.throws(() => batchedMatmulInto(new Float64Array(10), a, b, spec), /out has 10 values/, 'wrong output size');
  t.throws(() => batchedMatmulInto(out, a.subarray(0, 12), b, spec), /needs 2×3×4 = 24/, 'missing batch axis (rank error)');
  t.throws(() => batchedMatmulInto(out, a, b, { ...spec, k: 2.5 }), /spec.k must be a non-negative integer, got 2.5/, 'fractional size');
  t.throws(() => batchedMatmulInto(out, a, b, { ...spec, n: -1 }), /spec.n must be a non-negative integer, got -1/, 'negative size');
  t.throws(() => batchedMatmulInto(out, [1, 2] as never, b, spec), /A must be a Float64Array/, 'not a typed array');
  const [o2, a2, b2] = [new Float64Array(30), Float64Array.from({ length: 12 }, (_, i) => i), Float64Array.from({ length: 40 }, (_, i) => i % 7)];
  const ref = new Float64Array(30);
  batchedMatmulJs(ref, a2, b2, { ...spec, batchA: false });
  batchedMatmulInto(o2, a2, b2, { ...spec, batchA: false }, false, 'js');
  t.deepEqual(Array.from(o2), Array.from(ref), 'a shared A (batchA false) with 12 values is accepted');
  t.end();
});

/** Naive per-draw, per-point forward pass in Float64, with a float32 error bound per point. */
function naiveMlp(X: Float64Array, weights: Float64Array[], sizes: number[], nDraws: number) {
  const nPoints = X.length / sizes[0];
  const p = new Float64Array(nDraws * nPoints);
  const bound = new Float64Array(nDraws * nPoints);
  for (let d = 0; d < nDraws; d++) {
    for (let i = 0; i < nPoints; i++) {
      let h = Array.from(X.subarray(i * sizes[0], (i + 1) * sizes[0]));
      let err = h.map(() => 0); // bound on |h_gpu − h| carried through the layers
      for (let l = 0; l + 1 < sizes.length; l++) {
        const [k, m] = [sizes[l], sizes[l + 1]];
        const next: number[] = [];
        const nextErr: number[] = [];
        for (let j = 0; j < m; j++) {
          let s = 0;
          let abs = 0;
          let prop = 0;
          for (let q = 0; q < k; q++) {
            const wq = weights[l][d * k * m + q * m + j];
            s += h[q] * wq;
            abs += (Math.abs(h[q]) + err[q]) * Math.abs(wq);
            prop += err[q] * Math.abs(wq);
          }
          // tanh and sigmoid are 1- and 1/4-Lipschitz; they run in Float64 on either backend.
          const e = gamma(k + 2) * abs + prop;
          const last = l + 2 === sizes.length;
          next.push(last ? 1 / (1 + Math.exp(-s)) : Math.tanh(s));
          nextErr.push(last ? e / 4 : e);
        }
        h = next;
        err = nextErr;
      }
      p[d * nPoints + i] = h[0];
      bound[d * nPoints + i] = err[0];
    }
  }
  return { p, bound, nPoints };
}

test('mlpProbabilities: posterior mean and sd match a naive per-draw loop, on both backends', (t) => {
  const rng = Rng.fromSeed(8);
  const sizes = [2, 5, 5, 1];
  const nDraws = 7;
  const nPoints = 23;
  const X = randomArray(rng, nPoints * 2);
  const weights = [0, 1, 2].map((l) => randomArray(rng, nDraws * sizes[l] * sizes[l + 1]));
  const ref = naiveMlp(X, weights, sizes, nDraws);
  const mean = new Float64Array(nPoints);
  const sd = new Float64Array(nPoints);
  for (let i = 0; i < nPoints; i++) {
    let s = 0;
    for (let d = 0; d < nDraws; d++) s += ref.p[d * nPoints + i];
    mean[i] = s / nDraws;
    let v = 0;
    for (let d = 0; d < nDraws; d++) v += (ref.p[d * nPoints + i] - mean[i]) ** 2;
    sd[i] = Math.sqrt(v / (nDraws - 1));
  }
  for (const chunkDraws of [undefined, 1, 3, 7]) {
    const r = mlpProbabilities(X, weights, sizes, nDraws, { backend: 'js', chunkDraws });
    let worst = 0;
    for (let i = 0; i < nPoints; i++) worst = Math.max(worst, Math.abs(r.mean[i] - mean[i]), Math.abs(r.sd[i] - sd[i]));
    t.ok(worst < 1e-14, `js, chunkDraws ${chunkDraws ?? 'default'}: max difference ${worst.toExponential(2)} (Float64 rounding)`);
  }
  if (gpuOk) {
    const r = mlpProbabilities(X, weights, sizes, nDraws, { backend: 'gpu', chunkDraws: 3 });
    let ratio = 0;
    for (let i = 0; i < nPoints; i++) {
      // |mean error| ≤ mean of per-draw bounds; sd is 1/√(n−1)-Lipschitz in the l2 norm of p.
      let sumB = 0;
      let sumB2 = 0;
      for (let d = 0; d < nDraws; d++) {
        const e = ref.bound[d * nPoints + i];
        sumB += e;
        sumB2 += e * e;
      }
      ratio = Math.max(ratio, Math.abs(r.mean[i] - mean[i]) / (sumB / nDraws + 1e-15), Math.abs(r.sd[i] - sd[i]) / (Math.sqrt(sumB2 / (nDraws - 1)) + 1e-15));
    }
    t.ok(ratio <= 1, `gpu: mean and sd within the propagated float32 bound (error / bound = ${ratio.toFixed(3)})`);
  }
  const one = mlpProbabilities(X, weights.map((w, l) => w.subarray(0, sizes[l] * sizes[l + 1])), sizes, 1, { backend: 'js' });
  t.deepEqual(Array.from(one.sd), new Array(nPoints).fill(0), 'one draw: sd is 0');
  t.end();
});

test('mlpProbabilities: bad input is a clear error', (t) => {
  const X = new Float64Array(6);
  const w = [new Float64Array(2 * 2 * 3), new Float64Array(2 * 3)];
  t.throws(() => mlpProbabilities(X, w, [2, 3, 1], 0), /nDraws must be a positive integer, got 0/, 'nDraws 0');
  t.throws(() => mlpProbabilities(X, w, [2, 3, 2], 2), /last width must be 1/, 'last width');
  t.throws(() => mlpProbabilities(new Float64Array(5), w, [2, 3, 1], 2), /X must be a Float64Array of nPoints × 2 values, got length 5/, 'X length');
  t.throws(() => mlpProbabilities(X, w.slice(0, 1), [2, 3, 1], 2), /expected 2 weight arrays/, 'layer count');
  t.throws(() => mlpProbabilities(X, [w[0], new Float64Array(5)], [2, 3, 1], 2), /weights\[1\] must hold nDraws × 3 × 1 = 6 values, got 5/, 'weight size');
  t.throws(() => mlpProbabilities(X, w, [2, 3, 1], 2, { chunkDraws: 0 }), /chunkDraws must be a positive integer, got 0/, 'chunkDraws');
  t.end();
});
