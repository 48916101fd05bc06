/**
 * The study across data seeds (issue #6's acceptance check; a long run, so a script, not a test):
 * `node dist/bench/study_seeds.js [--seeds 0,1,2,3,4] [--tune N] [--draws N] [--chains N] [--out DIR]`
 * (the settings default to `hbnn reproduce`'s; --tune and --draws, when given, apply to every model)
 * runs `reproduce` once per seed of `rotatedMoons`, then prints and writes (DIR/seeds.md,
 * DIR/seeds.json) the per-seed accuracy table, the means, and whether the post's ordering holds:
 * the hierarchical model's mean test accuracy at least 3 points above the flat model's, and the
 * informative-prior model's above the flat model's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FULL_SETTINGS, reproduce } from '../bin/reproduce.js';
import type { StudyMetrics } from '../bin/report/report.js';

const MODELS = ['flat', 'hierarchical', 'informative'] as const;

export interface SeedRow {
  seed: number;
  metrics: StudyMetrics;
}

export function seedTable(rows: SeedRow[]): { markdown: string; meanTest: Record<string, number>; meanTrain: Record<string, number>; holds: { hierarchicalBeatsFlatBy3: boolean; informativeBeatsFlat: boolean } } {
  const pct = (v: number) => (100 * v).toFixed(2);
  const lines = ['| seed | flat train | flat test | hier. train | hier. test | inf. train | inf. test | hier. divergences | hier. R-hat(lp) |', '|---|---|---|---|---|---|---|---|---|'];
  for (const { seed, metrics: m } of rows) {
    const lpRhat = (m.hierarchical as unknown as { lpMaxRhat?: number }).lpMaxRhat;
    lines.push(`| ${seed} | ${MODELS.map((k) => `${pct(m[k].trainAccuracy)} | ${pct(m[k].testAccuracy)}`).join(' | ')} | ${m.hierarchical.divergences} | ${lpRhat === undefined ? '–' : lpRhat.toFixed(3)} |`);
  }
  const mean = (k: (typeof MODELS)[number], f: 'trainAccuracy' | 'testAccuracy') => rows.reduce((s, r) => s + r.metrics[k][f], 0) / rows.length;
  const meanTest = Object.fromEntries(MODELS.map((k) => [k, mean(k, 'testAccuracy')]));
  const meanTrain = Object.fromEntries(MODELS.map((k) => [k, mean(k, 'trainAccuracy')]));
  lines.push(`| mean | ${MODELS.map((k) => `${pct(meanTrain[k])} | ${pct(meanTest[k])}`).join(' | ')} | | |`);
  const holds = {
    hierarchicalBeatsFlatBy3: meanTest.hierarchical - meanTest.flat >= 0.03,
    informativeBeatsFlat: meanTest.informative > meanTest.flat,
  };
  return { markdown: lines.join('\n'), meanTest, meanTrain, holds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0,1,2,3,4' },
      tune: { type: 'string' },
      draws: { type: 'string' },
      chains: { type: 'string', default: String(FULL_SETTINGS.chains) },
      out: { type: 'string', default: 'hbnn-seeds' },
    },
  });
  const seeds = values.seeds!.split(',').map((s) => Number(s));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds must be a comma-separated list of non-negative integers, got '${values.seeds}'`);
  const num = <F extends number | undefined>(name: 'tune' | 'draws' | 'chains', fallback: F): number | F => {
    if (values[name] === undefined) return fallback;
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got '${values[name]}'`);
    return v;
  };
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  const rows: SeedRow[] = [];
  for (const seed of seeds) {
    const t0 = performance.now();
    const metrics = await reproduce({
      out: join(out, `seed-${seed}`), seed, generate: true, parallel: true, progress: false, log: () => {},
      chains: num('chains', FULL_SETTINGS.chains), tune: num('tune', FULL_SETTINGS.tune), draws: num('draws', FULL_SETTINGS.draws),
      hierarchicalTune: num('tune', FULL_SETTINGS.hierarchicalTune), hierarchicalDraws: num('draws', FULL_SETTINGS.hierarchicalDraws),
    });
    rows.push({ seed, metrics });
    console.log(`seed ${seed}: flat ${(100 * metrics.flat.testAccuracy).toFixed(2)}%, hierarchical ${(100 * metrics.hierarchical.testAccuracy).toFixed(2)}%, informative ${(100 * metrics.informative.testAccuracy).toFixed(2)}% test accuracy (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    const table = seedTable(rows);
    writeFileSync(join(out, 'seeds.md'), `${table.markdown}\n`);
    writeFileSync(join(out, 'seeds.json'), JSON.stringify({ rows, ...table }, null, 2));
  }
  const table = seedTable(rows);
  console.log(`\n${table.markdown}\n`);
  console.log(`hierarchical − flat mean test accuracy: ${(100 * (table.meanTest.hierarchical - table.meanTest.flat)).toFixed(2)} points (needs ≥ 3): ${table.holds.hierarchicalBeatsFlatBy3 ? 'holds' : 'does NOT hold'}`);
  console.log(`informative − flat mean test accuracy: ${(100 * (table.meanTest.informative - table.meanTest.flat)).toFixed(2)} points (needs > 0): ${table.holds.informativeBeatsFlat ? 'holds' : 'does NOT hold'}`);
}

await main();
