/** Gaussian process regression (T.cholesky) against Stan's long run (test/fixtures/zoo/gp_regression.*). */
import test from 'tape';
import { against, fit, readFixture } from './check_posterior.js';
import { gpRegression, type GpData } from './gp_regression.js';

test('zoo: Gaussian process regression with T.cholesky = Stan', async (t) => {
  const fx = readFixture<GpData>('gp_regression');
  const trace = await fit(t, () => gpRegression(Float64Array.from(fx.data.x), Float64Array.from(fx.data.y)), 32);
  against(t, trace, fx, [['log_rho', 'log_rho'], ['alpha', 'alpha'], ['sigma', 'sigma']]);
});
