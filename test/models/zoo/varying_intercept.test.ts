/** The varying-intercept regression (T.gather) against Stan's long run (test/fixtures/zoo/varying_intercept.*). */
import test from 'tape';
import { against, chainsOf, checkMoments, derived, fit, stanName, readFixture } from './check_posterior.js';
import { varyingInterceptOf, type VaryingInterceptData } from './varying_intercept.js';

test('zoo: varying-intercept regression with T.gather = Stan', async (t) => {
  const fx = readFixture<VaryingInterceptData>('varying_intercept');
  // 2000 draws: R-hat < 1.01 holds reliably only well above 400 bulk-ESS; after the default
  // 400-iteration warmup mu_a has 690–860 at 1000 draws and R-hat up to 1.011 (6 seeds), 1600 at 2000.
  const trace = await fit(t, () => varyingInterceptOf(fx.data), 31, 2000);
  against(t, trace, fx, [['mu_a', 'mu_a'], ['tau', 'tau'], ['beta', 'beta'], ['sigma', 'sigma']]);
  const [mu, tau] = [chainsOf(trace, 'mu_a'), chainsOf(trace, 'tau')];
  for (let j = 0; j < fx.data.J; j++) {
    const alpha = derived([mu, tau, chainsOf(trace, `z[${j}]`)], (m, s, z) => m + s * z);
    checkMoments(t, `alpha[${j}]`, alpha, fx.reference.params[stanName('alpha', j)]);
  }
});
