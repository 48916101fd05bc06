/**
 * TraceMeta: what made a Trace, in one type that every writer and reader of traces shares
 * (`sample()`, ADVI, the checkpoints, CmdStan CSV, trace JSON). Per-chain facts (the adapted
 * step size and inverse metric, elapsed times) live on each chain's `ChainDraws` instead.
 */

/**
 * Kind of the inverse metric: a vector (diag_e in CmdStan), a row-major dim×dim matrix (dense_e),
 * or hbnn's packed low-rank plus diagonal metric (samplers/mcmc/metric.ts; no CmdStan kind).
 */
export type MetricKindName = 'diag' | 'dense' | 'lowrank';

/** One stretch of warmup as the adaptation scheme names it (`AdaptationReport.phases`). */
export interface WarmupPhase {
  name: string;
  /** First warmup iteration (0-based) and one past the last. */
  start: number;
  end: number;
}

/** What warmup did in one chain (`meta.perChain[c].adaptation`); plain numbers, so it survives JSON. */
export interface AdaptationReport {
  /** The `adapt` scheme: 'stan', 'fisher' or 'fisher-low-rank'. */
  adapt: string;
  metric: MetricKindName;
  stepSize: number;
  /** Times the metric changed during warmup. */
  metricUpdates: number;
  phases: WarmupPhase[];
  /** Low-rank metrics: the rank k and the eigenvalues Λ of the rescaled covariance. */
  rank?: number;
  eigenvalues?: number[];
  /** Fisher schemes: the location μ = x̄ + σ²·ḡ of the affine fit (translation leaves Euclidean HMC unchanged; reported only). */
  shift?: number[];
}

/** Cost accounting of one chain (`meta.perChain`), for benchmarks and `samplerOverhead`. */
export interface ChainCost {
  chain: number;
  numDraws: number;
  numDivergences: number;
  /** Calls of logDensityAndGrad, warmup and initialisation included. */
  numGradEvals: number;
  secondsInGradient: number;
  secondsTotal: number;
  /** What warmup did (absent for a chain run without warmup or adaptation). */
  adaptation?: AdaptationReport;
}

/** The part of a chain's run where it failed: its initialisation, warmup or post-warmup sampling. */
export type ChainPhase = 'init' | 'warmup' | 'sampling';

/** A chain that failed and is left out of the trace (`meta.failedChains`). */
export interface FailedChain {
  chain: number;
  phase: ChainPhase;
  /** The 0-based iteration (warmup counted) it failed in; 0 for a failure in initialisation. */
  iteration: number;
  error: string;
}

export interface TraceMeta {
  /** The sampler that ran: 'nuts', 'hmc', 'mala', 'advi' or a user sampler's name. */
  sampler?: string;
  /** A built-in sampler's options (e.g. nuts: maxTreeDepth, maxEnergyError, metric, stepSizeJitter). */
  samplerOptions?: Record<string, unknown>;
  /** Model name (CmdStan's `# model = …`). */
  model?: string;
  seed?: number;
  chains?: number;
  /** Post-warmup draws per chain asked for. */
  draws?: number;
  /** Warmup iterations per chain. */
  tune?: number;
  /** Same as `tune`, under CmdStan's name; set by `readCmdStanCsv`. */
  numWarmup?: number;
  /** δ of dual averaging (CmdStan's adapt delta). */
  targetAccept?: number;
  /** The warmup scheme (`sample`'s `adapt` option). */
  adapt?: string;
  /** Kind of inverse metric the chains used. */
  metric?: MetricKindName;
  /** Dimension of the unconstrained space (the metric's size). */
  dim?: number;
  parallel?: boolean;
  /**
   * Gradients the initialisation's own fit evaluated (`init: 'pathfinder'`: its paths'
   * L-BFGS; 'advi+adapt_diag': ADVI's), which `perChain[].numGradEvals` (the chains' own calls)
   * leaves out; absent for jitter or given points, or a custom `adviInit` that does not say.
   */
  initGradEvals?: number;
  /** Wall-clock seconds of the whole run. */
  secondsTotal?: number;
  /** Elapsed seconds for chains that do not record their own (`ChainDraws.elapsed`). */
  warmupSeconds?: number;
  samplingSeconds?: number;

  /** Ids of the chains kept, in order. */
  chainIds?: number[];
  interrupted?: boolean;
  /** Draws per chain kept after cutting chains to the shortest. */
  drawsKept?: number;
  chainsWithoutDraws?: number[];
  failedChains?: FailedChain[];
  /** Things the run or the reader noted that are not failures (a checkpoint that stopped, a torn line dropped); in `samplerWarnings`. */
  warnings?: string[];
  perChain?: ChainCost[];

  /** Where a read trace came from. */
  source?: 'cmdstan_csv' | 'checkpoint';
  files?: string[];
  dir?: string;
  /** The id of a checkpointed run (its manifest, run.json). */
  runId?: string;
  /** Draws per chain of a checkpoint read back (the shortest chain's). */
  truncatedTo?: number;
  thinnedBy?: number;

  /** ADVI: family ('meanfield' | 'fullrank'), the fit's seed and progress, its final step size. */
  method?: string;
  fitSeed?: number;
  iterations?: number;
  converged?: boolean;
  stepSize?: number;
}

/** The CmdStan name of a metric kind; a low-rank metric is written as diag_e (its diagonal is what CmdStan readers take). */
export function cmdStanMetric(kind: MetricKindName): 'diag_e' | 'dense_e' {
  return kind === 'dense' ? 'dense_e' : 'diag_e';
}

/** The kind of an inverse metric of `length` for a target of dimension `dim` (dim 1 reads as diagonal). */
export function metricKindOf(length: number, dim: number): MetricKindName {
  if (dim > 1 && length === dim * dim) return 'dense';
  // dim + k·(dim + 1), 1 <= k <= dim: the packed low-rank layout (never dim² for dim > 1).
  if (dim > 1 && length > dim && (length - dim) % (dim + 1) === 0 && (length - dim) / (dim + 1) <= dim) return 'lowrank';
  return 'diag';
}
