import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { leapfrog, hamiltonian, type PhasePoint } from '../../../samplers/mcmc/integrator.js';
import { euclideanMetric } from '../../../samplers/mcmc/metric.js';
import type { LogDensity } from '../../../samplers/types.js';

// Harmonic oscillator: log π(x) = -½ Σ x_i² / s_i².
const scales = [1, 2];
const oscillator: LogDensity = {
  dim: 2,
  logDensityAndGrad(x, g) {
    let lp = 0;
    for (let i = 0; i < 2; i++) {
      lp -= (0.5 * x[i] * x[i]) / (scales[i] * scales[i]);
      g[i] = -x[i] / (scales[i] * scales[i]);
    }
    return lp;
  },
};

function start(): PhasePoint {
  const position = Float64Array.of(1, -0.5);
  const logDensityGrad = new Float64Array(2);
  const logDensity = oscillator.logDensityAndGrad(position, logDensityGrad);
  return { position, momentum: Float64Array.of(0.3, 0.8), logDensity, logDensityGrad };
}

function maxEnergyError(stepSize: number, time: number): number {
  const metric = euclideanMetric(Float64Array.of(1, 1), 2);
  let z = start();
  const h0 = hamiltonian(metric, z);
  let worst = 0;
  for (let i = 0; i < Math.round(time / stepSize); i++) {
    z = leapfrog(oscillator, metric, z, stepSize);
    worst = Math.max(worst, Math.abs(hamiltonian(metric, z) - h0));
  }
  return worst;
}

test('leapfrog: energy error is O(stepSize²) on a harmonic oscillator', (t) => {
  const e1 = maxEnergyError(0.1, 20);
  const e2 = maxEnergyError(0.05, 20);
  const e3 = maxEnergyError(0.025, 20);
  // Second order: halving the step divides the error by 4 (up to higher-order terms).
  t.ok(e1 / e2 > 3.6 && e1 / e2 < 4.4, `ratio 0.1→0.05 is ${(e1 / e2).toFixed(3)}`);
  t.ok(e2 / e3 > 3.8 && e2 / e3 < 4.2, `ratio 0.05→0.025 is ${(e2 / e3).toFixed(3)}`);
  t.ok(e1 < 0.01, `energy error ${e1} stays bounded (symplectic)`);
  t.end();
});

test('leapfrog: reversible (negate momentum, integrate back)', (t) => {
  for (const inv of [Float64Array.of(1, 0.5), Float64Array.of(1, 0.3, 0.3, 0.5)]) {
    const metric = euclideanMetric(inv, 2);
    const z0 = start();
    let z = z0;
    for (let i = 0; i < 50; i++) z = leapfrog(oscillator, metric, z, 0.2);
    z = { ...z, momentum: z.momentum.map((p) => -p) };
    for (let i = 0; i < 50; i++) z = leapfrog(oscillator, metric, z, 0.2);
    for (let i = 0; i < 2; i++) {
      t.ok(Math.abs(z.position[i] - z0.position[i]) < 1e-12, `${metric.kind}: position[${i}] returns (${z.position[i]} vs ${z0.position[i]})`);
      t.ok(Math.abs(z.momentum[i] + z0.momentum[i]) < 1e-12, `${metric.kind}: momentum[${i}] returns negated`);
    }
  }
  t.end();
});

test('leapfrog: does not mutate its input point', (t) => {
  const metric = euclideanMetric(Float64Array.of(1, 1), 2);
  const z = start();
  const copy = { position: z.position.slice(), momentum: z.momentum.slice(), grad: z.logDensityGrad.slice() };
  leapfrog(oscillator, metric, z, 0.3);
  t.deepEqual([...z.position, ...z.momentum, ...z.logDensityGrad], [...copy.position, ...copy.momentum, ...copy.grad]);
  t.end();
});

test('metric: dense with a diagonal matrix agrees with diag; momenta have covariance M', (t) => {
  const diag = euclideanMetric(Float64Array.of(2, 0.5), 2);
  const dense = euclideanMetric(Float64Array.of(2, 0, 0, 0.5), 2);
  const p = Float64Array.of(0.7, -1.3);
  t.ok(Math.abs(diag.kineticEnergy(p) - dense.kineticEnergy(p)) < 1e-15, 'same kinetic energy');
  // Dense M⁻¹ = [[1, .6], [.6, 1]] ⇒ M = [[1, -.6], [-.6, 1]] / 0.64.
  const m = euclideanMetric(Float64Array.of(1, 0.6, 0.6, 1), 2);
  const rng = Rng.fromSeed(7);
  const n = 40000;
  const s = [0, 0, 0];
  const out = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    m.sampleMomentum(rng, out);
    s[0] += out[0] * out[0];
    s[1] += out[0] * out[1];
    s[2] += out[1] * out[1];
  }
  const expected = [1 / 0.64, -0.6 / 0.64, 1 / 0.64];
  // SE of a sample second moment of a Gaussian: sqrt((σ_ii σ_jj + σ_ij²)/n); 5 SE.
  const se = [Math.sqrt((2 * expected[0] ** 2) / n), Math.sqrt((expected[0] * expected[2] + expected[1] ** 2) / n), Math.sqrt((2 * expected[2] ** 2) / n)];
  for (let k = 0; k < 3; k++) t.ok(Math.abs(s[k] / n - expected[k]) < 5 * se[k], `moment ${k}: ${(s[k] / n).toFixed(4)} vs ${expected[k].toFixed(4)}`);
  t.throws(() => euclideanMetric(Float64Array.of(1, 2, 2, 1), 2), /positive definite/, 'not positive definite is rejected');
  t.throws(() => euclideanMetric(Float64Array.of(1, 2, 3), 2), /length 2 \(diagonal\) or 4/, 'wrong length is rejected');
  t.throws(() => euclideanMetric(Float64Array.of(1, -1), 2), /diagonal entry 1/, 'negative diagonal rejected');
  t.end();
});
