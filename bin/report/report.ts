/**
 * The files `hbnn reproduce` leaves behind: `metrics.json` (the schema of DESIGN.md), and
 * `report.md` / `report.html` that put our accuracies beside the post's and Stan's, the sampling
 * diagnostics with what they mean for a neural network, and the figures.
 */
import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { VI_TABLE_TEXT, viTableRows, type ViMetrics } from './vi_table.js';

export const MODEL_NAMES = ['flat', 'hierarchical', 'informative'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
const MODEL_TITLES: Record<ModelName, string> = { flat: 'flat', hierarchical: 'hierarchical', informative: 'informative prior' };

/** One model's results; accuracies are fractions pooled over all groups. */
export interface ModelMetrics {
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
  divergences: number;
  /** Gradient evaluations of the NUTS chains summed over the model's fits, warmup included (not the ADVI init's). */
  numGradEvals?: number;
  /** NaN is allowed (written as null) where a diagnostic is undefined. */
  maxRhat: number;
  minEssBulk: number;
  /** R-hat of the log density (the largest over a model's fits), which the weight symmetries leave identified. */
  lpMaxRhat?: number;
  /** Smallest bulk-ESS of the log density over a model's fits. */
  lpMinEssBulk?: number;
  /** Draws that hit the maximum tree depth, summed over a model's fits. */
  treeDepthHits?: number;
  /** Smallest E-BFMI over chains and fits. */
  minEbfmi?: number;
  /** Largest R-hat and smallest bulk-ESS of the training points' predicted probabilities. */
  predictionMaxRhat?: number;
  predictionMinEssBulk?: number;
}

/** The content of metrics.json: each model's metrics under its name, the run's settings and its data. */
export type StudyMetrics = Record<ModelName, ModelMetrics> & {
  settings: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Only with `hbnn reproduce --method advi|fullrank|pathfinder`: the VI fits of the same models. */
  vi?: ViMetrics;
};

/** Reference accuracies as fractions. */
export type ReferenceTable = Record<ModelName, { train: number; test: number }>;

/** The post's table (Wiecki 2018). */
export const POST_ACCURACY: ReferenceTable = {
  flat: { train: 0.8678, test: 0.8378 },
  hierarchical: { train: 0.9111, test: 0.8978 },
  informative: { train: 0.9156, test: 0.8711 },
};

/** Stan 2.21 (NUTS, 1000 warmup + 1000 draws, target accept 0.9) on the post's exact data. */
export const STAN_ACCURACY: ReferenceTable = {
  flat: { train: 0.8667, test: 0.8333 },
  hierarchical: { train: 0.9122, test: 0.8989 },
  informative: { train: 0.9144, test: 0.8667 },
};

export interface ReportFigure {
  /** Path relative to the report's directory. */
  file: string;
  caption: string;
}

/** A summary table: pre-formatted text, or rows of cells with the header first. */
export interface ReportSummary {
  title: string;
  rows: string | string[][];
}

export interface ReportInput {
  metrics: StudyMetrics;
  postTable?: ReferenceTable;
  stanTable?: ReferenceTable;
  figures: ReportFigure[];
  /** Sampler and diagnostic warnings, shown as they are. */
  diagnosticsText: string[];
  summaries?: ReportSummary[];
  notes: string[];
  title?: string;
}

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir loops forever under some paths (e.g.
 * `/proc/x`, where creating fails with ENOENT although the parent exists), while a plain mkdir of
 * each missing level fails at once with the reason.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let p = resolve(dir); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  if (missing.length === 0 && !statSync(dir).isDirectory()) mkdirSync(dir); // throws EEXIST, naming it
  for (const level of missing.reverse()) mkdirSync(level);
}

/**
 * Create `dir` (with parents) and check that a file can be written there; fails naming the
 * path. Call it before sampling, so a bad `--out` is found in seconds, not after an hour.
 */
export function checkWritableDir(dir: string): void {
  try {
    makeDirectories(dir);
  } catch (err) {
    throw new Error(`output directory '${dir}' cannot be created: ${(err as Error).message}`);
  }
  const probe = join(dir, `.hbnn-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new Error(`output directory '${dir}' is not writable: ${(err as Error).message}`);
  }
}

/** Check metrics against the schema of DESIGN.md; errors name the field and the value. */
export function validateMetrics(metrics: StudyMetrics): void {
  for (const name of MODEL_NAMES) {
    const m = metrics[name] as ModelMetrics | undefined;
    if (m === undefined || m === null || typeof m !== 'object') throw new Error(`metrics.${name} is missing`);
    for (const key of ['trainAccuracy', 'testAccuracy'] as const) {
      if (!(typeof m[key] === 'number' && m[key] >= 0 && m[key] <= 1)) {
        throw new Error(`metrics.${name}.${key} is ${m[key]}, expected a fraction in [0, 1]`);
      }
    }
    if (!(typeof m.seconds === 'number' && Number.isFinite(m.seconds) && m.seconds >= 0)) {
      throw new Error(`metrics.${name}.seconds is ${m.seconds}, expected a finite number >= 0`);
    }
    if (!(Number.isInteger(m.divergences) && m.divergences >= 0)) {
      throw new Error(`metrics.${name}.divergences is ${m.divergences}, expected an integer >= 0`);
    }
    for (const key of ['maxRhat', 'minEssBulk'] as const) {
      if (typeof m[key] !== 'number') throw new Error(`metrics.${name}.${key} is ${m[key]}, expected a number`);
    }
  }
  for (const key of ['settings', 'data'] as const) {
    const v = metrics[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`metrics.${key} is ${JSON.stringify(v)}, expected an object`);
  }
}

/** Write `dir/metrics.json` (NaN diagnostics become null) and return its path. */
export function writeMetrics(dir: string, metrics: StudyMetrics): string {
  validateMetrics(metrics);
  const path = join(dir, 'metrics.json');
  writeFileSync(path, JSON.stringify(metrics, null, 2) + '\n');
  return path;
}

/** The first line of a `--quick` run's report and console output. */
export const QUICK_BANNER =
  'Smoke test (--quick): short chains and NUTS trees of depth at most 6, NOT converged. It checks that ' +
  'the pipeline runs; do not read its numbers as a reproduction (run without --quick for that).';

const SYMMETRY_TEXT =
  'Single network weights are not identified. Flipping the signs of a hidden unit\'s incoming and ' +
  'outgoing weights (tanh is odd) or permuting the hidden units of a layer leaves the network\'s ' +
  'output unchanged, so the posterior has many equivalent modes and chains settle in different ones. ' +
  'The R-hat of single weights therefore stays high and their effective sample size low even for ' +
  'Stan: on the post\'s data Stan 2.21 gives a minimum bulk-ESS of 2 among 763 parameters and an ' +
  'R-hat of 1.8 over two chains. We judge convergence on the log density and on the predictions ' +
  '(class probabilities), which the symmetries leave unchanged, and show the weight diagnostics ' +
  'in the table above as they are rather than hiding them. The hierarchical posterior is also a funnel: in ' +
  'Stan\'s fit the group sds are tiny for the first two layers (about 0.02 and 0.03) and large for ' +
  'the output layer (about 3.7), which is what the non-centred form and target accept 0.9 are for.';

/** Below the accuracy table: what the three rows are, and how far apart they may be. */
function introText(postData: boolean): string {
  const rows = "Accuracies pooled over all groups: this run (hbnn), the post's table (T. Wiecki 2018, PyMC3) and Stan 2.21 on the post's data.";
  return postData
    ? `${rows} This run uses the post's exact data (numpy seed 31), so the rows compare point by point; they differ by the sampler's noise only (one point of 900 is 0.11 percentage points).`
    : `${rows} This run's data are not the post's, so accuracies differ from the post's by the noise of the data as well as of the sampler: with 900 test points the binomial standard error of an accuracy near 88% is about 1.1 percentage points.`;
}

const percent = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : 'n/a');
const fixed = (v: number, digits: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

/** The report's tables as rows of cells, header first; shared by the Markdown and HTML writers. */
function tables(input: ReportInput): { title: string; rows: string[][] }[] {
  const post = input.postTable ?? POST_ACCURACY;
  const stan = input.stanTable ?? STAN_ACCURACY;
  const m = input.metrics;
  // Three rows per model, side by side: this run, the post's table, Stan's on the post's data.
  const accuracy = [
    ['model', 'source', 'train', 'test'],
    ...MODEL_NAMES.flatMap((k) => [
      [MODEL_TITLES[k], 'hbnn (this run)', percent(m[k].trainAccuracy), percent(m[k].testAccuracy)],
      ['', 'the post (PyMC3)', percent(post[k].train), percent(post[k].test)],
      ['', "Stan 2.21 (the post's data)", percent(stan[k].train), percent(stan[k].test)],
    ]),
  ];
  const optional = (v: number | undefined, digits: number) => (v === undefined ? '–' : fixed(v, digits));
  const sampling = [
    ['model', 'seconds', 'divergences', 'tree-depth hits', 'min E-BFMI', 'R-hat lp__', 'bulk-ESS lp__', 'R-hat predictions', 'bulk-ESS predictions', 'R-hat weights', 'bulk-ESS weights'],
    ...MODEL_NAMES.map((k) => [
      MODEL_TITLES[k], fixed(m[k].seconds, 1), String(m[k].divergences), optional(m[k].treeDepthHits, 0), optional(m[k].minEbfmi, 2),
      optional(m[k].lpMaxRhat, 3), optional(m[k].lpMinEssBulk, 0), optional(m[k].predictionMaxRhat, 3), optional(m[k].predictionMinEssBulk, 0),
      fixed(m[k].maxRhat, 3), fixed(m[k].minEssBulk, 0),
    ]),
  ];
  const keyValues = (o: Record<string, unknown>, header: string) => [
    [header, 'value'],
    ...Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  ];
  return [
    { title: 'Accuracy', rows: accuracy },
    { title: 'Diagnostics', rows: sampling },
    { title: 'Settings', rows: keyValues(m.settings, 'setting') },
    { title: 'Data', rows: keyValues(m.data, 'field') },
  ];
}

function checkFigures(dir: string, figures: readonly ReportFigure[]): void {
  figures.forEach((f, i) => {
    if (isAbsolute(f.file) || normalize(f.file).split(sep)[0] === '..') {
      throw new Error(`writeReport: figures[${i}].file '${f.file}' must be a path relative to '${dir}' inside it`);
    }
    if (!existsSync(join(dir, f.file))) throw new Error(`writeReport: figures[${i}].file '${f.file}' does not exist in '${dir}'`);
  });
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [head, head.map(() => '---'), ...body].map((r) => `| ${r.map(mdCell).join(' | ')} |`).join('\n');
}

/** What the report's head says: the smoke-test line of a quick run, the data set, whether it is the post's. */
function headOf(input: ReportInput): { title: string; banner?: string; dataLine: string; postData: boolean } {
  const d = input.metrics.data;
  const postData = d.postData === true;
  return {
    title: input.title ?? 'Hierarchical Bayesian neural networks with informative priors: reproduction',
    banner: input.metrics.settings.quick === true ? QUICK_BANNER : undefined,
    dataLine: dataLine(d),
    postData,
  };
}

/**
 * The report's "Data:" line: the data set's name and its size in one parenthesis, e.g.
 * "Data: Wiecki (2018), the post's data (numpy seed 31; 18 groups, 900 training and 900 test points)."
 * A name that ends in its own parenthesis takes the size inside it rather than a second one after it.
 */
export function dataLine(d: StudyMetrics['data']): string {
  const name = typeof d.name === 'string' ? d.name : typeof d.source === 'string' ? d.source : 'see the Data table';
  if (typeof d.groups !== 'number') return `Data: ${name}.`;
  const size = `${d.groups} groups${typeof d.trainPoints === 'number' ? `, ${d.trainPoints} training and ${d.testPoints} test points` : ''}`;
  return name.endsWith(')') ? `Data: ${name.slice(0, -1)}; ${size}).` : `Data: ${name} (${size}).`;
}

const WARNINGS_SUMMARY = (n: number) => `Sampler warnings of every fit, groups and chains numbered from 1 (${n})`;

function markdown(input: ReportInput): string {
  const [accuracy, sampling, settings, data] = tables(input);
  const head = headOf(input);
  const out: string[] = head.banner ? [`> **${head.banner}**`, ''] : [];
  out.push(`# ${head.title}`, '', head.dataLine, '');
  out.push(`## ${accuracy.title}`, '', mdTable(accuracy.rows), '', introText(head.postData), '');
  const vi = viRows(input);
  if (vi) out.push('## Variational inference', '', mdTable(vi), '', VI_TABLE_TEXT, '');
  out.push('## Figures', '');
  for (const f of input.figures) out.push(`![${f.caption.replace(/[[\]]/g, '')}](${encodeURI(f.file)})`, '', `*${f.caption}*`, '');
  out.push(`## ${sampling.title}`, '', mdTable(sampling.rows), '', SYMMETRY_TEXT, '');
  out.push(
    `<details><summary>${WARNINGS_SUMMARY(input.diagnosticsText.length)}</summary>`, '',
    ...(input.diagnosticsText.length ? input.diagnosticsText.map((d) => `- ${d}`) : ['No warnings.']), '', '</details>', '',
  );
  for (const s of input.summaries ?? []) {
    out.push(`## ${s.title}`, '', typeof s.rows === 'string' ? '```\n' + s.rows + '\n```' : mdTable(s.rows), '');
  }
  out.push(`## ${settings.title}`, '', mdTable(settings.rows), '', `## ${data.title}`, '', mdTable(data.rows), '');
  if (input.notes.length) out.push('## Notes', '', ...input.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function htmlTable(rows: string[][], className?: string): string {
  const [head, ...body] = rows;
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  const cls = className ? ` class="${className}"` : '';
  return `<table${cls}>\n<thead>${tr(head, 'th')}</thead>\n<tbody>\n${body.map((r) => tr(r, 'td')).join('\n')}\n</tbody>\n</table>`;
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1300px;margin:1.2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin:.3em 0}table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}thead{background:#f3f3f3}
table.accuracy th,table.accuracy td{white-space:nowrap}table.accuracy th:nth-child(2),table.accuracy td:nth-child(2){text-align:left}table.accuracy tbody tr:nth-child(3n+1) td{border-top:2px solid #888;font-weight:600}table.vi tbody tr:nth-child(3n+1) td{border-top:1px solid #ccc;font-weight:400}table.vi tbody tr:nth-child(4n+1) td{border-top:2px solid #888;font-weight:600}
.lead{display:flex;gap:2em;align-items:flex-start;flex-wrap:wrap}.lead>div{flex:0 1 580px}.lead>div p{font-size:.9em;color:#444}.lead figure{margin:3.2em 0 0;flex:1 1 480px}
.smoke{background:#fff3cd;border:2px solid #d39e00;padding:.5em .8em;font-weight:600;margin:0 0 .5em}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}figcaption{color:#555;font-style:italic}
details{margin:.8em 0}summary{cursor:pointer;font-weight:600}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto}.warn{color:#8a4b00}`;

const figureHtml = (f: ReportFigure) =>
  `<figure><img src="${escapeHtml(encodeURI(f.file))}" alt="${escapeHtml(f.caption)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;

/**
 * The report in the order a reader needs it: the accuracy table with the first figure beside it
 * (one screen), the other figures, then the compact diagnostics table with the per-fit warnings
 * and the summaries collapsed, then settings, data and notes.
 */
/** The VI table's rows (only with VI results in the metrics). */
function viRows(input: ReportInput): string[][] | undefined {
  return viTableRows(input.metrics.vi, input.metrics, input.postTable ?? POST_ACCURACY, input.stanTable ?? STAN_ACCURACY, MODEL_NAMES, MODEL_TITLES);
}

function viHtml(input: ReportInput): string[] {
  const rows = viRows(input);
  return rows ? ['<h2>Variational inference</h2>', htmlTable(rows, 'accuracy vi'), `<p>${escapeHtml(VI_TABLE_TEXT)}</p>`] : [];
}

function html(input: ReportInput): string {
  const [accuracy, sampling, settings, data] = tables(input);
  const head = headOf(input);
  const title = escapeHtml(head.title);
  const [lead, ...rest] = input.figures;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${title}</title><style>\n${CSS}\n</style></head>`,
    '<body>',
    ...(head.banner ? [`<p class="smoke">${escapeHtml(head.banner)}</p>`] : []),
    `<h1>${title}</h1>`,
    `<p>${escapeHtml(head.dataLine)}</p>`,
    '<div class="lead"><div>',
    `<h2>${accuracy.title}</h2>`,
    htmlTable(accuracy.rows, 'accuracy'),
    `<p>${escapeHtml(introText(head.postData))}</p>`,
    `</div>${lead ? figureHtml(lead) : ''}</div>`,
    ...viHtml(input),
    '<h2>Figures</h2>',
    ...rest.map(figureHtml),
    `<h2>${sampling.title}</h2>`,
    htmlTable(sampling.rows),
    `<p>${escapeHtml(SYMMETRY_TEXT)}</p>`,
    `<details><summary>${escapeHtml(WARNINGS_SUMMARY(input.diagnosticsText.length))}</summary>`,
    input.diagnosticsText.length
      ? `<ul>\n${input.diagnosticsText.map((d) => `<li class="warn">${escapeHtml(d)}</li>`).join('\n')}\n</ul>`
      : '<p>No warnings.</p>',
    '</details>',
  ];
  for (const s of input.summaries ?? []) {
    out.push(`<details><summary>${escapeHtml(s.title)}</summary>`, typeof s.rows === 'string' ? `<pre>${escapeHtml(s.rows)}</pre>` : htmlTable(s.rows), '</details>');
  }
  out.push(`<h2>${settings.title}</h2>`, htmlTable(settings.rows), `<h2>${data.title}</h2>`, htmlTable(data.rows));
  if (input.notes.length) out.push('<h2>Notes</h2>', `<ul>\n${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}\n</ul>`);
  out.push('</body>', '</html>', '');
  return out.join('\n');
}

/**
 * Write `dir/report.md` and `dir/report.html` (self-contained but for the figure PNGs, which it
 * references by relative path and which must already exist in `dir`). Returns both paths.
 */
export function writeReport(dir: string, input: ReportInput): { markdown: string; html: string } {
  validateMetrics(input.metrics);
  checkFigures(dir, input.figures);
  const paths = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html') };
  writeFileSync(paths.markdown, markdown(input));
  writeFileSync(paths.html, html(input));
  return paths;
}
