/**
 * Transforms: forward values and their support, the inverse round trip, the log-Jacobian against
 * the numeric log|dx/du| of each element, a gradient check of forward and log-Jacobian, errors.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { T, Tensor, gradcheck, tensor } from '../../../autodiff/index.js';
import { makeTransform, type TransformSpec } from '../../../models/index.js';

const rng = Rng.fromSeed(707);
const specs: { spec: TransformSpec; lower: number; upper: number }[] = [
  { spec: 'log', lower: 0, upper: Infinity },
  { spec: { lower: -1.5 }, lower: -1.5, upper: Infinity },
  { spec: { upper: 2 }, lower: -Infinity, upper: 2 },
  { spec: { lower: -1, upper: 3 }, lower: -1, upper: 3 },
  { spec: { lower: 0, upper: 1 }, lower: 0, upper: 1 },
  { spec: {}, lower: -Infinity, upper: Infinity },
];

function randU(n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniformRange(-3, 3));
}

test('transforms: values inside the support, inverse round trip', (t) => {
  for (const { spec, lower, upper } of specs) {
    const tr = makeTransform(spec);
    const u = randU(6);
    const x = tr.forward(tensor(u)).data;
    t.ok(x.every((v) => v > lower && v < upper), `${JSON.stringify(spec)}: forward lands in (${lower}, ${upper})`);
    const xi = new Float64Array(6);
    tr.forwardInto(u, xi);
    t.deepEqual([...xi], [...x], `${JSON.stringify(spec)}: forwardInto agrees with forward`);
    const back = tr.inverse(x);
    t.ok(back.every((v, i) => Math.abs(v - u[i]) < 1e-10), `${JSON.stringify(spec)}: inverse(forward(u)) = u`);
  }
  const logT = makeTransform('log');
  t.ok(Math.abs(logT.forward(tensor([Math.log(2.5)])).data[0] - 2.5) < 1e-15, "'log' is exp");
  const unit = makeTransform({ lower: 0, upper: 1 });
  t.equal(unit.forward(tensor([0])).data[0], 0.5, 'interval maps 0 to the midpoint');
  t.end();
});

test('transforms: log|J| equals the numeric log|dx/du|, elementwise and summed', (t) => {
  for (const { spec } of specs) {
    const tr = makeTransform(spec);
    const u = randU(5);
    let numeric = 0;
    for (let i = 0; i < u.length; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(u[i]));
      const up = tr.forward(tensor([u[i] + h])).data[0];
      const down = tr.forward(tensor([u[i] - h])).data[0];
      numeric += Math.log(Math.abs((up - down) / (2 * h)));
    }
    const analytic = tr.logJacobian(tensor(u)).item();
    t.ok(Math.abs(analytic - numeric) < 1e-7 * u.length, `${JSON.stringify(spec)}: log|J| ${analytic} vs numeric ${numeric}`);
  }
  // Far in the tails the interval's Jacobian stays finite (log-sigmoids, not log of a rounded 0).
  const lj = makeTransform({ lower: 0, upper: 1 }).logJacobian(tensor([40, -40])).item();
  t.ok(Math.abs(lj - 2 * (-40 - Math.log1p(Math.exp(-40)))) < 1e-9, `interval log|J| at u = ±40 is ${lj}`);
  t.end();
});

test('gradcheck: every transform forward and log-Jacobian', (t) => {
  const weights = tensor([0.7, -1.2, 0.4, 2.0]);
  for (const { spec } of specs) {
    const tr = makeTransform(spec);
    const fwd = gradcheck((u: Tensor) => T.sum(T.mul(tr.forward(u), weights)), [tensor(randU(4))]);
    t.ok(fwd.ok, `${JSON.stringify(spec)} forward: max abs error ${fwd.maxAbsError.toExponential(2)}`);
    const jac = gradcheck((u: Tensor) => tr.logJacobian(u), [tensor(randU(4))]);
    t.ok(jac.ok, `${JSON.stringify(spec)} logJacobian: max abs error ${jac.maxAbsError.toExponential(2)}`);
  }
  t.end();
});

test('transforms: invalid specs and values outside the support throw', (t) => {
  t.throws(() => makeTransform({ lower: 2, upper: 1 }, "parameter 'p'"), /parameter 'p': lower bound 2 must be below upper bound 1/);
  t.throws(() => makeTransform({ lower: 1, upper: 1 }), /lower bound 1 must be below upper bound 1/);
  t.throws(() => makeTransform({ lower: NaN }), /lower bound must be a number/);
  t.throws(() => makeTransform('exp' as never), /transform must be one of 'log', 'unitInterval', .* or \{ lower\?, upper\? \}, got "exp"/);
  t.throws(() => makeTransform({ lower: 0, uper: 1 } as never), /unknown transform field\(s\) uper/);
  t.throws(() => makeTransform('log').inverse(Float64Array.from([1, 0]), 'sigma'), /sigma\[1\] = 0 is outside the open support \(0, Infinity\) of its log transform/);
  t.throws(() => makeTransform({ lower: 0, upper: 1 }).inverse(Float64Array.from([1]), 'p'), /p = 1 is outside the open support \(0, 1\)/);
  t.throws(() => makeTransform({ upper: 2 }).inverse(Float64Array.from([NaN]), 'q'), /q = NaN is outside/);
  t.end();
});
