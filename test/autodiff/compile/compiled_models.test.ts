/**
 * The compiled gradient on whole models: the three BNNs compile and gradient-check through the
 * plan; a log density that reads a traced tensor's values, or calls an op without a plan kernel,
 * stays on the eager tape; a `branchOn` guard that flips sends that call to the eager tape; a
 * shape change between calls is refused in checking mode, naming the op; the checking mode
 * catches a kernel that disagrees with its eager op; a replay allocates no Float64Array.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { T, Tensor, accumulate, branchOn, gradcheck, planned, record, type PlanKernel } from '../../../autodiff/index.js';
import { defineModel, type Model } from '../../../models/define_model.js';
import * as dist from '../../../models/distributions/index.js';
import { flatBnn } from '../../../models/bnn/flat.js';
import { hierarchicalBnn } from '../../../models/bnn/hierarchical.js';
import { informativeBnn } from '../../../models/bnn/informative.js';
import { rotatedMoons } from '../../../models/data/moons.js';

const study = rotatedMoons({ groups: 4, seed: 5 });
const group = { X: study.Xs_train[1], y: study.Ys_train[1] };

/** A small, well-conditioned informative prior for the 2-5-5-1 network. */
function simplePrior() {
  return [[2, 5], [5, 5], [5, 1]].map(([a, b]) => {
    const k = a * b;
    const cov = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cov[i * k + j] = i === j ? 0.6 : 0.1;
    return { mean: Float64Array.from({ length: k }, (_, i) => 0.1 * Math.cos(i)), cov, shape: [a, b] };
  });
}

/** Run `fn` with HBNN_COMPILE set to `value` (models read it when they are made). */
function withCompileEnv<R>(value: string | undefined, fn: () => R): R {
  const before = process.env.HBNN_COMPILE;
  if (value === undefined) delete process.env.HBNN_COMPILE;
  else process.env.HBNN_COMPILE = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.HBNN_COMPILE;
    else process.env.HBNN_COMPILE = before;
  }
}

/** Silence the one-line notices of models that stay eager, and collect them. */
function notices<R>(fn: () => R): { result: R; lines: string[] } {
  const lines: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    return { result: fn(), lines };
  } finally {
    console.warn = warn;
  }
}

const point = (dim: number, seed: number, scale = 0.5) => {
  const x = new Float64Array(dim);
  Rng.fromSeed(seed).fillNormal(x);
  return x.map((v) => v * scale);
};

test('compiled models: the three BNNs compile and gradient-check through the plan', (t) => {
  const models: [string, Model][] = [
    ['flat', flatBnn(group, { compile: 'check' })],
    ['hierarchical', hierarchicalBnn(study, { compile: 'check' })],
    ['informative non-centred', informativeBnn(group, simplePrior(), { compile: 'check' })],
    ['informative centred', informativeBnn(group, simplePrior(), { parameterization: 'centered', compile: 'check' })],
  ];
  for (const [name, m] of models) {
    const r = gradcheck(m, point(m.dim, 3), { maxCoordinates: 60, rtol: 1e-5, atol: 1e-6 });
    t.ok(r.ok, `${name}: gradcheck through the compiled plan, max abs error ${r.maxAbsError.toExponential(2)}`);
    t.equal(m.compilation.state, 'compiled', `${name}: compiled, ${m.compilation.steps} steps over ${m.compilation.bufferCount} buffers`);
  }
  const defaults = withCompileEnv(undefined, () => [flatBnn(group), hierarchicalBnn(study), informativeBnn(group, simplePrior()), defineModel({ params: { a: [] }, logp: (p) => dist.normal(p.a, 0, 1) })]);
  t.deepEqual(defaults.map((m) => m.compilation.mode), ['on', 'on', 'on', 'on'], 'compilation is on by default for the BNNs and defineModel');
  t.equal(flatBnn(group, { compile: false }).compilation.state, 'eager', 'compile: false runs the eager tape');
  t.end();
});

test('compiled models: reading a traced value marks the model not compilable, and it stays right', (t) => {
  const reads: [string, (a: Tensor) => boolean][] = [
    ['data', (a) => a.data[0] > 0],
    ['item()', (a) => T.sum(a).item() > 0],
    ['toArray()', (a) => (a.toArray() as number[])[0] > 0],
  ];
  for (const [accessor, positive] of reads) {
    const make = (compile: boolean | 'check') => defineModel({ params: { a: [2] }, compile, logp: (p) => (positive(p.a) ? dist.normal(p.a, 1, 1) : dist.normal(p.a, -1, 2)) });
    const { result: m, lines } = notices(() => {
      const model = make('check');
      model.logDensityAndGrad(Float64Array.of(0.5, 0), new Float64Array(2));
      return model;
    });
    t.equal(m.compilation.state, 'eager', `${accessor}: not compiled`);
    t.ok(m.compilation.reason?.includes(accessor), `${accessor}: the reason names the read: ${m.compilation.reason}`);
    t.equal(lines.length, 1, `${accessor}: one notice: ${lines[0]}`);
    const eager = make(false);
    for (const x of [Float64Array.of(-0.5, 1), Float64Array.of(0.7, -1)]) {
      const g1 = new Float64Array(2), g2 = new Float64Array(2);
      t.deepEqual([m.logDensityAndGrad(x, g1), ...g1], [eager.logDensityAndGrad(x, g2), ...g2], `${accessor}: both branches right at ${x[0]}`);
    }
  }
  t.end();
});

test('compiled models: an op without a plan kernel falls back to eager with a notice', (t) => {
  const cube = (x: Tensor) => {
    const out = new Tensor(x.buffer.map((v) => v * v * v), x.shape);
    return record(out, [x], (g) => accumulate(x, x.buffer.map((v, i) => 3 * v * v * g[i]), x.shape, 'cube', true), 'cube');
  };
  const { result: m, lines } = notices(() => {
    const model = defineModel({ params: { a: [3] }, logp: (p) => T.neg(T.sum(T.square(cube(p.a)))) });
    model.logDensityAndGrad(Float64Array.of(1, 2, 3), new Float64Array(3));
    return model;
  });
  t.equal(m.compilation.state, 'eager');
  t.ok(/op 'cube' has no plan kernel/.test(lines[0] ?? ''), `notice: ${lines[0]}`);
  const g = new Float64Array(3);
  t.equal(m.logDensityAndGrad(Float64Array.of(1, 0, -1), g), -2, 'value');
  t.deepEqual([...g].map((v) => v + 0), [-6, 0, 6], 'gradient');
  t.end();
});

test('compiled models: a branchOn guard that flips sends that call to the eager tape', (t) => {
  const positive = (v: Float64Array) => v[0] > 0;
  const make = (compile: boolean | 'check') => defineModel({ params: { a: [2] }, compile, logp: (p) => (branchOn(p.a, positive) ? dist.normal(p.a, 1, 1) : T.mul(T.sum(T.exp(p.a)), -1)) });
  const m = make('check');
  const eager = make(false);
  for (const x of [Float64Array.of(0.5, 0), Float64Array.of(-0.5, 1), Float64Array.of(0.7, -1), Float64Array.of(-2, 3)]) {
    const g1 = new Float64Array(2), g2 = new Float64Array(2);
    t.deepEqual([m.logDensityAndGrad(x, g1), ...g1], [eager.logDensityAndGrad(x, g2), ...g2], `right at a[0] = ${x[0]}`);
  }
  t.equal(m.compilation.state, 'compiled', 'the model compiles: the branch is a guard');
  t.end();
});

test('compiled models: a shape change between calls is refused in checking mode, naming the op', (t) => {
  let width = 2;
  const m = defineModel({ params: { a: [4] }, compile: 'check', logp: (p) => T.sum(T.square(T.slice(p.a, [0], [width]))) });
  const g = new Float64Array(4);
  m.logDensityAndGrad(Float64Array.of(1, 2, 3, 4), g);
  t.deepEqual([...g], [2, 4, 0, 0]);
  width = 3;
  t.throws(() => m.logDensityAndGrad(Float64Array.of(1, 2, 3, 4), g), /op #0 is 'slice' with output shape \[3\] now, 'slice' with \[2\] when recorded/);
  let temperature = 1;
  const tempered = defineModel({ params: { a: [2] }, compile: 'check', logp: (p) => T.mul(dist.normal(p.a, 0, 1), temperature) });
  tempered.logDensityAndGrad(Float64Array.of(1, 2), g.subarray(0, 2));
  temperature = 0.5;
  t.throws(() => tempered.logDensityAndGrad(Float64Array.of(1, 2), g.subarray(0, 2)), /forward of op #\d+ 'mul'/, 'a JS number that changes between calls is caught, naming the op');
  t.end();
});

test('compiled models: the checking mode catches a kernel that disagrees with its eager op', (t) => {
  // Eager: x², kernel: x² + 1e-15·x — a difference far below any gradient check.
  const wrong: PlanKernel<null> = {
    forward: (_a, ins, out) => { for (let i = 0; i < out.length; i++) out[i] = ins[0][i] * ins[0][i] + 1e-15 * ins[0][i]; },
    backward: (_a, _i, ins, _out, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = 2 * ins[0][i] * g[i]; },
  };
  const sq = (x: Tensor) => {
    const out = new Tensor(x.buffer.map((v) => v * v), x.shape);
    return record(out, [x], (g) => accumulate(x, x.buffer.map((v, i) => 2 * v * g[i]), x.shape, 'sq', true), 'sq', planned(wrong, null));
  };
  const m = defineModel({ params: { a: [2] }, compile: 'check', logp: (p) => T.sum(sq(p.a)) });
  t.throws(() => m.logDensityAndGrad(Float64Array.of(0.3, 0.7), new Float64Array(2)), /forward of op #0 'sq'/);
  t.end();
});

test('compiled models: a replay allocates no Float64Array', (t) => {
  const models = withCompileEnv('on', () => [flatBnn(group), hierarchicalBnn(study), informativeBnn(group, simplePrior())]);
  for (const m of models) {
    const x = point(m.dim, 9);
    const g = new Float64Array(m.dim);
    m.logDensityAndGrad(x, g);
    m.logDensityAndGrad(x, g);
    let constructed = 0;
    const original = globalThis.Float64Array;
    globalThis.Float64Array = new Proxy(original, {
      construct(target, args) {
        constructed++;
        return Reflect.construct(target, args);
      },
    });
    try {
      for (let i = 0; i < 10; i++) m.logDensityAndGrad(x, g);
    } finally {
      globalThis.Float64Array = original;
    }
    t.equal(m.compilation.state, 'compiled');
    t.equal(constructed, 0, `${m.paramNames.join(',')}: no Float64Array constructed in 10 replays (plan: ${m.compilation.bufferCount} buffers allocated once)`);
  }
  t.end();
});
