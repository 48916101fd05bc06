/** The state one ADVI run shares between its phases (advi.ts, refine.ts): the run's setting and the optimiser's state. */
import type { LogDensity, PosteriorTarget } from '../types.js';
import type { EvalCounts } from './counting_target.js';
import type { GaussianFamily, MonteCarloScratch } from './families.js';
import type { AdviProgress } from './progress_bar.js';
import type { AdviSettings } from './advi_options.js';
import type { AdviStopRule } from './fit.js';

/** What every phase of one run works with (`target` counts its evaluations into `counts`). */
export interface AdviRun {
  family: GaussianFamily;
  target: LogDensity;
  /** The target as given: its `params` and `constrainInto` make the fit's draws. */
  original: PosteriorTarget;
  counts: EvalCounts;
  s: AdviSettings;
  scratch: MonteCarloScratch;
  progress: AdviProgress;
  /** Stick-the-landing gradients (schedule 'accurate'); Stan's total gradient otherwise. */
  stl: boolean;
}

/**
 * The optimiser's state: the accepted parameters, gradient history and gradient, buffers for the
 * proposed ones (swapped in when a step succeeds), η, and the record the fit is made from.
 */
export interface Ascent {
  params: Float64Array;
  history: Float64Array;
  grad: Float64Array;
  nextParams: Float64Array;
  nextHistory: Float64Array;
  nextGrad: Float64Array;
  eta: number;
  iteration: number;
  converged: boolean;
  /** The rule that ended Stan's phase; 'max-iterations' until one fires. */
  convergedBy: AdviStopRule;
  refinedBy?: AdviStopRule;
  refineStart?: number;
  /** Parameters at the previous ELBO evaluation (schedule 'accurate': PyMC's parameter-change rule). */
  paramsAtLastEval?: Float64Array;
  elbos: number[];
  elboIters: number[];
  relChanges: number[];
  warnings: string[];
}

