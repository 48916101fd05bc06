/**
 * Allocations per log density + gradient call, per model (issue #12: "no allocation per gradient
 * call after the first"): typed arrays constructed and their bytes (by counting constructions,
 * bench/alloc_counter.ts), and the JS heap's growth per call with the garbage collector kept out
 * of the window (every allocation: tape entries, closures, small arrays). hbnn's models and the
 * hand-written limits, each after warm-up calls, so a compiled path has recorded its plan.
 *
 * Run: `hbnn bench --only alloc [--quick]` or `node dist/bench/alloc.bench.js`.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LogDensity } from '../samplers/types.js';
import { countTypedArrays } from './alloc_counter.js';
import { limitProblems, randomPoints } from './limits.bench.js';
import { median } from './timing.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export interface AllocRow {
  model: string;
  contender: string;
  typedArraysPerCall: number;
  typedArrayBytesPerCall: number;
  /** Median over windows without a GC of the heap's growth (heapUsed + arrayBuffers) per call; null if every window saw a GC. */
  heapBytesPerCall: number | null;
}

/** The engine's gc(), reachable without starting node with --expose-gc. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

let gcCount = 0;
const observer = new PerformanceObserver((list) => (gcCount += list.getEntries().length));

/** Heap growth per call over `calls` calls, in windows that no garbage collection interrupted. */
function heapPerCall(f: LogDensity, points: readonly Float64Array[], calls: number, windows: number): number | null {
  const gc = gcFunction();
  const grad = new Float64Array(f.dim);
  const clean: number[] = [];
  observer.observe({ entryTypes: ['gc'] });
  for (let w = 0; w < windows; w++) {
    gc();
    const before = gcCount;
    const m0 = process.memoryUsage();
    for (let i = 0; i < calls; i++) f.logDensityAndGrad(points[i % points.length], grad);
    const m1 = process.memoryUsage();
    if (gcCount === before) clean.push((m1.heapUsed + m1.arrayBuffers - m0.heapUsed - m0.arrayBuffers) / calls);
  }
  observer.disconnect();
  return clean.length > 0 ? median(clean) : null;
}

export function measureAlloc(model: string, contender: string, f: LogDensity, points: readonly Float64Array[], calls = 20, windows = 9): AllocRow {
  const grad = new Float64Array(f.dim);
  // Warm-up (plan recording, and V8's optimised code: interpreted code boxes every double in a
  // fresh HeapNumber, which would show as heap growth), at least 200 calls and 1.5 s.
  const t0 = performance.now();
  for (let i = 0; i < 200 || performance.now() - t0 < 1500; i++) f.logDensityAndGrad(points[i % points.length], grad);
  const n = 10;
  const c = countTypedArrays(() => {
    for (let i = 0; i < n; i++) f.logDensityAndGrad(points[i % points.length], grad);
  });
  return { model, contender, typedArraysPerCall: c.arrays / n, typedArrayBytesPerCall: c.bytes / n, heapBytesPerCall: heapPerCall(f, points, calls, windows) };
}

export async function benchAlloc(options: { quick?: boolean; print?: boolean } = {}): Promise<{ benchmark: 'alloc'; rows: AllocRow[] }> {
  const rows: AllocRow[] = [];
  for (const p of limitProblems()) {
    const points = randomPoints(p.hbnn.dim, 16, p.scale, 5);
    const calls = p.hbnn.dim > 100 ? 10 : 100;
    rows.push(measureAlloc(p.name, 'hbnn', p.hbnn, points, calls, options.quick ? 5 : 11));
    rows.push(measureAlloc(p.name, p.limits[0].name, p.limits[0].f, points, calls, options.quick ? 5 : 11));
  }
  if (options.print !== false) {
    console.log('\nallocations per log density + gradient call (after ≥ 200 warm-up calls and 1.5 s)');
    console.log('model           contender      typed arrays   their bytes   heap growth (bytes, GC-free windows)');
    for (const r of rows) {
      console.log(`${r.model.padEnd(15)} ${r.contender.padEnd(14)} ${r.typedArraysPerCall.toFixed(1).padStart(12)} ${r.typedArrayBytesPerCall.toFixed(0).padStart(13)}   ${r.heapBytesPerCall === null ? 'n/a (GC in every window)' : r.heapBytesPerCall.toFixed(0)}`);
    }
  }
  return { benchmark: 'alloc', rows };
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  writeResultIfAsked(args, await benchAlloc({ quick: args.includes('--quick') }));
}
