/**
 * readCmdStanCsv on CSV written by Stan itself: test/fixtures/stan_csv, rstan 2.21's sample_file
 * for a tiny model (made by test/fixtures/make_stan_csv.R). rstan's preamble says `key=value`
 * under its own names (warmup, adapt_delta, max_treedepth, sampler_t=NUTS(diag_e)); the warmup
 * it saved is split off, and the means agree with what rstan printed for the fit.
 */
import test from 'tape';
import { readCmdStanCsv } from '../../../samplers/io/cmdstan_csv.js';
import { summary } from '../../../samplers/diagnostics/summary.js';
import { STAN_CSV_FILES } from './stan_fixture.js';


test("readCmdStanCsv: rstan's own files, warmup split off, settings read", (t) => {
  const trace = readCmdStanCsv(STAN_CSV_FILES);
  t.equal(trace.chains, 2);
  t.equal(trace.draws, 100, '250 iterations, 150 of them warmup');
  t.equal(trace.chainDraws[0].warmup?.stats.lp.length, 150, 'the saved warmup kept apart');
  t.deepEqual(trace.params, [{ name: 'mu', shape: [] }, { name: 'tau', shape: [] }, { name: 'theta', shape: [3] }]);
  const m = trace.meta;
  t.deepEqual([m.sampler, m.metric, m.numWarmup, m.draws, m.targetAccept, m.seed], ['nuts', 'diag', 150, 100, 0.8, 17], 'sampler, metric, warmup, draws, delta, seed');
  t.deepEqual(m.samplerOptions, { maxTreeDepth: 10, stepSizeJitter: 0 }, 'max_treedepth, stepsize_jitter');
  t.ok(trace.chainDraws[0].adaptation?.inverseMassMatrix?.length === 5 && trace.chainDraws[0].adaptation?.stepSize, 'adaptation block');
  t.ok(trace.chainDraws[1].elapsed && trace.chainDraws[1].elapsed.samplingSeconds > 0, 'elapsed times');
  // What print(fit) showed in R (2 decimals): mean mu 2.88, tau 6.28, theta[1] 7.06, lp__ -7.43; sd mu 4.79.
  const rows = summary(trace, { lp: true });
  t.deepEqual(rows.slice(0, 4).map((r) => Number(r.mean.toFixed(2))), [-7.43, 2.88, 6.28, 7.06], 'means as rstan printed them');
  t.equal(Number(rows[1].sd.toFixed(2)), 4.79);
  t.end();
});
