/**
 * `trace.meta.initGradEvals`: the gradients an initialisation's own fit takes (Pathfinder's paths,
 * ADVI and the checks of the start points drawn from it), which the chains' `numGradEvals` leave
 * out; with them, every gradient of the run is accounted for.
 */
import test from 'tape';
import { sample } from '../../../samplers/run/sample.js';
import { adviInitializer } from '../../../samplers/vi/advi_initializer.js';
import type { PosteriorTarget } from '../../../samplers/types.js';

/** A correlated 3-d Gaussian that counts its gradient calls. */
function counted(): { target: PosteriorTarget; calls: () => number } {
  let calls = 0;
  const target: PosteriorTarget = {
    dim: 3,
    logDensityAndGrad(x, g) {
      calls++;
      g[0] = -x[0] + 0.5 * x[1];
      g[1] = 0.5 * x[0] - x[1];
      g[2] = -x[2] / 4;
      return -0.5 * (x[0] * x[0] - x[0] * x[1] + x[1] * x[1]) - (x[2] * x[2]) / 8;
    },
    logDensity(x) {
      return -0.5 * (x[0] * x[0] - x[0] * x[1] + x[1] * x[1]) - (x[2] * x[2]) / 8;
    },
  };
  return { target, calls: () => calls };
}

const chainGradients = (meta: { perChain?: { numGradEvals: number }[] }) => meta.perChain!.reduce((s, c) => s + c.numGradEvals, 0);

for (const init of ['pathfinder', 'advi+adapt_diag'] as const) {
  test(`init '${init}': meta.initGradEvals + the chains' numGradEvals = every gradient the run took`, async (t) => {
    const { target, calls } = counted();
    const trace = await sample(target, {
      init, chains: 2, draws: 100, tune: 100, seed: 3, progress: false,
      ...(init === 'advi+adapt_diag' ? { adviInit: adviInitializer({}) } : {}),
    });
    const initGrads = trace.meta.initGradEvals;
    t.ok(typeof initGrads === 'number' && initGrads > 0, `initGradEvals = ${initGrads}`);
    t.equal((initGrads ?? 0) + chainGradients(trace.meta), calls(), `${initGrads} + ${chainGradients(trace.meta)} = ${calls()} calls of the target`);
  });
}

test('init jitter: no initGradEvals (the chains count their own initialisation)', async (t) => {
  const { target, calls } = counted();
  const trace = await sample(target, { chains: 2, draws: 50, tune: 50, seed: 3, progress: false });
  t.equal(trace.meta.initGradEvals, undefined);
  t.equal(chainGradients(trace.meta), calls(), 'the chains counted every call');
});
