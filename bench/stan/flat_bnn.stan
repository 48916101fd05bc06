// hbnn's flatBnn (models/bnn/flat.ts): one group, weights ~ N(0, 1), 2-5-5-1, tanh, no biases.
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
