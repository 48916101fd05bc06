/**
 * Pathfinder's options, Stan's defaults (CmdStan `pathfinder`: history_size 5, num_elbo_draws 25,
 * num_draws 1000, num_paths 4, psis_resample true, max_lbfgs_iters 1000, init radius 2) and their
 * check, each error naming the option and the value.
 */
import { randomSeed } from '../../../core/runtime.js';
import { allFinite } from '../../../core/finite.js';
import type { PosteriorTarget } from '../../types.js';

export interface PathfinderOptions {
  /** Independent paths from independent starts (4 as in Stan); 1 = single-path Pathfinder. */
  paths?: number;
  /** Draws kept per path (1000 as in Stan's num_draws). */
  drawsPerPath?: number;
  /** Draws after Pareto-smoothed importance resampling of the pooled paths (1000 as Stan's num_psis_draws). */
  draws?: number;
  /** Draws per ELBO estimate along the path (25 as Stan's num_elbo_draws, K in the paper). */
  elboDraws?: number;
  /** L-BFGS history (5 as in Stan, J in the paper). */
  historySize?: number;
  /** L-BFGS iteration cap (1000 as in Stan). */
  maxIterations?: number;
  /** Importance resampling of the pooled draws (true as in Stan); false keeps every path's draws as they are. */
  psisResample?: boolean;
  /** Starting points: uniform(−initRadius, initRadius) per coordinate (2 as in Stan), or one point (all paths) / one per path. */
  init?: Float64Array | readonly Float64Array[];
  initRadius?: number;
  /** L-BFGS tolerances (Stan's defaults: 1e-12, 1e4 ε, 1e-8, 1e7 ε, 1e-8). */
  tolObj?: number;
  tolRelObj?: number;
  tolGrad?: number;
  tolRelGrad?: number;
  tolParam?: number;
  seed?: number;
  signal?: AbortSignal;
}

export type PathfinderSettings = Required<Omit<PathfinderOptions, 'init' | 'signal'>> & Pick<PathfinderOptions, 'init' | 'signal'>;

const DEFAULTS = {
  paths: 4, drawsPerPath: 1000, draws: 1000, elboDraws: 25, historySize: 5, maxIterations: 1000, psisResample: true, initRadius: 2,
  tolObj: 1e-12, tolRelObj: 1e4, tolGrad: 1e-8, tolRelGrad: 1e7, tolParam: 1e-8,
} as const;

const OPTION_NAMES: Record<keyof PathfinderOptions, true> = {
  paths: true, drawsPerPath: true, draws: true, elboDraws: true, historySize: true, maxIterations: true, psisResample: true, init: true,
  initRadius: true, tolObj: true, tolRelObj: true, tolGrad: true, tolRelGrad: true, tolParam: true, seed: true, signal: true,
};
export const PATHFINDER_OPTION_NAMES = Object.keys(OPTION_NAMES) as readonly (keyof PathfinderOptions)[];

export function validatePathfinderOptions(target: PosteriorTarget, o: PathfinderOptions): PathfinderSettings {
  if (!target || typeof target.logDensityAndGrad !== 'function') throw new TypeError('pathfinder: target must have a logDensityAndGrad(x, gradOut) method');
  if (!Number.isInteger(target.dim) || target.dim < 1) throw new Error(`pathfinder: target.dim must be a positive integer, got ${target.dim}`);
  for (const key of Object.keys(o)) {
    if (!(PATHFINDER_OPTION_NAMES as readonly string[]).includes(key)) throw new Error(`pathfinder: unknown option '${key}'; known options are ${PATHFINDER_OPTION_NAMES.join(', ')}`);
  }
  const int = (name: 'paths' | 'drawsPerPath' | 'draws' | 'elboDraws' | 'historySize' | 'maxIterations') => {
    const v: unknown = o[name] ?? DEFAULTS[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`pathfinder: options.${name} must be a positive integer, got ${String(v)}`);
    return v;
  };
  const pos = (name: 'initRadius' | 'tolObj' | 'tolRelObj' | 'tolGrad' | 'tolRelGrad' | 'tolParam') => {
    const v: unknown = o[name] ?? DEFAULTS[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`pathfinder: options.${name} must be a finite number >= 0, got ${String(v)}`);
    return v;
  };
  const seed = o.seed ?? randomSeed();
  if (!Number.isInteger(seed)) throw new Error(`pathfinder: options.seed must be an integer, got ${seed}`);
  const psisResample = o.psisResample ?? DEFAULTS.psisResample;
  if (typeof psisResample !== 'boolean') throw new Error(`pathfinder: options.psisResample must be true or false, got ${String(psisResample)}`);
  const paths = int('paths');
  checkInit(o.init, target.dim, paths);
  return {
    paths, drawsPerPath: int('drawsPerPath'), draws: int('draws'), elboDraws: int('elboDraws'), historySize: int('historySize'), maxIterations: int('maxIterations'),
    psisResample, initRadius: pos('initRadius'), tolObj: pos('tolObj'), tolRelObj: pos('tolRelObj'), tolGrad: pos('tolGrad'), tolRelGrad: pos('tolRelGrad'), tolParam: pos('tolParam'),
    seed, init: o.init, signal: o.signal,
  };
}

function checkInit(init: PathfinderOptions['init'], dim: number, paths: number): void {
  if (init === undefined) return;
  const list = init instanceof Float64Array ? [init] : init;
  if (!Array.isArray(list) || list.some((p) => !(p instanceof Float64Array))) throw new Error('pathfinder: options.init must be a Float64Array or an array of them (one per path)');
  if (!(init instanceof Float64Array) && list.length !== paths) throw new Error(`pathfinder: options.init has ${list.length} points but paths is ${paths}`);
  list.forEach((p, i) => {
    if (p.length !== dim) throw new Error(`pathfinder: options.init point ${i} has length ${p.length}, expected target.dim = ${dim}`);
    if (!allFinite(p)) throw new Error(`pathfinder: options.init point ${i} must be finite`);
  });
}
