/**
 * The benchmark harness behind `npm run bench` / `hbnn bench`: runs every registered benchmark
 * in turn, each of which measures hbnn against its own baseline in the same run, prints its
 * table, and (with `out`) writes all results with the machine description to one JSON file.
 *
 * A benchmark joins by one entry in `BENCHMARKS` below (or `registerBenchmark` at run time):
 * a name for `--only`, one line saying what it measures, and an async `run` that prints its
 * table and returns a JSON-serialisable result.
 */
import { writeFileSync } from 'node:fs';
import { machineInfo, type MachineInfo } from './machine.js';
import { isMainModule } from './script.js';

export interface BenchmarkRunOptions {
  /** A shorter run for a quick look (each benchmark decides what that means). */
  quick?: boolean;
}

export interface BenchmarkEntry {
  /** Name used by `only` and as the key in the JSON file. */
  name: string;
  /** One line: what is measured against what. */
  description: string;
  run: (options: BenchmarkRunOptions) => Promise<unknown>;
}

/**
 * Every benchmark of the project, run in this order; a new one joins with one entry here. Each
 * `run` loads its bench/<topic>.bench.ts only when it runs, so reading the list (the CLI's help
 * does) loads neither TensorFlow.js nor the models.
 */
export const BENCHMARKS: BenchmarkEntry[] = [
  {
    name: 'autodiff',
    description: 'µs per log density + gradient of the hierarchical BNN: hbnn vs a hand-fused limit vs TensorFlow.js (CPU, wasm)',
    run: async (o) => (await import('./autodiff.bench.js')).benchAutodiff({ quick: o.quick }),
  },
  {
    name: 'limits',
    description: 'µs per log density + gradient, hbnn (compiled, and on the eager tape) vs the fastest hand-written version: hierarchical BNN, flat BNN, eight schools',
    run: async (o) => (await import('./limits.bench.js')).benchLimits({ quick: o.quick }),
  },
  {
    name: 'alloc',
    description: 'allocations (bytes and Float64Arrays) per log density + gradient call of hbnn and of the hand-written limits, per model',
    run: async (o) => (await import('./alloc.bench.js')).benchAlloc({ quick: o.quick }),
  },
  {
    name: 'stan',
    description: 'NUTS, hbnn sample() vs Stan (rstan) on the three BNNs of the study, side by side on the two cores: wall time, gradients, µs per gradient, ESS/s (needs Rscript + rstan)',
    run: async (o) => (await import('./stan.bench.js')).benchStan({ quick: o.quick }),
  },
  {
    name: 'batched-matmul',
    description: 'batched matmul per call at the BNN and prediction shapes, and end-to-end prediction: gpu.js modes vs Float64 JS',
    run: async (o) => (await import('./batched_matmul.bench.js')).benchBatchedMatmul({ quick: o.quick }),
  },
  {
    name: 'nuts',
    description: 'NUTS on the hierarchical BNN (1 chain, 1000 + 1000, target accept 0.9): gradients/s, min bulk-ESS/s, divergences, overhead outside the gradient',
    run: async (o) => (await import('./nuts.bench.js')).benchNuts({ quick: o.quick }),
  },
  {
    name: 'advi-init',
    description: 'NUTS warmup on the hierarchical BNN from jitter vs advi+adapt_diag initialisation: gradients and divergences',
    run: async (o) => (await import('./nuts.bench.js')).benchAdviInit({ quick: o.quick }),
  },
  {
    name: 'vi',
    description: "ADVI's default (accurate) schedule vs schedule 'stan': seconds, gradients to convergence, ELBO evaluations/s, final ELBO; Pathfinder's gradients vs NUTS; NUTS warmup on the hierarchical BNN from jitter vs init 'pathfinder'",
    run: async (o) => (await import('./vi.bench.js')).benchVi({ quick: o.quick }),
  },
  {
    name: 'playground',
    description: "the playground's default fit in headless Chromium (Web Workers) vs the same fit in Node (worker threads): bundle size, time to first draw, whole run",
    run: async (o) => (await import('./playground.bench.js')).benchPlayground({ quick: o.quick }),
  },
  {
    name: 'adaptation',
    description: "warmup schemes: effective draws per gradient (min bulk-ESS / all gradients, warmup included), adapt 'stan' at tune 1000 vs 'fisher' and 'fisher-low-rank' at 1000 and 400, 4 chains × 1000 draws, five posteriordb-style posteriors, means checked against references",
    run: async (o) => (await import('./adaptation.bench.js')).benchAdaptation({ quick: o.quick }),
  },
];

/** Add a benchmark at run time (e.g. from a plugin or a test); names must be unique. */
export function registerBenchmark(entry: BenchmarkEntry): void {
  if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string' || entry.name === '' || typeof entry.run !== 'function') {
    throw new Error(`registerBenchmark: expects { name: non-empty string, description, run: async function }, got ${JSON.stringify(entry)}`);
  }
  if (BENCHMARKS.some((b) => b.name === entry.name)) throw new Error(`registerBenchmark: a benchmark named '${entry.name}' is already registered`);
  BENCHMARKS.push(entry);
}

export interface RunBenchmarksOptions extends BenchmarkRunOptions {
  /** Path of the JSON file to write all results into. */
  out?: string;
  /** Names of the benchmarks to run (default: all, in registry order). */
  only?: string[];
}

export interface BenchmarkReport {
  date: string;
  machine: MachineInfo;
  /** Per benchmark: its result, or the error that stopped it, and its wall time. */
  results: Record<string, { seconds: number; result?: unknown; error?: string }>;
  /** True when every benchmark ran to the end. */
  ok: boolean;
}

/**
 * Run the selected benchmarks one after another (never in parallel: they time the same CPU).
 * A benchmark that throws is reported and the others still run; `ok` is false then.
 */
export async function runBenchmarks(options: RunBenchmarksOptions = {}): Promise<BenchmarkReport> {
  const { out, only, quick = false } = options;
  if (only !== undefined) {
    if (!Array.isArray(only) || only.length === 0) throw new Error(`runBenchmarks: only must be a non-empty array of names, got ${JSON.stringify(only)}`);
    const unknown = only.filter((n) => !BENCHMARKS.some((b) => b.name === n));
    if (unknown.length > 0) {
      throw new Error(`runBenchmarks: unknown benchmark(s) ${unknown.join(', ')}; available: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    }
  }
  const selected = only === undefined ? BENCHMARKS : BENCHMARKS.filter((b) => only.includes(b.name));
  const report: BenchmarkReport = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    results: {},
    ok: true,
  };
  for (const b of selected) {
    console.log(`\n=== ${b.name}: ${b.description}`);
    const t0 = performance.now();
    try {
      const result = await b.run({ quick });
      report.results[b.name] = { seconds: (performance.now() - t0) / 1000, result };
    } catch (e) {
      const message = (e as Error).stack ?? String(e);
      console.error(`benchmark '${b.name}' failed: ${message}`);
      report.results[b.name] = { seconds: (performance.now() - t0) / 1000, error: message };
      report.ok = false;
    }
  }
  if (out !== undefined) {
    writeFileSync(out, JSON.stringify(report, null, 2));
    console.log(`\nwrote ${out}`);
  }
  return report;
}

/** Command-line use: `node dist/bench/index.js [--quick] [--out FILE.json] [--only a,b]`. */
export function parseBenchArgs(args: string[]): RunBenchmarksOptions {
  const options: RunBenchmarksOptions = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quick') options.quick = true;
    else if (a === '--out' || a === '--only') {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`bench: ${a} needs a value`);
      if (a === '--out') options.out = v;
      else options.only = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    } else throw new Error(`bench: unknown argument ${a}; use --quick, --out FILE.json, --only name[,name]`);
  }
  return options;
}

if (isMainModule(import.meta.url)) {
  const report = await runBenchmarks(parseBenchArgs(process.argv.slice(2)));
  if (!report.ok) process.exitCode = 1;
}
