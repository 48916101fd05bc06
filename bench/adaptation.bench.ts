/**
 * Warmup schemes against each other (issue #13): effective draws per gradient — the smallest
 * bulk-ESS over every parameter divided by all gradient evaluations of the run, warmup and
 * initialisation included — for `adapt: 'stan'` with Stan's 1000 warmup iterations against
 * 'fisher' and 'fisher-low-rank' at 1000 and at 400, 4 chains × 1000 draws, on the posteriors of
 * bench/adaptation_posteriors.ts. Each run's means are checked against the reference means: a
 * scheme that is cheaper but wrong is not better. Ratios are to 'stan'/1000 on the same posterior.
 *
 * Run: `hbnn bench --only adaptation [--quick]` or `node dist/bench/adaptation.bench.js [--quick]
 * [--only NAME,NAME] [--out FILE.json]`.
 * `quick`: 2 chains × 300 draws, tunes 300 and 150, three posteriors.
 */
import { sample } from '../samplers/run/sample.js';
import { essBulk } from '../samplers/diagnostics/ess.js';
import { mcseMean } from '../samplers/diagnostics/mcse.js';
import type { Trace } from '../samplers/trace/trace.js';
import type { AdaptName } from '../samplers/adaptation/warmup_adapter.js';
import { benchPosteriors, type BenchPosterior } from './adaptation_posteriors.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export interface AdaptationBenchOptions {
  quick?: boolean;
  seed?: number;
  /** Only the posteriors with these names (all when absent). */
  only?: readonly string[];
  print?: boolean;
}

interface Config {
  adapt: AdaptName;
  tune: number;
}

export interface AdaptationRow {
  posterior: string;
  adapt: AdaptName;
  tune: number;
  gradients: number;
  minBulkEss: number;
  /** The parameter with the smallest bulk-ESS. */
  worst: string;
  essPerGradient: number;
  /** essPerGradient over 'stan'/(the baseline tune) on the same posterior. */
  ratio: number;
  divergences: number;
  stepSize: number;
  metric: string;
  seconds: number;
  /** User + system CPU seconds of the run (wall seconds depend on what else the machine runs). */
  cpuSeconds: number;
  /** Reference means checked, and those further than 4 standard errors (√(MCSE² + MCSE_ref²)). */
  checked: number;
  failed: string[];
}

/** Tolerance of the mean check in standard errors: 48 checks per configuration at 4σ fail by chance with p ≈ 0.3% together. */
const Z = 4;

/** Every scalar of the trace's chains, by `name[index]`, plus the posterior's derived ones. */
function scalars(trace: Trace, p: BenchPosterior): Map<string, Float64Array[]> {
  const out = new Map<string, Float64Array[]>();
  for (const param of trace.params) {
    const size = param.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < size; i++) out.set(`${param.name}[${i}]`, trace.scalarChains(param.name, i));
  }
  if (p.derived) {
    const perChain = trace.chainDraws.map((_c, c) => p.derived!((name, index) => trace.scalarChains(name, index)[c]));
    for (const key of Object.keys(perChain[0])) out.set(key, perChain.map((d) => d[key]));
  }
  return out;
}

function key(name: string, index: number): string {
  return name.includes('[') ? name : `${name}[${index}]`;
}

async function measure(p: BenchPosterior, config: Config, chains: number, draws: number, seed: number): Promise<Omit<AdaptationRow, 'ratio'>> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const trace = await sample(p.model, { adapt: config.adapt, tune: config.tune, chains, draws, seed, progress: false });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const gradients = trace.meta.perChain!.reduce((s, c) => s + c.numGradEvals, 0);
  const all = scalars(trace, p);
  let minBulkEss = Infinity;
  let worst = '';
  for (const param of trace.params) {
    const size = param.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < size; i++) {
      const e = essBulk(all.get(`${param.name}[${i}]`)!);
      if (e < minBulkEss) [minBulkEss, worst] = [e, `${param.name}[${i}]`];
    }
  }
  const failed: string[] = [];
  for (const r of p.references) {
    const xs = all.get(key(r.name, r.index))!;
    const n = xs.reduce((s, c) => s + c.length, 0);
    const mean = xs.reduce((s, c) => s + c.reduce((a, v) => a + v, 0), 0) / n;
    const se = Math.hypot(mcseMean(xs), r.mcse);
    if (!(Math.abs(mean - r.mean) <= Z * se)) failed.push(`${key(r.name, r.index)}: ${mean.toPrecision(5)} vs ${r.mean.toPrecision(5)} (se ${se.toPrecision(2)})`);
  }
  const report = trace.meta.perChain![0].adaptation;
  return {
    posterior: p.name,
    adapt: config.adapt,
    tune: config.tune,
    gradients,
    minBulkEss,
    worst,
    essPerGradient: minBulkEss / gradients,
    divergences: trace.numDivergences(),
    stepSize: report?.stepSize ?? NaN,
    metric: report ? `${report.metric}${report.rank ? ` k=${report.rank}` : ''}` : '',
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    checked: p.references.length,
    failed,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export async function benchAdaptation(opts: AdaptationBenchOptions = {}) {
  const quick = opts.quick ?? false;
  const print = opts.print ?? true;
  const seed = opts.seed ?? 13;
  const chains = quick ? 2 : 4;
  const draws = quick ? 300 : 1000;
  const long = quick ? 300 : 1000;
  const short = quick ? 150 : 400;
  const configs: Config[] = [
    { adapt: 'stan', tune: long },
    { adapt: 'fisher', tune: long },
    { adapt: 'fisher-low-rank', tune: long },
    { adapt: 'stan', tune: short },
    { adapt: 'fisher', tune: short },
    { adapt: 'fisher-low-rank', tune: short },
  ];
  const posteriors = benchPosteriors()
    .slice(0, quick && !opts.only ? 3 : undefined)
    .filter((p) => !opts.only || opts.only.includes(p.name));
  if (posteriors.length === 0) throw new Error(`adaptation bench: no posterior named ${opts.only?.join(', ')}; have ${benchPosteriors().map((p) => p.name).join(', ')}`);
  const rows: AdaptationRow[] = [];
  for (const p of posteriors) {
    let base = NaN;
    for (const c of configs) {
      const r = await measure(p, c, chains, draws, seed);
      if (c.adapt === 'stan' && c.tune === long) base = r.essPerGradient;
      const row = { ...r, ratio: r.essPerGradient / base };
      rows.push(row);
      if (print) {
        console.log(
          `${p.name.padEnd(26)} ${c.adapt.padEnd(16)} tune ${String(c.tune).padStart(4)}  grads ${String(r.gradients).padStart(8)}  min bulk-ESS ${r.minBulkEss.toFixed(0).padStart(5)} (${r.worst})  ESS/grad ${r.essPerGradient.toExponential(2)}  ×${row.ratio.toFixed(2)}  div ${r.divergences}  ε ${r.stepSize.toPrecision(3)} ${r.metric}  means ${r.checked - r.failed.length}/${r.checked}  ${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s)`,
        );
        for (const f of r.failed) console.log(`    mean off: ${f}`);
      }
    }
  }
  const summary = configs.map((c) => {
    const mine = rows.filter((r) => r.adapt === c.adapt && r.tune === c.tune);
    return { adapt: c.adapt, tune: c.tune, medianRatio: median(mine.map((r) => r.ratio)), minRatio: Math.min(...mine.map((r) => r.ratio)), meansFailed: mine.reduce((s, r) => s + r.failed.length, 0), divergences: mine.reduce((s, r) => s + r.divergences, 0) };
  });
  if (print) {
    console.log(`\nESS per gradient relative to adapt 'stan', tune ${long} (${chains} chains × ${draws} draws):`);
    for (const s of summary) console.log(`  ${s.adapt.padEnd(16)} tune ${String(s.tune).padStart(4)}: median ×${s.medianRatio.toFixed(2)}, worst ×${s.minRatio.toFixed(2)}, means off ${s.meansFailed}, divergences ${s.divergences}`);
  }
  return { chains, draws, seed, rows, summary };
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--only');
  const only = i >= 0 ? args[i + 1].split(',') : undefined;
  const result = await benchAdaptation({ quick: args.includes('--quick'), ...(only ? { only } : {}) });
  writeResultIfAsked(args, result);
}
