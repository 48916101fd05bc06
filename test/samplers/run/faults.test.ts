/**
 * Fault injection (issue 16): torn and stale checkpoints, a full disk while checkpointing, a
 * throw in each phase of a chain, a worker that never returns and an abort, absurd sizes and
 * wrongly typed options. Each asserts the exact error, or that the draws kept are exactly the
 * draws a run without the fault makes.
 */
import test from 'tape';
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sample, type SampleOptions } from '../../../samplers/run/sample.js';
import { CheckpointWriter, readCheckpoint } from '../../../samplers/run/checkpoint.js';
import { samplerWarnings } from '../../../samplers/diagnostics/warnings.js';
import { nuts } from '../../../samplers/mcmc/nuts.js';
import { wrapAppendFiles, type AppendFile } from '../../../core/platform/files.js';
import type { AnySampler, LogDensity } from '../../../samplers/types.js';
import type { Trace } from '../../../samplers/trace/trace.js';
import { normal2 } from '../../targets.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'hbnn-faults-'));
const values = (trace: Trace, chain: number) => Array.from(trace.chainDraws[chain].values);
const faultyModule = new URL('../../fixtures/faulty_target.js', import.meta.url).href;

/** The message `f` throws (undefined when it does not throw). */
function errorOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

// ---- 1. torn lines ----------------------------------------------------------------------------

test('faults: a checkpoint line cut short is left out with a note, never read as a shorter number', (t) => {
  const params = [{ name: 'w', shape: [1] }];
  const run = { meta: { sampler: 'nuts', seed: 1 }, tune: 0, keepWarmup: false, draws: 10, metric: 'diag' as const };
  const cases: [string, string][] = [
    ['-0.2556402258215471,0.5,0.25564022582', 'cut by 6 bytes inside a number'],
    ['-0.2556402258215471,0.5,', 'cut after the last comma'],
  ];
  for (const [torn, what] of cases) {
    const dir = tmp();
    try {
      const w = new CheckpointWriter(dir, 0, params, run);
      for (const v of [1, 2]) w.writeDraw({ lp: -v, acceptStat: 0.5 }, false, Float64Array.of(v));
      w.close();
      appendFileSync(join(dir, 'chain-0.csv'), torn);
      const lines = readFileSync(join(dir, 'chain-0.csv'), 'utf8').split('\n').length;
      const back = readCheckpoint(dir);
      t.deepEqual(Array.from(back.get('w').values), [1, 2], `${what}: only the two complete draws`);
      const shown = torn.length > 40 ? torn.slice(0, 40) + '…' : torn;
      t.deepEqual(back.meta.warnings, [`readCheckpoint: the last line of ${join(dir, 'chain-0.csv')} (line ${lines}, '${shown}') was cut short and is left out`], `${what}: the note`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const dir = tmp();
  try {
    const w = new CheckpointWriter(dir, 0, params, run);
    w.writeDraw({ lp: -1, acceptStat: 0.5 }, false, Float64Array.of(1));
    w.close();
    appendFileSync(join(dir, 'chain-0.csv'), '-2,0.5\n-3,0.5,3\n');
    const n = readFileSync(join(dir, 'chain-0.csv'), 'utf8').split('\n').length - 2;
    t.equal(errorOf(() => readCheckpoint(dir)), `readCmdStanCsv: ${join(dir, 'chain-0.csv')}:${n} has 2 values, the header has 3 columns`, 'a short line in the middle (complete, with its newline) is corruption: refused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

// ---- 2. stale files -----------------------------------------------------------------------------

test('faults: a run into a used checkpoint folder replaces the earlier run; the manifest says which files belong', async (t) => {
  const dir = tmp();
  try {
    await sample(normal2, { chains: 4, draws: 10, tune: 10, seed: 1, checkpoint: { dir } });
    const second = await sample(normal2, { chains: 2, draws: 12, tune: 10, seed: 2, checkpoint: { dir } });
    t.deepEqual(readdirSync(dir).sort(), ['chain-0.csv', 'chain-1.csv', 'run.json'], "the first run's files are gone");
    const manifest = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    t.deepEqual([manifest.runId, manifest.chains, manifest.seed, manifest.settings.draws], [second.meta.runId, [0, 1], 2, 12], 'run.json: run id, chains, seed, settings');
    const back = readCheckpoint(dir);
    t.deepEqual([back.chains, back.meta.seed, back.meta.runId], [2, 2, second.meta.runId], 'two chains of the second run');
    t.deepEqual(Array.from(back.get('x').values), Array.from(second.get('x').values), 'its draws');

    copyFileSync(join(dir, 'chain-1.csv'), join(dir, 'chain-7.csv'));
    t.deepEqual(readCheckpoint(dir).meta.warnings, [`readCheckpoint: ${join(dir, 'chain-7.csv')} is left out: run ${second.meta.runId} has no chain 7`], 'a file the manifest does not list is left out, with a note');
    const other = tmp();
    await sample(normal2, { chains: 2, draws: 12, tune: 10, seed: 3, checkpoint: { dir: other } });
    copyFileSync(join(other, 'chain-1.csv'), join(dir, 'chain-1.csv'));
    rmSync(other, { recursive: true, force: true });
    t.equal(errorOf(() => readCheckpoint(dir)), `readCheckpoint: ${join(dir, 'chain-1.csv')} does not belong to run ${second.meta.runId}: its seed is 3, run.json says 2`, 'a listed file from another run is refused');

    const foreign = tmp();
    writeFileSync(join(foreign, 'run.json'), '{"name": "not ours"}');
    const refused = await sample(normal2, { chains: 1, draws: 5, tune: 0, seed: 1, checkpoint: { dir: foreign } }).then(() => 'accepted', (e: Error) => e.message);
    t.equal(refused, `sample: cannot start checkpoints in '${foreign}': its run.json is not an hbnn checkpoint manifest; use another folder`, "a run.json that is not a manifest is someone else's: the run refuses the folder");
    t.equal(readFileSync(join(foreign, 'run.json'), 'utf8'), '{"name": "not ours"}', 'and leaves the file alone');
    rmSync(foreign, { recursive: true, force: true });

    rmSync(join(dir, 'run.json'));
    t.equal(errorOf(() => readCheckpoint(dir)), `readCheckpoint: the files in '${dir}' come from different runs (${join(dir, 'chain-0.csv')} has seed 2, ${join(dir, 'chain-1.csv')} has seed 3) and there is no run.json to say which belong together`, 'without a manifest, files of different seeds are refused');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

// ---- 3. write errors ----------------------------------------------------------------------------

/** Files opened from now on fail like a full disk on append number `failAt` of `name` (half the text written first); closes are counted. */
function fullDisk(name: string, failAt: number): { closes: Map<string, number>; restore: () => void } {
  const closes = new Map<string, number>();
  wrapAppendFiles((path, file): AppendFile => {
    let appends = 0;
    const base = path.split(/[\\/]/).pop()!;
    return {
      append(text) {
        if (base === name && ++appends >= failAt) {
          file.append(text.slice(0, Math.floor(text.length / 2)));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        file.append(text);
      },
      close() {
        closes.set(base, (closes.get(base) ?? 0) + 1);
        file.close();
      },
    };
  });
  return { closes, restore: () => wrapAppendFiles(null) };
}

test('faults: a full disk while checkpointing names the file, stops that checkpoint, and keeps every draw', async (t) => {
  const dir = tmp();
  const opts: SampleOptions = { chains: 2, draws: 20, tune: 10, seed: 5 };
  const clean = await sample(normal2, opts);
  const disk = fullDisk('chain-1.csv', 5); // preamble, header (at the first draw), draws: the 3rd draw fails
  try {
    const trace = await sample(normal2, { ...opts, checkpoint: { dir } });
    disk.restore();
    const path = join(dir, 'chain-1.csv');
    const warning = `checkpoint: cannot write '${path}' (ENOSPC: no space left on device, write); chain 1 stopped checkpointing at iteration 12, its draws are kept in memory`;
    t.deepEqual(trace.meta.warnings, [warning], 'the warning names the file and the iteration');
    t.ok(samplerWarnings(trace).includes(warning), 'samplerWarnings repeats it');
    t.deepEqual([values(trace, 0), values(trace, 1)], [values(clean, 0), values(clean, 1)], 'both chains keep all their draws');
    t.deepEqual(Object.fromEntries(disk.closes), { 'chain-0.csv': 1, 'chain-1.csv': 1 }, 'each file is closed once');
    const back = readCheckpoint(dir);
    t.deepEqual([back.meta.truncatedTo, back.meta.chainIds], [2, [0, 1]], 'the file holds the draws before the failure');
    t.deepEqual(Array.from(back.chainDraws[1].values), values(clean, 1).slice(0, 4), 'exactly those draws');
    t.match(back.meta.warnings?.[0] ?? '', /^readCheckpoint: the last line of .*chain-1\.csv \(line \d+, '.*'\) was cut short and is left out$/, 'the half-written draw is left out');
  } finally {
    disk.restore();
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

test('faults: a failed chain closes its checkpoint file', async (t) => {
  const dir = tmp();
  const disk = fullDisk('none', Infinity);
  try {
    const doomed = doomedSampler(3, 3);
    const trace = await sample(normal2, { chains: 2, draws: 5, tune: 5, seed: 2, init: [[0, 0], [3, 3]], sampler: doomed, checkpoint: { dir } });
    t.deepEqual(trace.meta.failedChains, [{ chain: 1, phase: 'warmup', iteration: 3, error: 'step failed on purpose' }]);
    t.deepEqual(Object.fromEntries(disk.closes), { 'chain-0.csv': 1, 'chain-1.csv': 1 }, "the failed chain's file is closed too");
  } finally {
    disk.restore();
    rmSync(dir, { recursive: true, force: true });
  }
  t.end();
});

// ---- 4. chain failures --------------------------------------------------------------------------

/** NUTS whose step throws at iteration `at` in a chain that starts at x[0] = `start` (so the fault is the chain's, not a call count's). */
function doomedSampler(start: number, at: number): AnySampler {
  const inner = nuts();
  return {
    name: 'doomed-nuts',
    defaultParams: (dim: number) => inner.defaultParams(dim),
    init(position: Float64Array, target: LogDensity) {
      return { ...inner.init(position, target), doomed: position[0] === start, steps: 0 };
    },
    step(rng, state, target, params) {
      if (state.doomed && state.steps === at) throw new Error('step failed on purpose');
      const [next, info] = inner.step(rng, state, target, params);
      return [{ ...next, doomed: state.doomed, steps: state.steps + 1 }, info];
    },
  };
}

test('faults: a chain that fails in init, warmup or sampling fails alone, with its phase and iteration', async (t) => {
  const opts: SampleOptions = { chains: 2, draws: 10, tune: 10, seed: 4, init: [[0, 0], [3, 3]] };
  const clean = await sample(normal2, { ...opts, sampler: doomedSampler(-99, 0) });
  const throwsAtThree: LogDensity = { dim: 2, logDensityAndGrad: (x, g) => { if (x[0] === 3) throw new Error('log density failed on purpose'); return normal2.logDensityAndGrad(x, g); } };
  const cases: [string, Parameters<typeof sample>[0], AnySampler, object][] = [
    ['init', throwsAtThree, doomedSampler(-99, 0), { chain: 1, phase: 'init', iteration: 0, error: 'log density failed on purpose' }],
    ['warmup', normal2, doomedSampler(3, 4), { chain: 1, phase: 'warmup', iteration: 4, error: 'step failed on purpose' }],
    ['sampling', normal2, doomedSampler(3, 12), { chain: 1, phase: 'sampling', iteration: 12, error: 'step failed on purpose' }],
  ];
  for (const [phase, target, sampler, failure] of cases) {
    const trace = await sample(target, { ...opts, sampler });
    t.deepEqual(trace.meta.failedChains, [failure], `${phase}: failedChains`);
    t.deepEqual([trace.meta.chainIds, values(trace, 0)], [[0], values(clean, 0)], `${phase}: chain 0 keeps exactly its draws`);
    const f = failure as { iteration: number; error: string };
    t.equal(samplerWarnings(trace)[0], `1 of 2 chains failed and are left out of the trace (chain 2 in ${phase} at iteration ${f.iteration}: ${f.error}). The remaining chains alone may not show whether the sampler mixes.`, `${phase}: samplerWarnings`);
  }
  const dir = tmp();
  try {
    const trace = await sample(throwsAtThree, { ...opts, checkpoint: { dir } });
    const back = readCheckpoint(dir);
    t.deepEqual([back.meta.chainIds, back.meta.chainsWithoutDraws], [[0], [1]], 'checkpoint: the chain that failed in init has no draws');
    t.deepEqual(back.meta.warnings, [`readCheckpoint: chain 1 of run ${trace.meta.runId} wrote no file (it failed before starting, or has not started yet)`], 'and a note says so');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const nowhere: LogDensity = { dim: 2, logDensityAndGrad: () => { throw new Error('no density anywhere'); } };
  const err = (await sample(nowhere, { chains: 2, draws: 5, tune: 5, seed: 1 }).catch((e) => e)) as Error & { failedChains?: unknown };
  t.equal(err.message, 'sample: every chain failed; chain 0: no density anywhere (in init, iteration 0); 1 more in error.failedChains', 'every chain failed: the error names the chain, phase and message');
  t.deepEqual(err.failedChains, [0, 1].map((chain) => ({ chain, phase: 'init', iteration: 0, error: 'no density anywhere' })), 'and carries failedChains');
  t.end();
});

test('faults: in workers too, a log density that throws fails its chain alone, with its phase', async (t) => {
  const opts: SampleOptions = { chains: 2, draws: 10, tune: 10, seed: 4, parallel: true };
  const clean = await sample(normal2, { ...opts, parallel: false });
  const init = await sample(normal2, { ...opts, workerTarget: { module: faultyModule, exportName: 'make', args: { chain: 1, throwAfter: 0 } } });
  t.deepEqual(init.meta.failedChains, [{ chain: 1, phase: 'init', iteration: 0, error: 'log density failed on purpose in chain 1' }], 'init');
  t.deepEqual(values(init, 0), values(clean, 0), 'chain 0 keeps exactly its draws');
  // Chain 0 failing after 30 calls: a sequential run of chain 0 alone with the same fault says where.
  let calls = 0;
  const alone = await sample({ dim: 2, logDensityAndGrad: (x, g) => { if (calls++ >= 30) throw new Error('log density failed on purpose in chain 0'); return normal2.logDensityAndGrad(x, g); } }, { ...opts, parallel: false, chains: 1, tune: 50 }).catch((e) => e);
  const expected = (alone as { failedChains: unknown[] }).failedChains[0] as { phase: string; iteration: number };
  t.equal(expected.phase, 'warmup', `sequential: in warmup, iteration ${expected.iteration}`);
  const later = await sample(normal2, { ...opts, tune: 50, workerTarget: { module: faultyModule, exportName: 'make', args: { chain: 0, throwAfter: 30 } } });
  t.deepEqual(later.meta.failedChains, [{ chain: 0, ...expected, error: 'log density failed on purpose in chain 0' }], 'in a worker: the same phase and iteration');
  t.end();
});

// ---- 5. a worker that never returns ---------------------------------------------------------------

test('faults: an abort terminates a worker that does not stop, and returns what the other chain made', async (t) => {
  const controller = new AbortController();
  const opts: SampleOptions = { chains: 2, draws: 200_000, tune: 20, seed: 6 };
  const running = sample(normal2, { ...opts, parallel: true, signal: controller.signal, workerTarget: { module: faultyModule, exportName: 'make', args: { chain: 1, hang: true } } });
  setTimeout(() => controller.abort(), 500);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 15_000)));
  const trace = await Promise.race([running, timeout]);
  clearTimeout(timer);
  if (trace === 'hung') {
    t.fail('sample() did not return within 15 s of starting, 14.5 s after the abort');
    return t.end();
  }
  t.deepEqual(trace.meta.failedChains, [{ chain: 1, phase: 'init', iteration: 0, error: 'did not stop within 2000 ms of the abort, so its worker was terminated' }], 'the stuck chain is reported');
  t.deepEqual([trace.meta.interrupted, trace.meta.chainIds], [true, [0]], 'the run is interrupted, chain 0 kept');
  t.ok(trace.draws > 0, `chain 0 made ${trace.draws} draws`);
  const reference = await sample(normal2, { ...opts, chains: 1, draws: trace.draws });
  t.deepEqual(values(trace, 0), values(reference, 0), "chain 0's draws are exactly those of an unbroken run");
  t.end();
});

test('faults: an abort terminates an ADVI fit in a worker that does not stop', async (t) => {
  const controller = new AbortController();
  const running = sample(normal2, { chains: 1, draws: 10, tune: 10, seed: 6, init: 'advi+adapt_diag', parallel: true, signal: controller.signal, workerTarget: { module: faultyModule, exportName: 'make', args: { chain: 0, hang: true } } });
  setTimeout(() => controller.abort(), 300);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('hung'), 15_000)));
  const outcome = await Promise.race([running.then(() => 'returned', (e: Error) => e.message), timeout]);
  clearTimeout(timer);
  t.equal(outcome, 'the ADVI worker did not stop within 2000 ms of the abort, so it was terminated');
  t.end();
});

// ---- 6. sizes and types -------------------------------------------------------------------------

test('faults: absurd sizes and wrongly typed options are refused before anything is allocated', async (t) => {
  const bad: [unknown, string][] = [
    [{ chains: 1e9 }, 'sample: chains must be at most 10000, got 1000000000'],
    [{ draws: 1e12 }, 'sample: draws must be at most 100000000, got 1000000000000'],
    [{ tune: 1e12 }, 'sample: tune must be at most 100000000, got 1000000000000'],
    [{ chains: 10_000, draws: 100_000 }, 'sample: chains 10000 × draws 100000 × 10 values per draw (2 parameters + 8 statistics) = 1.00e+10 float64 values, more than the 1073741824 (8 GiB) sample() holds in memory; lower chains or draws, or keep draws from onProgress instead'],
    [{ chains: 100, draws: 1e6, tune: 1e6, keepWarmup: true }, 'sample: chains 100 × (draws 1000000 + tune 1000000, as keepWarmup is true) × 10 values per draw (2 parameters + 8 statistics) = 2.00e+9 float64 values, more than the 1073741824 (8 GiB) sample() holds in memory; lower chains or draws or tune, or keepWarmup: false, or keep draws from onProgress instead'],
    [{ keepWarmup: 'yes' }, 'sample: keepWarmup must be true or false, got string "yes"'],
    [{ dense: 'yes' }, 'sample: dense must be true or false, got string "yes"'],
    [{ progress: 'no' }, 'sample: progress must be true or false, got string "no"'],
    [{ parallel: 1 }, 'sample: parallel must be true or false, got number 1'],
    [{ adaptMassMatrix: 'false' }, 'sample: adaptMassMatrix must be true or false, got string "false"'],
    [{ targetAccept: '0.9' }, 'sample: targetAccept must be a number, got string "0.9"'],
    [{ seed: '7' }, 'sample: seed must be a number, got string "7"'],
    [{ windows: 5 }, 'sample: windows must be an object { initBuffer?, termBuffer?, window? }, got 5'],
    [{ workerTarget: 'm.js' }, 'sample: workerTarget must be { module: string, exportName: string, args? }'],
    [5, 'sample: options must be an object, got 5'],
    [[1], 'sample: options must be an object, got an array'],
  ];
  for (const [opts, message] of bad) {
    const e = await sample(normal2, opts as SampleOptions).then(() => undefined, (err: Error) => err.message);
    t.equal(e, message, JSON.stringify(opts));
  }
  const viaNull = await sample(normal2, null);
  t.deepEqual([viaNull.chains, viaNull.draws], [4, 1000], 'sample(t, null) is sample(t): the defaults');
  t.end();
});

test('faults: seeds are 32-bit; larger, negative and fractional seeds are refused rather than left to collide', async (t) => {
  for (const seed of [2 ** 32, 2 ** 32 + 1, -1, 1.5, Number.MAX_SAFE_INTEGER]) {
    const e = await sample(normal2, { chains: 1, draws: 5, tune: 0, seed }).then(() => undefined, (err: Error) => err.message);
    t.equal(e, `sample: seed must be an integer in [0, 2^32 - 1] (seeds are 32-bit), got ${seed}`, `seed ${seed}`);
  }
  const top = await sample(normal2, { chains: 1, draws: 5, tune: 0, seed: 2 ** 32 - 1 });
  t.equal(top.meta.seed, 2 ** 32 - 1, 'the largest seed runs');
  t.end();
});
