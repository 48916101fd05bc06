/**
 * Comparing a run's posterior with a reference (exact moments, or a long Stan run), within Monte
 * Carlo error: |mean − ref| ≤ Z·√(MCSE² + MCSE_ref²) with the ESS-based MCSE of
 * samplers/diagnostics (mcseMean, mcseSd), the same for the sd. Z = 4: a two-sided 6·10⁻⁵ chance
 * per comparison of failing by chance, so the ~80 comparisons of the zoo fail together by chance
 * with probability under 1%; a bias of a few MCSEs still fails.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type test from 'tape';
import { gradcheck, mcseMean, mcseSd, nuts, rhat, sample, type Model, type Trace } from '../../../index.js';

export const Z = 4;

export interface RefMoments {
  mean: number;
  sd: number;
  /** The reference's own Monte Carlo errors (0 or absent for exact moments). */
  mcse_mean?: number;
  mcse_sd?: number;
}

/** The chains of one scalar of the trace, `name[i]` or `name` (row-major index into the parameter). */
export function chainsOf(trace: Trace, column: string): Float64Array[] {
  const m = /^(\w+)(?:\[(\d+)\])?$/.exec(column);
  if (!m) throw new Error(`chainsOf: cannot read column '${column}'`);
  return trace.scalarChains(m[1], m[2] === undefined ? 0 : Number(m[2]));
}

/** A quantity computed draw by draw from several scalars' chains (theta = mu + tau·eta, say). */
export function derived(inputs: Float64Array[][], f: (...v: number[]) => number): Float64Array[] {
  return inputs[0].map((_, c) => Float64Array.from(inputs[0][c], (_, d) => f(...inputs.map((chains) => chains[c][d]))));
}

/** Mean and sd of `chains` against `ref` within Z Monte Carlo errors, and R-hat below 1.01 (reported only, with `rhat: 'report'`). */
export function checkMoments(t: test.Test, name: string, chains: Float64Array[], ref: RefMoments, { rhat: rhatCheck = 'check' }: { rhat?: 'check' | 'report' } = {}): void {
  const all = chains.flatMap((c) => Array.from(c));
  const mean = all.reduce((a, v) => a + v, 0) / all.length;
  const sd = Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / (all.length - 1));
  const tolMean = Z * Math.hypot(mcseMean(chains), ref.mcse_mean ?? 0);
  const tolSd = Z * Math.hypot(mcseSd(chains), ref.mcse_sd ?? 0);
  t.ok(Math.abs(mean - ref.mean) <= tolMean, `${name}: mean ${mean.toFixed(3)} vs ${ref.mean.toFixed(3)} (tolerance ${tolMean.toFixed(3)})`);
  t.ok(Math.abs(sd - ref.sd) <= tolSd, `${name}: sd ${sd.toFixed(3)} vs ${ref.sd.toFixed(3)} (tolerance ${tolSd.toFixed(3)})`);
  const r = rhat(chains);
  if (rhatCheck === 'check') t.ok(r < 1.01, `${name}: R-hat ${r.toFixed(4)} < 1.01`);
  else t.comment(`${name}: R-hat ${r.toFixed(4)}`);
}

/** The number of divergent transitions after warmup. */
export function divergences(trace: Trace): number {
  return (trace.stat('diverging') ?? []).reduce((a, c) => a + c.reduce((s, v) => s + v, 0), 0);
}

/** A zoo fixture (test/fixtures/zoo/NAME.json, written by make_zoo_references.R): the data and Stan's reference moments. */
export interface ZooFixture<D> {
  data: D;
  reference: { stan: string; draws: number; chains: number; divergences: number; params: Record<string, RefMoments & { ess_bulk: number; rhat: number }> };
}

export function readFixture<D>(name: string): ZooFixture<D> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  return JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'zoo', `${name}.json`), 'utf8')) as ZooFixture<D>;
}

/** Stan's 1-based `name[k]` for the 0-based `name[i]` of the Trace. */
export function stanName(name: string, i?: number): string {
  return i === undefined ? name : `${name}[${i + 1}]`;
}

/**
 * `make()` with HBNN_COMPILE unset, so the model compiles without the checking mode that the test
 * suite sets: the long runs replay the compiled plan alone, as a user's model does (each model's
 * compiled gradient is checked against the eager tape and finite differences beforehand).
 */
export function compiledOnly<M>(make: () => M): M {
  const saved = process.env.HBNN_COMPILE;
  delete process.env.HBNN_COMPILE;
  try {
    return make();
  } finally {
    if (saved !== undefined) process.env.HBNN_COMPILE = saved;
  }
}

/**
 * gradcheck(model) at its default point (in the suite's checking mode, so the compiled gradient is
 * also compared with the eager tape on every call), then a run of 4 chains of the compiled model,
 * with the library's default warmup (no `tune`: the zoo checks what a user gets),
 * with fewer than 1% divergent draws (Stan's long runs have at most a handful in 100,000).
 */
export async function fit(t: test.Test, make: () => Model, seed: number, draws = 1000): Promise<Trace> {
  const g = gradcheck(make());
  t.ok(g.ok, `gradcheck(model): max abs error ${g.maxAbsError.toExponential(2)}`);
  const model = compiledOnly(make);
  const trace = await sample(model, { chains: 4, draws, seed, sampler: nuts() });
  t.equal(model.compilation.state, 'compiled', `the model ran compiled (${model.compilation.reason ?? ''})`);
  t.ok(divergences(trace) < 0.01 * 4 * draws, `${divergences(trace)} divergences`);
  return trace;
}

/** Every scalar named in `names` (Trace name, Stan name) against the fixture. */
export function against(t: test.Test, trace: Trace, fx: ZooFixture<unknown>, names: [string, string][]): void {
  for (const [ours, stan] of names) checkMoments(t, ours, chainsOf(trace, ours), fx.reference.params[stan]);
}
