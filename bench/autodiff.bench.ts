/**
 * The autodiff benchmark of issue #2: microseconds per log density + gradient of the study's
 * hierarchical BNN (18 groups × 50 points, 2-5-5-1 tanh, non-centred, 763 parameters) for
 *   hbnn         the library's model (`hierarchicalBnn(...).logDensityAndGrad`, tape autodiff)
 *   fused        the hand-written Float64Array version in bench/hier_bnn_fused.ts: the limit
 *   tfjs-cpu     TensorFlow.js, pure-JS CPU backend (float32)
 *   tfjs-wasm    TensorFlow.js, WebAssembly backend (float32)
 * all in one process, reported as ratios to `fused`. The four run interleaved: each round times
 * one batch of every implementation in turn, so drift of the machine (other processes, CPU
 * clocks) hits them alike; the reported figures are the median over rounds of µs per call and
 * of the per-round ratio to `fused`.
 *
 * Run: `node dist/bench/autodiff.bench.js [--quick] [--no-tfjs] [--out FILE.json]`, or `npm run bench`.
 */
import { Rng } from '../core/rng.js';
import { rotatedMoons } from '../models/data/moons.js';
import { hierarchicalBnn } from '../models/bnn/hierarchical.js';
import type { LogDensity } from '../samplers/types.js';
import { hierBnnFused, layoutFromParams, type FusedGroup } from './hier_bnn_fused.js';
import { hierBnnTfjs, tfjsTensorCount, useTfjsBackend, type TfjsBackendName } from './hier_bnn_tfjs.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { isMainModule, writeResultIfAsked } from './script.js';
import { median, timeBatch } from './timing.js';

export interface AutodiffBenchOptions {
  /** Interleaved rounds; the median over them is reported (default 15, 3 with `quick`). */
  rounds?: number;
  /** Target milliseconds per timed batch (default 100, 50 with `quick`). */
  batchMs?: number;
  /** Fewer, shorter rounds for a quick look. */
  quick?: boolean;
  /** Seed of the data and of the evaluation points (default 2018). */
  seed?: number;
  /** Leave out the TensorFlow.js baselines (e.g. where they are not installed). */
  skipTfjs?: boolean;
  /** Print the table (default true). */
  print?: boolean;
}

export interface AutodiffBenchRow {
  name: string;
  description: string;
  /** Median over rounds of microseconds per log density + gradient. */
  microseconds: number;
  /** Fastest and slowest round, µs per call. */
  minMicroseconds: number;
  maxMicroseconds: number;
  /**
   * Median over rounds of (this round's µs / fused's µs in the same round): adjacent batches see
   * the same machine load, so the paired ratio is steadier than a ratio of medians.
   */
  ratioToFused: number;
  /** Calls per timed batch. */
  callsPerBatch: number;
  /** µs per call of every round, in round order. */
  roundMicroseconds: number[];
  /** Max |value − fused value| / max(1, |fused value|) at the check points. */
  valueRelError: number;
  /** Max over the gradient of |g − fused g| / max(1, |fused g|) at the check points. */
  gradRelError: number;
}

export interface AutodiffBenchResult {
  benchmark: 'autodiff';
  problem: { groups: number; pointsPerGroup: number; sizes: number[]; dim: number };
  machine: MachineInfo;
  settings: { rounds: number; batchMs: number; seed: number; evaluationPoints: number };
  rows: AutodiffBenchRow[];
  /** Issue #2's target: hbnn within 1.5× of the fused limit. */
  target: { ratio: number; hbnnRatio: number; met: boolean };
  tfjs?: { version: string; wasmSimd: boolean | null; wasmThreads: boolean | null; tensorsLeakedPerCall: Record<string, number> };
}

/** Issue #2: hbnn within 1.5× of the hand-fused limit. */
export const TARGET_RATIO_TO_FUSED = 1.5;
const GROUPS = 18;
const SIZES = [2, 5, 5, 1];
/** Distinct parameter vectors cycled through, so no implementation sees one point over and over. */
const EVALUATION_POINTS = 16;

interface Contender {
  name: string;
  description: string;
  /** Builds the LogDensity; tfjs contenders also switch the backend and free their tensors after a batch. */
  open(): Promise<LogDensity & { dispose?: () => void }>;
  calls: number;
  samples: number[];
}

function relErrors(ref: { v: number; g: Float64Array }, v: number, g: Float64Array): [number, number] {
  let ge = 0;
  for (let i = 0; i < g.length; i++) ge = Math.max(ge, Math.abs(g[i] - ref.g[i]) / Math.max(1, Math.abs(ref.g[i])));
  return [Math.abs(v - ref.v) / Math.max(1, Math.abs(ref.v)), ge];
}

const fmt = (x: number, digits = 0) => x.toFixed(digits);

export async function benchAutodiff(options: AutodiffBenchOptions = {}): Promise<AutodiffBenchResult> {
  const { rounds, batchMs, seed, print } = checkedSettings(options);
  const p = autodiffProblem(seed);
  const contenders: Contender[] = [
    { name: 'hbnn', description: 'hbnn hierarchicalBnn(...).logDensityAndGrad (tape autodiff, float64)', open: async () => p.model, calls: 0, samples: [] },
    { name: 'fused', description: 'hand-fused Float64Array forward + backward (bench/hier_bnn_fused.ts)', open: async () => p.fused, calls: 0, samples: [] },
  ];
  const leaks: Record<string, number> = {};
  const tfjsInfo = options.skipTfjs ? undefined : await addTfjsContenders(contenders, p, leaks);
  const grad = new Float64Array(p.model.dim);
  const errors = await calibrate(contenders, p, grad, batchMs, leaks);
  await timeRounds(contenders, p.points, grad, rounds);
  const rows = resultRows(contenders, errors);
  const hbnnRatio = rows[0].ratioToFused;
  const result: AutodiffBenchResult = {
    benchmark: 'autodiff',
    problem: { groups: GROUPS, pointsPerGroup: p.study.Xs_train[0].length, sizes: SIZES, dim: p.model.dim },
    machine: machineInfo(),
    settings: { rounds, batchMs, seed, evaluationPoints: EVALUATION_POINTS },
    rows,
    target: { ratio: TARGET_RATIO_TO_FUSED, hbnnRatio, met: hbnnRatio <= TARGET_RATIO_TO_FUSED },
    tfjs: tfjsInfo,
  };
  if (print) printTable(result);
  return result;
}

function checkedSettings(options: AutodiffBenchOptions): { rounds: number; batchMs: number; seed: number; print: boolean } {
  const quick = options.quick ?? false;
  const rounds = options.rounds ?? (quick ? 3 : 15);
  const batchMs = options.batchMs ?? (quick ? 50 : 100);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`benchAutodiff: rounds must be a positive integer, got ${rounds}`);
  if (!(batchMs > 0)) throw new Error(`benchAutodiff: batchMs must be positive, got ${batchMs}`);
  return { rounds, batchMs, seed: options.seed ?? 2018, print: options.print ?? true };
}

/** The study's model, its hand-fused twin, and the evaluation points with the fused values and gradients there. */
function autodiffProblem(seed: number) {
  const study = rotatedMoons({ groups: GROUPS, seed });
  const model = hierarchicalBnn(study);
  const layout = layoutFromParams(model.params, SIZES, GROUPS, (l) => ({ mean: `mu${l}`, sd: `sd${l}`, raw: `raw${l}` }));
  const data: FusedGroup[] = study.Xs_train.map((X, g) => ({ X: Float64Array.from(X.flat()), y: Float64Array.from(study.Ys_train[g]) }));
  const fused = hierBnnFused(data, layout);
  // Points like a sampler's: weights N(0, 1), log-sds N(0, 1) too (sds from ~0.1 to ~7).
  const rng = Rng.fromSeed(seed + 1);
  const points = Array.from({ length: EVALUATION_POINTS }, () => {
    const x = new Float64Array(model.dim);
    rng.fillNormal(x);
    return x;
  });
  const reference = points.map((x) => {
    const g = new Float64Array(model.dim);
    return { v: fused.logDensityAndGrad(x, g), g };
  });
  return { study, model, layout, data, fused, points, reference };
}

/** The TensorFlow.js CPU and wasm contenders; their version and wasm flags (leaks are filled in by `calibrate`). */
async function addTfjsContenders(contenders: Contender[], p: ReturnType<typeof autodiffProblem>, leaks: Record<string, number>): Promise<AutodiffBenchResult['tfjs']> {
  const tf = await import('@tensorflow/tfjs');
  for (const backend of ['cpu', 'wasm'] as TfjsBackendName[]) {
    contenders.push({
      name: `tfjs-${backend}`,
      description: `TensorFlow.js ${tf.version_core} ${backend === 'cpu' ? 'CPU (JS)' : 'WebAssembly'} backend, tf.valueAndGrads (float32)`,
      open: async () => {
        await useTfjsBackend(backend);
        return hierBnnTfjs(p.data, p.layout);
      },
      calls: 0,
      samples: [],
    });
  }
  await useTfjsBackend('wasm');
  const env = tf.env();
  const flag = (name: string) => (env.getFlags()[name] === undefined ? null : Boolean(env.get(name)));
  return { version: tf.version_core, wasmSimd: flag('WASM_HAS_SIMD_SUPPORT'), wasmThreads: flag('WASM_HAS_MULTITHREAD_SUPPORT'), tensorsLeakedPerCall: leaks };
}

/**
 * Warm-up (JIT, tfjs kernel set-up), agreement with the fused values at every evaluation point,
 * and each contender's batch size; returns the worst [value, gradient] relative errors by name.
 */
async function calibrate(contenders: Contender[], p: ReturnType<typeof autodiffProblem>, grad: Float64Array, batchMs: number, leaks: Record<string, number>): Promise<Map<string, [number, number]>> {
  const errors = new Map<string, [number, number]>();
  for (const c of contenders) {
    const f = await c.open();
    let worst: [number, number] = [0, 0];
    p.points.forEach((x, i) => {
      const [ve, ge] = relErrors(p.reference[i], f.logDensityAndGrad(x, grad), grad);
      worst = [Math.max(worst[0], ve), Math.max(worst[1], ge)];
    });
    errors.set(c.name, worst);
    const before = c.name.startsWith('tfjs') ? tfjsTensorCount() : 0;
    let calls = 1;
    let us = timeBatch(f, p.points, grad, calls);
    // Grow the batch until it takes a third of the target, then scale to the target.
    while (us * calls < (batchMs * 1000) / 3) {
      calls *= 2;
      us = timeBatch(f, p.points, grad, calls);
    }
    c.calls = Math.max(1, Math.round((batchMs * 1000) / us));
    if (c.name.startsWith('tfjs')) leaks[c.name] = (tfjsTensorCount() - before) / (2 * calls - 1);
    f.dispose?.();
  }
  return errors;
}

/** The timed rounds: one batch of every contender per round, in alternating order. */
async function timeRounds(contenders: Contender[], points: Float64Array[], grad: Float64Array, rounds: number): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    // Alternate the order so no contender always runs right after the same neighbour.
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      const f = await c.open();
      // A few untimed calls after switching backends, so the batch times steady-state calls.
      timeBatch(f, points, grad, Math.min(c.calls, 5));
      c.samples.push(timeBatch(f, points, grad, c.calls));
      f.dispose?.();
    }
  }
}

/** One row per contender: medians over rounds, the paired ratio to `fused` (contender 1), and the errors. */
function resultRows(contenders: Contender[], errors: Map<string, [number, number]>): AutodiffBenchRow[] {
  const fusedSamples = contenders[1].samples;
  return contenders.map((c) => {
    const [valueRelError, gradRelError] = errors.get(c.name)!;
    return {
      name: c.name,
      description: c.description,
      microseconds: median(c.samples),
      minMicroseconds: Math.min(...c.samples),
      maxMicroseconds: Math.max(...c.samples),
      ratioToFused: median(c.samples.map((v, r) => v / fusedSamples[r])),
      callsPerBatch: c.calls,
      roundMicroseconds: c.samples,
      valueRelError,
      gradRelError,
    };
  });
}

function printTable(r: AutodiffBenchResult): void {
  const { problem: p, machine: m } = r;
  console.log(`\nAutodiff: log density + gradient of the hierarchical BNN (${p.groups} groups × ${p.pointsPerGroup} points, ${p.sizes.join('-')} tanh, ${p.dim} parameters)`);
  console.log(`${m.cpu}, ${m.cores} cores, load average ${m.loadAverage.map((v) => v.toFixed(1)).join(' ')}, Node ${m.node}; median of ${r.settings.rounds} interleaved rounds of ~${r.settings.batchMs} ms each`);
  console.log(['implementation'.padEnd(12), 'µs/call'.padStart(9), 'min'.padStart(8), 'max'.padStart(8), '× fused'.padStart(8), 'value err'.padStart(10), 'grad err'.padStart(10)].join(' '));
  for (const row of r.rows) {
    console.log([
      row.name.padEnd(12),
      fmt(row.microseconds).padStart(9),
      fmt(row.minMicroseconds).padStart(8),
      fmt(row.maxMicroseconds).padStart(8),
      fmt(row.ratioToFused, 2).padStart(8),
      row.valueRelError.toExponential(1).padStart(10),
      row.gradRelError.toExponential(1).padStart(10),
    ].join(' '));
  }
  console.log(`errors: max relative difference to fused over ${r.settings.evaluationPoints} points (tfjs computes in float32)`);
  if (r.tfjs) console.log(`tfjs ${r.tfjs.version}: wasm SIMD ${r.tfjs.wasmSimd}, wasm threads ${r.tfjs.wasmThreads}`);
  console.log(`target: hbnn within ${r.target.ratio}× of fused — ${r.target.met ? 'met' : 'NOT met'} (${r.target.hbnnRatio.toFixed(2)}×)`);
}

/** Executed directly: run, print, and write the JSON result with --out FILE. */
if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  writeResultIfAsked(args, await benchAutodiff({ quick: args.includes('--quick'), skipTfjs: args.includes('--no-tfjs') }));
}
