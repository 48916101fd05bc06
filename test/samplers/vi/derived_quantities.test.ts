/**
 * Traces from ADVI's and Pathfinder's `fit.sample(n, seed)` carry a model's derived quantities and
 * log_lik like NUTS traces: the same columns, in the same order, with values computed from each
 * draw's parameters (checked here against the closed forms of the fixture's `derived`).
 */
import test from 'tape';
import { make, y } from '../../fixtures/derived_model.js';
import { advi } from '../../../samplers/vi/advi.js';
import { pathfinder } from '../../../samplers/vi/pathfinder/pathfinder.js';
import { sample } from '../../../samplers/run/sample.js';
import type { Trace } from '../../../samplers/trace/trace.js';

function checkDerived(t: test.Test, trace: Trace, nuts: Trace, what: string) {
  t.deepEqual(trace.paramNames, nuts.paramNames, `${what}: the NUTS trace's columns (${trace.paramNames.join(', ')})`);
  const mu = trace.get('mu').values;
  const sigma = trace.get('sigma').values;
  const L = trace.get('L').values;
  const z = trace.get('z').values;
  const omega = trace.get('Omega').values;
  const scale2 = trace.get('scale2').values;
  const logLik = trace.get('log_lik').values;
  let worst = 0;
  for (let d = 0; d < trace.draws; d++) {
    worst = Math.max(worst, Math.abs(scale2[d] - sigma[d] ** 2));
    for (let i = 0; i < y.length; i++) {
      const zi = (y[i] - mu[d]) / sigma[d];
      worst = Math.max(worst, Math.abs(z[d * y.length + i] - zi));
      worst = Math.max(worst, Math.abs(logLik[d * y.length + i] - (-0.5 * zi * zi - Math.log(sigma[d]) - 0.5 * Math.log(2 * Math.PI))));
    }
    const l = L.subarray(d * 4, d * 4 + 4);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) worst = Math.max(worst, Math.abs(omega[d * 4 + i * 2 + j] - (l[i * 2] * l[j * 2] + l[i * 2 + 1] * l[j * 2 + 1])));
  }
  t.ok(worst < 1e-12, `${what}: z, Omega, scale2 and log_lik are those of each draw (max error ${worst.toExponential(1)})`);
  t.ok(new Set(Array.from(scale2)).size > trace.draws / 2, `${what}: derived values vary with the draws`);
}

test('VI traces carry derived quantities and log_lik as NUTS traces do', async (t) => {
  const model = make();
  const nuts = await sample(model, { chains: 1, tune: 20, draws: 5, seed: 1 });
  const fit = await advi(model, { schedule: 'stan', iterations: 2000, seed: 2 });
  checkDerived(t, fit.sample(200, 3), nuts, 'advi');
  const full = await advi(model, { method: 'fullrank', schedule: 'stan', iterations: 2000, seed: 2 });
  checkDerived(t, full.sample(50, 3), nuts, 'advi fullrank');
  const pf = await pathfinder(model, { seed: 4 });
  checkDerived(t, pf.sample(200, 5), nuts, 'pathfinder');
  t.deepEqual(Array.from(fit.sample(20, 7).get('Omega').values), Array.from(fit.sample(20, 7).get('Omega').values), 'same seed, same derived draws');
});
