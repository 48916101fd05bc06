/** Every differentiable op, as the namespace `T` of the public API. */
export { add, sub, mul, div, pow } from './elementwise.js';
export { neg, exp, log, log1p, expm1, tanh, sigmoid, softplus, logSigmoid, square, sqrt, abs } from './unary.js';
export { sum, mean, logSumExp } from './reductions.js';
export { matmul, batchedMatmul } from './linalg.js';
export { reshape, transpose, slice, index, concat, stack } from './shape.js';
export { bernoulliLogitSum } from './fused.js';
export { lgamma, digamma, lbeta } from './special.js';
export { solveLowerTriangular, logDetTriangular } from './triangular.js';
export { cholesky } from './cholesky.js';
export { gather } from './gather.js';
export { logAddExp } from './log_add_exp.js';
export { logSoftmax, softmax } from './softmax.js';
export { cumsum } from './cumsum.js';
export { dot } from './dot.js';
export { max, min } from './extrema.js';
