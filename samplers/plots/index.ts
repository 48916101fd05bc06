/**
 * Plots for any Trace (`hbnn/plots`), as ArviZ users know them: plotTrace, plotRank, plotPair,
 * plotEnergy, plotForest. Each returns a Vega-Lite spec (a plain object: show it with
 * vega-embed, or render it here); renderSvg works everywhere, renderPng and savePlot's PNG in
 * Node only. Chains are numbered from 1 as CmdStan's chain ids; element labels from 0 as the
 * library's arrays unless `indexBase: 1` asks for Stan's numbering.
 */
export { plotTrace, drawRows, type DrawRow } from './trace_plot.js';
export { plotRank, rankRows, type RankPlotOptions, type RankRow } from './rank_plot.js';
export { plotPair, pairRows, PAIR_DEFAULT_LIMIT } from './pair_plot.js';
export { plotEnergy, energyRows, ENERGY_KINDS } from './energy_plot.js';
export { plotForest, forestRows, type ForestPlotOptions, type ForestRow } from './forest_plot.js';
export { type PlotOptions, DEFAULT_SCALAR_LIMIT, MAX_POINTS_PER_CHAIN } from './plot_spec.js';
export { selectScalars, type ScalarRef, type SelectOptions } from './select.js';
export { renderSvg, renderPng, renderPngBytes, savePlot, DEFAULT_PNG_SCALE, type PngResult } from './render.js';
export type { PngImage } from '../../core/platform/png_raster.contract.js';
