/**
 * valueAndGrad / grad: run a scalar function of tensors on a fresh tape and return its value and
 * the gradient with respect to every argument. Each call has its own tape, so nothing leaks
 * between calls and calling twice gives the same answer.
 */
import { shapeToString } from '../core/shape.js';
import { Tape } from './tape.js';
import { Tensor, tensor, type TensorLike } from './tensor.js';

export type DiffArg = TensorLike | unknown[];

export interface ValueAndGrad {
  value: number;
  grads: Float64Array[];
}

function asLeaf(tape: Tape, x: DiffArg, i: number): Tensor {
  const t = x instanceof Tensor ? x : tensor(x);
  if (!(t.data instanceof Float64Array)) throw new Error(`valueAndGrad: argument ${i} is not numeric`);
  return tape.leaf(t.data, t.shape);
}

/** Evaluate `f` at the arguments and differentiate its scalar result with respect to each of them. */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: DiffArg[]) => ValueAndGrad {
  return (...xs: DiffArg[]) => {
    const tape = new Tape();
    const leaves = xs.map((x, i) => asLeaf(tape, x, i));
    return tape.run(() => {
      const out = f(...leaves);
      if (!(out instanceof Tensor)) throw new Error(`valueAndGrad: the function must return a Tensor, got ${typeof out}`);
      if (out.size !== 1) throw new Error(`valueAndGrad: the function must return a scalar, got shape ${shapeToString(out.shape)}`);
      tape.backward(out);
      const grads = leaves.map((l) => l.grad ?? new Float64Array(l.size));
      return { value: out.data[0], grads };
    });
  };
}

/** The gradients alone. */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: DiffArg[]) => Float64Array[] {
  const vg = valueAndGrad(f);
  return (...xs: DiffArg[]) => vg(...xs).grads;
}
