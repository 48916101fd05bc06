/**
 * An op's plan kernel: the op's forward and backward once more, written into buffers that a
 * compiled plan allocated once, so a replay creates no tensor, closure or array. Each op file
 * defines its kernels next to its eager forward and backward and hands one to `record`; an op
 * recorded without a kernel (a user's op, say) makes the model run on the eager tape.
 *
 * A kernel must do the eager op's arithmetic in the eager order, so compiled and eager results
 * are bit-identical (the checking mode compares them exactly). A kernel may also give its op as
 * JavaScript text (`source`) for the generated plan code (codegen.ts); without it, the generated
 * code calls `forward`/`backward`.
 */

export interface PlanKernel<A> {
  /** Write the op's output into `out` from its inputs' values (`ins`, in the order given to `record`). */
  forward(attrs: A, ins: readonly Float64Array[], out: Float64Array): void;
  /**
   * Write input `i`'s gradient, in that input's own shape, into `gradIn`: every element, since
   * the buffer is reused. Un-broadcasting is the kernel's (as `sumToShape` does it: a zeroed
   * buffer, summed in the output's order), so no second pass over the output is needed.
   */
  backward(attrs: A, i: number, ins: readonly Float64Array[], out: Float64Array, gradOut: Float64Array, gradIn: Float64Array): void;
  /** True when the output is input 0's buffer itself (a view, as `reshape`): forward does nothing. */
  readonly view?: boolean;
  /** The op as JavaScript text for a generated plan (codegen.ts); without it the plan calls forward/backward. */
  readonly source?: KernelSource<A>;
}

/** Binds a value (a buffer, an index map, a function) the generated code reads, and returns its name. */
export type Bind = (value: unknown) => string;

/**
 * An op's kernel as JavaScript statements, for the generated plan function: the same arithmetic
 * in the same order as forward/backward (so the results are bit-identical), with sizes as
 * literals. Buffers are given by name; any other value the text reads goes through `bind`. A
 * method returning null (attributes it has no text for) makes the plan call the kernel there.
 */
export interface KernelSource<A> {
  forward(attrs: A, ins: readonly string[], out: string, bind: Bind): string | null;
  backward(attrs: A, i: number, ins: readonly string[], out: string, grad: string, gradIn: string, bind: Bind): string | null;
  /**
   * Elementwise ops: the output's size and element j's value as an expression of j (a name), for
   * fusing a chain of such ops into one loop. `sameIndex[i]` tells whether input i is read at j itself.
   */
  elementwise?(attrs: A, ins: readonly string[], size: number, bind: Bind): { n: number; sameIndex: readonly boolean[]; value: (j: string) => string } | null;
  /**
   * A sum of everything: the count summed and element j's term, added from 0 in order of j into
   * the one-element output, so that it can close a fused elementwise loop (Σ of squares).
   */
  sumOf?(attrs: A, ins: readonly string[], bind: Bind): { n: number; term: (j: string) => string } | null;
}

/** A kernel with the attributes (sizes, index maps, constants) of one recorded op. */
export interface Planned {
  readonly kernel: PlanKernel<unknown>;
  readonly attrs: unknown;
}

/** Pair a kernel with one call's attributes, for `record`. */
export function planned<A>(kernel: PlanKernel<A>, attrs: A): Planned {
  return { kernel: kernel as PlanKernel<unknown>, attrs };
}
