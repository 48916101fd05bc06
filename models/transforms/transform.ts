/**
 * The contract of a transform from an unconstrained vector u onto a parameter's support, as in
 * Stan's constrained parameter types, and the helpers the transforms share. Samplers move on u;
 * defineModel applies `forward` and adds `logJacobian`, so the density on u is the model's
 * density on x. The unconstrained size may differ from the constrained one ('simplex': K values
 * from K − 1; 'choleskyCorr': a K×K factor from K(K−1)/2; 'covMatrix': K×K from K(K+1)/2).
 */
import { Tensor } from '../../autodiff/tensor.js';
import { shapeToString } from '../../core/shape.js';

export type TransformKind =
  | 'identity' | 'log' | 'lower' | 'upper' | 'interval'
  | 'ordered' | 'positiveOrdered' | 'simplex' | 'choleskyCorr' | 'covMatrix';

export interface Transform {
  readonly kind: TransformKind;
  /**
   * The unconstrained shape of a parameter of constrained `shape` (the same shape for the
   * elementwise transforms); throws, naming `what` and the shape, when the transform cannot take it.
   */
  freeShape(shape: readonly number[], what?: string): number[];
  /** Constrained value x(u) (on the tape): u has the free shape, x the parameter's shape. */
  forward(u: Tensor): Tensor;
  /** log|det dx/du| of the map (onto the free coordinates of x), a scalar Tensor on the tape. */
  logJacobian(u: Tensor): Tensor;
  /** x(u) on plain arrays (no tape), for writing draws. */
  forwardInto(u: Float64Array, out: Float64Array): void;
  /** u(x) for a value satisfying the constraint; throws naming `what` and the bad value otherwise. */
  inverse(x: Float64Array, what?: string): Float64Array;
}

export function scalar(v: number): Tensor {
  return new Tensor(new Float64Array([v]), []);
}

/** `forwardInto` for the structured transforms: the tape-free forward on a constant tensor. */
export function forwardIntoVia(forward: (u: Tensor) => Tensor): (u: Float64Array, out: Float64Array) => void {
  return (u, out) => out.set(forward(new Tensor(Float64Array.from(u), [u.length])).data);
}

/** The K of a vector parameter of shape [K] (K ≥ min), or an error naming the shape. */
export function vectorLength(shape: readonly number[], kind: string, min: number, what: string): number {
  if (shape.length !== 1 || shape[0] < min) {
    throw new Error(`${what}: a '${kind}' parameter is a vector of shape [K] with K ≥ ${min}, got shape ${shapeToString(shape)}`);
  }
  return shape[0];
}

/** The K of a square matrix parameter of shape [K, K] (K ≥ min), or an error naming the shape. */
export function squareSize(shape: readonly number[], kind: string, min: number, what: string): number {
  if (shape.length !== 2 || shape[0] !== shape[1] || shape[0] < min) {
    throw new Error(`${what}: a '${kind}' parameter is a square matrix of shape [K, K] with K ≥ ${min}, got shape ${shapeToString(shape)}`);
  }
  return shape[0];
}

/** K from the length n of a K×K matrix's strict lower triangle (n = K(K−1)/2). */
export function sizeFromStrictLower(n: number): number {
  return Math.round((1 + Math.sqrt(1 + 8 * n)) / 2);
}

/**
 * The constant [rows × cols] matrix that sums, for output i, the inputs j in `groups(i)`: matrix
 * products with it give exclusive cumulative sums with the tape's existing ops.
 */
export function summingMatrix(rows: number, cols: number, member: (i: number, j: number) => boolean): Tensor {
  const m = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (member(i, j)) m[i * cols + j] = 1;
  return new Tensor(m, [rows, cols]);
}

/** A value as the messages print it: short arrays in full, long ones by their first entries. */
export function showValues(x: ArrayLike<number>): string {
  const shown = Array.from(x).slice(0, 12).map((v) => String(v));
  return `[${shown.join(', ')}${x.length > 12 ? `, … (${x.length} values)` : ''}]`;
}
