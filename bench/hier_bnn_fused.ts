/**
 * The hierarchical BNN's log density and gradient written by hand on Float64Arrays: one pass per
 * data point that runs the network forward and straight back (unrolled for the layer sizes,
 * bench/fused/bnn_point_kernel.ts), with every buffer allocated once.
 * No tape, no tensors, no temporaries — the practical speed limit that the autodiff benchmark
 * compares hbnn against (issue #2). It is itself checked against hbnn's model and by finite
 * differences in test/bench/bench_fused.test.ts.
 *
 * The function (DESIGN.md, "The study"), per layer l with weights of shape [in_l, out_l]:
 *   mean_l ~ N(0, 1),  sd_l ~ HalfNormal(1) sampled as u_l = log sd_l (Jacobian + u_l),
 *   raw_l[g] ~ N(0, 1),  W_l[g] = raw_l[g] · sd_l + mean_l   (non-centred),
 *   logit = tanh(tanh(X_g W_1[g]) W_2[g]) W_3[g],  y ~ Bernoulli(sigmoid(logit)),
 * with every normalising constant, so the value equals hbnn's `hierarchicalBnn` exactly.
 */
import type { LogDensity } from '../samplers/types.js';
import * as libm from '../core/libm.js';
import { bnnPointKernel, layerOffsets, type TanhChoice } from './fused/bnn_point_kernel.js';

const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);
/** log HalfNormal(s | 1) = log 2 − ½ log 2π − ½ s². */
const LOG_HALF_NORMAL_CONST = Math.LN2 - HALF_LOG_TWO_PI;

/** Where each parameter block sits in the flat unconstrained vector (offsets per layer). */
export interface HierBnnLayout {
  /** Layer widths, input first, ending in 1 (the logit): [2, 5, 5, 1] in the study. */
  sizes: readonly number[];
  groups: number;
  /** Offset of mean_l (in_l × out_l, row-major). */
  meanOffsets: readonly number[];
  /** Offset of u_l = log sd_l (one scalar per layer). */
  logSdOffsets: readonly number[];
  /** Offset of raw_l (groups × in_l × out_l, row-major). */
  rawOffsets: readonly number[];
}

/** One group's training points: X is n × sizes[0] row-major, y holds 0/1 labels. */
export interface FusedGroup {
  X: Float64Array;
  y: Float64Array;
}

/** Length of the unconstrained vector: per layer the mean, one sd, and one raw block per group. */
export function layoutDim(layout: HierBnnLayout): number {
  let dim = 0;
  for (let l = 0; l + 1 < layout.sizes.length; l++) dim += (layout.groups + 1) * layout.sizes[l] * layout.sizes[l + 1] + 1;
  return dim;
}

/**
 * Blocks in the order [mean_1..mean_L, logSd_1..logSd_L, raw_1..raw_L] — a layout to use when
 * no model is at hand; `layoutFromParams` reads the order of an actual model.
 */
export function blockedLayout(sizes: readonly number[], groups: number): HierBnnLayout {
  const L = sizes.length - 1;
  const meanOffsets: number[] = [];
  const logSdOffsets: number[] = [];
  const rawOffsets: number[] = [];
  let off = 0;
  for (let l = 0; l < L; l++) { meanOffsets.push(off); off += sizes[l] * sizes[l + 1]; }
  for (let l = 0; l < L; l++) { logSdOffsets.push(off); off += 1; }
  for (let l = 0; l < L; l++) { rawOffsets.push(off); off += groups * sizes[l] * sizes[l + 1]; }
  return { sizes: [...sizes], groups, meanOffsets, logSdOffsets, rawOffsets };
}

/**
 * The layout of a model's parameter list (`Model.params`: names and shapes in storage order,
 * every one of them unconstrained-size = constrained-size here). `names(l)` gives the names of
 * layer l's (zero-based) mean, sd and raw blocks. Throws, naming the block, when a name is
 * missing or a shape is not what the sizes and group count imply.
 */
export function layoutFromParams(
  params: readonly { name: string; shape: readonly number[] }[],
  sizes: readonly number[],
  groups: number,
  names: (layer: number) => { mean: string; sd: string; raw: string },
): HierBnnLayout {
  const offsets = new Map<string, { offset: number; shape: readonly number[] }>();
  let off = 0;
  for (const p of params) {
    offsets.set(p.name, { offset: off, shape: p.shape });
    off += p.shape.reduce((a, b) => a * b, 1);
  }
  const find = (name: string, want: number[]): number => {
    const slot = offsets.get(name);
    if (slot === undefined) throw new Error(`layoutFromParams: no parameter '${name}' among ${params.map((p) => p.name).join(', ')}`);
    const size = slot.shape.reduce((a, b) => a * b, 1);
    const wantSize = want.reduce((a, b) => a * b, 1);
    if (size !== wantSize) throw new Error(`layoutFromParams: parameter '${name}' has shape [${slot.shape.join(', ')}], expected [${want.join(', ')}]`);
    return slot.offset;
  };
  const L = sizes.length - 1;
  const layout: HierBnnLayout = { sizes: [...sizes], groups, meanOffsets: [], logSdOffsets: [], rawOffsets: [] };
  for (let l = 0; l < L; l++) {
    const n = names(l);
    (layout.meanOffsets as number[]).push(find(n.mean, [sizes[l], sizes[l + 1]]));
    (layout.logSdOffsets as number[]).push(find(n.sd, []));
    (layout.rawOffsets as number[]).push(find(n.raw, [groups, sizes[l], sizes[l + 1]]));
  }
  if (off !== layoutDim(layout)) throw new Error(`layoutFromParams: the parameters hold ${off} values, the network needs ${layoutDim(layout)}`);
  return layout;
}

/** Throw, naming `who` and the bad field or value, unless layout and data fit together. */
export function checkLayout(layout: HierBnnLayout, data: readonly FusedGroup[], who = 'hierBnnFused'): void {
  const { sizes, groups } = layout;
  const L = sizes.length - 1;
  if (L < 1 || !sizes.every((s) => Number.isInteger(s) && s > 0)) throw new Error(`${who}: sizes must be at least two positive integers, got [${sizes.join(', ')}]`);
  if (sizes[L] !== 1) throw new Error(`${who}: the last size must be 1 (one logit), got [${sizes.join(', ')}]`);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${who}: groups must be a positive integer, got ${groups}`);
  for (const key of ['meanOffsets', 'logSdOffsets', 'rawOffsets'] as const) {
    if (layout[key].length !== L) throw new Error(`${who}: layout.${key} needs ${L} offsets (one per layer), got ${layout[key].length}`);
  }
  // Every block inside [0, dim) and each index owned by exactly one block.
  const dim = layoutDim(layout);
  const owner = new Array<string | undefined>(dim);
  const claim = (what: string, offset: number, size: number) => {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > dim) {
      throw new Error(`${who}: ${what} at offset ${offset} (size ${size}) does not fit in the ${dim}-vector`);
    }
    for (let i = offset; i < offset + size; i++) {
      if (owner[i] !== undefined) throw new Error(`${who}: ${what} overlaps ${owner[i]} at index ${i}`);
      owner[i] = what;
    }
  };
  for (let l = 0; l < L; l++) {
    const size = sizes[l] * sizes[l + 1];
    claim(`layout.meanOffsets[${l}]`, layout.meanOffsets[l], size);
    claim(`layout.logSdOffsets[${l}]`, layout.logSdOffsets[l], 1);
    claim(`layout.rawOffsets[${l}]`, layout.rawOffsets[l], groups * size);
  }
  if (data.length !== groups) throw new Error(`${who}: data has ${data.length} groups, the layout ${groups}`);
  data.forEach((d, g) => {
    if (d.X.length !== d.y.length * sizes[0]) {
      throw new Error(`${who}: group ${g} has X of length ${d.X.length} for ${d.y.length} labels; expected ${d.y.length * sizes[0]} (n × ${sizes[0]})`);
    }
    for (let i = 0; i < d.y.length; i++) {
      if (d.y[i] !== 0 && d.y[i] !== 1) throw new Error(`${who}: group ${g} label y[${i}] = ${d.y[i]}, expected 0 or 1`);
    }
  });
}

/**
 * The hand-fused log density of the hierarchical BNN on `data` (one entry per group) in the
 * given parameter layout. Buffers are allocated here, once; each call writes only into them and
 * into `gradOut`. Per group: build the group's weights W = raw·sd + mean, run the unrolled
 * per-point kernel (bench/fused/bnn_point_kernel.ts) over its points, chain the weight gradient
 * back to raw, mean and sd.
 */
export function hierBnnFused(data: readonly FusedGroup[], layout: HierBnnLayout, options: { tanh?: TanhChoice } = {}): LogDensity {
  checkLayout(layout, data);
  const { sizes, groups } = layout;
  const L = sizes.length - 1;
  const dim = layoutDim(layout);
  const wOff = layerOffsets(sizes);
  const kernel = bnnPointKernel(sizes, options.tanh);
  // One group's weights and their gradient (all layers, one vector), and the sums over groups.
  const W = new Float64Array(wOff[L]);
  const dW = new Float64Array(wOff[L]);
  const meanGrad = new Float64Array(wOff[L]);
  const sd = new Float64Array(L);
  const sdGrad = new Float64Array(L);

  /** Priors of mean and sd (on u = log sd, Jacobian u); sets sd, resets the accumulators. */
  function hyperPriors(x: Float64Array): number {
    let lp = 0;
    for (let l = 0; l < L; l++) {
      const mo = layout.meanOffsets[l];
      for (let k = 0; k < wOff[l + 1] - wOff[l]; k++) {
        const m = x[mo + k];
        lp -= 0.5 * m * m + HALF_LOG_TWO_PI;
        meanGrad[wOff[l] + k] = -m;
      }
      const u = x[layout.logSdOffsets[l]];
      const s = libm.exp(u);
      sd[l] = s;
      lp += LOG_HALF_NORMAL_CONST - 0.5 * s * s + u;
      sdGrad[l] = -s; // d/ds of −½ s²; the Jacobian's 1 is added on the log scale at the end
    }
    return lp;
  }

  /** W_l[g] = raw · sd + mean into W, the raw prior N(0, 1); zeroes dW. */
  function groupWeights(x: Float64Array, g: number): number {
    let lp = 0;
    for (let l = 0; l < L; l++) {
      const size = wOff[l + 1] - wOff[l];
      const ro = layout.rawOffsets[l] + g * size, mo = layout.meanOffsets[l], s = sd[l], base = wOff[l];
      for (let k = 0; k < size; k++) {
        const r = x[ro + k];
        lp -= 0.5 * r * r + HALF_LOG_TWO_PI;
        W[base + k] = r * s + x[mo + k];
      }
    }
    dW.fill(0);
    return lp;
  }

  /** Chain dW through W = raw · sd + mean; the raw prior adds −raw. */
  function groupGradient(x: Float64Array, g: number, gradOut: Float64Array): void {
    for (let l = 0; l < L; l++) {
      const size = wOff[l + 1] - wOff[l];
      const ro = layout.rawOffsets[l] + g * size, s = sd[l], base = wOff[l];
      let sg = 0;
      for (let k = 0; k < size; k++) {
        const r = x[ro + k], d = dW[base + k];
        gradOut[ro + k] = d * s - r;
        meanGrad[base + k] += d;
        sg += d * r;
      }
      sdGrad[l] += sg;
    }
  }

  function logDensityAndGrad(x: Float64Array, gradOut: Float64Array): number {
    if (x.length !== dim || gradOut.length !== dim) {
      throw new Error(`hierBnnFused: x and gradOut must have length ${dim}, got ${x.length} and ${gradOut.length}`);
    }
    let lp = hyperPriors(x);
    for (let g = 0; g < groups; g++) {
      lp += groupWeights(x, g);
      const { X, y } = data[g];
      lp += kernel(X, y, y.length, W, 0, dW, 0);
      groupGradient(x, g, gradOut);
    }
    for (let l = 0; l < L; l++) {
      gradOut.set(meanGrad.subarray(wOff[l], wOff[l + 1]), layout.meanOffsets[l]);
      // d/du = d/ds · s + 1 (the Jacobian term u).
      gradOut[layout.logSdOffsets[l]] = sdGrad[l] * sd[l] + 1;
    }
    return lp;
  }

  return { dim, logDensityAndGrad };
}
