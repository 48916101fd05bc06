/**
 * Gradients of every argument of every density that can carry one, against central finite
 * differences: the summed form and the pointwise form (through a weighted sum, so every element's
 * gradient counts) on the eager tape, and the summed form inside a model compiled in checking
 * mode (its compiled gradient compared with the eager one on every call, and with finite
 * differences by gradcheck).
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { lkjCholeskyVariate } from '../../../core/random/multivariate.js';
import { T, Tensor, gradcheck, tensor } from '../../../autodiff/index.js';
import { defineModel } from '../../../models/define_model.js';
import { dist } from '../../../models/index.js';

const rng = Rng.fromSeed(7151);

function rand(shape: number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(Float64Array.from({ length: n }, () => rng.uniformRange(lo, hi)), shape);
}
const pos = (shape: number[]) => rand(shape, 0.4, 2.5);
const unit = (shape: number[]) => rand(shape, 0.1, 0.9);
const data = (v: number[], shape?: number[]) => tensor(Float64Array.from(v), shape ?? [v.length]);

function lowerFactor(k: number): Tensor {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) l[i * k + j] = i === j ? rng.uniformRange(0.8, 1.6) : rng.uniformRange(-0.5, 0.5);
  return tensor(l, [k, k]);
}

/** A well-conditioned symmetric positive-definite matrix L·Lᵀ + I. */
function spd(k: number): Tensor {
  const l = lowerFactor(k);
  return T.add(T.matmul(l, T.transpose(l)), tensor(Float64Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)), [k, k]));
}

/** Squared-exponential kernel on 4 fixed inputs: a²·exp(−(tᵢ − tⱼ)²/(2ℓ²)) + 1e-3·I. */
function gpKernel(amplitude: Tensor, length: Tensor): Tensor {
  const ts = [0, 0.4, 1.1, 2];
  const d2 = tensor(Float64Array.from({ length: 16 }, (_, i) => (ts[Math.floor(i / 4)] - ts[i % 4]) ** 2), [4, 4]);
  const jitter = tensor(Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1e-3 : 0)), [4, 4]);
  const k = T.mul(T.square(amplitude), T.exp(T.div(d2, T.mul(T.square(length), -2))));
  return T.add(k, jitter);
}

/** Weighted sum so every element of a pointwise result gets a distinct gradient. */
function weighted(y: Tensor): Tensor {
  const w = tensor(Float64Array.from({ length: y.size }, (_, i) => 0.5 + ((i * 7) % 11) / 10), [...y.shape]);
  return T.sum(T.mul(y, w));
}

type Density = ((...a: unknown[]) => Tensor) & { pointwise: (...a: unknown[]) => Tensor };
const family = (name: string) => (dist as unknown as Record<string, Density>)[name];

interface Row {
  family: string;
  name: string;
  /** The density's arguments, from the tracked inputs. */
  args: (xs: Tensor[]) => unknown[];
  inputs: () => Tensor[];
}

const rows: Row[] = [
  { family: 'normal', name: 'same shape', args: (x) => x, inputs: () => [rand([4]), rand([4]), pos([4])] },
  { family: 'normal', name: 'broadcast x [2,3], mu [3], sigma []', args: (x) => x, inputs: () => [rand([2, 3]), rand([3]), pos([])] },
  { family: 'halfNormal', name: 'broadcast x [3,2], sigma [2]', args: (x) => x, inputs: () => [pos([3, 2]), pos([2])] },
  { family: 'lognormal', name: 'x [3], mu [3], sigma []', args: (x) => x, inputs: () => [pos([3]), rand([3]), pos([])] },
  { family: 'cauchy', name: 'x [3], location [], scale [3]', args: (x) => x, inputs: () => [rand([3]), rand([]), pos([3])] },
  { family: 'halfCauchy', name: 'x [3], scale [3]', args: (x) => x, inputs: () => [pos([3]), pos([3])] },
  { family: 'studentT', name: 'all tracked', args: (x) => x, inputs: () => [rand([3]), pos([3]), rand([3]), pos([3])] },
  { family: 'studentT', name: 'broadcast x [2,3], nu [], mu [3], sigma [2,1]', args: (x) => x, inputs: () => [rand([2, 3]), pos([]), rand([3]), pos([2, 1])] },
  { family: 'halfStudentT', name: 'x [3], nu [], sigma [3]', args: (x) => x, inputs: () => [pos([3]), pos([]), pos([3])] },
  { family: 'exponential', name: 'x [3], rate []', args: (x) => x, inputs: () => [pos([3]), pos([])] },
  { family: 'gamma', name: 'x [3], shape [3], rate []', args: (x) => x, inputs: () => [pos([3]), pos([3]), pos([])] },
  { family: 'inverseGamma', name: 'x [3], shape [], scale [3]', args: (x) => x, inputs: () => [pos([3]), pos([]), pos([3])] },
  { family: 'beta', name: 'same shape', args: (x) => x, inputs: () => [unit([3]), pos([3]), pos([3])] },
  { family: 'beta', name: 'broadcast x [2,3], a [3], b []', args: (x) => x, inputs: () => [unit([2, 3]), pos([3]), pos([])] },
  { family: 'uniform', name: 'x [3], lower [], upper [3]', args: (x) => x, inputs: () => [unit([3]), rand([], -2, -1), rand([3], 1, 2)] },
  { family: 'laplace', name: 'x [4], mu [], scale [4]', args: (x) => x, inputs: () => [rand([4]), rand([]), pos([4])] },
  { family: 'logistic', name: 'x [4], mu [4], scale []', args: (x) => x, inputs: () => [rand([4]), rand([4]), pos([])] },
  { family: 'dirichlet', name: 'x [3], alpha [3]', args: (x) => x, inputs: () => [data([0.2, 0.3, 0.5]), pos([3])] },
  { family: 'dirichlet', name: 'x [2,3], alpha [3]', args: (x) => x, inputs: () => [data([0.2, 0.3, 0.5, 0.6, 0.1, 0.3], [2, 3]), pos([3])] },
  { family: 'mvNormal', name: 'x [4,3], mean [3], tracked cholesky', args: ([x, m, l]) => [x, m, { cholesky: l }], inputs: () => [rand([4, 3]), rand([3]), lowerFactor(3)] },
  { family: 'mvNormal', name: 'x [3], mean [3], constant cov', args: ([x, m]) => [x, m, { cov: Float64Array.from([2, 0.3, 0, 0.3, 1, 0.2, 0, 0.2, 1.5]) }], inputs: () => [rand([3]), rand([3])] },
  { family: 'mvNormal', name: 'x [2,3], tracked cov', args: ([x, m, c]) => [x, m, { cov: c }], inputs: () => [rand([2, 3]), rand([3]), spd(3)] },
  { family: 'mvNormal', name: 'a Gaussian process: cov from a tracked amplitude and length scale', args: ([y, a, l]) => [y, 0, { cov: gpKernel(a, l) }], inputs: () => [rand([4]), pos([]), pos([])] },
  { family: 'lkjCholesky', name: 'L [4,4], eta []', args: (x) => x, inputs: () => [tensor(lkjCholeskyVariate(rng, 4, 2), [4, 4]), pos([])] },
  { family: 'bernoulli', name: 'p [5]', args: ([p]) => [data([0, 1, 1, 0, 1]), p], inputs: () => [unit([5])] },
  { family: 'bernoulliLogit', name: 'logits [] broadcast over y [4]', args: ([l]) => [data([1, 0, 0, 1]), l], inputs: () => [rand([])] },
  { family: 'bernoulliLogit', name: 'logits [5]', args: ([l]) => [data([1, 0, 0, 1, 1]), l], inputs: () => [rand([5], -4, 4)] },
  { family: 'binomial', name: 'p [3]', args: ([p]) => [data([0, 4, 7]), data([3, 10, 7]), p], inputs: () => [unit([3])] },
  { family: 'binomialLogit', name: 'logits [2,1] over y [3]', args: ([l]) => [data([0, 4, 7]), data([3, 10, 7]), l], inputs: () => [rand([2, 1])] },
  { family: 'poisson', name: 'rate [3]', args: ([r]) => [data([0, 2, 5]), r], inputs: () => [pos([3])] },
  { family: 'poissonLog', name: 'logRate [2,1] over y [3]', args: ([l]) => [data([0, 2, 5]), l], inputs: () => [rand([2, 1])] },
  { family: 'negativeBinomial', name: 'mu [3], phi []', args: ([m, p]) => [data([0, 2, 9]), m, p], inputs: () => [pos([3]), pos([])] },
  { family: 'categorical', name: 'probs [2,3] rows', args: ([p]) => [data([2, 0]), p], inputs: () => [unit([2, 3])] },
  { family: 'categoricalLogit', name: 'logits [3] over y [4]', args: ([l]) => [data([2, 0, 1, 1]), l], inputs: () => [rand([3])] },
  { family: 'categoricalLogit', name: 'logits [2,3] rows', args: ([l]) => [data([1, 2]), l], inputs: () => [rand([2, 3])] },
];

const tolerances = { rtol: 1e-6, atol: 1e-8 };

test('every density has a gradient row', (t) => {
  const covered = new Set(rows.map((r) => r.family));
  const missing = Object.keys(dist).filter((k) => typeof (dist as Record<string, unknown>)[k] === 'function' && !covered.has(k));
  t.deepEqual(missing, [], `densities without a row: ${missing.join(', ') || 'none'}`);
  t.end();
});

for (const row of rows) {
  test(`gradcheck ${row.family} ${row.name}`, (t) => {
    const f = family(row.family);
    const summed = gradcheck((...xs) => f(...row.args(xs)), row.inputs(), tolerances);
    t.ok(summed.ok, `summed: max abs error ${summed.maxAbsError.toExponential(2)}${summed.ok ? '' : ` worst ${JSON.stringify(summed.worst)}`}`);
    const pw = gradcheck((...xs) => weighted(f.pointwise(...row.args(xs))), row.inputs(), tolerances);
    t.ok(pw.ok, `pointwise: max abs error ${pw.maxAbsError.toExponential(2)}${pw.ok ? '' : ` worst ${JSON.stringify(pw.worst)}`}`);

    // The same density inside a model compiled in checking mode, at the inputs' values.
    const inputs = row.inputs();
    const params = Object.fromEntries(inputs.map((x, i) => [`a${i}`, [...x.shape]]));
    const model = defineModel({ params, logp: (p) => f(...row.args(inputs.map((_, i) => p[`a${i}`]))), compile: 'check' });
    const point = Float64Array.from(inputs.flatMap((x) => Array.from(x.data)));
    const compiled = gradcheck(model, point, tolerances);
    t.ok(compiled.ok, `compiled (check mode): max abs error ${compiled.maxAbsError.toExponential(2)}`);
    t.equal(model.compilation.state, 'compiled', `the model compiled (${model.compilation.state})`);
    t.end();
  });
}
