/**
 * Decision surfaces on canvases: the posterior mean of P(class 1) over a grid (blue → white → red)
 * and its posterior sd (white → purple), with the group's training points on top.
 */
import type { Prediction } from '../../../models/bnn/predict.js';

/** The grid's extent on both axes; the standardised moons fit inside. */
export const GRID_EXTENT = 3;
export const GRID_SIZE = 48;

/** Grid points, row-major (y outer, x inner), y increasing downwards on the canvas. */
export function gridPoints(size = GRID_SIZE): Float64Array {
  const pts = new Float64Array(2 * size * size);
  for (let iy = 0; iy < size; iy++) {
    for (let ix = 0; ix < size; ix++) {
      pts[2 * (iy * size + ix)] = -GRID_EXTENT + (2 * GRID_EXTENT * (ix + 0.5)) / size;
      pts[2 * (iy * size + ix) + 1] = GRID_EXTENT - (2 * GRID_EXTENT * (iy + 0.5)) / size;
    }
  }
  return pts;
}

type Rgb = [number, number, number];
const lerp = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const BLUE: Rgb = [59, 76, 192];
const WHITE: Rgb = [242, 242, 242];
const RED: Rgb = [180, 4, 38];
const PURPLE: Rgb = [63, 0, 125];

function meanColour(p: number): Rgb {
  return p < 0.5 ? lerp(BLUE, WHITE, p / 0.5) : lerp(WHITE, RED, (p - 0.5) / 0.5);
}
/** sd of a probability is at most 0.5. */
function sdColour(sd: number): Rgb {
  return lerp(WHITE, PURPLE, Math.min(1, sd / 0.5));
}

function paint(canvas: HTMLCanvasElement, values: Float64Array, colour: (v: number) => Rgb, points: { X: number[][]; y: number[] }): void {
  const size = Math.round(Math.sqrt(values.length));
  const small = document.createElement('canvas');
  small.width = small.height = size;
  const sctx = small.getContext('2d')!;
  const img = sctx.createImageData(size, size);
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colour(values[i]);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
  const scale = canvas.width / (2 * GRID_EXTENT);
  points.X.forEach(([x, y], i) => {
    ctx.beginPath();
    ctx.arc((x + GRID_EXTENT) * scale, (GRID_EXTENT - y) * scale, 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = points.y[i] === 1 ? '#7a0019' : '#0b1f66';
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 0.8;
    ctx.fill();
    ctx.stroke();
  });
}

/** Paints one group's mean and sd canvases from a prediction over `gridPoints()`. */
export function paintSurfaces(meanCanvas: HTMLCanvasElement, sdCanvas: HTMLCanvasElement, prediction: Prediction, points: { X: number[][]; y: number[] }): void {
  paint(meanCanvas, prediction.mean, meanColour, points);
  paint(sdCanvas, prediction.sd, sdColour, points);
}

/** Clears a canvas to the page's empty-plot grey with its training points. */
export function paintEmpty(canvas: HTMLCanvasElement, points: { X: number[][]; y: number[] }): void {
  paint(canvas, new Float64Array(GRID_SIZE * GRID_SIZE).fill(0.5), () => [230, 230, 230], points);
}
