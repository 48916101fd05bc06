import test from 'tape';
import { Rng } from '../../core/rng.js';

test('rng: a seed reproduces the same stream bit for bit', (t) => {
  const a = Rng.fromSeed(42);
  const b = Rng.fromSeed(42);
  let same = true;
  for (let i = 0; i < 1000; i++) if (a.nextUint32() !== b.nextUint32()) same = false;
  t.ok(same, 'identical 32-bit outputs');
  t.notEqual(Rng.fromSeed(1).uniform(), Rng.fromSeed(2).uniform(), 'different seeds differ');
  t.notEqual(Rng.fromSeed(1).uniform(), Rng.fromSeed(2 ** 32 + 1).uniform(), 'seeds beyond 32 bits are not truncated');
  const r = Rng.fromSeed(7);
  r.normal();
  const s = Rng.fromState(r.state());
  t.equal(s.uniform(), r.clone().uniform(), 'fromState continues the stream');
  t.throws(() => Rng.fromSeed(1.5), /seed must be an integer/, 'fractional seed rejected');
  t.throws(() => Rng.fromSeed(2 ** 60), /seed must be an integer of at most 2\^53 in magnitude, got 1152921504606847000/, 'a seed past 2^53 (no longer exact) rejected');
  // 2^32 once folded into the low word's seed as 668265261 (= 1 · 0x27d4eb2d) and gave its draws.
  const firstDraws = (seed: number) => Array.from({ length: 4 }, ((r) => () => r.nextUint32())(Rng.fromSeed(seed)));
  t.notDeepEqual(firstDraws(2 ** 32), firstDraws(668265261), 'seed 2^32 is not seed 668265261');
  t.notDeepEqual(firstDraws(2 ** 33 + 5), firstDraws(5 ^ Math.imul(2, 0x27d4eb2d)), 'nor 2^33 + 5 its old twin');
  t.deepEqual(firstDraws(Number.MAX_SAFE_INTEGER), firstDraws(Number.MAX_SAFE_INTEGER), 'the largest exact seed is reproducible');
  t.end();
});

test('rng: uniform and normal moments within Monte Carlo error', (t) => {
  const r = Rng.fromSeed(123);
  const n = 200000;
  let su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    if (u < 0 || u >= 1) t.fail(`uniform out of [0,1): ${u}`);
    su += u; su2 += u * u;
    const z = r.normal();
    sn += z; sn2 += z * z; sn4 += z ** 4;
  }
  // Standard errors: uniform mean sd = sqrt(1/12/n); normal mean sd = 1/sqrt(n); var sd = sqrt(2/n); 4th moment sd = sqrt(96/n)
  t.ok(Math.abs(su / n - 0.5) < 5 * Math.sqrt(1 / 12 / n), `uniform mean ${su / n}`);
  t.ok(Math.abs(su2 / n - 1 / 3) < 5 * Math.sqrt(4 / 45 / n), `uniform second moment ${su2 / n}`);
  t.ok(Math.abs(sn / n) < 5 / Math.sqrt(n), `normal mean ${sn / n}`);
  t.ok(Math.abs(sn2 / n - 1) < 5 * Math.sqrt(2 / n), `normal variance ${sn2 / n}`);
  t.ok(Math.abs(sn4 / n - 3) < 5 * Math.sqrt(96 / n), `normal 4th moment ${sn4 / n}`);
  t.end();
});

test('rng: streams are reproducible and independent', (t) => {
  const root = Rng.fromSeed(99);
  const s1 = root.stream(1);
  const s1b = Rng.fromSeed(99).stream(1);
  t.equal(s1.uniform(), s1b.uniform(), 'same stream index, same draws');
  const a = root.stream(0), b = root.stream(1), c = root.stream(2);
  // Correlation between streams should be ~N(0, 1/n).
  const n = 50000;
  let sab = 0, sac = 0, sbc = 0;
  for (let i = 0; i < n; i++) {
    const x = a.normal(), y = b.normal(), z = c.normal();
    sab += x * y; sac += x * z; sbc += y * z;
  }
  for (const [name, v] of [['0-1', sab], ['0-2', sac], ['1-2', sbc]] as const) {
    t.ok(Math.abs(v / n) < 5 / Math.sqrt(n), `stream correlation ${name}: ${(v / n).toFixed(4)}`);
  }
  t.notEqual(root.stream(0).nextUint32(), root.stream(1).nextUint32(), 'streams start in different states');
  t.throws(() => root.stream(-1), /non-negative integer/);
  t.end();
});

test('rng: int, shuffle', (t) => {
  const r = Rng.fromSeed(5);
  const counts = new Array(6).fill(0);
  const n = 60000;
  for (let i = 0; i < n; i++) counts[r.int(6)]++;
  // chi-square with 5 df; 99.9% quantile is 20.5
  const chi2 = counts.reduce((s, c) => s + (c - n / 6) ** 2 / (n / 6), 0);
  t.ok(chi2 < 20.5, `int(6) uniform, chi2 = ${chi2.toFixed(2)}`);
  const xs = [0, 1, 2, 3, 4, 5, 6, 7];
  r.shuffle(xs);
  t.deepEqual([...xs].sort(), [0, 1, 2, 3, 4, 5, 6, 7], 'shuffle is a permutation');
  t.throws(() => r.int(0), /positive integer/);
  t.end();
});
