/**
 * The diagnostics of the report's compact table, per fit and pooled over a model's fits:
 * divergences, draws that hit the maximum tree depth, the smallest E-BFMI over chains, R-hat and
 * bulk-ESS of lp__, and R-hat and bulk-ESS of the predictions (each training point's class-1
 * probability). The network's symmetries leave lp__ and the predictions identified, unlike
 * single weights, so these are what convergence is judged on.
 */
import { mlpProbabilities } from '../../core/kernels/mlp_forward.js';
import type { BnnModel } from '../../models/bnn/network.js';
import { ebfmi } from '../../samplers/diagnostics/warnings.js';
import { rhat } from '../../samplers/diagnostics/rhat.js';
import { essBulk } from '../../samplers/diagnostics/ess.js';
import type { Trace } from '../../samplers/trace/trace.js';

export interface FitDiagnostics {
  divergences: number;
  /** Gradient evaluations of the chains, warmup included (meta.perChain; an ADVI or Pathfinder init's own are not in it); NaN without perChain. */
  numGradEvals: number;
  treeDepthHits: number;
  /** NaN where undefined (no energy statistic); so are the R-hats with one chain. */
  minEbfmi: number;
  lpRhat: number;
  lpEssBulk: number;
  /** Largest R-hat and smallest bulk-ESS over the training points' predicted probabilities. */
  predictionMaxRhat: number;
  predictionMinEss: number;
}

/** Per chain, the class-1 probability of every point at every draw: [chain][point][draw]. */
export function predictionChains(model: BnnModel, trace: Trace, X: readonly number[][], group?: number): Float64Array[][] {
  const sizes = [...model.network.sizes];
  const points = Float64Array.from(X.flat());
  return trace.chainDraws.map((chain) => {
    const perPoint = X.map(() => new Float64Array(trace.draws));
    for (let i = 0; i < trace.draws; i++) {
      const weights = model.network.weightsFromDraw(chain.values.subarray(i * trace.width, (i + 1) * trace.width), group);
      const p = mlpProbabilities(points, weights, sizes, 1).mean; // the mean of one draw is its probability
      p.forEach((v, k) => (perPoint[k][i] = v));
    }
    return perPoint;
  });
}

const finiteMax = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => Math.max(a, b), -Infinity);
const finiteMin = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => Math.min(a, b), Infinity);
const orNaN = (v: number) => (Number.isFinite(v) ? v : NaN);

/** The diagnostics of one fit; `predictions` as predictionChains returns them. */
export function fitDiagnostics(trace: Trace, maxTreeDepth: number, predictions: Float64Array[][]): FitDiagnostics {
  const depths = trace.stat('treeDepth') ?? [];
  let treeDepthHits = 0;
  for (const d of depths) for (const v of d) if (v >= maxTreeDepth) treeDepthHits++;
  const energy = trace.stat('energy');
  const lp = trace.stat('lp');
  const multi = trace.chains > 1;
  const points = predictions[0]?.length ?? 0;
  const perPoint = Array.from({ length: points }, (_, k) => predictions.map((chain) => chain[k]));
  return {
    divergences: trace.numDivergences(),
    numGradEvals: trace.meta.perChain ? trace.meta.perChain.reduce((s, c) => s + c.numGradEvals, 0) : NaN,
    treeDepthHits,
    minEbfmi: energy ? orNaN(finiteMin(energy.map(ebfmi))) : NaN,
    lpRhat: lp && multi ? rhat(lp) : NaN,
    lpEssBulk: lp ? essBulk(lp) : NaN,
    predictionMaxRhat: multi ? orNaN(finiteMax(perPoint.map(rhat))) : NaN,
    predictionMinEss: orNaN(finiteMin(perPoint.map(essBulk))),
  };
}

/** A model's diagnostics over its fits (one per group): sums of counts, the worst of the rest. */
export function poolDiagnostics(fits: readonly FitDiagnostics[]): FitDiagnostics {
  const worst = (key: keyof FitDiagnostics, pick: (xs: number[]) => number) => orNaN(pick(fits.map((f) => f[key])));
  return {
    divergences: fits.reduce((s, f) => s + f.divergences, 0),
    numGradEvals: fits.reduce((s, f) => s + f.numGradEvals, 0),
    treeDepthHits: fits.reduce((s, f) => s + f.treeDepthHits, 0),
    minEbfmi: worst('minEbfmi', finiteMin),
    lpRhat: worst('lpRhat', finiteMax),
    lpEssBulk: worst('lpEssBulk', finiteMin),
    predictionMaxRhat: worst('predictionMaxRhat', finiteMax),
    predictionMinEss: worst('predictionMinEss', finiteMin),
  };
}
