/** Checks of the tuning parameters a sampler is handed on every step. */

/** Checks the step size a sampler is given, naming the parameter. */
export function checkStepSize(stepSize: unknown, samplerName: string): number {
  if (typeof stepSize !== 'number' || !(stepSize > 0) || !Number.isFinite(stepSize)) {
    throw new Error(`${samplerName}: params.stepSize must be a positive finite number, got ${String(stepSize)}`);
  }
  return stepSize;
}
