/**
 * The batched matmul as generated text (core/kernels/matmul_source.ts), run through
 * `new Function`, against the JS kernel: bit-identical for every spec it has a text for, and
 * null (the plan calls the kernel) for the sizes it leaves to the kernel.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { batchedMatmulJs } from '../../../core/kernels/matmul_js.js';
import { batchedMatmulSource, REGISTER_CELLS, UNROLL_LIMIT } from '../../../core/kernels/matmul_source.js';
import type { BatchedMatmulSpec } from '../../../core/kernels/matmul_spec.js';

type Product = (out: Float64Array, a: Float64Array, b: Float64Array) => void;

test('batchedMatmulSource: generated products equal the JS kernel bit for bit', (t) => {
  const rng = Rng.fromSeed(21);
  const pick = (hi: number) => 1 + Math.floor(rng.uniform() * hi);
  let generated = 0, skipped = 0, bad = '';
  for (let trial = 0; trial < 300; trial++) {
    const s: BatchedMatmulSpec = {
      batch: pick(4), n: pick(trial % 2 ? 60 : 6), k: pick(trial % 3 ? UNROLL_LIMIT + 1 : 80), m: pick(UNROLL_LIMIT + 2),
      transA: rng.uniform() < 0.5, transB: rng.uniform() < 0.5, batchA: rng.uniform() < 0.8, batchB: rng.uniform() < 0.8,
    };
    const text = batchedMatmulSource(s, 'out', 'a', 'b');
    const unrollable = s.k <= UNROLL_LIMIT && s.m <= UNROLL_LIMIT;
    if (text === null) {
      skipped++;
      if (unrollable || s.n * s.m <= REGISTER_CELLS) bad ||= `no text for ${JSON.stringify(s)}`;
      continue;
    }
    generated++;
    const f = new Function('out', 'a', 'b', text) as Product;
    const a = Float64Array.from({ length: (s.batchA === false ? 1 : s.batch) * s.n * s.k }, () => rng.normal() * 10 ** Math.floor(rng.uniform() * 6 - 3));
    const b = Float64Array.from({ length: (s.batchB === false ? 1 : s.batch) * s.k * s.m }, () => rng.normal());
    const want = new Float64Array(s.batch * s.n * s.m).fill(NaN), got = want.slice();
    batchedMatmulJs(want, a, b, s);
    f(got, a, b);
    const i = want.findIndex((v, c) => !Object.is(v, got[c]));
    if (i >= 0) bad ||= `${JSON.stringify(s)}: cell ${i} ${got[i]} vs ${want[i]}`;
  }
  t.equal(bad, '', `${generated} generated products match (${skipped} specs left to the kernel)`);
  t.ok(generated > 100 && skipped > 10, 'both kinds were drawn');
  t.end();
});
