// What every part of the twin shares: the scenario, virtual clock, timeline, object store and faults.
import type { VirtualClock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { Scenario } from './scenario.ts';
import type { Store } from './store.ts';
import type { Timeline } from './timeline.ts';

export interface TwinContext {
  scenario: Scenario;
  clock: VirtualClock;
  timeline: Timeline;
  store: Store;
  faults: Faults;
  /** Container log lines per pod, keyed `namespace/name`; controllers append, the API serves `/log`. */
  podLogs: Map<string, string[]>;
}
