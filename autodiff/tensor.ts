/**
 * Tensor: a row-major Float64Array with a shape, viewable as an `ndarray`, plus the bookkeeping
 * the tape needs. Tensors made outside `valueAndGrad` are constants: ops on constants record
 * nothing and cost no gradient work.
 */
import ndarray, { type NdArray } from 'ndarray';
import { checkShape, shapeSize, shapeToString, stridesOf } from '../core/shape.js';

let nextId = 0;

/**
 * Called when code outside the ops reads a tracked tensor's values (`data`, `item`, `toArray`,
 * `nd`) while a compiled model records its plan: such a read may steer control flow, so the plan
 * could not be replayed safely (see autodiff/compile/recorder.ts). Null when nothing records.
 */
let valueReadWatcher: ((t: Tensor, accessor: string) => void) | null = null;

/** Install (or clear, with null) the watcher of value reads; returns the previous one. */
export function watchValueReads(watcher: ((t: Tensor, accessor: string) => void) | null): ((t: Tensor, accessor: string) => void) | null {
  const previous = valueReadWatcher;
  valueReadWatcher = watcher;
  return previous;
}

export class Tensor {
  /**
   * The values, row-major, for op implementations: an op reads its inputs here, since its plan
   * kernel reads them again on replay. Everyone else reads `data`, which a compiled model watches.
   */
  readonly buffer: Float64Array;
  readonly shape: readonly number[];
  /** Set while a tape that tracks this tensor is active; the gradient flows only into such tensors. */
  requiresGrad = false;
  /** Gradient buffer, filled only during one backward pass of the tape that created this tensor. */
  grad: Float64Array | null = null;
  /** Id of the tape that recorded this tensor (0: none); guards against tensors leaking between calls. */
  tapeId = 0;
  readonly id = ++nextId;

  constructor(data: Float64Array, shape: readonly number[]) {
    if (data.length !== shapeSize(shape)) {
      throw new Error(`Tensor: ${data.length} values do not fill shape ${shapeToString(shape)}`);
    }
    this.buffer = data;
    this.shape = shape;
  }

  /** The values, row-major. Reading a tracked tensor's values while a plan records marks the model not compilable. */
  get data(): Float64Array {
    return this.valuesFor('data');
  }

  private valuesFor(accessor: string): Float64Array {
    if (valueReadWatcher !== null && this.requiresGrad) valueReadWatcher(this, accessor);
    return this.buffer;
  }

  get size(): number {
    return this.buffer.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** An ndarray view sharing this tensor's memory. */
  get nd(): NdArray<Float64Array> {
    return ndarray(this.valuesFor('nd'), [...this.shape], stridesOf(this.shape));
  }

  /** The value of a one-element tensor. */
  item(): number {
    const d = this.valuesFor('item()');
    if (d.length !== 1) throw new Error(`Tensor.item: tensor of shape ${shapeToString(this.shape)} has ${d.length} elements, expected 1`);
    return d[0];
  }

  /** Nested arrays, for printing and JSON. */
  toArray(): number | unknown[] {
    const d = this.valuesFor('toArray()');
    if (this.shape.length === 0) return d[0];
    const build = (dim: number, offset: number): unknown[] => {
      const n = this.shape[dim];
      const stride = shapeSize(this.shape.slice(dim + 1));
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(dim === this.shape.length - 1 ? d[offset + i] : build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor(shape=${shapeToString(this.shape)})`;
  }
}

export type TensorLike = Tensor | number | number[] | Float64Array | NdArray;

function isNdArray(x: unknown): x is NdArray {
  return typeof x === 'object' && x !== null && 'shape' in x && 'stride' in x && 'data' in x && 'offset' in x;
}

/** Shape and flat values of nested numeric arrays; errors name the path of the first ragged or non-numeric entry. */
function flattenNested(values: unknown[], what: string): { shape: number[]; flat: number[] } {
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') throw new Error(`${what}: value at ${path || '[]'} is ${JSON.stringify(v)}, not a number`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const len = Array.isArray(v) ? `has length ${v.length}` : 'is not an array';
      throw new Error(`${what}: ragged input, ${path || 'the array'} ${len}, expected length ${shape[dim]}`);
    }
    v.forEach((x, i) => walk(x, dim + 1, `${path}[${i}]`));
  };
  walk(values, 0, '');
  return { shape, flat };
}

/**
 * Make a constant tensor from a number, (nested) array, Float64Array or ndarray; `shape` reshapes
 * flat input. NaN is allowed as a value (gradcheck reports it); non-numbers and ragged arrays are not.
 */
export function tensor(values: TensorLike | unknown[], shape?: number[]): Tensor {
  if (values instanceof Tensor) {
    if (!shape) return values;
    return new Tensor(values.data, checkShape(shape, 'tensor'));
  }
  let data: Float64Array;
  let inferred: number[];
  if (typeof values === 'number') {
    data = new Float64Array([values]);
    inferred = [];
  } else if (values instanceof Float64Array) {
    data = values;
    inferred = [values.length];
  } else if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    data = Float64Array.from(values as unknown as ArrayLike<number>);
    inferred = [data.length];
  } else if (isNdArray(values)) {
    const nd = values as NdArray;
    inferred = [...nd.shape];
    data = new Float64Array(shapeSize(inferred));
    const strides = stridesOf(inferred);
    for (let i = 0; i < data.length; i++) {
      let off = nd.offset;
      let r = i;
      for (let d = 0; d < inferred.length; d++) {
        const k = Math.floor(r / strides[d]);
        r -= k * strides[d];
        off += k * nd.stride[d];
      }
      data[i] = Number((nd.data as ArrayLike<number>)[off]);
    }
  } else if (Array.isArray(values)) {
    const { shape: s, flat } = flattenNested(values, 'tensor');
    data = Float64Array.from(flat);
    inferred = s;
  } else {
    throw new Error(`tensor: cannot make a tensor from ${values === null ? 'null' : typeof values}`);
  }
  if (shape) {
    const s = checkShape(shape, 'tensor');
    if (shapeSize(s) !== data.length) {
      throw new Error(`tensor: ${data.length} values do not fill shape ${shapeToString(s)}`);
    }
    return new Tensor(data, s);
  }
  return new Tensor(data, inferred);
}

/** Tensor of zeros. */
export function zeros(shape: number[]): Tensor {
  return new Tensor(new Float64Array(shapeSize(checkShape(shape, 'zeros'))), shape);
}

/** Coerce an op argument (number, array, Tensor) into a Tensor. */
export function asTensor(x: TensorLike, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return new Tensor(new Float64Array([x]), []);
  try {
    return tensor(x);
  } catch (e) {
    throw new Error(`${op}: ${(e as Error).message}`);
  }
}
