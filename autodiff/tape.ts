/**
 * The tape: ops append a record (output tensor + a closure that pushes the output's gradient into
 * its inputs) while a `valueAndGrad` call is active; the backward pass replays the records in
 * reverse. Recording order is already a topological order, so no sort is needed.
 */
import { shapeToString, shapesEqual, sumToShape } from '../core/shape.js';
import { Tensor } from './tensor.js';

interface TapeRecord {
  out: Tensor;
  backward: (gradOut: Float64Array) => void;
}

let tapeCounter = 0;

export class Tape {
  readonly id = ++tapeCounter;
  readonly records: TapeRecord[] = [];

  /** A fresh leaf tensor that gradients flow into. */
  leaf(data: Float64Array, shape: readonly number[]): Tensor {
    const t = new Tensor(data, shape);
    t.requiresGrad = true;
    t.tapeId = this.id;
    return t;
  }

  /** Reverse pass from the scalar `out`; afterwards every leaf holds its gradient in `grad`. */
  backward(out: Tensor): void {
    if (out.size !== 1) throw new Error(`backward: output must be a scalar, got shape ${shapeToString(out.shape)}`);
    out.grad = new Float64Array([1]);
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i];
      if (r.out.grad !== null) r.backward(r.out.grad);
    }
  }
}

const active: Tape[] = [];

export function currentTape(): Tape | null {
  return active.length > 0 ? active[active.length - 1] : null;
}

/** Run `fn` with `tape` active; the tape is popped even when `fn` throws, so no error leaves it broken. */
export function withTape<R>(tape: Tape, fn: () => R): R {
  active.push(tape);
  try {
    return fn();
  } finally {
    active.pop();
  }
}

/** True when `t` carries gradient on the active tape. Tensors from an older call count as constants. */
export function tracks(t: Tensor): boolean {
  if (!t.requiresGrad) return false;
  if (currentTapeIdForBackward !== 0) return t.tapeId === currentTapeIdForBackward;
  const tape = currentTape();
  return tape !== null && t.tapeId === tape.id;
}

/**
 * Record an op's output. `backward` receives the output's gradient and must call `accumulate`
 * for each input it differentiates. Does nothing (and marks nothing) when no input is tracked.
 */
export function record(out: Tensor, inputs: readonly Tensor[], backward: (gradOut: Float64Array) => void): Tensor {
  const tape = currentTape();
  if (tape === null) return out;
  let any = false;
  for (const x of inputs) if (x.requiresGrad && x.tapeId === tape.id) any = true;
  if (!any) return out;
  out.requiresGrad = true;
  out.tapeId = tape.id;
  tape.records.push({ out, backward });
  return out;
}

/**
 * Add `grad` (of shape `gradShape`) into `input.grad`, summing away broadcast axes first.
 * The one place where gradients are un-broadcast and their shapes checked.
 */
export function accumulate(input: Tensor, grad: Float64Array, gradShape: readonly number[], op: string, owned = false): void {
  if (!input.requiresGrad || input.tapeId !== currentTapeIdForBackward) return;
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

let currentTapeIdForBackward = 0;

/** Run a backward pass with `accumulate` bound to `tape`. */
export function runBackward(tape: Tape, out: Tensor): void {
  const prev = currentTapeIdForBackward;
  currentTapeIdForBackward = tape.id;
  try {
    tape.backward(out);
  } finally {
    currentTapeIdForBackward = prev;
  }
}
