/**
 * Eigenpairs of a symmetric tridiagonal matrix T (diagonal d, off-diagonal e with e[i] = T[i+1][i]):
 * eigenvalues by the implicit QL algorithm without vectors (EISPACK's tql1, O(n²)), eigenvectors
 * of the wanted ones by inverse iteration with reorthogonalisation inside clusters (LAPACK's
 * dstein), O(n) a vector outside clusters. The QL algorithm with vectors (tql2, ~5n³ flops) stays
 * as the fallback for when inverse iteration does not reach a small residual.
 */

const EPS = 2 ** -52;

/** The unreduced blocks [start, end) of T: e[i] is negligible (|e_i| <= ε‖T‖) at every block boundary. */
export function tridiagonalBlocks(d: Float64Array, e: Float64Array, n: number, norm: number): number[] {
  const starts = [0];
  for (let i = 0; i + 1 < n; i++) if (Math.abs(e[i]) <= EPS * norm) starts.push(i + 1);
  starts.push(n);
  return starts;
}

/** max_i |d_i| + |e_{i−1}| + |e_i|, the ∞-norm of T. */
export function tridiagonalNorm(d: Float64Array, e: Float64Array, n: number): number {
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0) + (i + 1 < n ? Math.abs(e[i]) : 0));
  return norm;
}

/**
 * tql1/tql2 on T (d, e of length n, e[i] coupling i and i+1; both overwritten, d with the
 * eigenvalues, unordered). With `vt` (n rows of length `stride`), the rotations are applied to
 * its rows, so starting from the identity row j ends as eigenvector j.
 */
export function implicitQl(d: Float64Array, e: Float64Array, n: number, vt?: Float64Array, stride = n): void {
  if (n === 0) return;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      for (let iter = 0; ; iter++) {
        if (iter > 60) throw new Error('symmetricEigen: the QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1];
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vt) rotateRows(vt, i * stride, (i + 1) * stride, stride, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]) > EPS * tst1)) break;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** (row a, row b) ← (c·a − s·b, s·a + c·b), the QL rotation on two eigenvector rows. */
function rotateRows(v: Float64Array, a: number, b: number, len: number, c: number, s: number): void {
  for (let k = 0; k < len; k++) {
    const x = v[a + k];
    const y = v[b + k];
    v[b + k] = s * x + c * y;
    v[a + k] = c * x - s * y;
  }
}

/**
 * Inverse iteration on the unreduced block T[lo, hi) for its eigenvalues `values` (ascending,
 * accurate to about ε‖T‖): each vector, normalised, is written into `out` at row offset
 * `rows[q]·stride + lo`. Eigenvalues closer than 10⁻³‖T‖ form a cluster, within which each new
 * vector is orthogonalised against the previous ones (dstein's rule); equal eigenvalues are
 * separated by 10ε|λ| first. Returns false when a vector's residual ‖(T − λI)z‖ stays above
 * 100·size·ε‖T‖, for the caller to fall back to the QL algorithm.
 */
export function inverseIteration(d: Float64Array, e: Float64Array, lo: number, hi: number, norm: number, values: readonly number[], out: Float64Array, rows: readonly number[], stride: number): boolean {
  const bs = hi - lo;
  if (bs === 1) {
    out[rows[0] * stride + lo] = 1;
    return true;
  }
  const work = new TridiagonalLu(bs);
  const x = new Float64Array(bs);
  const clusterTol = 1e-3 * norm;
  const tiny = EPS * norm;
  let clusterStart = 0;
  let seed = 0x2545f491;
  let prev = -Infinity;
  for (let q = 0; q < values.length; q++) {
    let lambda = values[q];
    if (q > 0 && lambda - values[q - 1] > clusterTol) clusterStart = q;
    // Equal (to roundoff) shifts would give the same vector twice; dstein's separation.
    if (lambda - prev < 10 * EPS * Math.abs(lambda)) lambda = prev + 10 * EPS * Math.abs(lambda);
    prev = lambda;
    work.factor(d, e, lo, bs, lambda, tiny);
    for (let i = 0; i < bs; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      x[i] = (seed >>> 8) / 2 ** 23 - 1; // deterministic start in [−1, 1)
    }
    let converged = 0;
    for (let iter = 0; iter < 8 && converged < 2; iter++) {
      scaleToUnitMax(x);
      work.solve(x);
      for (let p = clusterStart; p < q; p++) {
        const base = rows[p] * stride + lo;
        let s = 0;
        for (let i = 0; i < bs; i++) s += out[base + i] * x[i];
        for (let i = 0; i < bs; i++) x[i] -= s * out[base + i];
      }
      const growth = maxAbs(x);
      // A growth of 1/(bs·ε‖T‖) from a unit start means the shift is an eigenvalue to roundoff.
      if (growth * bs * tiny >= 0.1) converged++;
    }
    let nrm = 0;
    for (let i = 0; i < bs; i++) nrm += x[i] * x[i];
    nrm = Math.sqrt(nrm);
    if (!(nrm > 0) || !Number.isFinite(nrm)) return false;
    const base = rows[q] * stride + lo;
    for (let i = 0; i < bs; i++) out[base + i] = x[i] / nrm;
    if (residual(d, e, lo, bs, values[q], out, base) > 100 * bs * EPS * norm) return false;
  }
  return true;
}

/** ‖(T − λI) z‖∞ for the block vector z at `out[base ...]`. */
function residual(d: Float64Array, e: Float64Array, lo: number, bs: number, lambda: number, z: Float64Array, base: number): number {
  let worst = 0;
  for (let i = 0; i < bs; i++) {
    let s = (d[lo + i] - lambda) * z[base + i];
    if (i > 0) s += e[lo + i - 1] * z[base + i - 1];
    if (i + 1 < bs) s += e[lo + i] * z[base + i + 1];
    worst = Math.max(worst, Math.abs(s));
  }
  return worst;
}

function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  return m;
}

function scaleToUnitMax(x: Float64Array): void {
  const m = maxAbs(x);
  if (m > 0) for (let i = 0; i < x.length; i++) x[i] /= m;
}

/** LU with partial pivoting of T − λI for a tridiagonal block (LAPACK's dgttrf/dgttrs); tiny pivots raised to `tiny`. */
class TridiagonalLu {
  private readonly u0: Float64Array; // U's diagonal
  private readonly u1: Float64Array; // first superdiagonal
  private readonly u2: Float64Array; // second superdiagonal (fill from row swaps)
  private readonly l: Float64Array; // multipliers
  private readonly swap: Uint8Array;
  private n = 0;
  constructor(capacity: number) {
    this.u0 = new Float64Array(capacity);
    this.u1 = new Float64Array(capacity);
    this.u2 = new Float64Array(capacity);
    this.l = new Float64Array(capacity);
    this.swap = new Uint8Array(capacity);
  }

  factor(d: Float64Array, e: Float64Array, lo: number, n: number, lambda: number, tiny: number): void {
    const { u0, u1, u2, l, swap } = this;
    this.n = n;
    for (let i = 0; i < n; i++) {
      u0[i] = d[lo + i] - lambda;
      u1[i] = i + 1 < n ? e[lo + i] : 0;
      u2[i] = 0;
    }
    for (let i = 0; i + 1 < n; i++) {
      const sub = e[lo + i];
      if (Math.abs(u0[i]) >= Math.abs(sub)) {
        swap[i] = 0;
        if (u0[i] === 0) u0[i] = tiny;
        l[i] = sub / u0[i];
        u0[i + 1] -= l[i] * u1[i];
      } else {
        swap[i] = 1;
        const fact = u0[i] / sub;
        u0[i] = sub;
        l[i] = fact;
        const t = u1[i];
        u1[i] = u0[i + 1];
        u0[i + 1] = t - fact * u0[i + 1];
        if (i + 2 < n) {
          u2[i] = u1[i + 1];
          u1[i + 1] = -fact * u1[i + 1];
        }
      }
    }
    for (let i = 0; i < n; i++) if (Math.abs(u0[i]) < tiny) u0[i] = u0[i] < 0 ? -tiny : tiny;
  }

  /** x ← (T − λI)⁻¹ x. */
  solve(x: Float64Array): void {
    const { u0, u1, u2, l, swap, n } = this;
    for (let i = 0; i + 1 < n; i++) {
      if (swap[i] === 0) x[i + 1] -= l[i] * x[i];
      else {
        const t = x[i];
        x[i] = x[i + 1];
        x[i + 1] = t - l[i] * x[i + 1];
      }
    }
    x[n - 1] /= u0[n - 1];
    if (n > 1) x[n - 2] = (x[n - 2] - u1[n - 2] * x[n - 1]) / u0[n - 2];
    for (let i = n - 3; i >= 0; i--) x[i] = (x[i] - u1[i] * x[i + 1] - u2[i] * x[i + 2]) / u0[i];
  }
}

/** √(a² + b²) without overflow, from IEEE-exact operations only (Math.hypot differs between engines). */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const m = Math.max(x, y);
  if (m === 0 || m === Infinity) return m;
  const u = x / m;
  const v = y / m;
  return m * Math.sqrt(u * u + v * v);
}
