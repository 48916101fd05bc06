/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018) on 32-bit integer
 * arithmetic, so every draw is reproducible bit-for-bit on any JavaScript engine.
 *
 * Independent streams (one per chain) come from the generator's jump function, which advances
 * the state by 2^64 draws: `Rng.fromSeed(seed).stream(k)` is the k-th non-overlapping stream.
 */
import * as libm from './libm.js';

/** SplitMix32 scrambles a user seed into well-mixed state words (a zero state is invalid). */
function splitMix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];

export class Rng {
  private s: Uint32Array;
  /** The second Gaussian of a polar-method pair, kept for the next call. */
  private spareNormal: number | null = null;

  private constructor(state: Uint32Array) {
    this.s = state;
  }

  /** A generator from an integer seed (any finite number; fractional parts are rejected). */
  static fromSeed(seed: number): Rng {
    if (!Number.isSafeInteger(seed)) throw new Error(`Rng.fromSeed: seed must be an integer of at most 2^53 in magnitude, got ${seed}`);
    // The high 32 bits get a SplitMix stream of their own, XORed into every state word: folding
    // them into the low word's seed made 2^32 and 668265261 the same generator. Seeds below 2^32
    // keep their streams (high = 0 adds nothing).
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const next = splitMix32(seed >>> 0);
    const high = hi === 0 ? () => 0 : splitMix32(Math.imul(hi, 0x27d4eb2d) ^ 0x5bd1e995);
    const s = new Uint32Array([next() ^ high(), next() ^ high(), next() ^ high(), next() ^ high()]);
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
    return new Rng(s);
  }

  /** Rebuild a generator from `state()` (used to move a chain's RNG into a worker). */
  static fromState(state: ArrayLike<number>): Rng {
    if (state.length !== 4) throw new Error(`Rng.fromState: state must have 4 words, got ${state.length}`);
    return new Rng(Uint32Array.from(state));
  }

  state(): number[] {
    return Array.from(this.s);
  }

  clone(): Rng {
    const r = new Rng(Uint32Array.from(this.s));
    r.spareNormal = this.spareNormal;
    return r;
  }

  /** Next raw 32-bit output. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal by Marsaglia's polar method. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u: number, v: number, r2: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      r2 = u * u + v * v;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * libm.log(r2)) / r2);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fill `out` with standard normals and return it. */
  fillNormal(out: Float64Array): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Integer uniform on {0, …, n-1}. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(xs: T[] | Float64Array | Int32Array): typeof xs {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }

  /** Advance this generator by 2^64 draws (the xoshiro128** jump polynomial). */
  jump(): void {
    const acc = new Uint32Array(4);
    for (const word of JUMP) {
      for (let b = 0; b < 32; b++) {
        if ((word >>> b) & 1) {
          acc[0] ^= this.s[0];
          acc[1] ^= this.s[1];
          acc[2] ^= this.s[2];
          acc[3] ^= this.s[3];
        }
        this.nextUint32();
      }
    }
    this.s.set(acc);
    this.spareNormal = null;
  }

  /** The k-th independent stream of this generator (k jumps ahead); `this` is unchanged. */
  stream(k: number): Rng {
    if (!Number.isInteger(k) || k < 0) throw new Error(`Rng.stream: k must be a non-negative integer, got ${k}`);
    const r = new Rng(Uint32Array.from(this.s));
    for (let i = 0; i < k; i++) r.jump();
    return r;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
