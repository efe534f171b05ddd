// Virtual time for the twin. Scenario durations (reboots, MCO updates, multus restarts) are written in
// virtual seconds; `msPerSecond` maps one virtual second to real milliseconds so that a 20-minute
// migration can run in seconds under test while keeping every ordering and ratio of the real thing.
export class VirtualClock {
  readonly msPerSecond: number;
  /** Real-ms floor of every non-zero delay (the `observable` timing profile). */
  readonly minStateMs: number;
  private readonly startedAt = performance.now();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(msPerSecond: number, minStateMs = 0) {
    if (!(msPerSecond > 0))
      throw new Error(`time scale must be > 0 ms per virtual second, got ${msPerSecond}`);
    this.msPerSecond = msPerSecond;
    this.minStateMs = minStateMs;
  }

  /** Virtual seconds since the twin started. */
  now(): number {
    return (performance.now() - this.startedAt) / this.msPerSecond;
  }

  /** Real milliseconds that `seconds` virtual seconds take. */
  toMs(seconds: number): number {
    return seconds * this.msPerSecond;
  }

  /** Real milliseconds a timer of `seconds` waits: zero stays zero (a reaction, not a state). */
  delayMs(seconds: number): number {
    return seconds > 0 ? Math.max(this.minStateMs, this.toMs(seconds)) : 0;
  }

  /** Runs `fn` after `seconds` virtual seconds; returns a cancel function. */
  after(seconds: number, fn: () => void): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, this.delayMs(seconds));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => this.after(seconds, resolve));
  }

  /** Cancels every pending timer (twin shutdown). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
