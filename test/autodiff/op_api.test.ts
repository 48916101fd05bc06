/**
 * The public op-extension API (docs/ops.md): an op written outside autodiff/ops with `record`,
 * `accumulate` / returned gradients, `tracks` and `asTensor`, and a `Tape` driven by hand.
 */
import test from 'tape';
import { broadcastIndexMap, broadcastShapes, shapeSize } from '../../core/shape.js';
import {
  T, Tape, Tensor, accumulate, asTensor, currentTape, gradcheck, record, tensor, tracks, valueAndGrad, type TensorLike,
} from '../../autodiff/index.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-12) =>
  a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

/** x³, its backward returning the gradient (the tape accumulates it). */
function cube(input: TensorLike): Tensor {
  const x = asTensor(input, 'cube');
  const out = new Float64Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] * x.data[i] * x.data[i];
  return record(new Tensor(out, x.shape), [x], (g) => {
    const gx = new Float64Array(x.size);
    for (let i = 0; i < gx.length; i++) gx[i] = 3 * x.data[i] * x.data[i] * g[i];
    return [gx];
  }, 'cube');
}

/** a·b² with broadcasting; gradients returned in the output's shape, un-broadcast by the tape. */
function mulSquare(x: TensorLike, y: TensorLike): Tensor {
  const a = asTensor(x, 'mulSquare');
  const b = asTensor(y, 'mulSquare');
  const shape = broadcastShapes(a.shape, b.shape, 'mulSquare');
  const ia = broadcastIndexMap(a.shape, shape);
  const ib = broadcastIndexMap(b.shape, shape);
  const n = shapeSize(shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a.data[ia[i]] * b.data[ib[i]] * b.data[ib[i]];
  return record(new Tensor(out, shape), [a, b], (g) => {
    const ga = tracks(a) ? new Float64Array(n) : null;
    const gb = tracks(b) ? new Float64Array(n) : null;
    for (let i = 0; i < n; i++) {
      if (ga) ga[i] = g[i] * b.data[ib[i]] * b.data[ib[i]];
      if (gb) gb[i] = g[i] * 2 * a.data[ia[i]] * b.data[ib[i]];
    }
    return [ga, gb];
  }, 'mulSquare');
}

/** softsign x / (1 + |x|), its backward calling `accumulate` itself. */
function softsign(input: TensorLike): Tensor {
  const x = asTensor(input, 'softsign');
  const out = x.data.map((v) => v / (1 + Math.abs(v)));
  return record(new Tensor(out, x.shape), [x], (g) => {
    if (!tracks(x)) return;
    const gx = x.data.map((v, i) => g[i] / ((1 + Math.abs(v)) * (1 + Math.abs(v))));
    accumulate(x, gx, x.shape, 'softsign', true);
  });
}

test('op API: custom ops pass gradcheck, whether their backward returns or accumulates', (t) => {
  const c = gradcheck((x) => T.sum(cube(x)), [tensor([0.3, -1.2, 2])]);
  t.ok(c.ok, `cube: max relative error ${c.maxRelError}`);
  const s = gradcheck((x) => T.sum(T.mul(softsign(x), tensor([1, 2, 3]))), [tensor([0.5, -2, 0.1])]);
  t.ok(s.ok, `softsign: max relative error ${s.maxRelError}`);
  t.end();
});

test('op API: gradients returned in the output shape are summed back to broadcast inputs', (t) => {
  const a = tensor([1, 2, 3], [3, 1]);
  const b = tensor([0.5, -1.5], [1, 2]);
  const r = gradcheck((x, y) => T.sum(mulSquare(x, y)), [a, b]);
  t.ok(r.ok, `mulSquare [3,1]·[1,2]²: max relative error ${r.maxRelError}`);
  const { grads } = valueAndGrad((x, y) => T.sum(mulSquare(x, y)))(a, b);
  t.ok(close(grads[0], [2.5, 2.5, 2.5]), `da_i = Σ_j b_j² = 2.5, got ${grads[0]}`);
  t.ok(close(grads[1], [6, -18]), `db_j = Σ_i 2·a_i·b_j, got ${grads[1]}`);
  const constB = valueAndGrad((x) => T.sum(mulSquare(x, b)))(a);
  t.ok(close(constB.grads[0], [2.5, 2.5, 2.5]), 'a null gradient for a constant input is skipped');
  t.end();
});

test('op API: a returned gradient of the wrong size or count fails naming the op and the shapes', (t) => {
  const bad = (grads: (Float64Array | null)[]) => (input: Tensor) =>
    record(new Tensor(Float64Array.from(input.data), input.shape), [input], () => grads, 'badOp');
  t.throws(() => valueAndGrad((x) => T.sum(bad([new Float64Array(2)])(x)))([1, 2, 3]),
    /badOp: gradient 0 has 2 values, expected 3 \(input shape \[3\]\) or 3 \(output shape \[3\]\)/);
  t.throws(() => valueAndGrad((x) => T.sum(bad([null, null])(x)))([1, 2, 3]), /badOp: backward returned 2 gradients for 1 inputs/);
  const ok = valueAndGrad((x) => T.sum(T.exp(x)))([0]);
  t.ok(close(ok.grads[0], [1]), 'the tape works normally after the error');
  t.end();
});

test('Tape: its public methods work when called directly, without valueAndGrad', (t) => {
  const tape = new Tape();
  const x = tape.leaf(Float64Array.from([1, 2]), [2]);
  const out = tape.run(() => T.sum(T.mul(cube(x), 2)));
  t.equal(tape.size, 3, 'cube, mul, sum recorded');
  t.equal(currentTape(), null, 'no tape records after run returns');
  tape.backward(out);
  t.ok(close(x.grad ?? [], [6, 24]), `d(2·Σx³)/dx = 6x², got ${x.grad}`);
  t.throws(() => tape.backward(out), /backward: tape \d+ has already run its backward pass; record on a fresh Tape/);
  t.end();
});

test('op API: outside a recording tape, record marks nothing and accumulate does nothing', (t) => {
  const x = tensor([1, 2]);
  const y = cube(x);
  t.equal(y.requiresGrad, false, 'an op outside valueAndGrad is a constant');
  const tape = new Tape();
  const leaf = tape.leaf(Float64Array.from([1]), [1]);
  accumulate(leaf, Float64Array.from([5]), [1], 'manual');
  t.equal(leaf.grad, null, 'accumulate outside a backward pass leaves the gradient alone');
  t.equal(tape.run(() => tracks(leaf)), true, 'tracks: a leaf of the recording tape');
  t.equal(new Tape().run(() => tracks(leaf)), false, 'tracks: not on another tape');
  t.end();
});

test('tape: a valueAndGrad nested inside another function does not disturb the outer one', (t) => {
  let inner: Float64Array = new Float64Array(0);
  const outer = valueAndGrad((x) => {
    const y = T.mul(x, x);
    // The outer x is a constant to the inner call: its gradient is x·3z² = 36 at z = 2.
    inner = valueAndGrad((z) => T.sum(T.mul(cube(z), x)))([2]).grads[0];
    return T.sum(cube(y));
  })([3]);
  t.ok(close(inner, [36]), `inner gradient 3z²·x = 36, got ${inner}`);
  t.ok(close(outer.grads[0], [6 * 3 ** 5]), `outer gradient of x⁶ is 6x⁵ = 1458, got ${outer.grads[0]}`);
  t.end();
});
