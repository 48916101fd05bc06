/**
 * defineModel: named, shaped, possibly constrained parameters <-> one flat unconstrained vector.
 * `logDensityAndGrad` is the hot path of every sampler: it views the vector as named leaf
 * tensors (subarray views, no copies) on a tape, maps each onto its support, adds the
 * log-Jacobians, runs the user's `logp`, and writes the gradient into the caller's buffer. The
 * first call records that tape; later calls replay its compiled plan (autodiff/compile/), which
 * allocates nothing, unless the model cannot be compiled or asks for `compile: false`.
 * A transform may change the size (a K-simplex has K − 1 free values), so each slot has its
 * free (unconstrained) place in x and its constrained place in a trace row. `derived` and
 * `logLik` run once per kept draw, without a gradient (the PosteriorTarget `derived` hook);
 * `prior` and `simulate` serve the predictive checks (predictive.ts).
 */
import { modelBackend, withModelBackend, type ModelBackend } from '../core/kernels/backend.js';
import { shapeSize, shapeToString } from '../core/shape.js';
import * as T from '../autodiff/ops/index.js';
import { Tape, withTape } from '../autodiff/tape.js';
import { CompiledDensity, compileMode, type CompileOption, type CompileStatus } from '../autodiff/compile/compiled.js';
import { Tensor } from '../autodiff/tensor.js';
import type { Rng } from '../core/rng.js';
import type { ParamInfo, PosteriorTarget } from '../samplers/types.js';
import { makeTransform, type Transform, type TransformSpec } from './transforms/index.js';
import { asOutput, constantTensors, flattenValues, guardNames, type ParamValues } from './param_values.js';

export type { ParamValues } from './param_values.js';

/** A parameter: its shape ([] for a scalar), or its shape and the transform onto its support. */
export type ParamSpec = number[] | { shape: number[]; transform?: TransformSpec };

/** Passed to `logp` beside the parameters: the kernel backend chosen for this model. */
export interface LogpContext {
  backend: ModelBackend;
}

export interface ModelSpec {
  params: Record<string, ParamSpec>;
  /** Log density of the constrained parameters (up to a constant), as a scalar Tensor. */
  logp: (params: Record<string, Tensor>, context: LogpContext) => Tensor;
  /**
   * Backend of every matrix product inside `logp`, chosen here once: 'js' (Float64, the default,
   * whatever setBackend or HBNN_BACKEND say) or 'gpu' (gpu.js, float32; throws now if it cannot
   * run). Handed to `logp` in `context`; products that name no backend run on it too.
   */
  backend?: ModelBackend;
  /**
   * Compile the gradient (default true): record the log density's ops on the first call and
   * replay them without allocation afterwards (docs/models.md). false: the eager tape on every
   * call, for a `logp` whose ops depend on more than the parameters' shapes. 'check': run both on
   * every call and throw at the first difference, naming the op (HBNN_COMPILE=check, for tests).
   */
  compile?: CompileOption;
  /**
   * Quantities computed from the constrained parameters at each kept draw, without a gradient
   * (Stan's transformed parameters / generated quantities): stored in the Trace after the
   * parameters, with their shapes, and in summaries and CSV. Names must differ from the params'.
   */
  derived?: (params: Record<string, Tensor>) => Record<string, Tensor | number | number[] | Float64Array>;
  /** Pointwise log-likelihood (one value per observation), stored per draw as `log_lik` for loo / waic. */
  logLik?: (params: Record<string, Tensor>) => Tensor;
  /** Simulated data given the constrained parameters, for priorPredictive / posteriorPredictive. */
  simulate?: (params: Record<string, Tensor>, rng: Rng) => Record<string, Tensor | number | number[] | Float64Array>;
  /** One draw of every parameter (constrained values) from its prior, for priorPredictive. */
  prior?: (rng: Rng) => Record<string, ParamValues | Tensor>;
}

/** The name under which `logLik` is stored (Stan users' convention; loo reads it). */
export const LOG_LIK = 'log_lik';

/** Where each parameter lives: its free values in the unconstrained x, its constrained values in a trace row. */
interface Slot {
  name: string;
  shape: readonly number[];
  /** Offset and size of the constrained values. */
  out: number;
  size: number;
  /** Shape, offset and size of the free values in x. */
  freeShape: readonly number[];
  offset: number;
  freeSize: number;
  transform: Transform;
}

export class Model implements PosteriorTarget {
  /** Length of the unconstrained vector. */
  readonly dim: number;
  /** Total size of the constrained parameters (what `constrainInto` writes; differs from dim under 'simplex', 'choleskyCorr', 'covMatrix'). */
  readonly constrainedSize: number;
  /** Names and shapes of the constrained parameters, in storage order (what a Trace holds). */
  readonly params: readonly ParamInfo[];
  /** The kernel backend of `logp`, resolved when the model was made. */
  readonly backend: ModelBackend;
  private readonly slots: readonly Slot[];
  private readonly logp: ModelSpec['logp'];
  private readonly density: CompiledDensity;
  private readonly spec: ModelSpec;
  private derivedLayout?: ParamInfo[];

  constructor(spec: ModelSpec) {
    if (spec === null || typeof spec !== 'object') throw new Error('defineModel: expects { params, logp }');
    if (typeof spec.logp !== 'function') throw new Error(`defineModel: logp must be a function, got ${typeof spec.logp}`);
    if (spec.params === null || typeof spec.params !== 'object') throw new Error('defineModel: params must be an object { name: shape | { shape, transform } }');
    this.slots = buildSlots(spec.params);
    const last = this.slots[this.slots.length - 1];
    this.dim = last.offset + last.freeSize;
    this.constrainedSize = last.out + last.size;
    this.params = this.slots.map((s) => ({ name: s.name, shape: s.shape }));
    for (const k of ['derived', 'logLik', 'simulate', 'prior'] as const) {
      if (spec[k] !== undefined && typeof spec[k] !== 'function') throw new Error(`defineModel: ${k} must be a function, got ${typeof spec[k]}`);
    }
    if (spec.logLik && LOG_LIK in spec.params) throw new Error(`defineModel: a parameter is named '${LOG_LIK}', the name logLik is stored under; rename it`);
    this.spec = spec;
    this.logp = spec.logp;
    this.backend = modelBackend(spec.backend, 'defineModel');
    this.density = new CompiledDensity({
      name: `model (${this.describe()})`,
      evaluate: (tape, x) => this.evaluate(tape, x),
      within: (fn) => withModelBackend(this.backend, fn),
    }, compileMode(spec.compile, 'defineModel'));
  }

  /** Whether the gradient runs a compiled plan, and why not when it does not. */
  get compilation(): CompileStatus {
    return this.density.status;
  }

  get paramNames(): string[] {
    return this.slots.map((s) => s.name);
  }

  private checkVector(x: Float64Array, what: string, method: string, length = this.dim, called = 'dim'): void {
    if (!(x instanceof Float64Array) || x.length !== length) {
      const got = x instanceof Float64Array ? `length ${x.length}` : Object.prototype.toString.call(x);
      throw new Error(`Model.${method}: ${what} must be a Float64Array of length ${called} = ${length} (${this.describe()}), got ${got}`);
    }
  }

  private describe(): string {
    return this.slots.map((s) => `${s.name} ${shapeToString(s.shape)}`).join(', ');
  }

  /** Log density and, when `tape` runs backward, its gradient; the leaves are views into x. */
  private evaluate(tape: Tape, x: Float64Array): { out: Tensor; leaves: Tensor[] } {
    return withTape(tape, () => {
      const leaves: Tensor[] = [];
      const values: Record<string, Tensor> = {};
      const terms: Tensor[] = [];
      for (const s of this.slots) {
        const u = tape.leaf(x.subarray(s.offset, s.offset + s.freeSize), s.freeShape);
        leaves.push(u);
        values[s.name] = s.transform.forward(u);
        if (s.transform.kind !== 'identity') terms.push(s.transform.logJacobian(u));
      }
      const lp = this.logp(guardNames(values, 'defineModel logp'), { backend: this.backend });
      if (!(lp instanceof Tensor) || lp.size !== 1) {
        const got = lp instanceof Tensor ? `a Tensor of shape ${shapeToString(lp.shape)}` : typeof lp;
        throw new Error(`Model logp (params ${this.describe()}) must return a scalar Tensor, got ${got}; sum the log densities (the dist.* functions already do)`);
      }
      let out = lp.rank === 0 ? lp : T.reshape(lp, []);
      for (const t of terms) out = T.add(out, t);
      return { out, leaves };
    });
  }

  /** log p(x) on the unconstrained scale (Jacobians included), without the gradient. NaN is returned, not thrown. */
  logDensity(x: Float64Array): number {
    this.checkVector(x, 'x', 'logDensity');
    // Evaluated on a tape (no backward) so that validation sees the same tracked/constant arguments as with gradients.
    return this.density.value(x);
  }

  /** log p(x) and its gradient, written into `gradOut` (length dim). NaN is returned, not thrown. */
  logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number {
    this.checkVector(x, 'x', 'logDensityAndGrad');
    this.checkVector(gradOut, 'gradOut', 'logDensityAndGrad');
    // The backward pass runs products too (dA = dC·Bᵀ, dB = Aᵀ·dC), so it is inside the model's backend as well (CompiledDensity's `within`).
    return this.density.valueAndGrad(x, gradOut);
  }

  /** Constrained values of every parameter, by name. */
  constrain(x: Float64Array): Record<string, Float64Array> {
    this.checkVector(x, 'x', 'constrain');
    const out: Record<string, Float64Array> = {};
    for (const s of this.slots) {
      out[s.name] = new Float64Array(s.size);
      s.transform.forwardInto(x.subarray(s.offset, s.offset + s.freeSize), out[s.name]);
    }
    return out;
  }

  /** Constrained values of all parameters, flattened in `params` order, into `out` (length constrainedSize). */
  constrainInto(x: Float64Array, out: Float64Array): void {
    this.checkVector(x, 'x', 'constrainInto');
    this.checkVector(out, 'out', 'constrainInto', this.constrainedSize, 'constrainedSize');
    for (const s of this.slots) s.transform.forwardInto(x.subarray(s.offset, s.offset + s.freeSize), out.subarray(s.out, s.out + s.size));
  }

  /** The unconstrained vector for constrained values given by name (e.g. initial values). */
  unconstrain(values: Record<string, ParamValues | Tensor>): Float64Array {
    if (values === null || typeof values !== 'object') throw new Error(`Model.unconstrain: expects an object { name: values } for ${this.describe()}`);
    const unknown = Object.keys(values).filter((k) => !this.slots.some((s) => s.name === k));
    if (unknown.length > 0) throw new Error(`Model.unconstrain: unknown parameter(s) ${unknown.join(', ')}; the model has ${this.describe()}`);
    const x = new Float64Array(this.dim);
    for (const s of this.slots) {
      if (!(s.name in values)) throw new Error(`Model.unconstrain: missing parameter '${s.name}' ${shapeToString(s.shape)}; give every one of ${this.describe()}`);
      const what = `Model.unconstrain: parameter '${s.name}'`;
      x.set(s.transform.inverse(flattenValues(values[s.name], s.shape, what), what), s.offset);
    }
    return x;
  }

  /** Shapes of the parameters, by name. */
  private shapes(): Record<string, readonly number[]> {
    return Object.fromEntries(this.slots.map((s) => [s.name, s.shape]));
  }

  /**
   * The derived quantities' names, shapes and kinds ('derived', then `log_lik` as 'logLik'), found
   * by evaluating them once at x = 0; empty without `derived` and `logLik`.
   */
  get derived(): readonly ParamInfo[] {
    if (!this.derivedLayout) {
      const zero = this.derivedValues(this.constrain(new Float64Array(this.dim)));
      this.derivedLayout = Object.entries(zero).map(([name, v]) => ({ name, shape: v.shape, kind: name === LOG_LIK && this.spec.logLik ? 'logLik' : 'derived' }));
    }
    return this.derivedLayout;
  }

  /** The derived quantities (and `log_lik`) at the point x, flattened in `derived` order, into `out`. */
  derivedInto(x: Float64Array, out: Float64Array): void {
    const layout = this.derived;
    const values = this.derivedValues(this.constrain(x));
    let at = 0;
    for (const p of layout) {
      const v = values[p.name];
      if (!v || shapeToString(v.shape) !== shapeToString(p.shape)) {
        throw new Error(`defineModel derived: '${p.name}' had shape ${shapeToString(p.shape)} at the first evaluation, now ${v ? shapeToString(v.shape) : 'it is missing'}; derived quantities must keep their shapes`);
      }
      out.set(v.data, at);
      at += v.size;
    }
    if (at !== out.length) throw new Error(`Model.derivedInto: out has length ${out.length}, the derived quantities ${at} values`);
  }

  /** `derived` and `logLik` at constrained values, as tensors by name (log_lik flattened to a vector). */
  derivedValues(values: Record<string, Float64Array>): Record<string, Tensor> {
    const { derived, logLik } = this.spec;
    if (!derived && !logLik) return {};
    return withModelBackend(this.backend, () => {
      const p = guardNames(constantTensors(values, this.shapes()), 'defineModel derived');
      const out: Record<string, Tensor> = {};
      if (derived) {
        const d = derived(p);
        if (d === null || typeof d !== 'object') throw new Error(`defineModel derived must return an object { name: tensor }, got ${d === null ? 'null' : typeof d}`);
        for (const [name, v] of Object.entries(d)) {
          if (this.slots.some((s) => s.name === name) || (logLik && name === LOG_LIK)) throw new Error(`defineModel derived: '${name}' is already ${name === LOG_LIK ? 'the name of logLik' : 'a parameter'}; give it another name`);
          out[name] = asOutput(v, `defineModel derived: '${name}'`);
        }
      }
      if (logLik) {
        const ll = asOutput(logLik(guardNames(constantTensors(values, this.shapes()), 'defineModel logLik')), 'defineModel logLik');
        out[LOG_LIK] = new Tensor(ll.data, [ll.size]);
      }
      return out;
    });
  }

  /** Whether the model says how to draw its parameters from their priors (`prior`) and how to simulate data (`simulate`). */
  get predictive(): { prior: boolean; simulate: boolean } {
    return { prior: this.spec.prior !== undefined, simulate: this.spec.simulate !== undefined };
  }

  /** One draw of the constrained parameters from `prior`, checked against their shapes and constraints. */
  drawPrior(rng: Rng): Record<string, Float64Array> {
    const prior = this.spec.prior;
    if (!prior) throw new Error(`priorPredictive: the model has no prior(rng) => ({ ${this.paramNames.join(', ')} }) in its defineModel spec`);
    const draw = prior(rng);
    if (draw === null || typeof draw !== 'object') throw new Error(`defineModel prior must return an object { name: values }, got ${draw === null ? 'null' : typeof draw}`);
    this.unconstrain(draw); // checks the names, shapes and constraints, naming what is wrong
    const out: Record<string, Float64Array> = {};
    for (const s of this.slots) out[s.name] = Float64Array.from(flattenValues(draw[s.name], s.shape, s.name));
    return out;
  }

  /** `simulate` at constrained values, as tensors by name. */
  simulateAt(values: Record<string, Float64Array>, rng: Rng): Record<string, Tensor> {
    const simulate = this.spec.simulate;
    if (!simulate) throw new Error('predictive: the model has no simulate(params, rng) => ({ name: tensor }) in its defineModel spec');
    return withModelBackend(this.backend, () => {
      const sim = simulate(guardNames(constantTensors(values, this.shapes()), 'defineModel simulate'), rng);
      if (sim === null || typeof sim !== 'object') throw new Error(`defineModel simulate must return an object { name: tensor }, got ${sim === null ? 'null' : typeof sim}`);
      const out: Record<string, Tensor> = {};
      for (const [name, v] of Object.entries(sim)) out[name] = asOutput(v, `defineModel simulate: '${name}'`);
      return out;
    });
  }
}

/** Each parameter's transform and its places in the unconstrained x and in a trace row, checked. */
function buildSlots(params: Record<string, ParamSpec>): Slot[] {
  const names = Object.keys(params);
  if (names.length === 0) throw new Error('defineModel: the model needs at least one parameter');
  let offset = 0;
  let out = 0;
  return names.map((name) => {
    const p = params[name];
    const shape = Array.isArray(p) ? p : p?.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`defineModel: parameter '${name}' needs a shape of non-negative integers ([] for a scalar), got ${JSON.stringify(p)}`);
    }
    const what = `defineModel: parameter '${name}'`;
    const transform = makeTransform(Array.isArray(p) ? undefined : p.transform, what);
    const freeShape = transform.freeShape(shape, what);
    const slot = { name, shape: [...shape], out, size: shapeSize(shape), freeShape, offset, freeSize: shapeSize(freeShape), transform };
    offset += slot.freeSize;
    out += slot.size;
    return slot;
  });
}

/** Build a Model from named parameter shapes/transforms and a log-density function. */
export function defineModel(spec: ModelSpec): Model {
  return new Model(spec);
}
