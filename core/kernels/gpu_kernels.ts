/**
 * gpu.js kernels for the batched matrix product C[b] = op(A[b]) · op(B[b]) (see
 * matmul_spec.ts for the layout). One kernel source serves the forward product and both
 * gradients: the transpose and batch flags become strides, fixed as compile-time constants.
 *
 * Three facts of gpu.js 2.24 shape this file (measured, see docs/gpu.md):
 * - it computes in float32, so inputs are packed into Float32Arrays and results widened back;
 * - a call with more than 2^24 output cells returns wrong values (its index arithmetic is
 *   float32), so work is split into chunks of at most 2^24 cells, inputs included;
 * - compiling a kernel costs milliseconds and gpu.js does not cache it, so compiled kernels
 *   are kept per shape in a small least-recently-used cache.
 */
import { preloadGpuJs, requireGpuJs } from '../platform/gpu_loader.js';
import { envVar } from '../runtime.js';
import type { BatchedMatmulSpec } from './matmul_spec.js';

/** gpu.js modes that can run a synchronous kernel ('webgpu' is Promise-only, see gpuStatus). */
export type GpuMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';
export const GPU_MODES: readonly GpuMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** 2^24: above this many cells in one call gpu.js's float32 indices stop being exact. */
export const MAX_CELLS_PER_CALL = 2 ** 24;
/** Compiled kernels kept at once; a shape costs a few ms to recompile after eviction. */
export const KERNEL_CACHE_CAPACITY = 32;

// Minimal view of the gpu.js API we use (its bundled typings do not know the webasm mode).
interface GpuKernel {
  (a: Float32Array, b: Float32Array): unknown;
  destroy?: (removeCanvasReferences?: boolean) => void;
}
interface GpuInstance {
  mode: string;
  /** GL kernels report their context's MAX_TEXTURE_SIZE; CPU-side modes have no such limit. */
  Kernel: { mode?: string; name: string; getMaxTextureSize?: () => number };
  createKernel(source: string, settings: Record<string, unknown>): GpuKernel;
  destroy(): unknown;
}
interface GpuModule {
  GPU: (new (settings: { mode: string }) => GpuInstance) & {
    isWebGPUSupported?: boolean;
    isHeadlessGLSupported?: boolean;
    isWebAssemblySupported?: boolean;
  };
}

export interface GpuStatus {
  /** gpu.js loaded and a synchronous GPU-class mode initialised. */
  ok: boolean;
  /** The mode the 'gpu' backend runs (null when none). */
  mode: GpuMode | null;
  /** Why this mode (or why none). */
  reason: string;
  /** Each synchronous mode and whether it initialises here. */
  modes: Record<GpuMode, boolean>;
  /** What stands between WebGPU and this synchronous path. */
  webgpu: string;
}

let gpuModule: GpuModule | null | undefined;
let loadError = '';

/** gpu.js is loaded lazily (gpu_loader.ts), so a broken install is reported rather than fatal. */
function loadGpuJs(): GpuModule | null {
  if (gpuModule !== undefined) return gpuModule;
  try {
    gpuModule = requireGpuJs() as GpuModule;
  } catch (e) {
    gpuModule = null;
    loadError = `gpu.js failed to load: ${(e as Error).message}`;
  }
  return gpuModule;
}

const instances = new Map<GpuMode, GpuInstance | Error>();

/** One gpu.js instance per mode, created on first use; an Error records why a mode is out. */
function instanceFor(mode: GpuMode): GpuInstance | Error {
  const cached = instances.get(mode);
  if (cached) return cached;
  const mod = loadGpuJs();
  let made: GpuInstance | Error;
  if (!mod) made = new Error(loadError);
  else {
    try {
      made = new mod.GPU({ mode });
    } catch (e) {
      made = new Error(`gpu.js mode '${mode}': ${(e as Error).message}`);
    }
  }
  instances.set(mode, made);
  return made;
}

let status: GpuStatus | undefined;
let preferredOverride: GpuMode | undefined;

/**
 * Which gpu.js mode the 'gpu' backend uses: the first of headless GL, WebGL2, WebGL and
 * WebAssembly that initialises (gpu.js's own order), or the mode named by `setGpuMode` or the
 * `HBNN_GPU_MODE` environment variable. The plain 'cpu' mode is never picked on its own.
 */
export function gpuStatus(): GpuStatus {
  if (status) return status;
  const modes = {} as Record<GpuMode, boolean>;
  for (const m of GPU_MODES) modes[m] = !(instanceFor(m) instanceof Error);
  const mod = loadGpuJs();
  const webgpu = !mod
    ? loadError
    : mod.GPU.isWebGPUSupported
      ? 'navigator.gpu exists, but WebGPU kernels only return Promises, so the synchronous matmul path cannot use them'
      : 'no navigator.gpu in this runtime (Node has no WebGPU without a native binding; browsers need a secure context and a GPU)';
  const requested = preferredOverride ?? envGpuMode();
  let mode: GpuMode | null = null;
  let reason: string;
  if (requested) {
    const inst = instanceFor(requested);
    if (inst instanceof Error) reason = `requested gpu.js mode '${requested}' is unavailable: ${inst.message}`;
    else {
      mode = requested;
      reason = `gpu.js mode '${requested}' requested by ${preferredOverride ? 'setGpuMode' : 'HBNN_GPU_MODE'}`;
    }
  } else {
    mode = (['headlessgl', 'webgl2', 'webgl', 'webasm'] as GpuMode[]).find((m) => modes[m]) ?? null;
    const missingGl = modes.headlessgl ? '' : 'headless GL (the optional native `gl` package) is not available';
    if (!mod) reason = loadError;
    else if (mode === null) reason = `no GPU-class gpu.js mode initialises here (${missingGl || 'no GL context'}; no WebAssembly)`;
    else if (mode === 'webasm') reason = `no GL context answers (${missingGl}), so gpu.js runs its WebAssembly mode on the CPU; WebGPU: ${webgpu}`;
    else reason = `gpu.js picked '${mode}', its first mode that initialises here`;
  }
  status = { ok: mode !== null, mode, reason, modes, webgpu };
  return status;
}

function envGpuMode(): GpuMode | undefined {
  const raw = envVar('HBNN_GPU_MODE');
  if (raw === undefined || raw === '') return undefined;
  if (!(GPU_MODES as readonly string[]).includes(raw)) {
    throw new Error(`HBNN_GPU_MODE: unknown gpu.js mode "${raw}"; expected one of ${GPU_MODES.join(', ')}`);
  }
  return raw as GpuMode;
}

/**
 * Loads gpu.js where that is asynchronous (a browser fetches it as a separate chunk) and probes
 * its modes again; in Node it only returns `gpuStatus()`. Call it before `setBackend('gpu')` in
 * a page. A failed load is reported in the status's `reason`, not thrown.
 */
export async function prepareGpu(): Promise<GpuStatus> {
  if (!gpuModule) {
    try {
      await preloadGpuJs();
    } catch {
      // requireGpuJs rethrows the load error below, and gpuStatus reports it.
    }
    gpuModule = undefined;
    instances.clear();
    status = undefined;
  }
  return gpuStatus();
}

/** Pin the gpu.js mode of the 'gpu' backend (undefined: back to automatic choice). */
export function setGpuMode(mode: GpuMode | undefined): void {
  if (mode !== undefined && !(GPU_MODES as readonly string[]).includes(mode)) {
    throw new Error(`setGpuMode: unknown gpu.js mode "${String(mode)}"; expected one of ${GPU_MODES.join(', ')}`);
  }
  preferredOverride = mode;
  status = undefined;
}

/** One call's block of the product: batch entries [b0, b0+nb), rows [i0, i0+nr), columns [j0, j0+nc). */
export interface MatmulChunk {
  b0: number;
  nb: number;
  i0: number;
  nr: number;
  j0: number;
  nc: number;
}

/**
 * Split the product into blocks whose output and packed inputs each hold at most `limit`
 * cells: whole batch entries when one fits, otherwise row × column tiles of one entry. The
 * output of a call is a 2-D texture in WebGL, (rows × columns of an entry) by (batch entries),
 * so neither side may exceed `maxSide`, the GL context's largest texture (8192 in Chromium's
 * software GL, where a 11520-wide prediction block was refused).
 */
export function planChunks(spec: BatchedMatmulSpec, limit = MAX_CELLS_PER_CALL, maxSide = Infinity): MatmulChunk[] {
  const { batch, n, k, m } = spec;
  if (k > limit) throw new Error(`gpu backend: inner dimension k=${k} exceeds ${limit} cells per call`);
  if (!(maxSide >= 1)) throw new Error(`gpu backend: maxSide must be >= 1, got ${maxSide}`);
  const chunks: MatmulChunk[] = [];
  const entryCells = Math.min(limit, maxSide);
  if (n * m <= entryCells && n * k <= limit && k * m <= limit) {
    let per = Math.min(maxSide, Math.floor(limit / (n * m)));
    if (spec.batchA !== false) per = Math.min(per, Math.floor(limit / (n * k)));
    if (spec.batchB !== false) per = Math.min(per, Math.floor(limit / (k * m)));
    per = Math.max(1, Math.min(batch, per));
    for (let b0 = 0; b0 < batch; b0 += per) chunks.push({ b0, nb: Math.min(per, batch - b0), i0: 0, nr: n, j0: 0, nc: m });
    return chunks;
  }
  const cols = Math.max(1, Math.min(m, Math.floor(limit / k), entryCells));
  const rows = Math.max(1, Math.min(n, Math.floor(entryCells / cols), Math.floor(limit / k)));
  for (let b0 = 0; b0 < batch; b0++) {
    for (let i0 = 0; i0 < n; i0 += rows) {
      for (let j0 = 0; j0 < m; j0 += cols) {
        chunks.push({ b0, nb: 1, i0, nr: Math.min(rows, n - i0), j0, nc: Math.min(cols, m - j0) });
      }
    }
  }
  return chunks;
}

// The kernel: thread y is the chunk's batch entry, thread x its flat cell i·nc + j. (A 2-D
// output is ~7× faster than (x, y, z) = (j, i, b) in webasm, where gpu.js returns one typed
// array per row.) The row is recovered by float division and corrected by one step either way,
// exact because every index stays below 2^24. Transposes and shared (unbatched) sides are
// strides, so one source serves C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC.
const KERNEL_SOURCE = `function (a, b) {
  let i = Math.floor(this.thread.x / this.constants.nc);
  let j = this.thread.x - i * this.constants.nc;
  if (j < 0) { i = i - 1; j = j + this.constants.nc; }
  if (j >= this.constants.nc) { i = i + 1; j = j - this.constants.nc; }
  const aBase = this.thread.y * this.constants.aBatch + i * this.constants.aRow;
  const bBase = this.thread.y * this.constants.bBatch + j * this.constants.bCol;
  let sum = 0;
  for (let p = 0; p < this.constants.k; p++) {
    sum += a[aBase + p * this.constants.aCol] * b[bBase + p * this.constants.bRow];
  }
  return sum;
}`;

interface CachedKernel {
  kernel: GpuKernel;
}
const kernelCache = new Map<string, CachedKernel>();
const cacheStats = { hits: 0, misses: 0, evictions: 0 };

/** Cache counters, for tests and the benchmark. */
export function kernelCacheInfo(): { size: number; capacity: number; hits: number; misses: number; evictions: number } {
  return { size: kernelCache.size, capacity: KERNEL_CACHE_CAPACITY, ...cacheStats };
}

function kernelFor(inst: GpuInstance, mode: GpuMode, c: MatmulChunk, k: number, spec: BatchedMatmulSpec): GpuKernel {
  const transA = spec.transA ?? false;
  const transB = spec.transB ?? false;
  const batchA = spec.batchA !== false;
  const batchB = spec.batchB !== false;
  const key = `${mode}:${c.nb}x${c.nr}x${c.nc}x${k}:${+transA}${+transB}${+batchA}${+batchB}`;
  const hit = kernelCache.get(key);
  if (hit) {
    // Re-insert to mark as most recently used (Map keeps insertion order).
    kernelCache.delete(key);
    kernelCache.set(key, hit);
    cacheStats.hits++;
    return hit.kernel;
  }
  cacheStats.misses++;
  const constants = {
    k,
    nc: c.nc,
    aBatch: batchA ? c.nr * k : 0,
    aRow: transA ? 1 : k,
    aCol: transA ? c.nr : 1,
    bBatch: batchB ? k * c.nc : 0,
    bRow: transB ? 1 : c.nc,
    bCol: transB ? k : 1,
  };
  const kernel = inst.createKernel(KERNEL_SOURCE, {
    output: [c.nr * c.nc, c.nb],
    constants,
    precision: 'single',
    tactic: 'precision',
  });
  if (kernelCache.size >= KERNEL_CACHE_CAPACITY) {
    const oldest = kernelCache.keys().next().value as string;
    kernelCache.get(oldest)?.kernel.destroy?.();
    kernelCache.delete(oldest);
    cacheStats.evictions++;
  }
  kernelCache.set(key, { kernel });
  return kernel;
}

/** Pack the chunk's part of A (stored n×k, or k×n when transposed) into float32, same layout. */
function packA(a: Float64Array, spec: BatchedMatmulSpec, c: MatmulChunk, dst: Float32Array): void {
  const { n, k } = spec;
  const batched = spec.batchA !== false;
  const entries = batched ? c.nb : 1;
  let q = 0;
  for (let bb = 0; bb < entries; bb++) {
    const base = batched ? (c.b0 + bb) * n * k : 0;
    if (spec.transA) {
      for (let p = 0; p < k; p++) for (let i = 0; i < c.nr; i++) dst[q++] = a[base + p * n + c.i0 + i];
    } else {
      for (let i = 0; i < c.nr; i++) {
        const row = base + (c.i0 + i) * k;
        for (let p = 0; p < k; p++) dst[q++] = a[row + p];
      }
    }
  }
}

/** Pack the chunk's part of B (stored k×m, or m×k when transposed) into float32, same layout. */
function packB(b: Float64Array, spec: BatchedMatmulSpec, c: MatmulChunk, dst: Float32Array): void {
  const { k, m } = spec;
  const batched = spec.batchB !== false;
  const entries = batched ? c.nb : 1;
  let q = 0;
  for (let bb = 0; bb < entries; bb++) {
    const base = batched ? (c.b0 + bb) * k * m : 0;
    if (spec.transB) {
      for (let j = 0; j < c.nc; j++) {
        const row = base + (c.j0 + j) * k;
        for (let p = 0; p < k; p++) dst[q++] = b[row + p];
      }
    } else {
      for (let p = 0; p < k; p++) for (let j = 0; j < c.nc; j++) dst[q++] = b[base + p * m + c.j0 + j];
    }
  }
}

/** Collect gpu.js's nested result (rows of Float32Array) as one flat array, copying only if rows are scattered. */
function flatten(result: unknown, cells: number): Float32Array {
  if (result instanceof Float32Array) return result;
  const rows: Float32Array[] = [];
  const walk = (x: unknown): void => {
    if (x instanceof Float32Array) rows.push(x);
    else if (Array.isArray(x)) for (const y of x) walk(y);
    else throw new Error(`gpu backend: unexpected kernel result of type ${Object.prototype.toString.call(x)}`);
  };
  walk(result);
  const first = rows[0];
  const last = rows[rows.length - 1];
  // gpu.js usually returns rows as views of one buffer: use it directly when they are contiguous.
  if (first.buffer === last.buffer && last.byteOffset + last.byteLength - first.byteOffset === cells * 4) {
    return new Float32Array(first.buffer, first.byteOffset, cells);
  }
  const flat = new Float32Array(cells);
  let q = 0;
  for (const r of rows) {
    flat.set(r, q);
    q += r.length;
  }
  if (q !== cells) throw new Error(`gpu backend: kernel returned ${q} cells, expected ${cells}`);
  return flat;
}

const maxSides = new WeakMap<GpuInstance, number>();

/** The largest texture side of a GL mode's context (Infinity for webasm and cpu). */
function maxTextureSide(inst: GpuInstance): number {
  let side = maxSides.get(inst);
  if (side === undefined) {
    try {
      side = inst.Kernel.getMaxTextureSize?.() ?? Infinity;
    } catch {
      side = Infinity;
    }
    if (!(side >= 1)) side = Infinity;
    maxSides.set(inst, side);
  }
  return side;
}

/**
 * out (batch×n×m) = op(A)·op(B) (or += when `accumulate`) on gpu.js in `mode` (default: the
 * mode gpuStatus picked), float32 inside, chunked to at most 2^24 cells per call.
 * Throws with gpu.js's reason when the mode cannot run.
 */
export function batchedMatmulGpu(
  out: Float64Array,
  a: Float64Array,
  b: Float64Array,
  spec: BatchedMatmulSpec,
  accumulate = false,
  mode?: GpuMode,
  limit = MAX_CELLS_PER_CALL,
): void {
  const runMode = mode ?? gpuStatus().mode;
  if (runMode === null) throw new Error(`gpu backend unavailable: ${gpuStatus().reason}`);
  const inst = instanceFor(runMode);
  if (inst instanceof Error) throw new Error(`gpu backend unavailable: ${inst.message}`);
  const { n, k, m } = spec;
  if (n * m === 0 || spec.batch === 0) return;
  if (k === 0) {
    if (!accumulate) out.fill(0, 0, spec.batch * n * m);
    return;
  }
  for (const c of planChunks(spec, limit, maxTextureSide(inst))) {
    const packedA = new Float32Array((spec.batchA !== false ? c.nb : 1) * c.nr * k);
    const packedB = new Float32Array((spec.batchB !== false ? c.nb : 1) * k * c.nc);
    packA(a, spec, c, packedA);
    packB(b, spec, c, packedB);
    const kernel = kernelFor(inst, runMode, c, k, spec);
    const res = flatten(kernel(packedA, packedB), c.nb * c.nr * c.nc);
    let q = 0;
    for (let bb = 0; bb < c.nb; bb++) {
      for (let i = 0; i < c.nr; i++) {
        const row = (c.b0 + bb) * n * m + (c.i0 + i) * m + c.j0;
        if (accumulate) for (let j = 0; j < c.nc; j++) out[row + j] += res[q++];
        else for (let j = 0; j < c.nc; j++) out[row + j] = res[q++];
      }
    }
  }
}
