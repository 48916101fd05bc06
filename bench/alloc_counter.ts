/**
 * Counting typed-array constructions: while `countTypedArrays(fn)` runs, the global typed-array
 * constructors are replaced by subclasses that count every construction (`new`, `from`, `of`,
 * `subarray`, `slice`, `map`) and the bytes of fresh buffers. `instanceof` keeps working for
 * arrays made before or after. Only for measuring (it slows the code down); the originals are
 * put back before it returns.
 */
const NAMES = ['Float64Array', 'Float32Array', 'Int32Array', 'Uint32Array', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array'] as const;

export interface TypedArrayCount {
  /** Typed arrays constructed (views included). */
  arrays: number;
  /** Bytes of the buffers they allocated (views of an existing buffer add none). */
  bytes: number;
}

type Ctor = new (...args: any[]) => ArrayBufferView;

export function countTypedArrays(fn: () => void): TypedArrayCount {
  const g = globalThis as unknown as Record<string, Ctor>;
  const originals = NAMES.map((n) => g[n]);
  const count: TypedArrayCount = { arrays: 0, bytes: 0 };
  NAMES.forEach((name, i) => {
    const Orig = originals[i];
    const Counting = class extends (Orig as any) {
      constructor(...args: any[]) {
        super(...args);
        count.arrays++;
        if (!(args[0] instanceof ArrayBuffer)) count.bytes += (this as unknown as ArrayBufferView).byteLength;
      }
      static [Symbol.hasInstance](v: unknown): boolean {
        return v instanceof Orig;
      }
    };
    Object.defineProperty(Counting, 'name', { value: name });
    g[name] = Counting as unknown as Ctor;
  });
  try {
    fn();
  } finally {
    NAMES.forEach((name, i) => (g[name] = originals[i]));
  }
  return count;
}
