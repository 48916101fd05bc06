/** The hidden Markov model ('simplex' transition rows, forward algorithm with T.logSumExp over an axis) against Stan's long run (test/fixtures/zoo/hmm.*). */
import test from 'tape';
import { against, fit, readFixture } from './check_posterior.js';
import { hmm } from './hmm.js';

test('zoo: hidden Markov model, \'simplex\' rows, forward algorithm with T.logSumExp over an axis = Stan', async (t) => {
  const fx = readFixture<{ N: number; y: number[] }>('hmm');
  const trace = await fit(t, () => hmm(Float64Array.from(fx.data.y)), 34, 500);
  // Stan's p_stay[k] is the diagonal Γ[k, k]: gamma1[0] and gamma2[1].
  against(t, trace, fx, [['mu[0]', 'mu[1]'], ['mu[1]', 'mu[2]'], ['sigma', 'sigma'], ['gamma1[0]', 'p_stay[1]'], ['gamma2[1]', 'p_stay[2]']]);
});
