/**
 * The edges of every family: data outside the support is −∞ element by element (and in the
 * sum), probabilities and rates at 0 or 1 are exact, identities between families hold, and bad
 * constant arguments throw errors that name the distribution, the argument and the value.
 */
import test from 'tape';
import { T, tensor, valueAndGrad } from '../../../autodiff/index.js';
import { dist } from '../../../models/index.js';

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('data outside the support: −∞ at those elements of the pointwise form, and in the sum', (t) => {
  const cases: [string, () => Float64Array, () => number, number[]][] = [
    ['halfNormal', () => dist.halfNormal.pointwise([-1, 2], 1).data, () => dist.halfNormal([-1, 2], 1).item(), [0]],
    ['halfCauchy', () => dist.halfCauchy.pointwise([1, -0.1], 1).data, () => dist.halfCauchy([1, -0.1], 1).item(), [1]],
    ['halfStudentT', () => dist.halfStudentT.pointwise([-2, 0.5], 3, 1).data, () => dist.halfStudentT([-2, 0.5], 3, 1).item(), [0]],
    ['lognormal', () => dist.lognormal.pointwise([0, 1], 0, 1).data, () => dist.lognormal([0, 1], 0, 1).item(), [0]],
    ['exponential', () => dist.exponential.pointwise([-0.5, 1], 2).data, () => dist.exponential([-0.5, 1], 2).item(), [0]],
    ['gamma', () => dist.gamma.pointwise([1, -3], 2, 1).data, () => dist.gamma([1, -3], 2, 1).item(), [1]],
    ['inverseGamma', () => dist.inverseGamma.pointwise([0, 2], 2, 1).data, () => dist.inverseGamma([0, 2], 2, 1).item(), [0]],
    ['beta', () => dist.beta.pointwise([0.5, 1, 0], 2, 2).data, () => dist.beta([0.5, 1, 0], 2, 2).item(), [1, 2]],
    ['uniform', () => dist.uniform.pointwise([0.5, 3.1, -2], 0, 3).data, () => dist.uniform([0.5, 3.1, -2], 0, 3).item(), [1, 2]],
  ];
  for (const [name, pointwise, summed, outside] of cases) {
    const pw = pointwise();
    const ok = Array.from(pw).every((v, i) => (outside.includes(i) ? v === -Infinity : Number.isFinite(v)));
    t.ok(ok, `${name}: pointwise ${Array.from(pw).join(', ')}, −∞ exactly at ${outside.join(', ')}`);
    t.equal(summed(), -Infinity, `${name}: the sum is −∞`);
  }
  t.equal(dist.exponential(0, 2).item(), Math.log(2), 'exponential at 0 is log rate');
  const tracked = valueAndGrad((x) => T.sum(dist.halfNormal.pointwise(x, 1)))([1, -1]);
  t.equal(tracked.value, -Infinity, 'a tracked x with an element outside: −∞');
  t.end();
});

test('probabilities and rates at the ends of their range are exact', (t) => {
  t.equal(dist.bernoulli([1, 1, 0], [1, 1, 0]).item(), 0, 'bernoulli with p = 1 for successes, 0 for failures: log 1');
  t.equal(dist.bernoulli(1, 0).item(), -Infinity, 'bernoulli: a success at p = 0 is −∞');
  t.equal(dist.binomial(0, 5, 0).item(), 0, 'binomial: no successes at p = 0');
  t.equal(dist.binomial(5, 5, 1).item(), 0, 'binomial: all successes at p = 1');
  t.equal(dist.poisson(0, 0).item(), 0, 'poisson: 0 at rate 0');
  t.equal(dist.poisson(2, 0).item(), -Infinity, 'poisson: 2 at rate 0 is −∞');
  t.equal(dist.categorical([0, 1], [0, 1]).item(), -Infinity, 'categorical: a label of probability 0');
  t.ok(close(dist.categoricalLogit(1, [1000, 1000]).item(), -Math.LN2), 'categoricalLogit stays finite at logits of 1000');
  t.end();
});

test('identities between families', (t) => {
  const x = [0.2, 0.45, 0.9];
  for (const v of x) {
    t.ok(close(dist.dirichlet([v, 1 - v], [2.5, 0.7]).item(), dist.beta(v, 2.5, 0.7).item()), `Dirichlet on 2 categories is beta at ${v}`);
    t.ok(close(dist.studentT(v, 1, 0.3, 2).item(), dist.cauchy(v, 0.3, 2).item()), `Student-t with ν = 1 is Cauchy at ${v}`);
    t.ok(close(dist.gamma(v, 1, 1.7).item(), dist.exponential(v, 1.7).item()), `gamma with shape 1 is exponential at ${v}`);
    t.ok(close(dist.bernoulliLogit(1, v).item(), dist.bernoulli(1, 1 / (1 + Math.exp(-v))).item()), `bernoulliLogit is bernoulli of the sigmoid at ${v}`);
    t.ok(close(dist.categorical(1, [1 - v, v]).item(), dist.bernoulli(1, v).item()), `categorical on 2 labels is bernoulli at ${v}`);
  }
  // The negative binomial tends to the Poisson as the dispersion grows.
  t.ok(Math.abs(dist.negativeBinomial(3, 2.5, 1e7).item() - dist.poisson(3, 2.5).item()) < 1e-6, 'negativeBinomial with φ = 1e7 is Poisson');
  t.end();
});

test('bad constant arguments throw naming the distribution, the argument and the value', (t) => {
  t.throws(() => dist.dirichlet([0.5, 0.5], [1, 1, 1]), /dist\.dirichlet: x has 2 entries along its last axis \(shape \[2\]\) but alpha has 3/);
  t.throws(() => dist.dirichlet([0.5, 0.6], [1, 1]), /dist\.dirichlet: x must be a simplex summing to 1, but its entries sum to 1\.1/);
  t.throws(() => dist.dirichlet(tensor([[0.5, 0.5], [0.2, 0.3]]), [1, 1]), /row 1 sums to 0\.5/);
  t.throws(() => dist.dirichlet([0.5, 0.5], [1, -2]), /dist\.dirichlet: alpha must be positive and finite, got -2 at flat index 1/);
  t.throws(() => dist.categorical(0, [0.2, 0.3]), /dist\.categorical: probs must be a simplex summing to 1, but its entries sum to 0\.5/);
  t.throws(() => dist.categorical(0, [1.2, -0.2]), /probs must be a simplex \(entries in \[0, 1\] summing to 1\), got 1\.2 at flat index 0/);
  t.throws(() => dist.categorical(3, [0.5, 0.5]), /dist\.categorical: y must be a label in 0…1 \(zero-based\) for 2 categories, got 3/);
  t.throws(() => dist.categoricalLogit(1.5, [0, 0]), /dist\.categoricalLogit: y must be a non-negative integer label, got 1\.5/);
  t.throws(() => dist.categoricalLogit(0, 2), /logits must have shape \[K\] or \[\.\.\., K\] with K ≥ 1, got \[\]/);
  t.throws(() => dist.bernoulli(1, 1.5), /dist\.bernoulli: p must be a probability in \[0, 1\], got 1\.5/);
  t.throws(() => dist.bernoulli(0.5, 0.5), /dist\.bernoulli: y must be 0 or 1, got 0\.5/);
  t.throws(() => dist.binomial(2, 5, -0.1), /dist\.binomial: p must be a probability in \[0, 1\], got -0\.1/);
  t.throws(() => dist.binomial(6, 5, 0.5), /dist\.binomial: y must be at most n, got y = 6 and n = 5/);
  t.throws(() => dist.binomial(2, 4.5, 0.5), /dist\.binomial: n must be a non-negative integer, got 4\.5/);
  t.throws(() => dist.binomialLogit([1, 2.5], 3, 0), /dist\.binomialLogit: y must be a non-negative integer, got 2\.5 at flat index 1/);
  t.throws(() => dist.poisson(1.5, 2), /dist\.poisson: y must be a non-negative integer, got 1\.5/);
  t.throws(() => dist.poisson(1, -2), /dist\.poisson: rate must be non-negative and finite, got -2/);
  t.throws(() => dist.negativeBinomial(1, 2, 0), /dist\.negativeBinomial: phi must be positive and finite, got 0/);
  t.throws(() => dist.gamma(1, 0, 1), /dist\.gamma: shape must be positive and finite, got 0/);
  t.throws(() => dist.inverseGamma(1, 1, -1), /dist\.inverseGamma: scale must be positive and finite, got -1/);
  t.throws(() => dist.beta(0.5, 1, NaN), /dist\.beta: b must be positive and finite, got NaN/);
  t.throws(() => dist.uniform(0.5, 2, 1), /dist\.uniform: lower must be below upper, got lower 2 and upper 1/);
  t.throws(() => dist.laplace(0, 0, -1), /dist\.laplace: scale must be positive and finite, got -1/);
  t.throws(() => dist.lognormal(1, 0, 0), /dist\.lognormal: sigma must be positive and finite, got 0/);
  t.throws(() => dist.exponential(1, Infinity), /dist\.exponential: rate must be positive and finite, got Infinity/);
  t.throws(() => dist.cauchy(0, 0, 0), /dist\.cauchy: scale must be positive and finite, got 0/);
  t.throws(() => dist.halfStudentT(1, -1, 1), /dist\.halfStudentT: nu must be positive and finite, got -1/);
  t.throws(() => dist.lkjCholesky(tensor([[1, 0], [0.5, 0.5]]), 1), /dist\.lkjCholesky: L must be the Cholesky factor of a correlation matrix \(rows of unit length\), but row 1 has squared length 0\.5/);
  t.throws(() => dist.lkjCholesky(tensor([[1, 0.1], [0, 1]]), 1), /L must be lower-triangular, got L\[0,1\] = 0\.1/);
  t.throws(() => dist.lkjCholesky(tensor([[1, 0], [0.6, 0.8]]), 0), /dist\.lkjCholesky: eta must be positive and finite, got 0/);
  t.throws(() => dist.lkjCholesky(tensor([1, 0, 0, 1]), 1), /L must be a square matrix \[k,k\], got \[4\]/);
  t.throws(() => dist.mvNormal([0, 0], 0, { cov: Float64Array.from([1, 2, 2, 1]) }), /dist\.mvNormal: cov is not positive definite/);
  t.throws(() => valueAndGrad((y) => dist.poisson(y, 1))(1), /dist\.poisson: y is data and cannot carry gradient/);
  t.end();
});

test('tracked parameters are not checked: invalid values give the mathematical result', (t) => {
  t.equal(valueAndGrad((a) => dist.gamma(1, a, 1))(-1).value, -Infinity, 'gamma with a tracked shape of −1 is −∞ (log Γ has a pole there)');
  t.ok(Number.isNaN(valueAndGrad((p) => dist.bernoulli(1, p))(-0.5).value), 'bernoulli with a tracked p < 0 is NaN');
  t.ok(Number.isFinite(valueAndGrad((p) => dist.categorical(0, p))([0.2, 0.2]).value), 'categorical with tracked probs off the simplex is not refused');
  t.end();
});
