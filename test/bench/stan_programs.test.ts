/**
 * The Stan benchmark is only honest if its Stan programs are hbnn's models: same priors with the
 * same constants, same parameters in the same unconstrained order. Where Rscript + rstan are
 * installed and the compiled models are cached (`hbnn bench --only stan` compiles them into
 * out/stan-cache/; HBNN_STAN_TEST=1 compiles them here, ~40 s each), Stan's log_prob and
 * grad_log_prob at random unconstrained points must equal hbnn's logDensityAndGrad at the same x.
 * Otherwise those checks are skipped; the layout checks below always run.
 */
import test from 'tape';
import { readFileSync } from 'node:fs';
import { Rng } from '../../core/rng.js';
import { rotatedMoons } from '../../models/data/moons.js';
import type { LayerPrior } from '../../models/bnn/group_prior.js';
import { STAN_PROGRAMS, stanFileName, type StanModelName } from '../../bench/stan/programs.js';
import { rstanAvailable, runRstan, stanModelCached } from '../../bench/stan/rstan.js';
import { studyRuns, TRACED } from '../../bench/stan/study_runs.js';
import { randomPoints } from '../../bench/limits.bench.js';

const CACHE = 'out/stan-cache';
const MODELS: StanModelName[] = ['flat', 'hierarchical', 'informative'];
const study = rotatedMoons({ groups: 3, seed: 5 });

/** A made-up informative prior: random means, covariance A·Aᵀ/k + 0.1·I (positive definite). */
function syntheticPrior(): LayerPrior[] {
  const rng = Rng.fromSeed(8);
  const shapes = [[2, 5], [5, 5], [5, 1]];
  return [10, 25, 5].map((k, l) => {
    const A = Float64Array.from({ length: k * k }, () => rng.normal());
    const cov = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let s = i === j ? 0.1 : 0;
      for (let m = 0; m < k; m++) s += (A[i * k + m] * A[j * k + m]) / k;
      cov[i * k + j] = s;
    }
    return { mean: Float64Array.from({ length: k }, () => 0.5 * rng.normal()), cov, shape: shapes[l] };
  });
}

const runFor = (m: StanModelName) => studyRuns(m, study, 3, syntheticPrior())[0];

test('bench stan: bench/stan/*.stan are the programs the benchmark runs', (t) => {
  for (const m of MODELS) t.equal(readFileSync(new URL(`../../../${stanFileName(m)}`, import.meta.url), 'utf8'), STAN_PROGRAMS[m], stanFileName(m));
  t.end();
});

test('bench stan: hbnn models have the dimensions the programs declare, and the traced scalars exist', (t) => {
  const dims: Record<StanModelName, number> = { flat: 40, hierarchical: 43 + 3 * 40, informative: 40 };
  for (const m of MODELS) {
    const r = runFor(m);
    t.equal(r.model.dim, dims[m], `${m}: ${dims[m]} unconstrained parameters`);
    for (const s of TRACED[m]) t.ok(r.model.params.some((p) => p.name === s.hbnn.name), `${m}: hbnn has ${s.hbnn.name} (traced as Stan's ${s.stan})`);
  }
  t.end();
});

const haveStan = rstanAvailable() && (process.env.HBNN_STAN_TEST === '1' || MODELS.every((m) => stanModelCached(CACHE, m)));

for (const m of MODELS) {
  test(`bench stan: Stan's ${m} program has hbnn's log density and gradient (rstan log_prob)`, { skip: !haveStan }, async (t) => {
    const r = runFor(m);
    const points = [0.3, 1].flatMap((scale, i) => randomPoints(r.model.dim, 1, scale, 40 + i));
    const out = await runRstan<{ logProb: number[]; grad: number[][]; dim: number }>(m, { mode: 'logprob', data: r.stanData, points: points.map((p) => Array.from(p)) }, CACHE);
    t.equal(out.dim, r.model.dim, 'same number of unconstrained parameters');
    points.forEach((x, i) => {
      const g = new Float64Array(r.model.dim);
      const v = r.model.logDensityAndGrad(x, g);
      t.ok(Math.abs(v - out.logProb[i]) <= 1e-8 * Math.max(1, Math.abs(v)), `point ${i}: log density hbnn ${v} vs Stan ${out.logProb[i]}`);
      let worst = 0;
      for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j] - out.grad[i][j]) / Math.max(1, Math.abs(g[j])));
      t.ok(worst <= 1e-8, `point ${i}: gradient max relative difference ${worst.toExponential(2)} <= 1e-8`);
    });
  });
}
