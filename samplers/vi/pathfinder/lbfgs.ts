/**
 * L-BFGS minimisation (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 7.4 and 7.5) with
 * a strong-Wolfe line search (Alg. 3.5 and 3.6, zoom by safeguarded cubic interpolation), and
 * Stan's stopping rules and defaults (`stan/optimization/bfgs.hpp`: tol_obj, tol_rel_obj in units
 * of ε, tol_grad, tol_rel_grad in units of ε, tol_param). It keeps the whole path of accepted
 * iterates with their gradients, which Pathfinder turns into normal approximations.
 *
 * A trial point whose value or gradient is not finite counts as an infinitely bad step (the line
 * search shrinks), so the path stays where the target is finite.
 */
const EPSILON = 2.220446049250313e-16;
/** Sufficient decrease c₁ and curvature c₂ of the strong Wolfe conditions (N&W's usual values for quasi-Newton). */
const WOLFE_C1 = 1e-4;
const WOLFE_C2 = 0.9;
/** Evaluations one line search may spend before the step is declared failed. */
const MAX_LINE_SEARCH_EVALS = 40;

export interface LbfgsOptions {
  /** Pairs (s, y) kept for the two-loop recursion (Pathfinder's J, 6 in the paper, 5 in Stan). */
  historySize?: number;
  maxIterations?: number;
  /** Stop when |f_k − f_{k−1}| < tolObj (Stan 1e-12). */
  tolObj?: number;
  /** Stop when |f_k − f_{k−1}| / max(|f_k|, |f_{k−1}|, 1) < tolRelObj · ε (Stan 1e4). */
  tolRelObj?: number;
  /** Stop when ‖g_k‖ < tolGrad (Stan 1e-8). */
  tolGrad?: number;
  /** Stop when gᵀH g / max(|f|, 1) < tolRelGrad · ε with H the current inverse-Hessian scaling (Stan 1e7). */
  tolRelGrad?: number;
  /** Stop when ‖x_k − x_{k−1}‖ < tolParam (Stan 1e-8). */
  tolParam?: number;
  signal?: AbortSignal;
}

export const LBFGS_DEFAULTS: Required<Omit<LbfgsOptions, 'signal'>> = {
  historySize: 5,
  maxIterations: 1000,
  tolObj: 1e-12,
  tolRelObj: 1e4,
  tolGrad: 1e-8,
  tolRelGrad: 1e7,
  tolParam: 1e-8,
};

export type LbfgsStop = 'tol-obj' | 'tol-rel-obj' | 'tol-grad' | 'tol-rel-grad' | 'tol-param' | 'max-iterations' | 'line-search-failed' | 'interrupted';

export interface LbfgsIterate {
  readonly x: Float64Array;
  readonly f: number;
  /** ∇f at x. */
  readonly g: Float64Array;
}

export interface LbfgsResult {
  /** Accepted iterates, the starting point first. */
  readonly path: readonly LbfgsIterate[];
  readonly reason: LbfgsStop;
  /** Calls of the objective (each with its gradient). */
  readonly numEvals: number;
}

/** f(x) with ∇f written into gOut. */
export type Objective = (x: Float64Array, gOut: Float64Array) => number;

export function lbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const o = { ...LBFGS_DEFAULTS, ...options };
  const n = x0.length;
  let numEvals = 0;
  const evaluate = (x: Float64Array, g: Float64Array) => {
    numEvals++;
    const f = objective(x, g);
    return Number.isFinite(f) && g.every(Number.isFinite) ? f : Infinity;
  };
  const g0 = new Float64Array(n);
  const f0 = evaluate(x0, g0);
  if (!Number.isFinite(f0)) throw new Error('lbfgs: the objective or its gradient is not finite at the starting point');
  const path: LbfgsIterate[] = [{ x: x0.slice(), f: f0, g: g0 }];
  const history: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let reason: LbfgsStop = 'max-iterations';
  for (let k = 0; k < o.maxIterations; k++) {
    if (o.signal?.aborted) {
      reason = 'interrupted';
      break;
    }
    const cur = path[path.length - 1];
    const { direction, gamma } = twoLoop(cur.g, history);
    const slope = dot(cur.g, direction);
    if (!(slope < 0)) {
      reason = 'line-search-failed'; // not a descent direction: the curvature information is broken
      break;
    }
    const gNorm = Math.sqrt(dot(cur.g, cur.g));
    const firstStep = k === 0 ? Math.min(1, 1 / gNorm) : 1;
    const next = lineSearch(evaluate, cur, direction, slope, firstStep);
    if (!next) {
      reason = 'line-search-failed';
      break;
    }
    path.push(next);
    const s = sub(next.x, cur.x);
    const y = sub(next.g, cur.g);
    const sy = dot(s, y);
    if (sy > 0) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > o.historySize) history.shift();
    }
    const stop = converged(o, cur, next, s, gamma);
    if (stop) {
      reason = stop;
      break;
    }
  }
  return { path, reason, numEvals };
}

function converged(o: Required<Omit<LbfgsOptions, 'signal'>>, prev: LbfgsIterate, next: LbfgsIterate, s: Float64Array, gamma: number): LbfgsStop | undefined {
  const df = Math.abs(next.f - prev.f);
  if (df < o.tolObj) return 'tol-obj';
  if (df / Math.max(Math.abs(next.f), Math.abs(prev.f), 1) < o.tolRelObj * EPSILON) return 'tol-rel-obj';
  const g2 = dot(next.g, next.g);
  if (Math.sqrt(g2) < o.tolGrad) return 'tol-grad';
  if ((gamma * g2) / Math.max(Math.abs(next.f), 1) < o.tolRelGrad * EPSILON) return 'tol-rel-grad';
  if (Math.sqrt(dot(s, s)) < o.tolParam) return 'tol-param';
  return undefined;
}

/** −H g by the two-loop recursion, H₀ = γI with γ = sᵀy / yᵀy of the newest pair (1 without pairs). */
function twoLoop(g: Float64Array, history: { s: Float64Array; y: Float64Array; rho: number }[]): { direction: Float64Array; gamma: number } {
  const q = g.slice();
  const alphas = new Float64Array(history.length);
  for (let i = history.length - 1; i >= 0; i--) {
    const { s, y, rho } = history[i];
    alphas[i] = rho * dot(s, q);
    axpy(-alphas[i], y, q);
  }
  const last = history[history.length - 1];
  const gamma = last ? 1 / (last.rho * dot(last.y, last.y)) : 1;
  for (let i = 0; i < q.length; i++) q[i] *= gamma;
  for (let i = 0; i < history.length; i++) {
    const { s, y, rho } = history[i];
    const beta = rho * dot(y, q);
    axpy(alphas[i] - beta, s, q);
  }
  for (let i = 0; i < q.length; i++) q[i] = -q[i];
  return { direction: q, gamma };
}

interface Trial {
  t: number;
  x: Float64Array;
  f: number;
  g: Float64Array;
  slope: number;
}

/** Strong-Wolfe line search along `d` from `cur` (N&W Alg. 3.5); the accepted iterate, or undefined. */
function lineSearch(
  evaluate: (x: Float64Array, g: Float64Array) => number,
  cur: LbfgsIterate,
  d: Float64Array,
  slope0: number,
  firstStep: number,
): LbfgsIterate | undefined {
  const at = (t: number): Trial => {
    const x: Float64Array = cur.x.slice();
    axpy(t, d, x);
    const g = new Float64Array(x.length);
    const f = evaluate(x, g);
    return { t, x, f, g, slope: Number.isFinite(f) ? dot(g, d) : NaN };
  };
  let evals = 0;
  let lo: Trial = { t: 0, x: cur.x, f: cur.f, g: cur.g, slope: slope0 };
  let t = firstStep;
  let prev = lo;
  while (evals < MAX_LINE_SEARCH_EVALS) {
    const trial = at(t);
    evals++;
    if (!Number.isFinite(trial.f) || trial.f > cur.f + WOLFE_C1 * t * slope0 || (evals > 1 && trial.f >= prev.f)) {
      return zoom(at, cur, slope0, prev, trial, MAX_LINE_SEARCH_EVALS - evals);
    }
    if (Math.abs(trial.slope) <= -WOLFE_C2 * slope0) return trial;
    if (trial.slope >= 0) return zoom(at, cur, slope0, trial, prev, MAX_LINE_SEARCH_EVALS - evals);
    prev = trial;
    lo = trial;
    t *= 2;
  }
  return lo.t > 0 ? lo : undefined;
}

/** N&W Alg. 3.6: `lo` satisfies sufficient decrease, the minimiser lies between lo.t and hi.t. */
function zoom(
  at: (t: number) => Trial,
  cur: LbfgsIterate,
  slope0: number,
  lo: Trial,
  hi: Trial,
  budget: number,
): LbfgsIterate | undefined {
  for (let i = 0; i < budget; i++) {
    const t = interpolate(lo, hi);
    const trial = at(t);
    if (!Number.isFinite(trial.f) || trial.f > cur.f + WOLFE_C1 * t * slope0 || trial.f >= lo.f) {
      hi = trial;
    } else {
      if (Math.abs(trial.slope) <= -WOLFE_C2 * slope0) return trial;
      if (trial.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = trial;
    }
    if (Math.abs(hi.t - lo.t) < 1e-14 * Math.max(1, lo.t)) break;
  }
  // Sufficient decrease without the curvature condition is still a descent step.
  return lo.t > 0 ? lo : undefined;
}

/** Minimiser of the cubic through (t, f, slope) at both ends, kept inside the middle 80% of the bracket; else bisection. */
function interpolate(a: { t: number; f: number; slope: number }, b: { t: number; f: number; slope: number }): number {
  const lo = Math.min(a.t, b.t);
  const hi = Math.max(a.t, b.t);
  const mid = 0.5 * (a.t + b.t);
  if (!Number.isFinite(b.f) || !Number.isFinite(a.f) || !Number.isFinite(a.slope) || !Number.isFinite(b.slope)) return mid;
  const d1 = a.slope + b.slope - (3 * (a.f - b.f)) / (a.t - b.t);
  const disc = d1 * d1 - a.slope * b.slope;
  if (disc < 0) return mid;
  const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
  const t = b.t - (b.t - a.t) * ((b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2));
  const margin = 0.1 * (hi - lo);
  return Number.isFinite(t) && t > lo + margin && t < hi - margin ? t : mid;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sub(a: Float64Array, b: Float64Array): Float64Array {
  return Float64Array.from(a, (v, i) => v - b[i]);
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
}
