/**
 * Compiled vs eager, op by op: every row of the op table (op_rows.ts) as a model, and random
 * composite graphs with broadcasting. The compiled plan must give the eager tape's value and
 * gradient bit for bit (the models run in checking mode, which also compares every op).
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { broadcastShapes } from '../../../core/shape.js';
import { T, Tensor } from '../../../autodiff/index.js';
import { defineModel, type Model } from '../../../models/define_model.js';
import { opRows } from '../op_rows.js';

/** A model whose parameters are `shapes` and whose log density is `f` of them. */
function asModel(shapes: readonly (readonly number[])[], f: (...xs: Tensor[]) => Tensor, compile: boolean | 'check'): Model {
  const params: Record<string, number[]> = {};
  shapes.forEach((s, i) => (params[`x${i}`] = [...s]));
  return defineModel({ params, compile, logp: (p) => f(...shapes.map((_, i) => p[`x${i}`])) });
}

/** Value and gradient of `m` at x. */
function run(m: Model, x: Float64Array): { value: number; grad: Float64Array } {
  const grad = new Float64Array(m.dim);
  return { value: m.logDensityAndGrad(x, grad), grad };
}

const identical = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]) || v === b[i]);

/** Compiled (checking) and eager twins agree exactly at each point, over repeated calls. */
function agree(t: test.Test, what: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor, points: Float64Array[]): void {
  const compiled = asModel(shapes, f, 'check');
  const eager = asModel(shapes, f, false);
  for (const x of [...points, ...points]) {
    const c = run(compiled, x);
    const e = run(eager, x);
    if (!(Object.is(c.value, e.value) && identical(c.grad, e.grad))) {
      t.fail(`${what}: compiled ${c.value} vs eager ${e.value}`);
      return;
    }
  }
  t.equal(compiled.compilation.state, 'compiled', `${what}: compiled (${compiled.compilation.reason ?? 'no reason'}) and bit-identical to eager`);
}

test('compiled vs eager: every row of the op table', (t) => {
  const rng = Rng.fromSeed(7);
  for (const row of opRows(rng)) {
    const inputs = [row.inputs(), row.inputs()];
    const shapes = inputs[0].map((x) => [...x.shape]);
    const points = inputs.map((xs) => Float64Array.from(xs.flatMap((x) => Array.from(x.data))));
    agree(t, `${row.op} ${row.name}`, shapes, row.f, points);
  }
  t.end();
});

function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  try {
    broadcastShapes(a, b, 'test');
    return true;
  } catch {
    return false;
  }
}

const SHAPES = [[3, 4], [4], [3, 1], [], [1, 4]];
const UNARY = ['tanh', 'sigmoid', 'square', 'softplus', 'logSigmoid', 'neg', 'abs'] as const;
const BINARY = ['add', 'sub', 'mul'] as const;

/**
 * A random graph over leaves of broadcast-compatible shapes: unary and binary ops, a division by
 * a positive value, axis sums and a matrix product, reduced to a scalar at the end. The same
 * `seed` gives the same graph on every call, as a log density must.
 */
function randomGraph(seed: number): { shapes: number[][]; f: (...xs: Tensor[]) => Tensor } {
  const shapes = Array.from({ length: 3 }, (_, i) => SHAPES[(seed + i * 2) % SHAPES.length]);
  const f = (...leaves: Tensor[]) => {
    const rng = Rng.fromSeed(seed);
    const pick = (xs: readonly Tensor[]) => xs[Math.floor(rng.uniform() * xs.length)];
    // A partner for `a` among the nodes whose shapes broadcast with its shape (there is always a itself).
    const partner = (a: Tensor) => pick(nodes.filter((b) => broadcasts(a.shape, b.shape)));
    const nodes: Tensor[] = [...leaves];
    for (let k = 0; k < 10; k++) {
      const r = rng.uniform();
      const a = pick(nodes);
      if (r < 0.3) nodes.push(T[UNARY[Math.floor(rng.uniform() * UNARY.length)]](a));
      else if (r < 0.7) nodes.push(T[BINARY[Math.floor(rng.uniform() * BINARY.length)]](a, partner(a)));
      else if (r < 0.8) nodes.push(T.div(a, T.add(T.square(partner(a)), 1)));
      else if (r < 0.9 && a.rank >= 1) nodes.push(T.sum(a, -1, rng.uniform() < 0.5));
      else if (a.rank === 2) nodes.push(T.matmul(a, T.transpose(a)));
      else nodes.push(T.mul(a, 0.5));
    }
    // Mixing every node in keeps them all on the gradient's path.
    return nodes.map((n) => T.sum(n)).reduce((acc, s) => T.add(acc, s));
  };
  return { shapes, f };
}

test('compiled vs eager: random composite graphs with broadcasting', (t) => {
  const rng = Rng.fromSeed(11);
  for (let seed = 1; seed <= 30; seed++) {
    const { shapes, f } = randomGraph(seed);
    const size = shapes.reduce((acc, s) => acc + s.reduce((p, d) => p * d, 1), 0);
    const points = [0, 1, 2].map(() => Float64Array.from({ length: size }, () => rng.uniformRange(-1.5, 1.5)));
    agree(t, `graph ${seed} over ${shapes.map((s) => `[${s}]`).join(' ')}`, shapes, f, points);
  }
  t.end();
});
