/**
 * priorPredictive and posteriorPredictive: layouts and kinds, moments of iid prior draws within
 * their Monte Carlo error, simulations at exactly the trace's draws, reproducibility by seed,
 * and the errors a model without `prior` / `simulate` or a mismatched trace gets.
 */
import test from 'tape';
import { T, tensor } from '../../autodiff/index.js';
import { defineModel, dist, posteriorPredictive, priorPredictive } from '../../models/index.js';
import { sample } from '../../samplers/run/sample.js';
import { Trace } from '../../samplers/trace/trace.js';

const y = Float64Array.from([1.2, 0.4, 2.1, 1.7]);
const spec = {
  params: { mu: [] as number[], sigma: { shape: [] as number[], transform: 'log' as const } },
  logp: ({ mu, sigma }: Record<string, import('../../autodiff/index.js').Tensor>) => T.add(dist.normal(y, mu, sigma), T.add(dist.normal(mu, 0, 1), dist.halfNormal(sigma, 1))),
  prior: (rng: import('../../core/rng.js').Rng) => ({ mu: rng.normal(), sigma: Math.abs(rng.normal()) }),
  simulate: ({ mu, sigma }: Record<string, import('../../autodiff/index.js').Tensor>, rng: import('../../core/rng.js').Rng) => ({
    y_rep: tensor(Array.from(y, () => mu.item() + sigma.item() * rng.normal())),
  }),
  derived: ({ sigma }: Record<string, import('../../autodiff/index.js').Tensor>) => ({ variance: T.square(sigma) }),
};
const model = defineModel(spec);

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((s, x) => s + x, 0) / v.length;
const sd = (v: ArrayLike<number>) => Math.sqrt(mean(Array.from(v, (x) => (x - mean(v)) ** 2)) * (v.length / (v.length - 1)));

test('priorPredictive: parameters, derived and simulated quantities with their kinds and prior moments', (t) => {
  const n = 4000;
  const prior = priorPredictive(model, { draws: n, seed: 5 });
  t.deepEqual(prior.params.map((p) => [p.name, [...p.shape], p.kind ?? 'parameter']), [['mu', [], 'parameter'], ['sigma', [], 'parameter'], ['variance', [], 'derived'], ['y_rep', [4], 'predictive']]);
  t.deepEqual(prior.get('y_rep').shape, [1, n, 4]);
  const mu = prior.get('mu').values;
  const sigma = prior.get('sigma').values;
  const y0 = Array.from({ length: n }, (_, d) => prior.get('y_rep').values[d * 4]);
  // iid draws: the Monte Carlo error of a mean is sd/√n.
  const check = (what: string, v: ArrayLike<number>, truth: number) => {
    const z = (mean(v) - truth) / (sd(v) / Math.sqrt(v.length));
    t.ok(Math.abs(z) < 4, `${what}: mean ${mean(v).toFixed(4)} vs ${truth.toFixed(4)} (${z.toFixed(2)} standard errors)`);
  };
  check('mu ~ N(0, 1)', mu, 0);
  check('sigma ~ half-N(0, 1)', sigma, Math.sqrt(2 / Math.PI));
  check('y_rep[0]', y0, 0);
  check('y_rep[0]² (1 + E σ² = 2)', y0.map((v) => v * v), 2);
  t.ok(Array.from(prior.get('variance').values).every((v, d) => Math.abs(v - sigma[d] ** 2) < 1e-12), 'derived at every prior draw');
  const lp = prior.stat('lp')![0];
  t.ok([0, 7, 99].every((d) => Math.abs(lp[d] - model.logDensity(model.unconstrain({ mu: mu[d], sigma: sigma[d] }))) < 1e-12), 'lp is the model log density at the draw (Jacobian included)');
  t.end();
});

test('priorPredictive: reproducible by seed', (t) => {
  const a = priorPredictive(model, { draws: 50, seed: 9 });
  const b = priorPredictive(model, { draws: 50, seed: 9 });
  const c = priorPredictive(model, { draws: 50, seed: 10 });
  t.deepEqual([...a.chainDraws[0].values], [...b.chainDraws[0].values], 'same seed, same draws');
  t.notDeepEqual([...a.chainDraws[0].values], [...c.chainDraws[0].values], 'another seed, other draws');
  t.end();
});

test('posteriorPredictive: simulates at each of the trace draws, by chain, reproducibly', async (t) => {
  const trace = await sample(model, { chains: 3, draws: 400, tune: 200, seed: 4 });
  const pp = posteriorPredictive(trace, model, { seed: 3 });
  t.deepEqual(pp.params, [{ name: 'y_rep', shape: [4], kind: 'predictive' }]);
  t.deepEqual(pp.get('y_rep').shape, [3, 400, 4], 'chains × draws × n');
  t.deepEqual([...pp.stat('lp')![2]], [...trace.stat('lp')![2]], "the trace's lp kept");
  // Given each draw's mu and sigma, (y_rep − mu)/sigma are iid N(0, 1): mean 0, variance 1 within MC error.
  const mu = trace.get('mu').values;
  const sigma = trace.get('sigma').values;
  const yr = pp.get('y_rep').values;
  const z = Array.from(yr, (v, k) => (v - mu[Math.floor(k / 4)]) / sigma[Math.floor(k / 4)]);
  const se = 1 / Math.sqrt(z.length);
  t.ok(Math.abs(mean(z)) < 4 * se, `standardised y_rep mean ${mean(z).toFixed(4)} (se ${se.toFixed(4)})`);
  t.ok(Math.abs(mean(z.map((v) => v * v)) - 1) < 4 * Math.sqrt(2) * se, `standardised y_rep variance ${mean(z.map((v) => v * v)).toFixed(4)} (se ${(Math.sqrt(2) * se).toFixed(4)})`);
  t.deepEqual([...posteriorPredictive(trace, model, { seed: 3 }).get('y_rep').values], [...yr], 'same seed, same simulations');
  t.notDeepEqual([...posteriorPredictive(trace, model, { seed: 4 }).get('y_rep').values], [...yr], 'another seed, other simulations');
  t.end();
});

test('predictive: errors name what is missing or wrong', (t) => {
  const { prior: _p, simulate: _s, ...bare } = spec;
  const plain = defineModel(bare);
  t.throws(() => priorPredictive(plain, { draws: 2 }), /priorPredictive: the model has no prior\(rng\) => \(\{ mu, sigma \}\)/);
  const one = new Trace({ params: [{ name: 'mu', shape: [] }], chains: [{ values: new Float64Array([0.1, 0.2]), stats: { lp: new Float64Array(2) } }] });
  t.throws(() => posteriorPredictive(one, plain), /posteriorPredictive: the model has no simulate/);
  t.throws(() => posteriorPredictive(one, model), /posteriorPredictive: the trace has no 'sigma'; it holds mu/);
  t.throws(() => priorPredictive(defineModel({ ...spec, prior: () => ({ mu: 0, sigma: -1 }) })), /Model.unconstrain: parameter 'sigma' = -1 is outside the open support \(0, Infinity\)/);
  t.throws(() => priorPredictive(defineModel({ ...spec, prior: () => ({ mu: 0 }) })), /missing parameter 'sigma'/);
  t.throws(() => priorPredictive(model, { draws: 0 }), /draws must be a positive integer, got 0/);
  t.throws(() => posteriorPredictive(one, model, { seed: 1.5 }), /seed must be an integer, got 1.5/);
  t.throws(() => priorPredictive(defineModel({ ...spec, simulate: ({ sigmaa }) => ({ y: sigmaa }) }), { draws: 1 }), /defineModel simulate: no parameter 'sigmaa' \(did you mean 'sigma'\?\)/);
  t.end();
});
