/**
 * Render a Vega-Lite spec to SVG (vega's headless view) and to PNG (resvg), in Node, with no
 * browser or canvas: the figures of `hbnn reproduce`.
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';

/** 2× pixels per SVG unit: sharp on high-density screens and in print. */
export const DEFAULT_PNG_SCALE = 2;

/** Fonts that Debian ships; resvg falls back to the first system font when none is present. */
const SANS_SERIF = 'DejaVu Sans';

/** Compile a Vega-Lite spec and render it to an SVG string; writes it to `path` when given. */
export async function renderSvg(spec: TopLevelSpec, path?: string): Promise<string> {
  let vegaSpec: vega.Spec;
  try {
    vegaSpec = compile(spec).spec as vega.Spec;
  } catch (err) {
    throw new Error(`renderSvg: Vega-Lite could not compile the spec${path ? ` for '${path}'` : ''}: ${(err as Error).message}`);
  }
  // renderer 'none': no canvas is needed; text widths are estimated, which is fine for SVG.
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (path !== undefined) writeFileSync(path, svg);
    return svg;
  } finally {
    view.finalize();
  }
}

export interface PngResult {
  path: string;
  width: number;
  height: number;
  bytes: number;
  seconds: number;
}

/**
 * Render a Vega-Lite spec to a PNG file at `scale` pixels per SVG unit (default 2) on a white
 * background. Returns the image size and the time taken.
 */
export async function renderPng(spec: TopLevelSpec, path: string, options: { scale?: number } = {}): Promise<PngResult> {
  const { scale = DEFAULT_PNG_SCALE } = options;
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`renderPng: scale must be a positive number, got ${scale}`);
  const start = performance.now();
  const svg = await renderSvg(spec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: SANS_SERIF, sansSerifFamily: SANS_SERIF },
  });
  const image = resvg.render();
  const png = image.asPng();
  try {
    writeFileSync(path, png);
  } catch (err) {
    throw new Error(`renderPng: cannot write '${path}': ${(err as Error).message}`);
  }
  return { path, width: image.width, height: image.height, bytes: png.length, seconds: (performance.now() - start) / 1000 };
}
