/**
 * The contracts every sampler and every target share. Samplers see only `LogDensity`: a map from
 * a flat unconstrained Float64Array to a log density and its gradient, never a Tensor, so they
 * run on any model and on analytic test targets alike.
 */
import type { Rng } from '../core/rng.js';

/** A differentiable log density on R^dim (up to an additive constant). */
export interface LogDensity {
  readonly dim: number;
  /** Returns log p(x) and writes ∇ log p(x) into `gradOut` (length `dim`). May return NaN/±Infinity. */
  logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number;
  /** Optional cheaper evaluation without the gradient. */
  logDensity?(x: Float64Array): number;
}

/**
 * What a trace column holds: a sampled parameter (constrained), a quantity derived from each kept
 * draw (Stan's transformed parameters / generated quantities), the pointwise log-likelihood
 * `log_lik` that LOO and WAIC read, or a simulated (predictive) quantity.
 */
export type ParamKind = 'parameter' | 'derived' | 'logLik' | 'predictive';

/** One named quantity in constrained space, stored row-major and flattened into a trace. */
export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** Absent means 'parameter'. */
  readonly kind?: ParamKind;
}

/**
 * A target that also knows its named, constrained parameters (a `Model` from `defineModel` is
 * one). Without `params` a trace holds one parameter `x` of shape [dim] on the unconstrained scale.
 */
export interface PosteriorTarget extends LogDensity {
  readonly params?: readonly ParamInfo[];
  /** Writes the constrained values of all `params`, flattened in order, into `out` (their total size, which may differ from dim). */
  constrainInto?(x: Float64Array, out: Float64Array): void;
  /**
   * Quantities computed once per kept draw and stored after `params` (kind 'derived' or
   * 'logLik'): their names and shapes. Read once when a run starts; needs `derivedInto`.
   */
  readonly derived?: readonly ParamInfo[];
  /** Writes the `derived` values at the unconstrained point x, flattened in order, into `out`. No gradient. */
  derivedInto?(x: Float64Array, out: Float64Array): void;
}

/**
 * A sampler is a pure `init` / `step` pair (as in BlackJAX): `step` never mutates `state`,
 * its randomness comes from `rng`, and its tuning parameters come in `params` on every call.
 * Warmup adapts `params.stepSize` / `params.inverseMassMatrix` outside `step` from `info.acceptanceRate`.
 */
export interface Sampler<State extends SamplerState = SamplerState, Info extends SamplerInfo = SamplerInfo, Params extends SamplerParams = SamplerParams> {
  readonly name: string;
  init(position: Float64Array, target: LogDensity): State;
  step(rng: Rng, state: State, target: LogDensity, params: Params): [State, Info];
  /** Default parameters for a target of dimension `dim` before any warmup. */
  defaultParams(dim: number): Params;
  /** How a worker rebuilds this sampler; set by registered factories (samplers/registry.ts). */
  readonly spec?: SamplerSpec;
}

/**
 * A sampler as data, so that it can cross into a worker: the worker calls the factory registered
 * as `name` with `options`, importing `module` first when it does not know `name` yet.
 */
export interface SamplerSpec {
  readonly name: string;
  /** Structured-cloneable options of the factory. */
  readonly options: Record<string, unknown>;
  /** URL of the ES module that registers `name`; absent for the built-in samplers. */
  readonly module?: string;
}

/** A sampler of any state, info and params, as the chain runner and the registry hold them. */
export type AnySampler = Sampler<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What every sampler state carries: where it is, the log density there and its gradient. */
export interface SamplerState {
  readonly position: Float64Array;
  readonly logDensity: number;
  readonly logDensityGrad: Float64Array;
}

/**
 * Per-step information. Its fields become the draw's statistics through one table, `DRAW_STATS`
 * in trace/draw_stats.ts (acceptanceRate -> acceptStat / accept_stat__, …); any other numeric
 * field a sampler adds is kept as an extra statistic and written as the CmdStan column `<field>__`.
 */
export interface SamplerInfo {
  /** Mean Metropolis acceptance statistic of the step (`accept_stat__`); drives step-size adaptation. */
  readonly acceptanceRate: number;
  readonly isDivergent: boolean;
  readonly energy?: number; // energy__
  readonly numIntegrationSteps?: number; // n_leapfrog__
  readonly treeDepth?: number; // treedepth__
}

/** Tuning parameters passed on every step. `inverseMassMatrix` is a diagonal (length dim) or dense (dim×dim, row-major). */
export interface SamplerParams {
  stepSize?: number;
  inverseMassMatrix?: Float64Array;
  [key: string]: unknown;
}
