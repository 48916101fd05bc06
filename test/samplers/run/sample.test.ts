import test from 'tape';
import { normal2 } from '../../targets.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample, samplerOverhead } from '../../../samplers/run/sample.js';
import { readCheckpoint } from '../../../samplers/run/checkpoint.js';
import { cmdStanCsvTexts } from '../../../samplers/io/cmdstan_csv.js';
import { mala } from '../../../samplers/mcmc/mala.js';
import type { LogDensity, PosteriorTarget, Sampler } from '../../../samplers/types.js';
import { randomWalk } from '../../fixtures/random_walk_metropolis.js';


// The same target as an ES module a worker can import (a data: URL needs no fixture file).
const normal2Module = `data:text/javascript,${encodeURIComponent(`
export function make(args, ctx) {
  if (args && args.failChain === ctx.chain) throw new Error('factory failed on purpose');
  return { dim: 2, logDensityAndGrad(x, g) { g[0] = -x[0]; g[1] = -x[1] / 4; return -0.5 * x[0] * x[0] - (x[1] * x[1]) / 8; } };
}`)}`;

test('sample: shapes, stats and meta', async (t) => {
  const trace = await sample(normal2, { chains: 3, draws: 50, tune: 60, seed: 1, keepWarmup: true });
  t.equal(trace.chains, 3);
  t.equal(trace.draws, 50);
  t.deepEqual(trace.get('x').shape, [3, 50, 2]);
  for (const s of ['lp', 'acceptStat', 'stepSize', 'treeDepth', 'nSteps', 'diverging', 'energy'] as const) t.ok(trace.stat(s), `stat ${s}`);
  t.equal(trace.chainDraws[0].warmup!.stats.lp.length, 60, 'warmup kept');
  const a = trace.chainDraws[0].adaptation!;
  t.ok(a.stepSize! > 0 && a.inverseMassMatrix!.length === 2, 'adaptation recorded');
  t.ok(trace.stat('stepSize')![0].every((v) => v === a.stepSize), 'draws use the adapted step size');
  const per = samplerOverhead(trace);
  t.equal(per.length, 3);
  t.ok(per.every((p) => p.numGradEvals > 110 && p.secondsTotal >= p.secondsInGradient), 'gradient counts and timings');
  t.end();
});

test('sample: constrained values via target.params / constrainInto', async (t) => {
  const target: PosteriorTarget = {
    ...normal2,
    params: [{ name: 'sigma', shape: [] }, { name: 'w', shape: [1] }],
    constrainInto: (x, out) => {
      out[0] = Math.exp(x[0]);
      out[1] = x[1];
    },
  };
  const trace = await sample(target, { chains: 1, draws: 20, tune: 20, seed: 2 });
  t.deepEqual(trace.paramNames, ['sigma', 'w']);
  t.ok(trace.get('sigma').values.every((v) => v > 0), 'sigma constrained positive');
  t.end();
});

test('sample: a seed gives identical draws, sequential or in worker threads', async (t) => {
  const opts = { chains: 2, draws: 40, tune: 50, seed: 7 };
  const seq = await sample(normal2, opts);
  const par = await sample(normal2, { ...opts, parallel: true, workerTarget: { module: normal2Module, exportName: 'make' } });
  t.deepEqual(Array.from(par.get('x').values), Array.from(seq.get('x').values), 'same draws');
  t.deepEqual(Array.from(par.stat('energy')![1]), Array.from(seq.stat('energy')![1]), 'same stats');
  t.ok(par.chainDraws.every((c) => c.elapsed!.warmupSeconds > 0 && c.elapsed!.samplingSeconds > 0), 'elapsed times come back from the workers');
  const untimed = (text: string) => text.split('\n').filter((l) => !/ seconds \(/.test(l)).join('\n');
  t.deepEqual(cmdStanCsvTexts(par).map(untimed), cmdStanCsvTexts(seq).map(untimed), 'the same CmdStan CSV but for the elapsed times');
  const again = await sample(normal2, opts);
  t.deepEqual(Array.from(again.get('x').values), Array.from(seq.get('x').values), 'reproducible');
  t.end();
});

test("sample: a user's registered sampler runs in worker threads, with the sequential run's draws", async (t) => {
  const opts = { chains: 2, draws: 60, tune: 20, seed: 12 };
  const workerTarget = { module: normal2Module, exportName: 'make' };
  const seq = await sample(normal2, { ...opts, sampler: randomWalk({ scale: 0.9 }) });
  const par = await sample(normal2, { ...opts, sampler: randomWalk({ scale: 0.9 }), parallel: true, workerTarget });
  t.equal(par.meta.sampler, 'random-walk');
  t.deepEqual(Array.from(par.get('x').values), Array.from(seq.get('x').values), 'same draws');
  t.deepEqual(Array.from(par.stat('acceptStat')![1]), Array.from(seq.stat('acceptStat')![1]), 'same stats');
  const moved = new Set(seq.get('x').values).size;
  t.ok(moved > 10, `the chains move (${moved} distinct values)`);
  const byName = await sample(normal2, { ...opts, sampler: 'random-walk', parallel: true, workerTarget });
  const seqByName = await sample(normal2, { ...opts, sampler: randomWalk() });
  t.deepEqual(Array.from(byName.get('x').values), Array.from(seqByName.get('x').values), "by name ('random-walk'), with its default options");
  t.end();
});

test('sample: a worker that cannot learn a sampler fails its chains with the reason', async (t) => {
  const module = 'data:text/javascript,export const nothing = 0;';
  const ghost: Sampler = { ...randomWalk(), name: 'ghost', spec: { name: 'ghost', options: {}, module } };
  try {
    await sample(normal2, { chains: 1, draws: 5, tune: 0, seed: 1, sampler: ghost, parallel: true, workerTarget: { module: normal2Module, exportName: 'make' } });
    t.fail('a sampler no worker knows was accepted');
  } catch (e) {
    t.match((e as Error).message, /every chain failed; chain 0: unknown sampler 'ghost': module 'data:.*' did not register it/, (e as Error).message);
  }
  t.end();
});

test('sample: a failing worker is reported by chain; the others are kept', async (t) => {
  const trace = await sample(normal2, { chains: 2, draws: 10, tune: 10, seed: 3, parallel: true, workerTarget: { module: normal2Module, exportName: 'make', args: { failChain: 1 } } });
  t.equal(trace.chains, 1, 'one surviving chain');
  const failed = trace.meta.failedChains as { chain: number; error: string }[];
  t.equal(failed.length, 1);
  t.equal(failed[0].chain, 1);
  t.ok(/on purpose/.test(failed[0].error), failed[0].error);
  t.end();
});

test("sample: with workers, 'advi+adapt_diag' fits ADVI in a worker, and the draws are the sequential run's", async (t) => {
  const opts = { chains: 2, draws: 40, tune: 50, seed: 9, init: 'advi+adapt_diag' as const };
  const seq = await sample(normal2, opts);
  const par = await sample(normal2, { ...opts, parallel: true, workerTarget: { module: normal2Module, exportName: 'make' } });
  t.deepEqual(Array.from(par.get('x').values), Array.from(seq.get('x').values), 'same draws as with the fit on this thread');
  // A factory that fails for ADVI's build (chain 0, task 'advi') fails the run with its message.
  const failing = sample(normal2, { ...opts, parallel: true, workerTarget: { module: normal2Module, exportName: 'make', args: { failChain: 0 } } });
  await failing.then(
    () => t.fail('a failing ADVI build was accepted'),
    (e: Error) => t.match(e.message, /factory failed on purpose/, `the run fails with the worker's reason: ${e.message}`),
  );
  t.end();
});

test("sample: init 'advi+adapt_diag' fits ADVI, starts chains at distinct draws, and samples", async (t) => {
  const trace = await sample(normal2, { chains: 2, draws: 200, tune: 100, seed: 11, init: 'advi+adapt_diag', keepWarmup: true });
  const w0 = trace.chainDraws[0].warmup!.values, w1 = trace.chainDraws[1].warmup!.values;
  t.notDeepEqual([w0[0], w0[1]], [w1[0], w1[1]], 'chains start at different points');
  const x = trace.get('x').values;
  let m = 0;
  for (let i = 0; i < x.length; i += 2) m += x[i] / (x.length / 2);
  // x[0] ~ N(0, 1): 400 draws of a well-mixed chain put the mean within ±0.3 (about 5 MCSE of 0.05)
  t.ok(Math.abs(m) < 0.3, `mean of x[0] = ${m.toFixed(3)}`);
  t.end();
});

test('sample: options are validated by name', async (t) => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ draws: 0 }, /draws must be an integer >= 1, got 0/],
    [{ chains: 1.5 }, /chains must be an integer >= 1, got 1.5/],
    [{ tune: -1 }, /tune must be/],
    [{ targetAccept: 1 }, /targetAccept must be in \(0, 1\), got 1/],
    [{ sampler: 'gibbs' }, /unknown sampler 'gibbs'/],
    [{ sampler: {} }, /options.sampler must be a Sampler/],
    [{ init: [1, 2, 3] }, /init point has length 3, but the target has dim 2/],
    [{ init: [[0, 0]], chains: 2 }, /init has 1 points but chains is 2/],
    [{ init: 'zero' }, /unknown init 'zero'/],
    [{ parallel: true }, /parallel: true needs options.workerTarget/],
    [{ inverseMassMatrix: [1, 2, 3] }, /inverseMassMatrix has length 3/],
    [{ stepSize: -1 }, /stepSize must be positive/],
    [{ draw: 10 }, /unknown option 'draw'/],
  ];
  for (const [opts, re] of bad) {
    try {
      await sample(normal2, { chains: 1, draws: 5, tune: 5, seed: 1, ...opts });
      t.fail(`accepted ${JSON.stringify(opts)}`);
    } catch (e) {
      t.ok(re.test((e as Error).message), (e as Error).message);
    }
  }
  const custom: Sampler = { ...mala(), name: 'mine' };
  try {
    await sample(normal2, { sampler: custom, parallel: true, workerTarget: { module: normal2Module, exportName: 'make' } });
    t.fail('custom sampler in parallel accepted');
  } catch (e) {
    t.ok(/cannot be rebuilt in a worker.*registerSampler/.test((e as Error).message), (e as Error).message);
  }
  t.end();
});

test('sample: init points, failed jitter, ADVI hook and initial metric', async (t) => {
  const trace = await sample(normal2, { chains: 2, draws: 5, tune: 0, seed: 1, init: [[0.1, 0.2], [3, -3]], stepSize: 0.5, inverseMassMatrix: [1, 4] });
  t.equal(trace.stat('stepSize')![0][0], 0.5, 'tune 0 keeps the given step size');
  t.deepEqual(Array.from(trace.chainDraws[1].adaptation!.inverseMassMatrix!), [1, 4], 'and the given metric');
  const nowhere: LogDensity = { dim: 2, logDensityAndGrad: () => -Infinity };
  try {
    await sample(nowhere, { chains: 1, draws: 5, tune: 5, seed: 1 });
    t.fail('no error');
  } catch (e) {
    t.ok(/100 tries of uniform\(-2, 2\).*target of dim 2/.test((e as Error).message), (e as Error).message);
  }
  let called = 0;
  const advi = await sample(normal2, {
    chains: 1, draws: 5, tune: 0, seed: 9, init: 'advi+adapt_diag',
    adviInit: async (_target, { seed }) => {
      called = seed;
      return { position: Float64Array.of(0, 0), inverseMassMatrix: Float64Array.of(1, 4) };
    },
  });
  t.equal(called, 9, 'adviInit called with the seed');
  t.deepEqual(Array.from(advi.chainDraws[0].adaptation!.inverseMassMatrix!), [1, 4], 'ADVI variances seed the metric');
  t.end();
});

test('sample: checkpoints are written per draw and read back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hbnn-ckpt-'));
  try {
    const trace = await sample(normal2, { chains: 2, draws: 30, tune: 30, seed: 4, checkpoint: { dir } });
    const text = readFileSync(join(dir, 'chain-1.csv'), 'utf8');
    t.ok(text.includes('\nlp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,x.1,x.2\n'), 'CmdStan header (the checkpoint is a CmdStan CSV file)');
    t.ok(text.includes('# Step size = '), 'adaptation written');
    const back = readCheckpoint(dir);
    t.deepEqual(Array.from(back.get('x').values), Array.from(trace.get('x').values), 'values round-trip exactly');
    t.deepEqual(Array.from(back.stat('treeDepth')![0]), Array.from(trace.stat('treeDepth')![0]), 'stats round-trip');
    t.equal(back.chainDraws[0].adaptation!.stepSize, trace.chainDraws[0].adaptation!.stepSize, 'step size round-trips');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('sample: an abort signal returns the draws made so far', async (t) => {
  const slow: LogDensity = {
    dim: 2,
    logDensityAndGrad(x, g) {
      const until = performance.now() + 0.02; // 20 µs per gradient: a slow model
      while (performance.now() < until);
      return normal2.logDensityAndGrad(x, g);
    },
  };
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 600);
  const trace = await sample(slow, { chains: 2, draws: 100000, tune: 100, seed: 5, signal: controller.signal });
  t.equal(trace.meta.interrupted, true, 'marked interrupted');
  t.ok(trace.draws > 0 && trace.draws < 100000, `kept ${trace.draws} draws per chain`);
  t.equal(trace.chains, 2);
  t.end();
});
