/**
 * The hand-written limits of the `limits` benchmark must compute exactly hbnn's functions:
 * value and every gradient entry within 1e-10 (relative to max(1, |·|)) of the model's own
 * `logDensityAndGrad`, at points from near the origin to saturated tanh units, with either tanh.
 */
import test from 'tape';
import { limitProblems, maxRelDifference, randomPoints } from '../../bench/limits.bench.js';
import { bnnPointKernelSource } from '../../bench/fused/bnn_point_kernel.js';
import { eightSchoolsFused } from '../../bench/fused/eight_schools.js';
import { countTypedArrays } from '../../bench/alloc_counter.js';

for (const p of limitProblems(7)) {
  test(`bench limits: ${p.name} limits equal hbnn's value and gradient to 1e-10`, (t) => {
    const points = [0.1, 0.5, 1, 2, 4].flatMap((scale, i) => randomPoints(p.hbnn.dim, 3, scale, 100 + i));
    for (const limit of p.limits) {
      const d = maxRelDifference(p.hbnn, limit.f, points);
      t.ok(d.value <= 1e-10, `${limit.name}: value max relative difference ${d.value.toExponential(2)} <= 1e-10`);
      t.ok(d.grad <= 1e-10, `${limit.name}: gradient max relative difference ${d.grad.toExponential(2)} <= 1e-10 (unwritten entries fail)`);
    }
    t.end();
  });
}

test('bench limits: eight schools closed form passes a central finite-difference check', (t) => {
  const f = eightSchoolsFused();
  const [x] = randomPoints(f.dim, 1, 1, 3);
  const g = new Float64Array(f.dim), scratch = new Float64Array(f.dim);
  f.logDensityAndGrad(x, g);
  let worst = 0;
  for (let i = 0; i < f.dim; i++) {
    const xi = x[i];
    x[i] = xi + 1e-6;
    const up = f.logDensityAndGrad(x, scratch);
    x[i] = xi - 1e-6;
    const down = f.logDensityAndGrad(x, scratch);
    x[i] = xi;
    worst = Math.max(worst, Math.abs((up - down) / 2e-6 - g[i]) / Math.max(1, Math.abs(g[i])));
  }
  t.ok(worst < 1e-6, `max relative error ${worst.toExponential(2)} < 1e-6`);
  t.end();
});

test('bench limits: the unrolled kernel has no inner loop over weights, and the limits allocate no typed array per call', (t) => {
  const src = bnnPointKernelSource([2, 5, 5, 1]);
  t.equal((src.match(/for \(/g) ?? []).length, 1 + 2, 'one loop over the points, one tanh loop per hidden layer');
  for (const p of limitProblems(3)) {
    const [x] = randomPoints(p.hbnn.dim, 1, 1, 1);
    const g = new Float64Array(p.hbnn.dim);
    p.limits[0].f.logDensityAndGrad(x, g);
    const c = countTypedArrays(() => p.limits[0].f.logDensityAndGrad(x, g));
    t.deepEqual(c, { arrays: 0, bytes: 0 }, `${p.name}: no typed array constructed in a call`);
  }
  const c = countTypedArrays(() => {
    new Float64Array(3);
    Float64Array.from([1, 2]).subarray(1);
  });
  t.deepEqual(c, { arrays: 3, bytes: 40 }, 'the counter sees new, from and subarray (a view adds no bytes)');
  t.ok(new Float64Array(1) instanceof Float64Array, 'constructors are restored');
  t.end();
});
