/**
 * The diagonal Fisher-divergence metric (Seyboldt, Carlson & Carpenter 2026; nutpie's default):
 * per coordinate the variance
 *
 *   σᵢ² = sqrt(Var[xᵢ] / Var[∂ᵢ log p])
 *
 * from the draws and their gradients, the minimiser over diagonal affine maps x = μ + σ∘y of the
 * sample Fisher divergence to a standard normal. For a Gaussian N(m, Σ) it tends to
 * exp(½ log diag Σ − ½ log diag Σ⁻¹), between Stan's diag Σ and the inverse of diag Σ⁻¹. The fit's
 * location, μ = x̄ + σ²∘ḡ (the "shift"), is reported but needs no use: Euclidean HMC is unchanged
 * by a translation.
 */

/** Running means and sums of squared deviations of draws and gradients (Welford). */
export class DrawGradMoments {
  count = 0;
  readonly drawMean: Float64Array;
  readonly gradMean: Float64Array;
  readonly drawM2: Float64Array;
  readonly gradM2: Float64Array;
  constructor(readonly dim: number) {
    this.drawMean = new Float64Array(dim);
    this.gradMean = new Float64Array(dim);
    this.drawM2 = new Float64Array(dim);
    this.gradM2 = new Float64Array(dim);
  }

  add(draw: Float64Array, grad: Float64Array): void {
    this.count += 1;
    const w = 1 / this.count;
    for (let i = 0; i < this.dim; i++) {
      const dx = draw[i] - this.drawMean[i];
      this.drawMean[i] += dx * w;
      this.drawM2[i] += dx * (draw[i] - this.drawMean[i]);
      const dg = grad[i] - this.gradMean[i];
      this.gradMean[i] += dg * w;
      this.gradM2[i] += dg * (grad[i] - this.gradMean[i]);
    }
  }
}

/** Limits on σ² (nutpie's 1e-20 and 1e20). */
export const FISHER_VARIANCE_LIMITS = { lower: 1e-20, upper: 1e20 } as const;

const clampVariance = (v: number) => Math.min(FISHER_VARIANCE_LIMITS.upper, Math.max(FISHER_VARIANCE_LIMITS.lower, v));

/**
 * σ² = sqrt(Var x / Var g) from `m` (at least 3 draws, as nutpie), or undefined with fewer. A
 * coordinate whose ratio is 0 or not finite (a constant gradient, say) keeps its `previous` value.
 */
export function fisherDiagonal(m: DrawGradMoments, previous: Float64Array): Float64Array | undefined {
  if (m.count < 3) return undefined;
  const out = new Float64Array(m.dim);
  for (let i = 0; i < m.dim; i++) {
    const v = Math.sqrt(m.drawM2[i] / m.gradM2[i]); // the 1/(n − 1) factors cancel
    out[i] = Number.isFinite(v) && v > 0 ? clampVariance(v) : previous[i];
  }
  return out;
}

/** The location of the affine fit, μ = x̄ + σ²∘ḡ. */
export function fisherShift(m: DrawGradMoments, variance: Float64Array): Float64Array {
  return Float64Array.from(m.drawMean, (x, i) => x + variance[i] * m.gradMean[i]);
}

/**
 * nutpie's metric before any draw: σ² = 1/|∂ᵢ log p| at the initial point (a Gaussian's exact
 * variance when the start is one standard deviation out); 1 where the gradient is 0 or not finite.
 */
export function gradientInitialVariance(grad: Float64Array): Float64Array {
  return Float64Array.from(grad, (g) => {
    const v = 1 / Math.min(FISHER_VARIANCE_LIMITS.upper, Math.max(FISHER_VARIANCE_LIMITS.lower, Math.abs(g)));
    return Number.isFinite(v) ? v : 1;
  });
}
