/**
 * One gradient-check row per exported op (random inputs inside the op's domain, plus broadcasting
 * cases, in op_rows.ts); the last test fails when an op of `T` has no row.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { T, Tensor, accumulate, gradcheck, record, tensor } from '../../autodiff/index.js';
import { opRows } from './op_rows.js';

const rows = opRows(Rng.fromSeed(20261126));

for (const row of rows) {
  test(`gradcheck ${row.op} ${row.name}`, (t) => {
    const r = gradcheck(row.f, row.inputs(), { rtol: 1e-6, atol: 1e-8 });
    t.ok(r.ok, `max abs error ${r.maxAbsError.toExponential(2)}, worst ${JSON.stringify(r.worst)}`);
    t.end();
  });
}

test('every exported op has a gradcheck row', (t) => {
  const covered = new Set(rows.map((r) => r.op));
  const missing = Object.keys(T).filter((k) => !covered.has(k as keyof typeof T));
  t.deepEqual(missing, [], `ops without a row: ${missing.join(', ') || 'none'}`);
  t.end();
});

test('stable ops stay finite, with finite gradients, at ±1000', (t) => {
  const x = tensor([-1000, -30, 0, 30, 1000]);
  for (const op of ['softplus', 'logSigmoid', 'sigmoid'] as const) {
    const r = gradcheck((a) => T.sum(T[op](a)), [x], { rtol: 1e-5, atol: 1e-8 });
    t.ok(Number.isFinite(r.value) && r.ok, `${op}: value ${r.value}, ok ${r.ok}`);
  }
  const l = gradcheck((a) => T.logSumExp(a), [tensor([1000, 999, -1000])]);
  t.ok(l.ok && Math.abs(l.value - (1000 + Math.log1p(Math.exp(-1)))) < 1e-9, `logSumExp at ±1000 = ${l.value}`);
  const b = gradcheck((a) => T.bernoulliLogitSum(tensor([1, 0]), a), [tensor([1000, -1000])]);
  t.ok(b.ok && Math.abs(b.value) < 1e-12, `bernoulliLogitSum at ±1000 = ${b.value}`);
  t.end();
});

test('bernoulliLogitSum refuses labels other than 0/1 and shapes that differ, even of equal size (issue 16)', (t) => {
  const errorOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return 'accepted';
  };
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([0, 2, 1]), tensor([0.1, 0.2, 0.3]))), 'bernoulliLogitSum: label 1 is 2; labels must be 0 or 1');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([0, 0.5]), tensor([0.1, 0.2]))), 'bernoulliLogitSum: label 1 is 0.5; labels must be 0 or 1');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([1, 0, 1, 0], [4, 1]), tensor([1, 2, 3, 4], [1, 4]))), 'bernoulliLogitSum: labels of shape [4,1] do not match logits of shape [1,4]');
  t.equal(errorOf(() => T.bernoulliLogitSum(tensor([1, 0, 1, 0], [2, 2]), tensor([1, 2, 3, 4], [4]))), 'bernoulliLogitSum: labels of shape [2,2] do not match logits of shape [4]');
  t.end();
});

test('gradcheck reports NaN rather than passing, and catches a wrong gradient', (t) => {
  const r = gradcheck((a) => T.sum(T.log(a)), [tensor([-1, 2])]);
  t.notOk(r.ok, 'log of a negative number fails the check');
  // A deliberately wrong op: forward is x², backward claims 3x.
  const wrongSquare = (a: Tensor) => {
    const out = new Tensor(a.data.map((v) => v * v), a.shape);
    return record(out, [a], (g) => accumulate(a, a.data.map((v, i) => 3 * v * g[i]), a.shape, 'wrongSquare', true));
  };
  const bad = gradcheck((a) => T.sum(wrongSquare(a)), [tensor([1, 2])]);
  t.notOk(bad.ok, 'a wrong gradient fails');
  t.equal(bad.worst?.input, 0, 'worst coordinate names the input');
  t.ok(Math.abs((bad.worst?.analytic ?? 0) - 1.5 * (bad.worst?.numeric ?? 0)) < 1e-6, 'and reports both values');
  t.ok(gradcheck((a) => T.sum(T.square(a)), [tensor([1, 2])]).ok, 'the right gradient passes');
  t.end();
});
