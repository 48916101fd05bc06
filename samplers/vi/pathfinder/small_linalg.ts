/**
 * The dense linear algebra Pathfinder needs on small matrices (at most 2 × history size on a side,
 * or dim × 2·history): Householder QR with a thin Q, Cholesky, triangular solves. Row-major
 * Float64Arrays with explicit sizes; no allocation in the inner loops.
 */

/** Thin QR of the n×m matrix `a` (row-major): Q is n×k and R is k×m, k = min(n, m), A = Q R. */
export function thinQr(a: Float64Array, n: number, m: number): { q: Float64Array; r: Float64Array; k: number } {
  const k = Math.min(n, m);
  const work = a.slice();
  const vs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    // Householder vector v for column j below the diagonal: (I − 2vvᵀ) zeroes work[j+1.., j].
    let norm = 0;
    for (let i = j; i < n; i++) norm += work[i * m + j] * work[i * m + j];
    norm = Math.sqrt(norm);
    const v = new Float64Array(n);
    if (norm === 0) {
      vs.push(v);
      continue;
    }
    const alpha = work[j * m + j] > 0 ? -norm : norm;
    for (let i = j; i < n; i++) v[i] = work[i * m + j];
    v[j] -= alpha;
    let vnorm = 0;
    for (let i = j; i < n; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = j; i < n; i++) v[i] /= vnorm;
    for (let c = j; c < m; c++) {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i] * work[i * m + c];
      for (let i = j; i < n; i++) work[i * m + c] -= 2 * v[i] * dot;
    }
    vs.push(v);
  }
  const r = new Float64Array(k * m);
  for (let i = 0; i < k; i++) for (let c = i; c < m; c++) r[i * m + c] = work[i * m + c];
  // Q = H_0 H_1 … H_{k−1} applied to the first k columns of the identity.
  const q = new Float64Array(n * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i] * q[i * k + c];
      for (let i = j; i < n; i++) q[i * k + c] -= 2 * v[i] * dot;
    }
  }
  return { q, r, k };
}

/** Lower Cholesky factor of the symmetric k×k matrix `a`, or undefined when it is not positive definite. */
export function cholesky(a: Float64Array, k: number): Float64Array | undefined {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return undefined;
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j];
      }
    }
  }
  return l;
}

/** Solves U x = b in place for the upper-triangular k×k `u` (row-major). */
export function solveUpperInPlace(u: Float64Array, k: number, b: Float64Array): void {
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let j = i + 1; j < k; j++) s -= u[i * k + j] * b[j];
    b[i] = s / u[i * k + i];
  }
}
