/**
 * Single-path Pathfinder (Zhang et al. 2022, Alg. 1): L-BFGS on −log p from one start; at every
 * iterate after the first, the normal approximation from the curvature pairs so far (the last
 * `historySize` that pass the curvature check, with the diagonal α updated by each); its ELBO
 * from `elboDraws` draws; the approximation with the largest ELBO wins and gives `drawsPerPath`
 * draws (its ELBO draws reused first, as Stan does).
 */
import type { Rng } from '../../../core/rng.js';
import type { LogDensity } from '../../types.js';
import { lbfgs, type LbfgsStop } from './lbfgs.js';
import { curvatureOk, normalApproximation, updateDiagonal, type CurvaturePair, type NormalApproximation } from './normal_approximation.js';
import { drawApproximation, elboOf, type ApproximationDraws } from './elbo.js';
import type { PathfinderSettings } from './pathfinder_options.js';
import { PathfinderError } from './pathfinder_error.js';

export interface PathResult {
  readonly approximation: NormalApproximation;
  /** ELBO estimate of the chosen approximation. */
  readonly elbo: number;
  /** L-BFGS iteration whose approximation was chosen (1 = after the first step). */
  readonly bestIteration: number;
  readonly lbfgsIterations: number;
  readonly lbfgsStop: LbfgsStop;
  /** ELBO estimate at every iteration (−∞ where the approximation failed). */
  readonly elboPath: Float64Array;
  readonly draws: ApproximationDraws;
}

export function singlePath(target: LogDensity, start: Float64Array, rng: Rng, s: PathfinderSettings, pathIndex: number): PathResult {
  const dim = target.dim;
  const objective = (x: Float64Array, g: Float64Array) => {
    const lp = target.logDensityAndGrad(x, g);
    for (let i = 0; i < dim; i++) g[i] = -g[i];
    return -lp;
  };
  let run;
  try {
    run = lbfgs(objective, start, { historySize: s.historySize, maxIterations: s.maxIterations, tolObj: s.tolObj, tolRelObj: s.tolRelObj, tolGrad: s.tolGrad, tolRelGrad: s.tolRelGrad, tolParam: s.tolParam, signal: s.signal });
  } catch {
    throw new PathfinderError(`pathfinder: the log density or its gradient is not finite at the starting point of path ${pathIndex}; check the model there or give options.init`);
  }
  const { path } = run;
  let alpha: Float64Array = new Float64Array(dim).fill(1);
  const pairs: CurvaturePair[] = [];
  const elboPath = new Float64Array(Math.max(path.length - 1, 0)).fill(-Infinity);
  let best: { approx: NormalApproximation; draws: ApproximationDraws; elbo: number; iteration: number } | undefined;
  for (let i = 1; i < path.length; i++) {
    if (s.signal?.aborted && best) break;
    const pair = { s: sub(path[i].x, path[i - 1].x), y: sub(path[i].g, path[i - 1].g) };
    if (curvatureOk(pair)) {
      alpha = updateDiagonal(alpha, pair);
      pairs.push(pair);
      if (pairs.length > s.historySize) pairs.shift();
    }
    const gradLogP = Float64Array.from(path[i].g, (v) => -v);
    const approx = normalApproximation(alpha, pairs, path[i].x, gradLogP);
    if (!approx) continue;
    const draws = drawApproximation(approx, target, rng, s.elboDraws);
    const elbo = elboOf(draws);
    elboPath[i - 1] = Number.isNaN(elbo) ? -Infinity : elbo;
    if (!best || elbo > best.elbo) best = { approx, draws, elbo, iteration: i };
  }
  if (!best || !Number.isFinite(best.elbo)) {
    const why = path.length < 2 ? `L-BFGS made no step (${run.reason})` : `none of the ${path.length - 1} normal approximations along the L-BFGS path had a finite ELBO`;
    throw new PathfinderError(`pathfinder: path ${pathIndex} failed: ${why}; the log density may be improper, non-finite over much of the space, or need another options.init`);
  }
  return {
    approximation: best.approx,
    elbo: best.elbo,
    bestIteration: best.iteration,
    lbfgsIterations: path.length - 1,
    lbfgsStop: run.reason,
    elboPath,
    draws: withMoreDraws(best.draws, best.approx, target, rng, s.drawsPerPath),
  };
}

/** The ELBO draws followed by fresh ones, `n` in all (or the first n of them). */
function withMoreDraws(first: ApproximationDraws, approx: NormalApproximation, target: LogDensity, rng: Rng, n: number): ApproximationDraws {
  const d = approx.dim;
  const have = first.logP.length;
  if (n <= have) return { draws: first.draws.slice(0, n * d), logP: first.logP.slice(0, n), logQ: first.logQ.slice(0, n) };
  const more = drawApproximation(approx, target, rng, n - have);
  const cat = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  return { draws: cat(first.draws, more.draws), logP: cat(first.logP, more.logP), logQ: cat(first.logQ, more.logQ) };
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}
