/** samplerWarnings reads the run's own settings (tree depth limit, targetAccept) and speaks hbnn's option names. */
import test from 'tape';
import { sample } from '../../../samplers/run/sample.js';
import { nuts } from '../../../samplers/mcmc/nuts.js';
import { samplerWarnings } from '../../../samplers/diagnostics/warnings.js';
import type { LogDensity } from '../../../samplers/types.js';

const normal2: LogDensity = { dim: 2, logDensityAndGrad: (x, g) => ((g[0] = -x[0]), (g[1] = -x[1]), -0.5 * (x[0] * x[0] + x[1] * x[1])) };

test('samplerWarnings: the tree depth limit and targetAccept of the run, in hbnn\'s names', async (t) => {
  const trace = await sample(normal2, { sampler: nuts({ maxTreeDepth: 1 }), chains: 1, tune: 50, draws: 50, seed: 3, targetAccept: 0.95 });
  const depth = samplerWarnings(trace).find((w) => /maximum tree depth/.test(w));
  t.match(depth ?? '', /hit the maximum tree depth of 1\. This is an efficiency concern: raising nuts\(\{ maxTreeDepth \}\) may help\./, `the run's limit, 1, not Stan's 10: ${depth}`);
  t.notOk(samplerWarnings(trace, { maxTreeDepth: 5 }).some((w) => /maximum tree depth/.test(w)), 'an explicit maxTreeDepth still wins');
  trace.chainDraws[0].stats.diverging![0] = 1;
  const divergent = samplerWarnings(trace).find((w) => /divergent/.test(w));
  t.match(divergent ?? '', /Raising sample\(\)'s targetAccept \(this run used 0\.95; Stan calls it adapt_delta\) or reparameterising may help\./, `targetAccept by name, with the run's value: ${divergent}`);
  t.end();
});
