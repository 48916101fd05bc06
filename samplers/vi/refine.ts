/**
 * The averaging phase of schedule 'accurate', run once Stan's phase has stopped. Stan's answer is
 * the last iterate of a noisy ascent whose step ρ_k = η k^(−1/2) / (τ + √s_k) contains the current
 * g_k² (so large gradient draws are damped more: a biased fixed point for the scales). Here:
 *
 *  - the preconditioner 1/(τ + √s) is frozen at its value when Stan's phase ended, so a step no
 *    longer depends on its own gradient draw: plain preconditioned SGD, unbiased;
 *  - the step decays as ρ_j = η k₀^(−1/2) (1 + j/k₀)^(−0.6), continuing Stan's step at k₀ and
 *    then satisfying Robbins–Monro with an exponent in (½, 1), as Polyak–Juditsky averaging needs;
 *  - each gradient averages `refineGradSamples` stick-the-landing draws;
 *  - the answer is a Polyak–Ruppert average of the iterates (Polyak & Juditsky 1992) over the
 *    last three quarters of the phase: the iterates are averaged in blocks of doubling length
 *    (evalElbo, 2·evalElbo, 4·evalElbo, …), and the blocks that started in the first quarter are
 *    dropped, so a transient from Stan's last iterate does not linger in the answer.
 *
 * At the end of each block the ELBO of its average is recorded and PyMC's parameter-change rule
 * compares it with the previous block's average (`scaledChange` < tolParam): two independent
 * averages that agree. The phase also ends at `refineIterations`, with a warning.
 */
import { yieldToEventLoop } from '../../core/runtime.js';
import * as libm from '../../core/libm.js';
import type { Rng } from '../../core/rng.js';
import { allFinite } from '../../core/finite.js';
import { estimateElbo, estimateElboGrad, type GaussianFamily } from './families.js';
import { STEP_SIZE_TAU } from './step_size.js';
import { MAX_STEP_HALVINGS } from './advi_error.js';
import type { AdviRun, Ascent } from './advi_state.js';

/**
 * Initial natural-gradient step for the means (and mean-field log-sds): 0.1 of a Newton step
 * where Σ_q matches the target's curvature (stable while the largest eigenvalue of Σ_q·H is < 20).
 */
const NATURAL_STEP = 0.1;
/** Decay exponent of the refinement step: in (½, 1) for Polyak–Juditsky averaging. */
const REFINE_DECAY = 0.6;
const YIELD_EVERY_MS = 20;

/** Runs the phase on `a` (which records the ELBOs, iterations and rule); returns the averaged parameters. */
export async function refine(
  run: AdviRun,
  a: Ascent,
  rng: Rng,
  fail: (iteration: number, eta: number, lastGood: Float64Array) => never,
): Promise<Float64Array> {
  const { family, target, s, scratch } = run;
  const P = family.numParams;
  const k0 = Math.max(a.iteration, 1);
  const precondition = Float64Array.from(a.history, (h) => 1 / (STEP_SIZE_TAU + Math.sqrt(h)));
  const params = a.params.slice();
  const next = new Float64Array(P);
  let grad = new Float64Array(P);
  let nextGrad = new Float64Array(P);
  let avg = new Float64Array(P);
  let previous: Float64Array | undefined; // the last completed block's average
  const blocks: Block[] = [];
  let inBlock = 0;
  let blockLength = s.evalElbo;
  let scale = 1; // halved on a non-finite step, as in Stan's phase
  a.refineStart = a.iteration;
  if (!gradientAt(run, params, rng, grad)) fail(a.iteration, a.eta, params);
  let failures = 0;
  let lastYield = Date.now();
  let j = 0;
  a.refinedBy = 'max-iterations';
  while (j < s.refineIterations) {
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (s.signal?.aborted) {
      a.refinedBy = 'interrupted';
      break;
    }
    const decay = scale * libm.pow(1 + (j + 1) / k0, -REFINE_DECAY);
    naturalStep(family, params, grad, decay * NATURAL_STEP, decay * a.eta * libm.pow(k0, -0.5), precondition, next);
    if (!allFinite(next) || !gradientAt(run, next, rng, nextGrad)) {
      if (++failures > MAX_STEP_HALVINGS) fail(a.iteration + j + 1, a.eta * scale, previous ?? params);
      scale /= 2;
      continue;
    }
    failures = 0;
    j++;
    params.set(next);
    [grad, nextGrad] = [nextGrad, grad];
    inBlock++;
    for (let i = 0; i < P; i++) avg[i] += (params[i] - avg[i]) / inBlock;
    if (inBlock < blockLength) continue;
    const elbo = estimateElbo(family, avg, target, rng, s.elboSamples, scratch);
    a.elbos.push(elbo);
    a.elboIters.push(a.iteration + j);
    run.progress.update(a.iteration + j, elbo, NaN);
    const settled = previous !== undefined && scaledChange(family, previous, avg) < s.tolParam;
    blocks.push({ start: j - inBlock, count: inBlock, avg });
    previous = avg;
    avg = new Float64Array(P);
    inBlock = 0;
    blockLength *= 2;
    if (settled) {
      a.refinedBy = 'parameter-change';
      break;
    }
  }
  a.iteration += j;
  a.eta *= scale;
  if (a.refinedBy === 'max-iterations') {
    a.warnings.push(`the averaging phase reached refineIterations (${s.refineIterations}) before two successive block averages agreed within tolParam (${s.tolParam}): raise refineIterations for a more precise fit`);
  }
  a.converged = a.converged && a.refinedBy === 'parameter-change';
  if (inBlock > 0) blocks.push({ start: j - inBlock, count: inBlock, avg });
  return blocks.length > 0 ? tailAverage(blocks, j) : params;
}

/** Iterates j in [start, start + count) of the phase, and their mean. */
interface Block {
  start: number;
  count: number;
  avg: Float64Array;
}

/** The mean of the iterates in the blocks that started at or after a quarter of the phase's `total` iterations. */
function tailAverage(blocks: Block[], total: number): Float64Array {
  const kept = blocks.filter((b) => b.start >= total / 4);
  const used = kept.length > 0 ? kept : [blocks[blocks.length - 1]];
  const out = new Float64Array(used[0].avg.length);
  const n = used.reduce((sum, b) => sum + b.count, 0);
  for (const b of used) for (let i = 0; i < out.length; i++) out[i] += (b.count / n) * b.avg[i];
  return out;
}

/**
 * next = params + step: means move along Σ_q ∇_μ (the natural gradient of a Gaussian's mean, scale
 * free: a Newton step where Σ_q⁻¹ is the curvature), mean-field log-sds along ∇_ω / 2 (the Fisher
 * information of a log-sd is 2), full-rank factors by Stan's step with the frozen preconditioner.
 */
function naturalStep(family: GaussianFamily, p: Float64Array, g: Float64Array, rhoNatural: number, rhoStan: number, precondition: Float64Array, next: Float64Array): void {
  const dim = family.dim;
  if (family.method === 'meanfield') {
    for (let i = 0; i < dim; i++) {
      next[i] = p[i] + rhoNatural * libm.exp(2 * p[dim + i]) * g[i];
      next[dim + i] = p[dim + i] + rhoNatural * 0.5 * g[dim + i];
    }
    return;
  }
  // Σ_q ∇_μ = L (Lᵀ ∇_μ), L packed by rows after μ.
  const t = new Float64Array(dim);
  const tri = (i: number, j: number) => dim + (i * (i + 1)) / 2 + j;
  for (let j = 0; j < dim; j++) for (let i = j; i < dim; i++) t[j] += p[tri(i, j)] * g[i];
  for (let i = 0; i < dim; i++) {
    let v = 0;
    for (let j = 0; j <= i; j++) v += p[tri(i, j)] * t[j];
    next[i] = p[i] + rhoNatural * v;
  }
  for (let i = dim; i < p.length; i++) next[i] = p[i] + rhoStan * precondition[i] * g[i];
}

function gradientAt(run: AdviRun, params: Float64Array, rng: Rng, out: Float64Array): boolean {
  return estimateElboGrad(run.family, params, run.target, rng, run.s.refineGradSamples, out, run.scratch, true);
}

/**
 * PyMC's parameter-change criterion made scale-free: the largest change from `before` to `after`
 * with means measured in marginal sds of `after`, log-sds absolutely (a relative change of the sd)
 * and full-rank factor entries L_ij relative to the sd of row i.
 */
export function scaledChange(family: GaussianFamily, before: Float64Array, after: Float64Array): number {
  const dim = family.dim;
  const sd = family.marginalSd(after);
  let worst = 0;
  for (let i = 0; i < dim; i++) worst = Math.max(worst, Math.abs(after[i] - before[i]) / sd[i]);
  if (family.method === 'meanfield') {
    for (let i = 0; i < dim; i++) worst = Math.max(worst, Math.abs(after[dim + i] - before[dim + i]));
    return worst;
  }
  for (let i = 0; i < dim; i++) {
    const row = dim + (i * (i + 1)) / 2;
    for (let j = 0; j <= i; j++) worst = Math.max(worst, Math.abs(after[row + j] - before[row + j]) / sd[i]);
  }
  return worst;
}
