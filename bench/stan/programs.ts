/**
 * The three BNNs of the study as Stan 2.21 programs, written to match hbnn's models in
 * models/bnn/ exactly: 2-5-5-1, no biases, tanh, Bernoulli-logit, the same priors with every
 * constant (`target += *_lpdf`, which keeps them, where `~` would drop them), and the same
 * parameters in the same unconstrained order, so hbnn's x is Stan's upars.
 *
 * hbnn stores a weight matrix w [in, out] row-major; Stan stores matrices column-major, so each
 * is declared as its transpose `wt` [out, in], whose column-major storage is w's row-major one
 * (the products use wt'). Arrays of matrices are stored one matrix after the other, which is
 * hbnn's [G, in, out]. The .stan files next to this one are these strings, for reading
 * (test/bench/stan_programs.test.ts keeps them in sync and compares log densities via rstan).
 */

export type StanModelName = 'flat' | 'hierarchical' | 'informative';

/** models/bnn/flat.ts: w0 [2,5], w1 [5,5], w2 [5,1], every weight ~ N(0, 1). */
export const FLAT_BNN_STAN = `// hbnn's flatBnn (models/bnn/flat.ts): one group, weights ~ N(0, 1), 2-5-5-1, tanh, no biases.
data {
  int<lower=1> N;
  matrix[N, 2] X;
  int<lower=0, upper=1> y[N];
}
parameters {
  matrix[5, 2] w0t;  // hbnn's w0 [2, 5], transposed: same storage order
  matrix[5, 5] w1t;  // hbnn's w1 [5, 5], transposed
  vector[5] w2;      // hbnn's w2 [5, 1]
}
model {
  target += normal_lpdf(to_vector(w0t) | 0, 1);
  target += normal_lpdf(to_vector(w1t) | 0, 1);
  target += normal_lpdf(w2 | 0, 1);
  target += bernoulli_logit_lpmf(y | tanh(tanh(X * w0t') * w1t') * w2);
}
`;

/**
 * models/bnn/hierarchical.ts: mu<l> ~ N(0, 1), sd<l> ~ HalfNormal(1) (log transform in both),
 * raw<l>[g] ~ N(0, 1), w<l>[g] = raw<l>[g]·sd<l> + mu<l>.
 */
export const HIERARCHICAL_BNN_STAN = `// hbnn's hierarchicalBnn (models/bnn/hierarchical.ts): non-centred, 2-5-5-1, tanh, no biases.
data {
  int<lower=1> G;
  int<lower=1> N;
  matrix[N, 2] X[G];
  int<lower=0, upper=1> y[G, N];
}
parameters {
  matrix[5, 2] mu0t;  // hbnn's mu0 [2, 5], transposed: same storage order
  matrix[5, 5] mu1t;
  vector[5] mu2;
  real<lower=0> sd0;
  real<lower=0> sd1;
  real<lower=0> sd2;
  matrix[5, 2] raw0t[G];  // hbnn's raw0 [G, 2, 5]
  matrix[5, 5] raw1t[G];
  vector[5] raw2[G];
}
model {
  target += normal_lpdf(to_vector(mu0t) | 0, 1);
  target += normal_lpdf(to_vector(mu1t) | 0, 1);
  target += normal_lpdf(mu2 | 0, 1);
  // HalfNormal(1) = 2·N(0, 1) on sd > 0: hbnn keeps the log 2.
  target += normal_lpdf(sd0 | 0, 1) + normal_lpdf(sd1 | 0, 1) + normal_lpdf(sd2 | 0, 1) + 3 * log(2);
  for (g in 1:G) {
    target += normal_lpdf(to_vector(raw0t[g]) | 0, 1);
    target += normal_lpdf(to_vector(raw1t[g]) | 0, 1);
    target += normal_lpdf(raw2[g] | 0, 1);
    target += bernoulli_logit_lpmf(y[g] | tanh(tanh(X[g] * (raw0t[g] * sd0 + mu0t)') * (raw1t[g] * sd1 + mu1t)') * (raw2[g] * sd2 + mu2));
  }
}
`;

/**
 * models/bnn/informative.ts, 'noncentered' (its default): z<l> ~ N(0, I), w<l> = mean<l> + L<l>·z<l>
 * (row-major [in, out]), L<l> the Cholesky factor of the prior covariance, as data.
 */
export const INFORMATIVE_BNN_STAN = `// hbnn's informativeBnn (models/bnn/informative.ts), non-centred: w = mean + L z, z ~ N(0, I).
data {
  int<lower=1> N;
  matrix[N, 2] X;
  int<lower=0, upper=1> y[N];
  vector[10] mean0;
  matrix[10, 10] L0;  // lower Cholesky factor of layer 0's prior covariance
  vector[25] mean1;
  matrix[25, 25] L1;
  vector[5] mean2;
  matrix[5, 5] L2;
}
parameters {
  vector[10] z0;
  vector[25] z1;
  vector[5] z2;
}
model {
  // to_matrix fills column-major: [5, 2] from hbnn's row-major w0 [2, 5] is w0 transposed.
  matrix[5, 2] w0t = to_matrix(mean0 + L0 * z0, 5, 2);
  matrix[5, 5] w1t = to_matrix(mean1 + L1 * z1, 5, 5);
  vector[5] w2 = mean2 + L2 * z2;
  target += normal_lpdf(z0 | 0, 1);
  target += normal_lpdf(z1 | 0, 1);
  target += normal_lpdf(z2 | 0, 1);
  target += bernoulli_logit_lpmf(y | tanh(tanh(X * w0t') * w1t') * w2);
}
`;

export const STAN_PROGRAMS: Record<StanModelName, string> = {
  flat: FLAT_BNN_STAN,
  hierarchical: HIERARCHICAL_BNN_STAN,
  informative: INFORMATIVE_BNN_STAN,
};

/** Where each program is written for readers, relative to the repository root. */
export const stanFileName = (name: StanModelName) => `bench/stan/${name}_bnn.stan`;
