/**
 * The `limits` benchmark's ratios in CPU time: each contender's batches are timed with
 * `process.cpuUsage()` (user + system µs of this process), so time the process spends waiting
 * for a core while other jobs run does not count. On a machine shared with other jobs this gives
 * steadier ratios than wall time (`limits.bench.ts`), though caches shared with those jobs still
 * move them. Interleaved rounds of a fixed number of calls per contender; median and fastest
 * round per contender, and their ratios to the limit.
 *
 * Run: `node dist/bench/limits_cpu.bench.js [--rounds N] [--out FILE]`.
 */
import type { LogDensity } from '../samplers/types.js';
import { limitProblems, randomPoints } from './limits.bench.js';
import { machineInfo } from './machine.js';
import { isMainModule, writeResultIfAsked } from './script.js';

/** Calls per timed batch (about 10–30 ms each on this project's machine). */
const CALLS: Record<string, number> = { hierarchical: 60, flat: 1000, 'eight-schools': 40000 };

export interface CpuRow { name: string; medianMicroseconds: number; minMicroseconds: number; ratio: number; minRatio: number }

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** CPU µs per call of each contender over `rounds` interleaved batches (after one warm-up batch each). */
function timeCpu(contenders: { name: string; f: LogDensity }[], points: readonly Float64Array[], calls: number, rounds: number): CpuRow[] {
  const grad = new Float64Array(contenders[0].f.dim);
  const batch = (f: LogDensity) => {
    const t0 = cpuMicros();
    for (let i = 0; i < calls; i++) f.logDensityAndGrad(points[i % points.length], grad);
    return (cpuMicros() - t0) / calls;
  };
  contenders.forEach((c) => batch(c.f));
  const times = contenders.map((): number[] => []);
  for (let r = 0; r < rounds; r++) contenders.forEach((c, i) => times[i].push(batch(c.f)));
  const med = times.map(median), min = times.map((t) => Math.min(...t));
  return contenders.map((c, i) => ({ name: c.name, medianMicroseconds: med[i], minMicroseconds: min[i], ratio: med[i] / med[0], minRatio: min[i] / min[0] }));
}

export async function benchLimitsCpu(options: { rounds?: number; print?: boolean } = {}) {
  const rounds = options.rounds ?? 15;
  const models = limitProblems().map((p) => {
    const contenders = [p.limits[0], { name: 'hbnn, eager tape', f: p.hbnnEager }, { name: 'hbnn, interpreter', f: p.hbnnInterpreted }, { name: 'hbnn', f: p.hbnn }];
    return { name: p.name, rows: timeCpu(contenders, randomPoints(p.hbnn.dim, 16, p.scale, 12), CALLS[p.name] ?? 100, rounds) };
  });
  const result = { benchmark: 'limits-cpu' as const, machine: machineInfo(), settings: { rounds }, models };
  if (options.print !== false) {
    console.log(`\nhbnn vs the hand-written limit, CPU µs per log density + gradient (${rounds} interleaved rounds)`);
    console.log('model           contender            CPU µs (median)   × limit   fastest round × limit');
    for (const m of models) {
      for (const r of m.rows) console.log(`${m.name.padEnd(15)} ${r.name.padEnd(20)} ${r.medianMicroseconds.toFixed(3).padStart(15)}   ${r.ratio.toFixed(2).padStart(7)}   ${r.minRatio.toFixed(2).padStart(7)}`);
    }
  }
  return result;
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  writeResultIfAsked(args, await benchLimitsCpu({ rounds: at >= 0 ? Number(args[at + 1]) : undefined }));
}
