/**
 * predict: the batched posterior mean and sd of the class-1 probability against a naive
 * per-draw, per-point loop written here, for the flat model and for groups of the hierarchical
 * one (and its group-mean network), plus the errors.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { Trace } from '../../../samplers/trace/trace.js';
import { flatBnn, hierarchicalBnn, predict, rotatedMoons, type BnnModel } from '../../../models/index.js';

const rng = Rng.fromSeed(808);
const study = rotatedMoons({ seed: 9, groups: 4 });

/** A trace of random constrained draws in the model's layout. */
function randomTrace(model: BnnModel, chains: number, draws: number): Trace {
  return new Trace({
    params: model.params,
    chains: Array.from({ length: chains }, () => {
      const values = new Float64Array(draws * model.dim);
      for (let d = 0; d < draws; d++) model.constrainInto(rng.fillNormal(new Float64Array(model.dim)), values.subarray(d * model.dim, (d + 1) * model.dim));
      return { values, stats: { lp: new Float64Array(draws) } };
    }),
  });
}

/** Per point, mean and sd (divisor n − 1) of sigmoid(network) over draws, one draw and point at a time. */
function naivePredict(model: BnnModel, trace: Trace, X: number[][], group?: number) {
  const sizes = model.network.sizes;
  const probs: number[][] = X.map(() => []);
  for (const chain of trace.chainDraws) {
    for (let d = 0; d < trace.draws; d++) {
      const w = model.network.weightsFromDraw(chain.values.slice(d * trace.width, (d + 1) * trace.width), group);
      X.forEach((x, i) => {
        let h = x;
        for (let l = 0; l < w.length; l++) {
          const next = Array.from({ length: sizes[l + 1] }, (_, j) => h.reduce((s, v, q) => s + v * w[l][q * sizes[l + 1] + j], 0));
          h = l < w.length - 1 ? next.map(Math.tanh) : next;
        }
        probs[i].push(1 / (1 + Math.exp(-h[0])));
      });
    }
  }
  const mean = probs.map((p) => p.reduce((a, b) => a + b, 0) / p.length);
  const sd = probs.map((p, i) => Math.sqrt(p.reduce((a, b) => a + (b - mean[i]) ** 2, 0) / (p.length - 1)));
  return { mean, sd };
}

function maxDiff(a: Float64Array, b: number[]): number {
  return Math.max(...b.map((v, i) => Math.abs(a[i] - v)));
}

test('predict: flat model equals the naive per-draw loop', (t) => {
  const model = flatBnn({ X: study.Xs_train[0], y: study.Ys_train[0] });
  const trace = randomTrace(model, 2, 15);
  const X = study.Xs_test[0];
  const want = naivePredict(model, trace, X);
  const got = predict(model, trace, X);
  t.ok(maxDiff(got.mean, want.mean) < 1e-12, `mean: max diff ${maxDiff(got.mean, want.mean).toExponential(2)}`);
  t.ok(maxDiff(got.sd, want.sd) < 1e-12, `sd: max diff ${maxDiff(got.sd, want.sd).toExponential(2)}`);
  const chunked = predict(model, trace, Float64Array.from(X.flat()), { chunkDraws: 4 });
  t.ok(maxDiff(chunked.mean, want.mean) < 1e-12, 'row-major Float64Array X and small chunks give the same');
  t.ok(got.sd.every((s) => s > 0), 'random weights give a positive sd');
  t.end();
});

test('predict: hierarchical model per group and with the group-mean weights', (t) => {
  const model = hierarchicalBnn(study);
  const trace = randomTrace(model, 1, 12);
  const X = study.Xs_test[2];
  for (const group of [2, undefined]) {
    const want = naivePredict(model, trace, X, group);
    const got = predict(model, trace, X, { group });
    t.ok(maxDiff(got.mean, want.mean) < 1e-12 && maxDiff(got.sd, want.sd) < 1e-12, `group ${group}: matches the naive loop`);
  }
  const g0 = predict(model, trace, X, { group: 0 });
  const g2 = predict(model, trace, X, { group: 2 });
  t.notDeepEqual([...g0.mean], [...g2.mean], 'different groups predict differently');
  t.end();
});

test('predict: errors', (t) => {
  const model = flatBnn({ X: study.Xs_train[0], y: study.Ys_train[0] });
  const other = hierarchicalBnn(study);
  const trace = randomTrace(other, 1, 2);
  t.throws(() => predict(model, trace, [[0, 0]]), /the trace's parameters \(mu0\[2,5\].*\) do not match the model's \(w0\[2,5\]/);
  const own = randomTrace(model, 1, 2);
  t.throws(() => predict(model, own, [[0, 0, 1]]), /X\[0\] must hold 2 numbers/);
  t.throws(() => predict(model, own, Float64Array.from([1, 2, 3])), /not a multiple of the network's 2 inputs/);
  t.throws(() => predict(other, randomTrace(other, 1, 2), [[0, 0]], { group: 9 }), /group must be an integer in \[0, 3\], got 9/);
  t.end();
});
