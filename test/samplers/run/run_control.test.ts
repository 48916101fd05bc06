import test from 'tape';
import { normal2 } from '../../targets.js';
import { sample } from '../../../samplers/run/sample.js';
import { RunControl } from '../../../samplers/run/run_control.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';
import type { LogDensity } from '../../../samplers/types.js';
import type { Trace } from '../../../samplers/trace/trace.js';


// Slow enough (about 1 ms per gradient) that a run lasts long enough to pause it.
const slowModule = `data:text/javascript,${encodeURIComponent(`
export function make(args) {
  return { dim: 2, logDensityAndGrad(x, g) {
    const until = performance.now() + (args?.ms ?? 0); while (performance.now() < until) {}
    if (args?.failAfter !== undefined && ++this.calls > args.failAfter) throw new Error('failed on purpose');
    g[0] = -x[0]; g[1] = -x[1] / 4; return -0.5 * x[0] * x[0] - (x[1] * x[1]) / 8;
  }, calls: 0 };
}`)}`;

function slowTarget(ms: number, failAfter?: number): LogDensity & { calls: number } {
  return {
    dim: 2,
    calls: 0,
    logDensityAndGrad(x, g) {
      const until = performance.now() + ms;
      while (performance.now() < until) {}
      if (failAfter !== undefined && ++this.calls > failAfter) throw new Error('failed on purpose');
      return normal2.logDensityAndGrad(x, g);
    },
  };
}

/** Per chain, every reported draw concatenated in order. */
function collect(): { onProgress: (p: ChainProgress) => void; values: Map<number, number[]>; lp: Map<number, number[]>; reports: ChainProgress[] } {
  const values = new Map<number, number[]>();
  const lp = new Map<number, number[]>();
  const reports: ChainProgress[] = [];
  return {
    values,
    lp,
    reports,
    onProgress(p) {
      reports.push(p);
      if (!values.has(p.chain)) values.set(p.chain, []), lp.set(p.chain, []);
      values.get(p.chain)!.push(...p.newDraws.values);
      lp.get(p.chain)!.push(...p.newDraws.stats.lp);
    },
  };
}

function sameDraws(t: test.Test, a: Trace, b: Trace, what: string): void {
  t.equal(a.chains, b.chains, `${what}: same number of chains`);
  let same = true;
  a.chainDraws.forEach((c, i) => {
    const d = b.chainDraws[i];
    if (c.values.length !== d.values.length || c.values.some((v, k) => !Object.is(v, d.values[k]))) same = false;
  });
  t.ok(same, `${what}: identical draws`);
}

for (const parallel of [false, true]) {
  const where = parallel ? 'worker threads' : 'sequential';
  const workerTarget = parallel ? { workerTarget: { module: slowModule, exportName: 'make', args: { ms: 0 } } } : {};

  test(`sample onProgress (${where}): the reported draws are the trace's, in order`, async (t) => {
    const got = collect();
    const trace = await sample(normal2, { chains: 2, tune: 30, draws: 40, seed: 11, parallel, ...workerTarget, onProgress: got.onProgress });
    for (const c of [0, 1]) {
      t.deepEqual(got.values.get(c), Array.from(trace.chainDraws[c].values), `chain ${c}: values`);
      t.deepEqual(got.lp.get(c), Array.from(trace.chainDraws[c].stats.lp), `chain ${c}: lp`);
      const last = got.reports.filter((r) => r.chain === c).at(-1)!;
      t.deepEqual([last.iteration, last.tune, last.draws], [70, 30, 40], `chain ${c}: the last report is at the end`);
    }
    t.ok(got.reports.every((r) => r.iteration > r.tune || r.newDraws.stats.lp.length === 0), 'no draws are reported during warmup');
    t.end();
  });

  test(`sample control (${where}): a paused run holds still, then gives the same draws as an unpaused one`, async (t) => {
    const ms = 0.3;
    const target = slowTarget(ms);
    const opts = { chains: 2, tune: 40, draws: 120, seed: 5, parallel, ...(parallel ? { workerTarget: { module: slowModule, exportName: 'make', args: { ms } } } : {}) };
    const reference = await sample(target, opts);
    const control = new RunControl();
    const got = collect();
    let pausedAt = -1;
    const running = sample(target, {
      ...opts,
      control,
      onProgress(p) {
        got.onProgress(p);
        if (pausedAt < 0 && p.iteration > 60) {
          pausedAt = p.iteration;
          control.pause();
        }
      },
    });
    while (!control.paused) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300)); // let reports already in flight arrive
    const count = () => [...got.lp.values()].reduce((s, v) => s + v.length, 0);
    const before = count();
    await new Promise((r) => setTimeout(r, 600));
    t.equal(count(), before, `no new draws while paused (${before} received)`);
    control.resume();
    const trace = await running;
    t.ok(pausedAt > 0, `paused at iteration ${pausedAt}`);
    t.equal(trace.meta.interrupted, false, 'the run completes');
    sameDraws(t, trace, reference, 'paused and resumed vs uninterrupted');
    t.end();
  });

  test(`sample (${where}): a chain that fails mid-run still reports the draws it made`, async (t) => {
    const got = collect();
    const failAfter = 400;
    const target = slowTarget(0, failAfter);
    const trace = await sample(target, {
      chains: 1,
      tune: 20,
      draws: 500,
      seed: 3,
      parallel,
      ...(parallel ? { workerTarget: { module: slowModule, exportName: 'make', args: { failAfter } } } : {}),
      onProgress: got.onProgress,
    }).catch((e: Error & { failedChains?: unknown[] }) => e);
    t.ok(trace instanceof Error && /every chain failed; chain 0: failed on purpose/.test(trace.message), `sample reports the failure: ${(trace as Error).message}`);
    const reported = got.lp.get(0)?.length ?? 0;
    t.ok(reported > 0, `${reported} draws reached onProgress before the failure`);
    t.end();
  });
}

test('sample: onProgress and control are checked', async (t) => {
  await sample(normal2, { chains: 1, draws: 5, tune: 5, onProgress: 3 as never }).then(
    () => t.fail('accepted a number'),
    (e: Error) => t.match(e.message, /onProgress must be a function, got 3/),
  );
  await sample(normal2, { chains: 1, draws: 5, tune: 5, control: {} as never }).then(
    () => t.fail('accepted a plain object'),
    (e: Error) => t.match(e.message, /control must be a RunControl/),
  );
  t.end();
});

test('RunControl: subscribers hear each change once', (t) => {
  const c = new RunControl();
  const heard: boolean[] = [];
  const off = c.subscribe((p) => heard.push(p));
  c.pause();
  c.pause();
  c.resume();
  off();
  c.pause();
  t.deepEqual(heard, [true, false]);
  t.equal(c.paused, true);
  t.end();
});
