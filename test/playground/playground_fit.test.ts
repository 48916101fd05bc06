import test from 'tape';
import { join } from 'node:path';
import { ROOT } from '../../bin/bundle.js';
import { DEFAULT_SETTINGS, LIMITS, SettingsError, accuracyRows, checkSettings, playgroundData, runPlayground, type Stage } from '../../docs/playground/src/fit.js';

test('playground settings: defaults, limits and refusals that name the control', (t) => {
  t.deepEqual(checkSettings({}), DEFAULT_SETTINGS, 'nothing given: the defaults');
  t.deepEqual(checkSettings({ groups: '4', noise: '0.25', model: 'flat' }), { ...DEFAULT_SETTINGS, groups: 4, noise: 0.25, model: 'flat' }, 'form strings are parsed');
  const refused: [Record<string, unknown>, string, RegExp][] = [
    [{ groups: 0 }, 'groups', /groups must be between 1 and 18, got 0/],
    [{ points: 201 }, 'points', /points per group must be between 5 and 200, got 201/],
    [{ noise: 'lots' }, 'noise', /noise must be a number, got "lots"/],
    [{ seed: -1 }, 'seed', /seed must be between 0 and 2147483647, got -1/],
    [{ chains: 2.5 }, 'chains', /chains must be a whole number, got 2.5/],
    [{ tune: '' }, 'tune', /warmup iterations must be a number, got ""/],
    [{ model: 'deep' }, 'model', /model must be one of flat, hierarchical, informative, got "deep"/],
  ];
  for (const [raw, field, message] of refused) {
    try {
      checkSettings(raw);
      t.fail(`accepted ${JSON.stringify(raw)}`);
    } catch (e) {
      t.ok(e instanceof SettingsError && e.field === field && message.test(e.message), `${JSON.stringify(raw)} → ${(e as Error).message}`);
    }
  }
  for (const [key, lim] of Object.entries(LIMITS)) t.ok(lim.min <= (DEFAULT_SETTINGS as unknown as Record<string, number>)[key] && (DEFAULT_SETTINGS as unknown as Record<string, number>)[key] <= lim.max, `default ${key} within its limits`);
  const data = playgroundData(checkSettings({ groups: 2, points: 7 }));
  t.deepEqual([data.Xs_train.length, data.Xs_train[0].length, data.Xs_test[1].length], [2, 7, 7], 'points training and as many test points per group');
  t.end();
});

test('playground run: stages, accuracy rows, and the same draws in worker threads', async (t) => {
  const settings = checkSettings({ groups: 2, points: 10, model: 'informative', chains: 2, tune: 40, draws: 30, maxTreeDepth: 4, seed: 3 });
  const stages: string[] = [];
  const sequential = await runPlayground(settings, { onStage: (s: Stage, total) => stages.push(`${s.index + 1}/${total} ${s.label}`) });
  t.deepEqual(stages, ['1/3 hierarchical, all 2 groups', '2/3 informative, group 1 of 2', '3/3 informative, group 2 of 2'], 'the informative run fits the hierarchical model first');
  t.equal(sequential.traces.length, 3);
  t.deepEqual(sequential.traces[1].paramNames, ['z0', 'z1', 'z2'], 'informative stages sample the non-centred weights');
  const rows = accuracyRows(sequential.accuracy);
  t.equal(rows.length, 3, 'one row per group and the total');
  t.ok(rows.every((r) => /^(\d+|all)$/.test(r[0]) && r.slice(1).every((c) => /^\d+\.\d\d%$/.test(c))), `rows ${JSON.stringify(rows)}`);
  t.equal(sequential.checksum.draws, 3 * 2 * 30, 'every stage’s draws are in the checksum');
  const parallel = await runPlayground(settings, { targetsModule: join(ROOT, 'dist', 'docs', 'playground', 'src', 'targets.js') });
  t.deepEqual(parallel.checksum, sequential.checksum, 'chains in worker threads give the same draws');
  t.deepEqual(accuracyRows(parallel.accuracy), rows, 'and the same accuracy');
  t.end();
});
