/**
 * The backend switch for batched matrix products:
 *   'js'   Float64 JavaScript loops, the reference and the default;
 *   'gpu'  gpu.js (float32) in its best mode here: headless GL or WebGL where a GPU answers,
 *          WebAssembly otherwise (see gpu_kernels.ts);
 *   'auto' gpu.js only where this process measured it faster than 'js' (a short calibration on
 *          first use, cached), so on a machine without a GPU 'auto' runs JS.
 * Choose per call (an argument), process-wide with `setBackend`, or with the environment
 * variable HBNN_BACKEND. `backendInfo()` says which gpu.js mode runs and why.
 *
 * A model's log density is the exception: its backend is chosen once, when the model is made
 * (`modelBackend`), and every kernel call inside it runs on that choice (`withModelBackend`), so
 * the process default never puts float32 kernels into a gradient that NUTS integrates.
 */
import { envVar } from '../runtime.js';
import { batchedMatmulJs } from './matmul_js.js';
import type { BatchedMatmulSpec } from './matmul_spec.js';
import { batchedMatmulGpu, gpuStatus, type GpuStatus } from './gpu_kernels.js';

export type BackendName = 'js' | 'gpu' | 'auto';
export const BACKEND_NAMES: readonly BackendName[] = ['js', 'gpu', 'auto'];
/** What a backend name runs as, once 'auto' is decided. */
export type ResolvedBackend = 'js' | 'gpu';
/** What a model can name as the backend of its log density ('auto' is not one, see modelBackend). */
export type ModelBackend = ResolvedBackend;

/** 'js' as the issue asks: the sampling path stays Float64 unless a user opts in. */
export const DEFAULT_BACKEND: BackendName = 'js';
/** gpu.js must beat JS by this factor in calibration before 'auto' picks it (timing noise margin). */
export const AUTO_MIN_SPEEDUP = 1.1;

let chosen: BackendName | undefined;
/** The backend of the model whose log density is being evaluated, if any (see withModelBackend). */
let modelScope: ResolvedBackend | undefined;

function checkName(name: unknown, where: string): BackendName {
  if (typeof name !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${where}: unknown backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  return name as BackendName;
}

/** Set the process-wide default backend (overrides HBNN_BACKEND). */
export function setBackend(name: BackendName): void {
  chosen = checkName(name, 'setBackend');
}

/** Forget setBackend's choice, the 'auto' calibration and its warning (tests; after changing HBNN_BACKEND). */
export function resetBackend(): void {
  chosen = undefined;
  calibration = undefined;
  warned = false;
}

/** The process-wide default: setBackend's choice, else HBNN_BACKEND, else 'js'. */
export function getBackend(): BackendName {
  if (chosen !== undefined) return chosen;
  const env = envVar('HBNN_BACKEND');
  if (env !== undefined && env !== '') return checkName(env, 'HBNN_BACKEND');
  return DEFAULT_BACKEND;
}

export interface AutoCalibration {
  choice: ResolvedBackend;
  reason: string;
  /** Total milliseconds per round of the calibration shapes, per backend (null if not run). */
  jsMs: number | null;
  gpuMs: number | null;
  gpuMode: string | null;
  shapes: string[];
}

let calibration: AutoCalibration | undefined;
let warned = false;

// The BNN's shapes (18 groups, 50 points, 2→5→5) and a prediction-sized block.
const CALIBRATION_SHAPES: BatchedMatmulSpec[] = [
  { batch: 18, n: 50, k: 2, m: 5 },
  { batch: 18, n: 50, k: 5, m: 5 },
  { batch: 18, n: 50, k: 5, m: 5, transA: true },
  { batch: 8, n: 10_000, k: 5, m: 5 },
];

/** Milliseconds per call of `f`: one warm-up call, then repeats until `minMs` have passed and at least 3 calls. */
export function timeMs(f: () => void, minMs: number): number {
  f(); // warm up (compiles the gpu.js kernel, lets V8 optimise)
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs || reps < 3) {
    f();
    reps++;
    t = performance.now();
  }
  return (t - t0) / reps;
}

/**
 * Decide 'auto' once per process: time gpu.js and JS on the calibration shapes (about 0.2 s),
 * check gpu.js agrees with JS to float32 accuracy, and pick gpu.js only if it is faster by
 * AUTO_MIN_SPEEDUP. When gpu.js cannot initialise, warn once and run JS.
 */
export function calibrateAuto(): AutoCalibration {
  if (calibration) return calibration;
  const st = gpuStatus();
  const shapes = CALIBRATION_SHAPES.map((s) => `${s.batch}x${s.n}x${s.k}x${s.m}${s.transA ? ' (Aᵀ)' : ''}`);
  if (!st.ok) {
    if (!warned) {
      console.warn(`hbnn: backend 'auto' runs JS because gpu.js cannot initialise: ${st.reason}`);
      warned = true;
    }
    calibration = { choice: 'js', reason: `gpu.js unavailable: ${st.reason}`, jsMs: null, gpuMs: null, gpuMode: null, shapes };
    return calibration;
  }
  let jsMs = 0;
  let gpuMs = 0;
  let worstError = 0;
  try {
    let seed = 12345;
    const uniform = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (const spec of CALIBRATION_SHAPES) {
      const a = Float64Array.from({ length: spec.batch * spec.n * spec.k }, uniform);
      const b = Float64Array.from({ length: spec.batch * spec.k * spec.m }, uniform);
      const outJs = new Float64Array(spec.batch * spec.n * spec.m);
      const outGpu = new Float64Array(outJs.length);
      jsMs += timeMs(() => batchedMatmulJs(outJs, a, b, spec), 20);
      gpuMs += timeMs(() => batchedMatmulGpu(outGpu, a, b, spec), 20);
      // |entries| < 1, so k·2^-22 bounds float32 rounding of a length-k dot product generously.
      for (let i = 0; i < outJs.length; i++) worstError = Math.max(worstError, Math.abs(outJs[i] - outGpu[i]) / (spec.k * 2 ** -22));
    }
  } catch (e) {
    calibration = { choice: 'js', reason: `gpu.js failed during calibration: ${(e as Error).message}`, jsMs: null, gpuMs: null, gpuMode: st.mode, shapes };
    if (!warned) {
      console.warn(`hbnn: backend 'auto' runs JS: ${calibration.reason}`);
      warned = true;
    }
    return calibration;
  }
  let choice: ResolvedBackend = 'js';
  let reason: string;
  const ratio = jsMs / gpuMs;
  if (worstError > 1) reason = `gpu.js mode '${st.mode}' disagreed with the Float64 path beyond float32 rounding`;
  else if (ratio >= AUTO_MIN_SPEEDUP) {
    choice = 'gpu';
    reason = `gpu.js mode '${st.mode}' measured ${ratio.toFixed(2)}× faster than JS`;
  } else reason = `gpu.js mode '${st.mode}' measured ${ratio.toFixed(2)}× the speed of JS (needs ≥ ${AUTO_MIN_SPEEDUP}×)`;
  calibration = { choice, reason, jsMs, gpuMs, gpuMode: st.mode, shapes };
  return calibration;
}

/**
 * What a backend name runs as: `name` if given (per call), else the backend of the model being
 * evaluated (withModelBackend), else the process default. 'gpu' throws with gpu.js's reason when it cannot initialise; 'auto' calibrates once.
 */
export function resolveBackend(name?: BackendName): ResolvedBackend {
  if (name === undefined && modelScope !== undefined) return modelScope;
  const requested = name === undefined ? getBackend() : checkName(name, 'backend');
  if (requested === 'js') return 'js';
  if (requested === 'gpu') {
    const st = gpuStatus();
    if (!st.ok) throw new Error(`backend 'gpu' unavailable: ${st.reason}`);
    return 'gpu';
  }
  return calibrateAuto().choice;
}

export interface BackendInfo {
  /** The process default and where it came from. */
  backend: BackendName;
  source: 'setBackend' | 'HBNN_BACKEND' | 'default';
  /** What the default runs as now (for 'auto', after calibration; null if 'gpu' cannot run). */
  resolved: ResolvedBackend | null;
  gpu: GpuStatus;
  /** The 'auto' calibration, if it has run (it runs when the default is 'auto'). */
  auto: AutoCalibration | null;
}

/** Which backend and gpu.js mode run, and why. */
export function backendInfo(): BackendInfo {
  const backend = getBackend();
  const source = chosen !== undefined ? 'setBackend' : envVar('HBNN_BACKEND') ? 'HBNN_BACKEND' : 'default';
  const gpu = gpuStatus();
  let resolved: ResolvedBackend | null;
  try {
    resolved = resolveBackend(backend);
  } catch {
    resolved = null;
  }
  return { backend, source, resolved, gpu, auto: calibration ?? null };
}

/**
 * The backend of a model's log density, decided once when the model is made: 'js' unless the
 * model names 'gpu' (the process default and HBNN_BACKEND are not consulted, and 'auto' is
 * refused, because float32 gradients in HMC/NUTS are unvalidated, see docs/gpu.md). 'gpu' throws
 * here, with gpu.js's reason, when it cannot initialise.
 */
export function modelBackend(name: BackendName | undefined, what: string): ResolvedBackend {
  const requested = checkName(name ?? 'js', `${what}: backend`);
  if (requested === 'auto') {
    throw new Error(`${what}: a model's backend must be named, 'js' or 'gpu'; 'auto' is for prediction and standalone kernels, so that float32 kernels enter a log density only when asked for`);
  }
  if (requested === 'gpu') {
    const st = gpuStatus();
    if (!st.ok) throw new Error(`${what}: backend 'gpu' unavailable: ${st.reason}`);
  }
  return requested;
}

/**
 * Runs `evaluate` (a model's log density) with `backend` as the backend of every kernel call in
 * it that names none, whatever the process default; restores the outer choice afterwards.
 */
export function withModelBackend<R>(backend: ResolvedBackend, evaluate: () => R): R {
  const outer = modelScope;
  modelScope = backend;
  try {
    return evaluate();
  } finally {
    modelScope = outer;
  }
}
