/** The hidden Markov model (forward algorithm, T.logSumExp over an axis) against Stan's long run (test/fixtures/zoo/hmm.*). */
import test from 'tape';
import { against, chainsOf, checkMoments, derived, fit, readFixture } from './check_posterior.js';
import { hmm } from './hmm.js';

test('zoo: hidden Markov model, forward algorithm with T.logSumExp over an axis = Stan', async (t) => {
  const fx = readFixture<{ N: number; y: number[] }>('hmm');
  const trace = await fit(t, () => hmm(Float64Array.from(fx.data.y)), 34, 500);
  const [mu1, gap] = [chainsOf(trace, 'mu1'), chainsOf(trace, 'gap')];
  checkMoments(t, 'mu[0]', mu1, fx.reference.params['mu[1]']);
  checkMoments(t, 'mu[1]', derived([mu1, gap], (m, d) => m + d), fx.reference.params['mu[2]']);
  against(t, trace, fx, [['sigma', 'sigma'], ['p_stay[0]', 'p_stay[1]'], ['p_stay[1]', 'p_stay[2]']]);
});
