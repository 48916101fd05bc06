/**
 * SVG to PNG, Node's twin of the adapter in png_raster.contract.ts: resvg (a native addon, no
 * browser or canvas needed). resvg is loaded on first use, so importing the plots costs nothing.
 */
import { writeFileSync } from 'node:fs';
import type { PngImage, RasterOptions } from './png_raster.contract.js';

export type { PngImage, RasterOptions } from './png_raster.contract.js';

/** Whether this build can turn SVG into PNG (false in the browser build). */
export const HAS_PNG = true;

export async function svgToPng(svg: string, options: RasterOptions): Promise<PngImage> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale },
    background: options.background,
    font: { loadSystemFonts: true, defaultFontFamily: options.fontFamily, sansSerifFamily: options.fontFamily },
  });
  const image = resvg.render();
  return { bytes: image.asPng(), width: image.width, height: image.height };
}

export function writePng(path: string, image: PngImage): void {
  writeFileSync(path, image.bytes);
}
