/** `init: 'pathfinder'` for NUTS: distinct start points from Pathfinder draws, the metric from their variances. */
import test from 'tape';
import { pathfinderStart } from '../../../../samplers/vi/pathfinder/pathfinder_init.js';
import { sample, samplerOverhead } from '../../../../samplers/run/sample.js';
import { logistic } from './targets.js';

test("init 'pathfinder': one distinct Pathfinder draw per chain, diagonal metric from the approximations", async (t) => {
  const target = logistic();
  const start = await pathfinderStart(target, 4, 12);
  t.equal(start.points.length, 4, 'four start points');
  const keys = new Set(start.points.map((p) => p.join(',')));
  t.equal(keys.size, 4, 'all distinct');
  const avg = Array.from({ length: 5 }, (_, i) => start.fit.paths.reduce((s, p) => s + p.variances[i], 0) / start.fit.paths.length);
  t.ok(Array.from(start.inverseMassMatrix).every((v, i) => Math.abs(v - avg[i]) < 1e-12 * avg[i]), 'inverse metric = the approximations’ variances, averaged over paths');
  t.ok(Array.from(start.inverseMassMatrix).every((v, i) => v / start.fit.sd[i] ** 2 > 0.5 && v / start.fit.sd[i] ** 2 < 2), 'close to the resampled draws’ variances on this well-approximated posterior');
  t.equal(start.fit.paths.length, 4, 'one path per chain (at least 4)');
});

test("sample({ init: 'pathfinder' }): the same posterior as jitter, reproducible, with fewer warmup gradients", async (t) => {
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
