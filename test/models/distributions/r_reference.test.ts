/**
 * Every family against R (test/fixtures/densities_reference.json, made by make_densities.R from
 * R's d* functions or, where base R has none, the closed form in R): the pointwise values to
 * 1e-12 relative, the summed form to the sum of R's values, and the summed form to the sum of
 * the pointwise form.
 */
import test from 'tape';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor } from '../../../autodiff/index.js';
import { dist } from '../../../models/index.js';

interface Arg { values: number[]; shape: number[] }
interface Case { family: string; label: string; args: Arg[]; pointwise: number[] }

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test', 'fixtures');
const reference = JSON.parse(readFileSync(join(fixtures, 'densities_reference.json'), 'utf8')) as { cases: Case[] };

type AnyDensity = ((...a: unknown[]) => Tensor) & { pointwise: (...a: unknown[]) => Tensor };

/** The arguments as hbnn takes them (mvNormal's covariance inside `{ cov }`). */
function argsOf(c: Case): unknown[] {
  const ts = c.args.map((a) => tensor(Float64Array.from(a.values), a.shape));
  return c.family === 'mvNormal' ? [ts[0], ts[1], { cov: ts[2] }] : ts;
}

const relClose = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test('the reference covers every family', (t) => {
  const covered = new Set(reference.cases.map((c) => c.family));
  const missing = Object.keys(dist).filter((k) => typeof (dist as Record<string, unknown>)[k] === 'function' && !covered.has(k));
  t.deepEqual(missing, [], `families without an R reference: ${missing.join(', ') || 'none'}`);
  t.end();
});

for (const c of reference.cases) {
  test(`R reference: ${c.family} ${c.label}`, (t) => {
    const f = (dist as unknown as Record<string, AnyDensity>)[c.family];
    const pw = f.pointwise(...argsOf(c));
    t.equal(pw.size, c.pointwise.length, `pointwise has ${c.pointwise.length} values`);
    let worst = 0;
    pw.data.forEach((v, i) => {
      const err = Math.abs(v - c.pointwise[i]) / Math.max(1, Math.abs(c.pointwise[i]));
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
    });
    t.ok(worst <= 1e-12, `pointwise vs R: worst relative error ${worst.toExponential(2)} (${Array.from(pw.data).map((v) => v.toPrecision(10)).join(', ')})`);
    const want = c.pointwise.reduce((s, v) => s + v, 0);
    const scale = c.pointwise.reduce((s, v) => s + Math.abs(v), 0);
    const summed = f(...argsOf(c)).item();
    t.ok(Math.abs(summed - want) <= 1e-12 * Math.max(1, scale), `summed ${summed} vs R's total ${want}`);
    const pwSum = pw.data.reduce((s, v) => s + v, 0);
    t.ok(relClose(summed, pwSum, 1e-13), `summed ${summed} equals the sum of the pointwise values ${pwSum}`);
    t.end();
  });
}
