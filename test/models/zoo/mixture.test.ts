/** The two-component mixture ('ordered' means, 'simplex' weights, T.logAddExp) against Stan's long run (test/fixtures/zoo/mixture.*). */
import test from 'tape';
import { against, fit, readFixture } from './check_posterior.js';
import { mixture } from './mixture.js';

test('zoo: two-component mixture with \'ordered\', \'simplex\' and T.logAddExp = Stan', async (t) => {
  const fx = readFixture<{ N: number; y: number[] }>('mixture');
  const trace = await fit(t, () => mixture(Float64Array.from(fx.data.y)), 33);
  // Stan's scalar w is the first simplex weight; the second is 1 − w, the same posterior reflected.
  const w1 = fx.reference.params.w;
  against(t, trace, fx, [['mu[0]', 'mu[1]'], ['mu[1]', 'mu[2]'], ['sigma[0]', 'sigma[1]'], ['sigma[1]', 'sigma[2]'], ['w[0]', 'w']]);
  fx.reference.params['1 - w'] = { ...w1, mean: 1 - w1.mean };
  against(t, trace, fx, [['w[1]', '1 - w']]);
});
