// What every part of the twin shares: the scenario, virtual clock, timeline, object store and faults.
import type { VirtualClock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { Scenario } from './scenario.ts';
import type { Store } from './store.ts';
import type { Timeline } from './timeline.ts';

/** Whether the API server is serving (false during a control-plane outage), for controllers that care. */
export class ApiState {
  private isDown = false;
  private readonly listeners: ((down: boolean) => void)[] = [];

  get down(): boolean {
    return this.isDown;
  }

  set(down: boolean): void {
    if (down === this.isDown) return;
    this.isDown = down;
    for (const l of this.listeners) l(down);
  }

  onChange(listener: (down: boolean) => void): void {
    this.listeners.push(listener);
  }
}

export interface TwinContext {
  scenario: Scenario;
  clock: VirtualClock;
  timeline: Timeline;
  store: Store;
  faults: Faults;
  /** Container log lines per pod, keyed `namespace/name`; controllers append, the API serves `/log`. */
  podLogs: Map<string, string[]>;
  /** The API server's availability (set by the outage model; absent in controller-only harnesses). */
  api?: ApiState;
  /** The nodes' shells, for `pods/exec` (set once the SSH nodes run; absent in API-only harnesses). */
  nodeShells?: {
    runAs(
      node: string,
      line: string,
      opts: { root: boolean; actor: string },
    ): Promise<import('./ssh/shell.ts').CommandResult>;
    isUp(node: string): boolean;
  };
}
