/** The varying-intercept regression (T.gather) against Stan's long run (test/fixtures/zoo/varying_intercept.*). */
import test from 'tape';
import { against, chainsOf, checkMoments, derived, fit, stanName, readFixture } from './check_posterior.js';
import { varyingInterceptOf, type VaryingInterceptData } from './varying_intercept.js';

test('zoo: varying-intercept regression with T.gather = Stan', async (t) => {
  const fx = readFixture<VaryingInterceptData>('varying_intercept');
  const trace = await fit(t, () => varyingInterceptOf(fx.data), 31);
  against(t, trace, fx, [['mu_a', 'mu_a'], ['tau', 'tau'], ['beta', 'beta'], ['sigma', 'sigma']]);
  const [mu, tau] = [chainsOf(trace, 'mu_a'), chainsOf(trace, 'tau')];
  for (let j = 0; j < fx.data.J; j++) {
    const alpha = derived([mu, tau, chainsOf(trace, `z[${j}]`)], (m, s, z) => m + s * z);
    checkMoments(t, `alpha[${j}]`, alpha, fx.reference.params[stanName('alpha', j)]);
  }
});
