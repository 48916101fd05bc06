/**
 * The one list of samplers. Built-ins and researchers' own samplers join it by name with a
 * factory from structured-cloneable options; `sample({ sampler: 'name' })` looks names up here,
 * and a worker rebuilds a chain's sampler from its spec here. A worker learns a user's sampler
 * by importing the module named in the registration, which registers it there too.
 */
import type { AnySampler, SamplerSpec } from './types.js';
import { nuts } from './mcmc/nuts.js';
import { hmc } from './mcmc/hmc.js';
import { mala } from './mcmc/mala.js';

/** A registered factory: the sampler it makes carries a `spec` when its options can be cloned. */
export type SamplerFactory<Options extends object = Record<string, unknown>, S extends AnySampler = AnySampler> = (options?: Options) => S & { readonly spec?: SamplerSpec };

export interface SamplerRegistration {
  /**
   * URL of the ES module that calls `registerSampler` (usually `import.meta.url`): workers import
   * it to learn the sampler. Without it the sampler runs only with `parallel: false`.
   */
  module?: string;
}

interface Entry {
  readonly factory: SamplerFactory;
  readonly module?: string;
}

const entries = new Map<string, Entry>();

/**
 * Adds a sampler under `name` (which its samplers must carry as `name`) and returns its factory;
 * `create` receives the options as given (`{}` when none).
 */
export function registerSampler<Options extends object, S extends AnySampler>(
  name: string,
  create: (options: Options) => S,
  registration: SamplerRegistration = {},
): SamplerFactory<Options, S> {
  if (typeof name !== 'string' || name === '') throw new Error(`registerSampler: name must be a non-empty string, got ${String(name)}`);
  if (entries.has(name)) throw new Error(`registerSampler: a sampler named '${name}' is already registered`);
  const { module } = registration;
  if (module !== undefined && typeof module !== 'string') throw new Error(`registerSampler: module must be a URL string (import.meta.url), got ${String(module)}`);
  const factory = (options: Options = {} as Options) => {
    const sampler = create(options);
    if (sampler?.name !== name) throw new Error(`registerSampler: the factory registered as '${name}' made a sampler named '${String(sampler?.name)}'`);
    return withSpec(sampler, { name, options: options as Record<string, unknown>, module });
  };
  entries.set(name, { factory: factory as SamplerFactory, module });
  return factory;
}

/**
 * The sampler with its spec: its own when it names this factory (a built-in records its options
 * with defaults filled in), else one made from the options when they survive structured cloning
 * (a function does not). A spec copied from another sampler is replaced, or left for
 * `workerSpecOf` to refuse: it would rebuild the wrong sampler.
 */
function withSpec<S extends AnySampler>(sampler: S, spec: SamplerSpec): S {
  if (sampler.spec?.name === spec.name) return sampler;
  let options: Record<string, unknown>;
  try {
    options = structuredClone(spec.options);
  } catch {
    return sampler;
  }
  const copy = Object.assign(Object.create(Object.getPrototypeOf(sampler)) as S, sampler);
  return Object.defineProperty(copy, 'spec', { value: { ...spec, options }, enumerable: true });
}

/** The built-in samplers, by the names `sample({ sampler })` accepts. */
export type BuiltInSamplerName = 'nuts' | 'hmc' | 'mala';
const BUILT_IN_SAMPLERS = { nuts, hmc, mala } as const satisfies Record<BuiltInSamplerName, unknown>;
for (const [name, create] of Object.entries(BUILT_IN_SAMPLERS)) registerSampler(name, create as (options: object) => AnySampler);

/** The registered names, built-ins first. */
export function samplerNames(): string[] {
  return [...entries.keys()];
}

export function isSamplerRegistered(name: string): boolean {
  return entries.has(name);
}

/** The factory registered as `name`. */
export function samplerFactory(name: string): SamplerFactory {
  const entry = entries.get(name);
  if (!entry) throw new Error(`unknown sampler '${name}'; registered samplers are ${samplerNames().map((n) => `'${n}'`).join(', ')} (registerSampler adds one)`);
  return entry.factory;
}

/** Rebuilds a sampler from its spec (how samplers cross into workers). */
export function samplerFromSpec(spec: SamplerSpec): AnySampler {
  if (!entries.has(spec.name) && spec.module !== undefined) {
    throw new Error(`unknown sampler '${spec.name}': module '${spec.module}' did not register it`);
  }
  return samplerFactory(spec.name)(spec.options);
}

/**
 * The spec a worker needs to rebuild `sampler`, or an error that says what to do: a spec only
 * counts when it still names this sampler (not a modified copy of a built-in), and a user's
 * sampler needs the module that registers it.
 */
export function workerSpecOf(sampler: AnySampler): SamplerSpec {
  const spec = sampler.spec;
  const howTo = `register its factory with registerSampler('${sampler.name}', create, { module: import.meta.url }) and pass factory(options) or '${sampler.name}', or run with parallel: false`;
  if (!spec || spec.name !== sampler.name) {
    throw new Error(`sample: parallel: true needs a sampler that workers can rebuild, and sampler '${sampler.name}' cannot be rebuilt in a worker: it was not made by a registered factory (or is a modified copy of one), or its options are not structured-cloneable (a custom integrator, say); ${howTo}`);
  }
  const builtIn = Object.hasOwn(BUILT_IN_SAMPLERS, spec.name) && spec.module === undefined;
  const module = spec.module ?? entries.get(spec.name)?.module;
  if (!builtIn && module === undefined) throw new Error(`sample: parallel: true cannot teach workers sampler '${spec.name}': it was registered without a module; ${howTo}`);
  try {
    return structuredClone(module === spec.module ? spec : { ...spec, module });
  } catch (e) {
    throw new Error(`sample: sampler '${spec.name}' has a spec that cannot be sent to a worker (${e instanceof Error ? e.message : String(e)})`);
  }
}
