/**
 * The figures the Stan benchmark compares, computed the same way from either side's chain:
 * wall and sampler seconds, leapfrogs (= gradients) in warmup and sampling, tree depth, step
 * size, divergences, and bulk ESS of lp__ and of a few traced scalars — ESS by hbnn's own
 * `essBulk` on both sets of draws, so the numbers compare.
 */
import { essBulk } from '../../samplers/diagnostics/ess.js';
import type { Trace } from '../../samplers/trace/trace.js';
import type { StanRun } from './rstan.js';
import type { TracedScalar } from './study_runs.js';
import { median } from '../timing.js';

export interface ChainFigures {
  /** Wall-clock seconds of the fit (hbnn: around sample(); Stan: Sys.time() around sampling() in R). */
  wallSeconds: number;
  /**
   * Warmup + sampling as the sampler reports it: hbnn's chain timers (wall clock), Stan's elapsed
   * time — which Stan 2.21 takes from std::clock(), the process's CPU time, so it reads low on a
   * loaded machine. The rates below use wall time on both sides.
   */
  samplerSeconds: number;
  /** CPU seconds of the fit: hbnn's process.cpuUsage() around sample(), Stan's elapsed time (std::clock). */
  cpuSeconds: number;
  leapfrogsWarmup: number;
  leapfrogsSampling: number;
  meanTreeDepth: number;
  stepSize: number;
  divergencesWarmup: number;
  divergencesSampling: number;
  essLp: number;
  essTraced: number[];
}

const sum = (a: ArrayLike<number>, from = 0, to = a.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s;
};
const ess = (x: ArrayLike<number>) => essBulk([Float64Array.from(x)]);

export function hbnnFigures(trace: Trace, wallSeconds: number, cpuSeconds: number, traced: readonly TracedScalar[]): ChainFigures {
  const c = trace.chainDraws[0];
  const w = c.warmup!.stats, s = c.stats;
  return {
    wallSeconds,
    samplerSeconds: c.elapsed ? c.elapsed.warmupSeconds + c.elapsed.samplingSeconds : wallSeconds,
    cpuSeconds,
    leapfrogsWarmup: sum(w.nSteps!),
    leapfrogsSampling: sum(s.nSteps!),
    meanTreeDepth: sum(s.treeDepth!) / s.treeDepth!.length,
    stepSize: c.adaptation?.stepSize ?? s.stepSize![0],
    divergencesWarmup: sum(w.diverging!),
    divergencesSampling: sum(s.diverging!),
    essLp: ess(s.lp),
    essTraced: traced.map((t) => ess(trace.scalarChains(t.hbnn.name, t.hbnn.index)[0])),
  };
}

export function stanFigures(run: StanRun, warmup: number): ChainFigures {
  const n = run.nLeapfrog.length;
  return {
    wallSeconds: run.wallSeconds,
    samplerSeconds: run.warmupSeconds + run.samplingSeconds,
    cpuSeconds: run.warmupSeconds + run.samplingSeconds,
    leapfrogsWarmup: sum(run.nLeapfrog, 0, warmup),
    leapfrogsSampling: sum(run.nLeapfrog, warmup, n),
    meanTreeDepth: sum(run.treeDepth, warmup, n) / (n - warmup),
    stepSize: run.stepSize[warmup],
    divergencesWarmup: sum(run.divergent, 0, warmup),
    divergencesSampling: sum(run.divergent, warmup, n),
    essLp: ess(run.lp),
    essTraced: run.draws.map((d) => ess(d)),
  };
}

/** One side's figures over all fits of a model: totals, and medians over fits of the rates. */
export interface SideSummary {
  fits: number;
  /** The side's whole wall time, all fits one after another (Stan: inside R, model loaded). */
  wallSeconds: number;
  samplerSeconds: number;
  leapfrogsWarmup: number;
  leapfrogsSampling: number;
  /** Wall seconds per leapfrog (tree building included), µs. */
  microsecondsPerGradient: number;
  /**
   * CPU seconds per leapfrog, µs: on a loaded machine the fairer figure, since it does not
   * depend on the share of a core each process got (hbnn's includes V8's GC and JIT threads).
   */
  cpuMicrosecondsPerGradient: number;
  meanTreeDepth: number;
  /** Median over fits of the adapted step size. */
  stepSize: number;
  divergencesWarmup: number;
  divergencesSampling: number;
  /** Median over fits of bulk-ESS / wall seconds. */
  essLpPerSecond: number;
  /** Per traced scalar, median over fits of bulk-ESS / wall seconds. */
  essTracedPerSecond: number[];
}

export function summarize(fits: readonly ChainFigures[], wallSeconds: number): SideSummary {
  const total = (k: keyof ChainFigures) => fits.reduce((a, f) => a + (f[k] as number), 0);
  const samplerSeconds = total('samplerSeconds');
  const fitSeconds = total('wallSeconds');
  return {
    fits: fits.length,
    wallSeconds,
    samplerSeconds,
    leapfrogsWarmup: total('leapfrogsWarmup'),
    leapfrogsSampling: total('leapfrogsSampling'),
    microsecondsPerGradient: (1e6 * fitSeconds) / (total('leapfrogsWarmup') + total('leapfrogsSampling')),
    cpuMicrosecondsPerGradient: (1e6 * total('cpuSeconds')) / (total('leapfrogsWarmup') + total('leapfrogsSampling')),
    meanTreeDepth: total('meanTreeDepth') / fits.length,
    stepSize: median(fits.map((f) => f.stepSize)),
    divergencesWarmup: total('divergencesWarmup'),
    divergencesSampling: total('divergencesSampling'),
    essLpPerSecond: median(fits.map((f) => f.essLp / f.wallSeconds)),
    essTracedPerSecond: fits[0].essTraced.map((_, i) => median(fits.map((f) => f.essTraced[i] / f.wallSeconds))),
  };
}
