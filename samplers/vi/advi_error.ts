/** The error ADVI throws when it cannot go on, carrying the last good fit when there is one. */
import type { AdviFit } from './fit.js';

/** Thrown when ADVI cannot continue; `fit` holds the last good approximation when there is one. */
export class AdviError extends Error {
  readonly fit?: AdviFit;
  constructor(message: string, fit?: AdviFit) {
    super(message);
    this.name = 'AdviError';
    this.fit = fit;
  }
}

/** Consecutive halvings of η tried on a non-finite step before giving up (our choice; Stan: 0). */
export const MAX_STEP_HALVINGS = 5;
