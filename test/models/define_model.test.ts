/**
 * defineModel: slicing the flat vector into named tensors, transforms and their Jacobians in the
 * density, the gradient written into gradOut (against an independent finite difference),
 * constrain/unconstrain round trips, and the errors a user meets.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { T, Tensor } from '../../autodiff/index.js';
import { defineModel, dist } from '../../models/index.js';

const rng = Rng.fromSeed(4242);
const randVec = (n: number) => Float64Array.from({ length: n }, () => rng.uniformRange(-1.5, 1.5));

/** Central differences of a scalar function of a flat vector. */
function numericGrad(f: (x: Float64Array) => number, x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[i]));
    const up = Float64Array.from(x); up[i] += h;
    const down = Float64Array.from(x); down[i] -= h;
    g[i] = (f(up) - f(down)) / (2 * h);
  }
  return g;
}

const data = Float64Array.from([0.3, -1.1, 2.4, 0.9]);
const model = defineModel({
  params: { mu: [], sigma: { shape: [], transform: 'log' }, w: [2, 3], p: { shape: [2], transform: { lower: 0, upper: 1 } } },
  logp: ({ mu, sigma, w, p }) =>
    T.add(
      T.add(dist.normal(data, mu, sigma), dist.normal(mu, 0, 5)),
      T.add(T.add(dist.halfNormal(sigma, 2), dist.normal(w, 0, 1)), T.sum(T.log(p))),
    ),
});

test('defineModel: dim, params, names and slicing into named tensors', (t) => {
  t.equal(model.dim, 1 + 1 + 6 + 2, 'dim is the total size');
  t.deepEqual(model.paramNames, ['mu', 'sigma', 'w', 'p']);
  t.deepEqual(model.params.map((p) => [p.name, [...p.shape]]), [['mu', []], ['sigma', []], ['w', [2, 3]], ['p', [2]]]);
  const seen: Record<string, { shape: number[]; values: number[] }> = {};
  const spy = defineModel({
    params: { a: [2], b: [], c: [2, 2] },
    logp: (p) => {
      for (const [k, v] of Object.entries(p)) seen[k] = { shape: [...v.shape], values: [...v.data] };
      return T.sum(p.c);
    },
  });
  spy.logDensityAndGrad(Float64Array.from([1, 2, 3, 4, 5, 6, 7]), new Float64Array(7));
  t.deepEqual(seen.a, { shape: [2], values: [1, 2] }, 'a gets the first two values');
  t.deepEqual(seen.b, { shape: [], values: [3] }, 'b is a scalar tensor of shape []');
  t.deepEqual(seen.c, { shape: [2, 2], values: [4, 5, 6, 7] }, 'c is row-major [2,2]');
  t.end();
});

test('defineModel: log density = logp at the constrained values + log-Jacobians', (t) => {
  const x = randVec(model.dim);
  const c = model.constrain(x);
  // Independent computation from the formulas.
  const sigma = Math.exp(x[1]);
  let want = 0;
  for (const v of data) want += -0.5 * ((v - x[0]) / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
  want += -0.5 * (x[0] / 5) ** 2 - Math.log(5) - 0.5 * Math.log(2 * Math.PI);
  want += 0.5 * Math.log(2 / Math.PI) - Math.log(2) - 0.5 * (sigma / 2) ** 2;
  for (let i = 2; i < 8; i++) want += -0.5 * x[i] ** 2 - 0.5 * Math.log(2 * Math.PI);
  for (let i = 8; i < 10; i++) {
    const p = 1 / (1 + Math.exp(-x[i]));
    want += Math.log(p) + Math.log(p) + Math.log(1 - p); // log p (the density term) + log|J| = log p(1−p)
  }
  want += x[1]; // log|J| of sigma = exp(u)
  const got = model.logDensity(x);
  t.ok(Math.abs(got - want) < 1e-11, `logDensity ${got} vs ${want}`);
  t.ok(Math.abs(c.sigma[0] - sigma) < 1e-15 && Math.abs(c.p[1] - 1 / (1 + Math.exp(-x[9]))) < 1e-15, 'constrain applies the transforms');
  const g = new Float64Array(model.dim);
  t.equal(model.logDensityAndGrad(x, g), got, 'logDensityAndGrad returns the same value');
  t.end();
});

test('defineModel: gradient into gradOut matches finite differences at several points', (t) => {
  for (let rep = 0; rep < 4; rep++) {
    const x = randVec(model.dim);
    const g = new Float64Array(model.dim).fill(123); // stale contents must be overwritten
    model.logDensityAndGrad(x, g);
    const numeric = numericGrad((v) => model.logDensity(v), x);
    const err = Math.max(...g.map((v, i) => Math.abs(v - numeric[i]) / Math.max(1, Math.abs(numeric[i]))));
    t.ok(err < 1e-6, `point ${rep}: max relative error ${err.toExponential(2)}`);
  }
  // A parameter logp ignores gets a zero gradient, not stale values.
  const unused = defineModel({ params: { a: [2], b: [3] }, logp: (p) => dist.normal(p.a, 0, 1) });
  const g = new Float64Array(5).fill(7);
  unused.logDensityAndGrad(Float64Array.from([1, 2, 3, 4, 5]), g);
  t.deepEqual([...g], [-1, -2, 0, 0, 0], 'unused parameter has gradient 0');
  t.end();
});

test('defineModel: no copies, and x is left untouched', (t) => {
  let leafBuffer: ArrayBufferLike | null = null;
  const m = defineModel({ params: { a: [3] }, logp: (p) => { leafBuffer = p.a.data.buffer; return dist.normal(p.a, 0, 1); } });
  const x = Float64Array.from([0.1, 0.2, 0.3]);
  m.logDensityAndGrad(x, new Float64Array(3));
  t.equal(leafBuffer, x.buffer, 'the leaf is a view of x');
  t.deepEqual([...x], [0.1, 0.2, 0.3], 'x unchanged');
  t.end();
});

test('defineModel: constrain / unconstrain / constrainInto round trip', (t) => {
  const values = { mu: -0.4, sigma: 2.2, w: [[1, 2, 3], [4, 5, 6]], p: Float64Array.from([0.1, 0.95]) };
  const x = model.unconstrain(values);
  t.ok(Math.abs(x[1] - Math.log(2.2)) < 1e-15, 'sigma is unconstrained by log');
  const back = model.constrain(x);
  t.ok(Math.abs(back.mu[0] + 0.4) < 1e-15, 'mu');
  t.ok(Math.abs(back.sigma[0] - 2.2) < 1e-14, 'sigma');
  t.deepEqual([...back.w], [1, 2, 3, 4, 5, 6], 'nested w flattened row-major');
  t.ok(Math.abs(back.p[0] - 0.1) < 1e-15 && Math.abs(back.p[1] - 0.95) < 1e-15, 'p');
  const flat = new Float64Array(model.dim);
  model.constrainInto(x, flat);
  t.deepEqual([...flat], [...back.mu, ...back.sigma, ...back.w, ...back.p], 'constrainInto writes the params in order');
  t.end();
});

test('defineModel: errors name the problem', (t) => {
  t.throws(() => model.logDensity(new Float64Array(3)), /x must be a Float64Array of length dim = 10 \(mu \[\], sigma \[\], w \[2,3\], p \[2\]\), got length 3/);
  t.throws(() => model.logDensityAndGrad(new Float64Array(10), new Float64Array(9)), /gradOut must be a Float64Array of length dim = 10/);
  t.throws(() => model.logDensity([1, 2] as never), /x must be a Float64Array/);
  const vectorLp = defineModel({ params: { a: [3] }, logp: (p) => T.square(p.a) });
  t.throws(() => vectorLp.logDensity(new Float64Array(3)), /logp \(params a \[3\]\) must return a scalar Tensor, got a Tensor of shape \[3\]/);
  const numberLp = defineModel({ params: { a: [] }, logp: () => 3 as unknown as Tensor });
  t.throws(() => numberLp.logDensity(new Float64Array(1)), /must return a scalar Tensor, got number/);
  t.throws(() => defineModel({ params: { a: [2.5] }, logp: (p) => p.a }), /parameter 'a' needs a shape of non-negative integers/);
  t.throws(() => defineModel({ params: { a: { shape: [2], transform: { lower: 1, upper: 0 } } }, logp: (p) => p.a }), /parameter 'a': lower bound 1 must be below upper bound 0/);
  t.throws(() => defineModel({ params: {}, logp: (p) => p.a }), /at least one parameter/);
  t.throws(() => defineModel({ params: { a: [] } } as never), /logp must be a function/);
  t.throws(() => model.unconstrain({ mu: 0, sigma: 1, w: [1, 2, 3, 4, 5, 6] }), /missing parameter 'p' \[2\]/);
  t.throws(() => model.unconstrain({ mu: 0, sigma: 1, w: [1, 2, 3], p: [0.5, 0.5] }), /parameter 'w' has shape \[2,3\] \(6 values\), got 3 values/);
  t.throws(() => model.unconstrain({ mu: 0, sigma: -1, w: [1, 2, 3, 4, 5, 6], p: [0.5, 0.5] }), /parameter 'sigma' = -1 is outside the open support \(0, Infinity\)/);
  t.throws(() => model.unconstrain({ mu: 0, sigma: 1, w: [1, 2, 3, 4, 5, 6], p: [0.5, 0.5], nu: 3 }), /unknown parameter\(s\) nu/);
  t.end();
});

test('defineModel: a NaN or infinite log density is returned, never thrown', (t) => {
  const m = defineModel({ params: { a: [] }, logp: (p) => T.log(p.a) });
  const g = new Float64Array(1);
  t.ok(Number.isNaN(m.logDensityAndGrad(Float64Array.from([-1]), g)), 'log of a negative value gives NaN');
  t.ok(Number.isNaN(m.logDensity(Float64Array.from([NaN]))), 'NaN input gives NaN');
  t.equal(m.logDensity(Float64Array.from([0])), -Infinity, '-Infinity is returned');
  const s = defineModel({ params: { s: [] }, logp: (p) => dist.normal(1, 0, p.s) });
  t.ok(Number.isNaN(s.logDensityAndGrad(Float64Array.from([-2]), g)), 'an untransformed sigma < 0 gives NaN in logDensityAndGrad');
  t.ok(Number.isNaN(s.logDensity(Float64Array.from([-2]))), 'and in logDensity (same validation with and without gradient)');
  t.end();
});
