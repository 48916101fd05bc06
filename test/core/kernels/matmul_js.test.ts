/**
 * The JS batched matmul's shape-chosen loops (unrolled small inner sizes, register dot products,
 * outer-product updates) against a plain triple loop that sums each cell from 0 over p in
 * order: the results must be bit-identical, since eager and compiled gradients share them.
 */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { batchedMatmulJs, dotSmall, SMALL_INNER } from '../../../core/kernels/matmul_js.js';
import type { BatchedMatmulSpec } from '../../../core/kernels/matmul_spec.js';

/** op(A)(i,p)·op(B)(p,j) summed from `init` over p = 0..k-1, cell by cell: the reference order. */
function reference(out: Float64Array, a: Float64Array, b: Float64Array, s: BatchedMatmulSpec, accumulate: boolean): void {
  const { batch, n, k, m } = s;
  for (let bi = 0; bi < batch; bi++) {
    const A = s.batchA === false ? 0 : bi * n * k, B = s.batchB === false ? 0 : bi * k * m;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const c = (bi * n + i) * m + j;
        let sum = accumulate ? out[c] : 0;
        for (let p = 0; p < k; p++) sum += a[A + (s.transA ? p * n + i : i * k + p)] * b[B + (s.transB ? j * k + p : p * m + j)];
        out[c] = sum;
      }
  }
}

const normals = (rng: Rng, n: number) => Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : rng.normal() * 10 ** Math.floor(rng.uniform() * 6 - 3)));

test('batchedMatmulJs is bit-identical to the in-order triple loop for every shape kind', (t) => {
  const rng = Rng.fromSeed(5);
  let cases = 0, bad = '';
  for (let trial = 0; trial < 600; trial++) {
    const pick = (hi: number) => 1 + Math.floor(rng.uniform() * hi);
    const s: BatchedMatmulSpec = {
      batch: pick(3), n: pick(trial % 3 === 0 ? 60 : 9), k: pick(trial % 4 === 0 ? 70 : SMALL_INNER + 2), m: pick(trial % 5 === 0 ? 20 : 9),
      transA: rng.uniform() < 0.5, transB: rng.uniform() < 0.5, batchA: rng.uniform() < 0.8, batchB: rng.uniform() < 0.8,
    };
    const accumulate = rng.uniform() < 0.3;
    const a = normals(rng, (s.batchA === false ? 1 : s.batch) * s.n * s.k);
    const b = normals(rng, (s.batchB === false ? 1 : s.batch) * s.k * s.m);
    const init = normals(rng, s.batch * s.n * s.m);
    const want = init.slice(), got = init.slice();
    reference(want, a, b, s, accumulate);
    batchedMatmulJs(got, a, b, s, accumulate);
    cases++;
    const i = want.findIndex((v, c) => !Object.is(v, got[c]));
    if (i >= 0 && bad === '') bad = `${JSON.stringify(s)} accumulate ${accumulate}: cell ${i} ${got[i]} vs ${want[i]}`;
  }
  t.equal(bad, '', `${cases} random specs (inner sizes 1–${SMALL_INNER + 2} and long, transposed, shared sides, accumulating) match exactly`);
  t.end();
});

test('dotSmall adds left to right from its start value, for every k up to SMALL_INNER', (t) => {
  const a = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7]);
  const b = Float64Array.from([1e16, 1, -1e16, 3, 7, -2, 5, 1e-3, 9, 4, 2, 8, 6, 3, 1, 2]);
  for (let k = 1; k <= SMALL_INNER; k++) {
    let want = -0.25;
    for (let p = 0; p < k; p++) want += a[1 + 2 * p] * b[p];
    t.ok(Object.is(dotSmall(-0.25, a, 1, 2, b, 0, 1, k), want), `k = ${k}`);
  }
  t.end();
});
