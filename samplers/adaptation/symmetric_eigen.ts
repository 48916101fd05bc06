/**
 * Eigendecomposition of a symmetric matrix (Golub & Van Loan, §8.3): accurate to working
 * precision for any symmetric input, O(n³). The low-rank Fisher estimator uses it on matrices of
 * at most min(dim, 2·draws) rows.
 */

export interface SymmetricEigen {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix: vectors[i·n + j] is entry i of vector j. */
  vectors: Float64Array;
}

/**
 * Householder reduction to tridiagonal form, then the implicit QL algorithm (EISPACK's tred2 and
 * tql2, as JAMA ports them): about 9n³ flops with the vectors, several times fewer than Jacobi.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected an ${n}×${n} matrix (length ${n * n}), got length ${a.length}`);
  const vt = Array.from({ length: n }, (_, i) => Float64Array.from(a.subarray(i * n, (i + 1) * n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) {
    // vt[j] is column j of V throughout, so the QL rotations, which combine two columns, run along rows.
    tridiagonalize(vt, d, e, n);
    tridiagonalQl(vt, d, e, n);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = Float64Array.from(order, (i) => d[i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, j) => {
    const col = vt[src];
    for (let i = 0; i < n; i++) vectors[i * n + j] = col[i];
  });
  return { values, vectors };
}

/**
 * tred2: T becomes the transpose of the orthogonal transform V (T[j] is column j of V), d the
 * diagonal and e the sub-diagonal (e[0] = 0). JAMA indexes V down columns; T runs along rows,
 * contiguous in memory (A is symmetric, so T starts as A itself).
 */
function tridiagonalize(T: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = T[j][n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = T[j][i - 1];
        T[j][i] = 0;
        T[i][j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        T[i][j] = f;
        g = e[j] + T[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += T[j][k] * d[k];
          e[k] += T[j][k] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) T[j][k] -= f * e[k] + g * d[k];
        d[j] = T[j][i - 1];
        T[j][i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    T[i][n - 1] = T[i][i];
    T[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = T[i + 1][k] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += T[i + 1][k] * T[j][k];
        for (let k = 0; k <= i; k++) T[j][k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) T[i + 1][k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = T[j][n - 1];
    T[j][n - 1] = 0;
  }
  T[n - 1][n - 1] = 1;
  e[0] = 0;
}

/** tql2: eigenvalues of the tridiagonal (d, e) into d, the eigenvectors accumulated into Vt (Vt[j] is column j of V). */
function tridiagonalQl(Vt: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
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
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
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
          const vi = Vt[i];
          const vi1 = Vt[i + 1];
          for (let k = 0; k < n; k++) {
            h = vi1[k];
            vi1[k] = s * vi[k] + c * h;
            vi[k] = c * vi[k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]) > eps * tst1)) break;
      }
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** f(A) = V f(Λ) Vᵀ for a symmetric A with eigendecomposition `e`. */
export function matrixFunction(e: SymmetricEigen, n: number, f: (x: number) => number): Float64Array {
  const fv = Float64Array.from(e.values, f);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += e.vectors[i * n + k] * fv[k] * e.vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** √(a² + b²) without overflow, from IEEE-exact operations only (Math.hypot differs between engines). */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const m = Math.max(x, y);
  if (m === 0 || m === Infinity) return m;
  const u = x / m;
  const v = y / m;
  return m * Math.sqrt(u * u + v * v);
}
