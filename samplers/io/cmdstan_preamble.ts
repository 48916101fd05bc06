/**
 * The `#` comment lines CmdStan writes before the header row (the run's configuration), written
 * from a TraceMeta and read back into one: what ran (`algorithm`/`engine` name the sampler), how
 * many draws, the metric kind, the seed. rstan's `read_stan_csv` parses these lines.
 */
import { cmdStanMetric, type MetricKindName, type TraceMeta } from '../trace/trace_meta.js';
import { ADAPT_NAMES, type AdaptName } from '../adaptation/warmup_adapter.js';

/** The facts of one chain's file that its Trace meta does not hold. */
export interface ChainPreamble {
  /** 1-based chain id (`# id = …`). */
  id: number;
  numSamples: number;
  numWarmup: number;
  saveWarmup: boolean;
  /** Omitted when the chains carry no inverse metric (ADVI draws, say). */
  metric?: MetricKindName;
}

/** A name on one comment line (a line break in a user's sampler or model name would end the comment). */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** CmdStan's algorithm block: HMC with engine nuts or static, else the sampler's own name as the algorithm. */
function algorithmLines(meta: TraceMeta, metric: MetricKindName | undefined): string[] {
  const sampler = oneLine(meta.sampler ?? 'nuts'); // unknown: CmdStan's default
  const opts = meta.samplerOptions ?? {};
  const metricLine = metric ? [`#         metric = ${cmdStanMetric(metric)}`] : [];
  const jitter = typeof opts.stepSizeJitter === 'number' ? [`#         stepsize_jitter = ${opts.stepSizeJitter}`] : [];
  if (sampler === 'nuts') {
    const depth = typeof opts.maxTreeDepth === 'number' ? [`#             max_depth = ${opts.maxTreeDepth}`] : [];
    return ['#     algorithm = hmc (Default)', '#       hmc', '#         engine = nuts (Default)', '#           nuts', ...depth, ...metricLine, ...jitter];
  }
  if (sampler === 'hmc') {
    // Static HMC with a fixed number of steps has no int_time; CmdStan's default is 2π.
    const time = typeof opts.integrationTime === 'number' && typeof opts.numIntegrationSteps !== 'number' ? [`#             int_time = ${opts.integrationTime}`] : [];
    const steps = typeof opts.numIntegrationSteps === 'number' ? [`#             num_steps = ${opts.numIntegrationSteps}`] : [];
    return ['#     algorithm = hmc (Default)', '#       hmc', '#         engine = static', '#           static', ...time, ...steps, ...metricLine, ...jitter];
  }
  return [`#     algorithm = ${sampler}`, `#       ${sampler}`, ...metricLine, ...jitter];
}

export function preambleLines(meta: TraceMeta, model: string, chain: ChainPreamble): string[] {
  // hbnn_adapt: which warmup ran ('stan', 'fisher', 'fisher-low-rank'); not a CmdStan setting, read back into meta.adapt.
  const scheme = meta.adapt !== undefined ? [`#       hbnn_adapt = ${oneLine(meta.adapt)}`] : [];
  const adapt = chain.numWarmup > 0 ? ['#     adapt', '#       engaged = 1', ...(meta.targetAccept !== undefined ? [`#       delta = ${meta.targetAccept}`] : []), ...scheme] : [];
  return [
    `# model = ${oneLine(model)}`,
    '# method = sample (Default)',
    '#   sample',
    `#     num_samples = ${chain.numSamples}`,
    `#     num_warmup = ${chain.numWarmup}`,
    `#     save_warmup = ${chain.saveWarmup ? 1 : 0}`,
    '#     thin = 1 (Default)',
    ...adapt,
    ...algorithmLines(meta, chain.metric),
    `# id = ${chain.id}`,
    ...(meta.seed !== undefined ? ['# random', `#   seed = ${meta.seed}`] : []),
    `# generator = hbnn${meta.sampler !== undefined ? ` (${oneLine(meta.sampler)})` : ''}`,
  ];
}

/** rstan's `sample_file` names for CmdStan's settings. */
const RSTAN_KEYS: Record<string, string> = { warmup: 'num_warmup', adapt_delta: 'delta', max_treedepth: 'max_depth', chain_id: 'id', adapt_engaged: 'engaged' };

/**
 * rstan's `key=value` line (no spaces around `=`) as CmdStan's settings: its names mapped,
 * `sampler_t=NUTS(diag_e)` as engine and metric.
 */
function rstanSetting(key: string, value: string): [string, string][] {
  const sampler = key === 'sampler_t' ? /^(NUTS|HMC)\((\w+)\)$/.exec(value) : null;
  if (sampler) return [['algorithm', 'hmc'], ['engine', sampler[1] === 'NUTS' ? 'nuts' : 'static'], ['metric', sampler[2]]];
  return [[RSTAN_KEYS[key] ?? key, value]];
}

/**
 * The configuration lines' `key = value` pairs (CmdStan's `(Default)` marks dropped), first one
 * wins; rstan's `key=value` lines too, under CmdStan's names (num_samples from iter − warmup).
 */
export function preambleSettings(commentLines: readonly string[]): Map<string, string> {
  const settings = new Map<string, string>();
  const set = (k: string, v: string) => !settings.has(k) && settings.set(k, v);
  for (const line of commentLines) {
    const m = line.match(/^#\s*([A-Za-z_]+) = ([^(]*)/);
    if (m) set(m[1], m[2].trim());
    const r = m ? null : line.match(/^#\s*([A-Za-z_]+)=(\S*)\s*$/);
    if (r) for (const [k, v] of rstanSetting(r[1], r[2])) set(k, v);
  }
  const iter = Number(settings.get('iter'));
  const warmup = Number(settings.get('num_warmup'));
  if (!settings.has('num_samples') && Number.isInteger(iter) && Number.isInteger(warmup)) set('num_samples', String(iter - warmup));
  return settings;
}

/** What the preamble says about the run, as TraceMeta fields. */
export function metaFromSettings(s: Map<string, string>): TraceMeta {
  const num = (key: string) => (s.has(key) && s.get(key) !== '' && Number.isFinite(Number(s.get(key))) ? Number(s.get(key)) : undefined);
  const meta: TraceMeta = {};
  if (s.has('model')) meta.model = s.get('model');
  const generated = s.get('generator')?.match(/^hbnn \((.+)\)$/);
  const engine = s.get('engine');
  const algorithm = s.get('algorithm');
  const sampler = generated?.[1] ?? (algorithm === 'hmc' || algorithm === undefined ? (engine === 'static' ? 'hmc' : engine === 'nuts' ? 'nuts' : undefined) : algorithm);
  if (sampler !== undefined) meta.sampler = sampler;
  const seed = num('seed');
  if (seed !== undefined) meta.seed = seed;
  const draws = num('num_samples');
  if (draws !== undefined) meta.draws = draws;
  const warmup = num('num_warmup');
  meta.tune = warmup ?? 0;
  meta.numWarmup = meta.tune;
  const delta = num('delta');
  if (delta !== undefined) meta.targetAccept = delta;
  const scheme = s.get('hbnn_adapt');
  if (scheme !== undefined && (ADAPT_NAMES as readonly string[]).includes(scheme)) meta.adapt = scheme as AdaptName;
  const metric = s.get('metric');
  if (metric === 'dense_e' || metric === 'diag_e') meta.metric = metric === 'dense_e' ? 'dense' : 'diag';
  const options: Record<string, unknown> = {};
  const opt = (key: string, name: string) => num(key) !== undefined && (options[name] = num(key));
  opt('max_depth', 'maxTreeDepth');
  opt('int_time', 'integrationTime');
  opt('num_steps', 'numIntegrationSteps');
  opt('stepsize_jitter', 'stepSizeJitter');
  if (Object.keys(options).length > 0) meta.samplerOptions = options;
  return meta;
}
