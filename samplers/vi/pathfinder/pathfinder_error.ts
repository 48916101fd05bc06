/** Thrown when Pathfinder cannot produce an approximation (every path failed, or the target is not finite where it starts). */
export class PathfinderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathfinderError';
  }
}
