/**
 * Generated plan code (autodiff/compile/codegen.ts) against the interpreter and the eager tape:
 * where `new Function` throws an EvalError (a page's CSP), the plan runs on the interpreter; both
 * paths give the eager tape's values and gradients bit for bit, on the BNNs and on random chains
 * of elementwise ops with broadcasting (which the generated code fuses into shared loops); an op
 * whose kernel has no text runs in generated code through calls of its kernel.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { T, Tensor, accumulate, planned, record, type PlanKernel } from '../../../autodiff/index.js';
import { Tape, withTape } from '../../../autodiff/tape.js';
import { Recorder } from '../../../autodiff/compile/recorder.js';
import { buildPlan } from '../../../autodiff/compile/plan.js';
import { MAX_FUNCTION_LENGTH, planRunner, planSource } from '../../../autodiff/compile/codegen.js';
import { defineModel, type Model } from '../../../models/define_model.js';
import { flatBnn } from '../../../models/bnn/flat.js';
import { hierarchicalBnn } from '../../../models/bnn/hierarchical.js';
import { rotatedMoons } from '../../../models/data/moons.js';

/** Run `fn` as under a Content-Security-Policy without 'unsafe-eval': `new Function` throws an EvalError. */
function withoutCodeGeneration<R>(fn: () => R): R {
  const original = globalThis.Function;
  globalThis.Function = function refused() {
    throw new EvalError("Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source (test)");
  } as unknown as FunctionConstructor;
  try {
    return fn();
  } finally {
    globalThis.Function = original;
  }
}

const sameBits = (a: number, b: number) => Object.is(a, b) || (a === 0 && b === 0);

/** Value and gradient of every model at each point, compared bit for bit with the first model's. */
function agreeAll(t: test.Test, what: string, models: Model[], points: Float64Array[]): void {
  let bad = '';
  for (const x of [...points, ...points]) {
    const runs = models.map((m) => {
      const g = new Float64Array(m.dim);
      return { v: m.logDensityAndGrad(x, g), g };
    });
    runs.forEach((r, k) => {
      if (bad !== '' || k === 0) return;
      const i = r.g.findIndex((v, j) => !sameBits(v, runs[0].g[j]));
      if (!sameBits(r.v, runs[0].v) || i >= 0) bad = `model ${k}: value ${r.v} vs ${runs[0].v}, gradient element ${i}`;
    });
  }
  t.equal(bad, '', `${what}: generated, interpreted and eager agree exactly`);
}

/** The same model three ways: generated code, the interpreter (code generation refused while it compiles), the eager tape. */
function threeWays(t: test.Test, what: string, make: (compile: boolean) => Model, x0: Float64Array, points: Float64Array[]): void {
  const generated = make(true);
  const interpreted = make(true);
  const eager = make(false);
  generated.logDensityAndGrad(x0, new Float64Array(generated.dim));
  withoutCodeGeneration(() => interpreted.logDensityAndGrad(x0, new Float64Array(interpreted.dim)));
  t.equal(generated.compilation.generated, true, `${what}: generated code runs by default`);
  t.equal(interpreted.compilation.generated, false, `${what}: the interpreter runs where new Function throws`);
  t.ok(/code generation is not allowed/.test(interpreted.compilation.interpreterReason ?? ''), `${what}: reason given (${interpreted.compilation.interpreterReason})`);
  agreeAll(t, what, [eager, generated, interpreted], points);
}

const points = (dim: number, count: number, seed: number, scale: number) => {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: dim }, () => scale * rng.normal()));
};

test('codegen: the BNNs, generated and interpreted, match the eager tape exactly', (t) => {
  const study = rotatedMoons({ groups: 3, seed: 8 });
  const group = { X: study.Xs_train[0], y: study.Ys_train[0] };
  const hier = (compile: boolean) => hierarchicalBnn(study, { compile: compile ? 'check' : false });
  const flat = (compile: boolean) => flatBnn(group, { compile: compile ? 'check' : false, hidden: [3, 7] });
  for (const [what, make] of [['hierarchical', hier], ['flat 2-3-7-1', flat]] as const) {
    const dim = make(false).dim;
    const ps = points(dim, 4, 3, 1.2);
    threeWays(t, what, make, ps[0], ps);
  }
  t.end();
});

const SHAPES = [[4, 3], [3], [4, 1], [], [1, 3]];
const STEPS = ['add', 'sub', 'mul', 'div', 'tanh', 'square', 'neg', 'exp', 'sigmoid', 'mean'] as const;

/** A chain of elementwise ops over broadcasting leaves, each reading the last result (so they fuse) or a leaf. */
function chain(seed: number): { shapes: number[][]; f: (...xs: Tensor[]) => Tensor } {
  const shapes = [[4, 3], SHAPES[seed % SHAPES.length], SHAPES[(seed + 2) % SHAPES.length]];
  const f = (...leaves: Tensor[]) => {
    const rng = Rng.fromSeed(seed);
    let h = leaves[0];
    const terms: Tensor[] = [];
    for (let k = 0; k < 12; k++) {
      const op = STEPS[Math.floor(rng.uniform() * STEPS.length)];
      const other = leaves[Math.floor(rng.uniform() * leaves.length)];
      if (op === 'tanh' || op === 'square' || op === 'neg' || op === 'sigmoid') h = T[op](h);
      else if (op === 'exp') h = T.exp(T.tanh(h));
      else if (op === 'div') h = T.div(h, T.add(T.square(other), 1));
      else if (op === 'mean') terms.push(T.mean(h));
      else h = rng.uniform() < 0.5 ? T[op](h, other) : T[op](other, h);
    }
    return terms.reduce((acc, s) => T.add(acc, s), T.sum(h));
  };
  return { shapes, f };
}

function asModel(shapes: number[][], f: (...xs: Tensor[]) => Tensor, compile: boolean | 'check'): Model {
  const params: Record<string, number[]> = {};
  shapes.forEach((s, i) => (params[`x${i}`] = s));
  return defineModel({ params, compile, logp: (p) => f(...shapes.map((_, i) => p[`x${i}`])) });
}

test('codegen: random elementwise chains with broadcasting, generated and interpreted, match eager exactly', (t) => {
  for (let seed = 1; seed <= 25; seed++) {
    const { shapes, f } = chain(seed);
    const dim = shapes.reduce((a, s) => a + s.reduce((p, d) => p * d, 1), 0);
    const ps = points(dim, 3, seed, 0.8);
    threeWays(t, `chain ${seed} over ${shapes.map((s) => `[${s}]`).join(' ')}`, (c) => asModel(shapes, f, c ? 'check' : false), ps[0], ps);
  }
  t.end();
});

/** The plan of `f` at x, recorded on a fresh tape. */
function planOf(shapes: number[][], f: (...xs: Tensor[]) => Tensor, x: Float64Array) {
  const tape = new Tape();
  const recorder = new Recorder(tape);
  const { out, leaves } = recorder.watch(() =>
    withTape(tape, () => {
      let off = 0;
      const ls = shapes.map((s) => {
        const n = s.reduce((p, d) => p * d, 1);
        const l = tape.leaf(x.subarray(off, (off += n)), s);
        return l;
      });
      return { out: f(...ls), leaves: ls };
    }),
  );
  return buildPlan(recorder, leaves, out);
}

test('codegen: raw·sd + mu is one loop writing both outputs', (t) => {
  const shapes = [[6, 2, 5], [], [2, 5]];
  const x = points(6 * 10 + 1 + 10, 1, 4, 1)[0];
  const plan = planOf(shapes, (raw, sd, mu) => T.sum(T.add(T.mul(raw, sd), mu)), x);
  const { source } = planSource(plan);
  const loops = source.split('\n').filter((l) => l.startsWith('for (let j = 0; j < 60; j++) {'));
  t.equal(loops.length, 1, 'one fused loop over the 60 elements');
  t.equal((loops[0]?.match(/\] = /g) ?? []).length, 2, 'it stores the product and the sum');
  t.end();
});

test('codegen: a sum of everything closes the fused loop before it (Σ of squares)', (t) => {
  const x = points(12, 1, 6, 1)[0];
  const f = (a: Tensor) => T.sum(T.square(T.mul(a, 0.5)));
  const { source } = planSource(planOf([[3, 4]], f, x));
  const loops = source.split('\n').filter((l) => l.startsWith('for (let j = 0; j < 12; j++) {'));
  t.equal(loops.length, 1, 'one loop over the 12 elements');
  t.ok(/s \+= v\d+\[j\];/.test(loops[0] ?? ''), `it adds the sum's terms: ${loops[0]}`);
  threeWays(t, 'Σ (a/2)²', (c) => asModel([[3, 4]], f, c ? 'check' : false), x, points(12, 3, 7, 2));
  t.end();
});

test('codegen: an op whose kernel has no text runs through its kernel in generated code', (t) => {
  // A user's op with a plan kernel but no `source`: cube, d/dx = 3x².
  const kernel: PlanKernel<null> = {
    forward: (_a, ins, out) => { for (let i = 0; i < out.length; i++) out[i] = ins[0][i] * ins[0][i] * ins[0][i]; },
    backward: (_a, _i, ins, _out, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = 3 * ins[0][i] * ins[0][i] * g[i]; },
  };
  const cube = (x: Tensor) => {
    const out = new Tensor(x.buffer.map((v) => v * v * v), x.shape);
    return record(out, [x], (g) => accumulate(x, x.buffer.map((v, i) => 3 * v * v * g[i]), x.shape, 'cube', true), 'cube', planned(kernel, null));
  };
  const f = (a: Tensor) => T.add(T.logSumExp(cube(a)), T.sum(T.tanh(a)));
  const ps = points(4, 3, 2, 0.7);
  threeWays(t, 'cube and logSumExp', (c) => asModel([[4]], f, c ? 'check' : false), ps[0], ps);
  const { source } = planSource(planOf([[4]], f, ps[0]));
  t.ok(/v\d+\.forward\(/.test(source) && /v\d+\.backward\(/.test(source), 'the generated code calls the kernels of the ops it has no text for');
  t.end();
});

test('codegen: a non-EvalError from code generation is not hidden by the fallback', (t) => {
  const plan = planOf([[3]], (a) => T.sum(T.square(a)), Float64Array.of(1, 2, 3));
  const original = globalThis.Function;
  globalThis.Function = function broken() {
    throw new TypeError('not a CSP refusal');
  } as unknown as FunctionConstructor;
  try {
    t.throws(() => planRunner(plan), /not a CSP refusal/);
  } finally {
    globalThis.Function = original;
  }
  t.end();
});

test('codegen: a long plan is split into parts of at most MAX_FUNCTION_LENGTH characters, called in order, and still exact', (t) => {
  // A forward-algorithm-like recurrence: hundreds of small steps, as an HMM's log-likelihood.
  const f = (a: Tensor, m: Tensor) => {
    let h = T.tanh(a);
    for (let s = 0; s < 150; s++) h = T.add(T.logSumExp(T.add(T.reshape(h, [3, 1]), m), 0), T.mul(h, 0.5));
    return T.sum(h);
  };
  const shapes = [[3], [3, 3]];
  const ps = points(12, 3, 9, 0.5);
  const { source } = planSource(planOf(shapes, f, ps[0]));
  const parts = [...source.matchAll(/^function (forward|backward)(\d+)\((x|gradOut)\) \{$/gm)];
  const forwards = parts.filter((p) => p[1] === 'forward').length;
  const backwards = parts.filter((p) => p[1] === 'backward').length;
  t.ok(forwards >= 2 && backwards >= 2, `split into ${forwards} forward and ${backwards} backward parts`);
  // Each part's text: from its header to the next function header.
  const bodies = source.split(/^(?=function )/m).filter((b) => /^function (forward|backward)\d+\(/.test(b));
  const longest = Math.max(...bodies.map((b) => b.length));
  t.ok(longest <= MAX_FUNCTION_LENGTH + 2000, `the longest part has ${longest} characters (limit ${MAX_FUNCTION_LENGTH}, plus one statement)`);
  t.ok(/^if \(!forward0\(x\)\) return false;$/m.test(source) && /^backward0\(gradOut\);$/m.test(source), 'forward and backward call their parts in order');
  threeWays(t, '150-step recurrence', (c) => asModel(shapes, f, c ? 'check' : false), ps[0], ps);
  t.end();
});
