/**
 * `.pointwise` under broadcasting: its shape is the arguments' broadcast shape (rows for the
 * multivariate families, labels for the categoricals), and it sums to the summed form.
 */
import test from 'tape';
import { Tensor, tensor } from '../../../autodiff/index.js';
import { dist } from '../../../models/index.js';

type Density = ((...a: unknown[]) => Tensor) & { pointwise: (...a: unknown[]) => Tensor };
const cases: [string, unknown[], number[]][] = [
  ['normal', [[0.1, 0.5, -1], tensor([[0], [1]]), 2], [2, 3]],
  ['halfNormal', [1.5, [1, 2, 3]], [3]],
  ['lognormal', [tensor([[0.5], [2]]), [0, 1], 0.7], [2, 2]],
  ['studentT', [0.3, [3, 5], 0, tensor([[1], [2], [3]])], [3, 2]],
  ['halfStudentT', [[0.2, 1], 4, 1], [2]],
  ['cauchy', [[1, 2, 3, 4], 0, 1], [4]],
  ['halfCauchy', [tensor([[1, 2]]), [1, 3]], [1, 2]],
  ['exponential', [[0.1, 0.2], tensor([[1], [2]])], [2, 2]],
  ['gamma', [2, [1, 2, 3], 0.5], [3]],
  ['inverseGamma', [[0.5, 1.5], 3, [1, 2]], [2]],
  ['beta', [0.3, tensor([[1], [2]]), [2, 3, 4]], [2, 3]],
  ['uniform', [[0.1, 0.9], 0, 1], [2]],
  ['laplace', [[0, 1], tensor([[0], [1], [2]]), 1], [3, 2]],
  ['logistic', [0, [0, 1, 2], 1], [3]],
  ['dirichlet', [tensor([[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]]), [1.5, 2]], [3]],
  ['mvNormal', [tensor([[0, 1], [1, 0], [2, 2]]), [0, 0], { cov: Float64Array.from([1, 0.3, 0.3, 2]) }], [3]],
  ['mvNormal', [[0.5, -0.5], 0, { cholesky: Float64Array.from([1, 0, 0.2, 1]) }], []],
  ['lkjCholesky', [tensor([[1, 0], [0.6, 0.8]]), 1.5], []],
  ['bernoulli', [[0, 1, 1], 0.4], [3]],
  ['bernoulliLogit', [[0, 1], tensor([[0.3], [-1]])], [2, 2]],
  ['binomial', [[1, 2], 5, tensor([[0.2], [0.7]])], [2, 2]],
  ['binomialLogit', [3, [5, 10], 0.4], [2]],
  ['poisson', [[0, 1, 5], tensor([[1], [3]])], [2, 3]],
  ['poissonLog', [[0, 1, 5], 0.5], [3]],
  ['negativeBinomial', [[0, 3], 2, tensor([[1], [10]])], [2, 2]],
  ['categorical', [[0, 2, 1, 1], [0.2, 0.3, 0.5]], [4]],
  ['categorical', [0, tensor([[0.5, 0.5], [0.1, 0.9]])], [2]],
  ['categoricalLogit', [tensor([[0], [1]]), tensor([[0, 1, 2], [2, 1, 0], [0, 0, 0]])], [2, 3]],
];

for (const [name, args, shape] of cases) {
  test(`pointwise ${name}: shape [${shape}] and sums to the summed form`, (t) => {
    const f = (dist as unknown as Record<string, Density>)[name];
    const pw = f.pointwise(...args);
    t.deepEqual([...pw.shape], shape, `shape [${pw.shape}]`);
    const sum = Array.from(pw.data).reduce((s, v) => s + v, 0);
    const summed = f(...args).item();
    t.ok(Number.isFinite(sum) && Math.abs(sum - summed) <= 1e-13 * Math.max(1, Math.abs(summed)), `Σ pointwise ${sum} = summed ${summed}`);
    t.end();
  });
}

test('categoricalLogit pointwise picks each row’s own label', (t) => {
  const logits = tensor([[0, 1, 2], [2, 1, 0]]);
  const pw = dist.categoricalLogit.pointwise([2, 2], logits).data;
  const lse = Math.log(Math.exp(0) + Math.exp(1) + Math.exp(2));
  t.ok(Math.abs(pw[0] - (2 - lse)) < 1e-14 && Math.abs(pw[1] - (0 - lse)) < 1e-14, `${pw[0]}, ${pw[1]}`);
  t.end();
});
