/**
 * What the PNG adapter offers, one interface for its two twins: png_raster.ts (Node, resvg, a
 * native addon) and png_raster.browser.ts (a page, which refuses: a page draws the SVG itself or
 * uses vega's own canvas renderer). The plots' `renderPng` goes through these functions.
 * Type-level only: the checks at the end fail the build when a twin drifts from the interface.
 */

/** A rendered image: the PNG file's bytes and its size in pixels. */
export interface PngImage {
  bytes: Uint8Array;
  width: number;
  height: number;
}

export interface RasterOptions {
  /** Pixels per SVG unit. */
  scale: number;
  /** Background colour behind transparent parts ('white'). */
  background: string;
  /** Font family used for sans-serif text and when a font is missing. */
  fontFamily: string;
}

export interface PngRasterPlatform {
  /** Whether this build can turn SVG into PNG (false in the browser build). */
  readonly HAS_PNG: boolean;
  svgToPng(svg: string, options: RasterOptions): Promise<PngImage>;
  /** Writes the bytes to `path` (binary), replacing the file. */
  writePng(path: string, image: PngImage): void;
}

type Conforms<T extends U, U> = T;
export type _NodeChecked = Conforms<typeof import('./png_raster.js'), PngRasterPlatform>;
export type _BrowserChecked = Conforms<typeof import('./png_raster.browser.js'), PngRasterPlatform>;
