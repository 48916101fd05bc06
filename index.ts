/**
 * hbnn: gradient-based Bayesian inference in TypeScript. The package root holds what a user
 * needs (docs/architecture.md, "Public API"); each layer's own entry point holds what someone
 * who extends it needs: `hbnn/autodiff`, `hbnn/models`, `hbnn/samplers`, `hbnn/core`; and `hbnn/plots` (plots and
 * their rendering to SVG and PNG).
 */

// autodiff: tensors, the ops T, gradients, and the API for writing an op (docs/ops.md)
export {
  Tensor, tensor, zeros, asTensor, T, valueAndGrad, grad, gradcheck, record, accumulate, tracks, branchOn,
  type TensorLike, type MatmulOptions, type DiffArg, type ValueAndGrad, type GradcheckOptions, type GradcheckResult, type OpBackward,
  type CompileOption, type CompileStatus, type CompileMode, type TapeObserver,
} from './autodiff/index.js';

// models
export { dist, type DistArg, type MvNormalScale } from './models/index.js';
export { defineModel, Model, type ModelSpec, type ParamSpec, type ParamValues, type LogpContext } from './models/index.js';
export type { ModelBackend } from './core/index.js';
export { makeTransform, type Transform, type TransformKind, type TransformSpec, type NamedTransform, type Bound, type BoundsSpec } from './models/index.js';
export { predict, type PredictOptions, type Prediction } from './models/index.js';
export { priorPredictive, posteriorPredictive, type PriorPredictiveOptions, type PosteriorPredictiveOptions } from './models/index.js';
/** The study's models: flatBnn, hierarchicalBnn, informativeBnn, groupPrior, … (also `hbnn/models`). */
export * as models from './models/index.js';
/** The study's data: rotatedMoons, loadStudyData, validateStudyData, … */
export * as data from './models/data/index.js';

// samplers
export type { LogDensity, PosteriorTarget, ParamInfo, ParamKind, Sampler, SamplerState, SamplerInfo, SamplerParams } from './samplers/index.js';
export { sample, RunControl, readCheckpoint, adviInWorker } from './samplers/index.js';
export type { SampleOptions, InitOption, InitPoint, AnySampler, AdviInit, WorkerTargetSpec, ChainProgress } from './samplers/index.js';
export { nuts, hmc, mala, registerSampler, samplerNames, samplerFactory } from './samplers/index.js';
export type { SamplerSpec, SamplerFactory, SamplerRegistration, BuiltInSamplerName } from './samplers/index.js';
export type { NutsOptions, NutsInfo, HmcOptions, HmcInfo, MalaInfo } from './samplers/index.js';

// variational inference
export { advi, AdviError, adviInitializer, type AdviFit, type AdviOptions, type AdviMethod, type AdviInitOptions, type AdviInitResult } from './samplers/index.js';
export { pathfinder, PathfinderError, type PathfinderFit, type PathfinderOptions, type PathfinderPath, type LbfgsStop, type AdviStopRule, type AdviSchedule } from './samplers/index.js';

// the trace, diagnostics, formats
export { Trace, type TraceMeta, type FailedChain, type ChainPhase, type DrawStats, type ChainDraws, type TraceInit } from './samplers/index.js';
export { summary, summarizeScalar, formatSummary, type SummaryRow, type SummaryOptions } from './samplers/index.js';
export { rhat, rhatBasic, rhatBulk, rhatTail, essBasic, essBulk, essTail, essMean, essSd, essQuantile, mcseMean, mcseSd, mcseQuantile } from './samplers/index.js';
export { samplerWarnings, diagnosticWarnings, ebfmi, type WarningOptions } from './samplers/index.js';
export { writeCmdStanCsv, readCmdStanCsv, cmdStanCsvTexts, type CmdStanCsvOptions } from './samplers/index.js';
export { writeTraceJson, readTraceJson, traceToJson, traceFromJson } from './samplers/index.js';
// plots: the spec builders (plain objects, no vega loaded); rendering to SVG/PNG is in hbnn/plots
export { plotTrace } from './samplers/plots/trace_plot.js';
export { plotRank, type RankPlotOptions } from './samplers/plots/rank_plot.js';
export { plotPair } from './samplers/plots/pair_plot.js';
export { plotEnergy } from './samplers/plots/energy_plot.js';
export { plotForest, type ForestPlotOptions } from './samplers/plots/forest_plot.js';
export type { PlotOptions } from './samplers/plots/plot_spec.js';

// core: the seeded RNG, libm, and the backend and gpu controls a user sets (kernels: hbnn/core)
export { Rng, libm, setBackend, getBackend, backendInfo, calibrateAuto, prepareGpu, gpuStatus } from './core/index.js';
export type { BackendName, BackendInfo, GpuStatus } from './core/index.js';
// model comparison: PSIS-LOO, WAIC and loo_compare as R's loo computes them (docs/diagnostics.md)
export { loo, waic, compare, formatCompare, paretoKTable, type LooResult, type LooOptions, type WaicResult, type ElpdResult, type CompareRow, type LogLikInput } from './samplers/index.js';
