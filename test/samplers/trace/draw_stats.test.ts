import test from 'tape';
import { columnOfStat, DRAW_STATS, sharedStats, statOfColumn, statRow } from '../../../samplers/trace/draw_stats.js';
import { cutToShortest } from '../../../samplers/trace/cut_to_shortest.js';
import type { SamplerInfo } from '../../../samplers/types.js';

test('draw stats: one table maps each Info field to its statistic and CmdStan column', (t) => {
  t.deepEqual(DRAW_STATS.map((s) => s.column), ['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__'], "CmdStan's columns in CmdStan's order");
  const info = { acceptanceRate: 0.7, isDivergent: true, energy: 3, numIntegrationSteps: 7, treeDepth: 3, stepSize: 0.4 };
  t.deepEqual(statRow(-2, info, { stepSize: 1 }), { lp: -2, acceptStat: 0.7, stepSize: 0.4, treeDepth: 3, nSteps: 7, diverging: 1, energy: 3 }, 'NUTS Info: every field, isDivergent as 1');
  t.deepEqual(statRow(-1, { acceptanceRate: 1, isDivergent: false }, { stepSize: 0.5 }), { lp: -1, acceptStat: 1, stepSize: 0.5, diverging: 0 }, 'a step size the Info lacks comes from params');
  const extra = { acceptanceRate: 0.5, isDivergent: false, isAccepted: true, logWeight: -0.25, acceptStat: 9, label: 'x' } as SamplerInfo;
  t.deepEqual(statRow(0, extra, {}), { lp: 0, acceptStat: 0.5, diverging: 0, logWeight: -0.25 }, 'extra numbers kept; booleans, strings and table names are not');
  t.equal(columnOfStat('nSteps'), 'n_leapfrog__', 'table column');
  t.equal(columnOfStat('logWeight'), 'logWeight__', 'extra column: <name>__');
  t.deepEqual(['accept_stat__', 'logWeight__', 'w.1'].map(statOfColumn), ['acceptStat', 'logWeight', undefined], 'columns back to statistics; parameters are none');
  const a = { lp: new Float64Array(1), energy: new Float64Array(1), logWeight: new Float64Array(1) };
  const b = { lp: new Float64Array(1), logWeight: new Float64Array(1), acceptStat: new Float64Array(1) };
  t.deepEqual(sharedStats([a, b]), ['lp', 'logWeight'], 'the statistics every chain has, table first');
  t.end();
});

test('cutToShortest: chains cut to the shortest with draws; chains without any left out', (t) => {
  const chain = (n: number) => ({ values: Float64Array.from({ length: 2 * n }, (_, i) => i), stats: { lp: Float64Array.from({ length: n }, (_, i) => -i), energy: new Float64Array(n) } });
  const long = chain(5);
  const cut = cutToShortest([{ id: 0, draws: long, numDraws: 5 }, { id: 1, draws: chain(0), numDraws: 0 }, { id: 2, draws: chain(3), numDraws: 3 }], 2);
  t.deepEqual([cut.chainIds, cut.chainsWithoutDraws, cut.drawsKept], [[0, 2], [1], 3], 'ids kept, ids left out, draws kept');
  t.deepEqual(Array.from(cut.chains[0].values), [0, 1, 2, 3, 4, 5], 'values cut');
  t.deepEqual([cut.chains[0].stats.lp.length, cut.chains[0].stats.energy!.length], [3, 3], 'every statistic cut');
  t.equal(long.stats.lp.length, 5, 'the input is not changed');
  t.equal(cutToShortest([{ id: 0, draws: chain(0), numDraws: 0 }], 2).chains.length, 0, 'none with draws: empty');
  t.end();
});
