/**
 * Shape helpers shared by the tensors and the ops: sizes, strides, NumPy broadcasting, and the
 * reverse of broadcasting (summing a gradient back to an input's shape).
 */

export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeToString(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major (C order) strides. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Throws unless `shape` is a list of non-negative integers; `what` names the argument. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape as number[];
}

/** Normalise a possibly negative axis for an array of rank `rank`. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new Error(`${op}: axis ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** NumPy broadcasting of two shapes; the error names the op and both shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${shapeToString(a)} and ${shapeToString(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

const indexMapCache = new Map<string, Int32Array>();

/**
 * For every element of `outShape` (row-major), the flat index of the element of an input of shape
 * `inShape` that broadcasting reads. Cached: models call the same shapes on every evaluation.
 */
export function broadcastIndexMap(inShape: Shape, outShape: Shape): Int32Array {
  const key = `${inShape.join(',')}>${outShape.join(',')}`;
  const hit = indexMapCache.get(key);
  if (hit) return hit;
  const rank = outShape.length;
  const offset = rank - inShape.length;
  const inStrides = stridesOf(inShape);
  const eff = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) eff[i + offset] = inShape[i] === 1 ? 0 : inStrides[i];
  const n = shapeSize(outShape);
  const map = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  let flat = 0;
  for (let i = 0; i < n; i++) {
    map[i] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      flat += eff[d];
      if (idx[d] < outShape[d]) break;
      flat -= eff[d] * idx[d];
      idx[d] = 0;
    }
  }
  if (indexMapCache.size > 512) indexMapCache.clear();
  indexMapCache.set(key, map);
  return map;
}

/**
 * Undo broadcasting for a gradient: sum `grad` (of shape `fromShape`) over the axes along which an
 * input of shape `toShape` was broadcast. Returns `grad` itself when the shapes agree.
 */
export function sumToShape(grad: Float64Array, fromShape: Shape, toShape: Shape, op = 'sumToShape'): Float64Array {
  if (shapesEqual(fromShape, toShape)) return grad;
  const target = shapeSize(toShape);
  const out = new Float64Array(target);
  if (target === 1) {
    let s = 0;
    for (let i = 0; i < grad.length; i++) s += grad[i];
    out[0] = s;
    return out;
  }
  // Check that toShape really broadcasts to fromShape, so a wrong gradient shape fails loudly here.
  const b = broadcastShapes(toShape, fromShape, op);
  if (!shapesEqual(b, fromShape)) {
    throw new Error(`${op}: gradient of shape ${shapeToString(fromShape)} cannot be reduced to ${shapeToString(toShape)}`);
  }
  const map = broadcastIndexMap(toShape, fromShape);
  for (let i = 0; i < grad.length; i++) out[map[i]] += grad[i];
  return out;
}
