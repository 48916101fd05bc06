/** L-BFGS against minima known in closed form: a correlated quadratic and Rosenbrock's function. */
import test from 'tape';
import { lbfgs } from '../../../../samplers/vi/pathfinder/lbfgs.js';

test('lbfgs: a 6-d correlated quadratic ½xᵀAx − bᵀx ends at A⁻¹b', async (t) => {
  const n = 6;
  // A = BᵀB + I for a fixed B: SPD with condition number ~ 30.
  const B = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Math.sin(1 + i * 7 + j * 3) * 1.5));
  const A = B.map((_, i) => B.map((__, j) => B.reduce((s, row) => s + row[i] * row[j], 0) + (i === j ? 1 : 0)));
  const b = Array.from({ length: n }, (_, i) => i - 2.5);
  const f = (x: Float64Array, g: Float64Array) => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      for (let j = 0; j < n; j++) ax += A[i][j] * x[j];
      g[i] = ax - b[i];
      v += 0.5 * x[i] * ax - b[i] * x[i];
    }
    return v;
  };
  // Stan's relative tolerances stop at |Δf| or gᵀHg ≈ 1e-9 |f|; tightened here to test the minimiser itself.
  const r = lbfgs(f, new Float64Array(n), { tolRelGrad: 1, tolRelObj: 1, tolObj: 0, tolGrad: 1e-10 });
  const x = r.path[r.path.length - 1].x;
  // The minimiser solves A x = b: check the residual, which is the gradient.
  const residual = Math.max(...A.map((row, i) => Math.abs(row.reduce((s, v, j) => s + v * x[j], 0) - b[i])));
  t.ok(residual < 1e-8, `‖Ax − b‖∞ = ${residual.toExponential(2)} after ${r.path.length - 1} iterations (${r.reason})`);
  const loose = lbfgs(f, new Float64Array(n));
  const fStar = f(x, new Float64Array(n));
  const fLoose = loose.path[loose.path.length - 1].f;
  t.ok((fLoose - fStar) / Math.abs(fStar) < 1e-8, `Stan's default tolerances: f within ${((fLoose - fStar) / Math.abs(fStar)).toExponential(1)} (relative) of the minimum (${loose.reason})`);
  t.ok(r.path.every((it, k) => k === 0 || it.f <= r.path[k - 1].f), 'every accepted step decreases f (sufficient decrease)');
  t.ok(r.numEvals >= r.path.length, 'every iterate was evaluated');
});

test('lbfgs: Rosenbrock from (−1.2, 1) ends at (1, 1)', async (t) => {
  const f = (x: Float64Array, g: Float64Array) => {
    const a = 1 - x[0];
    const b = x[1] - x[0] * x[0];
    g[0] = -2 * a - 400 * x[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
  };
  const r = lbfgs(f, Float64Array.of(-1.2, 1));
  const x = r.path[r.path.length - 1].x;
  t.ok(Math.abs(x[0] - 1) < 1e-4 && Math.abs(x[1] - 1) < 1e-4, `(${x[0].toFixed(6)}, ${x[1].toFixed(6)}) in ${r.path.length - 1} iterations, ${r.numEvals} evaluations (${r.reason})`);
  t.ok(r.numEvals < 200, 'in fewer than 200 evaluations');
});

test('lbfgs: non-finite values are never accepted, and a non-finite start is an error', async (t) => {
  // f = x² − log(x − 0.5): infinite for x ≤ 0.5, minimum at x = (0.5 + √(0.25 + 2))/2.
  const f = (x: Float64Array, g: Float64Array) => {
    if (x[0] <= 0.5) return NaN;
    g[0] = 2 * x[0] - 1 / (x[0] - 0.5);
    return x[0] * x[0] - Math.log(x[0] - 0.5);
  };
  const r = lbfgs(f, Float64Array.of(3));
  t.ok(r.path.every((it) => Number.isFinite(it.f) && it.x[0] > 0.5), 'every iterate is where f is finite');
  const xStar = (0.5 + Math.sqrt(2.25)) / 2;
  t.ok(Math.abs(r.path[r.path.length - 1].x[0] - xStar) < 1e-6, `ends at ${xStar}`);
  t.throws(() => lbfgs(f, Float64Array.of(0)), /not finite at the starting point/, 'non-finite start');
});
