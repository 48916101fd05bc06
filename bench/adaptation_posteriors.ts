/**
 * The posteriors of the adaptation benchmark (posteriordb-style): eight schools, non-centred,
 * against posteriordb's reference means; and Gaussian-likelihood regressions whose posteriors are
 * Gaussian, so their means are known in closed form (no reference run needed) — a well-conditioned
 * one, one with predictors on scales 0.01 to 100, an ill-conditioned one with nearly collinear
 * predictors (posterior |corr| ≈ 0.999), and a hierarchical one (group means around a shared one);
 * and the test zoo's correlated varying intercepts and slopes (LKJ-Cholesky prior, half-normal
 * scales: non-Gaussian, funnel-like in tau) against the zoo's long rstan run
 * (test/fixtures/zoo/correlated_effects.json, written by make_zoo_references.R).
 * Each is an hbnn `defineModel`, written as a user would.
 */
import * as T from '../autodiff/ops/index.js';
import { tensor } from '../autodiff/tensor.js';
import { solveSpd } from '../core/linalg.js';
import { Rng } from '../core/rng.js';
import { defineModel, type Model } from '../models/define_model.js';
import * as dist from '../models/distributions/index.js';
import { eightSchoolsModel } from './fused/eight_schools.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../autodiff/tensor.js';

/** A reference value of one scalar: its mean, and the reference's own MCSE (0 when exact). */
export interface Reference {
  /** Parameter name and flat index, as `trace.scalarChains(name, index)`. */
  name: string;
  index: number;
  mean: number;
  mcse: number;
}

export interface BenchPosterior {
  name: string;
  description: string;
  model: Model;
  /** Scalars derived from the draws of one chain (e.g. theta = mu + tau·theta_tilde) by name. */
  derived?: (get: (name: string, index: number) => Float64Array) => Record<string, Float64Array>;
  references: Reference[];
}

/**
 * posteriordb's eight_schools-eight_schools_noncentered reference means and MCSEs
 * (posterior_database/reference_posteriors/summary_statistics/mean/mean/, commit e3545336):
 * theta[1..8], mu, tau.
 */
const EIGHT_SCHOOLS_REFERENCE = {
  theta: [6.15050229334425, 4.9395811407422, 3.90590609001582, 4.79601675138494, 3.6144363246799, 4.0511475789675, 6.31716975886893, 4.88399694353288],
  thetaMcse: [0.0557375282295219, 0.0462293788624847, 0.0542313705632124, 0.0474935816762281, 0.0461450610244603, 0.0485195392528031, 0.0498766794075794, 0.0542511606560972],
  mu: [4.41051833695493, 0.0330374705950917],
  tau: [3.60205952364059, 0.0318615135640706],
};

function eightSchools(): BenchPosterior {
  const r = EIGHT_SCHOOLS_REFERENCE;
  return {
    name: 'eight_schools_noncentered',
    description: 'eight schools, non-centred (10 parameters); posteriordb reference means',
    model: eightSchoolsModel(),
    derived: (get) => {
      const mu = get('mu', 0), tau = get('tau', 0);
      const out: Record<string, Float64Array> = {};
      for (let j = 0; j < 8; j++) {
        const tt = get('theta_tilde', j);
        out[`theta[${j}]`] = Float64Array.from(mu, (m, d) => m + tau[d] * tt[d]);
      }
      return out;
    },
    references: [
      { name: 'mu', index: 0, mean: r.mu[0], mcse: r.mu[1] },
      { name: 'tau', index: 0, mean: r.tau[0], mcse: r.tau[1] },
      ...r.theta.map((m, j) => ({ name: `theta[${j}]`, index: 0, mean: m, mcse: r.thetaMcse[j] })),
    ],
  };
}

/**
 * y = Xβ + ε, ε ~ N(0, σ²) with σ known, β ~ N(0, priorSd²): the posterior is N(m, V) with
 * V = (XᵀX/σ² + I/priorSd²)⁻¹ and m = V Xᵀy/σ², its mean exact.
 */
function gaussianRegression(name: string, description: string, X: Float64Array, y: Float64Array, n: number, p: number, sigma: number, priorSd: number): BenchPosterior {
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += X[k * p + i] * X[k * p + j];
      a[i * p + j] = s / (sigma * sigma) + (i === j ? 1 / (priorSd * priorSd) : 0);
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += X[k * p + i] * y[k];
    b[i] = s / (sigma * sigma);
  }
  const mean = solveSpd(a, b, p);
  const Xt = tensor(X, [n, p]);
  const yt = tensor(y, [n]);
  const model = defineModel({
    params: { beta: [p] },
    logp: (q) => T.add(dist.normal(q.beta, 0, priorSd), dist.normal(yt, T.matmul(Xt, q.beta), sigma)),
  });
  return { name, description, model, references: Array.from(mean, (m, i) => ({ name: 'beta', index: i, mean: m, mcse: 0 })) };
}

/** A design of n rows: an intercept and p − 1 predictors from `column(rng, row, j)`. */
function design(n: number, p: number, seed: number, column: (rng: Rng, base: Float64Array, j: number) => number) {
  const rng = Rng.fromSeed(seed);
  const X = new Float64Array(n * p);
  const truth = Float64Array.from({ length: p }, () => rng.normal());
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const base = Float64Array.from({ length: p }, () => rng.normal());
    X[k * p] = 1;
    for (let j = 1; j < p; j++) X[k * p + j] = column(rng, base, j);
  }
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += X[k * p + j] * truth[j];
    y[k] = s + rng.normal();
  }
  return { X, y };
}

function wellConditioned(): BenchPosterior {
  const { X, y } = design(100, 6, 1, (_rng, base, j) => base[j]);
  return gaussianRegression('regression', 'linear regression, 6 coefficients, independent predictors (exact posterior)', X, y, 100, 6, 1, 10);
}

function scaled(): BenchPosterior {
  const scales = [1, 0.01, 0.1, 1, 10, 100];
  const { X, y } = design(100, 6, 2, (_rng, base, j) => base[j] * scales[j]);
  return gaussianRegression('regression_scaled', 'linear regression, predictors on scales 0.01 to 100 (posterior sds over 4 decades; exact)', X, y, 100, 6, 1, 1000);
}

function collinear(): BenchPosterior {
  // Predictors 1..4 are one latent factor plus 3% noise each: posterior correlations ≈ −0.999.
  const { X, y } = design(100, 5, 3, (rng, base) => base[1] + 0.03 * rng.normal());
  return gaussianRegression('regression_collinear', 'linear regression, 4 nearly collinear predictors (posterior |corr| ≈ 0.999; exact)', X, y, 100, 5, 1, 10);
}

/**
 * 20 groups, group means α_j ~ N(μ, 1), μ ~ N(0, 5²), y_jk ~ N(α_j, 2²) with 1 to 20 observations
 * per group: Gaussian throughout, so exact; μ is correlated with every α_j.
 */
function hierarchical(): BenchPosterior {
  const J = 20;
  const rng = Rng.fromSeed(4);
  const mu0 = 2 * rng.normal();
  const counts = Array.from({ length: J }, (_, j) => 1 + j);
  const ys: number[] = [];
  const group: number[] = [];
  for (let j = 0; j < J; j++) {
    const a = mu0 + rng.normal();
    for (let k = 0; k < counts[j]; k++) {
      ys.push(a + 2 * rng.normal());
      group.push(j);
    }
  }
  const n = ys.length;
  // As a regression on θ = (μ, α_1..α_J): the prior α_j − μ ~ N(0, 1) couples them, so solve directly.
  const p = J + 1;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  a[0] = 1 / 25;
  for (let j = 0; j < J; j++) {
    const i = j + 1;
    a[0] += 1;
    a[i * p + i] += 1 + counts[j] / 4;
    a[i * p] -= 1;
    a[i] -= 1;
  }
  for (let k = 0; k < n; k++) b[group[k] + 1] += ys[k] / 4;
  const mean = solveSpd(a, b, p);
  const onehot = new Float64Array(n * J);
  group.forEach((g, k) => (onehot[k * J + g] = 1));
  const G = tensor(onehot, [n, J]);
  const yt = tensor(Float64Array.from(ys), [n]);
  const model = defineModel({
    params: { mu: [], alpha: [J] },
    logp: (q) => T.add(T.add(dist.normal(q.mu, 0, 5), dist.normal(q.alpha, q.mu, 1)), dist.normal(yt, T.matmul(G, q.alpha), 2)),
  });
  return {
    name: 'hierarchical_gaussian',
    description: '20 group means around a shared one, 1 to 20 observations per group (21 parameters; exact)',
    model,
    references: [{ name: 'mu', index: 0, mean: mean[0], mcse: 0 }, ...Array.from({ length: J }, (_, j) => ({ name: 'alpha', index: j, mean: mean[j + 1], mcse: 0 }))],
  };
}

interface ZooMoments {
  mean: number;
  mcse_mean: number;
}

/**
 * test/models/zoo/correlated_effects.ts's model (copied: bench code does not import tests):
 * y_i ~ N(a[g_i] + b[g_i]·x_i, sigma), (a, b)_j = mu + diag(tau)·L·z_j, L ~ LKJ-Cholesky(2),
 * mu ~ N(0, 5), tau, sigma ~ N⁺(0, 2.5); 25 parameters. Reference: rstan 2.21, 4 × 10,000 draws.
 */
function correlatedEffects(): BenchPosterior {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const fx = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'zoo', 'correlated_effects.json'), 'utf8')) as {
    data: { J: number; g: number[]; x: number[]; y: number[] };
    reference: { params: Record<string, ZooMoments> };
  };
  const { J } = fx.data;
  const group = Int32Array.from(fx.data.g, (k) => k - 1);
  const x = Float64Array.from(fx.data.x);
  const y = Float64Array.from(fx.data.y);
  const effects = ({ mu, tau, L, z }: Record<string, Tensor>) => T.add(T.reshape(mu, [2, 1]), T.mul(T.reshape(tau, [2, 1]), T.matmul(L, z)));
  const model = defineModel({
    params: { mu: [2], tau: { shape: [2], transform: 'log' }, L: { shape: [2, 2], transform: 'choleskyCorr' }, z: [2, J], sigma: { shape: [], transform: 'log' } },
    logp: (p) => {
      const ab = effects(p);
      const mean = T.add(T.gather(T.index(ab, 0), group), T.mul(T.gather(T.index(ab, 1), group), x));
      const prior = T.add(T.add(dist.normal(p.mu, 0, 5), dist.halfNormal(p.tau, 2.5)), T.add(dist.lkjCholesky(p.L, 2), dist.normal(p.z, 0, 1)));
      return T.add(T.add(prior, dist.halfNormal(p.sigma, 2.5)), dist.normal(y, mean, p.sigma));
    },
  });
  const ref = fx.reference.params;
  const at = (stan: string, name: string, index: number): Reference => ({ name, index, mean: ref[stan].mean, mcse: ref[stan].mcse_mean });
  return {
    name: 'correlated_effects',
    description: 'varying intercepts and slopes, 10 groups, LKJ-Cholesky prior on their correlation (25 parameters; rstan reference)',
    model,
    // rho = Ω[1, 0] = L[1, 0]: flat index 2 of the 2×2 L.
    references: [at('mu[1]', 'mu', 0), at('mu[2]', 'mu', 1), at('tau[1]', 'tau', 0), at('tau[2]', 'tau', 1), at('sigma', 'sigma', 0), at('rho', 'L', 2)],
  };
}

export function benchPosteriors(): BenchPosterior[] {
  return [eightSchools(), wellConditioned(), scaled(), collinear(), hierarchical(), correlatedEffects()];
}
