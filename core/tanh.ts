/**
 * tanh in plain IEEE arithmetic: the same bits in every JavaScript engine (see libm.ts), and
 * faster than both Math.tanh and stdlib's port of fdlibm's tanh. It is the hot function of the
 * BNNs (9,000 calls per gradient of the study's hierarchical model), where stdlib's version made
 * a gradient 23% slower (bench: 768 vs 624 µs); this one takes 0.83× Math.tanh's time and stays
 * within 5 ulp of it (test/libm.test.ts checks both).
 *
 * - |x| < 0.4: the Taylor series x + Σ c_n x^(2n+1), 12 terms; the next term is below 2^-60·|x|.
 * - 0.4 ≤ |x| < 22: with e = exp(−2|x|), tanh = (1 − e)/(1 + e). exp is reduced as usual,
 *   −2|x| = k·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two so k·LN2_HI is exact), and
 *   exp(r) = P(r)/P(−r) with P the [6/6] Padé numerator (error < 2·10^-19 on that interval).
 *   Writing P(±r) = even ± odd, the whole expression needs one division.
 * - |x| ≥ 22: ±1 (tanh(22) rounds to 1); NaN stays NaN, and −0 stays −0.
 */

/** Taylor coefficients of tanh: 2^(2n)(2^(2n) − 1) B_(2n) / (2n)!, for x^3 … x^25. */
const T3 = -0.3333333333333333;
const T5 = 0.13333333333333333;
const T7 = -0.05396825396825397;
const T9 = 0.021869488536155203;
const T11 = -0.008863235529902197;
const T13 = 0.003592128036572481;
const T15 = -0.0014558343870513183;
const T17 = 0.000590027440945586;
const T19 = -0.00023912911424355248;
const T21 = 9.691537956929451e-5;
const T23 = -3.927832388331683e-5;
const T25 = 1.5918905069328964e-5;

/** [6/6] Padé numerator of exp: p_i = (12 − i)! 6! / (12! i! (6 − i)!). */
const P0 = 1;
const P1 = 0.5;
const P2 = 0.11363636363636363;
const P3 = 0.015151515151515152;
const P4 = 0.0012626262626262627;
const P5 = 6.313131313131313e-5;
const P6 = 1.5031265031265032e-6;

/** fdlibm's split of ln 2 (LN2_HI has 32 trailing zero bits) and 1/ln 2. */
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.442695040888963387;

/** 2^−j for j = 0 … 64, built by exact halving. */
const POW2_NEG = new Float64Array(65);
POW2_NEG[0] = 1;
for (let j = 1; j < POW2_NEG.length; j++) POW2_NEG[j] = POW2_NEG[j - 1] * 0.5;

const SERIES_BELOW = 0.4;

export function tanh(x: number): number {
  const a = Math.abs(x);
  let t: number;
  if (a < SERIES_BELOW) {
    const z = a * a;
    t = a + a * z * (T3 + z * (T5 + z * (T7 + z * (T9 + z * (T11 + z * (T13 + z * (T15 + z * (T17 + z * (T19 + z * (T21 + z * (T23 + z * T25)))))))))));
  } else if (a < 22) {
    const y = -2 * a;
    const k = Math.round(y * INV_LN2); // −64 … −1
    const r = y - k * LN2_HI - k * LN2_LO;
    const w = r * r;
    const even = P0 + w * (P2 + w * (P4 + w * P6));
    const odd = r * (P1 + w * (P3 + w * P5));
    const s = POW2_NEG[-k];
    // e = s·(even + odd)/(even − odd), so (1 − e)/(1 + e) = (den − s·num)/(den + s·num).
    const num = even + odd;
    const den = even - odd;
    t = (den - s * num) / (den + s * num);
  } else {
    t = a === a ? 1 : a; // NaN stays NaN
  }
  return x < 0 ? -t : x === 0 ? x : t;
}
