/**
 * groupPrior on a synthetic hierarchical trace with known mu/sd draws: given the trace, the
 * fitted mean has expectation mean_d(mu_d) and the covariance Cov_d(mu) + mean_d(sd²)·I; both
 * are checked entry by entry within 4 Monte Carlo standard errors derived below.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { Trace } from '../../../samplers/trace/trace.js';
import { groupPrior } from '../../../models/index.js';

const LAYERS = [{ shape: [2, 3] }, { shape: [3, 1] }];
const CHAINS = 2;
const DRAWS = 200;

/** mu_d ~ N(m, A·Aᵀ) with correlated entries; sd_d ~ Uniform(0.3, 1.2); laid out as a Trace row. */
function syntheticTrace(seed: number): Trace {
  const rng = Rng.fromSeed(seed);
  const params = [
    ...LAYERS.map((L, l) => ({ name: `mu${l}`, shape: L.shape })),
    ...LAYERS.map((_, l) => ({ name: `sd${l}`, shape: [] as number[] })),
  ];
  const sizes = LAYERS.map((L) => L.shape[0] * L.shape[1]);
  const width = sizes.reduce((a, b) => a + b, 0) + LAYERS.length;
  const chains = Array.from({ length: CHAINS }, () => {
    const values = new Float64Array(DRAWS * width);
    for (let d = 0; d < DRAWS; d++) {
      let off = d * width;
      for (const k of sizes) {
        const z = rng.fillNormal(new Float64Array(k));
        // Correlate neighbours: mu_i = 0.3·i + z_i + 0.8·z_{i−1}.
        for (let i = 0; i < k; i++) values[off + i] = 0.3 * i + z[i] + (i > 0 ? 0.8 * z[i - 1] : 0);
        off += k;
      }
      for (let l = 0; l < LAYERS.length; l++) values[off + l] = rng.uniformRange(0.3, 1.2);
    }
    return { values, stats: { lp: new Float64Array(DRAWS) } };
  });
  return new Trace({ params, chains });
}

test('groupPrior: mean → mean of mu, cov → Cov(mu) + E[sd²]·I within Monte Carlo error', (t) => {
  const trace = syntheticTrace(11);
  const perDraw = 10;
  const prior = groupPrior(trace, { realizationsPerDraw: perDraw, seed: 3 });
  t.equal(prior.length, 2, 'one prior per layer');
  LAYERS.forEach((L, l) => {
    const p = prior[l];
    t.deepEqual(p.shape, L.shape, `layer ${l} shape`);
    const mu = trace.get(`mu${l}`).values;
    const sd = trace.get(`sd${l}`).values;
    const D = sd.length;
    const k = mu.length / D;
    const S = D * perDraw;
    const m = new Float64Array(k);
    for (let d = 0; d < D; d++) for (let i = 0; i < k; i++) m[i] += mu[d * k + i] / D;
    const c = new Float64Array(k * k);
    for (let d = 0; d < D; d++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) c[i * k + j] += ((mu[d * k + i] - m[i]) * (mu[d * k + j] - m[j])) / D;
    let sd2 = 0, sd4 = 0;
    for (const s of sd) { sd2 += (s * s) / D; sd4 += s ** 4 / D; }
    // Given the trace, w = mu_d + sd_d·ε: the mean's error is ε-noise with variance E[sd²]/S.
    // The covariance's error comes from sd²·ε_iε_j (variance E[sd⁴](1 + δij)/S) and the cross
    // terms (mu_d − m)·sd·ε (variance E[sd²](c_ii + c_jj)/S).
    let worstMean = 0, worstCov = 0;
    for (let i = 0; i < k; i++) {
      worstMean = Math.max(worstMean, Math.abs(p.mean[i] - m[i]) / Math.sqrt(sd2 / S));
      for (let j = 0; j < k; j++) {
        const want = (S / (S - 1)) * c[i * k + j] + (i === j ? sd2 : 0);
        const se = Math.sqrt((sd4 * (i === j ? 2 : 1) + sd2 * (c[i * k + i] + c[j * k + j])) / S);
        worstCov = Math.max(worstCov, Math.abs(p.cov[i * k + j] - want) / se);
      }
    }
    t.ok(worstMean < 4, `layer ${l}: mean within ${worstMean.toFixed(2)} MCSE (< 4)`);
    t.ok(worstCov < 4, `layer ${l}: cov within ${worstCov.toFixed(2)} MCSE (< 4)`);
    let symmetric = true;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) symmetric &&= p.cov[i * k + j] === p.cov[j * k + i];
    t.ok(symmetric, `layer ${l}: cov is exactly symmetric`);
  });
  t.end();
});

test('groupPrior: the seed fixes the realisations; the default is 20 per draw', (t) => {
  const trace = syntheticTrace(12);
  const a = groupPrior(trace, { seed: 1 });
  const b = groupPrior(trace, { seed: 1 });
  const c = groupPrior(trace, { seed: 2 });
  t.deepEqual([...a[0].cov], [...b[0].cov], 'same seed, same prior');
  t.notDeepEqual([...a[0].cov], [...c[0].cov], 'another seed, another prior');
  const d = groupPrior(trace, { seed: 1, realizationsPerDraw: 20 });
  t.deepEqual([...a[1].mean], [...d[1].mean], 'default realizationsPerDraw is 20');
  t.end();
});

test('groupPrior: errors', (t) => {
  const flat = new Trace({ params: [{ name: 'w0', shape: [2] }], chains: [{ values: new Float64Array(4), stats: { lp: new Float64Array(2) } }] });
  t.throws(() => groupPrior(flat), /expects a hierarchical trace with mu0, sd0.*its parameters are w0/);
  const noSd = new Trace({ params: [{ name: 'mu0', shape: [2] }], chains: [{ values: new Float64Array(4), stats: { lp: new Float64Array(2) } }] });
  t.throws(() => groupPrior(noSd), /the trace has mu0 but no sd0/);
  t.throws(() => groupPrior(syntheticTrace(1), { realizationsPerDraw: 0 }), /realizationsPerDraw must be a positive integer, got 0/);
  // A NaN draw would give a NaN mean and covariance (issue 16): refused, naming the parameter.
  const nan = syntheticTrace(1);
  nan.chainDraws[1].values[1] = NaN; // draw 0 of chain 1, mu0[1]: value 200·6 + 1 of mu0
  t.throws(() => groupPrior(nan), /^Error: groupPrior: value 1201 of mu0 in the trace is NaN; its draws must be finite$/);
  const negative = syntheticTrace(1);
  negative.chainDraws[0].values[6 + 3 + 1] = -0.5; // draw 0 of chain 0, sd1
  t.throws(() => groupPrior(negative), /^Error: groupPrior: value 0 of sd1 in the trace is -0.5; its draws must be finite and >= 0$/);
  t.end();
});
