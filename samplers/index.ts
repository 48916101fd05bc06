/**
 * The samplers layer (`hbnn/samplers`): what someone who writes a sampler, a warmup or a
 * diagnostic needs, besides what a user needs. The contracts (LogDensity, Sampler), the building
 * blocks of the built-in samplers (integrator, metric, adaptation, initialisation), sample(),
 * ADVI, the Trace, diagnostics and the CmdStan / JSON formats. Chain runners, worker pools and
 * checkpoint writers are internal.
 */
export type { LogDensity, ParamInfo, ParamKind, PosteriorTarget, Sampler, SamplerState, SamplerInfo, SamplerParams, SamplerSpec, AnySampler } from './types.js';

// the registry of samplers, by name (built-ins and a user's, also in workers)
export { registerSampler, samplerNames, samplerFactory, type SamplerFactory, type SamplerRegistration, type BuiltInSamplerName } from './registry.js';

// mcmc
export { type PhasePoint, type Integrator, hamiltonian, leapfrog } from './mcmc/integrator.js';
export { evaluate, evaluateAt } from './mcmc/evaluate.js';
export { checkStepSize } from './mcmc/sampler_params.js';
export { type MetricKind, type EuclideanMetric, euclideanMetric, metricKind, identityInverseMassMatrix } from './mcmc/metric.js';
export { type LowRankFactors, lowRankInverseMassMatrix, unpackLowRank, lowRankToDense, lowRankOf } from './mcmc/metric.js';
export { hmc, type HmcOptions, type HmcState, type HmcInfo, type HmcParams, type HmcSampler } from './mcmc/hmc.js';
export { nuts, type NutsOptions, type NutsState, type NutsInfo, type NutsParams, type NutsSampler } from './mcmc/nuts.js';
export { mala, type MalaState, type MalaInfo, type MalaParams } from './mcmc/mala.js';
export { jitterInit, MAX_INIT_ATTEMPTS, type JitterOptions } from './mcmc/initialisation.js';

// adaptation
export * from './adaptation/dual_averaging.js';
export * from './adaptation/window_schedule.js';
export * from './adaptation/mass_matrix.js';
export * from './adaptation/window_adaptation.js';
export * from './adaptation/warmup_adapter.js';
export * from './adaptation/fisher_schedule.js';
export * from './adaptation/fisher_diagonal.js';
export * from './adaptation/fisher_low_rank.js';
export * from './adaptation/fisher_adaptation.js';
export * from './adaptation/symmetric_eigen.js';

// running chains
export { sample, type SampleOptions, type InitOption, type InitPoint } from './run/sample.js';
export { DEFAULT_ADAPT, DEFAULT_TUNE, STAN_DEFAULT_TUNE, defaultTune } from './run/sample_options.js';
export type { WorkerTargetSpec } from './run/parallel/protocol.js';
export type { AdviInit } from './vi/advi_initializer.js';
export { RunControl } from './run/run_control.js';
export type { ChainProgress } from './run/progress_events.js';
export { readCheckpoint } from './run/checkpoint.js';
export { adviInWorker } from './run/parallel/advi_in_worker.js';

// variational inference
export { advi, AdviError, type AdviOptions } from './vi/advi.js';
export type { AdviFit } from './vi/fit.js';
export type { AdviMethod } from './vi/families.js';
export { adviInitializer, type AdviInitOptions, type AdviInitResult } from './vi/advi_initializer.js';
export type { AdviStopRule } from './vi/fit.js';
export type { AdviSchedule } from './vi/advi_options.js';
export { pathfinder, PathfinderError, type PathfinderFit, type PathfinderOptions, type PathfinderPath } from './vi/pathfinder/pathfinder.js';
export type { LbfgsStop } from './vi/pathfinder/lbfgs.js';

// the trace, diagnostics, formats
export { Trace, scalarNames, type ChainDraws, type TraceInit } from './trace/trace.js';
export { DRAW_STATS, STAT_NAMES, type DrawStats, type StatName } from './trace/draw_stats.js';
export type { TraceMeta, MetricKindName, ChainCost, AdaptationReport, WarmupPhase, FailedChain, ChainPhase } from './trace/trace_meta.js';
export * from './diagnostics/index.js';
export { summary, summarizeScalar, formatSummary, type SummaryRow, type SummaryOptions } from './diagnostics/summary.js';
export { samplerWarnings, diagnosticWarnings, ebfmi, type WarningOptions } from './diagnostics/warnings.js';
export { writeCmdStanCsv, readCmdStanCsv, cmdStanCsvTexts, type CmdStanCsvOptions } from './io/cmdstan_csv.js';
export { writeTraceJson, readTraceJson, traceToJson, traceFromJson } from './io/trace_json.js';
