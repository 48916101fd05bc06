/**
 * The core layer (`hbnn/core`): numerics that depend on nothing else of hbnn. Shapes and
 * broadcasting (for writing ops), the seeded RNG, engine-independent libm, special functions,
 * dense linear algebra on row-major Float64Arrays, and the matrix-product kernels with their
 * backend switch.
 */
export { Rng } from './rng.js';
/** Engine-independent exp, log, tanh, …: the same bits in Node and in browsers. */
export * as libm from './libm.js';
export { lgamma, digamma } from './special.js';
export {
  cholesky, solveLower, solveLowerTransposed, solveSpd, logDetFromCholesky, logDetSpd, inverseSpd, lowerTimesVector, matMul,
} from './linalg.js';
export {
  shapeSize, shapeToString, shapesEqual, stridesOf, checkShape, normalizeAxis, broadcastShapes, broadcastIndexMap, sumToShape,
  type Shape,
} from './shape.js';
export {
  setBackend, resetBackend, getBackend, resolveBackend, backendInfo, calibrateAuto, BACKEND_NAMES, DEFAULT_BACKEND,
  type BackendName, type ModelBackend, type ResolvedBackend, type BackendInfo, type AutoCalibration,
} from './kernels/backend.js';
export { prepareGpu, gpuStatus, setGpuMode, GPU_MODES, type GpuStatus, type GpuMode } from './kernels/gpu_kernels.js';
export { batchedMatmulInto, type BatchedMatmulSpec } from './kernels/batched_matmul.js';
export { mlpProbabilities, type MlpProbabilityOptions, type MlpProbabilities } from './kernels/mlp_forward.js';
export { randomSeed, yieldToEventLoop } from './runtime.js';
