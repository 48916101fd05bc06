/**
 * The figures of `hbnn reproduce` render through the library's plot renderer (SVG by vega, PNG by
 * resvg in Node): samplers/plots/render.ts. Re-exported here for the report's call sites.
 */
export { DEFAULT_PNG_SCALE, renderPng, renderSvg, type PngResult } from '../../samplers/plots/render.js';
