/** Time as a dependency, so tests move it instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move. For tests and benchmarks. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date = new Date()) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(seconds: number): void {
    this.#ms += seconds * 1000;
  }
  /**
   * Moves up to the wall clock when behind it (never back). For a broker that talks to a provider on real
   * time (the simulator): a test file running longer than the id_token's clock tolerance would otherwise
   * see tokens "issued in the future".
   */
  catchUp(): void {
    this.#ms = Math.max(this.#ms, Date.now());
  }
}
