import test from 'tape';
import { Rng } from '../../core/rng.js';
import { cholesky, inverseSpd, logDetSpd, matMul, solveLower, solveLowerTransposed, solveSpd } from '../../core/linalg.js';

function randomSpd(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  rng.fillNormal(a);
  const at = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) at[j * n + i] = a[i * n + j];
  const s = matMul(a, at, n, n, n);
  for (let i = 0; i < n; i++) s[i * n + i] += n;
  return s;
}

const maxAbsDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

test('cholesky reconstructs its input and is lower triangular', (t) => {
  const rng = Rng.fromSeed(3);
  for (const n of [1, 2, 5, 20]) {
    const a = randomSpd(n, rng);
    const l = cholesky(a, n);
    const lt = new Float64Array(n * n);
    let upper = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      lt[j * n + i] = l[i * n + j];
      if (j > i) upper = Math.max(upper, Math.abs(l[i * n + j]));
    }
    t.ok(maxAbsDiff(matMul(l, lt, n, n, n), a) < 1e-10 * n, `L·Lᵀ = A for n = ${n}`);
    t.equal(upper, 0, 'strictly upper part is zero');
  }
  t.end();
});

test('cholesky names the size and failing pivot of a non-PD matrix', (t) => {
  t.throws(() => cholesky(new Float64Array([1, 2, 2, 1]), 2), /2×2 matrix is not positive definite \(pivot 1/);
  t.throws(() => cholesky(new Float64Array([1, 2, 3]), 2), /expected a 2×2 matrix/);
  t.end();
});

test('triangular solves, SPD solve, inverse and log-determinant', (t) => {
  const rng = Rng.fromSeed(4);
  const n = 6;
  const a = randomSpd(n, rng);
  const l = cholesky(a, n);
  const b = rng.fillNormal(new Float64Array(n * 2));
  const x = solveLower(l, b, n, 2);
  t.ok(maxAbsDiff(matMul(l, x, n, n, 2), b) < 1e-12, 'L x = b');
  const lt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lt[j * n + i] = l[i * n + j];
  const y = solveLowerTransposed(l, b, n, 2);
  t.ok(maxAbsDiff(matMul(lt, y, n, n, 2), b) < 1e-12, 'Lᵀ y = b');
  const z = solveSpd(a, b, n, 2);
  t.ok(maxAbsDiff(matMul(a, z, n, n, 2), b) < 1e-10, 'A z = b');
  const inv = inverseSpd(a, n);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  t.ok(maxAbsDiff(matMul(a, inv, n, n, n), eye) < 1e-10, 'A A⁻¹ = I');
  // log det of diag(2, 3) = log 6
  t.ok(Math.abs(logDetSpd(new Float64Array([2, 0, 0, 3]), 2) - Math.log(6)) < 1e-14, 'log det of a diagonal matrix');
  t.end();
});
