/**
 * hbnn's gradient against the fastest hand-written version of the same function (issue #12),
 * for three model sizes: the hierarchical BNN (763 parameters, 900 points), the flat BNN of one
 * group (40 parameters, 50 points) and eight schools, non-centred (10 parameters, closed form).
 * hbnn is called through `model.logDensityAndGrad` twice: as models are made by default (the
 * compiled plan, as generated code) and with `compile: false` (the eager tape), so one run shows both ratios;
 * a third copy compiles with code generation refused, as under a CSP, so its plan runs on the
 * interpreter (autodiff/compile/codegen.ts). The limits are checked against hbnn's gradient in
 * test/bench/limits.test.ts; here each row also reports its largest difference to hbnn.
 *
 * Run: `hbnn bench --only limits [--quick]` or `node dist/bench/limits.bench.js [--quick]`.
 */
import { Rng } from '../core/rng.js';
import { rotatedMoons } from '../models/data/moons.js';
import { hierarchicalBnn } from '../models/bnn/hierarchical.js';
import { flatBnn } from '../models/bnn/flat.js';
import type { LogDensity } from '../samplers/types.js';
import { hierBnnFused, layoutFromParams, type FusedGroup } from './hier_bnn_fused.js';
import { flatBnnFused } from './fused/flat_bnn_fused.js';
import { eightSchoolsFused, eightSchoolsModel } from './fused/eight_schools.js';
import { timeInterleaved, type TimedRow } from './timing.js';
import { machineInfo } from './machine.js';
import { isMainModule, writeResultIfAsked } from './script.js';

export const BNN_SIZES = [2, 5, 5, 1];
const hbnnNames = (l: number) => ({ mean: `mu${l}`, sd: `sd${l}`, raw: `raw${l}` });

export interface LimitProblem {
  name: string;
  description: string;
  hbnn: LogDensity;
  /** The same model on the eager tape (`compile: false`). */
  hbnnEager: LogDensity;
  /** The same model compiled where `new Function` throws (a CSP), so its plan runs on the interpreter. */
  hbnnInterpreted: LogDensity;
  /** The hand-written limits, fastest first (the first is the ratio's reference). */
  limits: { name: string; f: LogDensity }[];
  /** Scale of the N(0, scale²) evaluation points. */
  scale: number;
}

/** The study's groups as the fused code takes them. */
export function fusedGroups(study: { Xs_train: number[][][]; Ys_train: number[][] }): FusedGroup[] {
  return study.Xs_train.map((X, g) => ({ X: Float64Array.from(X.flat()), y: Float64Array.from(study.Ys_train[g]) }));
}

/** `model`, compiled by a first call during which `new Function` throws an EvalError (as under a CSP without 'unsafe-eval'). */
export function interpreted(model: LogDensity): LogDensity {
  const original = globalThis.Function;
  globalThis.Function = function refused() {
    throw new EvalError('code generation refused (limits benchmark: the interpreter path)');
  } as unknown as FunctionConstructor;
  try {
    model.logDensityAndGrad(new Float64Array(model.dim), new Float64Array(model.dim));
  } finally {
    globalThis.Function = original;
  }
  return model;
}

/** The three problems, each as hbnn's model and its hand-written twins. */
export function limitProblems(seed = 2018): LimitProblem[] {
  const study = rotatedMoons({ groups: 18, seed });
  const groups = fusedGroups(study);
  const hier = hierarchicalBnn(study);
  const layout = layoutFromParams(hier.params, BNN_SIZES, 18, hbnnNames);
  const group = { X: study.Xs_train[0], y: study.Ys_train[0] };
  const flat = flatBnn(group);
  return [
    {
      name: 'hierarchical', description: 'hierarchical BNN, 18 groups × 50 points, 763 parameters', hbnn: hier, hbnnEager: hierarchicalBnn(study, { compile: false }), hbnnInterpreted: interpreted(hierarchicalBnn(study)), scale: 1,
      limits: [{ name: 'limit', f: hierBnnFused(groups, layout) }, { name: 'limit, Math.tanh', f: hierBnnFused(groups, layout, { tanh: 'math' }) }],
    },
    {
      name: 'flat', description: 'flat BNN, one group of 50 points, 40 parameters', hbnn: flat, hbnnEager: flatBnn(group, { compile: false }), hbnnInterpreted: interpreted(flatBnn(group)), scale: 1,
      limits: [{ name: 'limit', f: flatBnnFused(groups[0], BNN_SIZES) }, { name: 'limit, Math.tanh', f: flatBnnFused(groups[0], BNN_SIZES, { tanh: 'math' }) }],
    },
    { name: 'eight-schools', description: 'eight schools, non-centred, 10 parameters', hbnn: eightSchoolsModel(), hbnnEager: eightSchoolsModel(false), hbnnInterpreted: interpreted(eightSchoolsModel()), scale: 1, limits: [{ name: 'closed form', f: eightSchoolsFused() }] },
  ];
}

/** Largest |Δ value| / max(1, |value|) and |Δ g_i| / max(1, |g_i|) between two log densities at `points`. */
export function maxRelDifference(a: LogDensity, b: LogDensity, points: readonly Float64Array[]): { value: number; grad: number } {
  const ga = new Float64Array(a.dim), gb = new Float64Array(b.dim);
  let value = 0, grad = 0;
  for (const x of points) {
    gb.fill(NaN);
    const va = a.logDensityAndGrad(x, ga), vb = b.logDensityAndGrad(x, gb);
    value = Math.max(value, Math.abs(va - vb) / Math.max(1, Math.abs(va)));
    for (let i = 0; i < ga.length; i++) {
      const d = Math.abs(ga[i] - gb[i]) / Math.max(1, Math.abs(ga[i]));
      grad = Math.max(grad, Number.isNaN(d) ? Infinity : d);
    }
  }
  return { value, grad };
}

export function randomPoints(dim: number, count: number, scale: number, seed: number): Float64Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: count }, () => Float64Array.from({ length: dim }, () => scale * rng.normal()));
}

export interface LimitsResult {
  benchmark: 'limits';
  machine: ReturnType<typeof machineInfo>;
  settings: { rounds: number; batchMs: number };
  models: { name: string; description: string; dim: number; rows: (TimedRow & { maxRelDiffToHbnn: { value: number; grad: number } })[]; hbnnOverLimit: number }[];
}

export async function benchLimits(options: { quick?: boolean; rounds?: number; batchMs?: number; print?: boolean } = {}): Promise<LimitsResult> {
  const rounds = options.rounds ?? (options.quick ? 3 : 15);
  const batchMs = options.batchMs ?? (options.quick ? 30 : 100);
  const models = limitProblems().map((p) => {
    const points = randomPoints(p.hbnn.dim, 16, p.scale, 12);
    const contenders = [...p.limits, { name: 'hbnn, eager tape', f: p.hbnnEager }, { name: 'hbnn, interpreter', f: p.hbnnInterpreted }, { name: 'hbnn', f: p.hbnn }];
    const rows = timeInterleaved(contenders, points, rounds, batchMs).map((r, i) => ({ ...r, maxRelDiffToHbnn: maxRelDifference(p.hbnn, contenders[i].f, points) }));
    return { name: p.name, description: p.description, dim: p.hbnn.dim, rows, hbnnOverLimit: rows[rows.length - 1].ratio };
  });
  const result: LimitsResult = { benchmark: 'limits', machine: machineInfo(), settings: { rounds, batchMs }, models };
  if (options.print !== false) printLimits(result);
  return result;
}

function printLimits(r: LimitsResult): void {
  console.log(`\nhbnn vs the hand-written limit, µs per log density + gradient (median of ${r.settings.rounds} interleaved rounds of ${r.settings.batchMs} ms)`);
  console.log('model           contender            µs (median)   fastest – slowest   × limit   max rel. diff to hbnn (value, grad)');
  for (const m of r.models) {
    for (const row of m.rows) {
      const diff = `${row.maxRelDiffToHbnn.value.toExponential(1)}, ${row.maxRelDiffToHbnn.grad.toExponential(1)}`;
      const us = (x: number) => (x < 10 ? x.toFixed(3) : x.toFixed(1));
      console.log(`${m.name.padEnd(15)} ${row.name.padEnd(20)} ${us(row.microseconds).padStart(11)}   ${`${us(row.minMicroseconds)} – ${us(row.maxMicroseconds)}`.padStart(17)}   ${row.ratio.toFixed(2).padStart(7)}   ${diff}`);
    }
  }
}

if (isMainModule(import.meta.url)) {
  const args = process.argv.slice(2);
  writeResultIfAsked(args, await benchLimits({ quick: args.includes('--quick') }));
}
