/**
 * Eight schools (Rubin 1981; BDA3 §5.5), centred and non-centred, with mu ~ N(0, 5) and
 * tau ~ half-Cauchy(5) as in Stan's case studies, and its exact posterior by quadrature: given
 * tau, (mu, theta) is Gaussian, so one integral over tau gives every posterior mean and sd.
 */
import { T, defineModel, dist, libm, type Model, type Tensor } from '../../../index.js';

// zoo: eight schools
const y = Float64Array.from([28, 8, -3, 7, -1, 1, 18, 12]);
const sigma = Float64Array.from([15, 10, 16, 11, 9, 11, 10, 18]);

/** theta_j ~ N(mu, tau) directly: a funnel between tau and theta that NUTS finds hard. */
export function eightSchoolsCentred(): Model {
  return defineModel({
    params: { mu: [], tau: { shape: [], transform: 'log' }, theta: [8] },
    logp: ({ mu, tau, theta }) =>
      T.add(T.add(dist.normal(mu, 0, 5), dist.halfCauchy(tau, 5)), T.add(dist.normal(theta, mu, tau), dist.normal(y, theta, sigma))),
  });
}

/**
 * theta = mu + tau·eta with eta ~ N(0, 1): the same posterior without the funnel. theta is a
 * derived quantity (Stan's transformed parameter) and log p(y_j | theta_j) the pointwise
 * log-likelihood `log_lik` that `loo(trace)` reads.
 */
export function eightSchoolsNonCentred(): Model {
  const theta = ({ mu, tau, eta }: Record<string, Tensor>) => T.add(mu, T.mul(tau, eta));
  return defineModel({
    params: { mu: [], tau: { shape: [], transform: 'log' }, eta: [8] },
    logp: (p) => T.add(T.add(dist.normal(p.mu, 0, 5), dist.halfCauchy(p.tau, 5)), T.add(dist.normal(p.eta, 0, 1), dist.normal(y, theta(p), sigma))),
    derived: (p) => ({ theta: theta(p) }),
    logLik: (p) => dist.normal.pointwise(y, theta(p), sigma),
  });
}
// end zoo

const Y = Array.from(y), SIGMA = Array.from(sigma);

export interface Moments {
  mean: number;
  sd: number;
}

/**
 * The exact posterior moments of mu, tau, theta[j] and eta[j] = (theta_j − mu)/tau. Given tau,
 * y_j | mu ~ N(mu, s_j² + tau²), so mu | tau, y is Gaussian (precision P, mean m) and
 * theta_j | mu, tau, y ~ N(a_j + b_j·mu, v_j); p(tau | y) ∝ p(tau)·∫ p(mu) Π N(y_j | mu, s_j² + tau²) dmu
 * in closed form. The integral over tau runs over u = log tau by Simpson's rule.
 */
export function eightSchoolsExact(): Record<string, Moments> {
  const J = Y.length, steps = 8000, lo = -14, hi = 9, h = (hi - lo) / steps;
  const names = ['mu', 'tau', ...Y.map((_, j) => `theta[${j}]`), ...Y.map((_, j) => `eta[${j}]`)];
  const m1 = new Float64Array(names.length), m2 = new Float64Array(names.length);
  const logW: number[] = [], rows: { e: number[]; e2: number[] }[] = [];
  for (let s = 0; s <= steps; s++) {
    const tau = libm.exp(lo + s * h);
    const V = SIGMA.map((sj) => sj * sj + tau * tau);
    const P = 1 / 25 + V.reduce((a, v) => a + 1 / v, 0);
    const m = Y.reduce((a, yj, j) => a + yj / V[j], 0) / P;
    // log p(tau) + log ∫ N(mu | 0, 25) Π N(y_j | mu, V_j) dmu (constants dropped), + log tau (du).
    let lw = -libm.log(1 + (tau / 5) ** 2) + libm.log(tau) - 0.5 * libm.log(P) + 0.5 * m * m * P;
    for (let j = 0; j < J; j++) lw -= 0.5 * libm.log(V[j]) + 0.5 * (Y[j] * Y[j]) / V[j];
    logW.push(lw + libm.log(s === 0 || s === steps ? 1 : s % 2 === 1 ? 4 : 2));
    const e = [m, tau], e2 = [1 / P + m * m, tau * tau];
    const et: number[] = [], et2: number[] = [], eh: number[] = [], eh2: number[] = [];
    for (let j = 0; j < J; j++) {
      const prec = 1 / (SIGMA[j] * SIGMA[j]) + 1 / (tau * tau);
      const a = Y[j] / (SIGMA[j] * SIGMA[j]) / prec, b = 1 / (tau * tau) / prec, v = 1 / prec;
      const mt = a + b * m, vt = v + (b * b) / P;
      et.push(mt), et2.push(vt + mt * mt);
      // theta_j − mu = a + (b − 1)·mu + noise; b − 1 = −(1/s²)/prec, written so it keeps its digits.
      const bm1 = -1 / (SIGMA[j] * SIGMA[j]) / prec, md = a + bm1 * m, vd = v + (bm1 * bm1) / P;
      eh.push(md / tau), eh2.push((vd + md * md) / (tau * tau));
    }
    rows.push({ e: [...e, ...et, ...eh], e2: [...e2, ...et2, ...eh2] });
  }
  const top = Math.max(...logW);
  let z = 0;
  rows.forEach((r, s) => {
    const w = libm.exp(logW[s] - top);
    z += w;
    r.e.forEach((v, i) => ((m1[i] += w * v), (m2[i] += w * r.e2[i])));
  });
  const out: Record<string, Moments> = {};
  names.forEach((name, i) => {
    const mean = m1[i] / z;
    out[name] = { mean, sd: Math.sqrt(m2[i] / z - mean * mean) };
  });
  return out;
}
