/** Public exports of samplers/: contracts, samplers, warmup, the chain runner and checkpoints. */
export * from './types.js';
export * from './trace.js';
export * from './metric.js';
export * from './integrator.js';
export * from './hmc.js';
export * from './nuts.js';
export * from './mala.js';
export * from './dual_averaging.js';
export * from './window_schedule.js';
export * from './mass_matrix.js';
export * from './window_adaptation.js';
export * from './init.js';
export * from './checkpoint.js';
export * from './progress.js';
export * from './sample.js';
