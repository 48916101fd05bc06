/**
 * defineModel: named, shaped, possibly constrained parameters <-> one flat unconstrained vector.
 * `logDensityAndGrad` is the hot path of every sampler: it views the vector as named leaf
 * tensors (subarray views, no copies) on a tape, maps each onto its support, adds the
 * log-Jacobians, runs the user's `logp`, and writes the gradient into the caller's buffer. The
 * first call records that tape; later calls replay its compiled plan (autodiff/compile/), which
 * allocates nothing, unless the model cannot be compiled or asks for `compile: false`.
 */
import { modelBackend, withModelBackend, type ModelBackend } from '../core/kernels/backend.js';
import { shapeSize, shapeToString } from '../core/shape.js';
import * as T from '../autodiff/ops/index.js';
import { Tape, withTape } from '../autodiff/tape.js';
import { CompiledDensity, compileMode, type CompileOption, type CompileStatus } from '../autodiff/compile/compiled.js';
import { Tensor } from '../autodiff/tensor.js';
import type { ParamInfo, PosteriorTarget } from '../samplers/types.js';
import { makeTransform, type Transform, type TransformSpec } from './transforms.js';

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
}

/** Where each parameter lives in the flat vector. */
interface Slot {
  name: string;
  shape: readonly number[];
  offset: number;
  size: number;
  transform: Transform;
}

/** Flat values accepted by `unconstrain`: a number for a scalar, or (nested) arrays of numbers. */
export type ParamValues = number | number[] | number[][] | number[][][] | Float64Array;

export class Model implements PosteriorTarget {
  /** Length of the unconstrained vector. */
  readonly dim: number;
  /** Names and shapes of the constrained parameters, in storage order (what a Trace holds). */
  readonly params: readonly ParamInfo[];
  /** The kernel backend of `logp`, resolved when the model was made. */
  readonly backend: ModelBackend;
  private readonly slots: readonly Slot[];
  private readonly logp: ModelSpec['logp'];
  private readonly density: CompiledDensity;

  constructor(spec: ModelSpec) {
    if (spec === null || typeof spec !== 'object') throw new Error('defineModel: expects { params, logp }');
    if (typeof spec.logp !== 'function') throw new Error(`defineModel: logp must be a function, got ${typeof spec.logp}`);
    if (spec.params === null || typeof spec.params !== 'object') throw new Error('defineModel: params must be an object { name: shape | { shape, transform } }');
    const names = Object.keys(spec.params);
    if (names.length === 0) throw new Error('defineModel: the model needs at least one parameter');
    let offset = 0;
    this.slots = names.map((name) => {
      const p = spec.params[name];
      const shape = Array.isArray(p) ? p : p?.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`defineModel: parameter '${name}' needs a shape of non-negative integers ([] for a scalar), got ${JSON.stringify(p)}`);
      }
      const transform = makeTransform(Array.isArray(p) ? undefined : p.transform, `defineModel: parameter '${name}'`);
      const size = shapeSize(shape);
      const slot = { name, shape: [...shape], offset, size, transform };
      offset += size;
      return slot;
    });
    this.dim = offset;
    this.params = this.slots.map((s) => ({ name: s.name, shape: s.shape }));
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

  private checkVector(x: Float64Array, what: string, method: string): void {
    if (!(x instanceof Float64Array) || x.length !== this.dim) {
      const got = x instanceof Float64Array ? `length ${x.length}` : Object.prototype.toString.call(x);
      throw new Error(`Model.${method}: ${what} must be a Float64Array of length dim = ${this.dim} (${this.describe()}), got ${got}`);
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
        const u = tape.leaf(x.subarray(s.offset, s.offset + s.size), s.shape);
        leaves.push(u);
        values[s.name] = s.transform.forward(u);
        if (s.transform.kind !== 'identity') terms.push(s.transform.logJacobian(u));
      }
      const lp = this.logp(values, { backend: this.backend });
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
      s.transform.forwardInto(x.subarray(s.offset, s.offset + s.size), out[s.name]);
    }
    return out;
  }

  /** Constrained values of all parameters, flattened in `params` order, into `out` (length dim). */
  constrainInto(x: Float64Array, out: Float64Array): void {
    this.checkVector(x, 'x', 'constrainInto');
    this.checkVector(out, 'out', 'constrainInto');
    for (const s of this.slots) s.transform.forwardInto(x.subarray(s.offset, s.offset + s.size), out.subarray(s.offset, s.offset + s.size));
  }

  /** The unconstrained vector for constrained values given by name (e.g. initial values). */
  unconstrain(values: Record<string, ParamValues>): Float64Array {
    if (values === null || typeof values !== 'object') throw new Error(`Model.unconstrain: expects an object { name: values } for ${this.describe()}`);
    const unknown = Object.keys(values).filter((k) => !this.slots.some((s) => s.name === k));
    if (unknown.length > 0) throw new Error(`Model.unconstrain: unknown parameter(s) ${unknown.join(', ')}; the model has ${this.describe()}`);
    const x = new Float64Array(this.dim);
    for (const s of this.slots) {
      if (!(s.name in values)) throw new Error(`Model.unconstrain: missing parameter '${s.name}' ${shapeToString(s.shape)}; give every one of ${this.describe()}`);
      const flat = flatten(values[s.name], `Model.unconstrain: parameter '${s.name}'`);
      if (flat.length !== s.size) {
        throw new Error(`Model.unconstrain: parameter '${s.name}' has shape ${shapeToString(s.shape)} (${s.size} values), got ${flat.length} values`);
      }
      x.set(s.transform.inverse(flat, `Model.unconstrain: parameter '${s.name}'`), s.offset);
    }
    return x;
  }
}

function flatten(v: ParamValues, what: string): Float64Array {
  if (typeof v === 'number') return new Float64Array([v]);
  if (v instanceof Float64Array) return v;
  if (!Array.isArray(v)) throw new Error(`${what}: expected a number, an array or a Float64Array, got ${typeof v}`);
  const flat = (v as unknown[]).flat(Infinity as 1);
  if (!flat.every((e) => typeof e === 'number')) throw new Error(`${what}: every value must be a number`);
  return Float64Array.from(flat as number[]);
}

/** Build a Model from named parameter shapes/transforms and a log-density function. */
export function defineModel(spec: ModelSpec): Model {
  return new Model(spec);
}
