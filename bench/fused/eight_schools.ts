/**
 * Eight schools, non-centred (Rubin 1981; the Stan and PyMC classic), as hbnn's `defineModel`
 * and as a closed-form gradient written by hand — the small-model end of the `limits` benchmark.
 *   mu ~ N(0, 5²), tau ~ HalfCauchy(5) (sampled as u = log tau), theta_tilde[j] ~ N(0, 1),
 *   y[j] ~ N(mu + tau·theta_tilde[j], sigma[j]²),  parameters [mu, u, theta_tilde[0..7]].
 */
import * as libm from '../../core/libm.js';
import * as T from '../../autodiff/ops/index.js';
import { defineModel, type Model } from '../../models/define_model.js';
import * as dist from '../../models/distributions/index.js';
import type { LogDensity } from '../../samplers/types.js';

export const SCHOOLS_Y = Float64Array.from([28, 8, -3, 7, -1, 1, 18, 12]);
export const SCHOOLS_SIGMA = Float64Array.from([15, 10, 16, 11, 9, 11, 10, 18]);

/** hbnn's model: what a user writes (`compile: false` for the eager tape). */
export function eightSchoolsModel(compile = true): Model {
  return defineModel({
    params: { mu: [], tau: { shape: [], transform: 'log' }, theta_tilde: [8] },
    compile,
    logp: (p) => {
      const theta = T.add(p.mu, T.mul(p.tau, p.theta_tilde));
      let lp = dist.normal(p.mu, 0, 5);
      lp = T.add(lp, dist.halfCauchy(p.tau, 5));
      lp = T.add(lp, dist.normal(p.theta_tilde, 0, 1));
      return T.add(lp, dist.normal(SCHOOLS_Y, theta, SCHOOLS_SIGMA));
    },
  });
}

const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);

/** The same log density (with every constant and the Jacobian u) and its gradient, by hand. */
export function eightSchoolsFused(): LogDensity {
  const J = SCHOOLS_Y.length;
  const prec = SCHOOLS_SIGMA.map((s) => 1 / (s * s));
  let constant = -libm.log(5) - HALF_LOG_TWO_PI + (Math.LN2 - libm.log(Math.PI) - libm.log(5)) - 2 * J * HALF_LOG_TWO_PI;
  for (let j = 0; j < J; j++) constant -= libm.log(SCHOOLS_SIGMA[j]);
  return {
    dim: J + 2,
    logDensityAndGrad(x: Float64Array, g: Float64Array): number {
      const mu = x[0], u = x[1], tau = libm.exp(u), q = tau / 5;
      let lp = constant - 0.5 * (mu * mu) / 25 - libm.log1p(q * q) + u;
      let gMu = -mu / 25;
      let gTau = (-2 * q) / (5 * (1 + q * q));
      for (let j = 0; j < J; j++) {
        const t = x[2 + j], r = SCHOOLS_Y[j] - mu - tau * t, rp = r * prec[j];
        lp -= 0.5 * (t * t + r * rp);
        gMu += rp;
        gTau += rp * t;
        g[2 + j] = rp * tau - t;
      }
      g[0] = gMu;
      g[1] = gTau * tau + 1; // chain rule to u = log tau, plus the Jacobian
      return lp;
    },
  };
}
