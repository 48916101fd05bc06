/**
 * Pausing and resuming a running `sample()`. Pausing stops every chain between two iterations and
 * holds it there, its state intact, until `resume()`; the draws so far have already been reported
 * (`onProgress`), and the run then goes on exactly as if it had never paused, so a paused run
 * gives the same draws as an uninterrupted one with the same seed. Stopping for good is an
 * AbortSignal's job (`sample`'s `signal`), which returns the draws made so far.
 */
export class RunControl {
  private isPaused = false;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.isPaused;
  }

  pause(): void {
    this.set(true);
  }

  resume(): void {
    this.set(false);
  }

  /** Calls `listener(paused)` on every change; returns the function that unsubscribes it. */
  subscribe(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(paused: boolean): void {
    if (paused === this.isPaused) return;
    this.isPaused = paused;
    for (const l of [...this.listeners]) l(paused);
  }
}

/** How often (ms) a paused loop looks again for resume or abort. */
export const PAUSE_POLL_MS = 50;
