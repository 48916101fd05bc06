/** Correlated intercepts and slopes (dist.lkjCholesky, 'choleskyCorr', T.gather) against Stan's long run (test/fixtures/zoo/correlated_effects.*). */
import test from 'tape';
import { against, fit, readFixture } from './check_posterior.js';
import { correlatedEffectsOf, type CorrelatedEffectsData } from './correlated_effects.js';

test('zoo: correlated effects with dist.lkjCholesky and \'choleskyCorr\' = Stan', async (t) => {
  const fx = readFixture<CorrelatedEffectsData>('correlated_effects');
  const trace = await fit(t, () => correlatedEffectsOf(fx.data), 35);
  t.equal(trace.kindOf('rho'), 'derived', 'rho = L[1, 0] is a derived quantity');
  against(t, trace, fx, [['mu[0]', 'mu[1]'], ['mu[1]', 'mu[2]'], ['tau[0]', 'tau[1]'], ['tau[1]', 'tau[2]'], ['sigma', 'sigma'], ['rho', 'rho']]);
});
