import test from 'tape';
import { lbeta, lgamma } from '../../core/special.js';

// R 4's lbeta (Rscript -e 'options(digits=17); lbeta(a, b)'), which also corrects Stirling's
// remainder for large arguments. Rows: a, b, log B(a, b).
const R_LBETA: [number, number, number][] = [
  [1, 1e10, -23.025850929940454],
  [0.5, 1e8, -8.6379754278014822],
  [3, 1e5, -33.845659214100742],
  [0.001, 1e6, 6.8933633753253893],
  [7, 9.5, -11.009169882233445],
  [12, 15, -18.568172732389435],
  [1000, 1000, -1388.482601635902],
  [1e5, 1e5, -138633.92706134805],
  [1e8, 3e8, -224934065.99508411],
  [2.5, 1e12, -68.792869919350323],
  [50, 1000, -202.02729333032727],
  [1e10, 1e10, -13862943621.44632],
  [9.99, 1e4, -79.236474186867255],
  [10.01, 10.02, -13.75778915415909],
];

test('lbeta: matches R to 1e-13 relative, also where log Γ terms cancel (lbeta(1, 1e10) from terms of 2e11)', (t) => {
  for (const [a, b, want] of R_LBETA) {
    const got = lbeta(a, b);
    t.ok(Math.abs(got - want) <= 1e-13 * Math.max(1, Math.abs(want)), `lbeta(${a}, ${b}) = ${got}, R ${want}`);
    t.equal(lbeta(b, a), got, `lbeta is symmetric at (${a}, ${b})`);
  }
  // The naive sum loses about 5 digits at (1, 1e10): the test above would fail for it.
  const naive = lgamma(1) + lgamma(1e10) - lgamma(1 + 1e10);
  t.ok(Math.abs(naive - R_LBETA[0][2]) > 1e-9, `the naive form is off by ${Math.abs(naive - R_LBETA[0][2])} there`);
  t.end();
});

test('lbeta: edges — a zero argument gives +Infinity, a negative or NaN one NaN, an infinite one −Infinity', (t) => {
  t.equal(lbeta(0, 3), Infinity);
  t.ok(Number.isNaN(lbeta(-1, 3)));
  t.ok(Number.isNaN(lbeta(NaN, 3)));
  t.equal(lbeta(2, Infinity), -Infinity);
  t.end();
});
