/**
 * The playground page: controls → runPlayground (fit.ts) with chains in Web Workers; live
 * decision surfaces, progress, divergences and accuracy from the draws as they arrive
 * (draw_store.ts, surfaces.ts); Stop / Continue through a RunControl; CmdStan CSV downloads.
 *
 * For the end-to-end test the page keeps a JSON summary of its state in `#result`, and
 * `?failAfter=N` makes worker-built models throw after N gradient evaluations.
 */
import { DEFAULT_SETTINGS, LIMITS, MODELS, SettingsError, accuracyRows, checkSettings, groupAccuracy, playgroundData, runPlayground, type GroupAccuracy, type PlaygroundSettings, type Stage } from './fit.js';
import { StageDraws } from './draw_store.js';
import { gridPoints, paintEmpty, paintSurfaces } from './surfaces.js';
import { RunControl } from '../../../samplers/run/run_control.js';
import { cmdStanCsvTexts } from '../../../samplers/io/cmdstan_csv.js';
import { traceLayout } from '../../../samplers/run/chain_runner.js';
import { predict } from '../../../models/bnn/predict.js';
import { prepareGpu } from '../../../core/kernels/gpu_kernels.js';
import type { ResolvedBackend } from '../../../core/kernels/backend.js';
import type { StudyData } from '../../../models/data/study_data.js';
import type { ChainProgress } from '../../../samplers/run/progress_events.js';
import type { Trace } from '../../../samplers/trace/trace.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** At most this many draws (evenly thinned) feed each live surface. */
const SURFACE_DRAWS = 40;
/** Live plots and the table refresh at most this often (ms). */
const REFRESH_MS = 500;
const GRID = gridPoints();
const TARGETS_MODULE = new URL('./targets.js', import.meta.url).href;

type RunState = 'idle' | 'running' | 'paused' | 'done' | 'stopped' | 'error';

interface Run {
  settings: PlaygroundSettings;
  data: StudyData;
  control: RunControl;
  abort: AbortController;
  stages: { stage: Stage; draws: StageDraws }[];
  current?: { stage: Stage; draws: StageDraws };
  total: number;
  /** Final accuracy of finished stages' groups; live values for the running stage's. */
  accuracy: GroupAccuracy[];
  chains: Map<number, ChainProgress>;
  started: number;
  firstDrawMs?: number;
  state: RunState;
  error?: string;
  /** Chains that failed while others went on. */
  warnings: string[];
  checksum?: unknown;
  dirty: boolean;
}

let run: Run | undefined;
let surfaceBackend: ResolvedBackend = 'js';
let backendNote = '';

// ---------------------------------------------------------------- controls

const FIELDS = [...Object.keys(LIMITS), 'model'] as (keyof PlaygroundSettings)[];

function readControls(): Partial<Record<keyof PlaygroundSettings, unknown>> {
  return Object.fromEntries(FIELDS.map((f) => [f, ($(f) as HTMLInputElement | HTMLSelectElement).value]));
}

function showSettingsError(e: SettingsError | null): void {
  for (const f of FIELDS) $(f).removeAttribute('aria-invalid');
  const box = $('settings-error');
  if (!e) {
    box.hidden = true;
    return;
  }
  $(e.field).setAttribute('aria-invalid', 'true');
  box.textContent = `Not started: ${e.message}.`;
  box.hidden = false;
}

function setControlsEnabled(enabled: boolean): void {
  for (const f of FIELDS) ($(f) as HTMLInputElement).disabled = !enabled;
  ($('run') as HTMLButtonElement).disabled = !enabled;
}

function initControls(): void {
  for (const [key, lim] of Object.entries(LIMITS)) {
    const input = $(key) as HTMLInputElement;
    input.min = String(lim.min);
    input.max = String(lim.max);
    input.step = lim.integer ? '1' : 'any';
    input.value = String(DEFAULT_SETTINGS[key as keyof typeof LIMITS]);
    $(`${key}-range`).textContent = `${lim.min}–${lim.max}`;
  }
  const model = $('model') as HTMLSelectElement;
  for (const m of MODELS) model.add(new Option(m === 'informative' ? 'informative prior' : m, m));
  model.value = DEFAULT_SETTINGS.model;
  $('run').addEventListener('click', () => void start());
  $('pause').addEventListener('click', () => setPaused(true));
  $('resume').addEventListener('click', () => setPaused(false));
  $('abort').addEventListener('click', () => run?.abort.abort());
  $('download').addEventListener('click', download);
}

// ---------------------------------------------------------------- a run

async function start(): Promise<void> {
  let settings: PlaygroundSettings;
  try {
    settings = checkSettings(readControls());
  } catch (e) {
    if (e instanceof SettingsError) return showSettingsError(e);
    throw e;
  }
  showSettingsError(null);
  const data = playgroundData(settings);
  run = { settings, data, control: new RunControl(), abort: new AbortController(), stages: [], total: 0, accuracy: [], chains: new Map(), started: performance.now(), state: 'running', warnings: [], dirty: true };
  const r = run;
  setControlsEnabled(false);
  setRunButtons(r);
  $('error').hidden = true;
  buildGroupCards(data);
  render();
  const failAfter = new URLSearchParams(location.search).get('failAfter');
  try {
    const result = await runPlayground(settings, {
      targetsModule: TARGETS_MODULE,
      signal: r.abort.signal,
      control: r.control,
      ...(failAfter ? { failAfterGradients: Number(failAfter) } : {}),
      onStage(stage, total) {
        const { params, width } = traceLayout(stage.model);
        const draws = new StageDraws(stage.label, params, width);
        r.current = { stage, draws };
        r.stages.push(r.current);
        r.total = total;
        r.chains.clear();
        r.dirty = true;
        refreshDownloads();
      },
      onProgress(stage, p) {
        const entry = r.stages[r.stages.length - 1];
        entry.draws.add(p);
        r.chains.set(p.chain, p);
        if (r.firstDrawMs === undefined && p.newDraws.stats.lp.length > 0) r.firstDrawMs = performance.now() - r.started;
        r.dirty = true;
      },
      onStageDone(stage, trace) {
        const failed = (trace.meta.failedChains ?? []) as { chain: number; error: string }[];
        for (const f of failed) r.warnings.push(`${stage.label}: chain ${f.chain + 1} failed (${f.error}); the other chains went on`);
        // The stage's final accuracy, from the Trace sample() returned (all chains, all draws).
        if (!(r.settings.model === 'informative' && stage.kind === 'hierarchical')) {
          for (const { group, predictAs } of stage.groups) r.accuracy[group] = groupAccuracy(stage, trace, r.data, group, predictAs);
        }
        drawStage(stage, trace);
        r.dirty = true;
      },
    });
    r.accuracy = result.accuracy;
    r.checksum = result.checksum;
    r.state = 'done';
  } catch (e) {
    r.state = r.abort.signal.aborted ? 'stopped' : 'error';
    r.error = e instanceof Error ? e.message : String(e);
  } finally {
    setControlsEnabled(true);
    setRunButtons(r);
    r.dirty = true;
    refreshDownloads();
    render();
  }
}

/** Stop (pause) or Continue the running fit. */
function setPaused(paused: boolean): void {
  if (!run || (run.state !== 'running' && run.state !== 'paused')) return;
  if (paused) run.control.pause();
  else run.control.resume();
  run.state = paused ? 'paused' : 'running';
  setRunButtons(run);
  run.dirty = true;
  refreshDownloads();
  render();
}

/** Stop while running, Continue while stopped, End run while either. */
function setRunButtons(r: Run): void {
  const live = r.state === 'running' || r.state === 'paused';
  ($('pause') as HTMLButtonElement).disabled = r.state !== 'running';
  ($('resume') as HTMLButtonElement).disabled = r.state !== 'paused';
  ($('abort') as HTMLButtonElement).disabled = !live;
}

// ---------------------------------------------------------------- live plots and tables

function buildGroupCards(data: StudyData): void {
  const box = $('groups-view');
  box.replaceChildren();
  data.Xs_train.forEach((X, g) => {
    const card = document.createElement('figure');
    card.className = 'group';
    card.innerHTML = `<figcaption>group ${g + 1}</figcaption><canvas width="150" height="150" data-kind="mean" data-group="${g}"></canvas><canvas width="150" height="150" data-kind="sd" data-group="${g}"></canvas>`;
    box.append(card);
    const points = { X, y: data.Ys_train[g] };
    card.querySelectorAll('canvas').forEach((c) => paintEmpty(c, points));
  });
}

function canvasesOf(g: number): [HTMLCanvasElement, HTMLCanvasElement] {
  return [document.querySelector(`canvas[data-kind="mean"][data-group="${g}"]`)!, document.querySelector(`canvas[data-kind="sd"][data-group="${g}"]`)!];
}

function drawStage(stage: Stage, trace: Trace): void {
  if (!run) return;
  const total = trace.chains * trace.draws;
  const step = Math.max(1, Math.ceil(total / SURFACE_DRAWS));
  const thinned = step > 1 ? trace.thin(step) : trace;
  for (const { group, predictAs } of stage.groups) {
    const opts = predictAs === undefined ? {} : { group: predictAs };
    let prediction;
    try {
      prediction = predict(stage.model, thinned, GRID, { ...opts, backend: surfaceBackend });
    } catch (e) {
      // A GPU that fails mid-run: say so and go on with the Float64 path.
      surfaceBackend = 'js';
      backendNote = `gpu.js failed (${(e as Error).message}); surfaces now on the Float64 JavaScript path`;
      prediction = predict(stage.model, thinned, GRID, { ...opts, backend: 'js' });
    }
    const [mean, sd] = canvasesOf(group);
    paintSurfaces(mean, sd, prediction, { X: run.data.Xs_train[group], y: run.data.Ys_train[group] });
  }
}

/** Live pass over the running stage: surfaces and accuracy from the draws received so far. */
function refreshLive(): void {
  const cur = run?.current;
  if (!run || !cur || run.state === 'done') return;
  const trace = cur.draws.trace();
  if (!trace) return;
  drawStage(cur.stage, trace);
  if (!(run.settings.model === 'informative' && cur.stage.kind === 'hierarchical')) {
    for (const { group, predictAs } of cur.stage.groups) run.accuracy[group] = groupAccuracy(cur.stage, trace, run.data, group, predictAs);
  }
}

function render(): void {
  const r = run;
  $('backend').textContent = backendNote;
  if (!r) return;
  const elapsed = (performance.now() - r.started) / 1000;
  const stage = r.current ? `stage ${r.current.stage.index + 1} of ${r.total}: ${r.current.stage.label}` : 'starting…';
  const divergences = r.stages.reduce((s, st) => s + st.draws.divergences, 0);
  const status: Record<RunState, string> = { idle: '', running: 'running', paused: 'stopped — press Continue to go on', done: 'done', stopped: 'ended early', error: 'failed' };
  $('status').textContent = `${status[r.state]} · ${stage} · ${elapsed.toFixed(1)} s · ${divergences} divergences${r.firstDrawMs !== undefined ? ` · first draw after ${(r.firstDrawMs / 1000).toFixed(2)} s` : ''}`;
  const bars = $('chain-progress');
  bars.replaceChildren(
    ...[...r.chains.values()]
      .sort((a, b) => a.chain - b.chain)
      .map((p) => {
        const row = document.createElement('div');
        row.className = 'chain';
        const total = p.tune + p.draws;
        const phase = p.iteration < p.tune ? 'warmup' : p.iteration < total ? 'sampling' : 'finished';
        row.innerHTML = `<span>chain ${p.chain + 1}</span><progress max="${total}" value="${p.iteration}"></progress><span>${p.iteration}/${total} ${phase}, ${p.divergences} divergent</span>`;
        return row;
      }),
  );
  const problems = [...r.warnings];
  if (r.state === 'error' || r.state === 'stopped') {
    problems.push(`${r.state === 'error' ? 'The run failed' : 'The run was ended early'}: ${r.error}. The draws made so far can still be downloaded below.`);
  }
  if (problems.length > 0) {
    $('error').textContent = problems.join(' ');
    $('error').hidden = false;
  }
  renderTable(r);
  $('result').textContent = JSON.stringify({
    state: r.state,
    settings: r.settings,
    accuracy: r.accuracy.length === r.settings.groups && r.accuracy.every(Boolean) ? accuracyRows(r.accuracy) : null,
    checksum: r.checksum ?? null,
    draws: r.stages.reduce((s, st) => s + st.draws.count, 0),
    iterations: [...r.chains.values()].reduce((s, p) => s + p.iteration, 0),
    divergences,
    firstDrawMs: r.firstDrawMs ?? null,
    seconds: elapsed,
    surfaceBackend,
    error: r.error ?? null,
    warnings: r.warnings,
  });
}

function renderTable(r: Run): void {
  const body = $('accuracy').querySelector('tbody')!;
  const known = r.accuracy.filter(Boolean);
  const rows = known.length > 0 ? accuracyRows(known) : [];
  const live = new Set(r.state === 'done' ? [] : (r.current?.stage.groups.map((g) => g.group + 1) ?? []));
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      if (cells[0] === 'all') tr.className = 'total';
      if (live.has(Number(cells[0]))) tr.className = 'live';
      for (const c of cells) tr.insertCell().textContent = c;
      return tr;
    }),
  );
  $('accuracy-note').textContent = r.state === 'done' ? 'Final: posterior-mean predictions from every draw.' : 'Live rows (italic) use the draws made so far.';
}

// ---------------------------------------------------------------- downloads

function refreshDownloads(): void {
  const select = $('stage-select') as HTMLSelectElement;
  const keep = select.value;
  select.replaceChildren(...(run?.stages ?? []).map((s, i) => new Option(s.stage.label, String(i))));
  if (keep && Number(keep) < select.options.length) select.value = keep;
  else if (select.options.length > 0) select.value = String(select.options.length - 1);
  ($('download') as HTMLButtonElement).disabled = select.options.length === 0;
}

function download(): void {
  const entry = run?.stages[Number(($('stage-select') as HTMLSelectElement).value)];
  const note = $('download-note');
  const settings = run?.settings;
  const trace = entry?.draws.trace({ sampler: 'nuts', seed: settings?.seed, tune: settings?.tune, ...(settings ? { samplerOptions: { maxTreeDepth: settings.maxTreeDepth } } : {}) });
  if (!entry || !trace) {
    note.textContent = 'No post-warmup draws in that stage yet.';
    return;
  }
  const texts = cmdStanCsvTexts(trace, { model: `playground_${entry.stage.kind}` });
  const name = entry.stage.label.replace(/[^a-z0-9]+/gi, '_').replace(/_+$/, '');
  texts.forEach((text, c) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `${name}_chain${c + 1}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  note.textContent = `${texts.length} file(s), ${trace.draws} draws per chain.`;
}

// ---------------------------------------------------------------- start-up

/** The WebGL renderer's name, to say whether "WebGL" is a GPU or a software rasteriser. */
function glRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return 'unknown renderer';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function detectBackend(): Promise<void> {
  const gpu = await prepareGpu();
  if (gpu.ok && (gpu.mode === 'webgl2' || gpu.mode === 'webgl')) {
    surfaceBackend = 'gpu';
    const renderer = glRenderer();
    const software = /swiftshader|llvmpipe|software/i.test(renderer);
    backendNote = `Surfaces: gpu.js ${gpu.mode} (float32) on ${renderer}${software ? ', a software rasteriser, not a GPU' : ''}. Sampling and accuracy: Float64 JavaScript in Web Workers.`;
  } else {
    surfaceBackend = 'js';
    backendNote = `Surfaces: Float64 JavaScript (no WebGL2/WebGL for gpu.js here: ${gpu.reason}). Sampling and accuracy: Float64 JavaScript in Web Workers.`;
  }
}

function loop(): void {
  if (run?.dirty && (run.state === 'running' || run.state === 'paused')) {
    run.dirty = false;
    refreshLive();
    render();
  } else if (run?.state === 'running') render();
  setTimeout(loop, REFRESH_MS);
}

initControls();
await detectBackend();
render();
document.body.dataset.ready = 'true';
loop();
