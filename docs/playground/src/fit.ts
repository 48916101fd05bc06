/**
 * The playground's run, with no DOM in it, so Node runs exactly what the page runs: the e2e test
 * compares the accuracy the page shows with this module's result in Node for the same settings.
 *
 * A run is a list of stages, each one `sample()` call: a flat BNN per group; one hierarchical BNN
 * over all groups; or, for the informative prior, the hierarchical BNN first and then a flat BNN
 * per group with the MvNormal prior taken from its posterior (as `hbnn reproduce` does, with the
 * same seeds per stage).
 */
import { rotatedMoons } from '../../../models/data/moons.js';
import type { StudyData } from '../../../models/data/study_data.js';
import type { BnnModel } from '../../../models/bnn/network.js';
import { groupPrior, type LayerPrior } from '../../../models/bnn/group_prior.js';
import { predict } from '../../../models/bnn/predict.js';
import { STUDY_FACTORIES } from '../../../models/bnn/study_targets.js';
import { nuts } from '../../../samplers/mcmc/nuts.js';
import { sample, type SampleOptions } from '../../../samplers/run/sample.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';
import type { RunControl } from '../../../samplers/run/run_control.js';
import type { Trace } from '../../../samplers/trace/trace.js';

export type PlaygroundModel = 'flat' | 'hierarchical' | 'informative';
export const MODELS: readonly PlaygroundModel[] = ['flat', 'hierarchical', 'informative'];

export interface PlaygroundSettings {
  /** Categories of rotated moons (the post has 18). */
  groups: number;
  /** Training points per group; as many test points are drawn. */
  points: number;
  /** sd of the Gaussian noise added to the moons (the post: 0.3). */
  noise: number;
  seed: number;
  model: PlaygroundModel;
  chains: number;
  tune: number;
  draws: number;
  maxTreeDepth: number;
}

export const DEFAULT_SETTINGS: PlaygroundSettings = { groups: 6, points: 50, noise: 0.3, seed: 0, model: 'hierarchical', chains: 2, tune: 200, draws: 200, maxTreeDepth: 6 };

type NumericSetting = Exclude<keyof PlaygroundSettings, 'model'>;

/** Allowed range of each numeric control; the page and `checkSettings` refuse anything outside. */
export const LIMITS: Record<NumericSetting, { min: number; max: number; integer: boolean; label: string }> = {
  groups: { min: 1, max: 18, integer: true, label: 'groups' },
  points: { min: 5, max: 200, integer: true, label: 'points per group' },
  noise: { min: 0, max: 1, integer: false, label: 'noise' },
  seed: { min: 0, max: 2 ** 31 - 1, integer: true, label: 'seed' },
  chains: { min: 1, max: 8, integer: true, label: 'chains' },
  tune: { min: 20, max: 5000, integer: true, label: 'warmup iterations' },
  draws: { min: 10, max: 5000, integer: true, label: 'draws' },
  maxTreeDepth: { min: 1, max: 12, integer: true, label: 'max tree depth' },
};

/** A refused control: which one and why, for the page to show next to it. */
export class SettingsError extends Error {
  constructor(
    readonly field: keyof PlaygroundSettings,
    message: string,
  ) {
    super(message);
  }
}

/** Settings from raw control values (strings from a form, or numbers), each checked against LIMITS. */
export function checkSettings(raw: Partial<Record<keyof PlaygroundSettings, unknown>>): PlaygroundSettings {
  const out = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(LIMITS) as NumericSetting[]) {
    const value = raw[key];
    if (value === undefined) continue;
    const { min, max, integer, label } = LIMITS[key];
    const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(v)) throw new SettingsError(key, `${label} must be a number, got ${JSON.stringify(value)}`);
    if (integer && !Number.isInteger(v)) throw new SettingsError(key, `${label} must be a whole number, got ${v}`);
    if (v < min || v > max) throw new SettingsError(key, `${label} must be between ${min} and ${max}, got ${v}`);
    out[key] = v;
  }
  if (raw.model !== undefined) {
    if (!MODELS.includes(raw.model as PlaygroundModel)) throw new SettingsError('model', `model must be one of ${MODELS.join(', ')}, got ${JSON.stringify(raw.model)}`);
    out.model = raw.model as PlaygroundModel;
  }
  return out;
}

/** The data of a run: `points` training and `points` test points per group. */
export function playgroundData(s: PlaygroundSettings): StudyData {
  return rotatedMoons({ groups: s.groups, nSamples: 2 * s.points, noise: s.noise, seed: s.seed, trainFraction: 0.5 });
}

export interface Stage {
  index: number;
  kind: PlaygroundModel;
  label: string;
  model: BnnModel;
  /** The groups this stage's draws predict, and the `group` option predict() needs for each. */
  groups: { group: number; predictAs?: number }[];
}

export interface GroupAccuracy {
  group: number;
  trainCorrect: number;
  nTrain: number;
  testCorrect: number;
  nTest: number;
}

export interface PlaygroundResult {
  settings: PlaygroundSettings;
  accuracy: GroupAccuracy[];
  divergences: number;
  /** Sums of every stage's lp__ and parameter values, in draw order: equal runs give equal sums. */
  checksum: { lp: number; values: number; draws: number };
  traces: Trace[];
  seconds: number;
}

export interface RunHooks {
  /** URL of a module exporting the study_targets factories: chains then run in workers. */
  targetsModule?: string;
  signal?: AbortSignal;
  control?: RunControl;
  onStage?(stage: Stage, total: number): void;
  onProgress?(stage: Stage, progress: ChainProgress): void;
  onStageDone?(stage: Stage, trace: Trace): void;
  /**
   * Fault injection for the page's end-to-end test: worker-built models throw after this many
   * gradient evaluations (targets.ts's `buildFailing`), so a worker error can be provoked.
   */
  failAfterGradients?: number;
}

/** Target accept and initialisation of the hierarchical model, as in `hbnn reproduce`. */
const HIERARCHICAL_TARGET_ACCEPT = 0.9;
const REALIZATIONS_PER_DRAW = 20;

/** Correct class-1 calls of the posterior-mean probability, on the Float64 path (never float32). */
export function correctCalls(model: BnnModel, trace: Trace, X: number[][], y: readonly number[], group?: number): number {
  const { mean } = predict(model, trace, X, { backend: 'js', ...(group === undefined ? {} : { group }) });
  let correct = 0;
  for (let i = 0; i < y.length; i++) if ((mean[i] > 0.5 ? 1 : 0) === y[i]) correct++;
  return correct;
}

export function groupAccuracy(stage: Stage, trace: Trace, data: StudyData, group: number, predictAs?: number): GroupAccuracy {
  return {
    group,
    trainCorrect: correctCalls(stage.model, trace, data.Xs_train[group], data.Ys_train[group], predictAs),
    nTrain: data.Ys_train[group].length,
    testCorrect: correctCalls(stage.model, trace, data.Xs_test[group], data.Ys_test[group], predictAs),
    nTest: data.Ys_test[group].length,
  };
}

/** "86.67%" */
export function percent(correct: number, n: number): string {
  return `${((100 * correct) / n).toFixed(2)}%`;
}

/** Rows of the accuracy table as the page shows them: group, train, test, then the total. */
export function accuracyRows(accuracy: readonly GroupAccuracy[]): string[][] {
  const rows = accuracy.map((a) => [`${a.group + 1}`, percent(a.trainCorrect, a.nTrain), percent(a.testCorrect, a.nTest)]);
  const sum = (f: (a: GroupAccuracy) => number) => accuracy.reduce((s, a) => s + f(a), 0);
  rows.push(['all', percent(sum((a) => a.trainCorrect), sum((a) => a.nTrain)), percent(sum((a) => a.testCorrect), sum((a) => a.nTest))]);
  return rows;
}

export async function runPlayground(settings: PlaygroundSettings, hooks: RunHooks = {}): Promise<PlaygroundResult> {
  const started = performance.now();
  const data = playgroundData(settings);
  const G = settings.groups;
  const groupArgs = (g: number) => ({ X: data.Xs_train[g], y: data.Ys_train[g] });
  const base: SampleOptions = {
    sampler: nuts({ maxTreeDepth: settings.maxTreeDepth }),
    chains: settings.chains,
    tune: settings.tune,
    draws: settings.draws,
    parallel: hooks.targetsModule !== undefined,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.control ? { control: hooks.control } : {}),
  };
  // A stage's model and worker arguments are built when it starts: the informative model needs
  // the prior, known only once the hierarchical stage is done.
  const stages: { plan: Omit<Stage, 'model'>; args: () => unknown; exportName: string; options: SampleOptions }[] = [];
  const addStage = (kind: PlaygroundModel, label: string, groups: Stage['groups'], exportName: string, args: () => unknown, options: SampleOptions) =>
    stages.push({ plan: { index: stages.length, kind, label, groups }, args, exportName, options: { ...base, ...options } });

  let prior: LayerPrior[] | undefined;
  const perGroup = (kind: 'flat' | 'informative') => {
    for (let g = 0; g < G; g++) {
      const args = () => (kind === 'flat' ? groupArgs(g) : { ...groupArgs(g), prior: prior! });
      addStage(kind, `${kind}, group ${g + 1} of ${G}`, [{ group: g }], kind === 'flat' ? 'buildFlat' : 'buildInformative', args, { seed: settings.seed * 1000 + g });
    }
  };
  if (settings.model === 'flat') perGroup('flat');
  else {
    addStage('hierarchical', `hierarchical, all ${G} groups`, Array.from({ length: G }, (_, g) => ({ group: g, predictAs: g })), 'buildHierarchical', () => ({ study: data }), {
      seed: settings.seed * 1000 + 500,
      targetAccept: HIERARCHICAL_TARGET_ACCEPT,
      init: 'advi+adapt_diag',
    });
    if (settings.model === 'informative') perGroup('informative');
  }

  const accuracy: GroupAccuracy[] = [];
  const traces: Trace[] = [];
  const checksum = { lp: 0, values: 0, draws: 0 };
  let divergences = 0;
  for (const { plan, args, exportName, options } of stages) {
    const stageArgs = args();
    const stage: Stage = { ...plan, model: STUDY_FACTORIES[exportName](stageArgs as never) };
    hooks.onStage?.(stage, stages.length);
    const onProgress = hooks.onProgress;
    const trace = await sample(stage.model, {
      ...options,
      ...(hooks.targetsModule ? { workerTarget: workerTarget(hooks.targetsModule, exportName, stageArgs, hooks.failAfterGradients) } : {}),
      ...(onProgress ? { onProgress: (p: ChainProgress) => onProgress(stage, p) } : {}),
    });
    traces.push(trace);
    hooks.onStageDone?.(stage, trace);
    if (trace.meta.interrupted) throw new Error(`stopped during stage '${stage.label}'`);
    divergences += trace.numDivergences();
    for (const chain of trace.chainDraws) {
      for (const v of chain.stats.lp) checksum.lp += v;
      for (const v of chain.values) checksum.values += v;
      checksum.draws += chain.stats.lp.length;
    }
    if (settings.model === 'informative' && stage.kind === 'hierarchical') {
      prior = groupPrior(trace, { realizationsPerDraw: REALIZATIONS_PER_DRAW, seed: settings.seed });
      continue; // its accuracy is not the informative model's
    }
    for (const { group, predictAs } of stage.groups) accuracy[group] = groupAccuracy(stage, trace, data, group, predictAs);
  }
  return { settings, accuracy, divergences, checksum, traces, seconds: (performance.now() - started) / 1000 };
}

function workerTarget(module: string, exportName: string, args: unknown, failAfterGradients?: number) {
  if (failAfterGradients === undefined) return { module, exportName, args };
  return { module, exportName: 'buildFailing', args: { exportName, args, failAfterGradients } };
}
