/**
 * core/random: the variate generators at their edges (tiny shapes on the log scale, zero rates,
 * degenerate probabilities, zero weights), log-gamma draws against E[log G] = ψ(a) and
 * Var[log G] = ψ′(a) within Monte Carlo error, and reproducibility by seed. Their moments and
 * frequencies through `dist.*.sample` are in test/models/distributions/sample.test.ts.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { digamma, trigamma } from '../../core/special.js';
import {
  betaVariate, binomialVariate, categoricalVariate, dirichletVariate, gammaVariate, lkjCholeskyVariate, logGammaVariate, negativeBinomialVariate, poissonVariate,
} from '../../core/random/index.js';

test('logGammaVariate: mean ψ(a) and variance ψ′(a), down to shapes where G itself underflows', (t) => {
  const rng = Rng.fromSeed(8080);
  const n = 20000;
  for (const a of [0.002, 0.05, 0.5, 1, 7.5]) {
    const xs = Float64Array.from({ length: n }, () => logGammaVariate(rng, a));
    const mean = xs.reduce((s, v) => s + v, 0) / n;
    const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    const m4 = xs.reduce((s, v) => s + (v - mean) ** 4, 0) / n;
    t.ok(Math.abs(mean - digamma(a)) <= 4.5 * Math.sqrt(variance / n), `a = ${a}: mean ${mean.toFixed(3)} vs ψ(a) = ${digamma(a).toFixed(3)}`);
    t.ok(Math.abs(variance - trigamma(a)) <= 4.5 * Math.sqrt((m4 - variance ** 2) / n), `a = ${a}: variance ${variance.toFixed(3)} vs ψ′(a) = ${trigamma(a).toFixed(3)}`);
  }
  t.end();
});

test('trigamma: known values and the derivative of digamma', (t) => {
  t.ok(Math.abs(trigamma(1) - Math.PI ** 2 / 6) < 1e-14, `ψ′(1) = π²/6: ${trigamma(1)}`);
  t.ok(Math.abs(trigamma(0.5) - Math.PI ** 2 / 2) < 1e-13, `ψ′(½) = π²/2: ${trigamma(0.5)}`);
  for (const x of [0.3, 2.2, 15, -1.4]) {
    const h = 1e-5;
    const numeric = (digamma(x + h) - digamma(x - h)) / (2 * h);
    t.ok(Math.abs(trigamma(x) - numeric) < 1e-6 * Math.max(1, Math.abs(numeric)), `ψ′(${x}) = ${trigamma(x)} vs numeric ${numeric}`);
  }
  t.end();
});

test('beta and Dirichlet with tiny shapes: no 0/0, on the simplex', (t) => {
  const rng = Rng.fromSeed(11);
  let bad = 0, low = 0;
  for (let i = 0; i < 4000; i++) {
    const b = betaVariate(rng, 0.01, 0.01);
    if (!(b >= 0 && b <= 1)) bad++;
    if (b < 0.5) low++;
  }
  t.equal(bad, 0, 'Beta(0.01, 0.01) draws all lie in [0, 1]');
  t.ok(Math.abs(low / 4000 - 0.5) <= 4.5 * Math.sqrt(0.25 / 4000), `and split evenly at ½ (${low} of 4000 below)`);
  let worst = 0, nan = 0;
  for (let i = 0; i < 1000; i++) {
    const d = dirichletVariate(rng, [0.02, 0.01, 0.05]);
    if (d.some((v) => Number.isNaN(v))) nan++;
    worst = Math.max(worst, Math.abs(d[0] + d[1] + d[2] - 1));
  }
  t.ok(nan === 0 && worst < 1e-15, `Dirichlet(0.02, 0.01, 0.05): no NaN, sums to 1 (worst ${worst.toExponential(1)})`);
  t.end();
});

test('discrete variates at degenerate parameters', (t) => {
  const rng = Rng.fromSeed(12);
  t.equal(poissonVariate(rng, 0), 0, 'Poisson(0) is 0');
  t.equal(binomialVariate(rng, 0, 0.4), 0, 'Binomial(0, p) is 0');
  t.equal(binomialVariate(rng, 17, 0), 0, 'Binomial(n, 0) is 0');
  t.equal(binomialVariate(rng, 17, 1), 17, 'Binomial(n, 1) is n');
  const picks = new Set(Array.from({ length: 2000 }, () => categoricalVariate(rng, [0, 0.3, 0, 0.7])));
  t.deepEqual([...picks].sort(), [1, 3], 'categories of weight 0 are never drawn');
  t.equal(categoricalVariate(rng, [0, 0, 5]), 2, 'a single category with weight');
  t.ok(Number.isInteger(negativeBinomialVariate(rng, 1e-3, 1e-3)), 'negative binomial at tiny mean and dispersion');
  t.end();
});

test('every generator is reproducible by seed', (t) => {
  const run = (seed: number) => {
    const r = Rng.fromSeed(seed);
    return [gammaVariate(r, 0.3), gammaVariate(r, 4, 2), betaVariate(r, 2, 3), poissonVariate(r, 3), poissonVariate(r, 50), binomialVariate(r, 40, 0.5),
      binomialVariate(r, 5, 0.1), negativeBinomialVariate(r, 3, 2), categoricalVariate(r, [0.2, 0.8]), ...dirichletVariate(r, [1, 2]), ...lkjCholeskyVariate(r, 3, 1.5)];
  };
  t.deepEqual(run(2024), run(2024), 'the same seed gives the same draws');
  t.notDeepEqual(run(2024), run(2025), 'another seed gives others');
  t.end();
});
