/**
 * The No-U-Turn Sampler as Stan runs it (`base_nuts.hpp`, Stan ≥ 2.21; Betancourt 2017,
 * appendix A): the trajectory doubles in a random direction until the generalized no-U-turn
 * criterion fails, the tree reaches maxTreeDepth, or the energy error diverges.
 *
 * - Multinomial sampling: each state weighs exp(H0 - H). Inside a subtree the proposal is
 *   drawn uniformly by weight; at the top level the new subtree replaces the sample with
 *   probability min(1, w_new / w_old) (biased progressive sampling, favouring far states).
 * - Generalized criterion on ρ = Σ p over a (sub)trajectory, with p♯ = M⁻¹p at its ends:
 *   continue while p♯₋·ρ > 0 and p♯₊·ρ > 0; and across each merge also on the two
 *   "extended" trajectories (left subtree + first state of the right one, and symmetrically).
 * - Divergence when H - H0 > maxEnergyError, including a NaN/∞ density (H = +∞).
 */
import type { Rng } from '../../core/rng.js';
import type { LogDensity, Sampler, SamplerInfo, SamplerParams, SamplerState } from '../types.js';
import { hamiltonian, leapfrog, type Integrator, type PhasePoint } from './integrator.js';
import { evaluateAt } from './evaluate.js';
import { checkStepSize } from './sampler_params.js';
import { euclideanMetric, identityInverseMassMatrix, type EuclideanMetric, type MetricKind } from './metric.js';
import * as libm from '../../core/libm.js';

export interface NutsOptions {
  /** Largest tree depth (at most 2^maxTreeDepth - 1 leapfrog steps); 10 as in Stan. */
  maxTreeDepth?: number;
  /** Energy error that counts as a divergence; 1000 as in Stan. */
  maxEnergyError?: number;
  /** Kind of the default (identity) metric before adaptation; 'diag' as in Stan. */
  metric?: MetricKind;
  /** Each transition uses stepSize·(1 + jitter·u), u ~ U(-1, 1); 0 as in Stan. */
  stepSizeJitter?: number;
  /** Replaces the leapfrog integrator (tests use a mock, as Stan's unit tests do). */
  integrator?: Integrator;
}

export type NutsState = SamplerState;

export interface NutsInfo extends SamplerInfo {
  readonly acceptanceRate: number; // accept_stat__
  readonly isDivergent: boolean; // divergent__
  readonly energy: number; // energy__
  readonly numIntegrationSteps: number; // n_leapfrog__
  readonly treeDepth: number; // treedepth__
  readonly stepSize: number; // stepsize__
}

export interface NutsParams extends SamplerParams {
  stepSize: number;
  inverseMassMatrix: Float64Array;
}

export type NutsSampler = Sampler<NutsState, NutsInfo, NutsParams>;

/** What one trajectory build shares across its recursion. */
export interface TreeContext {
  readonly target: LogDensity;
  readonly metric: EuclideanMetric;
  readonly integrator: Integrator;
  readonly rng: Rng;
  /** Step size (positive); `buildTree`'s direction gives its sign. */
  readonly stepSize: number;
  readonly initialEnergy: number;
  readonly maxEnergyError: number;
  numIntegrationSteps: number;
  sumAcceptProb: number;
  isDivergent: boolean;
}

/** A finished subtree: its last integrated state, its proposal, and what the U-turn checks need. */
export interface Subtree {
  readonly valid: boolean;
  /** The state the next subtree continues from (the far end in the build direction). */
  readonly last: PhasePoint;
  readonly proposal: PhasePoint;
  readonly logSumWeight: number;
  /** Sum of momenta over the subtree. */
  readonly rho: Float64Array;
  /** Momentum and p♯ at the first and last state in integration order. */
  readonly momentumBegin: Float64Array;
  readonly momentumEnd: Float64Array;
  readonly velocityBegin: Float64Array;
  readonly velocityEnd: Float64Array;
}

/** Generalized no-U-turn criterion: true while the trajectory still moves apart. */
export function noUTurn(velocityMinus: Float64Array, velocityPlus: Float64Array, rho: Float64Array): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < rho.length; i++) {
    a += velocityPlus[i] * rho[i];
    b += velocityMinus[i] * rho[i];
  }
  return a > 0 && b > 0;
}

export function logSumExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + libm.log(libm.exp(a - m) + libm.exp(b - m));
}

function added(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/**
 * Builds a subtree of 2^depth leapfrog steps from `start` (Stan's `build_tree`). Returns early,
 * invalid, as soon as a sub-subtree diverges or U-turns; the step count and acceptance sum
 * accumulate in `ctx` either way.
 */
export function buildTree(ctx: TreeContext, start: PhasePoint, depth: number, direction: 1 | -1): Subtree {
  if (depth === 0) {
    const z = ctx.integrator(ctx.target, ctx.metric, start, direction * ctx.stepSize);
    ctx.numIntegrationSteps += 1;
    const h = hamiltonian(ctx.metric, z);
    if (h - ctx.initialEnergy > ctx.maxEnergyError) ctx.isDivergent = true;
    const logWeight = ctx.initialEnergy - h;
    ctx.sumAcceptProb += logWeight > 0 ? 1 : libm.exp(logWeight);
    const velocity = ctx.metric.velocity(z.momentum, new Float64Array(z.momentum.length));
    return {
      valid: !ctx.isDivergent,
      last: z,
      proposal: z,
      logSumWeight: logWeight,
      rho: Float64Array.from(z.momentum),
      momentumBegin: z.momentum,
      momentumEnd: z.momentum,
      velocityBegin: velocity,
      velocityEnd: velocity,
    };
  }
  const init = buildTree(ctx, start, depth - 1, direction);
  if (!init.valid) return init;
  const final = buildTree(ctx, init.last, depth - 1, direction);
  if (!final.valid) return final;

  // Uniform multinomial choice between the halves, by their summed weights.
  const logSumWeight = logSumExp(init.logSumWeight, final.logSumWeight);
  let proposal = init.proposal;
  if (final.logSumWeight > logSumWeight || ctx.rng.uniform() < libm.exp(final.logSumWeight - logSumWeight)) {
    proposal = final.proposal;
  }
  const rho = added(init.rho, final.rho);
  const valid =
    noUTurn(init.velocityBegin, final.velocityEnd, rho) &&
    // The extra checks across the merge (Stan ≥ 2.21): each half extended by one state of the other.
    noUTurn(init.velocityBegin, final.velocityBegin, added(init.rho, final.momentumBegin)) &&
    noUTurn(init.velocityEnd, final.velocityEnd, added(final.rho, init.momentumEnd));
  return {
    valid,
    last: final.last,
    proposal,
    logSumWeight,
    rho,
    momentumBegin: init.momentumBegin,
    momentumEnd: final.momentumEnd,
    velocityBegin: init.velocityBegin,
    velocityEnd: final.velocityEnd,
  };
}

export function nuts(options: NutsOptions = {}): NutsSampler {
  const { maxTreeDepth = 10, maxEnergyError = 1000, metric: kind = 'diag', stepSizeJitter = 0 } = options;
  const integrator = options.integrator ?? leapfrog;
  if (!Number.isInteger(maxTreeDepth) || maxTreeDepth < 1) throw new Error(`nuts: maxTreeDepth must be a positive integer, got ${maxTreeDepth}`);
  if (!(maxEnergyError > 0)) throw new Error(`nuts: maxEnergyError must be positive, got ${maxEnergyError}`);
  if (kind !== 'diag' && kind !== 'dense') throw new Error(`nuts: metric must be 'diag' or 'dense', got ${String(kind)}`);
  if (!(stepSizeJitter >= 0 && stepSizeJitter < 1)) throw new Error(`nuts: stepSizeJitter must be in [0, 1), got ${stepSizeJitter}`);

  const step = (rng: Rng, state: NutsState, target: LogDensity, params: NutsParams): [NutsState, NutsInfo] => {
    const nominal = checkStepSize(params.stepSize, 'nuts');
    const stepSize = stepSizeJitter > 0 ? nominal * (1 + stepSizeJitter * (2 * rng.uniform() - 1)) : nominal;
    const metric = euclideanMetric(params.inverseMassMatrix, target.dim);
    const z0: PhasePoint = { ...state, momentum: metric.sampleMomentum(rng, new Float64Array(target.dim)) };
    const initialEnergy = hamiltonian(metric, z0);
    const velocity0 = metric.velocity(z0.momentum, new Float64Array(target.dim));

    // Ends of the whole trajectory, and the momenta / p♯ at the four ends of its two halves.
    let forward = z0;
    let backward = z0;
    let sample = z0;
    let pFwdFwd = z0.momentum, pFwdBck = z0.momentum, pBckFwd = z0.momentum, pBckBck = z0.momentum;
    let vFwdFwd = velocity0, vFwdBck = velocity0, vBckFwd = velocity0, vBckBck = velocity0;
    let rho: Float64Array = Float64Array.from(z0.momentum);
    let logSumWeight = 0; // log exp(H0 - H0)
    const ctx: TreeContext = { target, metric, integrator, rng, stepSize, initialEnergy, maxEnergyError, numIntegrationSteps: 0, sumAcceptProb: 0, isDivergent: false };

    let depth = 0;
    while (depth < maxTreeDepth) {
      let rhoFwd: Float64Array, rhoBck: Float64Array, subtree: Subtree;
      if (rng.uniform() > 0.5) {
        // Extend forward: the old trajectory becomes the backward half.
        rhoBck = rho;
        pBckFwd = pFwdFwd;
        vBckFwd = vFwdFwd;
        subtree = buildTree(ctx, forward, depth, 1);
        rhoFwd = subtree.rho;
        forward = subtree.last;
        pFwdBck = subtree.momentumBegin;
        vFwdBck = subtree.velocityBegin;
        pFwdFwd = subtree.momentumEnd;
        vFwdFwd = subtree.velocityEnd;
      } else {
        // Extend backward: the old trajectory becomes the forward half.
        rhoFwd = rho;
        pFwdBck = pBckBck;
        vFwdBck = vBckBck;
        subtree = buildTree(ctx, backward, depth, -1);
        rhoBck = subtree.rho;
        backward = subtree.last;
        pBckFwd = subtree.momentumBegin;
        vBckFwd = subtree.velocityBegin;
        pBckBck = subtree.momentumEnd;
        vBckBck = subtree.velocityEnd;
      }
      if (!subtree.valid) break;
      depth += 1;
      // Biased progressive sampling: prefer the new subtree when it outweighs the old trajectory.
      if (subtree.logSumWeight > logSumWeight || rng.uniform() < libm.exp(subtree.logSumWeight - logSumWeight)) {
        sample = subtree.proposal;
      }
      logSumWeight = logSumExp(logSumWeight, subtree.logSumWeight);
      rho = added(rhoBck, rhoFwd);
      const persist =
        noUTurn(vBckBck, vFwdFwd, rho) &&
        noUTurn(vBckBck, vFwdBck, added(rhoBck, pFwdBck)) &&
        noUTurn(vBckFwd, vFwdFwd, added(rhoFwd, pBckFwd));
      if (!persist) break;
    }
    return [
      { position: sample.position, logDensity: sample.logDensity, logDensityGrad: sample.logDensityGrad },
      {
        acceptanceRate: ctx.sumAcceptProb / ctx.numIntegrationSteps,
        isDivergent: ctx.isDivergent,
        energy: hamiltonian(metric, sample),
        numIntegrationSteps: ctx.numIntegrationSteps,
        treeDepth: depth,
        stepSize,
      },
    ];
  };

  const serializable = options.integrator === undefined;
  return {
    name: 'nuts',
    init: (position, target) => evaluateAt(target, position),
    step,
    defaultParams: (dim) => ({ stepSize: 1, inverseMassMatrix: identityInverseMassMatrix(dim, kind) }),
    spec: serializable ? { name: 'nuts', options: { maxTreeDepth, maxEnergyError, metric: kind, stepSizeJitter } } : undefined,
  };
}
