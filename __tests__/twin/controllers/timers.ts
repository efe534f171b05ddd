// Every timer the controllers start, so stop() can cancel them all, plus keyed debouncing: a burst of
// store events (a controller's own writes included) triggers one reconcile, not one per event.
import type { VirtualClock } from '../clock.ts';

export class Timers {
  private readonly clock: VirtualClock;
  private readonly cancels = new Set<() => void>();
  private readonly pending = new Map<string, () => void>();
  private stopped = false;

  constructor(clock: VirtualClock) {
    this.clock = clock;
  }

  /** Runs `fn` after `seconds` virtual seconds unless stopped first. */
  after(seconds: number, fn: () => void): void {
    if (this.stopped) return;
    const cancel = this.clock.after(seconds, () => {
      this.cancels.delete(cancel);
      if (!this.stopped) fn();
    });
    this.cancels.add(cancel);
  }

  /** Runs `fn` once, `seconds` after the first request under `key` since it last ran. */
  debounce(key: string, seconds: number, fn: () => void): void {
    if (this.stopped || this.pending.has(key)) return;
    const cancel = this.clock.after(seconds, () => {
      this.cancels.delete(cancel);
      this.pending.delete(key);
      if (!this.stopped) fn();
    });
    this.pending.set(key, cancel);
    this.cancels.add(cancel);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.pending.clear();
  }
}
