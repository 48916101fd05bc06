/**
 * Vega-Lite specs for the figures of `hbnn reproduce`, built from plain numbers (no dependency
 * on the models): training data, decision surfaces and predictive uncertainty per group, trace
 * and density of chains, a correlation matrix and the accuracy table beside the post's.
 *
 * Surfaces are values on the post's prediction grid, `np.mgrid[-3:3:100j, -3:3:100j]`: a
 * `size × size` grid over [-3, 3]², stored row-major with ROW = y INDEX and COLUMN = x INDEX,
 * i.e. `surface[iy * size + ix]` is the value at (x, y) = (grid[ix], grid[iy]) where
 * `grid = linspace(-3, 3, size)`. `surfaceGridPoints()` returns the points in that order.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The post plots its surfaces on a 100 × 100 grid over [-3, 3]². */
export const SURFACE_GRID_SIZE = 100;
export const SURFACE_EXTENT = 3;
/** Cells drawn per axis: 18 panels of 100² rects (180k) render slowly; 50² block means look the same. */
export const SURFACE_DRAW_SIZE = 50;
/** Facet panels per row, as the post's 3 × 6 grids of 18 groups. */
export const FACET_COLUMNS = 6;
const PANEL_PX = 120;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Training-data classes: the first two Tableau colours (matplotlib's C0, C1 in the post). */
const CLASS_COLORS = ['#1f77b4', '#ff7f0e'];
/**
 * Over a red/blue surface the classes differ in shape as well as in fill, so they stay apart at
 * report size: class 0 white circles with a black edge, class 1 black triangles with a white edge.
 */
const OVERLAY_FILL = ['white', 'black'];
const OVERLAY_STROKE = ['black', 'white'];
const OVERLAY_SHAPE = ['circle', 'triangle-up'];
/** Accuracy bars: ours in blue, the post's in grey, Stan's in gold. */
const SOURCE_COLORS: Record<string, string> = { hbnn: '#4c78a8', post: '#9d9d9d', Stan: '#d6a23c' };
/** Traces longer than this are thinned by a stride for drawing (the density uses every draw). */
const MAX_TRACE_POINTS = 1000;

export interface GroupPoints {
  X: number[][];
  y: number[];
}

/** `size` evenly spaced values from -3 to 3, as `np.linspace(-3, 3, size)`. */
export function surfaceGrid(size = SURFACE_GRID_SIZE): Float64Array {
  checkGridSize(size, 'surfaceGrid');
  const step = (2 * SURFACE_EXTENT) / (size - 1);
  const grid = Float64Array.from({ length: size }, (_, i) => -SURFACE_EXTENT + i * step);
  grid[size - 1] = SURFACE_EXTENT;
  return grid;
}

/** The grid points as a (size²) × 2 row-major array, in surface order (`iy * size + ix`). */
export function surfaceGridPoints(size = SURFACE_GRID_SIZE): Float64Array {
  const grid = surfaceGrid(size);
  const points = new Float64Array(2 * size * size);
  for (let iy = 0; iy < size; iy++) {
    for (let ix = 0; ix < size; ix++) {
      points[2 * (iy * size + ix)] = grid[ix];
      points[2 * (iy * size + ix) + 1] = grid[iy];
    }
  }
  return points;
}

/** Our specs are plain objects; Vega-Lite checks them when it compiles (see render.ts). */
function asSpec(spec: object): TopLevelSpec {
  return spec as TopLevelSpec;
}

function checkGridSize(size: number, where: string): void {
  if (!Number.isInteger(size) || size < 2) throw new Error(`${where}: grid size must be an integer >= 2, got ${size}`);
}

function checkGroups(groups: readonly GroupPoints[], where: string): void {
  if (groups.length === 0) throw new Error(`${where}: groups is empty`);
  groups.forEach((g, k) => {
    if (g.X.length !== g.y.length) {
      throw new Error(`${where}: groups[${k}] has ${g.X.length} points but ${g.y.length} labels`);
    }
    g.X.forEach((p, i) => {
      if (p.length !== 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        throw new Error(`${where}: groups[${k}].X[${i}] is [${p.join(', ')}], expected two finite numbers`);
      }
    });
  });
}

/** One row per point, `group` numbered from 1 as in the post's panels. */
function pointRows(groups: readonly GroupPoints[]): Record<string, number | string>[] {
  return groups.flatMap((g, k) =>
    g.X.map((p, i) => ({ kind: 'point', group: k + 1, x: p[0], y: p[1], cls: String(g.y[i]) })),
  );
}

const axisX = { field: 'x', type: 'quantitative', title: 'x₁', scale: { domain: [-SURFACE_EXTENT, SURFACE_EXTENT], nice: false, zero: false }, axis: { values: [-3, 0, 3] } } as const;
const axisY = { field: 'y', type: 'quantitative', title: 'x₂', scale: { domain: [-SURFACE_EXTENT, SURFACE_EXTENT], nice: false, zero: false }, axis: { values: [-3, 0, 3] } } as const;

function facetOf(columns: number) {
  return {
    facet: { field: 'group', type: 'ordinal', header: { title: null, labelExpr: "'Group ' + datum.value", labelFontSize: 11 } },
    columns,
  } as const;
}

/** The training points of every group in a facet grid (6 columns), coloured by class. */
export function trainingDataFigure(groups: readonly GroupPoints[], options: { title?: string } = {}): TopLevelSpec {
  checkGroups(groups, 'trainingDataFigure');
  return asSpec({
    $schema: SCHEMA,
    title: options.title ?? 'Training data per group',
    data: { values: pointRows(groups) },
    ...facetOf(FACET_COLUMNS),
    spec: {
      width: PANEL_PX,
      height: PANEL_PX,
      mark: { type: 'circle', size: 18, opacity: 0.85, clip: true },
      encoding: {
        x: axisX,
        y: axisY,
        color: { field: 'cls', type: 'nominal', title: 'class', scale: { domain: ['0', '1'], range: CLASS_COLORS } },
      },
    },
  });
}

export interface SurfaceOptions {
  title: string;
  /** Legend title of the surface value, e.g. 'P(class 1)' or 'sd of P(class 1)'. */
  valueLabel: string;
  /** A Vega colour scheme: diverging (e.g. 'redblue') for probabilities, sequential (e.g. 'viridis') for sds. */
  scheme: string;
  /** Colour domain; default: [0, 1] for diverging schemes, [0, max] otherwise. */
  domain?: [number, number];
  /** Reverse the scheme ('redblue' reversed runs blue at 0 to red at 1). */
  reverse?: boolean;
}

/**
 * Average `surface` (size × size, row = y index) over blocks down to at most `drawSize` cells per
 * axis; each cell spans its grid points' half-spacing on each side.
 */
export function surfaceCells(surface: Float64Array, drawSize = SURFACE_DRAW_SIZE): { x: number; xEnd: number; y: number; yEnd: number; value: number }[] {
  const size = Math.round(Math.sqrt(surface.length));
  if (size * size !== surface.length || size < 2) {
    throw new Error(`surfaceCells: surface has length ${surface.length}, expected size² for an integer size >= 2`);
  }
  const grid = surfaceGrid(size);
  const half = (grid[1] - grid[0]) / 2;
  const d = Math.min(size, drawSize);
  const bounds = Array.from({ length: d + 1 }, (_, k) => Math.floor((k * size) / d));
  const cells = [];
  for (let by = 0; by < d; by++) {
    for (let bx = 0; bx < d; bx++) {
      let sum = 0;
      for (let iy = bounds[by]; iy < bounds[by + 1]; iy++) {
        for (let ix = bounds[bx]; ix < bounds[bx + 1]; ix++) sum += surface[iy * size + ix];
      }
      const count = (bounds[by + 1] - bounds[by]) * (bounds[bx + 1] - bounds[bx]);
      cells.push({
        x: grid[bounds[bx]] - half,
        xEnd: grid[bounds[bx + 1] - 1] + half,
        y: grid[bounds[by]] - half,
        yEnd: grid[bounds[by + 1] - 1] + half,
        value: sum / count,
      });
    }
  }
  return cells;
}

function checkSurface(surface: Float64Array, where: string): void {
  for (let i = 0; i < surface.length; i++) {
    if (!Number.isFinite(surface[i])) throw new Error(`${where}[${i}] is ${surface[i]}, expected a finite number`);
  }
}

function colourDomain(surfaces: readonly Float64Array[], options: SurfaceOptions): [number, number] {
  if (options.domain) return options.domain;
  if (['redblue', 'blueorange', 'redyellowblue', 'purplegreen', 'pinkyellowgreen', 'brownbluegreen', 'purpleorange', 'redgrey', 'redyellowgreen', 'spectral'].includes(options.scheme)) return [0, 1];
  let max = 0;
  for (const s of surfaces) for (const v of s) max = Math.max(max, v);
  return [0, max > 0 ? max : 1];
}

/** The heatmap layer and the training-point layer of one surface panel (shared by both figures). */
function surfaceLayers(domain: [number, number], options: SurfaceOptions) {
  return [
    {
      transform: [{ filter: "datum.kind === 'cell'" }],
      mark: { type: 'rect', clip: true },
      encoding: {
        x: axisX,
        x2: { field: 'xEnd' },
        y: axisY,
        y2: { field: 'yEnd' },
        color: {
          field: 'value',
          type: 'quantitative',
          title: options.valueLabel,
          scale: { scheme: options.scheme, domain: domain, reverse: options.reverse ?? false, clamp: true },
        },
      },
    },
    {
      transform: [{ filter: "datum.kind === 'point'" }],
      mark: { type: 'point', filled: true, size: 26, strokeWidth: 0.8, opacity: 1, clip: true },
      encoding: {
        x: axisX,
        y: axisY,
        shape: { field: 'cls', type: 'nominal', title: 'class', scale: { domain: ['0', '1'], range: OVERLAY_SHAPE } },
        fill: {
          field: 'cls',
          type: 'nominal',
          title: 'class',
          scale: { domain: ['0', '1'], range: OVERLAY_FILL },
        },
        stroke: { field: 'cls', type: 'nominal', title: 'class', scale: { domain: ['0', '1'], range: OVERLAY_STROKE } },
      },
    },
  ];
}

/**
 * Each drawn cell reaches 30% into its right and upper neighbours, which are drawn later and
 * cover it: without the overlap, anti-aliasing leaves faint seams between cells.
 */
const CELL_OVERLAP = 0.3;

function cellRows(surface: Float64Array, group: number, drawSize: number): Record<string, number | string>[] {
  return surfaceCells(surface, drawSize).map((c) => ({
    kind: 'cell',
    group,
    ...c,
    xEnd: c.xEnd + CELL_OVERLAP * (c.xEnd - c.x),
    yEnd: c.yEnd + CELL_OVERLAP * (c.yEnd - c.y),
  }));
}

/**
 * One heatmap per group (facet grid, 6 columns) with that group's training points on top:
 * decision surfaces (probability, diverging scheme, domain [0, 1]) or predictive uncertainty
 * (sd, sequential scheme). `surfaces[k]` is group k's surface in the grid layout of this file.
 */
export function surfaceFigure(groups: readonly GroupPoints[], surfaces: readonly Float64Array[], options: SurfaceOptions): TopLevelSpec {
  checkGroups(groups, 'surfaceFigure');
  if (surfaces.length !== groups.length) {
    throw new Error(`surfaceFigure: got ${surfaces.length} surfaces for ${groups.length} groups`);
  }
  surfaces.forEach((s, k) => checkSurface(s, `surfaceFigure: surfaces[${k}]`));
  const domain = colourDomain(surfaces, options);
  return asSpec({
    $schema: SCHEMA,
    title: options.title,
    data: { values: [...surfaces.flatMap((s, k) => cellRows(s, k + 1, SURFACE_DRAW_SIZE)), ...pointRows(groups)] },
    ...facetOf(FACET_COLUMNS),
    spec: { width: PANEL_PX, height: PANEL_PX, layer: surfaceLayers(domain, options) },
  });
}

/**
 * A single surface panel (e.g. the group-mean weights' decision surface), optionally with points;
 * one panel is cheap, so it is drawn at up to the full 100 × 100 resolution.
 */
export function singleSurfaceFigure(surface: Float64Array, options: SurfaceOptions & { points?: GroupPoints }): TopLevelSpec {
  checkSurface(surface, 'singleSurfaceFigure: surface');
  if (options.points) checkGroups([options.points], 'singleSurfaceFigure');
  const points = options.points ? pointRows([options.points]) : [];
  return asSpec({
    $schema: SCHEMA,
    title: options.title,
    width: 3 * PANEL_PX,
    height: 3 * PANEL_PX,
    data: { values: [...cellRows(surface, 1, SURFACE_GRID_SIZE), ...points] },
    layer: surfaceLayers(colourDomain([surface], options), options),
  });
}

export interface ChainSeries {
  name: string;
  chains: Float64Array[];
}

/**
 * Per series one row, as ArviZ's plot_trace: left the density of each chain (Vega's KDE,
 * Scott's bandwidth), right the trace (draw vs value), coloured by chain.
 */
export function traceDensityFigure(series: readonly ChainSeries[], options: { title?: string } = {}): TopLevelSpec {
  if (series.length === 0) throw new Error('traceDensityFigure: series is empty');
  return asSpec({
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    vconcat: series.map((s, k) => traceDensityRow(s.name, seriesPoints(s, k))),
    resolve: { scale: { color: 'shared' } },
  });
}

interface SeriesPoints {
  /** Every draw, for the density. */
  draws: Record<string, number>[];
  /** At most MAX_TRACE_POINTS draws per chain, for the trace. */
  thinned: Record<string, number>[];
  /** The range of the draws (widened by ±0.5 when all are equal), where the density is evaluated. */
  lo: number;
  hi: number;
}

/** The plotted points of series number `k`, checked: chains of at least two finite draws. */
function seriesPoints(s: ChainSeries, k: number): SeriesPoints {
  if (s.chains.length === 0) throw new Error(`traceDensityFigure: series[${k}] '${s.name}' has no chains`);
  let lo = Infinity;
  let hi = -Infinity;
  const draws: Record<string, number>[] = [];
  const thinned: Record<string, number>[] = [];
  s.chains.forEach((chain, c) => {
    if (chain.length < 2) throw new Error(`traceDensityFigure: series[${k}] '${s.name}' chain ${c} has ${chain.length} draws, expected at least 2`);
    const stride = Math.ceil(chain.length / MAX_TRACE_POINTS);
    chain.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`traceDensityFigure: series[${k}] '${s.name}' chain ${c} draw ${i} is ${v}`);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      draws.push({ chain: c + 1, value: v });
      if (i % stride === 0) thinned.push({ chain: c + 1, draw: i, value: v });
    });
  });
  if (hi === lo) {
    hi += 0.5;
    lo -= 0.5;
  }
  return { draws, thinned, lo, hi };
}

/** One row of the figure: the density of each chain beside its trace. */
function traceDensityRow(name: string, { draws, thinned, lo, hi }: SeriesPoints): object {
  const chainColour = { field: 'chain', type: 'nominal', title: 'chain', scale: { scheme: 'category10' } };
  return {
    hconcat: [
      {
        width: 220,
        height: 110,
        data: { values: draws },
        transform: [{ density: 'value', groupby: ['chain'], extent: [lo, hi], steps: 120, as: ['value', 'density'] }],
        mark: { type: 'line', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: name, scale: { zero: false, nice: false } },
          y: { field: 'density', type: 'quantitative', title: 'density' },
          color: chainColour,
        },
      },
      {
        width: 420,
        height: 110,
        data: { values: thinned },
        mark: { type: 'line', strokeWidth: 0.6, opacity: 0.8 },
        encoding: {
          x: { field: 'draw', type: 'quantitative', title: 'draw' },
          y: { field: 'value', type: 'quantitative', title: name, scale: { zero: false } },
          color: chainColour,
        },
      },
    ],
  };
}

/** A correlation matrix (n × n row-major, n = labels.length) as a heatmap on [-1, 1], blue to red. */
export function correlationFigure(matrix: Float64Array, labels: readonly string[], options: { title?: string } = {}): TopLevelSpec {
  const n = labels.length;
  if (n === 0) throw new Error('correlationFigure: labels is empty');
  if (matrix.length !== n * n) {
    throw new Error(`correlationFigure: matrix has length ${matrix.length}, expected ${n}² = ${n * n} for ${n} labels`);
  }
  if (new Set(labels).size !== n) throw new Error('correlationFigure: labels must be distinct');
  const values = correlationCells(matrix, labels);
  const cell = Math.max(18, Math.min(40, Math.floor(400 / n)));
  const encoding = {
    x: { field: 'col', type: 'nominal', sort: [...labels], title: null, axis: { labelAngle: -45 } },
    y: { field: 'row', type: 'nominal', sort: [...labels], title: null },
  };
  const layers: unknown[] = [
    {
      mark: 'rect',
      encoding: {
        color: { field: 'value', type: 'quantitative', title: 'correlation', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true } },
      },
    },
  ];
  // Numbers in the cells only while they fit.
  if (n <= 12) {
    layers.push({
      mark: { type: 'text', fontSize: 9 },
      encoding: {
        text: { field: 'value', type: 'quantitative', format: '.2f' },
        color: { condition: { test: 'abs(datum.value) > 0.6', value: 'white' }, value: 'black' },
      },
    });
  }
  return asSpec({
    $schema: SCHEMA,
    title: options.title ?? 'Correlation',
    width: cell * n,
    height: cell * n,
    data: { values },
    encoding,
    layer: layers,
  });
}

/** One { row, col, value } per matrix entry, each checked to lie in [-1, 1]. */
function correlationCells(matrix: Float64Array, labels: readonly string[]): { row: string; col: string; value: number }[] {
  const n = labels.length;
  const values = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = matrix[i * n + j];
      if (!(Number.isFinite(v) && Math.abs(v) <= 1 + 1e-9)) {
        throw new Error(`correlationFigure: matrix[${i}][${j}] is ${v}, expected a number in [-1, 1]`);
      }
      values.push({ row: labels[i], col: labels[j], value: v });
    }
  }
  return values;
}

export interface AccuracyRow {
  model: string;
  /** Accuracies as fractions in [0, 1]. */
  train: number;
  test: number;
  postTrain?: number;
  postTest?: number;
  stanTrain?: number;
  stanTest?: number;
}

/**
 * Grouped bars of train and test accuracy per model: ours (hbnn) beside the post's and, when
 * given, Stan's. The axis starts at 50%, chance level for two balanced classes.
 */
export function accuracyFigure(rows: readonly AccuracyRow[], options: { title?: string } = {}): TopLevelSpec {
  if (rows.length === 0) throw new Error('accuracyFigure: rows is empty');
  const { values, sourceOrder } = accuracyValues(rows);
  return asSpec({
    $schema: SCHEMA,
    title: options.title ?? 'Accuracy: hbnn beside the post',
    data: { values },
    facet: { column: { field: 'split', type: 'nominal', sort: ['train', 'test'], title: null, header: { labelExpr: "datum.value + ' accuracy'", labelFontSize: 12 } } },
    spec: {
      width: 60 * rows.length * Math.max(1, sourceOrder.length) / 2 + 80,
      height: 220,
      encoding: {
        x: { field: 'model', type: 'nominal', sort: rows.map((r) => r.model), title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'source', type: 'nominal', sort: sourceOrder },
        y: { field: 'accuracy', type: 'quantitative', title: 'accuracy', scale: { domain: [0.5, 1], zero: false, clamp: true }, axis: { format: '.0%' } },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y2: { datum: 0.5 },
            color: { field: 'source', type: 'nominal', title: null, sort: sourceOrder, scale: { domain: sourceOrder, range: sourceOrder.map((s) => SOURCE_COLORS[s]) } },
          },
        },
        {
          mark: { type: 'text', dy: -5, fontSize: 8 },
          encoding: { text: { field: 'accuracy', type: 'quantitative', format: '.1%' } },
        },
      ],
    },
  });
}

/** One bar per model, split and source that has a value (each checked to be a fraction), and the sources present. */
function accuracyValues(rows: readonly AccuracyRow[]): { values: Record<string, string | number>[]; sourceOrder: string[] } {
  const values: Record<string, string | number>[] = [];
  const sources = new Set<string>();
  rows.forEach((r, k) => {
    const entries: [string, string, number | undefined][] = [
      ['hbnn', 'train', r.train],
      ['hbnn', 'test', r.test],
      ['post', 'train', r.postTrain],
      ['post', 'test', r.postTest],
      ['Stan', 'train', r.stanTrain],
      ['Stan', 'test', r.stanTest],
    ];
    for (const [source, split, accuracy] of entries) {
      if (accuracy === undefined) continue;
      if (!(Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1)) {
        throw new Error(`accuracyFigure: rows[${k}] (${r.model}) ${source} ${split} accuracy is ${accuracy}, expected a fraction in [0, 1]`);
      }
      sources.add(source);
      values.push({ model: r.model, split, source, accuracy });
    }
  });
  return { values, sourceOrder: ['hbnn', 'post', 'Stan'].filter((s) => sources.has(s)) };
}
