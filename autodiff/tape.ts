/**
 * The tape: ops append a record (output tensor + a closure that pushes the output's gradient into
 * its inputs) while a tape records; the backward pass replays the records in reverse. Recording
 * order is already a topological order, so no sort is needed.
 *
 * One piece of state says what the tape machinery is doing: the top of a stack of frames, each
 * "tape T is recording" or "tape T runs backward". `record`, `tracks` and `accumulate` read only
 * the top, so nested calls (a `valueAndGrad` inside a model's `logp`) cannot see each other's tensors.
 */
import { shapeToString, shapesEqual, sumToShape } from '../core/shape.js';
import { Tensor } from './tensor.js';
import type { Planned } from './compile/kernel.js';

/**
 * An op's backward: receives the gradient of the op's output (in the output's shape) and either
 * calls `accumulate` for each input itself, or returns one gradient per input (null for none), each
 * in the input's shape or, for an input that was broadcast, in the output's shape; the tape sums
 * broadcast axes away. (A gradient with as many values as the input is read in the input's shape.)
 */
export type OpBackward = (gradOut: Float64Array) => void | readonly (Float64Array | null | undefined)[];

interface TapeRecord {
  out: Tensor;
  inputs: readonly Tensor[];
  backward: OpBackward;
  op: string;
}

interface Frame {
  tape: Tape;
  phase: 'record' | 'backward';
}

/** The one tape state (see the file comment): the top frame; the frames below it wait in `within` calls. */
let current: Frame | null = null;

/** Run `fn` with `frame` on top; the previous top returns even when `fn` throws, so no error leaves the state broken. */
function within<R>(frame: Frame, fn: () => R): R {
  const below = current;
  current = frame;
  try {
    return fn();
  } finally {
    current = below;
  }
}

/** Sees every op a tape records, with the op's plan kernel when it has one (the compiler's recorder). */
export interface TapeObserver {
  onRecord(op: string, out: Tensor, inputs: readonly Tensor[], plan: Planned | undefined): void;
  /** A branch on a tracked tensor's values, taken through `branchOn` (autodiff/compile/guard.ts). */
  onGuard(t: Tensor, test: (values: Float64Array) => boolean, result: boolean): void;
}

let tapeCounter = 0;

export class Tape {
  readonly id = ++tapeCounter;
  private readonly records: TapeRecord[] = [];
  private backwardDone = false;
  /** Told of every record, when a compiled model records its plan on this tape. */
  observer: TapeObserver | null = null;

  /** A fresh leaf tensor that gradients flow into. */
  leaf(data: Float64Array, shape: readonly number[]): Tensor {
    const t = new Tensor(data, shape);
    t.requiresGrad = true;
    t.tapeId = this.id;
    return t;
  }

  /** Run `fn` with this tape recording the ops it calls. */
  run<R>(fn: () => R): R {
    return within({ tape: this, phase: 'record' }, fn);
  }

  /** Number of ops recorded so far. */
  get size(): number {
    return this.records.length;
  }

  /**
   * Append `out` as the result of `op` on `inputs` when any input is tracked by this tape; marks
   * `out` as tracked. Does nothing (and marks nothing) when no input is tracked.
   */
  record(out: Tensor, inputs: readonly Tensor[], backward: OpBackward, op = 'op', plan?: Planned): Tensor {
    let any = false;
    for (const x of inputs) if (x.requiresGrad && x.tapeId === this.id) any = true;
    if (!any) return out;
    out.requiresGrad = true;
    out.tapeId = this.id;
    this.records.push({ out, inputs, backward, op });
    if (this.observer !== null) this.observer.onRecord(op, out, inputs, plan);
    return out;
  }

  /** Reverse pass from the scalar `out`; afterwards every leaf that `out` depends on holds its gradient in `grad`. */
  backward(out: Tensor): void {
    if (out.size !== 1) throw new Error(`backward: output must be a scalar, got shape ${shapeToString(out.shape)}`);
    // A second pass would add onto the gradients the first one left in every tensor.
    if (this.backwardDone) throw new Error(`backward: tape ${this.id} has already run its backward pass; record on a fresh Tape`);
    this.backwardDone = true;
    out.grad = new Float64Array([1]);
    within({ tape: this, phase: 'backward' }, () => {
      for (let i = this.records.length - 1; i >= 0; i--) {
        const r = this.records[i];
        if (r.out.grad === null) continue;
        const grads = r.backward(r.out.grad);
        if (grads) accumulateReturned(r, grads);
      }
    });
  }
}

/** Hand each gradient an op's backward returned to its input, in the input's or the output's shape. */
function accumulateReturned(r: TapeRecord, grads: readonly (Float64Array | null | undefined)[]): void {
  if (grads.length !== r.inputs.length) {
    throw new Error(`${r.op}: backward returned ${grads.length} gradients for ${r.inputs.length} inputs`);
  }
  r.inputs.forEach((input, i) => {
    const g = grads[i];
    if (g === null || g === undefined) return;
    if (g.length === input.size) accumulate(input, g, input.shape, r.op);
    else if (g.length === r.out.size) accumulate(input, g, r.out.shape, r.op);
    else {
      throw new Error(`${r.op}: gradient ${i} has ${g.length} values, expected ${input.size} (input shape ${shapeToString(input.shape)}) or ${r.out.size} (output shape ${shapeToString(r.out.shape)})`);
    }
  });
}

/** The tape that is recording now, or null (outside any, or during a backward pass). */
export function currentTape(): Tape | null {
  return current !== null && current.phase === 'record' ? current.tape : null;
}

/** Run `fn` with `tape` recording: the same as `tape.run(fn)`. */
export function withTape<R>(tape: Tape, fn: () => R): R {
  return tape.run(fn);
}

/** The same as `tape.backward(out)` (kept for callers written when only this bound the pass). */
export function runBackward(tape: Tape, out: Tensor): void {
  tape.backward(out);
}

/**
 * True when `t` carries gradient on the tape that is recording or running backward now. Tensors
 * from an older call count as constants. Ask it in a backward before computing an input's gradient.
 */
export function tracks(t: Tensor): boolean {
  return t.requiresGrad && current !== null && t.tapeId === current.tape.id;
}

/**
 * Record an op's output on the recording tape. `backward` receives the output's gradient and
 * either calls `accumulate` for each input it differentiates or returns their gradients (see
 * `OpBackward`). `op` names the op in error messages. `plan` (the op's plan kernel, see
 * autodiff/compile/kernel.ts) lets a compiled model replay the op; without it a model that
 * calls the op runs on the eager tape. Outside a recording tape, returns `out` as is.
 */
export function record(out: Tensor, inputs: readonly Tensor[], backward: OpBackward, op?: string, plan?: Planned): Tensor {
  const tape = currentTape();
  return tape === null ? out : tape.record(out, inputs, backward, op, plan);
}

/**
 * During a backward pass, add `grad` (of shape `gradShape`) into `input.grad`, summing away
 * broadcast axes first: the one place where gradients are un-broadcast and their shapes checked.
 * `owned`: `grad` is a fresh buffer the tape may keep instead of copying. No-op for untracked inputs.
 */
export function accumulate(input: Tensor, grad: Float64Array, gradShape: readonly number[], op: string, owned = false): void {
  const f = current;
  if (!input.requiresGrad || f === null || f.phase !== 'backward' || input.tapeId !== f.tape.id) return;
  const same = shapesEqual(gradShape, input.shape);
  const g = same ? grad : sumToShape(grad, gradShape, input.shape, op);
  if (g.length !== input.size) {
    throw new Error(`${op}: gradient of shape ${shapeToString(gradShape)} does not match input shape ${shapeToString(input.shape)}`);
  }
  if (input.grad === null) {
    // Take ownership of a fresh buffer; copy one that may alias the op's own storage.
    input.grad = (owned || !same) ? g : Float64Array.from(g);
  } else {
    const acc = input.grad;
    for (let i = 0; i < acc.length; i++) acc[i] += g[i];
  }
}
