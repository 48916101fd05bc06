/**
 * Pathfinder's normal approximation at one L-BFGS iterate (Zhang, Carpenter, Gelman & Vehtari,
 * "Pathfinder: Parallel quasi-Newton variational inference", JMLR 23 (2022), Alg. 2–4; Stan's
 * `services/pathfinder/single.hpp`): q = N(x + H∇log p(x), H), with H the L-BFGS inverse Hessian
 * of −log p built from the last J curvature pairs (s, y) = (Δx, Δ∇(−log p)) and the diagonal α.
 *
 * H in compact form (Byrd, Nocedal & Schnabel 1994): with N = −R⁻¹Sᵀ (R the upper triangle of
 * SᵀY) and D = diag(sᵢᵀyᵢ),
 *   H = α + αY N + Nᵀ Yᵀα + Nᵀ (YᵀαY + D) N = α^½ (I + W̄ M̄ W̄ᵀ) α^½,
 *   W̄ = [α^½ Y, α^-½ Nᵀ],  M̄ = [[0, I], [I, YᵀαY + D]].
 * A thin QR W̄ = Q R̄ and the Cholesky factor L̄ of I + R̄ M̄ R̄ᵀ (2J × 2J at most) then give draws
 * x = μ + α^½ (Q (L̄ − I) Qᵀu + u), u ~ N(0, I), with
 * log q(x) = −½ Σ log α − Σ log L̄ᵢᵢ − ½‖u‖² − ½ d log 2π: O(d J²) work, never a d × d matrix.
 */
import * as libm from '../../../core/libm.js';
import { cholesky, solveUpperInPlace, thinQr } from './small_linalg.js';

const HALF_LOG_TWO_PI = 0.5 * libm.log(2 * Math.PI);

/** One curvature pair: s = x_{k+1} − x_k and y = ∇f(x_{k+1}) − ∇f(x_k) for f = −log p. */
export interface CurvaturePair {
  readonly s: Float64Array;
  readonly y: Float64Array;
}

/** Stan's `check_curve`: sᵀy > 0 and yᵀy / sᵀy ≤ 1e12 (the paper's condition, guarding against a near-singular pair). */
export function curvatureOk({ s, y }: CurvaturePair): boolean {
  const sy = dot(s, y);
  return sy > 0 && Math.abs(dot(y, y) / sy) <= 1e12;
}

/** The paper's eq. (4.9) / Stan's `form_diag`: the diagonal α updated by an accepted pair. */
export function updateDiagonal(alpha: Float64Array, { s, y }: CurvaturePair): Float64Array {
  let yAy = 0;
  let sAinvS = 0;
  for (let i = 0; i < alpha.length; i++) {
    yAy += y[i] * alpha[i] * y[i];
    sAinvS += (s[i] * s[i]) / alpha[i];
  }
  const sy = dot(s, y);
  return Float64Array.from(alpha, (a, i) => sy / (yAy / a + y[i] * y[i] - (yAy / sAinvS) * (s[i] / a) * (s[i] / a)));
}

export interface NormalApproximation {
  readonly dim: number;
  readonly mean: Float64Array;
  /** log det of the Cholesky factor of H, i.e. ½ log det H. */
  readonly logDetCholH: number;
  /** x = μ + (factor of H) u for a standard normal `u`, into `out`; returns log q(x). */
  draw(u: Float64Array, out: Float64Array): number;
  /** Marginal variances diag(H). */
  variances(): Float64Array;
}

/**
 * The approximation at x (with ∇log p(x) = `gradLogP`) from α and the pairs (oldest first);
 * undefined when α or I + R̄M̄R̄ᵀ is not positive definite (the iterate is then skipped).
 */
export function normalApproximation(alpha: Float64Array, pairs: readonly CurvaturePair[], x: Float64Array, gradLogP: Float64Array): NormalApproximation | undefined {
  const d = x.length;
  if (!alpha.every((a) => a > 0 && Number.isFinite(a))) return undefined;
  const sqrtAlpha = Float64Array.from(alpha, Math.sqrt);
  const halfLogDetAlpha = alpha.reduce((s, a) => s + 0.5 * libm.log(a), 0);
  const m = pairs.length;
  if (m === 0) {
    const mean = Float64Array.from(x, (xi, i) => xi + alpha[i] * gradLogP[i]);
    return diagonalApproximation(mean, sqrtAlpha, halfLogDetAlpha);
  }
  const { nMat, yAyD } = compactFactors(alpha, pairs);
  const mean = x.slice();
  addHv(alpha, pairs, nMat, yAyD, gradLogP, mean);
  // W̄ (d × 2m), row-major.
  const w = new Float64Array(d * 2 * m);
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < m; i++) {
      w[c * 2 * m + i] = sqrtAlpha[c] * pairs[i].y[c];
      w[c * 2 * m + m + i] = nMat[i * d + c] / sqrtAlpha[c];
    }
  }
  const { q, r, k } = thinQr(w, d, 2 * m);
  const b = innerMatrix(r, k, m, yAyD);
  const lBar = cholesky(b, k);
  if (!lBar) return undefined;
  let logDetL = 0;
  for (let i = 0; i < k; i++) logDetL += libm.log(lBar[i * k + i]);
  const logDetCholH = logDetL + halfLogDetAlpha;
  if (!Number.isFinite(logDetCholH) || !mean.every(Number.isFinite)) return undefined;
  const t = new Float64Array(k);
  const t2 = new Float64Array(k);
  return {
    dim: d,
    mean,
    logDetCholH,
    draw(u, out) {
      t.fill(0);
      for (let c = 0; c < d; c++) for (let j = 0; j < k; j++) t[j] += q[c * k + j] * u[c];
      for (let i = 0; i < k; i++) {
        let s = -t[i];
        for (let j = 0; j <= i; j++) s += lBar[i * k + j] * t[j];
        t2[i] = s;
      }
      let uu = 0;
      for (let c = 0; c < d; c++) {
        let s = u[c];
        for (let j = 0; j < k; j++) s += q[c * k + j] * t2[j];
        out[c] = mean[c] + sqrtAlpha[c] * s;
        uu += u[c] * u[c];
      }
      return -logDetCholH - 0.5 * uu - d * HALF_LOG_TWO_PI;
    },
    variances() {
      // diag(H) = α_c (1 + Σ_j (Q(L̄L̄ᵀ − I)Qᵀ)_cc) = α_c (1 + ‖L̄ᵀ Q_cᵀ‖² − ‖Q_c‖²)
      return Float64Array.from(alpha, (a, c) => {
        let extra = 0;
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let i = j; i < k; i++) s += lBar[i * k + j] * q[c * k + i];
          extra += s * s - q[c * k + j] * q[c * k + j];
        }
        return a * (1 + extra);
      });
    },
  };
}

function diagonalApproximation(mean: Float64Array, sqrtAlpha: Float64Array, logDetCholH: number): NormalApproximation {
  const d = mean.length;
  return {
    dim: d,
    mean,
    logDetCholH,
    draw(u, out) {
      let uu = 0;
      for (let c = 0; c < d; c++) {
        out[c] = mean[c] + sqrtAlpha[c] * u[c];
        uu += u[c] * u[c];
      }
      return -logDetCholH - 0.5 * uu - d * HALF_LOG_TWO_PI;
    },
    variances: () => Float64Array.from(sqrtAlpha, (s) => s * s),
  };
}

/** N = −R⁻¹Sᵀ (m × d, row-major) and YᵀαY + D (m × m). */
function compactFactors(alpha: Float64Array, pairs: readonly CurvaturePair[]): { nMat: Float64Array; yAyD: Float64Array } {
  const m = pairs.length;
  const d = alpha.length;
  const rMat = new Float64Array(m * m);
  const yAyD = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i <= j) rMat[i * m + j] = dot(pairs[i].s, pairs[j].y);
      let s = 0;
      for (let c = 0; c < d; c++) s += pairs[i].y[c] * alpha[c] * pairs[j].y[c];
      yAyD[i * m + j] = s + (i === j ? dot(pairs[i].s, pairs[i].y) : 0);
    }
  }
  const nMat = new Float64Array(m * d);
  const col = new Float64Array(m);
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < m; i++) col[i] = -pairs[i].s[c];
    solveUpperInPlace(rMat, m, col);
    for (let i = 0; i < m; i++) nMat[i * d + c] = col[i];
  }
  return { nMat, yAyD };
}

/** out += H v with H = α + αY N + Nᵀ Yᵀα + Nᵀ (YᵀαY + D) N. */
function addHv(alpha: Float64Array, pairs: readonly CurvaturePair[], nMat: Float64Array, yAyD: Float64Array, v: Float64Array, out: Float64Array): void {
  const m = pairs.length;
  const d = v.length;
  const nv = new Float64Array(m);
  const yav = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < d; c++) {
      nv[i] += nMat[i * d + c] * v[c];
      yav[i] += pairs[i].y[c] * alpha[c] * v[c];
    }
  }
  const inner = new Float64Array(m); // Yᵀαv + (YᵀαY + D) N v
  for (let i = 0; i < m; i++) {
    let s = yav[i];
    for (let j = 0; j < m; j++) s += yAyD[i * m + j] * nv[j];
    inner[i] = s;
  }
  for (let c = 0; c < d; c++) {
    let s = alpha[c] * v[c];
    for (let i = 0; i < m; i++) s += alpha[c] * pairs[i].y[c] * nv[i] + nMat[i * d + c] * inner[i];
    out[c] += s;
  }
}

/** I_k + R̄ M̄ R̄ᵀ for R̄ (k × 2m) and M̄ = [[0, I], [I, YᵀαY + D]]. */
function innerMatrix(r: Float64Array, k: number, m: number, yAyD: Float64Array): Float64Array {
  const w2 = 2 * m;
  const rm = new Float64Array(k * w2); // R̄ M̄
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m; j++) {
      rm[i * w2 + j] = r[i * w2 + m + j]; // first block column: R̄₂
      let s = r[i * w2 + j]; // second block column: R̄₁ + R̄₂ (YᵀαY + D)
      for (let p = 0; p < m; p++) s += r[i * w2 + m + p] * yAyD[p * m + j];
      rm[i * w2 + m + j] = s;
    }
  }
  const b = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let s = i === j ? 1 : 0;
      for (let p = 0; p < w2; p++) s += rm[i * w2 + p] * r[j * w2 + p];
      b[i * k + j] = s;
    }
  }
  // Symmetrise against rounding before the Cholesky factorisation.
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) b[i * k + j] = b[j * k + i] = 0.5 * (b[i * k + j] + b[j * k + i]);
  return b;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
