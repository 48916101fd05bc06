/**
 * lkjCholesky's normalising constant, checked without R: for K = 2 the density of the one
 * correlation r is (1 − r²)^(η−1) / (2^(2η−1)·B(η, η)) in closed form; for K = 3 the density
 * integrates to 1 over the factor's free entries (L10, L20, L21) on a midpoint grid.
 */
import test from 'tape';
import { lbeta } from '../../../core/special.js';
import { tensor } from '../../../autodiff/index.js';
import { dist } from '../../../models/index.js';

const factor2 = (r: number) => tensor([[1, 0], [r, Math.sqrt(1 - r * r)]]);

test('lkjCholesky, K = 2: the closed-form density of the correlation', (t) => {
  for (const eta of [0.6, 1, 2.5]) {
    for (const r of [-0.8, 0, 0.35]) {
      const want = (eta - 1) * Math.log(1 - r * r) - (2 * eta - 1) * Math.LN2 - lbeta(eta, eta);
      const got = dist.lkjCholesky(factor2(r), eta).item();
      t.ok(Math.abs(got - want) < 1e-13, `eta ${eta}, r ${r}: ${got} vs ${want}`);
    }
  }
  t.end();
});

test('lkjCholesky, K = 3: the density integrates to 1 over the free entries of L', (t) => {
  for (const eta of [1, 2, 3.5]) {
    // The density depends on L only through L11 and L22; the constant is read from one evaluation.
    const l10 = 0.3, l20 = -0.2, l21 = 0.5;
    const d1 = Math.sqrt(1 - l10 * l10), d2 = Math.sqrt(1 - l20 * l20 - l21 * l21);
    const shape = (a: number, b: number) => (1 + 2 * eta - 2) * Math.log(a) + (2 * eta - 2) * Math.log(b);
    const lp = dist.lkjCholesky(tensor([[1, 0, 0], [l10, d1, 0], [l20, l21, d2]]), eta).item();
    const logConstant = lp - shape(d1, d2);
    // ∫ over |L10| < 1 and L20² + L21² < 1 (midpoint rule; the integrand is smooth inside for η ≥ 1).
    const m = 400, h = 2 / m;
    let first = 0;
    for (let i = 0; i < m; i++) {
      const a = -1 + (i + 0.5) * h;
      first += Math.exp((1 + 2 * eta - 2) * Math.log(Math.sqrt(1 - a * a))) * h;
    }
    let second = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const u = -1 + (i + 0.5) * h, v = -1 + (j + 0.5) * h, s = 1 - u * u - v * v;
        if (s > 0) second += Math.exp((2 * eta - 2) * Math.log(Math.sqrt(s))) * h * h;
      }
    }
    const integral = Math.exp(logConstant) * first * second;
    // Midpoint-grid error: O(h²) in the interior plus the disc's boundary cells, ~1e-3 at m = 400.
    t.ok(Math.abs(integral - 1) < 5e-3, `eta ${eta}: integral ${integral.toFixed(5)}`);
  }
  t.end();
});
