// hbnn's hierarchicalBnn (models/bnn/hierarchical.ts): non-centred, 2-5-5-1, tanh, no biases.
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
