/**
 * What defineModel does with named values: checks user-given values against a parameter's shape,
 * guards the params object its functions read (a misspelled name throws, naming it and the known
 * names), and turns the tensors that `derived`, `logLik` and `simulate` return into flat values.
 */
import { shapeSize, shapeToString } from '../core/shape.js';
import { Tensor, tensor } from '../autodiff/tensor.js';

/** Flat values accepted by `unconstrain`: a number for a scalar, or (nested) arrays of numbers. */
export type ParamValues = number | number[] | number[][] | number[][][] | Float64Array;

/** The shape of a nested array (its first element at each depth), or null when not an array. */
function nestedShape(v: unknown): number[] {
  const shape: number[] = [];
  for (let a = v; Array.isArray(a); a = a[0]) shape.push(a.length);
  return shape;
}

/**
 * Row-major values of `v` for a parameter of `shape`: a number for a size-1 shape, a Float64Array
 * or a flat array of its size, or nested arrays of exactly its shape.
 */
export function flattenValues(v: unknown, shape: readonly number[], what: string): Float64Array {
  const size = shapeSize(shape);
  const want = `shape ${shapeToString(shape)} (${size} value${size === 1 ? '' : 's'})`;
  let flat: Float64Array;
  if (typeof v === 'number') flat = new Float64Array([v]);
  else if (v instanceof Float64Array) flat = v;
  else if (v instanceof Tensor) flat = v.data;
  else if (Array.isArray(v)) {
    const got = nestedShape(v);
    const flatInput = got.length === 1;
    if (!flatInput && shapeToString(got) !== shapeToString(shape)) throw new Error(`${what} has ${want}, got nested arrays of shape ${shapeToString(got)}`);
    const items = (v as unknown[]).flat(Infinity as 1);
    const bad = items.findIndex((e) => typeof e !== 'number');
    if (bad >= 0) throw new Error(`${what}: every value must be a number, got ${JSON.stringify(items[bad]) ?? String(items[bad])} at flat index ${bad}`);
    flat = Float64Array.from(items as number[]);
  } else throw new Error(`${what}: expected a number, an array or a Float64Array, got ${v === null ? 'null' : typeof v}`);
  if (flat.length !== size) throw new Error(`${what} has ${want}, got ${flat.length} value${flat.length === 1 ? '' : 's'}`);
  return flat;
}

/** Edit distance, for "did you mean" in the messages. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Keys read by JavaScript machinery rather than by a model (promises, JSON, inspection). */
const PASS_THROUGH = new Set(['then', 'toJSON', 'inspect']);

/**
 * `values` behind a Proxy: reading a name it does not have throws, naming the name, the function
 * (`where`, e.g. "defineModel logp") and the known names, instead of handing `undefined` on.
 */
export function guardNames<V>(values: Record<string, V>, where: string): Record<string, V> {
  return new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target) && !PASS_THROUGH.has(key)) {
        const names = Object.keys(target);
        const close = names.filter((n) => distance(n, key) <= Math.max(1, Math.floor(n.length / 3)));
        const hint = close.length > 0 ? ` (did you mean ${close.map((n) => `'${n}'`).join(' or ')}?)` : '';
        throw new Error(`${where}: no parameter '${key}'${hint}; the parameters are ${names.join(', ')}`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** A returned value as a tensor (numbers and arrays allowed), naming `what` when it is not one. */
export function asOutput(v: unknown, what: string): Tensor {
  if (v instanceof Tensor) return v;
  try {
    return tensor(v as number);
  } catch (e) {
    throw new Error(`${what} must be a Tensor, a number or an array of numbers (${(e as Error).message})`);
  }
}

/** Constant tensors of constrained values, for the functions that run without a gradient. */
export function constantTensors(values: Record<string, Float64Array>, shapes: Record<string, readonly number[]>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(values)) out[name] = new Tensor(v, shapes[name]);
  return out;
}
