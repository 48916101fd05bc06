/**
 * The low-rank plus diagonal Fisher metric (nutpie's `low_rank.rs`; Seyboldt, Carlson & Carpenter
 * 2026, §4): after the diagonal rescaling x ↦ (x − μ)/σ, g ↦ σ∘g with σ⁴ = Var x / Var g, the
 * covariance in the subspace spanned by the centred draws and gradients is the Σ that solves
 * Σ B Σ = A for A = XXᵀ + γI, B = GGᵀ + γI (the geometric mean of A and B⁻¹, exact for a
 * Gaussian); its eigen-directions with eigenvalue above `cutoff` or below 1/`cutoff` form the
 * low-rank part, every other direction keeps the diagonal scale.
 */
import { lowRankInverseMassMatrix } from '../mcmc/metric.js';
import { cholesky } from '../../core/linalg.js';
import { symmetricEigenSelected } from './symmetric_eigen.js';

export interface LowRankOptions {
  /** γ, the regulariser added to both Gram matrices; 1e-5 as nutpie's `gamma`. */
  regularization?: number;
  /** Eigenvalues within [1/cutoff, cutoff] are dropped; 2 as nutpie. */
  cutoff?: number;
}

export const LOW_RANK_DEFAULTS = { regularization: 1e-5, cutoff: 2 } as const;

/** The estimate: packed inverse metric (diagonal when no direction stands out), eigenvalues and the shift. */
export interface LowRankEstimate {
  inverseMassMatrix: Float64Array;
  eigenvalues: Float64Array;
  shift: Float64Array;
}

/**
 * The low-rank Fisher estimate from `draws` and `grads` (n rows of length dim each, n >= 3), or
 * undefined when the diagonal scales are not all finite and positive. Cost O(dim·n² + n³): every
 * dim-length operation is a Gram matrix of the 2n scaled draws and gradients or a combination of
 * them; the rest works on r×r matrices, r <= min(dim, 2n) the rank of their span.
 */
export function fisherLowRank(draws: readonly Float64Array[], grads: readonly Float64Array[], options: LowRankOptions = {}): LowRankEstimate | undefined {
  const { regularization: gamma, cutoff } = { ...LOW_RANK_DEFAULTS, ...options };
  const n = draws.length;
  if (n < 3 || grads.length !== n) return undefined;
  const dim = draws[0].length;
  const scaled = rescale(draws, grads, dim);
  if (!scaled) return undefined;
  const { sigma, shift, z } = scaled;
  const variance = Float64Array.from(sigma, (s) => s * s);
  const diagonal = { inverseMassMatrix: variance, eigenvalues: new Float64Array(0), shift };
  const basis = spanCoordinates(z, 2 * n, dim, gamma);
  const r = basis.rank;
  // dim 1 has no low-rank part beyond its diagonal.
  if (dim < 2 || r === 0) return diagonal;
  const sub = subspaceMean(basis.coords, r, n, gamma, (v) => v > cutoff || v < 1 / cutoff);
  const k = sub.kept.length;
  if (k === 0 || Array.from(sub.kept).some((v) => !(v > 0) || !Number.isFinite(v))) return diagonal;
  const eigenvalues = sub.kept;
  const eigenvectors = orthonormalize(fromSubspace(z, basis, sub.vectors, k, n, dim), k, dim);
  if (!eigenvectors) return diagonal;
  return { inverseMassMatrix: lowRankInverseMassMatrix({ variance, eigenvalues, eigenvectors }), eigenvalues, shift };
}

/**
 * Coordinates of the columns z_a in an orthonormal basis Q of their span, from the pivoted
 * Cholesky factor of their Gram matrix (ZᵀZ = Rᵀ R with Z = Q R): `coords[i·m + a]` is R's entry (flat, m = 2n).
 * A pivot below γ/100 ends the factorisation: the remaining directions hold less than γ/100 of
 * draw and gradient energy, where A and B are γI to 1%, so Σ there is 1 to 1% and the cutoff
 * (> 1.01) would drop them anyway.
 */
function spanCoordinates(z: Float64Array, m: number, dim: number, gamma: number) {
  const k = gram(z, m, dim);
  const residual = Float64Array.from({ length: m }, (_, a) => k[a * m + a]);
  let maxDiag = 0;
  for (const v of residual) maxDiag = Math.max(maxDiag, v);
  const threshold = Math.max(gamma / 100, 1e-13 * maxDiag);
  const pivots: number[] = [];
  const done = new Uint8Array(m);
  // Column a of R, its first i entries, at ct[a·m ...] (left-looking: each new row is one dot product per column).
  const ct = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    let p = -1;
    for (let a = 0; a < m; a++) if (!done[a] && (p < 0 || residual[a] > residual[p])) p = a;
    if (!(residual[p] > threshold)) break;
    done[p] = 1;
    const rpp = Math.sqrt(residual[p]);
    ct[p * m + i] = rpp;
    for (let a = 0; a < m; a++) {
      if (done[a]) continue;
      const v = (k[p * m + a] - dot(ct, ct, p * m, a * m, i)) / rpp;
      ct[a * m + i] = v;
      residual[a] -= v * v;
    }
    pivots.push(p);
  }
  const r = pivots.length;
  const coords = new Float64Array(r * m); // row i of R at coords[i·m ...]
  for (let i = 0; i < r; i++) for (let a = 0; a < m; a++) coords[i * m + a] = ct[a * m + i];
  return { rank: r, pivots, coords };
}

/**
 * In the r-dimensional coordinates, Σ with Σ B Σ = A for A = CxCxᵀ + γI, B = CgCgᵀ + γI, and
 * its eigenpairs: with B = LLᵀ, Σ = L⁻ᵀ M^{1/2} L⁻¹ for M = LᵀAL = (LᵀCx)(LᵀCx)ᵀ + γLᵀL
 * (a sum of Gram matrices, so symmetric positive semidefinite as computed, and M >= γ²I exactly,
 * the floor its eigenvalues are clipped to). With M = VΘVᵀ, Σ = FFᵀ for F = L⁻ᵀVΘ^{1/4}, so Σ's
 * eigenvalues are those of FᵀF and its eigenvectors Fw/√λ: two r×r eigenproblems in all.
 */
function subspaceMean(coords: Float64Array, r: number, n: number, gamma: number, keep: (value: number) => boolean) {
  const m = 2 * n;
  // A itself is never formed: it enters only through M = LᵀAL below.
  const b = gram(coords, r, n, m, n);
  for (let i = 0; i < r; i++) b[i * r + i] += gamma;
  const l = cholesky(b, r);
  // LᵀAL = Lᵀ(CxCxᵀ + γI)L, formed as W Wᵀ + γ LᵀL with W = Lᵀ Cx.
  const w = new Float64Array(r * n);
  for (let i = 0; i < r; i++) for (let k = i; k < r; k++) {
    const lki = l[k * r + i];
    const ck = k * m;
    for (let t = 0; t < n; t++) w[i * n + t] += lki * coords[ck + t];
  }
  // LᵀL = Σ_k (row k of L)ᵀ(row k of L), accumulated along rows.
  const ltl = new Float64Array(r * r);
  for (let k = 0; k < r; k++) for (let i = 0; i <= k; i++) {
    const lki = l[k * r + i];
    for (let j = 0; j <= i; j++) ltl[i * r + j] += lki * l[k * r + j];
  }
  const mm = gram(w, r, n);
  for (let i = 0; i < r; i++) for (let j = 0; j <= i; j++) mm[i * r + j] = mm[j * r + i] = mm[i * r + j] + gamma * ltl[i * r + j];
  const em = symmetricEigenSelected(mm, r, () => true);
  const floor = gamma * gamma;
  // Fᵀ row j = θ_j^{1/4} (L⁻ᵀ v_j)ᵀ, column j of F = L⁻ᵀ V Θ^{1/4}: Lᵀ y = v_j by back substitution along rows of Lᵀ.
  const lt = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let k = 0; k <= i; k++) lt[k * r + i] = l[i * r + k];
  const ft = em.rows;
  for (let j = 0; j < r; j++) {
    const o = j * r;
    const q = Math.sqrt(Math.sqrt(Math.max(em.values[j], floor)));
    for (let i = r - 1; i >= 0; i--) {
      const s = ft[o + i] - dot(lt, ft, i * r + i + 1, o + i + 1, r - i - 1);
      ft[o + i] = s / lt[i * r + i];
    }
    for (let i = 0; i < r; i++) ft[o + i] *= q;
  }
  // H = FᵀF, the Gram matrix of the rows of Fᵀ: Σ = FFᵀ has its eigenvalues, and eigenvectors F w / √λ.
  const h = gram(ft, r, r);
  const eh = symmetricEigenSelected(h, r, keep);
  const k = eh.selected.length;
  const kept = Float64Array.from(eh.selected, (j) => eh.values[j]);
  const vectors = new Float64Array(k * r);
  for (let q = 0; q < k; q++) {
    const y = vectors.subarray(q * r, (q + 1) * r);
    const norm = Math.sqrt(kept[q]);
    for (let j = 0; j < r; j++) {
      const c = eh.rows[q * r + j] / norm;
      if (c !== 0) for (let i = 0; i < r; i++) y[i] += c * ft[j * r + i];
    }
  }
  return { kept, vectors };
}

/** u = Q y for each of the k rows y of `ys`, with Q = Z_P R₁₁⁻¹ (the pivot rows of z and the triangular block of R). */
function fromSubspace(z: Float64Array, basis: ReturnType<typeof spanCoordinates>, ys: Float64Array, k: number, n: number, dim: number): Float64Array {
  const { rank: r, pivots, coords } = basis;
  const out = new Float64Array(k * dim);
  const t = new Float64Array(r);
  for (let row = 0; row < k; row++) {
    // R₁₁ t = y, back substitution; R₁₁[i][q] = coords[i·m + pivots[q]], zero for q < i.
    for (let i = r - 1; i >= 0; i--) {
      let s = ys[row * r + i];
      const ci = i * 2 * n;
      for (let q = i + 1; q < r; q++) s -= coords[ci + pivots[q]] * t[q];
      t[i] = s / coords[ci + pivots[i]];
    }
    // u += Σ_q t_q z_{p_q}, four rows of z a pass.
    const o = row * dim;
    let q = 0;
    for (; q + 3 < r; q += 4) {
      const z0 = pivots[q] * dim, z1 = pivots[q + 1] * dim, z2 = pivots[q + 2] * dim, z3 = pivots[q + 3] * dim;
      const t0 = t[q], t1 = t[q + 1], t2 = t[q + 2], t3 = t[q + 3];
      for (let i = 0; i < dim; i++) out[o + i] += t0 * z[z0 + i] + t1 * z[z1 + i] + t2 * z[z2 + i] + t3 * z[z3 + i];
    }
    for (; q < r; q++) {
      const zq = pivots[q] * dim;
      const tq = t[q];
      for (let i = 0; i < dim; i++) out[o + i] += tq * z[zq + i];
    }
  }
  return out;
}

/**
 * The k rows of `u` made orthonormal by U ← L⁻¹U with UUᵀ = LLᵀ (Cholesky QR): Q = Z R⁻¹ from
 * a Gram factor is orthonormal only to about ε·cond(Z)², this second pass restores it. Undefined
 * when the rows are numerically dependent.
 */
function orthonormalize(u: Float64Array, k: number, dim: number): Float64Array | undefined {
  const gm = gram(u, k, dim);
  let l: Float64Array;
  try {
    l = cholesky(gm, k);
  } catch {
    return undefined;
  }
  const out = Float64Array.from(u);
  for (let i = 0; i < k; i++) {
    const oi = i * dim;
    for (let j = 0; j < i; j++) {
      const lij = l[i * k + j];
      const oj = j * dim;
      for (let c = 0; c < dim; c++) out[oi + c] -= lij * out[oj + c];
    }
    const lii = l[i * k + i];
    for (let c = 0; c < dim; c++) out[oi + c] /= lii;
  }
  return out;
}

/** The diagonal rescaling and centring (nutpie's `rescale_points`), into one buffer: rows 0..n−1 the draws, n..2n−1 the gradients. */
function rescale(draws: readonly Float64Array[], grads: readonly Float64Array[], dim: number) {
  const n = draws.length;
  const sigma = new Float64Array(dim);
  const shift = new Float64Array(dim);
  const z = new Float64Array(2 * n * dim);
  for (let i = 0; i < dim; i++) {
    let mx = 0;
    let mg = 0;
    for (let t = 0; t < n; t++) {
      mx += draws[t][i];
      mg += grads[t][i];
    }
    mx /= n;
    mg /= n;
    let vx = 0;
    let vg = 0;
    for (let t = 0; t < n; t++) {
      const dx = draws[t][i] - mx;
      const dg = grads[t][i] - mg;
      vx += dx * dx;
      vg += dg * dg;
    }
    const s = Math.sqrt(Math.sqrt(vx / vg));
    if (!(s > 0) || !Number.isFinite(s)) return undefined;
    sigma[i] = s;
    shift[i] = mx + s * s * mg;
    // After scaling, the means are (x̄ − μ)/σ and σḡ; centring removes them.
    const cx = (mx - shift[i]) / s;
    const cg = mg * s;
    for (let t = 0; t < n; t++) {
      z[t * dim + i] = (draws[t][i] - shift[i]) / s - cx;
      z[(n + t) * dim + i] = grads[t][i] * s - cg;
    }
  }
  return { sigma, shift, z };
}

/**
 * The Gram matrix (m×m, row-major) of m rows of `len` entries, row a at `rows[a·stride + offset ...]`:
 * each row against four others a pass.
 */
function gram(rows: Float64Array, m: number, len: number, stride = len, offset = 0): Float64Array {
  const out = new Float64Array(m * m);
  const set = (a: number, b: number, v: number) => (out[a * m + b] = out[b * m + a] = v);
  for (let a = 0; a < m; a++) {
    const pa = a * stride + offset;
    // Rows a and a+1 against four rows b..b+3 <= a: six loads for eight products.
    const pair = a + 1 < m;
    const pa1 = pa + stride;
    let b = 0;
    for (; b + 3 <= a; b += 4) {
      const p0 = b * stride + offset, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
      if (pair) {
        for (let i = 0; i < len; i++) {
          const x = rows[pa + i], y = rows[pa1 + i];
          const q0 = rows[p0 + i], q1 = rows[p1 + i], q2 = rows[p2 + i], q3 = rows[p3 + i];
          s0 += x * q0; s1 += x * q1; s2 += x * q2; s3 += x * q3;
          t0 += y * q0; t1 += y * q1; t2 += y * q2; t3 += y * q3;
        }
        set(a + 1, b, t0); set(a + 1, b + 1, t1); set(a + 1, b + 2, t2); set(a + 1, b + 3, t3);
      } else {
        for (let i = 0; i < len; i++) {
          const x = rows[pa + i];
          s0 += x * rows[p0 + i]; s1 += x * rows[p1 + i]; s2 += x * rows[p2 + i]; s3 += x * rows[p3 + i];
        }
      }
      set(a, b, s0); set(a, b + 1, s1); set(a, b + 2, s2); set(a, b + 3, s3);
    }
    for (let c = b; c <= a; c++) set(a, c, dot(rows, rows, pa, c * stride + offset, len));
    if (pair) for (let c = b; c <= a + 1; c++) set(a + 1, c, dot(rows, rows, pa1, c * stride + offset, len));
    if (pair) a++;
  }
  return out;
}

/** Σ p[op + i]·q[oq + i] for i < len, four partial sums (one running sum waits on every add). */
function dot(p: Float64Array, q: Float64Array, op: number, oq: number, len: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += p[op + i] * q[oq + i];
    s1 += p[op + i + 1] * q[oq + i + 1];
    s2 += p[op + i + 2] * q[oq + i + 2];
    s3 += p[op + i + 3] * q[oq + i + 3];
  }
  for (; i < len; i++) s0 += p[op + i] * q[oq + i];
  return s0 + s1 + (s2 + s3);
}
