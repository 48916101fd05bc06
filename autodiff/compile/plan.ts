/**
 * The plan: a recorded log density turned into steps over buffers allocated once. Forward, each
 * op's kernel writes its output buffer (a view op shares its input's); a parameter is a leaf
 * buffer, a constant is read where it lives. Backward, each (op, input) pair that eager's tape
 * would accumulate, in eager's order (ops in reverse, inputs in order), is one contribution: the
 * first one into an input writes its gradient buffer directly, later ones write a scratch
 * buffer that is then added in, exactly as `accumulate` sums them.
 */
import { shapeToString } from '../../core/shape.js';
import type { PlanKernel } from './kernel.js';
import type { RecordedGuard, Recorder } from './recorder.js';
import type { Tensor } from '../tensor.js';

export interface PlanStep {
  op: string;
  kernel: PlanKernel<unknown>;
  attrs: unknown;
  ins: Float64Array[];
  out: Float64Array;
  /** The output's gradient buffer, or null when no gradient reaches it. */
  grad: Float64Array | null;
  shape: readonly number[];
}

export interface Contribution {
  step: PlanStep;
  input: number;
  /** Where the kernel writes: the input's gradient buffer (first contribution) or a scratch buffer. */
  gradIn: Float64Array;
  /** The input's gradient buffer to add `gradIn` into, or null when written directly. */
  addInto: Float64Array | null;
}

export interface PlanGuard {
  values: Float64Array;
  test: (values: Float64Array) => boolean;
  result: boolean;
}

export interface Plan {
  /** Value buffers of the parameters (leaves), in the flat vector's order, and their gradients (null: none reaches it). */
  leaves: Float64Array[];
  leafGrads: (Float64Array | null)[];
  steps: PlanStep[];
  /** guardsAfter[s]: the guards to check once steps 0..s-1 have run (index 0: after the leaves are filled). */
  guardsAfter: PlanGuard[][];
  contributions: Contribution[];
  /** The output's value buffer (one element). */
  output: Float64Array;
  /** Float64Arrays the plan allocated (value, gradient and scratch buffers). */
  bufferCount: number;
}

/** Build the plan of a recording whose parameters are `leaves` and whose scalar result is `out`. */
export function buildPlan(recorder: Recorder, leaves: readonly Tensor[], out: Tensor): Plan {
  let bufferCount = 0;
  const alloc = (n: number) => (bufferCount++, new Float64Array(n));
  const values = new Map<Tensor, Float64Array>();
  const leafBuffers = leaves.map((l) => {
    const b = alloc(l.size);
    values.set(l, b);
    return b;
  });
  const valueOf = (t: Tensor) => values.get(t) ?? (t.requiresGrad && t.tapeId === recorder.tape.id ? unknownTensor(t) : t.buffer);
  const steps = recorder.ops.map((r): PlanStep => {
    const ins = r.inputs.map(valueOf);
    const buffer = r.plan.kernel.view ? ins[0] : alloc(r.out.size);
    values.set(r.out, buffer);
    return { op: r.op, kernel: r.plan.kernel, attrs: r.plan.attrs, ins, out: buffer, grad: null, shape: r.out.shape };
  });
  if (!values.has(out)) throw new Error('the log density does not depend on its parameters');
  const grads = gradientBuffers(recorder, steps, out, alloc);
  const contributions = contributionsOf(recorder, steps, grads, alloc);
  const guardsAfter = steps.map((): PlanGuard[] => []).concat([[]]);
  recorder.guards.forEach((g: RecordedGuard) => guardsAfter[g.afterOps].push({ values: valueOf(g.tensor), test: g.test, result: g.result }));
  return {
    leaves: leafBuffers,
    leafGrads: leaves.map((l) => grads.get(l) ?? null),
    steps,
    guardsAfter,
    contributions,
    output: values.get(out)!,
    bufferCount,
  };
}

function unknownTensor(t: Tensor): never {
  throw new Error(`a traced ${shapeToString(t.shape)} tensor is neither a parameter nor the output of a recorded op`);
}

/** A gradient buffer for every tensor that a gradient reaches from `out` (out's own holds 1). */
function gradientBuffers(recorder: Recorder, steps: PlanStep[], out: Tensor, alloc: (n: number) => Float64Array): Map<Tensor, Float64Array> {
  const grads = new Map<Tensor, Float64Array>();
  const seed = alloc(1);
  seed[0] = 1;
  grads.set(out, seed);
  for (let s = recorder.ops.length - 1; s >= 0; s--) {
    const r = recorder.ops[s];
    const g = grads.get(r.out);
    if (g === undefined) continue;
    steps[s].grad = g;
    for (const x of r.inputs) if (tracked(recorder, x) && !grads.has(x)) grads.set(x, alloc(x.size));
  }
  return grads;
}

/** Every (op, input) gradient, in eager's order; scratch buffers are shared by size, as they are used one at a time. */
function contributionsOf(recorder: Recorder, steps: PlanStep[], grads: Map<Tensor, Float64Array>, alloc: (n: number) => Float64Array): Contribution[] {
  const written = new Set<Tensor>();
  const scratch = new Map<number, Float64Array>();
  const scratchOf = (n: number) => scratch.get(n) ?? (scratch.set(n, alloc(n)), scratch.get(n)!);
  const out: Contribution[] = [];
  for (let s = recorder.ops.length - 1; s >= 0; s--) {
    const r = recorder.ops[s];
    if (steps[s].grad === null) continue;
    r.inputs.forEach((x, input) => {
      if (!tracked(recorder, x)) return;
      const target = grads.get(x)!;
      if (written.has(x)) out.push({ step: steps[s], input, gradIn: scratchOf(x.size), addInto: target });
      else out.push({ step: steps[s], input, gradIn: target, addInto: null });
      written.add(x);
    });
  }
  return out;
}

function tracked(recorder: Recorder, t: Tensor): boolean {
  return t.requiresGrad && t.tapeId === recorder.tape.id;
}
