import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { symmetricEigen, symmetricEigenSelected } from '../../../samplers/adaptation/symmetric_eigen.js';
import { implicitQl } from '../../../samplers/adaptation/tridiagonal_eigen.js';

/** Q D Qᵀ for a random orthogonal Q (Gram–Schmidt of Gaussian rows) and the given eigenvalues. */
function withSpectrum(values: readonly number[], rng: Rng): Float64Array {
  const n = values.length;
  const q = Float64Array.from({ length: n * n }, () => rng.normal());
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < j; p++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[p * n + i] * q[j * n + i];
      for (let i = 0; i < n; i++) q[j * n + i] -= s * q[p * n + i];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += q[j * n + i] * q[j * n + i];
    for (let i = 0; i < n; i++) q[j * n + i] /= Math.sqrt(s);
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[k * n + i] * values[k] * q[k * n + j];
    a[i * n + j] = a[j * n + i] = s;
  }
  return a;
}

function randomSymmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

/** max |VΛVᵀ − A| / max|A| and max |VᵀV − I|. */
function errors(a: Float64Array, n: number) {
  const e = symmetricEigen(a, n);
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let rec = 0, orth = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0, o = 0;
    for (let k = 0; k < n; k++) {
      s += e.vectors[i * n + k] * e.values[k] * e.vectors[j * n + k];
      o += e.vectors[k * n + i] * e.vectors[k * n + j];
    }
    rec = Math.max(rec, Math.abs(s - a[i * n + j]));
    orth = Math.max(orth, Math.abs(o - (i === j ? 1 : 0)));
  }
  return { e, rec: rec / (scale || 1), orth };
}

test('symmetric eigen: random symmetric matrices, A = VΛVᵀ with V orthonormal', (t) => {
  const rng = Rng.fromSeed(11);
  for (const n of [1, 2, 3, 7, 40, 120]) {
    const { e, rec, orth } = errors(randomSymmetric(n, rng), n);
    t.ok(rec < 1e-10 && orth < 1e-10, `n = ${n}: reconstruction ${rec.toExponential(2)}, orthonormality ${orth.toExponential(2)}`);
    t.ok(e.values.every((v, k) => k === 0 || v >= e.values[k - 1]), `n = ${n}: ascending`);
  }
  t.end();
});

test('symmetric eigen: known spectra, degenerate and graded', (t) => {
  const rng = Rng.fromSeed(12);
  const cases: [string, number[]][] = [
    ['a triple and a double eigenvalue', [1, 1, 1, 2, 2, 5]],
    ['half the spectrum equal, a quarter at 1e-12', Array.from({ length: 60 }, (_, j) => (j < 30 ? 1 : j < 45 ? 2 : 1e-12))],
    ['graded, 1 down to 1e-14', Array.from({ length: 30 }, (_, j) => 10 ** (-j / 2.1))],
    ['negative and zero', [-3, -3, 0, 0, 4]],
  ];
  for (const [label, values] of cases) {
    const n = values.length;
    const { e, rec, orth } = errors(withSpectrum(values, rng), n);
    const sorted = [...values].sort((p, q) => p - q);
    const worst = Math.max(...sorted.map((v, k) => Math.abs(e.values[k] - v)));
    t.ok(rec < 1e-10 && orth < 1e-10, `${label}: reconstruction ${rec.toExponential(2)}, orthonormality ${orth.toExponential(2)}`);
    t.ok(worst < 1e-12 * Math.max(...values.map(Math.abs)), `${label}: eigenvalues to ${worst.toExponential(2)}`);
  }
  t.end();
});

test('symmetric eigen: 1×1, 2×2 in closed form, diagonal and zero input', (t) => {
  const one = symmetricEigen(Float64Array.of(-2.5), 1);
  t.deepEqual([Array.from(one.values), Array.from(one.vectors)], [[-2.5], [1]], '1×1');
  // [[2, 1], [1, 2]]: eigenvalues 1 and 3, vectors (1, −1)/√2 and (1, 1)/√2.
  const two = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
  t.ok(Math.abs(two.values[0] - 1) < 1e-15 && Math.abs(two.values[1] - 3) < 1e-15, `2×2 eigenvalues ${Array.from(two.values).join(', ')}`);
  t.ok(Math.abs(Math.abs(two.vectors[0]) - Math.SQRT1_2) < 1e-15 && Math.abs(two.vectors[0] + two.vectors[2]) < 1e-15, '2×2 vector of 1 is ±(1, −1)/√2');
  t.ok(Math.abs(Math.abs(two.vectors[1]) - Math.SQRT1_2) < 1e-15 && Math.abs(two.vectors[1] - two.vectors[3]) < 1e-15, '2×2 vector of 3 is ±(1, 1)/√2');
  const n = 5;
  const diag = new Float64Array(n * n);
  [3, -1, 4, 1, 5].forEach((v, i) => (diag[i * n + i] = v));
  const d = symmetricEigen(diag, n);
  t.deepEqual(Array.from(d.values), [-1, 1, 3, 4, 5], 'diagonal input: its entries, sorted, exactly');
  const order = [1, 3, 0, 2, 4];
  t.ok(order.every((src, j) => Math.abs(d.vectors[src * n + j]) === 1), 'diagonal input: unit vectors');
  const zero = symmetricEigen(new Float64Array(9), 3);
  t.deepEqual(Array.from(zero.values), [0, 0, 0], 'zero matrix');
  t.ok(errors(new Float64Array(9), 3).orth === 0, 'zero matrix: orthonormal vectors');
  t.throws(() => symmetricEigen(new Float64Array(5), 2), /2×2/, 'wrong length is refused');
  t.end();
});

test('symmetric eigen: selected vectors match the full decomposition', (t) => {
  const n = 50;
  const a = randomSymmetric(n, Rng.fromSeed(13));
  const full = symmetricEigen(a, n);
  const sel = symmetricEigenSelected(a, n, (v) => v > 5 || v < -5);
  t.deepEqual(Array.from(sel.values), Array.from(full.values), 'the same eigenvalues');
  t.ok(sel.selected.length > 0 && sel.selected.length < n, `${sel.selected.length} of ${n} selected`);
  let worst = 0;
  sel.selected.forEach((j, q) => {
    let dotp = 0;
    for (let i = 0; i < n; i++) dotp += sel.rows[q * n + i] * full.vectors[i * n + j];
    worst = Math.max(worst, Math.abs(Math.abs(dotp) - 1));
  });
  t.ok(worst < 1e-10, `each selected vector is ± the full one (|cos| − 1 up to ${worst.toExponential(2)})`);
  t.end();
});

test('tridiagonal eigen: the QL fallback with vectors, and inverse iteration on close pairs (Wilkinson W⁺₂₁)', (t) => {
  // W⁺₂₁: diagonal |10 − i|, off-diagonal 1; its largest eigenvalues come in pairs equal to ~1e-14.
  const n = 21;
  const d = Float64Array.from({ length: n }, (_, i) => Math.abs(10 - i));
  const e = Float64Array.from({ length: n }, (_, i) => (i + 1 < n ? 1 : 0));
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    dense[i * n + i] = d[i];
    if (i + 1 < n) dense[i * n + i + 1] = dense[(i + 1) * n + i] = 1;
  }
  const { e: eig, rec, orth } = errors(dense, n);
  t.ok(rec < 1e-12 && orth < 1e-12, `W⁺₂₁ through inverse iteration: reconstruction ${rec.toExponential(2)}, orthonormality ${orth.toExponential(2)}`);
  t.ok(Math.abs(eig.values[n - 1] - 10.746194182903393) < 1e-12, `largest eigenvalue ${eig.values[n - 1]} (10.746194182903393)`);
  const dd = Float64Array.from(d), ee = Float64Array.from(e);
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  implicitQl(dd, ee, n, vt, n);
  let worst = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) {
    // (T v_j)_i − λ_j v_ji
    const v = vt.subarray(j * n, (j + 1) * n);
    const tv = d[i] * v[i] + (i > 0 ? v[i - 1] : 0) + (i + 1 < n ? v[i + 1] : 0);
    worst = Math.max(worst, Math.abs(tv - dd[j] * v[i]));
  }
  t.ok(worst < 1e-13, `QL with vectors: T v = λ v to ${worst.toExponential(2)}`);
  const sorted = Array.from(dd).sort((p, q) => p - q);
  t.ok(sorted.every((v, k) => Math.abs(v - eig.values[k]) < 1e-13), 'QL and the inverse-iteration path give the same eigenvalues');
  t.end();
});
