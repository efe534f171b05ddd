// The twin's record of everything that changed the cluster, in order, and of every API request.
// Tests assert on it (ordering of the procedure, zero writes in plan mode); the CLI writes it on exit.
import type { VirtualClock } from './clock.ts';

export interface TimelineEntry {
  /** Virtual seconds since the twin started. */
  t: number;
  /** Who made the change: `client:<user>` for API callers, or a controller: `cno`, `mco`, `kubelet`, `ssh`, `namespace-controller`. */
  actor: string;
  /** create | update | patch | delete | finalize | reboot | command | backup ... */
  verb: string;
  /** `Kind/name` or `Kind/namespace/name` (nodes over SSH: `Node/<name>`). */
  object: string;
  /** Human-readable change: `spec.paused: false → true`, or the command run. */
  change: string;
}

export class Timeline {
  readonly entries: TimelineEntry[] = [];
  /** Request counts keyed by `<verb> <resource>` (e.g. `list nodes`, `watch machineconfigpools`, `patch networks.config.openshift.io`). */
  readonly counters = new Map<string, number>();

  private readonly clock: VirtualClock;

  constructor(clock: VirtualClock) {
    this.clock = clock;
  }

  record(actor: string, verb: string, object: string, change: string): TimelineEntry {
    const entry = { t: Math.round(this.clock.now() * 1000) / 1000, actor, verb, object, change };
    this.entries.push(entry);
    return entry;
  }

  count(key: string): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  /** Entries made by API clients (the action, kubectl), i.e. writes someone asked for. */
  clientWrites(): TimelineEntry[] {
    return this.entries.filter((e) => e.actor.startsWith('client:'));
  }

  totalRequests(): number {
    let n = 0;
    for (const v of this.counters.values()) n += v;
    return n;
  }

  toJSON(): { entries: TimelineEntry[]; counters: Record<string, number> } {
    return { entries: this.entries, counters: Object.fromEntries(this.counters) };
  }
}
