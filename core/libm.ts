/**
 * Elementary functions that return the same bits in every JavaScript engine, so that one seed
 * gives the same draws in Node and in a browser. `Math.exp`, `Math.log`, `Math.sin`, … are only
 * required to be close: Node 20's V8 and Chromium 156's V8 disagree in the last bit for about 10%
 * of arguments of exp (docs/architecture.md), and a Hamiltonian trajectory turns one bit
 * into a different draw within a few iterations. These are the stdlib-js ports of
 * FreeBSD's msun / Sun's fdlibm, made of IEEE arithmetic only, hence identical everywhere.
 *
 * tanh is our own (tanh.ts), for speed. Library code under core/, autodiff/, models/ and
 * samplers/ calls these instead of `Math.*` (test/libm.test.ts fails on a new `Math.exp`);
 * `Math.sqrt`, `abs`, `floor`, `round`, `min`, `max` are exact by IEEE 754 and stay. The
 * playground's end-to-end test checks that Node and Chromium give the same draws, bit for bit.
 */
import stdExp from '@stdlib/math-base-special-exp';
import stdLn from '@stdlib/math-base-special-ln';
import stdLog1p from '@stdlib/math-base-special-log1p';
import stdExpm1 from '@stdlib/math-base-special-expm1';
import stdSin from '@stdlib/math-base-special-sin';
import stdCos from '@stdlib/math-base-special-cos';
import stdTan from '@stdlib/math-base-special-tan';
import stdPow from '@stdlib/math-base-special-pow';
import stdLog10 from '@stdlib/math-base-special-log10';

export const exp: (x: number) => number = stdExp;
/** Natural logarithm. */
export const log: (x: number) => number = stdLn;
export const log1p: (x: number) => number = stdLog1p;
export const expm1: (x: number) => number = stdExpm1;
export const sin: (x: number) => number = stdSin;
export const cos: (x: number) => number = stdCos;
export const tan: (x: number) => number = stdTan;
export const pow: (x: number, y: number) => number = stdPow;
export const log10: (x: number) => number = stdLog10;
/** Our own (core/tanh.ts): the hot function of the BNNs, where stdlib's costs 23% of a gradient. */
export { tanh } from './tanh.js';
