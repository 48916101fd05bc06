/** The two-component mixture (T.logAddExp) against Stan's long run (test/fixtures/zoo/mixture.*). */
import test from 'tape';
import { against, chainsOf, checkMoments, derived, fit, readFixture } from './check_posterior.js';
import { mixture } from './mixture.js';

test('zoo: two-component mixture with T.logAddExp = Stan', async (t) => {
  const fx = readFixture<{ N: number; y: number[] }>('mixture');
  const trace = await fit(t, () => mixture(Float64Array.from(fx.data.y)), 33);
  const [mu1, gap] = [chainsOf(trace, 'mu1'), chainsOf(trace, 'gap')];
  checkMoments(t, 'mu[0]', mu1, fx.reference.params['mu[1]']);
  checkMoments(t, 'mu[1]', derived([mu1, gap], (m, d) => m + d), fx.reference.params['mu[2]']);
  against(t, trace, fx, [['sigma[0]', 'sigma[1]'], ['sigma[1]', 'sigma[2]'], ['w', 'w']]);
});
