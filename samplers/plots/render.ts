/**
 * Render a Vega-Lite spec to SVG (vega's headless view, portable: Node and browsers) and to PNG
 * (core/platform/png_raster: resvg in Node; the browser build refuses and says what to do).
 * vega and vega-lite are loaded on first use, so importing the plot builders stays light.
 */
import type { TopLevelSpec } from 'vega-lite';
import { writeText } from '../../core/platform/files.js';
import { svgToPng, writePng, type PngImage } from '../../core/platform/png_raster.js';

/** 2× pixels per SVG unit: sharp on high-density screens and in print. */
export const DEFAULT_PNG_SCALE = 2;

/** Fonts that Debian ships; resvg falls back to the first system font when none is present. */
const SANS_SERIF = 'DejaVu Sans';

/** Compile a Vega-Lite spec and render it to an SVG string; writes it to `path` when given. */
export async function renderSvg(spec: TopLevelSpec, path?: string): Promise<string> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  let vegaSpec: import('vega').Spec;
  try {
    vegaSpec = compile(spec).spec as import('vega').Spec;
  } catch (err) {
    throw new Error(`renderSvg: Vega-Lite could not compile the spec${path ? ` for '${path}'` : ''}: ${(err as Error).message}`);
  }
  // renderer 'none': no canvas is needed; text widths are estimated, which is fine for SVG.
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (path !== undefined) writeText(path, svg);
    return svg;
  } finally {
    view.finalize();
  }
}

/** A spec as PNG bytes at `scale` pixels per SVG unit (default 2), on a white background. */
export async function renderPngBytes(spec: TopLevelSpec, options: { scale?: number } = {}): Promise<PngImage> {
  const { scale = DEFAULT_PNG_SCALE } = options;
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`renderPng: scale must be a positive number, got ${scale}`);
  return svgToPng(await renderSvg(spec), { scale, background: 'white', fontFamily: SANS_SERIF });
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
  const start = performance.now();
  const image = await renderPngBytes(spec, options);
  try {
    writePng(path, image);
  } catch (err) {
    throw new Error(`renderPng: cannot write '${path}': ${(err as Error).message}`);
  }
  return { path, width: image.width, height: image.height, bytes: image.bytes.length, seconds: (performance.now() - start) / 1000 };
}

/** Render to `path` by its extension: `.svg` as SVG text, `.png` as PNG; anything else is refused. */
export async function savePlot(spec: TopLevelSpec, path: string, options: { scale?: number } = {}): Promise<void> {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === 'svg') await renderSvg(spec, path);
  else if (ext === 'png') await renderPng(spec, path, options);
  else throw new Error(`savePlot: '${path}' should end in .png or .svg`);
}
