// hbnn's informativeBnn (models/bnn/informative.ts), non-centred: w = mean + L z, z ~ N(0, I).
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
