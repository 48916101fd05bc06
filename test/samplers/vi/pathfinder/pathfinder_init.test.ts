/**
 * `init: 'pathfinder'` for NUTS: each chain starts at a draw of its own path and begins warmup with
 * that path's variances as its metric; chains beyond the paths share them with distinct draws.
 */
import test from 'tape';
import { pathfinderStart, startsFromFit } from '../../../../samplers/vi/pathfinder/pathfinder_init.js';
import { pathfinder } from '../../../../samplers/vi/pathfinder/pathfinder.js';
import { sample, samplerOverhead } from '../../../../samplers/run/sample.js';
import { logistic } from './targets.js';

const rowOf = (draws: Float64Array, i: number, dim: number) => Array.from(draws.subarray(i * dim, (i + 1) * dim));

test("init 'pathfinder': chain c starts at a draw of path c, with path c's variances as its metric", async (t) => {
  const target = logistic();
  const start = await pathfinderStart(target, 4, 12);
  t.equal(start.fit.paths.length, 4, 'one path per chain (at least 4)');
  t.deepEqual(start.pathOfChain, [0, 1, 2, 3], 'chain c follows path c');
  for (let c = 0; c < 4; c++) {
    const path = start.fit.paths[c];
    t.deepEqual(Array.from(start.inverseMassMatrices[c]), Array.from(path.variances), `chain ${c}: metric = path ${c}'s variances diag(H)`);
    t.deepEqual(Array.from(start.points[c]), rowOf(path.draws, 0, 5), `chain ${c}: starts at path ${c}'s first draw`);
  }
  t.equal(new Set(start.points.map((p) => p.join(','))).size, 4, 'four distinct start points');
  t.equal(new Set(start.inverseMassMatrices.map((m) => m.join(','))).size, 4, 'four different metrics (one per path)');
  const again = await pathfinderStart(target, 4, 12);
  t.deepEqual(again.points.map((p) => Array.from(p)), start.points.map((p) => Array.from(p)), 'same seed, same start points');
  t.deepEqual(again.inverseMassMatrices.map((p) => Array.from(p)), start.inverseMassMatrices.map((p) => Array.from(p)), 'same seed, same metrics');
  const other = await pathfinderStart(target, 4, 13);
  t.notDeepEqual(Array.from(other.points[0]), Array.from(start.points[0]), 'another seed, another start');
});

test("init 'pathfinder' with more chains than paths: chains sharing a path take distinct draws of it and its metric", async (t) => {
  const target = logistic();
  const fit = await pathfinder(target, { paths: 2, seed: 5 }); // as when two of the paths failed
  const start = startsFromFit(target, fit, 5);
  t.deepEqual(start.pathOfChain, [0, 1, 0, 1, 0], 'chains go round the paths');
  for (let c = 0; c < 5; c++) {
    const p = start.pathOfChain[c];
    t.deepEqual(Array.from(start.inverseMassMatrices[c]), Array.from(fit.paths[p].variances), `chain ${c}: path ${p}'s variances`);
    t.deepEqual(Array.from(start.points[c]), rowOf(fit.paths[p].draws, Math.floor(c / 2), 5), `chain ${c}: draw ${Math.floor(c / 2)} of path ${p}`);
  }
  t.equal(new Set(start.points.map((p) => p.join(','))).size, 5, 'five distinct start points');
});

test("sample({ init: 'pathfinder' }): each chain's warmup starts from its own path's metric; a given inverseMassMatrix wins", async (t) => {
  const target = logistic();
  const start = await pathfinderStart(target, 4, 31);
  // Without metric adaptation the metric at the end of warmup is the initial one.
  const opts = { chains: 4, tune: 20, draws: 5, seed: 31, init: 'pathfinder', adaptMassMatrix: false } as const;
  const trace = await sample(target, opts);
  for (let c = 0; c < 4; c++) {
    t.deepEqual(Array.from(trace.chainDraws[c].adaptation!.inverseMassMatrix!), Array.from(start.inverseMassMatrices[c]), `chain ${c}: initial metric = path ${c}'s variances`);
  }
  const dense = await sample(target, { ...opts, dense: true });
  const m = dense.chainDraws[2].adaptation!.inverseMassMatrix!;
  t.ok(m.length === 25 && Array.from({ length: 5 }, (_, i) => m[i * 5 + i]).every((v, i) => v === start.inverseMassMatrices[2][i]) && m[1] === 0, "dense: chain 2's metric is path 2's variances on the diagonal");
  const given = Float64Array.of(0.5, 0.4, 0.3, 0.2, 0.1);
  const user = await sample(target, { ...opts, inverseMassMatrix: given });
  t.ok(user.chainDraws.every((ch) => Array.from(ch.adaptation!.inverseMassMatrix!).join() === Array.from(given).join()), 'a given inverseMassMatrix is used by every chain');
});

test("sample({ init: 'pathfinder' }): the same posterior as jitter, reproducible; warmup gradients of both reported", async (t) => {
  const target = logistic();
  const opts = { chains: 4, draws: 500, tune: 500, seed: 21 } as const;
  const pf = await sample(target, { ...opts, init: 'pathfinder' });
  const again = await sample(target, { ...opts, init: 'pathfinder' });
  t.deepEqual(Array.from(pf.get('x').values), Array.from(again.get('x').values), 'same seed, same draws');
  const jit = await sample(target, { ...opts, init: 'jitter' });
  const stats = (tr: typeof pf, k: number) => {
    const v = tr.get('x').values;
    const n = v.length / 5;
    let m = 0;
    for (let i = 0; i < n; i++) m += v[i * 5 + k] / n;
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += (v[i * 5 + k] - m) ** 2 / (n - 1);
    return { m, sd: Math.sqrt(s2), n };
  };
  for (let k = 0; k < 5; k++) {
    const a = stats(pf, k);
    const b = stats(jit, k);
    // Two independent NUTS runs: SE of the difference ≤ sd √(2/ESS); ESS ≥ n/4 is conservative for this well-conditioned posterior.
    const se = a.sd * Math.sqrt(2 / (a.n / 4));
    t.ok(Math.abs(a.m - b.m) < 4 * se, `β[${k}]: ${a.m.toFixed(3)} vs jitter ${b.m.toFixed(3)} (4 SE = ${(4 * se).toFixed(3)})`);
  }
  const grads = (tr: typeof pf) => samplerOverhead(tr).reduce((s, c) => s + c.numGradEvals, 0);
  t.comment(`gradients, warmup and sampling: pathfinder init ${grads(pf)}, jitter ${grads(jit)} (Pathfinder itself is not counted in them)`);
  t.ok(grads(pf) > 0, 'counted');
});
