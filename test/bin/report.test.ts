/**
 * The figures and report files of `hbnn reproduce`: every figure renders to a real PNG (decoded
 * here, not trusted), the surface grid layout, builders' argument errors, report.md/html with
 * every figure, metrics.json, and the output-directory check.
 */
import test from 'tape';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { withTempDir } from '../helpers/temp_dir.js';
import { Rng } from '../../core/rng.js';
import { rotatedMoonsWithAngles } from '../../models/data/moons.js';
import {
  surfaceGrid,
  surfaceGridPoints,
  surfaceCells,
  trainingDataFigure,
  surfaceFigure,
  singleSurfaceFigure,
  traceDensityFigure,
  correlationFigure,
  accuracyFigure,
} from '../../bin/report/figures.js';
import { renderPng, renderSvg } from '../../bin/report/render.js';
import {
  checkWritableDir,
  writeMetrics,
  writeReport,
  dataLine,
  POST_ACCURACY,
  STAN_ACCURACY,
  type StudyMetrics,
} from '../../bin/report/report.js';

/** A minimal PNG reader (8-bit grey/RGB/RGBA, no interlace): enough to check what resvg wrote. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => buf[i] === b)) throw new Error('not a PNG: bad signature');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const length = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error(`unsupported PNG: bit depth ${data[8]}, interlace ${data[12]}`);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]];
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad PNG filter ${filter} in row ${y}`);
      pixels[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function distinctColours(png: { channels: number; pixels: Uint8Array }): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    let key = 0;
    for (let k = 0; k < png.channels; k++) key = key * 256 + png.pixels[i + k];
    seen.add(key);
  }
  return seen.size;
}

/** Share of pixels that are clearly red (r > g + 60, r > b + 60) and clearly blue. */
function redBlueShares(png: { channels: number; pixels: Uint8Array }): { red: number; blue: number } {
  let red = 0;
  let blue = 0;
  const n = png.pixels.length / png.channels;
  for (let i = 0; i < png.pixels.length; i += png.channels) {
    const [r, g, b] = [png.pixels[i], png.pixels[i + 1], png.pixels[i + 2]];
    if (r > g + 60 && r > b + 60) red++;
    if (b > r + 60 && b > g + 20) blue++;
  }
  return { red: red / n, blue: blue / n };
}

/** Synthetic study pieces: real moons data, logistic surfaces and AR(1) chains. */
function fixtures(groupCount: number) {
  const { study, anglesDegrees } = rotatedMoonsWithAngles({ groups: groupCount, seed: 31 });
  const groups = study.Xs_train.map((X, g) => ({ X, y: study.Ys_train[g] }));
  const points = surfaceGridPoints();
  const surfaces = anglesDegrees.map((deg) => {
    const a = (deg * Math.PI) / 180;
    return Float64Array.from({ length: points.length / 2 }, (_, i) => {
      const u = points[2 * i] * Math.cos(a) + points[2 * i + 1] * Math.sin(a);
      return 1 / (1 + Math.exp(-3 * u));
    });
  });
  const rng = Rng.fromSeed(2);
  const chains = (m: number, sd: number) =>
    Array.from({ length: 4 }, () => {
      let x = m;
      return Float64Array.from({ length: 300 }, () => (x = m + 0.8 * (x - m) + 0.6 * sd * rng.normal()));
    });
  return { groups, surfaces, chains };
}

function metricsFixture(): StudyMetrics {
  const m = (a: number) => ({ trainAccuracy: a, testAccuracy: a - 0.03, seconds: 12.5, divergences: 0, maxRhat: 1.01, minEssBulk: 350 });
  return {
    flat: m(0.87),
    hierarchical: { ...m(0.91), maxRhat: 1.83, minEssBulk: 2 },
    informative: m(0.915),
    settings: { chains: 4, draws: 500, tune: 1000, seed: 0, targetAccept: 0.9 },
    data: { groups: 18, trainPerGroup: 50, testPerGroup: 50, source: 'rotatedMoons(seed 0)' },
  };
}

test('surface grid: linspace(-3, 3, 100), row = y index, column = x index', (t) => {
  const grid = surfaceGrid();
  t.equal(grid.length, 100, '100 grid values');
  t.ok(grid[0] === -3 && grid[99] === 3 && Math.abs(grid[1] - (-3 + 6 / 99)) < 1e-15, 'from -3 to 3 in steps of 6/99');
  const p = surfaceGridPoints();
  t.equal(p.length, 2 * 100 * 100, '100² points × 2');
  t.deepEqual([p[0], p[1]], [-3, -3], 'first point (-3, -3)');
  t.deepEqual([p[2], p[3]], [grid[1], -3], 'next point: x advances first');
  t.deepEqual([p[200], p[201]], [-3, grid[1]], 'point 100: next row, y advances');
  t.deepEqual([p[p.length - 2], p[p.length - 1]], [3, 3], 'last point (3, 3)');
  // Cells of the surface f(x, y) = x carry the x of their centre; of f = y, their y.
  const fx = Float64Array.from({ length: 10000 }, (_, i) => p[2 * i]);
  const fy = Float64Array.from({ length: 10000 }, (_, i) => p[2 * i + 1]);
  const cx = surfaceCells(fx);
  const cy = surfaceCells(fy);
  t.equal(cx.length, 50 * 50, 'drawn at 50 × 50 cells');
  const worstX = Math.max(...cx.map((c) => Math.abs(c.value - (c.x + c.xEnd) / 2)));
  const worstY = Math.max(...cy.map((c) => Math.abs(c.value - (c.y + c.yEnd) / 2)));
  t.ok(worstX < 1e-12 && worstY < 1e-12, `block means sit at their cells' centres (worst ${Math.max(worstX, worstY)})`);
  t.ok(Math.abs(cx[0].x + 3 + 3 / 99) < 1e-12 && Math.abs(cx[cx.length - 1].xEnd - 3 - 3 / 99) < 1e-12, 'cells cover [-3, 3] plus half a grid step');
  t.equal(surfaceCells(fx, 100).length, 10000, 'full resolution on request');
  t.throws(() => surfaceCells(new Float64Array(99)), /surfaceCells: surface has length 99, expected size²/);
  t.end();
});

test('figures render to valid, non-blank PNGs within seconds', async (t) => {
  await withTempDir('hbnn-fig-', async (dir) => {
    const full = fixtures(18);
    const small = fixtures(3);
    const corr = Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 1 : k === 1 || k === 4 ? 0.8 : -0.3));
    const figures = {
      training: trainingDataFigure(full.groups),
      surface18: surfaceFigure(full.groups, full.surfaces, { title: 'Decision surface', valueLabel: 'P(class 1)', scheme: 'redblue', reverse: true }),
      uncertainty: surfaceFigure(small.groups, small.surfaces.map((s) => s.map((p) => Math.sqrt(p * (1 - p)))), { title: 'sd', valueLabel: 'sd', scheme: 'viridis' }),
      single: singleSurfaceFigure(small.surfaces[0], { title: 'Group mean', valueLabel: 'P(class 1)', scheme: 'redblue', reverse: true, points: small.groups[0] }),
      trace: traceDensityFigure([{ name: 'sd_1', chains: small.chains(0.02, 0.005) }, { name: 'sd_out', chains: small.chains(3.7, 0.8) }]),
      correlation: correlationFigure(corr, ['a', 'b', 'c', 'd']),
      accuracy: accuracyFigure([{ model: 'flat', train: 0.86, test: 0.83, postTrain: 0.8678, postTest: 0.8378 }]),
    };
    for (const [name, spec] of Object.entries(figures)) {
      const path = join(dir, `${name}.png`);
      const result = await renderPng(spec, path);
      const bytes = readFileSync(path);
      const png = decodePng(bytes);
      t.equal(png.width, result.width, `${name}: decoded width ${png.width} matches`);
      t.ok(png.width > 300 && png.height > 150, `${name}: ${png.width}×${png.height} pixels`);
      t.ok(bytes.length > 10_000, `${name}: ${bytes.length} bytes`);
      const colours = distinctColours(png);
      t.ok(colours > 20, `${name}: ${colours} distinct colours (not blank)`);
      t.comment(`${name}: rendered in ${result.seconds.toFixed(2)} s`);
      if (name === 'surface18') {
        const { red, blue } = redBlueShares(png);
        t.ok(red > 0.1 && blue > 0.1, `decision surface shows both classes' colours (red ${red.toFixed(2)}, blue ${blue.toFixed(2)})`);
      }
    }
    const svg = await renderSvg(figures.accuracy);
    t.ok(svg.startsWith('<svg') && svg.includes('flat'), 'renderSvg returns SVG text with the labels');
    const error = await renderPng(figures.accuracy, join(dir, 'no', 'such', 'dir.png')).then(() => null, (e: Error) => e);
    t.match(error?.message ?? 'no error', /renderPng: cannot write '.*dir\.png'/, 'unwritable PNG path named');
  });
});

test('figure builders reject bad input, naming the argument', (t) => {
  const { groups, surfaces, chains } = fixtures(2);
  const opts = { title: 't', valueLabel: 'v', scheme: 'redblue' };
  t.throws(() => surfaceFigure(groups, [surfaces[0]], opts), /surfaceFigure: got 1 surfaces for 2 groups/);
  const bad = Float64Array.from(surfaces[1]);
  bad[17] = NaN;
  t.throws(() => surfaceFigure(groups, [surfaces[0], bad], opts), /surfaceFigure: surfaces\[1\]\[17\] is NaN, expected a finite number/);
  t.throws(() => surfaceFigure(groups, [surfaces[0], new Float64Array(50)], opts), /surface has length 50, expected size²/);
  t.throws(() => trainingDataFigure([{ X: [[0, 0]], y: [] }]), /trainingDataFigure: groups\[0\] has 1 points but 0 labels/);
  t.throws(() => trainingDataFigure([{ X: [[0, Infinity]], y: [1] }]), /groups\[0\]\.X\[0\] is \[0, Infinity\], expected two finite numbers/);
  t.throws(() => trainingDataFigure([]), /trainingDataFigure: groups is empty/);
  t.throws(() => traceDensityFigure([]), /traceDensityFigure: series is empty/);
  t.throws(() => traceDensityFigure([{ name: 's', chains: [] }]), /series\[0\] 's' has no chains/);
  const nan = chains(0, 1);
  nan[2][5] = NaN;
  t.throws(() => traceDensityFigure([{ name: 's', chains: nan }]), /series\[0\] 's' chain 2 draw 5 is NaN/);
  t.throws(() => correlationFigure(new Float64Array(5), ['a', 'b']), /correlationFigure: matrix has length 5, expected 2² = 4 for 2 labels/);
  t.throws(() => correlationFigure(Float64Array.from([1, 2, 2, 1]), ['a', 'b']), /matrix\[0\]\[1\] is 2, expected a number in \[-1, 1\]/);
  t.throws(() => correlationFigure(Float64Array.from([1]), []), /labels is empty/);
  t.throws(() => accuracyFigure([{ model: 'flat', train: 86.7, test: 0.8 }]), /rows\[0\] \(flat\) hbnn train accuracy is 86.7, expected a fraction in \[0, 1\]/);
  t.throws(() => accuracyFigure([]), /accuracyFigure: rows is empty/);
  t.end();
});

test('writeReport: report.md and report.html show the tables and reference every figure, which exist', async (t) => {
  await withTempDir('hbnn-report-', async (dir) => {
    const { groups } = fixtures(2);
    await renderPng(trainingDataFigure(groups), join(dir, 'training data.png'));
    await renderPng(accuracyFigure([{ model: 'flat', train: 0.86, test: 0.83 }]), join(dir, 'accuracy.png'));
    const figures = [
      { file: 'training data.png', caption: 'Training data per group' },
      { file: 'accuracy.png', caption: 'Accuracy <beside> the post' },
    ];
    const paths = writeReport(dir, {
      metrics: metricsFixture(),
      figures,
      diagnosticsText: ['hierarchical: max R-hat 1.83 over single weights'],
      summaries: [{ title: 'Group sds', rows: [['name', 'mean'], ['sd_out', '3.70']] }, { title: 'Raw', rows: 'a  b\n1  2' }],
      notes: ['Run with --quick.'],
    });
    const html = readFileSync(paths.html, 'utf8');
    const md = readFileSync(paths.markdown, 'utf8');
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => decodeURI(m[1]));
    t.deepEqual(srcs, figures.map((f) => f.file), 'report.html has one <img> per figure, by relative path');
    t.ok(srcs.every((s) => existsSync(join(dir, s))), 'every referenced figure file exists');
    const mdImages = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURI(m[1]));
    t.deepEqual(mdImages, figures.map((f) => f.file), 'report.md references every figure');
    t.ok(html.startsWith('<!DOCTYPE html>') && html.includes('<style>') && !/<link|<script|https?:\/\/[^"]*\.(css|js)/.test(html), 'self-contained HTML: inline CSS, no external resources');
    t.ok(html.includes('Accuracy &lt;beside&gt; the post') && !html.includes('<beside>'), 'captions are escaped');
    for (const s of ['87.00%', '86.78%', '83.78%', '91.11%', '89.78%', '91.56%', '87.11%', '86.67%', '83.33%', '91.22%', '89.89%', '91.44%']) {
      t.ok(md.includes(s) && html.includes(s), `both reports show ${s}`);
    }
    t.ok(/sign/.test(md) && /permut/.test(md) && /R-hat/.test(md) && /log density/.test(md), 'the report explains the weight symmetries and what convergence is judged on');
    // The diagnostics table (issue 17) has the sampling table's columns and more; weights last.
    t.ok(md.includes('| hierarchical | 12.5 | 0 | – | – | – | – | – | – | 1.830 | 2 |'), 'diagnostics table row (columns a run did not record show –)');
    t.ok(md.includes('| flat | hbnn (this run) | 87.00% | 84.00% |\n|  | the post (PyMC3) | 86.78% | 83.78% |\n|  | Stan 2.21 (the post\'s data) | 86.67% | 83.33% |'), 'three accuracy rows per model: ours, the post\'s, Stan\'s');
    const at = (needle: string) => html.indexOf(needle);
    t.ok(at('<table class="accuracy">') < at('<img ') && at('<img ') < at('<h2>Diagnostics</h2>') && at('<h2>Diagnostics</h2>') < at('<details>'), 'accuracy table, then figures, then diagnostics, then the collapsed warnings');
    t.ok(/<details><summary>Sampler warnings[^<]*\(1\)<\/summary>\n<ul>\n<li class="warn">hierarchical: max R-hat/.test(html), 'the warnings are collapsed in <details>');
    t.notOk(/Smoke test/.test(md + html), 'no smoke-test line unless --quick');
    t.ok(md.includes('max R-hat 1.83 over single weights') && html.includes('max R-hat 1.83 over single weights'), 'diagnostics shown');
    t.ok(md.includes('| sd_out | 3.70 |') && html.includes('<pre>a  b\n1  2</pre>'), 'summaries shown as tables and text');
    t.ok(md.includes('| field | value |') && md.includes('| targetAccept | 0.9 |') && md.includes('| source | rotatedMoons(seed 0) |'), 'settings and data shown');
    t.ok(md.includes('- Run with --quick.'), 'notes shown');
    t.throws(
      () => writeReport(dir, { metrics: metricsFixture(), figures: [{ file: 'missing.png', caption: 'x' }], diagnosticsText: [], notes: [] }),
      /writeReport: figures\[0\]\.file 'missing\.png' does not exist in '.*hbnn-report-/,
      'a missing figure file is named',
    );
    t.throws(
      () => writeReport(dir, { metrics: metricsFixture(), figures: [{ file: '../x.png', caption: 'x' }], diagnosticsText: [], notes: [] }),
      /figures\[0\]\.file '\.\.\/x\.png' must be a path relative to/,
      'figures outside the directory are refused',
    );
    const quick = metricsFixture();
    quick.settings.quick = true;
    quick.data = { ...quick.data, name: "Wiecki (2018), the post's data", postData: true };
    const q = writeReport(dir, { metrics: quick, figures, diagnosticsText: [], notes: [] });
    const qmd = readFileSync(q.markdown, 'utf8');
    const qhtml = readFileSync(q.html, 'utf8');
    t.match(qmd.split('\n')[0], /^> \*\*Smoke test \(--quick\).*NOT converged/, `a quick run's report.md says so on its first line: ${qmd.split('\n')[0].slice(0, 60)}…`);
    t.match(qhtml, /<body>\n<p class="smoke">Smoke test \(--quick\)/, 'and report.html before anything else');
    t.ok(qmd.includes("Data: Wiecki (2018), the post's data (18 groups).") && /compare point by point/.test(qmd), 'the data set is named, and the post\'s data compare point by point');
    t.deepEqual(POST_ACCURACY.hierarchical, { train: 0.9111, test: 0.8978 }, "the post's table");
    t.deepEqual(STAN_ACCURACY.informative, { train: 0.9144, test: 0.8667 }, "Stan's table");
  });
});

test('writeMetrics: metrics.json in the schema of DESIGN.md; bad values named', (t) => {
  withTempDir('hbnn-metrics-', (dir) => {
    const metrics = metricsFixture();
    metrics.informative.maxRhat = NaN;
    const path = writeMetrics(dir, metrics);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    for (const model of ['flat', 'hierarchical', 'informative']) {
      t.deepEqual(
        Object.keys(json[model]).sort(),
        ['divergences', 'maxRhat', 'minEssBulk', 'seconds', 'testAccuracy', 'trainAccuracy'],
        `${model} has the six fields`,
      );
    }
    t.equal(json.hierarchical.trainAccuracy, 0.91, 'accuracies as fractions');
    t.equal(json.informative.maxRhat, null, 'NaN diagnostics written as null');
    t.deepEqual(json.settings, metrics.settings, 'settings kept');
    t.deepEqual(json.data, metrics.data, 'data kept');
    const broken = (f: (m: any) => void) => {
      const m: any = metricsFixture();
      f(m);
      return () => writeMetrics(dir, m);
    };
    t.throws(broken((m) => (m.flat.testAccuracy = 83.3)), /metrics\.flat\.testAccuracy is 83\.3, expected a fraction in \[0, 1\]/);
    t.throws(broken((m) => (m.hierarchical.trainAccuracy = NaN)), /metrics\.hierarchical\.trainAccuracy is NaN/);
    t.throws(broken((m) => (m.informative.divergences = -1)), /metrics\.informative\.divergences is -1, expected an integer >= 0/);
    t.throws(broken((m) => (m.flat.seconds = Infinity)), /metrics\.flat\.seconds is Infinity, expected a finite number >= 0/);
    t.throws(broken((m) => delete m.hierarchical), /metrics\.hierarchical is missing/);
    t.throws(broken((m) => (m.flat.minEssBulk = '350')), /metrics\.flat\.minEssBulk is 350, expected a number/);
    t.throws(broken((m) => (m.settings = null)), /metrics\.settings is null, expected an object/);
  });
  t.end();
});

test('checkWritableDir: creates the directory; a path under a regular file fails naming the path', (t) => {
  withTempDir('hbnn-out-', (dir) => {
    const nested = join(dir, 'a', 'b', 'out');
    checkWritableDir(nested);
    t.ok(existsSync(nested), 'nested output directory created');
    checkWritableDir(nested);
    t.pass('an existing writable directory passes');
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'x');
    const under = join(file, 'out');
    t.throws(() => checkWritableDir(under), new RegExp(`output directory '${under}' cannot be created: ENOTDIR`), 'under a regular file');
    t.throws(() => checkWritableDir(file), new RegExp(`output directory '${file}' cannot be created: EEXIST`), 'a regular file itself');
  });
  t.end();
});

test("dataLine: one parenthesis for the data set's name and size, never two in a row", (t) => {
  const size = { groups: 18, trainPoints: 900, testPoints: 900 };
  t.equal(dataLine({ name: "Wiecki (2018), the post's data (numpy seed 31)", ...size }),
    "Data: Wiecki (2018), the post's data (numpy seed 31; 18 groups, 900 training and 900 test points).", "the post's data: the size joins the name's parenthesis");
  t.equal(dataLine({ name: 'generated rotated moons (seed 0)', groups: 18 }), 'Data: generated rotated moons (seed 0; 18 groups).', 'generated data, groups only');
  t.equal(dataLine({ name: 'the file d.json', ...size }), 'Data: the file d.json (18 groups, 900 training and 900 test points).', 'a name without a parenthesis gets one');
  t.equal(dataLine({ source: 'x.json' }), 'Data: x.json.', 'no size: the name alone');
  for (const line of [dataLine({ name: "Wiecki (2018), the post's data (numpy seed 31)", ...size }), dataLine({ name: 'generated rotated moons (seed 0)', ...size })]) {
    t.doesNotMatch(line, /\)\s*\(/, `no ") (" in: ${line}`);
  }
  t.end();
});
