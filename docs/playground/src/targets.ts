/**
 * The module the playground's chain workers import to rebuild a model from plain data
 * (`workerTarget`): the study's factories, bundled as their own entry, build/targets.js.
 */
import { STUDY_FACTORIES, buildFlat, buildHierarchical, buildInformative } from '../../../models/bnn/study_targets.js';
import type { BnnModel } from '../../../models/bnn/network.js';

export { buildFlat, buildHierarchical, buildInformative };

/**
 * Fault injection for the end-to-end test (`?failAfter=N` on the page): the named model, whose
 * log density throws after N gradient evaluations, as a model bug would inside a worker.
 */
export function buildFailing(args: { exportName: string; args: unknown; failAfterGradients: number }): BnnModel {
  const model = STUDY_FACTORIES[args.exportName](args.args as never);
  let calls = 0;
  const inner = model.logDensityAndGrad.bind(model);
  model.logDensityAndGrad = (x, gradOut) => {
    if (++calls > args.failAfterGradients) throw new Error(`injected failure after ${args.failAfterGradients} gradient evaluations (playground ?failAfter)`);
    return inner(x, gradOut);
  };
  return model;
}
