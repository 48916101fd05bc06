/** summary(trace, { lp: true }): an lp__ row first, as CmdStan's stansummary; none by default. */
import test from 'tape';
import { summarizeScalar, summary } from '../../../samplers/diagnostics/summary.js';
import { smallTrace } from '../plots/plot_trace.js';

test('summary: lp: true starts with the lp__ row; the default has none', (t) => {
  const trace = smallTrace();
  const plain = summary(trace);
  const withLp = summary(trace, { lp: true });
  t.equal(plain.length, 5, 'default: one row per scalar');
  t.equal(withLp.length, 6);
  t.deepEqual(withLp.slice(1), plain, 'the scalar rows unchanged');
  t.deepEqual(withLp[0], summarizeScalar('lp__', trace.stat('lp')!), 'lp__: the summary of the log density of each draw');
  t.equal(summary(trace, { lp: true, params: ['mu'] }).map((r) => r.name).join(','), 'lp__,mu', 'with params too');
  t.end();
});
