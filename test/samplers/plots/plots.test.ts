/**
 * The plots of samplers/plots on a small trace: each spec has the marks, encodings and data
 * sizes expected, chains numbered from 1, variables selectable; each renders to SVG and to a PNG
 * of plausible size; bad requests are refused with the name at fault.
 */
import test from 'tape';
import { plotEnergy, plotForest, plotPair, plotRank, plotTrace, renderPngBytes, renderSvg, savePlot, selectScalars } from '../../../samplers/plots/index.js';
import * as rasterBrowser from '../../../core/platform/png_raster.browser.js';
import { withTempDir } from '../../helpers/temp_dir.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAINS, DRAWS, SCALARS, smallTrace } from './plot_trace.js';

// The specs are plain objects; the tests read them as such.
type Json = Record<string, any>;
const values = (spec: object): Json[] => (spec as Json).data.values;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

test('plots: selectScalars expands parameters, picks elements, and names an unknown variable', (t) => {
  const trace = smallTrace();
  t.deepEqual(selectScalars(trace, 'p').map((s) => s.label), ['mu', 'w[0,0]', 'w[0,1]', 'w[1,0]', 'w[1,1]'], 'every scalar, 0-based');
  t.deepEqual(selectScalars(trace, 'p', { indexBase: 1 }).map((s) => s.label), ['mu', 'w[1,1]', 'w[1,2]', 'w[2,1]', 'w[2,2]'], "Stan's numbering");
  t.deepEqual(selectScalars(trace, 'p', { vars: ['w[1,0]', 'mu'] }).map((s) => [s.param, s.index]), [['w', 2], ['mu', 0]], 'in the order asked');
  t.deepEqual(selectScalars(trace, 'p', { vars: ['w.2.1'], indexBase: 1 }).map((s) => s.label), ['w[2,1]'], "Stan's dotted name");
  t.deepEqual(selectScalars(trace, 'p', { vars: ['w[2,1]'], indexBase: 1 }).map((s) => s.index), [2], '1-based brackets');
  t.equal(selectScalars(trace, 'p', { limit: 2 }).length, 2, 'limit without vars');
  t.throws(() => selectScalars(trace, 'plotTrace', { vars: ['sigma'] }), /plotTrace: no variable 'sigma'; variables are mu, w/);
  t.throws(() => selectScalars(trace, 'plotTrace', { vars: ['w[2,0]'] }), /no variable 'w\[2,0\]'/, 'index out of range');
  t.end();
});

test('plotTrace: a density and a trace per scalar, chains 1 and 2, divergences marked', (t) => {
  const trace = smallTrace();
  const spec = plotTrace(trace) as Json;
  t.equal(values(spec).length, SCALARS * CHAINS * DRAWS, 'one row per scalar, chain and draw');
  t.equal(spec.vconcat.length, SCALARS, 'one row of panels per scalar');
  const [density, draws] = spec.vconcat[1].hconcat;
  t.equal(density.transform[1].density, 'value', 'density of the values');
  t.deepEqual(density.encoding.color.scale.domain, ['1', '2'], 'chains numbered from 1');
  t.equal(draws.layer[0].mark.type, 'line');
  t.equal(draws.layer[1].transform[0].filter, 'datum.divergent', 'divergent draws layered on top');
  t.equal(values(spec).filter((r) => r.divergent).length, 2 * SCALARS, 'two divergent draws per scalar');
  t.match(spec.title.subtitle, /2 divergent/);
  const only = plotTrace(trace, { vars: ['w'], title: 'w only' }) as Json;
  t.equal(only.vconcat.length, 4, 'vars: w has four elements');
  t.equal(only.title.text, 'w only');
  t.end();
});

test('plotRank: bins × chains rows per scalar, each chain counting all its draws', (t) => {
  const spec = plotRank(smallTrace(), { bins: 10, vars: ['mu', 'w[1,1]'] }) as Json;
  const rows = values(spec);
  t.equal(rows.length, 2 * CHAINS * 10);
  for (const v of ['mu', 'w[1,1]']) for (const c of ['1', '2']) {
    t.equal(rows.filter((r) => r.var === v && r.chain === c).reduce((s, r) => s + r.count, 0), DRAWS, `${v}, chain ${c}: ${DRAWS} draws`);
  }
  t.equal(spec.spec.layer[0].mark.type, 'bar');
  t.equal(spec.spec.layer[1].encoding.y.datum, DRAWS / 10, 'the uniform line');
  t.deepEqual(spec.facet.row.sort, ['mu', 'w[1,1]']);
  t.throws(() => plotRank(smallTrace(), { bins: 0 }), /plotRank: bins must be a positive integer, got 0/);
  t.end();
});

test('plotPair: the lower triangle of scatter plots, divergences in red', (t) => {
  const spec = plotPair(smallTrace(), { vars: ['mu', 'w[0,0]', 'w[1,1]'] }) as Json;
  t.equal(values(spec).length, CHAINS * DRAWS, 'one row per draw');
  t.deepEqual(Object.keys(values(spec)[0]).sort(), ['chain', 'divergent', 'v0', 'v1', 'v2']);
  t.deepEqual(spec.vconcat.map((r: Json) => r.hconcat.length), [1, 2], '3 scalars: 3 panels');
  const cell = spec.vconcat[1].hconcat[1];
  t.deepEqual([cell.layer[0].encoding.x.title, cell.layer[0].encoding.y.title], ['w[0,0]', 'w[1,1]']);
  t.equal(cell.layer[1].transform[0].filter, 'datum.divergent');
  t.throws(() => plotPair(smallTrace(), { vars: ['mu'] }), /plotPair: needs at least two scalars, got mu/);
  t.end();
});

test('plotEnergy: marginal energy and transitions, E-BFMI per chain; refused without energy', (t) => {
  const spec = plotEnergy(smallTrace()) as Json;
  const rows = values(spec);
  t.equal(rows.filter((r) => r.kind === 'marginal energy').length, CHAINS * DRAWS);
  t.equal(rows.filter((r) => r.kind === 'energy transition').length, CHAINS * (DRAWS - 1), 'differences within each chain');
  t.ok(Math.abs(rows.filter((r) => r.kind === 'marginal energy').reduce((s, r) => s + r.value, 0)) < 1e-9, 'centred');
  t.match(spec.title.subtitle, /E-BFMI chain 1: \d\.\d\d, chain 2: \d\.\d\d/);
  t.equal(spec.mark.type, 'area');
  t.throws(() => plotEnergy(smallTrace({ energy: false })), /plotEnergy: the trace has no energy statistic \(energy__\)/);
  t.end();
});

test('plotForest: intervals per chain or pooled, R-hat in the labels', (t) => {
  const spec = plotForest(smallTrace()) as Json;
  const rows = values(spec);
  t.equal(rows.length, SCALARS * CHAINS);
  t.ok(rows.every((r) => r.q5 <= r.q25 && r.q25 <= r.q50 && r.q50 <= r.q75 && r.q75 <= r.q95), 'quantiles in order');
  t.match(rows[0].var, /^mu {2}\(R̂ \d\.\d\d\)$/);
  t.deepEqual(spec.layer.map((l: Json) => l.mark.type), ['rule', 'rule', 'point']);
  t.equal(spec.layer[0].encoding.yOffset.field, 'chain', 'chains side by side');
  const pooled = plotForest(smallTrace(), { combined: true, vars: ['w'] }) as Json;
  t.equal(values(pooled).length, 4);
  t.equal(pooled.layer[0].encoding.yOffset, undefined);
  t.end();
});

test('plots: every kind renders to SVG and to a PNG of plausible size', async (t) => {
  const trace = smallTrace();
  const specs = { trace: plotTrace(trace), rank: plotRank(trace), pair: plotPair(trace), energy: plotEnergy(trace), forest: plotForest(trace) };
  for (const [kind, spec] of Object.entries(specs)) {
    const svg = await renderSvg(spec);
    t.ok(svg.startsWith('<svg') && svg.length > 2000, `${kind}: SVG of ${svg.length} characters`);
    const png = await renderPngBytes(spec, { scale: 1 });
    t.deepEqual([...png.bytes.subarray(0, 8)], PNG_MAGIC, `${kind}: PNG header`);
    t.ok(png.width > 300 && png.height > 150 && png.bytes.length > 5000, `${kind}: ${png.width}×${png.height}, ${png.bytes.length} bytes`);
  }
  await withTempDir('hbnn-plots-', async (dir) => {
    await savePlot(specs.forest, join(dir, 'forest.svg'));
    t.ok(readFileSync(join(dir, 'forest.svg'), 'utf8').startsWith('<svg'), 'savePlot: .svg');
    await savePlot(specs.forest, join(dir, 'forest.png'));
    t.deepEqual([...readFileSync(join(dir, 'forest.png')).subarray(0, 8)], PNG_MAGIC, 'savePlot: .png');
    const error = await savePlot(specs.forest, join(dir, 'forest.jpg')).then(() => null, (e: Error) => e);
    t.match(error?.message ?? '', /savePlot: '.*forest\.jpg' should end in \.png or \.svg/);
  });
  t.end();
});

test('plots: the browser twin refuses PNG and says what to use', async (t) => {
  t.equal(rasterBrowser.HAS_PNG, false);
  const error = await rasterBrowser.svgToPng('<svg/>', { scale: 1, background: 'white', fontFamily: 'x' }).then(() => null, (e: Error) => e);
  t.match(error?.message ?? '', /cannot render PNG: this is hbnn's browser build.*renderSvg\(\)/);
  t.throws(() => rasterBrowser.writePng('a.png', { bytes: new Uint8Array(0), width: 0, height: 0 }), /cannot write 'a.png'/);
  t.end();
});
