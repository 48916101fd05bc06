/**
 * The hand-fused hierarchical BNN of bench/ is the benchmark's speed limit, so it must compute
 * exactly hbnn's function: its value and gradient equal `hierarchicalBnn`'s to 1e-9 at random
 * points, its gradient passes a central finite-difference check, and bad inputs are rejected.
 */
import test from 'tape';
import { Rng } from '../../core/rng.js';
import { rotatedMoons } from '../../models/data/moons.js';
import { hierarchicalBnn } from '../../models/bnn/hierarchical.js';
import { blockedLayout, hierBnnFused, layoutDim, layoutFromParams, type FusedGroup } from '../../bench/hier_bnn_fused.js';

const SIZES = [2, 5, 5, 1];
const hbnnNames = (l: number) => ({ mean: `mu${l}`, sd: `sd${l}`, raw: `raw${l}` });

function studyGroups(groups: number, seed: number) {
  const study = rotatedMoons({ groups, seed });
  const data: FusedGroup[] = study.Xs_train.map((X, g) => ({ X: Float64Array.from(X.flat()), y: Float64Array.from(study.Ys_train[g]) }));
  return { study, data };
}

/** A random point: weights ~ N(0, scale²), log-sds around log 0.5 so both the funnel's ends are visited. */
function randomPoint(rng: Rng, dim: number, scale: number): Float64Array {
  const x = new Float64Array(dim);
  for (let i = 0; i < dim; i++) x[i] = scale * rng.normal();
  return x;
}

test('bench fused: hbnn layout of the study model is mu*, sd*, raw* blocks with 763 parameters', (t) => {
  const { study, data } = studyGroups(18, 7);
  const model = hierarchicalBnn(study);
  const layout = layoutFromParams(model.params, SIZES, 18, hbnnNames);
  t.equal(model.dim, 763, 'hbnn model has 763 parameters');
  t.equal(layoutDim(layout), 763, 'fused layout has 763 parameters');
  t.deepEqual(layout, blockedLayout(SIZES, 18), 'model order is [means, log-sds, raws]');
  t.equal(hierBnnFused(data, layout).dim, 763, 'fused LogDensity has dim 763');
  t.end();
});

test('bench fused: value and gradient equal hbnn hierarchicalBnn to 1e-9 at random points', (t) => {
  const { study, data } = studyGroups(18, 11);
  const model = hierarchicalBnn(study);
  const fused = hierBnnFused(data, layoutFromParams(model.params, SIZES, 18, hbnnNames));
  const rng = Rng.fromSeed(20180101);
  const gModel = new Float64Array(model.dim);
  const gFused = new Float64Array(model.dim);
  let worstValue = 0;
  let worstGrad = 0;
  // Scales from near the origin to saturated tanh units and large logits.
  for (const scale of [0.1, 0.5, 1, 2, 4]) {
    for (let rep = 0; rep < 4; rep++) {
      const x = randomPoint(rng, model.dim, scale);
      gFused.fill(NaN); // every entry must be written
      const vModel = model.logDensityAndGrad(x, gModel);
      const vFused = fused.logDensityAndGrad(x, gFused);
      worstValue = Math.max(worstValue, Math.abs(vModel - vFused) / Math.max(1, Math.abs(vModel)));
      for (let i = 0; i < model.dim; i++) {
        worstGrad = Math.max(worstGrad, Math.abs(gModel[i] - gFused[i]) / Math.max(1, Math.abs(gModel[i])));
      }
    }
  }
  t.ok(worstValue <= 1e-9, `value: max relative difference ${worstValue.toExponential(2)} <= 1e-9`);
  t.ok(worstGrad <= 1e-9, `gradient: max relative difference ${worstGrad.toExponential(2)} <= 1e-9 (NaN fails)`);
  t.end();
});

test('bench fused: a repeated call gives bit-identical results (no state leaks between calls)', (t) => {
  const { data } = studyGroups(3, 5);
  const fused = hierBnnFused(data, blockedLayout(SIZES, 3));
  const rng = Rng.fromSeed(3);
  const x1 = randomPoint(rng, fused.dim, 1);
  const x2 = randomPoint(rng, fused.dim, 1);
  const g1 = new Float64Array(fused.dim);
  const g2 = new Float64Array(fused.dim);
  const v1 = fused.logDensityAndGrad(x1, g1);
  fused.logDensityAndGrad(x2, g2);
  const v1again = fused.logDensityAndGrad(x1, g2);
  t.equal(v1again, v1, 'same value');
  t.deepEqual(Array.from(g2), Array.from(g1), 'same gradient');
  t.end();
});

test('bench fused: gradient agrees with central finite differences', (t) => {
  // Small study (3 groups) and a layout other than hbnn's, so the check covers any offsets.
  const { data } = studyGroups(3, 13);
  const base = blockedLayout(SIZES, 3);
  // Reverse the block order: raws first (3 groups × 40 weights), then the means, then the sds.
  const dim = layoutDim(base);
  const rawTotal = 3 * 40;
  const layout = {
    ...base,
    rawOffsets: base.rawOffsets.map((o) => o - base.rawOffsets[0]),
    meanOffsets: base.meanOffsets.map((o) => rawTotal + o),
    logSdOffsets: [0, 1, 2].map((l) => rawTotal + 40 + l),
  };
  const fused = hierBnnFused(data, layout);
  const rng = Rng.fromSeed(99);
  const x = randomPoint(rng, dim, 0.7);
  const g = new Float64Array(dim);
  fused.logDensityAndGrad(x, g);
  const scratch = new Float64Array(dim);
  const eps = 1e-5;
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < dim; i++) {
    const xi = x[i];
    x[i] = xi + eps;
    const up = fused.logDensityAndGrad(x, scratch);
    x[i] = xi - eps;
    const down = fused.logDensityAndGrad(x, scratch);
    x[i] = xi;
    const fd = (up - down) / (2 * eps);
    // Central differences err by O(eps²·f''') plus rounding O(ulp(f)/eps) ≈ 1e-13·|f|/1e-5.
    const err = Math.abs(fd - g[i]) / Math.max(1, Math.abs(g[i]));
    if (err > worst) { worst = err; worstIndex = i; }
  }
  t.ok(worst < 1e-6, `max relative error ${worst.toExponential(2)} at index ${worstIndex} < 1e-6`);
  t.end();
});

test('bench fused: errors name the bad argument', (t) => {
  const { data } = studyGroups(2, 1);
  const layout = blockedLayout(SIZES, 2);
  t.throws(() => hierBnnFused(data, blockedLayout(SIZES, 3)), /data has 2 groups, the layout 3/);
  t.throws(() => hierBnnFused(data, blockedLayout([2, 5, 2], 2)), /last size must be 1/);
  t.throws(() => hierBnnFused([{ X: data[0].X.subarray(1), y: data[0].y }, data[1]], layout), /group 0 has X of length 99 for 50 labels/);
  t.throws(() => hierBnnFused([{ X: data[0].X, y: Float64Array.from(data[0].y, (v) => v * 2) }, data[1]], layout), /group 0 label y\[\d+\] = 2/);
  t.throws(() => hierBnnFused(data, { ...layout, logSdOffsets: [40, 41, 123] }), /logSdOffsets\[2\] at offset 123 \(size 1\) does not fit in the 123-vector/);
  t.throws(() => hierBnnFused(data, { ...layout, logSdOffsets: [40, 41, 0] }), /logSdOffsets\[2\] overlaps layout.meanOffsets\[0\] at index 0/);
  const fused = hierBnnFused(data, layout);
  t.throws(() => fused.logDensityAndGrad(new Float64Array(3), new Float64Array(fused.dim)), /length 123, got 3/);
  const params = [{ name: 'mu0', shape: [2, 5] }];
  t.throws(() => layoutFromParams(params, SIZES, 2, hbnnNames), /no parameter 'sd0' among mu0/);
  t.throws(() => layoutFromParams([{ name: 'mu0', shape: [2, 4] }], SIZES, 2, hbnnNames), /'mu0' has shape \[2, 4\], expected \[2, 5\]/);
  t.end();
});

test('bench fused: the TensorFlow.js baseline computes the same function (to float32 precision) on both backends', async (t) => {
  // tfjs works in float32 (unit roundoff u = 2^-24 ≈ 6e-8). The longest sums in the gradient run
  // over 18 × 50 points, so rounding stays below 900·u ≈ 5e-5 relative to the terms; a wrong
  // layout, prior or constant differs at order 1. 1e-3 sits between the two.
  const { hierBnnTfjs, useTfjsBackend } = await import('../../bench/hier_bnn_tfjs.js');
  const { study, data } = studyGroups(18, 17);
  const model = hierarchicalBnn(study);
  const layout = layoutFromParams(model.params, SIZES, 18, hbnnNames);
  const fused = hierBnnFused(data, layout);
  const rng = Rng.fromSeed(4);
  const points = [0.3, 1, 2].map((scale) => randomPoint(rng, fused.dim, scale));
  for (const backend of ['cpu', 'wasm'] as const) {
    await useTfjsBackend(backend);
    const tfjs = hierBnnTfjs(data, layout);
    let worstValue = 0;
    let worstGrad = 0;
    const gRef = new Float64Array(fused.dim);
    const gTf = new Float64Array(fused.dim);
    for (const x of points) {
      const vRef = fused.logDensityAndGrad(x, gRef);
      const vTf = tfjs.logDensityAndGrad(x, gTf);
      worstValue = Math.max(worstValue, Math.abs(vTf - vRef) / Math.max(1, Math.abs(vRef)));
      for (let i = 0; i < gRef.length; i++) worstGrad = Math.max(worstGrad, Math.abs(gTf[i] - gRef[i]) / Math.max(1, Math.abs(gRef[i])));
    }
    tfjs.dispose();
    t.ok(worstValue < 1e-3, `tfjs ${backend}: value max relative difference ${worstValue.toExponential(2)} < 1e-3`);
    t.ok(worstGrad < 1e-3, `tfjs ${backend}: gradient max relative difference ${worstGrad.toExponential(2)} < 1e-3 (NaN fails)`);
  }
  // Groups of unequal size: tfjs pads and masks, the fused code loops over each group's points.
  const ragged = studyGroups(3, 19).data.map((d, g) => {
    const n = [50, 30, 41][g];
    return { X: d.X.slice(0, 2 * n), y: d.y.slice(0, n) };
  });
  const raggedLayout = blockedLayout(SIZES, 3);
  const fusedRagged = hierBnnFused(ragged, raggedLayout);
  const tfRagged = hierBnnTfjs(ragged, raggedLayout);
  const x = randomPoint(rng, fusedRagged.dim, 1);
  const gRef = new Float64Array(fusedRagged.dim);
  const gTf = new Float64Array(fusedRagged.dim);
  const vRef = fusedRagged.logDensityAndGrad(x, gRef);
  const vTf = tfRagged.logDensityAndGrad(x, gTf);
  tfRagged.dispose();
  let worst = 0;
  for (let i = 0; i < gRef.length; i++) worst = Math.max(worst, Math.abs(gTf[i] - gRef[i]) / Math.max(1, Math.abs(gRef[i])));
  t.ok(Math.abs(vTf - vRef) / Math.max(1, Math.abs(vRef)) < 1e-3 && worst < 1e-3, `tfjs ragged groups (50, 30, 41 points): value ${vTf} vs ${vRef}, gradient max relative difference ${worst.toExponential(2)} < 1e-3`);
  t.end();
});
