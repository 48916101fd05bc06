import test from 'tape';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../bin/bundle.js';
import * as libm from '../../core/libm.js';
import { tanh } from '../../core/tanh.js';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  if (Object.is(a, b)) return 0;
  const bits = new BigInt64Array(new Float64Array([a, b]).buffer);
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

function* sourceFiles(dir: string): Generator<string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (f.endsWith('.ts') && !f.endsWith('.d.ts')) yield p;
  }
}

test('libm: library code calls no engine-dependent Math function', (t) => {
  // Math.exp & co. may differ in the last bit between engines, so one seed would give different
  // draws in Node and Chromium; core/libm.ts has the portable versions.
  const banned = /\bMath\.(exp|expm1|log|log1p|log2|log10|pow|sin|cos|tan|sinh|cosh|tanh|asin|acos|atan|atan2|asinh|acosh|atanh|cbrt|hypot)\b/;
  // `x ** y` is Math.pow; only constant powers of literals (2 ** 31) are exact everywhere.
  const power = /([\w.)\]]+)\s*\*\*\s*(-?[\w.(]+)/g;
  let files = 0;
  const offences: string[] = [];
  for (const dir of ['core', 'autodiff', 'models', 'samplers']) {
    for (const file of sourceFiles(join(ROOT, dir))) {
      if (/core\/(libm|tanh)\.ts$/.test(file)) continue;
      files++;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').replace(/^\s*(\/\*\*|\*).*$/, '');
        if (banned.test(code)) offences.push(`${file.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
        for (const m of code.matchAll(power)) {
          if (!/^\d+$/.test(m[1]) || !/^-?\d+$/.test(m[2])) offences.push(`${file.slice(ROOT.length + 1)}:${i + 1}: ${m[0]}`);
        }
      });
    }
  }
  t.ok(files > 50, `${files} source files scanned`);
  t.deepEqual(offences, [], 'no Math.exp, Math.log, … or non-constant ** (use core/libm.ts)');
  t.end();
});

test('libm: tanh is within 5 ulp of Math.tanh, odd, and exact at the edges', (t) => {
  let worst = 0;
  let at = 0;
  const check = (x: number) => {
    const u = ulps(tanh(x), Math.tanh(x));
    if (u > worst) (worst = u), (at = x);
  };
  // Dense sweeps across each branch (series below 0.4, exp-based up to 22, ±1 beyond) and random points.
  for (const [lo, hi] of [[0, 1e-8], [1e-8, 0.4], [0.39, 0.41], [0.4, 3], [3, 22], [21.9, 23]]) {
    for (let i = 0; i < 20000; i++) check(lo + ((hi - lo) * (i + 0.5)) / 20000);
  }
  let s = 12345;
  for (let i = 0; i < 100000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    check((s / 2147483648 - 0.5) * 12);
  }
  t.ok(worst <= 5, `largest difference ${worst} ulp (at ${at})`);
  for (const x of [0.1, 0.4, 1, 5, 21.99, 30]) t.ok(Object.is(tanh(-x), -tanh(x)), `tanh(-${x}) = -tanh(${x})`);
  t.ok(Object.is(tanh(0), 0) && Object.is(tanh(-0), -0), '±0 keep their sign');
  t.equal(tanh(Infinity), 1);
  t.equal(tanh(-Infinity), -1);
  t.equal(tanh(1e300), 1);
  t.ok(Number.isNaN(tanh(NaN)), 'NaN stays NaN');
  t.equal(tanh(5e-324), 5e-324, 'the smallest subnormal is its own tanh');
  let monotone = true;
  for (let x = -4, prev = -1; x <= 4; x += 1e-4) {
    const y = tanh(x);
    if (y < prev) monotone = false;
    prev = y;
  }
  t.ok(monotone, 'non-decreasing on [-4, 4]');
  t.end();
});

test('libm: each function agrees with Math within 2 ulp', (t) => {
  const cases: [string, (x: number) => number, (x: number) => number, number, number][] = [
    ['exp', libm.exp, Math.exp, -40, 40],
    ['log', libm.log, Math.log, 1e-6, 1e6],
    ['log1p', libm.log1p, Math.log1p, -0.9, 10],
    ['expm1', libm.expm1, Math.expm1, -5, 5],
    ['sin', libm.sin, Math.sin, -7, 7],
    ['cos', libm.cos, Math.cos, -7, 7],
    ['tan', libm.tan, Math.tan, -1.5, 1.5],
    ['log10', libm.log10, Math.log10, 1e-3, 1e9],
    ['pow(·, 1.37)', (x) => libm.pow(x, 1.37), (x) => Math.pow(x, 1.37), 1e-3, 1e3],
  ];
  for (const [name, ours, theirs, lo, hi] of cases) {
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const x = lo + ((hi - lo) * (i + 0.5)) / 5000;
      worst = Math.max(worst, ulps(ours(x), theirs(x)));
    }
    t.ok(worst <= 2, `${name}: largest difference ${worst} ulp on [${lo}, ${hi}]`);
  }
  t.end();
});

test('libm: the bits are pinned (a change of library version or algorithm shows here)', (t) => {
  // FNV-1a over the bit patterns of each function on fixed arguments. The values were computed
  // once in Node 20; Chromium computes the same (the playground e2e test compares whole runs).
  const hash = (f: (x: number) => number, lo: number, hi: number) => {
    const bits = new Uint32Array(new Float64Array(1).buffer);
    const v = new Float64Array(bits.buffer);
    let h = 0x811c9dc5;
    for (let i = 0; i < 4096; i++) {
      v[0] = f(lo + ((hi - lo) * i) / 4096);
      for (const w of bits) for (let k = 0; k < 4; k++) h = Math.imul(h ^ ((w >>> (8 * k)) & 0xff), 0x01000193) >>> 0;
    }
    return h.toString(16);
  };
  const got = {
    exp: hash(libm.exp, -30, 30),
    log: hash(libm.log, 1e-3, 1e3),
    log1p: hash(libm.log1p, -0.5, 5),
    sin: hash(libm.sin, -7, 7),
    cos: hash(libm.cos, -7, 7),
    tanh: hash(tanh, -6, 6),
  };
  t.deepEqual(got, PINNED, 'bit patterns unchanged');
  t.end();
});

const PINNED: Record<string, string> = { exp: '34687eb5', log: 'a9846448', log1p: '7b9cb1fb', sin: '942eeffa', cos: '5d523757', tanh: '2df390e9' };
