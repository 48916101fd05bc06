/**
 * hbnn: gradient-based Bayesian inference in TypeScript. The package root re-exports the public
 * API of docs/architecture.md: autodiff, models, samplers (with ADVI and diagnostics) and core
 * utilities. Deeper modules stay importable from their files for researchers who extend them.
 */

// core
export { Rng } from './core/rng.js';
export { cholesky, solveLower, solveLowerTransposed, solveSpd, logDetSpd, logDetFromCholesky, inverseSpd } from './core/linalg.js';
export { setBackend, getBackend, resolveBackend, backendInfo, calibrateAuto, type BackendName } from './core/kernels/backend.js';
export { prepareGpu, gpuStatus, type GpuStatus } from './core/kernels/gpu_kernels.js';
export { batchedMatmulInto, type BatchedMatmulSpec } from './core/kernels/batched_matmul.js';
export { mlpProbabilities } from './core/kernels/mlp_forward.js';
export { lgamma, digamma } from './core/special.js';
/** Engine-independent exp, log, tanh, …: use them in hand-written targets to get the same draws in Node and in browsers. */
export * as libm from './core/libm.js';

// autodiff
export { Tensor, tensor, zeros, T, valueAndGrad, grad, gradcheck, type TensorLike, type GradcheckOptions, type GradcheckResult } from './autodiff/index.js';

// models
export * from './models/index.js';
export * as models from './models/index.js';
export * as data from './models/data/index.js';

// samplers, ADVI, diagnostics, exports
export * from './samplers/index.js';
export { advi, AdviError, type AdviFit, type AdviOptions } from './samplers/vi/advi.js';
export { adviInitializer } from './samplers/vi/advi_initializer.js';
export * from './samplers/diagnostics/index.js';
export { summary, summarizeScalar, formatSummary, type SummaryRow, type SummaryOptions } from './samplers/diagnostics/summary.js';
export { samplerWarnings, diagnosticWarnings, ebfmi } from './samplers/diagnostics/warnings.js';
export { writeCmdStanCsv, readCmdStanCsv, cmdStanCsvTexts, type CmdStanCsvOptions } from './samplers/io/cmdstan_csv.js';
export { writeTraceJson, readTraceJson, traceToJson, traceFromJson } from './samplers/io/trace_json.js';
