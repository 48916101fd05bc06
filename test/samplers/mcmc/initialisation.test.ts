/** Stan's random inits: the error after the last try says what the target returned there. */
import test from 'tape';
import { Rng } from '../../../core/rng.js';
import { jitterInit } from '../../../samplers/mcmc/initialisation.js';
import type { LogDensity } from '../../../samplers/types.js';

const errorOf = (target: LogDensity) => {
  try {
    jitterInit(Rng.fromSeed(1), target, { attempts: 3 });
  } catch (e) {
    return (e as Error).message;
  }
  return 'found a point';
};
const message = (last: string) =>
  `init: no point with a finite log density and gradient in 3 tries of uniform(-2, 2) on the unconstrained scale (target of dim 2); last log density ${last}. Check the model's support, or pass init points`;

test('jitterInit: the error reports the last log density as the target returned it (NaN, not -Infinity)', (t) => {
  t.equal(errorOf({ dim: 2, logDensityAndGrad: () => NaN }), message('NaN'), 'an all-NaN target');
  t.equal(errorOf({ dim: 2, logDensityAndGrad: () => -Infinity }), message('-Infinity'), 'a target with no support');
  t.equal(errorOf({ dim: 2, logDensityAndGrad: () => Infinity }), message('Infinity'), '+Infinity is a failure too');
  const nanGrad: LogDensity = { dim: 2, logDensityAndGrad: (_x, g) => ((g[0] = NaN), -1) };
  t.equal(errorOf(nanGrad), message('-1 with a non-finite gradient'), 'a finite density with a NaN gradient');
  t.end();
});
