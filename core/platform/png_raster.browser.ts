/**
 * SVG to PNG, the browser's twin of the adapter in png_raster.contract.ts: it refuses, naming
 * what to use instead. A page shows the SVG of `renderSvg` as it is, or draws a PNG with vega's
 * canvas renderer (`vega.View(…, { renderer: 'canvas' }).toImageURL('png')`).
 */
import type { PngImage, RasterOptions } from './png_raster.contract.js';

export type { PngImage, RasterOptions } from './png_raster.contract.js';

/** Whether this build can turn SVG into PNG (false in the browser build). */
export const HAS_PNG = false;

const ADVICE =
  "this is hbnn's browser build, which renders plots to SVG only: use renderSvg() and show or download the SVG, " +
  "or draw a PNG with vega's canvas renderer (new vega.View(vega.parse(compile(spec).spec), { renderer: 'canvas' }).toImageURL('png'))";

export async function svgToPng(_svg: string, _options: RasterOptions): Promise<PngImage> {
  throw new Error(`cannot render PNG: ${ADVICE}`);
}

export function writePng(path: string, _image: PngImage): void {
  throw new Error(`cannot write '${path}': ${ADVICE}`);
}
